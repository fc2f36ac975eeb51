import { CoreInputError, isCoreInputError, settled } from '../errors';
import type { GatewayTransaction } from '../gateway360/transactions';
import {
	getTransaction,
	paymentOfTransaction,
	summarizeTransaction,
	transactionRecord,
} from '../gateway360/transactions';
import type { Gateway360Transport } from '../gateway360/transport';
import { money, parseAmount } from '../money/money';
import { paymentMethodLabel } from '../payments/paymentMethodLabel';
import type { PaymentStatus } from '../payments/paymentRecord';
import { buildPaymentRecord } from '../payments/paymentRecord';
import type {
	EventSource,
	IgnoredReason,
	InvoicePaymentEvent,
	NormalisedWebhook,
	ParsedEvent,
	PaymentStatusFamily,
} from './paymentStatusEvent';
import {
	disputeItems,
	ignore,
	invoicePaymentEvent,
	isObject,
	parseJsonBody,
	statusFamily,
} from './paymentStatusEvent';
import type { RawBody } from './stripeSignature';

/**
 * 360 Payments' webhook events as payment-status events (paymentStatusEvent.ts says what a
 * normaliser returns).
 *
 * API:
 *   parseGateway360Event(raw) -> ParsedEvent<Gateway360EventLike>
 *   gateway360EventTransactionId(event) -> the transaction to re-read, or null
 *   currentGatewayTransaction(transport, id) -> the transaction now, or null when the gateway
 *     has none such ('payment_not_found')
 *   normaliseGateway360Event(event, { livemode = true, defaultCurrency = 'usd',
 *     currentTransaction }?) -> NormalisedWebhook (livemode: the gateway's body does not say;
 *     the trigger knows its credential; currentTransaction: see "Re-read" below)
 *
 * The webhook body (NMI-style). Our fake gateway sends exactly this; real gateway bodies carry
 * more fields, which are ignored.
 *
 * {
 *   "event_id": "non-empty string, unique per event: the deduplication key",
 *   "event_type": "transaction.<sale|auth|capture|void|refund>.<success|failure|unknown>",
 *   "event_body": {
 *     "transaction_id": "the gateway's transaction id: the payment's (sale, auth, capture, void),
 *                        or for a refund the refund's own transaction; re-read, it leads to the
 *                        payment it reverses (original_transaction_id, else its order), whose
 *                        record it reports",
 *     "original_transaction_id": "on a refund: the payment refunded (optional; used when the
 *                        body alone is read)",
 *     "features": { "is_test_mode": true } (optional): livemode false when true,
 *     "order_id": "the invoice id (one invoice per gateway transaction); absent or empty: the
 *                  transaction is not an invoice payment and is ignored",
 *     "currency": "ISO code, e.g. \"USD\" (optional, default options.defaultCurrency or usd)",
 *     "surcharge": "decimal string: the processing-fee part of action.amount (optional)",
 *     "customerid": "the books customer id (optional)",
 *     "customer_vault_id": "the gateway's stored-customer id (optional)",
 *     "card": { "cc_number": "masked, e.g. 4xxxxxxxxxxx1111", "cc_type": "visa" } (optional),
 *     "action": {
 *       "action_type": "sale",
 *       "amount": "decimal string: sale/capture/auth the total charged (surcharge included);
 *                  refund the amount refunded; void the amount voided",
 *       "date": "YYYYMMDDHHMMSS in UTC",
 *       "response_code": "100 approved, 2xx declined, 3xx gateway error",
 *       "response_text": "the gateway's message, e.g. \"DECLINE\"",
 *       "processor_response_code": "the processor's own code (optional)"
 *     }
 *   }
 * }
 *
 * Mapping: sale|capture success -> succeeded, auth success -> processing (authorised, awaiting
 * capture, as Stripe's requires_capture), sale|auth|capture failure -> failed (failure: code =
 * response_code, declineCode = processor_response_code, message = response_text), void success
 * -> canceled, refund success -> kind 'refund' on Refunded (status succeeded, refund = this
 * refund, amountKept null: the event names one refund, not the payment's total, so amount =
 * refund.amountRefunded = this refund; Get the transaction for its totals); refund|void
 * failure -> ignored 'reversal_failed'; *.unknown -> ignored 'unknown_outcome';
 * chargeback.batch.complete -> Disputed, one item per chargeback of an invoice payment
 * (`normaliseGateway360Chargebacks`, below); other types -> 'unhandled_event_type'.
 *
 * Re-read (the trigger's default, as for Stripe): with `currentTransaction` (the transaction
 * the delivery read from the gateway, `gateway360EventTransactionId` /
 * `currentGatewayTransaction`) the body is only a pointer: the record is the gateway's own (`transactionRecord`), a refund event
 * or a transaction with money refunded is reported on Refunded with the refund TOTAL and what is
 * kept (status `refunded` when nothing is), like Stripe's. The signature scheme carries a nonce,
 * not a time, so no replay window can be checked: this is what makes a replayed event harmless.
 */
export interface Gateway360EventLike {
	event_id: string;
	event_type: string;
	event_body: Record<string, unknown>;
}

export function parseGateway360Event(
	raw: RawBody | null | undefined,
): ParsedEvent<Gateway360EventLike> {
	const body = parseJsonBody(raw);
	if (!body.ok) return body;
	const value = body.value;
	if (
		!isObject(value) ||
		typeof value.event_id !== 'string' ||
		value.event_id === '' ||
		typeof value.event_type !== 'string' ||
		!isObject(value.event_body)
	) {
		return { ok: false, reason: 'not_an_event' };
	}
	return { ok: true, event: value as unknown as Gateway360EventLike };
}

const GATEWAY_TYPE = /^transaction\.(sale|auth|capture|void|refund)\.(success|failure|unknown)$/;

const text = (value: unknown): string | null =>
	typeof value === 'string' && value.trim() !== '' ? value.trim() : null;

function gatewayDate(value: unknown): string | null {
	const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text(value) ?? '');
	if (!match) return null;
	const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
	const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
	// Date.UTC rolls 20261340 over into another month: such a date is not the gateway's.
	return date.getUTCMonth() === month - 1 &&
		date.getUTCDate() === day &&
		hour < 24 &&
		minute < 60 &&
		second < 60
		? date.toISOString()
		: null;
}

/** Where a 360 event's item came from: the body names no method id and no Checkout page. */
function gatewaySource(
	event: Gateway360EventLike,
	kind: EventSource['kind'],
	family: PaymentStatusFamily,
): EventSource {
	const details = isObject(event.event_body.action) ? event.event_body.action : {};
	return {
		kind,
		eventId: event.event_id,
		eventType: event.event_type,
		statusFamily: family,
		occurredAt: gatewayDate(details.date),
		paymentMethodId: null,
		checkoutSessionId: null,
	};
}

/** What the event type decides before any transaction is looked at; null: read on. */
function gatewayTypeVerdict(
	event: Gateway360EventLike,
): { ignored: IgnoredReason } | { action: string; outcome: string } {
	const match = GATEWAY_TYPE.exec(event.event_type);
	if (!match) return { ignored: 'unhandled_event_type' };
	const [, action, outcome] = match;
	if (outcome === 'unknown') return { ignored: 'unknown_outcome' };
	const reversal = action === 'void' || action === 'refund';
	if (reversal && outcome === 'failure') return { ignored: 'reversal_failed' };
	return { action, outcome };
}

/**
 * The gateway transaction the delivery re-reads ("Re-read payment"); null when the event is
 * ignored whatever the transaction says, or names none (the normaliser then says why).
 */
export function gateway360EventTransactionId(event: Gateway360EventLike): string | null {
	if ('ignored' in gatewayTypeVerdict(event)) return null;
	return text(event.event_body.transaction_id);
}

/**
 * The event's transaction as the gateway has it now (query.php); null when the gateway has no
 * such transaction (or the id cannot be one): the event will never be processed, so the delivery
 * acknowledges it as 'payment_not_found'. Failures to ask the gateway are thrown (answer 500).
 */
export async function currentGatewayTransaction(
	transport: Gateway360Transport,
	transactionId: string,
): Promise<GatewayTransaction | null> {
	const read = await settled(getTransaction(transport, transactionId, 'event_body.transaction_id'));
	if (!read.ok) {
		// getTransaction's bad input is "no such transaction" (or an id that cannot be one).
		if (isCoreInputError(read.error)) return null;
		throw read.error;
	}
	// A refund's event names the refund's own transaction: the record is its sale's, refunded.
	return await paymentOfTransaction(transport, read.value);
}

/**
 * What the body says of test mode: NMI's webhook bodies carry `features.is_test_mode` (NMI
 * Webhooks, https://secure.nmi.com/merchants/resources/integration/integration_portal.php#webhooks);
 * null when absent, then the trigger's own knowledge decides.
 */
function bodyLivemode(event: Gateway360EventLike): boolean | null {
	const features = isObject(event.event_body.features) ? event.event_body.features : null;
	const testMode = features?.is_test_mode;
	if (testMode === true || testMode === 'true' || testMode === 1 || testMode === '1') return false;
	if (testMode === false || testMode === 'false' || testMode === 0 || testMode === '0') return true;
	return null;
}

export function normaliseGateway360Event(
	event: Gateway360EventLike,
	options: {
		livemode?: boolean;
		defaultCurrency?: string;
		currentTransaction?: GatewayTransaction | null;
	} = {},
): NormalisedWebhook {
	const verdict = gatewayTypeVerdict(event);
	if ('ignored' in verdict) return ignore(verdict.ignored);
	const { action, outcome } = verdict;
	const reversal = action === 'void' || action === 'refund';
	const livemode = bodyLivemode(event) ?? options.livemode ?? true;
	if (options.currentTransaction) {
		return gatewayEventFromTransaction(event, options.currentTransaction, {
			refundEvent: action === 'refund',
			livemode,
		});
	}

	const body = event.event_body;
	const invoiceId = text(body.order_id);
	if (!invoiceId) return ignore('no_invoice');
	// A refund names its own transaction; the payment is the one it reverses, when the body says.
	const transactionId =
		(action === 'refund' ? text(body.original_transaction_id) : null) ?? text(body.transaction_id);
	if (!transactionId) {
		throw new CoreInputError(
			'event_body.transaction_id',
			'360 Payments event has no transaction id',
		);
	}
	const details = isObject(body.action) ? body.action : {};
	const currency = text(body.currency) ?? options.defaultCurrency ?? 'usd';
	const totalMinor = parseAmount(details.amount, currency, 'event_body.action.amount');
	// A refund or void moves the whole action amount; the surcharge split describes a charge.
	const feeMinor =
		reversal || text(body.surcharge) === null
			? 0
			: parseAmount(body.surcharge, currency, 'event_body.surcharge');
	if (feeMinor > totalMinor) {
		throw new CoreInputError(
			'event_body.surcharge',
			'The surcharge is more than the amount charged',
		);
	}

	const kind = action === 'refund' ? 'refund' : 'payment';
	let status: PaymentStatus;
	if (outcome === 'failure') status = 'failed';
	else if (action === 'void') status = 'canceled';
	// The event names this refund only, not whether the payment kept anything.
	else if (kind === 'refund') status = 'succeeded';
	else status = action === 'auth' ? 'processing' : 'succeeded';

	const card = isObject(body.card) ? body.card : null;
	const last4 = text(card?.cc_number)?.slice(-4) ?? null;
	const brand = text(card?.cc_type);
	const method =
		card && (brand || last4)
			? { id: null, label: paymentMethodLabel({ type: 'card', card: { brand, last4 } }) }
			: null;
	const record = buildPaymentRecord({
		provider: 'gateway360',
		invoiceId,
		currency,
		amountMinor: totalMinor - feeMinor,
		feeMinor,
		status,
		paymentId: transactionId,
		booksCustomerId: text(body.customerid),
		providerCustomerId: text(body.customer_vault_id),
		paymentMethod: method,
		failure:
			status === 'failed'
				? {
						code: text(details.response_code),
						declineCode: text(details.processor_response_code),
						message: text(details.response_text) ?? 'The payment failed',
					}
				: null,
		refund: kind === 'refund' ? { refundedMinor: totalMinor, keptMinor: null } : null,
		livemode,
	});
	const paymentEvent = invoicePaymentEvent(
		record,
		gatewaySource(event, kind, kind === 'refund' ? 'refunded' : (status as PaymentStatusFamily)),
		{ invoiceIds: [invoiceId], amount: record.total },
	);
	// Partial refunds of one payment may follow one another: each is its own state.
	const stateKey =
		kind === 'refund'
			? `gateway360:${transactionId}:refund:${event.event_id}`
			: `gateway360:${transactionId}:${status}:`;
	return { events: [paymentEvent], ignored: null, stateKey };
}

/**
 * A 360 event told by the gateway's transaction as it is now ("Re-read payment"): the event only
 * says which transaction changed. Status, amounts, invoice (the order ID) and customer come from
 * the gateway, and a refund reports the payment's refund total and what it keeps, as Stripe's
 * refunds do. So a late or replayed event (a captured one sent again after a restart, or to
 * another worker whose memory never saw it) reports the present state, which the books already
 * hold: their record by payment id and status takes it as nothing new.
 * stateKey: `gateway360:<transaction>:<status>:`, or `gateway360:<transaction>:refund:<minor
 * refunded in all>` (each new refund total is a new state; the same total told again is not).
 */
function gatewayEventFromTransaction(
	event: Gateway360EventLike,
	transaction: GatewayTransaction,
	options: { refundEvent: boolean; livemode: boolean },
): NormalisedWebhook {
	const eventTransactionId = text(event.event_body.transaction_id);
	const told =
		transaction.transactionId === eventTransactionId ||
		transaction.reversalTransactionIds.includes(eventTransactionId ?? '');
	if (!told) {
		throw new CoreInputError(
			'currentTransaction',
			`The re-read transaction ${transaction.transactionId} is not the event's transaction ${String(eventTransactionId)}`,
		);
	}
	const summary = summarizeTransaction(transaction);
	// A credit or a card check pays no invoice; nor does a sale without an order ID.
	if (summary.kind !== 'payment' || !transaction.orderId) return ignore('no_invoice');
	const record = transactionRecord(transaction, { livemode: options.livemode });
	const isRefund = options.refundEvent || summary.refundedMinor > 0;
	const family = isRefund ? 'refunded' : statusFamily(record.status);
	if (family === null) return ignore('payment_pending');
	const paymentEvent = invoicePaymentEvent(
		{
			...record,
			// A refund event always says what went back, even when the gateway shows nothing (any more).
			refund: isRefund
				? (record.refund ?? {
						amountRefunded: money(0, record.total.currency),
						amountKept: record.total,
					})
				: null,
		},
		gatewaySource(event, isRefund ? 'refund' : 'payment', family),
		{ invoiceIds: [record.invoiceId], amount: record.total },
	);
	const state = isRefund ? `refund:${summary.refundedMinor}` : `${record.status}:`;
	return {
		events: [paymentEvent],
		ignored: null,
		stateKey: `gateway360:${transaction.transactionId}:${state}`,
	};
}

// ------------------------------------------------------------------- chargebacks

/**
 * NMI's chargeback webhook (NMI Webhooks, Chargeback Events,
 * https://docs.nmi.dev/reference/chargeback-events): `chargeback.batch.complete`, sent when a
 * batch with chargebacks is completed. Its body names the merchant and processor, `count`,
 * `chargeback_amount` and `chargebacks`: each with `id` (the transaction charged back), `date`
 * (M/D/YYYY), `customer_name`, masked `cc_number`, `amount` (decimal) and `reason` ("<code>:
 * <text>"). It names no order: each chargeback's transaction is read from the gateway (its
 * order is the invoice), so without "Re-read payment" the batch is ignored
 * ('dispute_payment_unknown', as a Stripe dispute is).
 *
 * Each chargeback of a payment of ours is one item on Disputed, told as Stripe's disputes are
 * (`disputeItems`): the payment's record now (`transactionRecord`: the money taken back is in
 * `refund`, and `chargeback`), kind 'dispute', `dispute` = { id `chargeback:<transaction>:<date>:
 * <minor>`, status 'chargeback', the bank's reason, the amount, closed false (the merchant may
 * still answer it), recordStatus 'pending' (the money is gone until the chargeback is decided,
 * as with Stripe's open dispute), a CHARGEBACK reason for the team }. The books keep it on its
 * invoice as a mismatch under that id; the reconciliation's next run records the money taken
 * back against the sale (query.php reports the chargeback action).
 */
export const GATEWAY360_CHARGEBACK_EVENT = 'chargeback.batch.complete';

export interface GatewayChargeback {
	transactionId: string;
	/** ISO date (UTC midnight) of the chargeback; null when the body gives none */
	date: string | null;
	/** the decimal amount taken back */
	amount: string;
	reason: string | null;
}

export function isGateway360ChargebackBatch(event: Gateway360EventLike): boolean {
	return event.event_type === GATEWAY360_CHARGEBACK_EVENT;
}

function chargebackDate(value: unknown): string | null {
	const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text(value) ?? '');
	if (!match) return null;
	const [month, day, year] = match.slice(1).map(Number);
	const date = new Date(Date.UTC(year, month - 1, day));
	return date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date.toISOString() : null;
}

/** The chargebacks of a batch; a batch whose entries cannot be read is bad input. */
export function gateway360Chargebacks(event: Gateway360EventLike): GatewayChargeback[] {
	const list = event.event_body.chargebacks;
	if (!Array.isArray(list)) {
		throw new CoreInputError('event_body.chargebacks', 'The chargeback batch lists no chargebacks');
	}
	return list.map((entry: unknown, index) => {
		const field = `event_body.chargebacks[${index}]`;
		const item = isObject(entry) ? entry : {};
		const transactionId = text(item.id);
		const amount = text(item.amount);
		if (!transactionId || !amount) {
			throw new CoreInputError(field, 'A chargeback names no transaction or no amount');
		}
		return { transactionId, date: chargebackDate(item.date), amount, reason: text(item.reason) };
	});
}

/**
 * A chargeback batch as Disputed items, from each chargeback's transaction as the gateway has
 * it now (`transactions`, by the chargeback's transaction id; null: the gateway has none).
 */
export function normaliseGateway360Chargebacks(
	event: Gateway360EventLike,
	transactions: ReadonlyMap<string, GatewayTransaction | null> | null,
	options: { livemode?: boolean } = {},
): NormalisedWebhook {
	if (!isGateway360ChargebackBatch(event)) return ignore('unhandled_event_type');
	const chargebacks = gateway360Chargebacks(event);
	if (!transactions) return ignore('dispute_payment_unknown');
	const livemode = bodyLivemode(event) ?? options.livemode ?? true;
	const events: InvoicePaymentEvent[] = [];
	const ids: string[] = [];
	for (const chargeback of chargebacks) {
		const transaction = transactions.get(chargeback.transactionId) ?? null;
		if (!transaction || !transaction.orderId) continue;
		if (summarizeTransaction(transaction).kind !== 'payment') continue;
		const record = transactionRecord(transaction, { livemode });
		const currency = record.total.currency;
		const amount = money(
			parseAmount(chargeback.amount, currency, 'event_body.chargebacks.amount'),
			currency,
		);
		const day = chargeback.date?.slice(0, 10) ?? 'undated';
		const id = `chargeback:${transaction.transactionId}:${day}:${amount.minor}`;
		const base = invoicePaymentEvent(
			record,
			{
				kind: 'dispute',
				eventId: event.event_id,
				eventType: event.event_type,
				statusFamily: 'disputed',
				occurredAt: chargeback.date,
				paymentMethodId: null,
				checkoutSessionId: null,
			},
			{ invoiceIds: [transaction.orderId], amount: record.total },
		);
		const what = `${amount.amount} ${currency.toUpperCase()} of payment ${transaction.transactionId}`;
		events.push(
			...disputeItems([base], {
				id,
				status: 'chargeback',
				reason: chargeback.reason,
				amount,
				closed: false,
				recordStatus: 'pending',
				reasons: [
					{
						code: 'CHARGEBACK',
						message: `The card holder's bank took back ${what} (chargeback${chargeback.reason ? `, ${chargeback.reason}` : ''}): the invoice is unpaid by that amount until the chargeback is decided. Answer it with 360 Payments.`,
					},
				],
			}),
		);
		ids.push(id);
	}
	if (events.length === 0) return ignore('no_invoice');
	return { events, ignored: null, stateKey: `gateway360:${ids.sort().join(',')}` };
}

/**
 * A chargeback batch normalised as the webhook path does it: each chargeback's transaction read
 * from the gateway first (`currentGatewayTransaction`: the sale it took money from, with its
 * order); `reread` off: ignored ('dispute_payment_unknown').
 */
export async function normaliseGateway360ChargebacksNow(
	transport: () => Promise<Gateway360Transport>,
	event: Gateway360EventLike,
	reread: boolean,
): Promise<NormalisedWebhook> {
	const chargebacks = gateway360Chargebacks(event);
	if (!reread) return normaliseGateway360Chargebacks(event, null);
	const gateway = await transport();
	const current = new Map<string, GatewayTransaction | null>();
	for (const { transactionId } of chargebacks) {
		if (!current.has(transactionId)) {
			current.set(transactionId, await currentGatewayTransaction(gateway, transactionId));
		}
	}
	return normaliseGateway360Chargebacks(event, current);
}

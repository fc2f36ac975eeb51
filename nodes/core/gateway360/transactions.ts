import { DateTime } from 'luxon';

import { CoreInputError, isCoreInputError } from '../errors';
import type { MoneyValue } from '../money/money';
import { currencyRules, money, parseAmount } from '../money/money';
import { paymentMethodLabel } from '../payments/paymentMethodLabel';
import type { PaymentFailure, PaymentRecord, PaymentStatus } from '../payments/paymentRecord';
import { buildPaymentRecord } from '../payments/paymentRecord';
import { Gateway360ApiError } from './errors';
import type { GatewayFields } from './form';
import type { Gateway360Transport, TransactAnswer } from './transport';
import type { XmlElement } from './xml';
import { childElements, childText } from './xml';

/**
 * Transactions as query.php reports them, and what they mean in our vocabulary.
 *
 * One `<transaction>` per gateway transaction, with its `<action>`s in order (sale, then maybe
 * refund or void; auth then capture). A refund may come back in either of two shapes (NMI Query
 * API, https://docs.nmi.com/reference/query-1): an action on the sale, or a transaction of its
 * own whose action amount is negative, carrying the sale's order ID and `original_transaction_id`.
 * Chargebacks and returns (action types `chargeback`, `return`, `check_return`,
 * `check_late_return`) take money back the same two ways. `foldReversals` makes both shapes one:
 * the sale with every refund and chargeback among its actions, each counted once. Conditions: pending (an auth awaiting capture), in_progress (not final yet),
 * pendingsettlement (approved, not settled: may be voided), complete (settled: may be
 * refunded), canceled (voided), failed (declined), abandoned, unknown.
 */

export interface GatewayAction {
	actionType: string;
	amount: string | null;
	/** YYYYMMDDhhmmss as the gateway writes it */
	date: string | null;
	success: boolean;
	responseCode: string | null;
	responseText: string | null;
	processorResponseCode: string | null;
}

export interface GatewayTransaction {
	transactionId: string;
	orderId: string | null;
	condition: string;
	currency: string;
	email: string | null;
	orderDescription: string | null;
	authorizationCode: string | null;
	/** masked, e.g. 4xxxxxxxxxxx1111 */
	cardNumber: string | null;
	cardType: string | null;
	/** the processing-fee part of the charged amount, as a decimal string */
	surcharge: string | null;
	/** the books' customer ID our sales carry (a merchant-defined field); null on other sales */
	customerId: string | null;
	/** the invoice number people see, carried by our sales beside the order ID (the invoice ID) */
	invoiceNumber: string | null;
	/**
	 * the idempotency key of the Charge Token request that made it, on the holds (auths) Charge
	 * Token makes when it claims the invoice in Stripe first: a re-run finds its own hold by it
	 */
	chargeKey: string | null;
	/** on a refund or chargeback reported as a transaction of its own: the sale it reverses */
	originalTransactionId: string | null;
	/** the refunds and chargebacks of this payment that the gateway reported as transactions of their own */
	reversalTransactionIds: string[];
	actions: GatewayAction[];
}

/**
 * The merchant-defined fields our sales fill (NMI family: `merchant_defined_field_1` .. `_20` on
 * transact.php, answered by query.php as `<merchant_defined_field id="N">`). The order ID is the
 * books' invoice ID; these say for whom and under which number the sale was made, and (on a hold
 * made while the invoice is claimed in Stripe) by which request.
 */
export const SALE_FIELDS = { customerId: 1, invoiceNumber: 2, chargeKey: 3 } as const;

/** The transact.php name of a merchant-defined field. */
export function merchantFieldName(number: number): string {
	return `merchant_defined_field_${number}`;
}

/** The trimmed value of `<merchant_defined_field id="N">`, or null when absent or empty. */
function merchantField(element: XmlElement, number: number): string | null {
	const matches = childElements(element, 'merchant_defined_field').filter(
		(field) => field.attributes.id === String(number),
	);
	if (matches.length > 1) {
		throw new Gateway360ApiError({
			message: `A transaction in the gateway's answer has merchant-defined field ${number} twice`,
			kind: 'unreadable_answer',
		});
	}
	const text = matches[0]?.text.trim() ?? '';
	return text === '' ? null : text;
}

const CHARGE_ACTIONS = ['sale', 'auth', 'capture'];
const REFUND_ACTIONS = ['refund', 'credit'];
/** money the card holder's bank took back: a chargeback, or a returned (ACH) payment */
const CHARGEBACK_ACTIONS = ['chargeback', 'return', 'check_return', 'check_late_return'];
const REVERSAL_ACTIONS = [...REFUND_ACTIONS, ...CHARGEBACK_ACTIONS];
const MAX_TRANSACTIONS_PER_QUERY_PAGE = 1000;

function required(element: XmlElement, name: string): string {
	const value = childText(element, name);
	if (value === null) {
		throw new Gateway360ApiError({
			message: `A transaction in the gateway's answer has no <${name}>`,
			kind: 'unreadable_answer',
		});
	}
	return value;
}

export function readTransactions(root: XmlElement, defaultCurrency = 'usd'): GatewayTransaction[] {
	const elements = childElements(root, 'transaction');
	if (elements.length > MAX_TRANSACTIONS_PER_QUERY_PAGE) {
		throw new Gateway360ApiError({
			message: `The gateway answered ${elements.length} transactions to one query page`,
			kind: 'unreadable_answer',
		});
	}
	return elements.map((element) => ({
		transactionId: required(element, 'transaction_id'),
		orderId: childText(element, 'order_id'),
		condition: (childText(element, 'condition') ?? 'unknown').toLowerCase(),
		currency: (childText(element, 'currency') ?? defaultCurrency).toLowerCase(),
		email: childText(element, 'email'),
		orderDescription: childText(element, 'order_description'),
		authorizationCode: childText(element, 'authorization_code'),
		cardNumber: childText(element, 'cc_number'),
		cardType: childText(element, 'cc_type'),
		surcharge: childText(element, 'surcharge'),
		customerId: merchantField(element, SALE_FIELDS.customerId),
		invoiceNumber: merchantField(element, SALE_FIELDS.invoiceNumber),
		chargeKey: merchantField(element, SALE_FIELDS.chargeKey),
		originalTransactionId: childText(element, 'original_transaction_id'),
		reversalTransactionIds: [],
		actions: childElements(element, 'action').map((action) => ({
			actionType: (childText(action, 'action_type') ?? '').toLowerCase(),
			amount: childText(action, 'amount'),
			date: childText(action, 'date'),
			success: childText(action, 'success') === '1',
			responseCode: childText(action, 'response_code'),
			responseText: childText(action, 'response_text'),
			processorResponseCode: childText(action, 'processor_response_code'),
		})),
	}));
}

/** "Visa •••• 1111" from the masked number and card type, or null when the gateway gave none. */
export function cardLabel(
	cardNumber: string | null | undefined,
	cardType: string | null | undefined,
): { id: null; label: string } | null {
	const last4 = cardNumber && /\d{4}$/.test(cardNumber) ? cardNumber.slice(-4) : null;
	const brand = cardType ? cardType.toLowerCase() : null;
	if (!last4 && !brand) return null;
	return { id: null, label: paymentMethodLabel({ type: 'card', card: { brand, last4 } }) };
}

/**
 * An action's amount in minor units, as a magnitude: amounts are decimal strings, and the
 * gateway writes a refund reported as a transaction of its own with a minus sign.
 */
function actionMinor(action: GatewayAction | undefined, currency: string): number {
	const amount = action?.amount?.trim() ?? '';
	if (amount === '') return 0;
	return parseAmount(amount.replace(/^-/, ''), currency, 'gateway amount');
}

/** A refund, credit, chargeback or return: money going back. */
function isReversal(action: GatewayAction | undefined): boolean {
	return action !== undefined && REVERSAL_ACTIONS.includes(action.actionType);
}

/** What a transaction is, in our words. */
export interface TransactionSummary {
	kind: 'payment' | 'refund' | 'other';
	status: PaymentStatus;
	/** charged (sale, or capture of an auth; the authorised amount while not captured) */
	chargedMinor: number;
	feeMinor: number;
	refundedMinor: number;
	/** of refundedMinor, what chargebacks and returns took back (the rest the merchant refunded) */
	chargedBackMinor: number;
	/** ISO time of the last chargeback or return, null without one */
	chargedBackAt: string | null;
	/** approved and still holding money (the double-charge guard's "approved sale") */
	holdsMoney: boolean;
	/** may be voided: approved, not settled, not voided (a sale, a capture, or a hold not captured) */
	voidable: boolean;
	/** may be refunded: settled, something left */
	refundable: boolean;
	failure: PaymentFailure | null;
	/** ISO time of the first action */
	occurredAt: string | null;
}

export function summarizeTransaction(transaction: GatewayTransaction): TransactionSummary {
	const { actions, currency, condition } = transaction;
	const first = actions[0];
	const firstType = first?.actionType ?? '';
	const succeeded = (type: string) => actions.find((a) => a.actionType === type && a.success);
	const occurredAt = gatewayDateToIso(first?.date ?? null);

	if (isReversal(first)) {
		const amount = actionMinor(first, currency);
		return {
			kind: 'refund',
			status: first.success ? 'canceled' : 'failed',
			chargedMinor: amount,
			feeMinor: 0,
			refundedMinor: 0,
			chargedBackMinor: 0,
			chargedBackAt: null,
			holdsMoney: false,
			voidable: false,
			refundable: false,
			failure: first.success ? null : failureOf(first),
			occurredAt,
		};
	}
	if (!CHARGE_ACTIONS.includes(firstType)) {
		return {
			kind: 'other',
			status: first?.success ? 'succeeded' : 'failed',
			chargedMinor: actionMinor(first, currency),
			feeMinor: 0,
			refundedMinor: 0,
			chargedBackMinor: 0,
			chargedBackAt: null,
			holdsMoney: false,
			voidable: false,
			refundable: false,
			failure: first && !first.success ? failureOf(first) : null,
			occurredAt,
		};
	}

	const approved = first.success;
	const capture = succeeded('capture');
	const chargedMinor = actionMinor(firstType === 'auth' && capture ? capture : first, currency);
	const feeMinor = transaction.surcharge
		? parseAmount(transaction.surcharge, currency, 'surcharge')
		: 0;
	// Refunds and chargebacks alike: what went back no longer pays the invoice.
	const reversals = actions.filter((a) => isReversal(a) && a.success);
	const refundedMinor = reversals.reduce((sum, a) => sum + actionMinor(a, currency), 0);
	const chargebacks = reversals.filter((a) => CHARGEBACK_ACTIONS.includes(a.actionType));
	const chargedBackMinor = chargebacks.reduce((sum, a) => sum + actionMinor(a, currency), 0);
	const voided = condition === 'canceled' || succeeded('void') !== undefined;

	let status: PaymentStatus;
	if (!approved || condition === 'failed') status = 'failed';
	else if (voided || condition === 'abandoned') status = 'canceled';
	else if (firstType === 'auth' && !capture) status = 'processing';
	else if (condition === 'pending' || condition === 'in_progress') status = 'processing';
	else if (condition === 'pendingsettlement' || condition === 'complete') status = 'succeeded';
	else status = 'pending';
	// All of it went back: it no longer pays its invoice (PaymentStatus 'refunded').
	if (status === 'succeeded' && chargedMinor > 0 && refundedMinor >= chargedMinor) {
		status = 'refunded';
	}

	const holdsMoney =
		(status === 'succeeded' || status === 'processing') && refundedMinor < chargedMinor;
	return {
		kind: 'payment',
		status,
		chargedMinor,
		feeMinor: Math.min(feeMinor, chargedMinor),
		refundedMinor,
		chargedBackMinor,
		chargedBackAt: gatewayDateToIso(chargebacks.at(-1)?.date ?? null),
		holdsMoney,
		voidable:
			approved &&
			!voided &&
			refundedMinor === 0 &&
			(condition === 'pendingsettlement' ||
				(firstType === 'auth' && !capture && condition === 'pending')),
		refundable: status === 'succeeded' && condition === 'complete' && refundedMinor < chargedMinor,
		failure: status === 'failed' ? failureOf(first) : null,
		occurredAt,
	};
}

function failureOf(action: GatewayAction): PaymentFailure {
	return {
		code: action.responseCode,
		declineCode: action.processorResponseCode,
		message: action.responseText ?? 'The gateway declined the payment',
	};
}

/**
 * A payment the card holder's bank took back (all or part): the books see it as a refund of
 * that amount (`refund`, status `refunded` when nothing is kept), and this flag says it was not
 * the merchant's refund but a chargeback, for the ops team to answer.
 */
export interface ChargebackFlag {
	amount: MoneyValue;
	at: string | null;
}

/** A 360 payment record: Stripe's shape, plus `chargeback` when the bank took money back. */
export type Gateway360PaymentRecord = PaymentRecord & { chargeback?: ChargebackFlag };

/**
 * The payment record (the same shape as Stripe's) of a payment transaction: the one builder of
 * 360 records, for Get, Get Many, Find Changed Transactions and the webhook path alike.
 * `livemode` is false for a gateway account in test mode (webhooks' `features.is_test_mode`,
 * the Query API's test-mode status); true when not known to be one.
 */
export function transactionRecord(
	transaction: GatewayTransaction,
	options: { livemode?: boolean } = {},
): Gateway360PaymentRecord {
	const summary = summarizeTransaction(transaction);
	const record = buildPaymentRecord({
		provider: 'gateway360',
		invoiceId: transaction.orderId ?? '',
		currency: transaction.currency,
		amountMinor: summary.chargedMinor - summary.feeMinor,
		feeMinor: summary.feeMinor,
		status: summary.status,
		paymentId: transaction.transactionId,
		booksCustomerId: transaction.customerId,
		paymentMethod: cardLabel(transaction.cardNumber, transaction.cardType),
		failure: summary.failure,
		refund:
			summary.kind === 'payment' && summary.refundedMinor > 0
				? {
						refundedMinor: summary.refundedMinor,
						keptMinor: Math.max(0, summary.chargedMinor - summary.refundedMinor),
					}
				: null,
		livemode: options.livemode ?? true,
	});
	if (summary.chargedBackMinor === 0) return record;
	return {
		...record,
		chargeback: {
			amount: money(summary.chargedBackMinor, transaction.currency),
			at: summary.chargedBackAt,
		},
	};
}

/** Transaction details for output: the record plus what the gateway knows beyond it. */
export type TransactionView = Gateway360PaymentRecord & {
	kind: TransactionSummary['kind'];
	transaction: {
		invoiceNumber: string | null;
		condition: string;
		authorizationCode: string | null;
		email: string | null;
		description: string | null;
		refunded: MoneyValue;
		leftToRefund: MoneyValue;
		voidable: boolean;
		refundable: boolean;
		occurredAt: string | null;
		actions: Array<{
			type: string;
			amount: string | null;
			at: string | null;
			success: boolean;
			responseCode: string | null;
			responseText: string | null;
		}>;
	};
};

export function transactionView(transaction: GatewayTransaction): TransactionView {
	const summary = summarizeTransaction(transaction);
	const record = transactionRecord(transaction);
	const left = summary.kind === 'payment' ? summary.chargedMinor - summary.refundedMinor : 0;
	return {
		...record,
		kind: summary.kind,
		transaction: {
			invoiceNumber: transaction.invoiceNumber,
			condition: transaction.condition,
			authorizationCode: transaction.authorizationCode,
			email: transaction.email,
			description: transaction.orderDescription,
			refunded: money(summary.refundedMinor, transaction.currency),
			leftToRefund: money(Math.max(0, left), transaction.currency),
			voidable: summary.voidable,
			refundable: summary.refundable,
			occurredAt: summary.occurredAt,
			actions: transaction.actions.map((action) => ({
				type: action.actionType,
				amount: action.amount,
				at: gatewayDateToIso(action.date),
				success: action.success,
				responseCode: action.responseCode,
				responseText: action.responseText,
			})),
		},
	};
}

// ------------------------------------------------------------------- reversals

/** An approved sale, auth or capture: a payment a refund or chargeback can reverse. */
function isApprovedCharge(transaction: GatewayTransaction): boolean {
	const first = transaction.actions[0];
	return first !== undefined && CHARGE_ACTIONS.includes(first.actionType) && first.success;
}

/** The same reversal told on the sale: same family, amount and second. */
function sameReversal(a: GatewayAction, b: GatewayAction, currency: string): boolean {
	const family = (action: GatewayAction) => CHARGEBACK_ACTIONS.includes(action.actionType);
	return (
		family(a) === family(b) &&
		a.date === b.date &&
		actionMinor(a, currency) === actionMinor(b, currency)
	);
}

/**
 * The payment a reversal reported as a transaction of its own belongs to: the one its
 * `original_transaction_id` names, else the only approved payment of its order; null when
 * neither is among `payments` (its sale is unknown, or its order has several).
 */
function paymentOf(
	reversal: GatewayTransaction,
	payments: GatewayTransaction[],
): GatewayTransaction | null {
	if (reversal.originalTransactionId) {
		return payments.find((t) => t.transactionId === reversal.originalTransactionId) ?? null;
	}
	const ofOrder = payments.filter((t) => reversal.orderId && t.orderId === reversal.orderId);
	return ofOrder.length === 1 ? ofOrder[0] : null;
}

/**
 * The transactions with every refund and chargeback reported as a transaction of its own
 * folded into its payment's actions (unless the payment already tells it: the same refund
 * reported both ways counts once) and its id in the payment's `reversalTransactionIds`. A
 * reversal whose payment is not among them stays as it is (kind 'refund'). Oldest first within
 * a payment's actions is kept by appending in the order given.
 */
export function foldReversals(transactions: GatewayTransaction[]): GatewayTransaction[] {
	const payments = transactions.filter(isApprovedCharge);
	const folded = new Map<string, GatewayTransaction>();
	const unmatched = new Map<string, GatewayAction[]>();
	for (const transaction of transactions) {
		const first = transaction.actions[0];
		if (!isReversal(first) || isApprovedCharge(transaction)) continue;
		const payment = paymentOf(transaction, payments);
		if (!payment || payment.currency !== transaction.currency) continue;
		const current = folded.get(payment.transactionId) ?? {
			...payment,
			actions: [...payment.actions],
			reversalTransactionIds: [...payment.reversalTransactionIds],
		};
		// reversals the sale itself tells, not yet matched to a transaction of their own
		const told =
			unmatched.get(payment.transactionId) ?? payment.actions.filter((a) => isReversal(a));
		unmatched.set(payment.transactionId, told);
		const alreadyTold = told.findIndex((a) => sameReversal(a, first, payment.currency));
		if (alreadyTold >= 0) told.splice(alreadyTold, 1);
		else current.actions.push({ ...first, amount: first.amount?.replace(/^\s*-/, '') ?? null });
		if (!current.reversalTransactionIds.includes(transaction.transactionId)) {
			current.reversalTransactionIds.push(transaction.transactionId);
		}
		folded.set(payment.transactionId, current);
	}
	return transactions.map((transaction) => folded.get(transaction.transactionId) ?? transaction);
}

/** Whether a transaction is a refund or chargeback reported on its own (not a payment). */
export function isReversalTransaction(transaction: GatewayTransaction): boolean {
	return isReversal(transaction.actions[0]) && !isApprovedCharge(transaction);
}

// ------------------------------------------------------------------- dates

/** The gateway's YYYYMMDDhhmmss (UTC) as ISO 8601, or null when absent or not a real time. */
export function gatewayDateToIso(value: string | null): string | null {
	const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value ?? '');
	if (!match) return null;
	const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
	const date = DateTime.utc(year, month, day, hour, minute, second);
	return date.isValid ? date.toISO({ suppressMilliseconds: true }) : null;
}

/**
 * A date or date-time from n8n (ISO, read in `zone` when it names none) as the gateway's
 * YYYYMMDDhhmmss in UTC.
 */
export function toGatewayDate(value: unknown, zone: string, field: string): string {
	const text = typeof value === 'string' ? value.trim() : '';
	const date = DateTime.fromISO(text, { zone, setZone: true });
	if (text === '' || !date.isValid) {
		throw new CoreInputError(field, `"${String(value ?? '')}" is not an ISO date or date-time`);
	}
	return date.toUTC().toFormat('yyyyLLddHHmmss');
}

/**
 * A time window for query.php from two n8n dates (see toGatewayDate); an end before the start
 * is bad input naming the end's field.
 */
export function gatewayDateWindow(
	start: { value: unknown; field: string },
	end: { value: unknown; field: string },
	zone: string,
): { startDate: string; endDate: string } {
	const startDate = toGatewayDate(start.value, zone, start.field);
	const endDate = toGatewayDate(end.value, zone, end.field);
	if (startDate > endDate) {
		throw new CoreInputError(end.field, 'The end of the range is before its start');
	}
	return { startDate, endDate };
}

// ------------------------------------------------------------------- queries

export interface TransactionFilters {
	transactionId?: string;
	orderId?: string;
	/** YYYYMMDDhhmmss, UTC */
	startDate?: string;
	endDate?: string;
	actionType?: string;
	condition?: string;
}

/** Gateway page size; the query API numbers pages from 0. */
export const QUERY_PAGE_SIZE = 100;
/** A bound on pages read for one list (100,000 transactions). */
const MAX_QUERY_PAGES = 1000;

/**
 * Every transaction matching the filters, page by page, up to `limit`. Pages end with a short
 * page; a page repeating transactions already seen means the gateway ignores paging: stop
 * rather than loop.
 */
export async function listTransactions(
	transport: Gateway360Transport,
	filters: TransactionFilters,
	options: { limit?: number; defaultCurrency?: string } = {},
): Promise<GatewayTransaction[]> {
	const limit = options.limit ?? Number.POSITIVE_INFINITY;
	const found: GatewayTransaction[] = [];
	const seen = new Set<string>();
	for (let page = 0; page < MAX_QUERY_PAGES && found.length < limit; page++) {
		const fields: GatewayFields = {
			transaction_id: filters.transactionId,
			order_id: filters.orderId,
			start_date: filters.startDate,
			end_date: filters.endDate,
			action_type: filters.actionType,
			condition: filters.condition,
			result_limit: String(QUERY_PAGE_SIZE),
			page_number: String(page),
		};
		const transactions = readTransactions(await transport.query(fields), options.defaultCurrency);
		for (const transaction of transactions) {
			if (seen.has(transaction.transactionId)) {
				throw new Gateway360ApiError({
					message: `The gateway repeated transaction ${transaction.transactionId} on query page ${page}`,
					kind: 'unreadable_answer',
				});
			}
			seen.add(transaction.transactionId);
			found.push(transaction);
		}
		if (transactions.length < QUERY_PAGE_SIZE) break;
	}
	return foldReversals(found).slice(0, limit);
}

/**
 * Whether the gateway account runs in test mode: query.php with `report_type=test_mode_status`
 * (Query API, https://docs.nmi.com/reference/query-1) answers `<test_mode_status>` `enabled` or
 * `disabled`. null when the gateway does not say (it refuses the report, or answers neither):
 * the records are then taken as live, as before.
 */
export async function readTestMode(transport: Gateway360Transport): Promise<boolean | null> {
	const root = await transport
		.query({ report_type: 'test_mode_status' })
		.catch((error: unknown) => {
			if (error instanceof Gateway360ApiError && error.kind === 'gateway_error') return null;
			throw error;
		});
	const status = root ? childText(root, 'test_mode_status')?.toLowerCase() : null;
	if (status === 'enabled') return true;
	if (status === 'disabled') return false;
	return null;
}

const TRANSACTION_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function assertTransactionId(value: unknown, field = 'transactionId'): string {
	const id = String(value ?? '').trim();
	if (!TRANSACTION_ID.test(id)) {
		throw new CoreInputError(field, `"${id.slice(0, 80)}" is not a gateway transaction ID`);
	}
	return id;
}

/**
 * One transaction by id; a missing one is bad input naming the field. An approved payment of an
 * order is read with its order (one more query), so that refunds and chargebacks the gateway
 * reports as transactions of their own count against it: a payment refunded that way is not
 * "still holding money".
 */
export async function getTransaction(
	transport: Gateway360Transport,
	transactionId: string,
	field = 'transactionId',
	options: { defaultCurrency?: string } = {},
): Promise<GatewayTransaction> {
	const id = assertTransactionId(transactionId, field);
	const [transaction] = (
		await listTransactions(transport, { transactionId: id }, { limit: 2, ...options })
	).filter((candidate) => candidate.transactionId === id);
	if (!transaction) throw new CoreInputError(field, `The gateway has no transaction ${id}`);
	if (!isApprovedCharge(transaction) || !transaction.orderId) return transaction;
	const order = await listTransactions(transport, { orderId: transaction.orderId }, options);
	return order.find((candidate) => candidate.transactionId === id) ?? transaction;
}

/**
 * The payment a transaction stands for: itself, or for a refund or chargeback reported as a
 * transaction of its own, the payment it reverses (read with its order, the reversal folded
 * in); null when that payment cannot be found.
 */
export async function paymentOfTransaction(
	transport: Gateway360Transport,
	transaction: GatewayTransaction,
	options: { defaultCurrency?: string } = {},
): Promise<GatewayTransaction | null> {
	if (!isReversalTransaction(transaction)) return transaction;
	const candidates = transaction.orderId
		? await listTransactions(transport, { orderId: transaction.orderId }, options)
		: [];
	const payment = candidates.find((candidate) =>
		candidate.reversalTransactionIds.includes(transaction.transactionId),
	);
	if (payment) return payment;
	if (!transaction.originalTransactionId) return null;
	const original = await getTransaction(
		transport,
		transaction.originalTransactionId,
		'original_transaction_id',
		options,
	).catch((error: unknown) => {
		// no such sale: the reversal's payment is unknown; a failure to ask is thrown
		if (isCoreInputError(error)) return null;
		throw error;
	});
	return original && foldReversals([original, transaction])[0];
}

// ------------------------------------------------------------------- answers

/** What a transact.php `response` means; `3` (an error) is thrown, never a payment status. */
export function assertTransactAccepted(answer: TransactAnswer, what: string): TransactAnswer {
	if (answer.response === 3) {
		throw gatewayRefusal(answer, what);
	}
	return answer;
}

export function gatewayRefusal(answer: TransactAnswer, what: string): Gateway360ApiError {
	const text = answer.responseText || 'no reason given';
	return new Gateway360ApiError({
		message: `The gateway refused the ${what}: ${text}${answer.responseCode ? ` (response code ${answer.responseCode})` : ''}`,
		kind: /authentication failed/i.test(text) ? 'authentication' : 'gateway_error',
		responseCode: answer.responseCode || undefined,
		responseText: text,
		transactionId: answer.transactionId ?? undefined,
	});
}

/** The currency rules check for a currency sent to the gateway (three-letter ISO code). */
export function gatewayCurrency(value: unknown, field = 'currency'): string {
	return currencyRules(value, field).code;
}

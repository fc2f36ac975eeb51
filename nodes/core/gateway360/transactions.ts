import { DateTime } from 'luxon';

import { CoreInputError } from '../errors';
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
 * refund or void; auth then capture). Conditions: pending (an auth awaiting capture), in_progress (not final yet),
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

/** An action's amount in minor units (amounts from the gateway are decimal strings). */
function actionMinor(action: GatewayAction | undefined, currency: string): number {
	if (!action?.amount) return 0;
	return parseAmount(action.amount, currency, 'gateway amount');
}

/** What a transaction is, in our words. */
export interface TransactionSummary {
	kind: 'payment' | 'refund' | 'other';
	status: PaymentStatus;
	/** charged (sale, or capture of an auth; the authorised amount while not captured) */
	chargedMinor: number;
	feeMinor: number;
	refundedMinor: number;
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

	if (REFUND_ACTIONS.includes(firstType)) {
		const amount = actionMinor(first, currency);
		return {
			kind: 'refund',
			status: first.success ? 'canceled' : 'failed',
			chargedMinor: amount,
			feeMinor: 0,
			refundedMinor: 0,
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
	const refundedMinor = actions
		.filter((a) => REFUND_ACTIONS.includes(a.actionType) && a.success)
		.reduce((sum, a) => sum + actionMinor(a, currency), 0);
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

/** The payment record (the same shape as Stripe's) of a payment transaction. */
export function transactionRecord(transaction: GatewayTransaction): PaymentRecord {
	const summary = summarizeTransaction(transaction);
	return buildPaymentRecord({
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
		// The gateway does not say whether an account is in test mode.
		livemode: true,
	});
}

/** Transaction details for output: the record plus what the gateway knows beyond it. */
export interface TransactionView extends PaymentRecord {
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
}

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
	return found.slice(0, limit);
}

const TRANSACTION_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function assertTransactionId(value: unknown, field = 'transactionId'): string {
	const id = String(value ?? '').trim();
	if (!TRANSACTION_ID.test(id)) {
		throw new CoreInputError(field, `"${id.slice(0, 80)}" is not a gateway transaction ID`);
	}
	return id;
}

/** One transaction by id; a missing one is bad input naming the field. */
export async function getTransaction(
	transport: Gateway360Transport,
	transactionId: string,
	field = 'transactionId',
): Promise<GatewayTransaction> {
	const id = assertTransactionId(transactionId, field);
	const [transaction] = (
		await listTransactions(transport, { transactionId: id }, { limit: 2 })
	).filter((candidate) => candidate.transactionId === id);
	if (!transaction) throw new CoreInputError(field, `The gateway has no transaction ${id}`);
	return transaction;
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

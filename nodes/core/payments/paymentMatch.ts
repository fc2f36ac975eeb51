import { CoreInputError } from '../errors';
import { Money, formatMoney, parseAmount, parseCurrencyCode } from '../money/money';
import type { PaymentStatus } from './paymentRecord';
import { trimmedText } from '../text';
import { PAYMENT_STATUSES } from './paymentRecord';

/**
 * Does a payment record belong to the invoice it names? A webhook's record names its invoices
 * from the payment's metadata, which whoever made the payment wrote: a $1 payment, or one of
 * another customer, may name any invoice. Before the books count a record for an invoice, it
 * must be:
 *
 *   the invoice's        the record's invoiceId is the invoice read from the books
 *   customer's           its books customer (customer.booksId), when named, is the invoice's
 *                        customer; its Stripe customer (customer.providerId of a Stripe record),
 *                        when named and the mapping is known, is the Stripe customer mapped to
 *                        that customer (none mapped: no Stripe customer matches); and at least
 *                        one of the two identifies the invoice's customer
 *   in its currency      amount, fee and total in the invoice's currency
 *   whole                total = amount + fee; the payment's invoice lines add up to what the
 *                        payment took (`paymentAmount`): exactly when every line is at hand,
 *                        never more when only some are
 *   what is owed         unless its status moved no money (failed, canceled): the amount is the
 *                        amount the books already hold for this payment (a later report of a
 *                        payment they counted), else the invoice's balance. Exactly: an amount
 *                        below the balance is a mismatch too (a partial payment is never
 *                        recorded as paying the invoice; the admin records one by hand), and a
 *                        balance of zero means the invoice is paid already (ALREADY_PAID).
 *
 * The fee is the record's `fee` line and is not recomputed: the fee rate may have changed since
 * the payment, and the books owe nothing on the fee. What the books must check is in
 * docs/books-api.md ("Matching"); this is the same rule on the workflow's side, so a record is
 * checked before it reaches books that do not check.
 *
 * API:
 *   matchPaymentToInvoice(input) -> PaymentMatch
 *   matchPaymentsToInvoices(inputs) -> PaymentMatch[]: the same for the records of one run,
 *     the invoice lines of each payment added up across them (a combined payment's records)
 */

export type PaymentMismatchCode =
	| 'INVOICE_MISMATCH'
	| 'CUSTOMER_MISMATCH'
	| 'STRIPE_CUSTOMER_MISMATCH'
	| 'NO_CUSTOMER'
	| 'CURRENCY_MISMATCH'
	| 'LINES_MISMATCH'
	| 'ALREADY_PAID'
	| 'AMOUNT_MISMATCH';

export interface PaymentMismatchReason {
	code: PaymentMismatchCode;
	/** one sentence for people: the admin's notice and the books */
	message: string;
}

/** A sum as records carry it: the decimal `amount` (what the books read), `minor` beside it. */
export interface RecordMoney {
	amount?: string | number | null;
	minor?: number | null;
	currency: string;
}

/** The parts of a payment record (ours: `nodes/core/payments/paymentRecord.ts` and the trigger's) read here. */
export interface MatchedRecord {
	provider?: string | null;
	invoiceId: string;
	paymentId?: string | null;
	status: PaymentStatus;
	customer?: { booksId?: string | null; providerId?: string | null } | null;
	amount: RecordMoney;
	fee?: RecordMoney | null;
	total?: RecordMoney | null;
	/** the whole payment, all its invoices together (the trigger's records) */
	paymentAmount?: RecordMoney | null;
	/** every invoice the payment names, this one included (the trigger's records) */
	invoiceIds?: string[] | null;
}

/** The invoice as the books answer `GET /invoices/:id`. */
export interface MatchedInvoice {
	id: string;
	number?: string | null;
	customerId: string;
	currency: string;
	balance: string | number;
}

/** A payment record as the books hold it: only its payment ID and amount are read. */
export interface RecordedPayment {
	paymentId?: string | null;
	amount?: RecordMoney | null;
}

export interface PaymentMatchInput {
	record: MatchedRecord;
	invoice: MatchedInvoice;
	/**
	 * The Stripe customer mapped to the invoice's customer; null: none is mapped; undefined: not
	 * known, so a Stripe customer is not compared (the books customer must then identify it).
	 */
	stripeCustomerId?: string | null;
	/** the invoice's payment records the books hold (`GET /invoices/:id/payments`) */
	recordedPayments?: RecordedPayment[] | null;
	/**
	 * The totals of the payment's invoice lines at hand, this one included, and whether every
	 * invoice the payment names is among them. Default: this record alone, complete when the
	 * payment names no other invoice.
	 */
	paymentLines?: { totalMinor: number; complete: boolean };
}

export interface PaymentMatch {
	matches: boolean;
	invoiceId: string;
	paymentId: string | null;
	status: PaymentStatus;
	/** empty when it matches */
	reasons: PaymentMismatchReason[];
	/** the reasons in one line, or that it matches */
	message: string;
}

/** Statuses of a payment that took no money: only whose it is matters for them. */
const MOVED_NO_MONEY: PaymentStatus[] = ['failed', 'canceled'];

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** A sum of the record read: minor units in its own currency. */
type Sum = Money;

/**
 * Minor units of a sum in its currency. The decimal amount is what the books count; a `minor`
 * beside it that says otherwise makes the record unreadable, not a guess.
 */
function readSum(value: RecordMoney, field: string): Sum {
	const currency = parseCurrencyCode(value.currency, field);
	const decimal = value.amount;
	const minor =
		decimal === undefined || decimal === null || decimal === ''
			? value.minor
			: parseAmount(decimal, currency, field);
	if (typeof minor !== 'number' || !Number.isSafeInteger(minor) || minor < 0) {
		throw new CoreInputError(field, `The payment record's ${field} has no amount`);
	}
	if (typeof value.minor === 'number' && value.minor !== minor) {
		throw new CoreInputError(
			field,
			`The payment record's ${field} says ${String(decimal)} and ${value.minor} minor units`,
		);
	}
	return Money.of(minor, currency);
}

const optionalSum = (value: RecordMoney | null | undefined, field: string): Sum | null =>
	isObject(value) ? readSum(value, field) : null;

interface RecordSums {
	amount: Sum;
	fee: Sum | null;
	total: Sum | null;
	paymentAmount: Sum | null;
}

function readRecord(record: MatchedRecord): RecordSums {
	if (!isObject(record) || !trimmedText(record.invoiceId)) {
		throw new CoreInputError('paymentRecord', 'A payment record with an invoiceId is required');
	}
	if (!PAYMENT_STATUSES.includes(record.status)) {
		throw new CoreInputError(
			'paymentRecord',
			`The payment record's status "${String(record.status)}" is not one of ${PAYMENT_STATUSES.join(', ')}`,
		);
	}
	if (!isObject(record.amount)) {
		throw new CoreInputError('paymentRecord', 'The payment record has no amount');
	}
	return {
		amount: readSum(record.amount, 'amount'),
		fee: optionalSum(record.fee, 'fee'),
		total: optionalSum(record.total, 'total'),
		paymentAmount: optionalSum(record.paymentAmount, 'paymentAmount'),
	};
}

function readInvoice(invoice: MatchedInvoice): { balance: Money; currency: string } {
	if (!isObject(invoice) || !trimmedText(invoice.id) || !trimmedText(invoice.customerId)) {
		throw new CoreInputError(
			'invoice',
			'The invoice from the books needs its id, customerId, currency and balance',
		);
	}
	const currency = parseCurrencyCode(invoice.currency, 'invoice');
	return {
		currency,
		balance: Money.of(parseAmount(invoice.balance, currency, 'invoice'), currency),
	};
}

function customerReasons(input: PaymentMatchInput): PaymentMismatchReason[] {
	const { record, invoice, stripeCustomerId } = input;
	const booksId = trimmedText(record.customer?.booksId);
	const providerId = trimmedText(record.customer?.providerId);
	const reasons: PaymentMismatchReason[] = [];
	if (booksId !== null && booksId !== invoice.customerId) {
		reasons.push({
			code: 'CUSTOMER_MISMATCH',
			message: `The payment is of books customer ${booksId}, not of the invoice's customer ${invoice.customerId}`,
		});
	}
	// Only a Stripe record's customer is a Stripe customer; the mapping is Stripe's.
	const comparable = record.provider === 'stripe' && stripeCustomerId !== undefined;
	if (providerId !== null && comparable && providerId !== stripeCustomerId) {
		reasons.push({
			code: 'STRIPE_CUSTOMER_MISMATCH',
			message: stripeCustomerId
				? `The payment is of Stripe customer ${providerId}, not of ${stripeCustomerId}, the one mapped to the invoice's customer ${invoice.customerId}`
				: `The payment is of Stripe customer ${providerId}, but no Stripe customer is mapped to the invoice's customer ${invoice.customerId}`,
		});
	}
	const identified = booksId !== null || (providerId !== null && comparable);
	if (!identified) {
		reasons.push({
			code: 'NO_CUSTOMER',
			message: `The payment names no customer that can be checked against the invoice's customer ${invoice.customerId}`,
		});
	}
	return reasons;
}

/** The reasons about the record's sums; `amount` null when they cannot be compared. */
function sumReasons(
	input: PaymentMatchInput,
	sums: RecordSums,
	currency: string,
): { reasons: PaymentMismatchReason[]; amount: Money | null } {
	const { record } = input;
	const present = [sums.amount, sums.fee, sums.total, sums.paymentAmount].filter(
		(sum): sum is Sum => sum !== null,
	);
	const currencies = new Set(present.map((sum) => sum.currency));
	if (currencies.size !== 1 || !currencies.has(currency)) {
		const named = [...currencies].map((code) => code.toUpperCase()).join(', ');
		return {
			amount: null,
			reasons: [
				{
					code: 'CURRENCY_MISMATCH',
					message: `The payment is in ${named}, the invoice in ${currency.toUpperCase()}`,
				},
			],
		};
	}
	const shown = (sum: Money) => formatMoney(sum.minor, sum.currency);
	const { amount } = sums;
	const fee = sums.fee ?? Money.zero(currency);
	const total = sums.total ?? amount.plus(fee);
	const reasons: PaymentMismatchReason[] = [];
	if (!total.equals(amount.plus(fee))) {
		reasons.push({
			code: 'LINES_MISMATCH',
			message: `Its total ${shown(total)} is not its amount ${shown(amount)} plus its fee ${shown(fee)}`,
		});
	}
	const invoiceIds = Array.isArray(record.invoiceIds) ? record.invoiceIds : null;
	if (invoiceIds !== null && !invoiceIds.includes(record.invoiceId)) {
		reasons.push({
			code: 'LINES_MISMATCH',
			message: `The payment's invoices (${invoiceIds.join(', ')}) do not include ${record.invoiceId}`,
		});
	}
	if (sums.paymentAmount !== null) {
		const paid = sums.paymentAmount;
		const given = input.paymentLines;
		const lines = given
			? { total: Money.of(given.totalMinor, currency), complete: given.complete }
			: { total, complete: (invoiceIds ?? [record.invoiceId]).length <= 1 };
		const order = lines.total.compare(paid);
		if (lines.complete ? order !== 0 : order > 0) {
			reasons.push({
				code: 'LINES_MISMATCH',
				message: `The payment took ${shown(paid)}, but its invoice lines add up to ${shown(lines.total)}`,
			});
		}
	}
	return { reasons, amount };
}

function owedReason(
	input: PaymentMatchInput,
	amount: Money,
	balance: Money,
): PaymentMismatchReason | null {
	const { record, invoice } = input;
	const shown = (sum: Money) => formatMoney(sum.minor, sum.currency);
	const number = trimmedText(invoice.number) ?? invoice.id;
	const paymentId = trimmedText(record.paymentId);
	const held = paymentId
		? (input.recordedPayments ?? []).find(
				(payment) => trimmedText(payment?.paymentId) === paymentId,
			)
		: undefined;
	if (held && isObject(held.amount)) {
		const heldAmount = readSum(held.amount, 'recordedPayments');
		return heldAmount.currency === amount.currency && heldAmount.equals(amount)
			? null
			: {
					code: 'AMOUNT_MISMATCH',
					message: `It reports ${shown(amount)} for invoice ${number}, but the books recorded ${shown(heldAmount)} for this payment`,
				};
	}
	const order = amount.compare(balance);
	if (order === 0) return null;
	if (balance.minor === 0) {
		return {
			code: 'ALREADY_PAID',
			message: `Invoice ${number} is paid already (balance ${shown(balance)}): this payment of ${shown(amount)} pays nothing of it`,
		};
	}
	return {
		code: 'AMOUNT_MISMATCH',
		message:
			order < 0
				? `It pays ${shown(amount)}, less than the invoice's balance ${shown(balance)}: a partial payment is not recorded as paying the invoice`
				: `It pays ${shown(amount)}, more than the invoice's balance ${shown(balance)}`,
	};
}

/** Whether one payment record belongs to the invoice read from the books, and if not, why. */
export function matchPaymentToInvoice(input: PaymentMatchInput): PaymentMatch {
	const { record, invoice } = input;
	const recordSums = readRecord(record);
	const { currency, balance } = readInvoice(invoice);
	const reasons: PaymentMismatchReason[] = [];
	if (record.invoiceId.trim() !== invoice.id) {
		reasons.push({
			code: 'INVOICE_MISMATCH',
			message: `The record names invoice ${record.invoiceId}, the books answered invoice ${invoice.id}`,
		});
	}
	reasons.push(...customerReasons(input));
	const sums = sumReasons(input, recordSums, currency);
	reasons.push(...sums.reasons);
	if (sums.amount !== null && !MOVED_NO_MONEY.includes(record.status)) {
		const owed = owedReason(input, sums.amount, balance);
		if (owed) reasons.push(owed);
	}
	return {
		matches: reasons.length === 0,
		invoiceId: record.invoiceId,
		paymentId: trimmedText(record.paymentId),
		status: record.status,
		reasons,
		message:
			reasons.length === 0
				? `The payment matches invoice ${trimmedText(invoice.number) ?? invoice.id}`
				: reasons.map((reason) => reason.message).join('; '),
	};
}

/**
 * The records of one run (a webhook's: one per invoice of the payment), each against its
 * invoice, a payment's invoice lines added up across the records that share its paymentId.
 */
export function matchPaymentsToInvoices(inputs: PaymentMatchInput[]): PaymentMatch[] {
	const linesOf = new Map<string, { total: Money; invoiceIds: Set<string> }>();
	const keys = inputs.map(({ record }) => {
		const sums = readRecord(record);
		const paymentId = trimmedText(record.paymentId);
		if (paymentId === null || sums.paymentAmount === null) return null;
		const { amount } = sums;
		// a record whose own sums mix currencies is told so by matchPaymentToInvoice; it adds nothing
		const parts = [amount, sums.fee, sums.total].filter((sum): sum is Money => sum !== null);
		if (parts.some((sum) => sum.currency !== amount.currency)) return null;
		const total = sums.total ?? amount.plus(sums.fee ?? Money.zero(amount.currency));
		const key = `${paymentId}\n${total.currency}`;
		const lines = linesOf.get(key) ?? {
			total: Money.zero(total.currency),
			invoiceIds: new Set<string>(),
		};
		lines.total = lines.total.plus(total);
		lines.invoiceIds.add(record.invoiceId);
		linesOf.set(key, lines);
		return key;
	});
	return inputs.map((input, index) => {
		const key = keys[index];
		const lines = key === null ? undefined : linesOf.get(key);
		if (!lines) return matchPaymentToInvoice(input);
		const named = input.record.invoiceIds ?? [input.record.invoiceId];
		return matchPaymentToInvoice({
			...input,
			paymentLines: {
				totalMinor: lines.total.minor,
				complete: named.every((invoiceId) => lines.invoiceIds.has(invoiceId)),
			},
		});
	});
}

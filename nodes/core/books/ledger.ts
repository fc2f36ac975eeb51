import { asInputError, CoreInputError } from '../errors';
import { formatAmount, parseAmount, parseCurrencyCode } from '../money/money';
import { matchPaymentToInvoice } from '../payments/paymentMatch';
import type { MatchedRecord, PaymentMismatchReason } from '../payments/paymentMatch';
import type { PaymentStatus } from '../payments/paymentRecord';
import { PAYMENT_STATUSES } from '../payments/paymentRecord';
import { trimmedText } from '../text';

/**
 * What the books do with a payment record, whatever holds them (docs/books-api.md "The ledger
 * rules"): the one owner of these rules, for the demo REST books and for the adapters over a
 * store that has no rules of its own (n8n Data Tables, through Invoice Payments Tools).
 *
 *   idempotent    one record per (invoiceId, paymentId): a report of a known payment updates it
 *   final         a record that reached succeeded, canceled or refunded keeps that status
 *                 (webhooks arrive at least once and in any order); a later status only joins
 *                 its history. Only a refund report moves a record between succeeded and refunded
 *   matched       a record that does not match its invoice (nodes/core/payments/paymentMatch.ts),
 *                 or whose payment the books keep as a mismatch already, is kept apart with its
 *                 reasons and counts for nothing
 *   followed      the invoice's paymentStatus and balance follow all of its records; a refund
 *                 reopens what no payment pays any more
 *
 * API:
 *   applyPaymentReport(input) -> LedgerOutcome (throws LedgerInputError on bad input)
 *   applyPaymentReports(inputs) -> one LedgerResult per input, in order, each seeing what the
 *     earlier ones stored (the records of one run)
 *   invoiceFollowingRecords(invoice, records) -> the invoice as its records make it
 */

/** The invoice as the books hold it; fields not read here are kept as they are. */
export interface LedgerInvoice {
	id: string;
	number?: string | null;
	customerId: string;
	currency: string;
	total: string;
	balance: string;
	status: string;
	paymentStatus: string;
	[field: string]: unknown;
}

export interface StoredRecord {
	invoiceId: string;
	paymentId: string;
	status: PaymentStatus;
	amount: { amount: string; currency: string; [field: string]: unknown };
	refund?: { amountRefunded: LedgerMoney; amountKept: LedgerMoney | null } | null;
	recordedAt: string;
	updatedAt: string;
	history: Array<{ status: PaymentStatus; at: string }>;
	reasons?: PaymentMismatchReason[] | LedgerReason[];
	[field: string]: unknown;
}

interface LedgerMoney {
	amount: string;
	currency: string;
	[field: string]: unknown;
}

/** A reason a record does not match its invoice: the matcher's codes, or a caller's own. */
export interface LedgerReason {
	code: string;
	message: string;
}

export interface PaymentReportInput {
	invoice: LedgerInvoice;
	/** the invoice's payment records as the books hold them */
	payments: StoredRecord[];
	/** the invoice's records kept as mismatches */
	mismatches: StoredRecord[];
	/** the Stripe customer the books hold for the invoice's customer (null: none) */
	stripeCustomerId: string | null;
	/** records of the same payment on other invoices (a combined payment's other lines) */
	samePaymentElsewhere?: StoredRecord[];
	/** the payment record reported */
	report: unknown;
	/** given: keep the record as a mismatch with these reasons (the caller found it not matching) */
	reasons?: unknown;
	/** ISO timestamp of this report */
	now: string;
}

export interface LedgerOutcome {
	/** where the record is stored: counted, or kept apart */
	list: 'payments' | 'mismatches';
	record: StoredRecord;
	/** the invoice after the record (unchanged for a mismatch) */
	invoice: LedgerInvoice;
	created: boolean;
	/** the record's status is not the one the books had: the workflows email only then */
	statusChanged: boolean;
	previousStatus: PaymentStatus | null;
	/** why the record is kept apart; [] when it counts */
	reasons: LedgerReason[];
}

export type LedgerInputCode =
	| 'invalid_body'
	| 'invalid_payment_id'
	| 'invalid_status'
	| 'invalid_amount'
	| 'invalid_refund'
	| 'invalid_reasons'
	| 'invoice_mismatch';

/** A report the books refuse as it is: nothing changes. `code` is the REST books' error code. */
export class LedgerInputError extends CoreInputError {
	readonly code: LedgerInputCode;

	constructor(code: LedgerInputCode, field: string, message: string) {
		super(field, message);
		this.name = 'LedgerInputError';
		this.code = code;
	}
}

export type LedgerResult =
	| { ok: true; outcome: LedgerOutcome }
	| { ok: false; error: LedgerInputError };

// A payment never leaves these; only a refund report moves a record between succeeded and refunded.
const FINAL_STATUSES: PaymentStatus[] = ['succeeded', 'canceled', 'refunded'];
const REFUND_STATUSES: PaymentStatus[] = ['succeeded', 'refunded'];

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

const isDecimalMoney = (value: unknown): value is LedgerMoney =>
	isObject(value) &&
	typeof value.amount === 'string' &&
	typeof value.currency === 'string' &&
	/^\d+(\.\d+)?$/.test(value.amount);

const absent = (value: unknown) => value === undefined || value === null;

/** A refund report: the record's `refund` filled, or the status `refunded`. */
const isRefundReport = (record: { status?: unknown; refund?: unknown }) =>
	record.status === 'refunded' || !absent(record.refund);

/** The report as a record the books may hold, or why not. */
function readReport(report: unknown, invoice: LedgerInvoice): Record<string, unknown> {
	if (!isObject(report)) {
		throw new LedgerInputError('invalid_body', 'payment', 'Send a payment record as a JSON object');
	}
	if (trimmedText(report.paymentId) === null) {
		throw new LedgerInputError('invalid_payment_id', 'payment', 'paymentId is required');
	}
	if (!PAYMENT_STATUSES.includes(report.status as PaymentStatus)) {
		throw new LedgerInputError(
			'invalid_status',
			'payment',
			`status must be one of ${PAYMENT_STATUSES.join(', ')}`,
		);
	}
	if (!isDecimalMoney(report.amount)) {
		throw new LedgerInputError(
			'invalid_amount',
			'payment',
			'amount must be { amount: "12.50", currency: "usd" } with a decimal string amount',
		);
	}
	for (const field of ['fee', 'total', 'paymentAmount']) {
		if (!absent(report[field]) && !isDecimalMoney(report[field])) {
			throw new LedgerInputError(
				'invalid_amount',
				'payment',
				`${field} must be null or { amount: "12.50", currency: "usd" }`,
			);
		}
	}
	// Another currency than the invoice's is a mismatch, kept (see "Matching"), not bad input.
	const currency = report.amount.currency.toUpperCase();
	const refund = report.refund;
	if (!absent(refund)) {
		const valid =
			isObject(refund) &&
			isDecimalMoney(refund.amountRefunded) &&
			(refund.amountKept === null || isDecimalMoney(refund.amountKept)) &&
			[refund.amountRefunded, refund.amountKept]
				.filter((sum): sum is LedgerMoney => isObject(sum))
				.every((sum) => sum.currency.toUpperCase() === currency);
		if (!valid) {
			throw new LedgerInputError(
				'invalid_refund',
				'payment',
				'refund must be null or { amountRefunded: { amount: "12.50", currency }, amountKept: { amount, currency } | null } in the currency of the amount',
			);
		}
	}
	if (report.status === 'refunded' && absent(refund)) {
		throw new LedgerInputError(
			'invalid_refund',
			'payment',
			'A refunded payment says what was refunded (refund)',
		);
	}
	if (!absent(report.invoiceId) && report.invoiceId !== invoice.id) {
		throw new LedgerInputError(
			'invoice_mismatch',
			'payment',
			`The record names invoice ${String(report.invoiceId)}, the books were asked for ${invoice.id}`,
		);
	}
	return { ...report, paymentId: trimmedText(report.paymentId) };
}

function readReasons(reasons: unknown): LedgerReason[] {
	if (
		!Array.isArray(reasons) ||
		reasons.length === 0 ||
		reasons.some(
			(reason) =>
				!isObject(reason) || typeof reason.code !== 'string' || typeof reason.message !== 'string',
		)
	) {
		throw new LedgerInputError(
			'invalid_reasons',
			'reasons',
			'reasons must be a list of { code, message }, at least one',
		);
	}
	return (reasons as LedgerReason[]).map(({ code, message }) => ({ code, message }));
}

/** Minor units of a decimal amount in the invoice's currency (the report was checked before). */
const minorOf = (sum: LedgerMoney, currency: string) => parseAmount(sum.amount, currency);

/** What a record took for its invoice, fee included. */
function totalMinor(record: Record<string, unknown>, currency: string): number {
	const total = record.total as LedgerMoney | null | undefined;
	if (isDecimalMoney(total)) return minorOf(total, currency);
	const fee = record.fee as LedgerMoney | null | undefined;
	return (
		minorOf(record.amount as LedgerMoney, currency) +
		(isDecimalMoney(fee) ? minorOf(fee, currency) : 0)
	);
}

/** Minor units given back of a record (0 when it reports no refund). */
function refundedMinor(record: StoredRecord, currency: string): number {
	const refunded = record.refund?.amountRefunded;
	return refunded ? minorOf(refunded, currency) : 0;
}

/** A succeeded payment part of which went back: it pays the invoice only in part. */
const partlyRefunded = (record: StoredRecord, currency: string) =>
	record.status === 'succeeded' && refundedMinor(record, currency) > 0;

function invoicePaymentStatus(records: StoredRecord[], currency: string): string {
	const has = (...statuses: PaymentStatus[]) =>
		records.some((record) => statuses.includes(record.status));
	if (
		records.some((record) => record.status === 'succeeded' && !partlyRefunded(record, currency))
	) {
		return 'paid';
	}
	if (has('pending', 'processing')) return 'pending';
	if (has('requires_action')) return 'action_required';
	const latest = records.reduce((a, b) => (b.updatedAt >= a.updatedAt ? b : a));
	if (latest.status === 'failed') return 'failed';
	return records.some((record) => partlyRefunded(record, currency)) ? 'partially_paid' : 'unpaid';
}

/**
 * The invoice as its records make it: paid (balance 0) when a payment succeeded and kept all
 * of it; after a refund, open again with what no payment pays any more (the refunded part of
 * the payment that kept most, else the whole total; never more than the total); otherwise the
 * balance stays.
 */
export function invoiceFollowingRecords(
	invoice: LedgerInvoice,
	records: StoredRecord[],
): LedgerInvoice {
	if (records.length === 0) return invoice;
	const currency = parseCurrencyCode(invoice.currency, 'invoice');
	const paymentStatus = invoicePaymentStatus(records, currency);
	if (paymentStatus === 'paid') {
		return { ...invoice, paymentStatus, balance: formatAmount(0, currency), status: 'paid' };
	}
	if (invoice.status !== 'void' && records.some(isRefundReport)) {
		const totalMinorOfInvoice = parseAmount(invoice.total, currency, 'invoice');
		const partial = records
			.filter((record) => partlyRefunded(record, currency))
			.map((record) => refundedMinor(record, currency));
		const reopened =
			partial.length === 0 ? totalMinorOfInvoice : Math.min(totalMinorOfInvoice, ...partial);
		return { ...invoice, paymentStatus, balance: formatAmount(reopened, currency), status: 'open' };
	}
	return { ...invoice, paymentStatus };
}

/** Stores a report in `list` by (invoiceId, paymentId): a new record, or the update of the one held. */
function storeReport(
	list: StoredRecord[],
	invoice: LedgerInvoice,
	report: Record<string, unknown>,
	now: string,
	fields: Record<string, unknown> = {},
): {
	record: StoredRecord;
	list: StoredRecord[];
	created: boolean;
	previousStatus: PaymentStatus | null;
} {
	const status = report.status as PaymentStatus;
	const existing = list.find((held) => held.paymentId === report.paymentId);
	if (!existing) {
		const record = {
			...report,
			...fields,
			invoiceId: invoice.id,
			recordedAt: now,
			updatedAt: now,
			history: [{ status, at: now }],
		} as StoredRecord;
		return { record, list: [...list, record], created: true, previousStatus: null };
	}
	const history = [...(existing.history ?? []), { status, at: now }];
	let record: StoredRecord;
	if (isRefundReport(report) && REFUND_STATUSES.includes(existing.status)) {
		// What was refunded changes, not what was paid: the payment's fields stay.
		record = {
			...existing,
			status,
			refund: report.refund as StoredRecord['refund'],
			updatedAt: now,
			history,
		};
	} else if (FINAL_STATUSES.includes(existing.status) && status !== existing.status) {
		record = { ...existing, history };
	} else {
		// A report without refund news never erases the refund the books know.
		const keep = !isRefundReport(report) && existing.refund ? { refund: existing.refund } : {};
		record = {
			...existing,
			...report,
			...keep,
			...fields,
			invoiceId: invoice.id,
			updatedAt: now,
			history,
		} as StoredRecord;
	}
	return {
		record,
		list: list.map((held) => (held === existing ? record : held)),
		created: false,
		previousStatus: existing.status,
	};
}

/** Why the report may not count for the invoice; [] when it may. */
function mismatchReasons(
	input: PaymentReportInput,
	report: Record<string, unknown>,
): LedgerReason[] {
	const { invoice } = input;
	const currency = invoice.currency.toUpperCase();
	const kept = input.mismatches.some((held) => held.paymentId === report.paymentId)
		? [
				{
					code: 'KEPT_AS_MISMATCH',
					message: 'The books keep this payment as a mismatch: no report of it pays the invoice',
				},
			]
		: [];
	const named = Array.isArray(report.invoiceIds) ? (report.invoiceIds as unknown[]) : [];
	const others = named.filter((id) => id !== invoice.id);
	const sameCurrency = [report.amount, report.fee, report.total, report.paymentAmount]
		.filter(isDecimalMoney)
		.every((sum) => sum.currency.toUpperCase() === currency);
	// A combined payment's lines arrive one by one: with those held for its other invoices, never more.
	const paymentLines =
		isDecimalMoney(report.paymentAmount) && sameCurrency
			? {
					totalMinor:
						totalMinor(report, currency) +
						(input.samePaymentElsewhere ?? [])
							.filter(
								(held) =>
									held.paymentId === report.paymentId &&
									others.includes(held.invoiceId) &&
									held.amount.currency.toUpperCase() === currency,
							)
							.reduce((sum, held) => sum + totalMinor(held, currency), 0),
					complete: others.length === 0,
				}
			: undefined;
	let match: ReturnType<typeof matchPaymentToInvoice>;
	try {
		match = matchPaymentToInvoice({
			record: { ...report, invoiceId: invoice.id } as unknown as MatchedRecord,
			invoice,
			// a Stripe customer is compared only when the books hold one for the invoice's customer
			stripeCustomerId: input.stripeCustomerId ?? undefined,
			recordedPayments: input.payments,
			paymentLines,
		});
	} catch (error) {
		// a sum the matcher cannot read (more decimals than the currency has, an unknown currency)
		return unreadable(asInputError(error).message);
	}
	return [...kept, ...match.reasons];
}

function unreadable(message: string): never {
	throw new LedgerInputError('invalid_amount', 'payment', message);
}

/** A caught error as a refused report; anything else is a bug and goes on up unchanged. */
function asLedgerInputError(error: unknown): LedgerInputError {
	if (error instanceof LedgerInputError) return error;
	throw error;
}

/** One payment record reported to the books: what they store, and the invoice after it. */
export function applyPaymentReport(input: PaymentReportInput): LedgerOutcome {
	const { invoice, now } = input;
	const report = readReport(input.report, invoice);
	const reasons = absent(input.reasons)
		? mismatchReasons(input, report)
		: readReasons(input.reasons);
	if (reasons.length > 0) {
		const stored = storeReport(input.mismatches, invoice, report, now, { reasons });
		return {
			list: 'mismatches',
			record: stored.record,
			invoice,
			created: stored.created,
			statusChanged: stored.record.status !== stored.previousStatus,
			previousStatus: stored.previousStatus,
			reasons,
		};
	}
	const stored = storeReport(input.payments, invoice, report, now);
	return {
		list: 'payments',
		record: stored.record,
		invoice: invoiceFollowingRecords(invoice, stored.list),
		created: stored.created,
		// Whoever first records a status learns it here: emails follow only that one answer.
		statusChanged: stored.record.status !== stored.previousStatus,
		previousStatus: stored.previousStatus,
		reasons: [],
	};
}

/**
 * The reports of one run, in order: each sees the invoice, records and mismatches the earlier
 * ones left (for the same invoice) and the lines they stored of the same payment (for others).
 * A report refused as bad input changes nothing and the others go on.
 */
export function applyPaymentReports(inputs: PaymentReportInput[]): LedgerResult[] {
	const invoices = new Map<string, LedgerInvoice>();
	const payments = new Map<string, StoredRecord[]>();
	const mismatches = new Map<string, StoredRecord[]>();
	return inputs.map((input) => {
		const id = input.invoice.id;
		const elsewhere = [...payments.entries()]
			.filter(([invoiceId]) => invoiceId !== id)
			.flatMap(([, records]) => records);
		const storedElsewhere = new Set(
			elsewhere.map((held) => `${held.invoiceId}\n${held.paymentId}`),
		);
		const current: PaymentReportInput = {
			...input,
			invoice: invoices.get(id) ?? input.invoice,
			payments: payments.get(id) ?? input.payments,
			mismatches: mismatches.get(id) ?? input.mismatches,
			samePaymentElsewhere: [
				...(input.samePaymentElsewhere ?? []).filter(
					(held) => !storedElsewhere.has(`${held.invoiceId}\n${held.paymentId}`),
				),
				...elsewhere,
			],
		};
		try {
			const outcome = applyPaymentReport(current);
			// the record in its place (lists are oldest first), or added last
			const replaced = (list: StoredRecord[]) =>
				list.some((held) => held.paymentId === outcome.record.paymentId)
					? list.map((held) =>
							held.paymentId === outcome.record.paymentId ? outcome.record : held,
						)
					: [...list, outcome.record];
			invoices.set(id, outcome.invoice);
			payments.set(id, outcome.list === 'payments' ? replaced(current.payments) : current.payments);
			mismatches.set(
				id,
				outcome.list === 'mismatches' ? replaced(current.mismatches) : current.mismatches,
			);
			return { ok: true, outcome };
		} catch (error) {
			return { ok: false, error: asLedgerInputError(error) };
		}
	});
}

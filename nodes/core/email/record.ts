import { CoreInputError } from '../errors';
import { formatMoney, parseAmount } from '../money/money';
import type { PaymentStatus } from '../payments/paymentRecord';
import { PAYMENT_STATUSES } from '../payments/paymentRecord';

/**
 * The payment record as the emails read it: the parts they are made from, the check that it is
 * one, and its sums in minor units and for people.
 */

/** A sum as payment records carry it: `minor` wins; else the decimal `amount` is parsed. */
export interface MoneyLike {
	amount?: string | number | null;
	minor?: number | null;
	currency: string;
}

/** The parts of a payment record (ours, as the books store it) an email is made from. */
export interface EmailPaymentRecord {
	provider?: string | null;
	invoiceId: string;
	paymentId?: string | null;
	status: PaymentStatus;
	amount: MoneyLike;
	fee?: MoneyLike | null;
	total?: MoneyLike | null;
	paymentMethod?: { label?: string | null } | null;
	failure?: { code?: string | null; declineCode?: string | null; message?: string | null } | null;
	nextActionUrl?: string | null;
}

/** Refuses what is not a payment record: no object, no invoice, a status records never have. */
export function checkEmailPaymentRecord(record: EmailPaymentRecord): void {
	if (!record || typeof record !== 'object') {
		throw new CoreInputError('paymentRecord', 'A payment record (an object) is required');
	}
	if (typeof record.invoiceId !== 'string' || record.invoiceId.trim() === '') {
		throw new CoreInputError('paymentRecord', 'The payment record has no invoiceId');
	}
	if (!PAYMENT_STATUSES.includes(record.status)) {
		throw new CoreInputError(
			'paymentRecord',
			`The payment record's status "${String(record.status)}" is not one of ${PAYMENT_STATUSES.join(', ')}`,
		);
	}
}

/** What every outcome of an email about a record names: the invoice, the payment, its status. */
export function emailRecordIdentity(record: EmailPaymentRecord): {
	invoiceId: string;
	paymentId: string | null;
	status: PaymentStatus;
} {
	return {
		invoiceId: record.invoiceId,
		paymentId: record.paymentId ?? null,
		status: record.status,
	};
}

/** Minor units of a sum, null when it has none (`minor` as it stands, else the decimal parsed). */
export function minorUnitsOf(value: MoneyLike | null | undefined, field: string): number | null {
	if (!value) return null;
	if (typeof value.minor === 'number' && Number.isSafeInteger(value.minor)) return value.minor;
	if (value.amount === undefined || value.amount === null || value.amount === '') return null;
	return parseAmount(value.amount, value.currency, field);
}

/** The record's sums for people; the total is amount + fee when the record carries none. */
export interface RecordAmountsShown {
	amount: string;
	/** null when there is no fee */
	fee: string | null;
	total: string;
}

export function recordAmountsShown(record: EmailPaymentRecord, locale: string): RecordAmountsShown {
	const currency = record.amount?.currency;
	if (typeof currency !== 'string' || currency === '') {
		throw new CoreInputError('amount', 'The payment record has no amount with a currency');
	}
	const amount = minorUnitsOf(record.amount, 'amount');
	if (amount === null) throw new CoreInputError('amount', 'The payment record has no amount');
	const fee = minorUnitsOf(record.fee, 'fee') ?? 0;
	const total = minorUnitsOf(record.total, 'total') ?? amount + fee;
	const shown = (minor: number) => formatMoney(minor, currency, locale);
	return { amount: shown(amount), fee: fee > 0 ? shown(fee) : null, total: shown(total) };
}

import { CoreInputError } from '../errors';
import { formatMoney, Money, parseAmount } from '../money/money';
import type { Recovery } from '../autopay/types';
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
	paymentMethod?: { id?: string | null; label?: string | null } | null;
	failure?: { code?: string | null; declineCode?: string | null; message?: string | null } | null;
	nextActionUrl?: string | null;
	/** the key it was charged under: an auto-pay key names the day of the attempt */
	idempotencyKey?: string | null;
	/** a retry of the daily auto-pay: where its recovery stands (the scan's, autopay/types.ts) */
	recovery?: Partial<Recovery> | null;
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

/**
 * A sum of the record as Money, null when it has none (`minor` as it stands, else the decimal
 * parsed); its currency is its own, so sums of the record meet only in one currency.
 */
export function moneyOf(value: MoneyLike | null | undefined, field: string): Money | null {
	if (!value) return null;
	const currency = value.currency;
	if (typeof value.minor === 'number' && Number.isSafeInteger(value.minor))
		return Money.of(value.minor, currency);
	if (value.amount === undefined || value.amount === null || value.amount === '') return null;
	return Money.of(parseAmount(value.amount, currency, field), currency);
}

/** The record's sums for people; the total is amount + fee when the record carries none. */
export interface RecordAmountsShown {
	amount: string;
	/** null when there is no fee */
	fee: string | null;
	total: string;
}

/** `sum` when it is in the amount's currency; a record whose lines disagree is not one. */
function inCurrencyOf(amount: Money, sum: Money | null, field: string): Money | null {
	if (sum === null || sum.currency === amount.currency) return sum;
	throw new CoreInputError(
		field,
		`The payment record's ${field} is in ${sum.currency.toUpperCase()}, its amount in ${amount.currency.toUpperCase()}: every sum of one record is in one currency`,
	);
}

export function recordAmountsShown(record: EmailPaymentRecord, locale: string): RecordAmountsShown {
	const currency = record.amount?.currency;
	if (typeof currency !== 'string' || currency === '') {
		throw new CoreInputError('amount', 'The payment record has no amount with a currency');
	}
	const amount = moneyOf(record.amount, 'amount');
	if (amount === null) throw new CoreInputError('amount', 'The payment record has no amount');
	const fee = inCurrencyOf(amount, moneyOf(record.fee, 'fee'), 'fee');
	const total =
		inCurrencyOf(amount, moneyOf(record.total, 'total'), 'total') ??
		amount.plus(fee ?? Money.zero(amount.currency));
	const shown = ({ minor }: Money) => formatMoney(minor, amount.currency, locale);
	return {
		amount: shown(amount),
		fee: fee !== null && fee.minor > 0 ? shown(fee) : null,
		total: shown(total),
	};
}

/**
 * Pre-dunning (docs/recovery.md, "Before it fails"): whether a customer's automatic card expires
 * before their next due day, so they can replace it before a charge fails. A card is good through
 * the last day of the month printed on it (Stripe's PaymentMethod.card exp_month and exp_year);
 * the next due day is the earliest payment day of the customer's open recurring invoices, today
 * when one is already due. Days are YYYY-MM-DD in the business time zone.
 */
import { daysInMonth, epochDay, formatEpochDay } from '../autopay/dates';
import { CoreInputError } from '../errors';

/** The month and year a card expires, as Stripe gives them (exp_month 1-12, exp_year 4 digits). */
export interface CardExpiryDate {
	expMonth: number;
	expYear: number;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayNumber(day: string, field: string): number {
	const match = DAY.exec(day);
	const [year, month, date] = match ? match.slice(1).map(Number) : [NaN, NaN, NaN];
	if (!match || month < 1 || month > 12 || date < 1 || date > daysInMonth(year, month)) {
		throw new CoreInputError(field, `"${day.slice(0, 40)}" is not a day written YYYY-MM-DD`);
	}
	return epochDay(year, month, date);
}

/** The card's expiry read from Stripe's fields; null when the method is not a card or has none. */
export function readCardExpiry(
	card: { exp_month?: unknown; exp_year?: unknown } | null | undefined,
) {
	const expMonth = card?.exp_month;
	const expYear = card?.exp_year;
	if (
		typeof expMonth !== 'number' ||
		typeof expYear !== 'number' ||
		!Number.isInteger(expMonth) ||
		!Number.isInteger(expYear) ||
		expMonth < 1 ||
		expMonth > 12 ||
		expYear < 1000
	) {
		return null;
	}
	return { expMonth, expYear } satisfies CardExpiryDate;
}

/** The last day the card can be charged: the last day of its expiry month. */
export function cardGoodThrough({ expMonth, expYear }: CardExpiryDate): string {
	return formatEpochDay(epochDay(expYear, expMonth, daysInMonth(expYear, expMonth)));
}

/**
 * The customer's next due day: the earliest of their open recurring invoices' payment days, or
 * today when that day has passed (an invoice already due is charged next); null with none.
 */
export function nextDueDay(paymentDays: readonly string[], today: string): string | null {
	const todayNumber = dayNumber(today, 'asOf');
	let earliest: number | null = null;
	for (const day of paymentDays) {
		const number = dayNumber(day, 'paymentDays');
		if (earliest === null || number < earliest) earliest = number;
	}
	return earliest === null ? null : formatEpochDay(Math.max(earliest, todayNumber));
}

export interface CardExpiryCheck {
	/** the last day the card can be charged */
	goodThrough: string;
	/** null when the customer has no open recurring invoice */
	nextDueDay: string | null;
	/** the card will be expired on the next due day: time to ask for a new one */
	expiresBeforeNextDueDay: boolean;
}

/** Whether this card is expired by the customer's next due day. */
export function checkCardExpiry(
	card: CardExpiryDate,
	paymentDays: readonly string[],
	today: string,
): CardExpiryCheck {
	const goodThrough = cardGoodThrough(card);
	const due = nextDueDay(paymentDays, today);
	return {
		goodThrough,
		nextDueDay: due,
		expiresBeforeNextDueDay: due !== null && goodThrough < due,
	};
}

const NOT_A_LIST = 'Payment Days must be a list of dates, e.g. ["2026-12-20"]';

const NOT_JSON = Symbol('not JSON');

function parsedJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return NOT_JSON;
	}
}

/** The days a Payment Days setting holds: a list, or its JSON text; empty: none. */
export function readPaymentDays(value: unknown): unknown[] {
	const text = typeof value === 'string' ? value.trim() : null;
	if (text === '' || value === undefined || value === null) return [];
	const list = text === null ? value : parsedJson(text);
	if (!Array.isArray(list)) throw new CoreInputError('paymentDays', NOT_A_LIST);
	return list;
}

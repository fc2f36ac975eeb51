import { hash } from 'node:crypto';

import { CoreInputError } from '../errors';

/** What a payment attempt is, for its idempotency key. */
export interface PaymentAttempt {
	provider: 'stripe' | 'gateway360';
	/** why the money is taken: the daily auto-pay, an agent or portal payment, a pay link */
	purpose: 'autopay' | 'manual' | 'paylink' | 'setup';
	invoiceIds: string[];
	amountMinor: number;
	currency: string;
	/** the business day (YYYY-MM-DD in the business time zone) the attempt belongs to */
	day: string;
	/** the payment method chosen by hand, so a retry with another card is a new attempt */
	paymentMethod?: string;
}

// Read once: the test engine runs nodes in a vm context, where each read of a global such as
// JSON costs a call into the context's interceptor, and keys are made per invoice.
const { stringify } = JSON;
const { isFinite: isFiniteNumber } = Number;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The first 40 hex digits of the SHA-256 of `text`. */
function digest(text: string): string {
	// One-shot hashing: the auto-pay scan makes a key per invoice, a million in a big run.
	return hash('sha256', text, 'hex').slice(0, 40);
}

/** A value as JSON.stringify writes it inside an array (undefined and functions as null). */
function json(value: unknown): string {
	return stringify(value) ?? 'null';
}

// The canonical text of an attempt is the JSON array [provider, purpose, sorted invoice ids,
// amountMinor, lowercase currency, day, payment method or ""], put together from a start and an
// end that paymentIdempotencyKeys writes only once for all the attempts of a run.

function canonicalStart(provider: string, purpose: string): string {
	return `[${json(provider)},${json(purpose)},`;
}

/** The whole canonical text, as one flat string (joined: the hash reads it without a copy). */
function canonical(start: string, invoiceIds: string[], amountMinor: number, end: string): string {
	const ids = invoiceIds.length === 1 ? `[${json(invoiceIds[0])}]` : json([...invoiceIds].sort());
	const amount =
		typeof amountMinor === 'number' && isFiniteNumber(amountMinor)
			? `${amountMinor}`
			: json(amountMinor);
	return [start, ids, ',', amount, end].join('');
}

function canonicalEnd(currency: string, day: string, paymentMethod: string | undefined): string {
	return `,${json(currency.toLowerCase())},${json(day)},${json(paymentMethod ?? '')}]`;
}

function noInvoices(): CoreInputError {
	return new CoreInputError(
		'invoiceId',
		'At least one invoice id is needed for an idempotency key',
	);
}

function badDay(day: string): CoreInputError {
	return new CoreInputError('day', `Day "${day}" is not a YYYY-MM-DD date`);
}

function keyPrefix(purpose: string, day: string): string {
	return `invpay-${purpose}-${day}-`;
}

const KEY_DAY = /^invpay-([a-z0-9]+)-(\d{4}-\d{2}-\d{2})-/;

/**
 * The business day a key of `purpose` was made for (YYYY-MM-DD), or null when `key` is not one:
 * the day a payment was attempted, as its own key says, whatever clock stamped it.
 */
export function idempotencyKeyDay(key: unknown, purpose: PaymentAttempt['purpose']): string | null {
	const match = typeof key === 'string' ? KEY_DAY.exec(key) : null;
	return match !== null && match[1] === purpose ? match[2] : null;
}

// Joined, not concatenated: one flat string. A concatenation keeps its pieces, and a slice
// keeps the whole 64-digit digest behind it: 150 bytes a key instead of 90, a million times.
function keyOf(prefix: string, text: string): string {
	return [prefix, digest(text)].join('');
}

/**
 * The same attempt on the same business day always yields the same key, whichever worker or
 * scheduler sends it, so Stripe answers a repeat with the first result instead of charging again.
 * Invoice order does not matter. Hashed so any number of invoices fits Stripe's 255 characters.
 */
export function paymentIdempotencyKey(attempt: PaymentAttempt): string {
	if (attempt.invoiceIds.length === 0) throw noInvoices();
	if (!DAY.test(attempt.day)) throw badDay(attempt.day);
	const text = canonical(
		canonicalStart(attempt.provider, attempt.purpose),
		attempt.invoiceIds,
		attempt.amountMinor,
		canonicalEnd(attempt.currency, attempt.day, attempt.paymentMethod),
	);
	return keyOf(keyPrefix(attempt.purpose, attempt.day), text);
}

/** What the attempts of one run share: all but their invoices, amount and currency. */
export type SharedAttempt = Omit<PaymentAttempt, 'invoiceIds' | 'amountMinor' | 'currency'>;

/**
 * paymentIdempotencyKey for the many attempts of one run (the auto-pay scan makes one per
 * invoice): the same keys and the same errors, with the shared parts written once.
 */
export function paymentIdempotencyKeys(
	shared: SharedAttempt,
): (invoiceIds: string[], amountMinor: number, currency: string) => string {
	const { provider, purpose, day, paymentMethod } = shared;
	const dayIsValid = DAY.test(day);
	const start = canonicalStart(provider, purpose);
	const prefix = keyPrefix(purpose, day);
	// Per currency as given; a run meets few of them.
	const ends = new Map<string, string>();
	return (invoiceIds, amountMinor, currency) => {
		if (invoiceIds.length === 0) throw noInvoices();
		if (!dayIsValid) throw badDay(day);
		let end = ends.get(currency);
		if (end === undefined) {
			end = canonicalEnd(currency, day, paymentMethod);
			ends.set(currency, end);
		}
		return keyOf(prefix, canonical(start, invoiceIds, amountMinor, end));
	};
}

/** A key for a non-payment write (create customer, refund...) derived from what makes it unique. */
export function operationIdempotencyKey(
	operation: string,
	...parts: Array<string | number>
): string {
	return `invpay-${operation}-${digest(stringify([operation, ...parts]))}`;
}

/**
 * How the scan reads the values of an invoice: ids, the recurring invoice id, status words, the
 * currency and the balance. Each function reads one value; caches.ts remembers the answers for
 * the values a run meets again and again.
 */
import { asInputError } from '../errors';
import { assertChargeable, currencyRules, parseAmount } from '../money/money';

/** What a books status word says about the invoice's payment. */
export type StatusMeaning = 'paid' | 'pending' | 'action' | 'other';

/** The meanings that decide a skip (ALREADY_PAID, PAYMENT_PENDING, ACTION_REQUIRED). */
export type SayingMeaning = Exclude<StatusMeaning, 'other'>;

// Status words, compared lowercased with everything but letters removed ("Fully-Paid" ->
// "fullypaid"), in either status field. Chosen from the books and gateways the seeds name.
const PAID_WORDS = [
	'paid',
	'fullypaid',
	'closed',
	'void',
	'voided',
	'cancelled',
	'canceled',
	'deleted',
	'writtenoff',
	'refunded',
	'succeeded',
	'completed',
];
const PENDING_WORDS = [
	'pending',
	'paymentpending',
	'processing',
	'paymentprocessing',
	'inprogress',
	'requirescapture',
];
const ACTION_WORDS = ['actionrequired', 'paymentactionrequired', 'requiresaction'];

const STATUS_WORDS = new Map<string, StatusMeaning>();
for (const word of PAID_WORDS) STATUS_WORDS.set(word, 'paid');
for (const word of PENDING_WORDS) STATUS_WORDS.set(word, 'pending');
for (const word of ACTION_WORDS) STATUS_WORDS.set(word, 'action');

/** The meaning of a status word; unknown words (and "Partially Paid") say nothing. */
export function statusMeaning(word: string): StatusMeaning {
	return STATUS_WORDS.get(word.toLowerCase().replace(/[^a-z]/g, '')) ?? 'other';
}

// Read once: the test engine runs nodes in a vm context, where each read of a global such as
// Number costs a call into the context's interceptor, and this runs per invoice.
const { isFinite: isFiniteNumber } = Number;

/** An id as text: a non-empty string or a finite number; undefined when unusable. */
export function readId(value: unknown): string | undefined {
	if (typeof value === 'string') {
		const text = value.trim();
		return text === '' ? undefined : text;
	}
	if (typeof value === 'number' && isFiniteNumber(value)) return `${value}`;
	return undefined;
}

const MINUS = 45;
const ZERO = 48;

/** Whether a recurring invoice id names one: empty, 0 and negative ids are the "none" of books. */
export function hasRecurringId(value: unknown): boolean {
	if (typeof value === 'number') return value > 0;
	if (typeof value !== 'string') return false;
	const text = value.trim();
	if (text === '') return false;
	// Only a text starting with "-" or "0" can be one of the "none" ids.
	const first = text.charCodeAt(0);
	return (first !== MINUS && first !== ZERO) || !/^(?:-\d+|0+)$/.test(text);
}

/**
 * The lowercase currency code of an invoice's currency value, the default currency when it has
 * none; CoreInputError when Stripe does not charge in it.
 */
export function currencyCode(value: unknown, defaultCurrency: string | undefined): string {
	const none =
		value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
	if (none && defaultCurrency !== undefined) return defaultCurrency;
	return currencyRules(value, 'currency').code;
}

/** The balance in minor units; a leading minus is a credit, kept negative for ZERO_BALANCE. */
export function signedMinor(value: unknown, currency: string): number {
	if (typeof value === 'number' && value < 0) return -parseAmount(-value, currency, 'balance');
	if (typeof value === 'string') {
		const text = value.trim();
		if (text.startsWith('-')) return -parseAmount(text.slice(1), currency, 'balance');
	}
	return parseAmount(value, currency, 'balance');
}

/** What stops Stripe charging this balance (assertChargeable's message); '' when nothing does. */
export function chargeProblem(minor: number, currency: string): string {
	try {
		assertChargeable(minor, currency, 'balance');
		return '';
	} catch (error) {
		return asInputError(error).message;
	}
}

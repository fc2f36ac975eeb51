import { CoreInputError, asInputError } from '../errors';
import { assertChargeable, parseCurrencyCode } from '../money/money';
import { readIdempotencyKey, readInvoiceId } from '../payments/paymentInput';
import { assertCustomerId } from '../stripe/ids';
import type { Recovery } from './types';

/**
 * A charge decision of the Auto-Pay Scan (types.ts ChargeDecision, Check Stripe on), as
 * the pay step gets it back: the item's `autoPay` field, which may have passed through the
 * user's own nodes. The pay step charges exactly this (no amount parsed again, no customer mapped
 * again, no method read again), so it is checked whole before the first request.
 */
export interface ScannedCharge {
	invoiceId: string;
	/** the books customer */
	customerId: string;
	amountMinor: number;
	currency: string;
	stripeCustomerId: string;
	paymentMethod: { id: string; label: string };
	/** the Stripe customer's email as the scan listed it (Stripe receipt emails) */
	stripeCustomerEmail: string | null;
	idempotencyKey: string;
	/**
	 * how the money is asked for: charged off-session on the automatic method, or (after a decline
	 * only the customer can resolve) a page the customer pays on (types.ts ChargeDecision)
	 */
	howToPay: 'automatic' | 'payLink';
	/** the scan's recovery facts of a retry (types.ts Recovery), passed on as they came: no charge reads them */
	recovery?: Recovery;
}

const FIELD = 'autoPayDecision';

// Stripe's ids of a customer's automatic method: PaymentMethods, and the older cards and sources
// a default may still name (docs.stripe.com/payments/payment-methods/transitioning).
const METHOD_ID = /^(?:pm|card|src|ba)_[A-Za-z0-9_]+$/;

function refuse(message: string): never {
	throw new CoreInputError(FIELD, message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One field of the decision, re-labelled so the error names the decision's field. */
function inDecision<T>(name: string, read: () => T): T {
	try {
		return read();
	} catch (error) {
		return refuse(`its ${name}: ${asInputError(error).message}`);
	}
}

/** A decision given as JSON text (an expression that stringified it). */
function parsedJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return refuse("not valid JSON: map the scan item's autoPay field, e.g. {{ $json.autoPay }}");
	}
}

/**
 * The decision, checked: a charge (not a skip) made with Check Stripe (it names the Stripe
 * customer and method), an amount Stripe takes exactly in its currency, Stripe ids of the right
 * kinds, and the scan's idempotency key.
 */
export function readScannedCharge(value: unknown): ScannedCharge {
	if (typeof value === 'string' && value.trim().startsWith('{')) {
		return readScannedCharge(parsedJson(value));
	}
	if (!isRecord(value)) {
		refuse(
			"missing: map the autoPay field of an item from the Auto-Pay Scan's Charge output, e.g. {{ $json.autoPay }}",
		);
	}
	if (value.action !== 'charge') {
		const why = typeof value.reason === 'string' ? ` (${value.reason})` : '';
		refuse(`not a charge decision${why}: connect the Auto-Pay Scan's Charge output, not Skipped`);
	}
	const invoiceId = inDecision('invoiceId', () => readInvoiceId(value.invoiceId, FIELD));
	const customerId = typeof value.customerId === 'string' ? value.customerId.trim() : '';
	if (customerId === '') refuse(`invoice ${invoiceId} has no customerId (the books customer)`);
	const currency = inDecision('currency', () => parseCurrencyCode(value.currency, FIELD));
	const amountMinor = value.amountMinor;
	if (typeof amountMinor !== 'number' || !Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
		refuse(
			`invoice ${invoiceId} has amountMinor ${JSON.stringify(amountMinor)}, not a whole number of minor units above zero`,
		);
	}
	inDecision('amountMinor', () => assertChargeable(amountMinor, currency, FIELD));
	if (value.stripeCustomerId === undefined || value.paymentMethod === undefined) {
		refuse(
			`invoice ${invoiceId} was scanned without Check Stripe, so it names no Stripe customer or payment method: turn on Check Stripe in the Auto-Pay Scan`,
		);
	}
	const stripeCustomerId = inDecision('stripeCustomerId', () =>
		assertCustomerId(value.stripeCustomerId, FIELD),
	);
	const method = value.paymentMethod;
	const methodId = isRecord(method) && typeof method.id === 'string' ? method.id.trim() : '';
	if (!METHOD_ID.test(methodId)) {
		refuse(
			`invoice ${invoiceId} has paymentMethod.id ${JSON.stringify(methodId)}, not a Stripe payment method ID (pm_...)`,
		);
	}
	const label =
		isRecord(method) && typeof method.label === 'string' && method.label.trim() !== ''
			? method.label.trim()
			: methodId;
	const idempotencyKey = inDecision('idempotencyKey', () =>
		readIdempotencyKey(value.idempotencyKey, FIELD),
	);
	if (idempotencyKey === undefined) refuse(`invoice ${invoiceId} has no idempotencyKey`);
	const email = value.stripeCustomerEmail;
	const howToPay = value.howToPay ?? 'automatic';
	if (howToPay !== 'automatic' && howToPay !== 'payLink') {
		refuse(
			`invoice ${invoiceId} has howToPay ${JSON.stringify(howToPay)}: a scan decides "automatic" or "payLink"`,
		);
	}
	return {
		invoiceId,
		customerId,
		amountMinor,
		currency,
		stripeCustomerId,
		paymentMethod: { id: methodId, label },
		stripeCustomerEmail: typeof email === 'string' && email.trim() !== '' ? email.trim() : null,
		idempotencyKey,
		howToPay,
		...(isRecord(value.recovery) ? { recovery: value.recovery as unknown as Recovery } : {}),
	};
}

import { CoreInputError } from '../errors';

/**
 * Errors thrown by the Stripe transport. None of them ever carries a request header, the
 * secret key or the underlying HTTP library's error object (which may hold the Authorization
 * header): only what Stripe answered, or a redacted description of the connection failure.
 */

export interface StripeApiErrorFields {
	message: string;
	statusCode: number;
	type: string;
	code?: string;
	declineCode?: string;
	adviceCode?: string;
	param?: string;
	requestId?: string;
	docUrl?: string;
	paymentIntent?: unknown;
	raw: unknown;
	attempts: number;
}

/** Stripe answered with an error (or with something that is not Stripe's JSON). */
export class StripeApiError extends Error {
	readonly statusCode: number;

	/** Stripe's `error.type`: card_error, invalid_request_error, idempotency_error, api_error... */
	readonly type: string;

	readonly code?: string;

	readonly declineCode?: string;

	/** Issuer's advice on declines, e.g. `do_not_try_again`: auto-pay must not retry those. */
	readonly adviceCode?: string;

	readonly param?: string;

	readonly requestId?: string;

	readonly docUrl?: string;

	/** `error.payment_intent` of a 402: the PaymentIntent left in requires_payment_method. */
	readonly paymentIntent?: unknown;

	/** Stripe's `error` object as answered (never request data). */
	readonly raw: unknown;

	/** HTTP attempts made, retries included. */
	readonly attempts: number;

	constructor(fields: StripeApiErrorFields) {
		super(fields.message);
		this.name = 'StripeApiError';
		this.statusCode = fields.statusCode;
		this.type = fields.type;
		this.code = fields.code;
		this.declineCode = fields.declineCode;
		this.adviceCode = fields.adviceCode;
		this.param = fields.param;
		this.requestId = fields.requestId;
		this.docUrl = fields.docUrl;
		this.paymentIntent = fields.paymentIntent;
		this.raw = fields.raw;
		this.attempts = fields.attempts;
	}
}

/** Stripe could not be reached (reset, refused, timed out...) on every attempt. */
export class StripeConnectionError extends Error {
	/** The system error code of the last failure, e.g. `ECONNRESET`, when the HTTP layer gave one. */
	readonly code?: string;

	readonly attempts: number;

	constructor(message: string, code: string | undefined, attempts: number) {
		super(message);
		this.name = 'StripeConnectionError';
		this.code = code;
		this.attempts = attempts;
	}
}

const SECRET_PATTERNS = [
	/\b(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]+/g,
	/\bwhsec_[0-9A-Za-z]+/g,
	/\bBearer\s+[^\s,;"']+/gi,
	/\bBasic\s+[A-Za-z0-9+/=]{8,}/g,
];

/**
 * Removes anything shaped like a Stripe key or an Authorization value from a message that came
 * from outside (an HTTP library's error text may quote the request it failed on).
 */
export function redactSecrets(text: string): string {
	return SECRET_PATTERNS.reduce((out, pattern) => out.replace(pattern, '[redacted]'), text);
}

/**
 * For `.catch()` on a read by id: Stripe's 404 becomes bad input naming the field (the id the
 * user gave does not exist); every other failure passes through unchanged.
 */
export function notFoundAsInputError(field: string, message: string): (error: unknown) => never {
	return (error) => {
		if (error instanceof StripeApiError && error.statusCode === 404) {
			throw new CoreInputError(field, message);
		}
		throw error;
	};
}

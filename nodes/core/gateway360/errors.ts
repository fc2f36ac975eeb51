/**
 * Errors of the 360 Payments (NMI-style) gateway adapter. None carries a request body (where
 * the shell put the security key) or the HTTP library's error: only what the gateway answered,
 * or a system error code.
 */

export type Gateway360ErrorKind =
	/** `response=3` from transact.php, or `<error_response>` from query.php */
	| 'gateway_error'
	/** the gateway refused the security key ("Authentication Failed") */
	| 'authentication'
	/** an HTTP status other than 200 */
	| 'http_status'
	/** a body that is not the gateway's form or XML answer */
	| 'unreadable_answer'
	/** a sale approved twice for one invoice and the second could not be voided */
	| 'duplicate_charge'
	/** the invoice's order holds a sale that is not this payment (other amount or customer) */
	| 'conflicting_payment'
	/**
	 * a hold could not be captured after its claim in Stripe was turned into it, or the invoice
	 * is held in Stripe by such a claim: nothing was taken, and a person settles it
	 */
	| 'capture_failed';

export interface Gateway360ApiErrorFields {
	message: string;
	kind: Gateway360ErrorKind;
	/** `response_code` (100 approved, 2xx declined, 3xx gateway, 4xx processor errors) */
	responseCode?: string;
	/** `responsetext` / `<error_response>` as the gateway wrote it */
	responseText?: string;
	statusCode?: number;
	transactionId?: string;
	/** true when the gateway may have acted although the answer was lost or unreadable */
	outcomeUnknown?: boolean;
}

export class Gateway360ApiError extends Error {
	readonly kind: Gateway360ErrorKind;

	readonly responseCode?: string;

	readonly responseText?: string;

	readonly statusCode?: number;

	readonly transactionId?: string;

	readonly outcomeUnknown: boolean;

	constructor(fields: Gateway360ApiErrorFields) {
		super(fields.message);
		this.name = 'Gateway360ApiError';
		this.kind = fields.kind;
		this.responseCode = fields.responseCode;
		this.responseText = fields.responseText;
		this.statusCode = fields.statusCode;
		this.transactionId = fields.transactionId;
		this.outcomeUnknown = fields.outcomeUnknown ?? false;
	}
}

/** The gateway could not be reached (refused, reset, timed out...). */
export class Gateway360ConnectionError extends Error {
	readonly code?: string;

	/** true for a transact.php call: the gateway may have acted before the connection broke */
	readonly outcomeUnknown: boolean;

	constructor(message: string, code: string | undefined, outcomeUnknown: boolean) {
		super(message);
		this.name = 'Gateway360ConnectionError';
		this.code = code;
		this.outcomeUnknown = outcomeUnknown;
	}
}

const CONNECTION_FAILURES: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection reset',
	EPIPE: 'connection reset',
	ETIMEDOUT: 'timed out',
	ECONNABORTED: 'timed out',
	ESOCKETTIMEDOUT: 'timed out',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'host not found',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
};

/**
 * A system error code in words. Messages say the words, not the code: n8n's NodeApiError
 * replaces any message naming a code such as ECONNRESET with a generic sentence that would
 * lose which service failed. The code itself stays on the error (`code`).
 */
export function describeConnectionFailure(code: string | undefined): string {
	return (code && CONNECTION_FAILURES[code.toUpperCase()]) || 'connection failed';
}

export function isGateway360Error(
	error: unknown,
): error is Gateway360ApiError | Gateway360ConnectionError {
	return error instanceof Gateway360ApiError || error instanceof Gateway360ConnectionError;
}

/**
 * Replaces every occurrence of the given secrets (the shell knows the credential's keys) and
 * anything shaped like a `security_key=` form field in a message that came from outside.
 */
export function redactGatewaySecrets(text: string, secrets: readonly string[] = []): string {
	let out = text.replace(/security_key=[^&\s"']*/gi, 'security_key=[redacted]');
	for (const secret of secrets) {
		// Short values would redact ordinary words; real keys are long.
		if (secret.length < 8) continue;
		for (const form of new Set([secret, encodeURIComponent(secret)])) {
			out = out.split(form).join('[redacted]');
		}
	}
	return out;
}

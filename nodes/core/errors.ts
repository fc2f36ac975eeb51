/**
 * Bad input found by a core rule. It names the field so the n8n shell can report
 * "item N, field X" in a NodeOperationError; it never carries secrets, only the rule broken.
 */
export class CoreInputError extends Error {
	readonly field: string;

	constructor(field: string, message: string) {
		super(message);
		this.name = 'CoreInputError';
		this.field = field;
	}
}

export function isCoreInputError(error: unknown): error is CoreInputError {
	return error instanceof CoreInputError;
}

/** A caught error as bad input; anything else is a bug and goes on up unchanged. */
export function asInputError(error: unknown): CoreInputError {
	if (isCoreInputError(error)) return error;
	throw error;
}

/**
 * A payment refused because something else holds its invoices (another payment, a pay link, a
 * claim being decided): not bad input, and nothing was charged. The message names the holder.
 */
export class PaymentRefusedError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'PaymentRefusedError';
	}
}

/** A promise's value or its error, as data: for callers that decide what a failure means. */
export function settled<T>(
	promise: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
	return promise.then(
		(value) => ({ ok: true as const, value }),
		(error: unknown) => ({ ok: false as const, error }),
	);
}

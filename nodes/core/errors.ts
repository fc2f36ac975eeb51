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

import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { CoreInputError } from '../../core/errors';

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch (error) {
		return { ok: false, message: (error as Error).message };
	}
}

/**
 * A JSON parameter of one item: an expression gives the value itself, typed JSON gives text.
 * `kind` says what the operation needs; anything else is bad input naming the parameter.
 */
export function jsonParameter(
	context: IExecuteFunctions,
	name: string,
	itemIndex: number,
	kind: 'object' | 'array' | 'any',
): unknown {
	let value = context.getNodeParameter(name, itemIndex, kind === 'array' ? [] : {}) as unknown;
	if (typeof value === 'string') {
		const text = value.trim();
		if (text === '') value = kind === 'array' ? [] : kind === 'object' ? {} : null;
		else {
			const parsed = parseJson(text);
			if (!parsed.ok) throw new CoreInputError(name, `Not valid JSON: ${parsed.message}`);
			value = parsed.value;
		}
	}
	if (kind === 'array' && !Array.isArray(value)) {
		throw new CoreInputError(name, 'Must be a list (a JSON array)');
	}
	if (kind === 'object' && (value === null || typeof value !== 'object' || Array.isArray(value))) {
		throw new CoreInputError(name, 'Must be an object (JSON)');
	}
	return value;
}

export { textParameter } from '../../shared/parameters';

/** Plain JSON for an output item. */
export function asData<T>(value: T): IDataObject {
	return value as unknown as IDataObject;
}

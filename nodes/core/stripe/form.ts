import { CoreInputError } from '../errors';

/**
 * A value of Stripe's v1 form parameters. `''` and `null` are both sent as an empty value,
 * which is how Stripe unsets a field (stripe-node sends null the same way); `undefined` is left
 * out. Numbers must be safe integers (minor units, timestamps, counts): Stripe's decimal fields
 * (`*_decimal`, percentages) are passed as strings so that no float is ever formatted.
 */
export type StripeParamValue =
	| string
	| number
	| boolean
	| null
	| undefined
	| readonly StripeParamValue[]
	| { readonly [key: string]: StripeParamValue };

export type StripeParams = { [key: string]: StripeParamValue };

/**
 * What encodeForm and the transport accept: StripeParams, or the `stripe` package's own
 * `*Params` interfaces (TypeScript never lets an interface meet an index signature, so they
 * are not StripeParams). Every value is checked at run time either way.
 */
export type StripeParamsInput = StripeParams | object;

/**
 * Encodes one key segment or value as stripe-node does: encodeURIComponent, plus the
 * characters it leaves alone but `qs` encodes (`!'()*`).
 */
function encodeComponent(text: string, field: string): string {
	// A lone UTF-16 surrogate has no UTF-8 form (encodeURIComponent would throw URIError).
	if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)) {
		throw new CoreInputError(field, `Parameter "${field}" contains invalid Unicode text`);
	}
	return encodeURIComponent(text).replace(
		/[!'()*]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
	);
}

function isNested(value: StripeParamValue): boolean {
	return typeof value === 'object' && value !== null;
}

function isPlainObject(value: object): boolean {
	const prototype = Object.getPrototypeOf(value);
	return prototype === Object.prototype || prototype === null;
}

function unsupported(field: string): CoreInputError {
	return new CoreInputError(field, `Parameter "${field}" has an unsupported type`);
}

function scalarText(value: unknown, field: string): string {
	if (value === null) return '';
	if (typeof value === 'string' || typeof value === 'boolean') return String(value);
	if (typeof value === 'number') {
		if (!Number.isSafeInteger(value)) {
			throw new CoreInputError(
				field,
				`Parameter "${field}" must be a whole number (got ${String(value)}); pass decimals as strings`,
			);
		}
		return String(value);
	}
	// bigint, function, symbol: nothing Stripe could read.
	throw unsupported(field);
}

/**
 * Stripe's v1 form encoding (`application/x-www-form-urlencoded`, also used for GET query
 * strings): nested objects as `parent[child]=v`, arrays of scalars as `list[]=a&list[]=b` (the
 * form Stripe documents, e.g. `expand[]`), arrays holding objects indexed as
 * `list[0][field]=v` because Stripe needs the index to group an element's fields. Brackets that
 * give structure stay unencoded, as stripe-node sends them; brackets cannot appear inside a
 * key since Stripe's parser could not tell them from nesting (metadata keys forbid them too).
 * Empty arrays and objects send nothing; to clear a list send `''`.
 */
export function encodeForm(params: StripeParamsInput): string {
	if (Array.isArray(params) || !isPlainObject(params)) {
		throw new CoreInputError('params', 'Stripe parameters must be a plain object');
	}
	const pairs: string[] = [];

	// `field` is the readable name used in errors, `path` its encoded form.
	const add = (field: string, path: string, value: StripeParamValue): void => {
		if (value === undefined) return;
		if (Array.isArray(value)) {
			const present = value.filter((element) => element !== undefined);
			const indexed = present.some(isNested);
			present.forEach((element, index) => {
				const slot = indexed ? String(index) : '';
				add(`${field}[${slot}]`, `${path}[${slot}]`, element);
			});
			return;
		}
		if (typeof value === 'object' && value !== null) {
			// A Date or class instance would otherwise vanish silently (no own enumerable keys).
			if (!isPlainObject(value)) throw unsupported(field);
			for (const [key, child] of Object.entries(value)) {
				const childField = `${field}[${key}]`;
				add(childField, `${path}[${encodeKey(key, childField)}]`, child);
			}
			return;
		}
		pairs.push(`${path}=${encodeComponent(scalarText(value, field), field)}`);
	};

	for (const [key, value] of Object.entries(params as StripeParams)) {
		add(key, encodeKey(key, key), value);
	}
	return pairs.join('&');
}

function encodeKey(key: string, field: string): string {
	if (key === '' || /[[\]]/.test(key)) {
		throw new CoreInputError(
			field,
			`Parameter name "${field}" must be non-empty and contain no square brackets`,
		);
	}
	return encodeComponent(key, field);
}

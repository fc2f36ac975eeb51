import { CoreInputError } from '../errors';
import { Gateway360ApiError } from './errors';

/**
 * The NMI-style gateway speaks `application/x-www-form-urlencoded` both ways: requests are
 * form posts, and transact.php answers with a URL-encoded string
 * (`response=1&responsetext=SUCCESS&...`).
 */

/** The field the shell's credential adds itself; the core must never send (or see) it. */
export const SECURITY_KEY_FIELD = 'security_key';

export type GatewayFields = Record<string, string | undefined>;

const FIELD_NAME = /^[a-z][a-z0-9_]*$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Control characters would be passed on to processors verbatim; no gateway field needs them.
const CONTROL = /\p{Cc}/u;

/** Encodes the fields in their given order; `undefined` values are left out. */
export function encodeGatewayForm(fields: GatewayFields): string {
	const parts: string[] = [];
	for (const [name, value] of Object.entries(fields)) {
		if (value === undefined) continue;
		if (!FIELD_NAME.test(name)) {
			throw new CoreInputError(name, `"${name}" is not a gateway field name`);
		}
		if (name === SECURITY_KEY_FIELD) {
			throw new CoreInputError(
				name,
				'The security key is added by the credential, never by the caller',
			);
		}
		if (LONE_SURROGATE.test(value) || CONTROL.test(value)) {
			throw new CoreInputError(name, `Field "${name}" contains characters the gateway cannot take`);
		}
		parts.push(`${name}=${encodeURIComponent(value)}`);
	}
	return parts.join('&');
}

function decodeComponent(text: string): string {
	const spaced = text.replace(/\+/g, ' ');
	// decodeURIComponent throws on a malformed escape; check first so nothing is caught.
	if (/%(?![0-9a-fA-F]{2})/.test(spaced)) throw unreadable('a malformed % escape');
	const decoded = percentDecode(spaced);
	if (decoded === null) throw unreadable('an escape that is not UTF-8');
	return decoded;
}

/**
 * Percent-decoding with the UTF-8 byte runs checked by hand, so that invalid input is a
 * result (null) rather than a URIError to catch.
 */
function percentDecode(text: string): string | null {
	const bytes: number[] = [];
	let out = '';
	const flush = (): boolean => {
		if (bytes.length === 0) return true;
		const decoded = utf8(bytes);
		bytes.length = 0;
		if (decoded === null) return false;
		out += decoded;
		return true;
	};
	for (let i = 0; i < text.length; i++) {
		if (text[i] === '%') {
			bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
			i += 2;
		} else {
			if (!flush()) return null;
			out += text[i];
		}
	}
	return flush() ? out : null;
}

/** Strict UTF-8 decoding of a byte run (no overlongs, no surrogates, no truncation). */
function utf8(bytes: number[]): string | null {
	let out = '';
	for (let i = 0; i < bytes.length; ) {
		const first = bytes[i];
		let length: number;
		let codePoint: number;
		if (first < 0x80) {
			length = 1;
			codePoint = first;
		} else if (first >= 0xc2 && first < 0xe0) {
			length = 2;
			codePoint = first & 0x1f;
		} else if (first >= 0xe0 && first < 0xf0) {
			length = 3;
			codePoint = first & 0x0f;
		} else if (first >= 0xf0 && first < 0xf5) {
			length = 4;
			codePoint = first & 0x07;
		} else {
			return null;
		}
		if (i + length > bytes.length) return null;
		for (let j = 1; j < length; j++) {
			const next = bytes[i + j];
			if ((next & 0xc0) !== 0x80) return null;
			codePoint = (codePoint << 6) | (next & 0x3f);
		}
		const minimum = [0, 0, 0x80, 0x800, 0x10000][length];
		if (codePoint < minimum || codePoint > 0x10ffff) return null;
		if (codePoint >= 0xd800 && codePoint <= 0xdfff) return null;
		out += String.fromCodePoint(codePoint);
		i += length;
	}
	return out;
}

function unreadable(problem: string): Gateway360ApiError {
	return new Gateway360ApiError({
		message: `The gateway's answer is not a readable form (${problem})`,
		kind: 'unreadable_answer',
	});
}

/**
 * Parses a URL-encoded answer strictly: every pair has a name, no name appears twice, every
 * escape is valid UTF-8. A body that breaks these rules is not the gateway's answer.
 */
export function parseGatewayForm(body: string): Record<string, string> {
	const fields: Record<string, string> = Object.create(null);
	const text = body.trim();
	if (text === '') throw unreadable('an empty body');
	for (const pair of text.split('&')) {
		const separator = pair.indexOf('=');
		const name = decodeComponent(separator === -1 ? pair : pair.slice(0, separator));
		const value = separator === -1 ? '' : decodeComponent(pair.slice(separator + 1));
		if (name === '') throw unreadable('a value without a name');
		if (name in fields) throw unreadable(`"${name}" twice`);
		fields[name] = value;
	}
	return fields;
}

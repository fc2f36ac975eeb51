import { createHmac, timingSafeEqual } from 'node:crypto';

import { CoreInputError } from '../errors';

/**
 * Stripe webhook signature verification (the rule of stripe-node's `Webhooks.js`, written anew).
 *
 * Header: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...][,v0=<hex>]`.
 * Signed content: `${t}.${rawBody}` with HMAC-SHA256 and the endpoint's signing secret.
 * A request is authentic when ANY `v1` matches ANY configured secret (Stripe signs with the old
 * and the new secret while a secret is being rolled, and the endpoint may hold both); `v0` and
 * other schemes are ignored. Signature first, then age: so `stale`/`future` only ever describe a
 * request Stripe really signed.
 *
 * API:
 *   verifyStripeSignature({ rawBody, header, secrets, toleranceSeconds = 300, nowSeconds })
 *     -> { ok: true, timestamp } | { ok: false, reason }
 *     reason: 'missing_header' | 'malformed_header' | 'no_v1' | 'mismatch' | 'stale' | 'future'
 *     Throws CoreInputError (field 'secrets' / 'toleranceSeconds') for a configuration without a
 *     secret or with a tolerance that is not a positive number: unlike stripe-node, 0 does NOT
 *     switch the age check off, since replay protection rests on it.
 *   STRIPE_SIGNATURE_HEADER, STRIPE_DEFAULT_TOLERANCE_SECONDS
 *   hmacSignatureMatches(...) the constant-time comparison shared with the 360 Payments scheme.
 *
 * The delivery (delivery.ts) answers 401 for every `ok: false` and starts no execution. Reasons
 * are codes only: never a secret, never an expected signature.
 */

export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';
export const STRIPE_DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * The widest tolerance accepted: the tolerance is the window in which a captured delivery can be
 * replayed, so a setting may narrow Stripe's 300 s or widen it for a slow clock, not open it wide.
 */
export const MAX_TOLERANCE_SECONDS = 3600;

export type SignatureFailureReason =
	| 'missing_header'
	| 'malformed_header'
	| 'no_v1'
	| 'mismatch'
	| 'stale'
	| 'future';

export type StripeSignatureResult =
	| { ok: true; timestamp: number }
	| { ok: false; reason: SignatureFailureReason };

/** A request body exactly as received: the bytes, or the string they decode to. */
export type RawBody = Buffer | Uint8Array | string;

/** Node gives a header as a string, or as a list when it was sent several times. */
export type HeaderValue = string | string[] | undefined | null;

const SHA256_HEX = /^[0-9a-f]{64}$/i;

/**
 * The one value of a signature header. Sent twice it is malformed: which copy was meant to be
 * checked would be the sender's choice.
 */
export function singleHeaderValue(
	header: HeaderValue,
): { value: string } | { reason: 'missing_header' | 'malformed_header' } {
	if (Array.isArray(header)) {
		if (header.length > 1) return { reason: 'malformed_header' };
		header = header[0];
	}
	if (typeof header !== 'string' || header.trim() === '') return { reason: 'missing_header' };
	return { value: header };
}

/** Configured keys, trimmed (a pasted secret often carries a newline); blank entries dropped. */
export function usableKeys(keys: string | string[] | undefined, field: string): string[] {
	const list = (Array.isArray(keys) ? keys : [keys]).filter(
		(key): key is string => typeof key === 'string',
	);
	const usable = list.map((key) => key.trim()).filter((key) => key !== '');
	if (usable.length === 0) {
		throw new CoreInputError(field, 'A webhook signing secret is required to verify requests');
	}
	return usable;
}

/**
 * True when any candidate hex signature equals HMAC-SHA256(key, prefix + rawBody) for any key.
 * Every pair is compared with timingSafeEqual on equal-length buffers and the loop never stops
 * early, so timing tells nothing about which key or how much of a signature matched. Candidates
 * that are not 64 hex digits cannot match and are skipped: their shape is the sender's own input.
 */
export function hmacSignatureMatches(input: {
	prefix: string;
	rawBody: RawBody;
	keys: string[];
	candidates: string[];
}): boolean {
	const expected = input.keys.map((key) => {
		const hmac = createHmac('sha256', key);
		hmac.update(input.prefix, 'utf8');
		if (typeof input.rawBody === 'string') hmac.update(input.rawBody, 'utf8');
		else hmac.update(input.rawBody);
		return hmac.digest();
	});
	const given = input.candidates
		.filter((candidate) => SHA256_HEX.test(candidate))
		.map((candidate) => Buffer.from(candidate, 'hex'));
	let matched = false;
	for (const signature of given) {
		for (const digest of expected) {
			if (timingSafeEqual(signature, digest)) matched = true;
		}
	}
	return matched;
}

interface ParsedStripeHeader {
	timestamp: number;
	v1: string[];
}

function parseStripeHeader(header: string): ParsedStripeHeader | null {
	let timestamp: number | null = null;
	const v1: string[] = [];
	for (const part of header.split(',')) {
		const separator = part.indexOf('=');
		if (separator <= 0) return null;
		const key = part.slice(0, separator).trim();
		const value = part.slice(separator + 1).trim();
		if (key === 't') {
			// Two timestamps would leave it open which one was signed.
			if (timestamp !== null || !/^\d{1,12}$/.test(value)) return null;
			timestamp = Number(value);
		} else if (key === 'v1') {
			v1.push(value);
		}
	}
	return timestamp === null ? null : { timestamp, v1 };
}

export function verifyStripeSignature(input: {
	rawBody: RawBody;
	header: HeaderValue;
	secrets: string[];
	toleranceSeconds?: number;
	nowSeconds: number;
}): StripeSignatureResult {
	const secrets = usableKeys(input.secrets, 'secrets');
	const tolerance = input.toleranceSeconds ?? STRIPE_DEFAULT_TOLERANCE_SECONDS;
	if (
		typeof tolerance !== 'number' ||
		!Number.isFinite(tolerance) ||
		tolerance <= 0 ||
		tolerance > MAX_TOLERANCE_SECONDS
	) {
		throw new CoreInputError(
			'toleranceSeconds',
			`The signature tolerance must be a number of seconds from 1 to ${MAX_TOLERANCE_SECONDS} (Stripe uses 300): it is how long a captured delivery could be replayed`,
		);
	}
	if (typeof input.nowSeconds !== 'number' || !Number.isFinite(input.nowSeconds)) {
		throw new CoreInputError('nowSeconds', 'The current time (Unix seconds) is required');
	}
	const header = singleHeaderValue(input.header);
	if ('reason' in header) return { ok: false, reason: header.reason };
	const parsed = parseStripeHeader(header.value);
	if (!parsed) return { ok: false, reason: 'malformed_header' };
	if (parsed.v1.length === 0) return { ok: false, reason: 'no_v1' };
	const matches = hmacSignatureMatches({
		prefix: `${parsed.timestamp}.`,
		rawBody: input.rawBody,
		keys: secrets,
		candidates: parsed.v1,
	});
	if (!matches) return { ok: false, reason: 'mismatch' };
	const age = Math.floor(input.nowSeconds) - parsed.timestamp;
	if (age > tolerance) return { ok: false, reason: 'stale' };
	// Stripe itself never signs ahead of time: a far-future stamp would stretch the replay window.
	if (-age > tolerance) return { ok: false, reason: 'future' };
	return { ok: true, timestamp: parsed.timestamp };
}

import { createHmac } from 'node:crypto';

import { CoreInputError } from '../errors';
import type { HeaderValue, RawBody } from './stripeSignature';
import { hmacSignatureMatches, singleHeaderValue, usableKeys } from './stripeSignature';

/**
 * 360 Payments (NMI-style gateway) webhook signatures.
 *
 * Header: `Webhook-Signature: t=<nonce>,s=<hex>`; s = hex HMAC-SHA256(signing key,
 * `${nonce}.${rawBody}`). The nonce is an opaque string chosen by the gateway (1 to 200
 * characters, no "," and no whitespace); it is NOT a timestamp, so there is no age check:
 * replays are stopped by deduplicating on the body's `event_id`. More than one `s` is accepted
 * (any may match), and several signing keys may be configured while a key is being replaced.
 *
 * API:
 *   verifyGateway360Signature({ rawBody, header, signingKey: string | string[] })
 *     -> { ok: true, nonce } | { ok: false, reason }
 *     reason: 'missing_header' | 'malformed_header' | 'no_signature' | 'mismatch'
 *     Throws CoreInputError (field 'signingKey') when no key is configured.
 *   signGateway360Payload(rawBody, signingKey, nonce) -> the header value, for our fake gateway.
 *   GATEWAY360_SIGNATURE_HEADER
 *
 * The delivery (delivery.ts) answers 401 for every `ok: false` and starts no execution.
 */

export const GATEWAY360_SIGNATURE_HEADER = 'webhook-signature';

export type Gateway360SignatureFailureReason =
	| 'missing_header'
	| 'malformed_header'
	| 'no_signature'
	| 'mismatch';

export type Gateway360SignatureResult =
	| { ok: true; nonce: string }
	| { ok: false; reason: Gateway360SignatureFailureReason };

const NONCE = /^[^\s,]{1,200}$/;

function parseGatewayHeader(header: string): { nonce: string; signatures: string[] } | null {
	let nonce: string | null = null;
	const signatures: string[] = [];
	for (const part of header.split(',')) {
		// The nonce may itself contain "=": only the first one separates key from value.
		const separator = part.indexOf('=');
		if (separator <= 0) return null;
		const key = part.slice(0, separator).trim();
		const value = part.slice(separator + 1).trim();
		if (key === 't') {
			if (nonce !== null || !NONCE.test(value)) return null;
			nonce = value;
		} else if (key === 's') {
			signatures.push(value);
		}
	}
	return nonce === null ? null : { nonce, signatures };
}

export function verifyGateway360Signature(input: {
	rawBody: RawBody;
	header: HeaderValue;
	signingKey: string | string[];
}): Gateway360SignatureResult {
	const keys = usableKeys(input.signingKey, 'signingKey');
	const header = singleHeaderValue(input.header);
	if ('reason' in header) return { ok: false, reason: header.reason };
	const parsed = parseGatewayHeader(header.value);
	if (!parsed) return { ok: false, reason: 'malformed_header' };
	if (parsed.signatures.length === 0) return { ok: false, reason: 'no_signature' };
	const matches = hmacSignatureMatches({
		prefix: `${parsed.nonce}.`,
		rawBody: input.rawBody,
		keys,
		candidates: parsed.signatures,
	});
	return matches ? { ok: true, nonce: parsed.nonce } : { ok: false, reason: 'mismatch' };
}

/** The `Webhook-Signature` value the gateway sends for this body (used by our fake gateway). */
export function signGateway360Payload(rawBody: RawBody, signingKey: string, nonce: string): string {
	if (!NONCE.test(nonce)) {
		throw new CoreInputError('nonce', 'A nonce is 1 to 200 characters without "," or whitespace');
	}
	const [key] = usableKeys(signingKey, 'signingKey');
	const hmac = createHmac('sha256', key);
	hmac.update(`${nonce}.`, 'utf8');
	if (typeof rawBody === 'string') hmac.update(rawBody, 'utf8');
	else hmac.update(rawBody);
	return `t=${nonce},s=${hmac.digest('hex')}`;
}

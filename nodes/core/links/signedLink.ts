import { createHmac, timingSafeEqual } from 'node:crypto';

import { CoreInputError } from '../errors';

/**
 * The web invoice link: like a Stripe-hosted invoice page, whoever holds the link may pay that
 * one invoice, until it expires. The link is
 *   <page URL>?invoice=<invoice id>&expires=<unix seconds>&sig=<signature>
 * where signature = base64url(HMAC-SHA256(secret, "invoice-link.v1\n<invoice id>\n<expires>")).
 * The invoice id and the expiry are both signed, so changing either (another invoice, a later
 * expiry) breaks the signature. Verification compares in constant time and accepts the current
 * or the previous secret (rotation without breaking links already sent).
 *
 * Verdicts: no or malformed parameters, or a signature that does not match -> 401 (not
 * authenticated); a valid link past its expiry -> 403 (authenticated, no longer allowed).
 */

export const MIN_SECRET_LENGTH = 32;

/** A link may live at most this long, whatever a signer asks for. */
export const MAX_LINK_LIFETIME_SECONDS = 366 * 86_400;

const SIGNATURE_PREFIX = 'invoice-link.v1';
const INVOICE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

export type LinkFailure = 'missing' | 'malformed' | 'bad_signature' | 'expired';

export type LinkVerdict =
	| { ok: true; invoiceId: string; expiresAt: number; expiresAtIso: string }
	| { ok: false; reason: LinkFailure; httpStatus: 401 | 403; message: string };

export interface SignedInvoiceLink {
	invoiceId: string;
	expiresAt: number;
	expiresAtIso: string;
	signature: string;
	url: string;
}

/** The secret setting: long enough to resist guessing (a webhook secret, not a password). */
export function assertLinkSecret(value: unknown, field = 'secret'): string {
	const secret = typeof value === 'string' ? value : '';
	if (secret.length < MIN_SECRET_LENGTH) {
		throw new CoreInputError(
			field,
			`The link signing secret must be at least ${MIN_SECRET_LENGTH} characters long`,
		);
	}
	return secret;
}

export function assertInvoiceId(value: unknown, field = 'invoiceId'): string {
	const text =
		typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
	if (!INVOICE_ID.test(text)) {
		throw new CoreInputError(
			field,
			`"${text.slice(0, 40)}" is not an invoice ID (1 to 100 letters, digits, ".", "_", ":" or "-")`,
		);
	}
	return text;
}

export function invoiceLinkSignature(secret: string, invoiceId: string, expiresAt: number): string {
	return createHmac('sha256', secret)
		.update(`${SIGNATURE_PREFIX}\n${invoiceId}\n${expiresAt}`)
		.digest('base64url');
}

function pageUrlOf(value: unknown, field: string): URL {
	const text = typeof value === 'string' ? value.trim() : '';
	const url = URL.canParse(text) ? new URL(text) : null;
	if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
		throw new CoreInputError(field, `"${text.slice(0, 100)}" is not an absolute http(s) URL`);
	}
	if (url.username || url.password) {
		throw new CoreInputError(field, 'The page URL must not contain user information');
	}
	return url;
}

export function signInvoiceLink(input: {
	secret: string;
	invoiceId: unknown;
	/** seconds the link stays valid */
	validForSeconds: number;
	nowSeconds: number;
	pageUrl: unknown;
}): SignedInvoiceLink {
	const secret = assertLinkSecret(input.secret);
	const invoiceId = assertInvoiceId(input.invoiceId);
	const validFor = input.validForSeconds;
	if (!Number.isInteger(validFor) || validFor < 60 || validFor > MAX_LINK_LIFETIME_SECONDS) {
		throw new CoreInputError(
			'validFor',
			`A link is valid for 1 minute to ${MAX_LINK_LIFETIME_SECONDS / 86_400} days, not ${String(validFor)} seconds`,
		);
	}
	const expiresAt = Math.floor(input.nowSeconds) + validFor;
	const signature = invoiceLinkSignature(secret, invoiceId, expiresAt);
	const url = pageUrlOf(input.pageUrl, 'pageUrl');
	url.searchParams.set('invoice', invoiceId);
	url.searchParams.set('expires', String(expiresAt));
	url.searchParams.set('sig', signature);
	return {
		invoiceId,
		expiresAt,
		expiresAtIso: new Date(expiresAt * 1000).toISOString(),
		signature,
		url: url.toString(),
	};
}

function refuse(reason: LinkFailure, message: string): LinkVerdict {
	return { ok: false, reason, httpStatus: reason === 'expired' ? 403 : 401, message };
}

const asText = (value: unknown): string =>
	typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';

/** Checks a link's three parameters; never throws for what a browser sent. */
export function verifyInvoiceLink(input: {
	/** the current secret first; more while rotating */
	secrets: string[];
	invoiceId: unknown;
	expires: unknown;
	signature: unknown;
	nowSeconds: number;
}): LinkVerdict {
	// The secrets are the workflow's configuration: a bad one is an error, whatever was sent.
	const secrets = input.secrets.filter((secret) => typeof secret === 'string' && secret !== '');
	if (secrets.length === 0) assertLinkSecret('');
	secrets.forEach((secret) => assertLinkSecret(secret));
	const invoiceId = asText(input.invoiceId);
	const expiresText = asText(input.expires);
	const signature = asText(input.signature);
	if (invoiceId === '' || expiresText === '' || signature === '') {
		return refuse(
			'missing',
			'This payment link is incomplete. Use the link from your invoice email.',
		);
	}
	if (
		!INVOICE_ID.test(invoiceId) ||
		!/^\d{1,12}$/.test(expiresText) ||
		!SIGNATURE.test(signature)
	) {
		return refuse(
			'malformed',
			'This payment link is not valid. Use the link from your invoice email.',
		);
	}
	const expiresAt = Number(expiresText);
	const given = Buffer.from(signature);
	// Every secret is checked (no early exit), so timing does not tell which one matched.
	let matched = false;
	for (const secret of secrets) {
		const expected = Buffer.from(invoiceLinkSignature(secret, invoiceId, expiresAt));
		if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true;
	}
	if (!matched) {
		return refuse(
			'bad_signature',
			'This payment link is not valid. Use the link from your invoice email.',
		);
	}
	if (Math.floor(input.nowSeconds) >= expiresAt) {
		return refuse('expired', 'This payment link has expired. Ask us for a new one.');
	}
	return {
		ok: true,
		invoiceId,
		expiresAt,
		expiresAtIso: new Date(expiresAt * 1000).toISOString(),
	};
}

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

import { CoreInputError } from '../errors';

/**
 * The signing secret of the Stripe endpoint the trigger made, sealed for the workflow's static
 * data. n8n stores static data in clear with the workflow, but credentials encrypted with the
 * instance's encryption key: sealing the secret with a key derived from the Stripe secret key
 * (a credential) means a database dump alone cannot forge events.
 *
 * Sealing: AES-256-GCM, a fresh 12-byte IV per seal, the endpoint id as additional data (a sealed
 * secret copied to another endpoint's state does not open). Key: HKDF-SHA256 of the Stripe
 * secret key (or restricted key) with a fixed salt and label. A changed Stripe key (rolled, or
 * another account) cannot open what the old one sealed: `openEndpointSecret` answers null, and
 * the shell then makes a new endpoint (Stripe shows an endpoint's secret only when creating it).
 *
 * API:
 *   sealEndpointSecret({ secret, stripeSecretKey, endpointId }) -> 'sealed:v1:<iv>.<data>.<tag>'
 *   openEndpointSecret({ sealed, stripeSecretKey, endpointId }) -> the secret, or null when it
 *     cannot be opened (other key, other endpoint, altered, not a sealed value)
 *   isSealedEndpointSecret(value) -> whether a stored value is in the sealed form
 * Errors name the missing input only; no secret is ever part of a message.
 */

const PREFIX = 'sealed:v1:';
const SALT = 'n8n-nodes-invoice-payments';
const LABEL = 'stripe webhook endpoint signing secret v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PART = /^[A-Za-z0-9_-]+$/;

function required(value: unknown, field: string, what: string): string {
	if (typeof value !== 'string' || value.trim() === '') {
		throw new CoreInputError(
			field,
			`${what} is required to seal or open the endpoint's signing secret`,
		);
	}
	return value;
}

function sealingKey(stripeSecretKey: string): Buffer {
	const key = required(stripeSecretKey, 'stripeSecretKey', 'The Stripe secret key').trim();
	return Buffer.from(hkdfSync('sha256', key, SALT, LABEL, 32));
}

export function isSealedEndpointSecret(value: unknown): value is string {
	return typeof value === 'string' && value.startsWith(PREFIX);
}

export function sealEndpointSecret(input: {
	secret: string;
	stripeSecretKey: string;
	endpointId: string;
}): string {
	const secret = required(input.secret, 'secret', 'The signing secret');
	const endpointId = required(input.endpointId, 'endpointId', 'The endpoint id');
	const iv = randomBytes(IV_BYTES);
	const cipher = createCipheriv('aes-256-gcm', sealingKey(input.stripeSecretKey), iv);
	cipher.setAAD(Buffer.from(endpointId, 'utf8'));
	const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
	const parts = [iv, data, cipher.getAuthTag()].map((part) => part.toString('base64url'));
	return PREFIX + parts.join('.');
}

export function openEndpointSecret(input: {
	sealed: string;
	stripeSecretKey: string;
	endpointId: string;
}): string | null {
	const endpointId = required(input.endpointId, 'endpointId', 'The endpoint id');
	const key = sealingKey(input.stripeSecretKey);
	if (!isSealedEndpointSecret(input.sealed)) return null;
	const parts = input.sealed.slice(PREFIX.length).split('.');
	if (parts.length !== 3 || !parts.every((part) => PART.test(part))) return null;
	const [iv, data, tag] = parts.map((part) => Buffer.from(part, 'base64url'));
	if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return null;
	try {
		const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
		decipher.setAAD(Buffer.from(endpointId, 'utf8'));
		decipher.setAuthTag(tag);
		return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
	} catch {
		// The authentication tag does not match: another key, another endpoint, or altered.
		return null;
	}
}

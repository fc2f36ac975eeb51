// @ts-check
import { createHmac } from 'node:crypto';

import {
	assertInvoiceId,
	invoiceLinkSignature,
	MAX_LINK_LIFETIME_SECONDS,
	signInvoiceLink,
	verifyInvoiceLink,
} from '../../../nodes/core/links/signedLink';
import { readFields } from '../../support/fields';

const SECRET = 'a-very-long-shared-secret-for-links-0123456789';
const OLD_SECRET = 'the-previous-shared-secret-for-links-abcdefgh';
const NOW = 1_790_000_000;
const PAGE = 'https://n8n.example.com/webhook/web-invoice';

const sign = (overrides = {}) =>
	signInvoiceLink({
		secret: SECRET,
		invoiceId: 'inv-2004',
		validForSeconds: 86_400,
		nowSeconds: NOW,
		pageUrl: PAGE,
		...overrides,
	});

const paramsOf = (url) => Object.fromEntries(new URL(url).searchParams);

const verify = (params, overrides = {}) =>
	readFields(verifyInvoiceLink)({
		secrets: [SECRET],
		invoiceId: params.invoice,
		expires: params.expires,
		signature: params.sig,
		nowSeconds: NOW + 60,
		...overrides,
	});

describe('signing', () => {
	test('the link carries the invoice, the expiry and an HMAC-SHA256 of both', () => {
		const link = sign();
		expect(link.expiresAt).toBe(NOW + 86_400);
		expect(link.expiresAtIso).toBe(new Date((NOW + 86_400) * 1000).toISOString());
		const expected = createHmac('sha256', SECRET)
			.update(`invoice-link.v1\ninv-2004\n${NOW + 86_400}`)
			.digest('base64url');
		expect(link.signature).toBe(expected);
		expect(link.url).toBe(`${PAGE}?invoice=inv-2004&expires=${NOW + 86_400}&sig=${expected}`);
	});

	test('existing query parameters of the page URL are kept', () => {
		expect(sign({ pageUrl: `${PAGE}?lang=de` }).url).toMatch(/\?lang=de&invoice=inv-2004&expires=/);
	});

	test.each([
		[{ secret: 'short' }, 'secret', /at least 32 characters/],
		[{ invoiceId: 'inv 1' }, 'invoiceId', /not an invoice ID/],
		[{ invoiceId: '' }, 'invoiceId', /not an invoice ID/],
		[{ validForSeconds: 10 }, 'validFor', /1 minute to 366 days/],
		[{ validForSeconds: MAX_LINK_LIFETIME_SECONDS + 1 }, 'validFor', /1 minute to 366 days/],
		[{ validForSeconds: 1.5 }, 'validFor', /1 minute/],
		[{ pageUrl: 'web-invoice' }, 'pageUrl', /not an absolute http\(s\) URL/],
		[{ pageUrl: 'ftp://x.example.com/a' }, 'pageUrl', /not an absolute/],
		[{ pageUrl: 'https://user:pw@x.example.com/a' }, 'pageUrl', /user information/],
	])('%p is refused (field %s)', (overrides, field, message) => {
		expect(() => sign(overrides)).toThrow(message);
		expect(() => sign(overrides)).toThrow(expect.objectContaining({ field }));
	});

	test('invoice IDs: letters, digits and . _ : - only', () => {
		expect(assertInvoiceId(' INV-2004 ')).toBe('INV-2004');
		expect(assertInvoiceId(2004)).toBe('2004');
		expect(() => assertInvoiceId('inv/2004')).toThrow();
		expect(() => assertInvoiceId('x'.repeat(101))).toThrow();
	});
});

describe('verifying', () => {
	test('a link as signed is valid until it expires', () => {
		const params = paramsOf(sign().url);
		expect(verify(params)).toEqual({
			ok: true,
			invoiceId: 'inv-2004',
			expiresAt: NOW + 86_400,
			expiresAtIso: new Date((NOW + 86_400) * 1000).toISOString(),
		});
		expect(verify(params, { nowSeconds: NOW + 86_399 }).ok).toBe(true);
	});

	test('expired: 403', () => {
		const verdict = verify(paramsOf(sign().url), { nowSeconds: NOW + 86_400 });
		expect(verdict).toMatchObject({ ok: false, reason: 'expired', httpStatus: 403 });
		expect(verdict.message).toMatch(/expired/);
	});

	test('another invoice or a later expiry breaks the signature: 401', () => {
		const params = paramsOf(sign().url);
		expect(verify({ ...params, invoice: 'inv-2005' })).toMatchObject({
			ok: false,
			reason: 'bad_signature',
			httpStatus: 401,
		});
		expect(verify({ ...params, expires: String(NOW + 999_999) })).toMatchObject({
			reason: 'bad_signature',
			httpStatus: 401,
		});
	});

	test('every single changed character of the signature is refused', () => {
		const params = paramsOf(sign().url);
		const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
		for (let i = 0; i < params.sig.length; i++) {
			const swapped = alphabet[(alphabet.indexOf(params.sig[i]) + 1) % alphabet.length];
			const sig = params.sig.slice(0, i) + swapped + params.sig.slice(i + 1);
			expect(verify({ ...params, sig }).ok).toBe(false);
		}
	});

	test('signed with another secret: refused; with the previous secret while rotating: valid', () => {
		const old = paramsOf(
			signInvoiceLink({
				secret: OLD_SECRET,
				invoiceId: 'inv-2004',
				validForSeconds: 600,
				nowSeconds: NOW,
				pageUrl: PAGE,
			}).url,
		);
		expect(verify(old)).toMatchObject({ ok: false, reason: 'bad_signature' });
		expect(verify(old, { secrets: [SECRET, OLD_SECRET] }).ok).toBe(true);
	});

	test.each([
		[{}, 'missing'],
		[{ invoice: 'inv-2004', expires: String(NOW + 60) }, 'missing'],
		[{ invoice: 'inv-2004', sig: 'x'.repeat(43) }, 'missing'],
		[{ invoice: 'inv 2004', expires: String(NOW + 60), sig: 'x'.repeat(43) }, 'malformed'],
		[{ invoice: 'inv-2004', expires: '17e9', sig: 'x'.repeat(43) }, 'malformed'],
		[{ invoice: 'inv-2004', expires: String(NOW + 60), sig: 'short' }, 'malformed'],
		[{ invoice: 'inv-2004', expires: String(NOW + 60), sig: `${'x'.repeat(42)}=` }, 'malformed'],
		[{ invoice: ['a', 'b'], expires: String(NOW + 60), sig: 'x'.repeat(43) }, 'missing'],
	])('%p -> 401 %s, never an exception', (params, reason) => {
		expect(verify(params)).toMatchObject({ ok: false, reason, httpStatus: 401 });
	});

	test('verifying without any secret is a configuration error', () => {
		const params = paramsOf(sign().url);
		expect(() => verify(params, { secrets: [] })).toThrow(/at least 32 characters/);
		// checked before anything the visitor sent, so a bad setting never looks like a bad link
		expect(() => verify({}, { secrets: ['short'] })).toThrow(/at least 32 characters/);
		expect(() => verify(params, { secrets: [SECRET, 'short'] })).toThrow(/at least 32 characters/);
	});

	test('the signature function is deterministic and depends on every input', () => {
		const base = invoiceLinkSignature(SECRET, 'inv-1', 100);
		expect(invoiceLinkSignature(SECRET, 'inv-1', 100)).toBe(base);
		expect(
			new Set([
				base,
				invoiceLinkSignature(SECRET, 'inv-2', 100),
				invoiceLinkSignature(SECRET, 'inv-1', 101),
				invoiceLinkSignature(OLD_SECRET, 'inv-1', 100),
			]).size,
		).toBe(4);
	});
});

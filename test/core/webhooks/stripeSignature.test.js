// @ts-check
import { readFileSync } from 'node:fs';
import path from 'node:path';

import Stripe from 'stripe';

import { CoreInputError } from '../../../nodes/core/errors';
import { encodeInvoiceMetadata } from '../../../nodes/core/payments/invoiceMetadata';
import {
	STRIPE_DEFAULT_TOLERANCE_SECONDS,
	verifyStripeSignature,
} from '../../../nodes/core/webhooks/stripeSignature';
import { readFields } from '../../support/fields';
import { seededRandom, randomInt } from '../../support/random';

const fixtures = JSON.parse(
	readFileSync(path.resolve(__dirname, '../../../../shared/stripe/fixtures3.json'), 'utf8'),
).resources;

// The official helper signs exactly as Stripe does: the truth our verifier is measured against.
const webhooks = Stripe.webhooks;
const SECRET = 'whsec_test_current_0123456789abcdef';
const OLD_SECRET = 'whsec_test_previous_fedcba9876543210';
const T = 1_795_000_000;

function paymentEvent() {
	return {
		...fixtures.event,
		id: 'evt_sig_1',
		type: 'payment_intent.succeeded',
		created: T,
		data: {
			object: {
				...fixtures.payment_intent,
				status: 'succeeded',
				amount: 12500,
				metadata: encodeInvoiceMetadata([
					{ invoiceId: 'INV-1001', amountMinor: 12000, feeMinor: 500 },
				]),
			},
		},
	};
}

const payload = JSON.stringify(paymentEvent(), null, 2);
const sign = (body = payload, secret = SECRET, timestamp = T, scheme) =>
	webhooks.generateTestHeaderString({ payload: body, secret, timestamp, scheme });
const v1Of = (headerValue) =>
	headerValue
		.split(',')
		.find((part) => part.startsWith('v1='))
		.slice(3);
const verify = (overrides) =>
	readFields(verifyStripeSignature)({
		rawBody: payload,
		header: sign(),
		secrets: [SECRET],
		nowSeconds: T + 5,
		...overrides,
	});

describe('verifyStripeSignature with headers made by the stripe package', () => {
	test('the stripe package is the one the project pins, and signs with v1', () => {
		expect(Stripe.PACKAGE_VERSION).toBe('23.1.0');
		expect(sign()).toMatch(/^t=1795000000,v1=[0-9a-f]{64}$/);
		expect(webhooks.DEFAULT_TOLERANCE).toBe(STRIPE_DEFAULT_TOLERANCE_SECONDS);
	});

	test('a valid signature over the raw body is accepted, as a string or as bytes', () => {
		expect(verify()).toEqual({ ok: true, timestamp: T });
		expect(verify({ rawBody: Buffer.from(payload, 'utf8') })).toEqual({ ok: true, timestamp: T });
		expect(verify({ rawBody: new Uint8Array(Buffer.from(payload)) })).toEqual({
			ok: true,
			timestamp: T,
		});
	});

	test('a body with non-ASCII characters is verified over its UTF-8 bytes', () => {
		const body = JSON.stringify({ ...paymentEvent(), description: 'Zahlung für Rechnung № 7 — ✓' });
		expect(verify({ rawBody: Buffer.from(body), header: sign(body) }).ok).toBe(true);
	});

	test('changing one byte of the body is a mismatch', () => {
		const bytes = Buffer.from(payload);
		const index = bytes.indexOf('12500');
		bytes[index] = '9'.charCodeAt(0);
		expect(verify({ rawBody: bytes })).toEqual({ ok: false, reason: 'mismatch' });
		// Re-serialising the parsed body (other whitespace) also breaks it: the RAW body is signed.
		expect(verify({ rawBody: JSON.stringify(JSON.parse(payload)) })).toEqual({
			ok: false,
			reason: 'mismatch',
		});
	});

	test('a signature made with another secret is a mismatch', () => {
		expect(verify({ header: sign(payload, 'whsec_someone_else') })).toEqual({
			ok: false,
			reason: 'mismatch',
		});
	});

	test('a changed timestamp is a mismatch (the timestamp is signed)', () => {
		const header = sign().replace(`t=${T}`, `t=${T + 1}`);
		expect(verify({ header })).toEqual({ ok: false, reason: 'mismatch' });
	});

	test('two v1 signatures: accepted when only the second matches (Stripe rolling a secret)', () => {
		const header = `t=${T},v1=${v1Of(sign(payload, OLD_SECRET))},v1=${v1Of(sign())}`;
		expect(verify({ header })).toEqual({ ok: true, timestamp: T });
		const bothWrong = `t=${T},v1=${v1Of(sign(payload, OLD_SECRET))},v1=${'0'.repeat(64)}`;
		expect(verify({ header: bothWrong })).toEqual({ ok: false, reason: 'mismatch' });
	});

	test('two configured secrets (rolling): a signature with either is accepted', () => {
		const secrets = [OLD_SECRET, SECRET];
		expect(verify({ secrets, header: sign(payload, OLD_SECRET) }).ok).toBe(true);
		expect(verify({ secrets, header: sign(payload, SECRET) }).ok).toBe(true);
		expect(verify({ secrets, header: sign(payload, 'whsec_third') })).toEqual({
			ok: false,
			reason: 'mismatch',
		});
	});

	test('blank configured secrets are skipped and a pasted newline is trimmed', () => {
		expect(verify({ secrets: ['', `${SECRET}\n`] }).ok).toBe(true);
	});

	test.each([
		[299, true],
		[300, true],
		[301, false],
		[86_400, false],
	])('with the default tolerance, a signature %i s old is accepted: %s', (age, accepted) => {
		const result = verify({ nowSeconds: T + age });
		expect(result.ok).toBe(accepted);
		if (!accepted) expect(result.reason).toBe('stale');
	});

	test('a signature dated more than the tolerance ahead of our clock is refused as future', () => {
		expect(verify({ nowSeconds: T - 299 }).ok).toBe(true);
		expect(verify({ nowSeconds: T - 301 })).toEqual({ ok: false, reason: 'future' });
	});

	test('a custom tolerance is honoured', () => {
		expect(verify({ toleranceSeconds: 60, nowSeconds: T + 60 }).ok).toBe(true);
		expect(verify({ toleranceSeconds: 60, nowSeconds: T + 61 })).toEqual({
			ok: false,
			reason: 'stale',
		});
		expect(verify({ toleranceSeconds: 3600, nowSeconds: T + 3000 }).ok).toBe(true);
	});

	test('a stale request that is not signed by us reports the mismatch, not its age', () => {
		expect(verify({ header: sign(payload, 'whsec_other'), nowSeconds: T + 1000 }).reason).toBe(
			'mismatch',
		);
	});

	test.each([
		['undefined', undefined],
		['null', null],
		['empty', ''],
		['blank', '   '],
		['an empty list', []],
	])('a missing header (%s) is refused', (_, header) => {
		expect(verify({ header })).toEqual({ ok: false, reason: 'missing_header' });
	});

	test('a header given once in a list is read; given twice it is malformed', () => {
		expect(verify({ header: [sign()] }).ok).toBe(true);
		expect(verify({ header: [sign(), sign()] })).toEqual({ ok: false, reason: 'malformed_header' });
	});

	test.each([
		['garbage', 'garbage'],
		['no timestamp', `v1=${'a'.repeat(64)}`],
		['a non-numeric timestamp', `t=abc,v1=${'a'.repeat(64)}`],
		['a negative timestamp', `t=-5,v1=${'a'.repeat(64)}`],
		['two timestamps', `t=${T},t=${T},v1=${'a'.repeat(64)}`],
		['an element without "="', `t=${T},v1`],
	])('a malformed header (%s) is refused', (_, header) => {
		expect(verify({ header })).toEqual({ ok: false, reason: 'malformed_header' });
	});

	test('a header with only a v0 signature has no v1 and is refused, even if v0 is genuine', () => {
		const v0Only = sign(payload, SECRET, T, 'v0');
		expect(v0Only).toMatch(/^t=\d+,v0=[0-9a-f]{64}$/);
		expect(verify({ header: v0Only })).toEqual({ ok: false, reason: 'no_v1' });
		expect(verify({ header: `t=${T}` })).toEqual({ ok: false, reason: 'no_v1' });
	});

	test('v0 beside a genuine v1 is ignored', () => {
		const header = `${sign()},v0=${'f'.repeat(64)}`;
		expect(verify({ header }).ok).toBe(true);
	});

	test('v1 values that are not 64 hex digits never match and never throw', () => {
		for (const bad of [
			'',
			'zz',
			'a'.repeat(63),
			'a'.repeat(65),
			v1Of(sign()).toUpperCase() + '0',
		]) {
			expect(verify({ header: `t=${T},v1=${bad}` })).toEqual({ ok: false, reason: 'mismatch' });
		}
		// Hex case does not matter for the digest itself.
		expect(verify({ header: `t=${T},v1=${v1Of(sign()).toUpperCase()}` }).ok).toBe(true);
	});

	test('no result carries the secret or the expected signature', () => {
		const expected = v1Of(sign());
		const results = [
			verify(),
			verify({ header: sign(payload, 'whsec_x') }),
			verify({ rawBody: payload + ' ' }),
			verify({ nowSeconds: T + 10_000 }),
		];
		for (const result of results) {
			const text = JSON.stringify(result);
			expect(text).not.toContain(SECRET);
			expect(text).not.toContain(expected);
		}
	});

	test('a configuration without a usable secret or with a non-positive tolerance is refused', () => {
		for (const secrets of [[], [''], ['  '], undefined]) {
			expect(() => verify({ secrets })).toThrow(CoreInputError);
			expect(() => verify({ secrets })).toThrow(expect.objectContaining({ field: 'secrets' }));
		}
		// a replay window wider than an hour is refused as a setting
		for (const toleranceSeconds of [0, -1, Number.NaN, Infinity, 3601]) {
			expect(() => verify({ toleranceSeconds })).toThrow(
				expect.objectContaining({ field: 'toleranceSeconds' }),
			);
		}
		expect(() => verify({ nowSeconds: undefined })).toThrow(
			expect.objectContaining({ field: 'nowSeconds' }),
		);
	});

	test("agrees with the stripe package's own verifier on 300 random cases", () => {
		const random = seededRandom(20261123);
		const secrets = [SECRET, OLD_SECRET, 'whsec_stranger'];
		let accepted = 0;
		for (let i = 0; i < 300; i++) {
			const body = JSON.stringify({
				...paymentEvent(),
				id: `evt_${i}`,
				n: randomInt(random, 0, 1e6),
			});
			const signedAt = T + randomInt(random, -50, 50);
			const signer = secrets[randomInt(random, 0, 2)];
			let header = sign(body, signer, signedAt);
			if (random() < 0.2) header = `t=${signedAt},v1=${'1'.repeat(64)},${header.split(',')[1]}`;
			const sent = random() < 0.2 ? `${body} ` : body;
			// Only past ages: Stripe's verifier has no "future" rule, ours does.
			const now = signedAt + randomInt(random, 0, 600);
			const ours = verifyStripeSignature({
				rawBody: Buffer.from(sent),
				header,
				secrets: [SECRET],
				nowSeconds: now,
			}).ok;
			let theirs = true;
			try {
				/** @type {NonNullable<typeof webhooks.signature>} */ (webhooks.signature).verifyHeader(
					sent,
					header,
					SECRET,
					300,
					undefined,
					now * 1000,
				);
			} catch {
				theirs = false;
			}
			expect(ours).toBe(theirs);
			if (ours) accepted++;
		}
		// The case mix exercises both verdicts.
		expect(accepted).toBeGreaterThan(30);
		expect(accepted).toBeLessThan(270);
	});
});

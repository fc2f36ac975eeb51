// @ts-check
import { createHmac, randomUUID } from 'node:crypto';

import { CoreInputError } from '../../../nodes/core/errors';
import {
	signGateway360Payload,
	verifyGateway360Signature,
} from '../../../nodes/core/webhooks/gateway360Signature';

const KEY = 'gw360-signing-key-7f3a9c';
const NEXT_KEY = 'gw360-signing-key-next-19be';

const body = JSON.stringify({
	event_id: 'b6e5e3a0-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
	event_type: 'transaction.sale.success',
	event_body: {
		transaction_id: '10000000001',
		order_id: 'INV-1001',
		currency: 'USD',
		surcharge: '3.75',
		action: { action_type: 'sale', amount: '128.75', date: '20261123150405', response_code: '100' },
	},
});

// The scheme written out independently of the module, so signer and verifier cannot share a bug.
const reference = (raw, key, nonce) =>
	`t=${nonce},s=${createHmac('sha256', key).update(`${nonce}.${raw}`).digest('hex')}`;
const sOf = (header) => header.split(',s=')[1];
const verify = (overrides) =>
	verifyGateway360Signature({
		rawBody: body,
		header: reference(body, KEY, 'nonce-1'),
		signingKey: KEY,
		...overrides,
	});

describe('verifyGateway360Signature', () => {
	test('a valid signature is accepted and tells the nonce, for a string or bytes body', () => {
		expect(verify()).toEqual({ ok: true, nonce: 'nonce-1' });
		expect(verify({ rawBody: Buffer.from(body) })).toEqual({ ok: true, nonce: 'nonce-1' });
	});

	test('signGateway360Payload produces the documented scheme (HMAC-SHA256 of nonce.body)', () => {
		const nonce = randomUUID();
		expect(signGateway360Payload(body, KEY, nonce)).toBe(reference(body, KEY, nonce));
		expect(signGateway360Payload(Buffer.from(body), KEY, nonce)).toBe(reference(body, KEY, nonce));
		expect(verify({ header: signGateway360Payload(body, KEY, nonce) })).toEqual({
			ok: true,
			nonce,
		});
	});

	test('one byte changed in the body is a mismatch', () => {
		const bytes = Buffer.from(body);
		bytes[bytes.indexOf('128.75')] = '9'.charCodeAt(0);
		expect(verify({ rawBody: bytes })).toEqual({ ok: false, reason: 'mismatch' });
	});

	test('another key, or another nonce than the one signed, is a mismatch', () => {
		expect(verify({ header: reference(body, 'wrong-key', 'nonce-1') })).toEqual({
			ok: false,
			reason: 'mismatch',
		});
		const header = reference(body, KEY, 'nonce-1').replace('t=nonce-1', 't=nonce-2');
		expect(verify({ header })).toEqual({ ok: false, reason: 'mismatch' });
	});

	test('several configured keys (a key being replaced): either one is accepted', () => {
		const signingKey = [KEY, NEXT_KEY];
		expect(verify({ signingKey, header: reference(body, NEXT_KEY, 'n') }).ok).toBe(true);
		expect(verify({ signingKey, header: reference(body, KEY, 'n') }).ok).toBe(true);
		expect(verify({ signingKey, header: reference(body, 'third', 'n') }).ok).toBe(false);
	});

	test('several s values: accepted when any matches', () => {
		const good = sOf(reference(body, KEY, 'n'));
		expect(verify({ header: `t=n,s=${'0'.repeat(64)},s=${good}` }).ok).toBe(true);
	});

	test('a nonce containing "=" is read whole (only the first "=" separates)', () => {
		const nonce = 'YWJjZA==';
		expect(verify({ header: reference(body, KEY, nonce) })).toEqual({ ok: true, nonce });
	});

	test.each([undefined, null, '', [], '  '])('a missing header (%p) is refused', (header) => {
		expect(verify({ header })).toEqual({ ok: false, reason: 'missing_header' });
	});

	test.each([
		['garbage', 'garbage'],
		['no nonce', `s=${'a'.repeat(64)}`],
		['an empty nonce', `t=,s=${'a'.repeat(64)}`],
		['two nonces', `t=a,t=b,s=${'a'.repeat(64)}`],
		['a nonce with whitespace', `t=a b,s=${'a'.repeat(64)}`],
		['the header twice', ['t=a,s=b', 't=a,s=b']],
	])('a malformed header (%s) is refused', (_, header) => {
		expect(verify({ header })).toEqual({ ok: false, reason: 'malformed_header' });
	});

	test('a header without s is refused as no_signature; a non-hex s never matches', () => {
		expect(verify({ header: 't=nonce-1' })).toEqual({ ok: false, reason: 'no_signature' });
		expect(verify({ header: 't=nonce-1,s=xyz' })).toEqual({ ok: false, reason: 'mismatch' });
		// A Stripe-style header is not this scheme.
		expect(verify({ header: `t=1795000000,v1=${'a'.repeat(64)}` })).toEqual({
			ok: false,
			reason: 'no_signature',
		});
	});

	test('results never carry the key or the expected signature', () => {
		const expected = sOf(reference(body, KEY, 'nonce-1'));
		for (const result of [verify(), verify({ header: reference(body, 'x', 'nonce-1') })]) {
			expect(JSON.stringify(result)).not.toContain(KEY);
			expect(JSON.stringify(result)).not.toContain(expected);
		}
	});

	test('no usable key is a configuration error; a bad nonce cannot be signed', () => {
		for (const signingKey of ['', '  ', [], undefined]) {
			expect(() => verify({ signingKey })).toThrow(
				expect.objectContaining({ field: 'signingKey' }),
			);
		}
		expect(() => signGateway360Payload(body, KEY, 'has,comma')).toThrow(CoreInputError);
		expect(() => signGateway360Payload(body, KEY, '')).toThrow(CoreInputError);
		expect(() => signGateway360Payload(body, '', 'n')).toThrow(CoreInputError);
	});
});

// @ts-check
import { CoreInputError } from '../../../nodes/core/errors';
import {
	isSealedEndpointSecret,
	openEndpointSecret,
	sealEndpointSecret,
} from '../../../nodes/core/webhooks/endpointSecretSeal';

const SECRET = 'whsec_0123456789abcdefghijklmnopqrstuv';
const KEY = 'sk_live_51ABCdefGHIjklMNOpqrSTUvwx';
const ENDPOINT = 'we_1SealTest';

const seal = (overrides = {}) =>
	sealEndpointSecret({ secret: SECRET, stripeSecretKey: KEY, endpointId: ENDPOINT, ...overrides });
const open = (sealed, overrides = {}) =>
	openEndpointSecret({ sealed, stripeSecretKey: KEY, endpointId: ENDPOINT, ...overrides });

describe('sealing the endpoint signing secret', () => {
	test('sealed with the Stripe key, it opens to the secret; the sealed form shows nothing of it', () => {
		const sealed = seal();
		expect(sealed).toMatch(/^sealed:v1:[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
		expect(isSealedEndpointSecret(sealed)).toBe(true);
		expect(sealed).not.toContain('whsec_');
		expect(sealed).not.toContain(SECRET.slice(6, 16));
		expect(Buffer.from(sealed.split('.')[1], 'base64url').toString('latin1')).not.toContain(
			'whsec',
		);
		expect(open(sealed)).toBe(SECRET);
	});

	test('every seal is different (a fresh IV), each opens', () => {
		const seals = new Set(Array.from({ length: 20 }, () => seal()));
		expect(seals.size).toBe(20);
		for (const sealed of seals) expect(open(sealed)).toBe(SECRET);
	});

	test('a restricted key seals alike; surrounding whitespace in the key does not matter', () => {
		const restricted = 'rk_test_51Restricted';
		expect(
			open(seal({ stripeSecretKey: restricted }), { stripeSecretKey: ` ${restricted}\n` }),
		).toBe(SECRET);
	});

	test.each([
		[
			'another Stripe key (rolled, or another account)',
			{ stripeSecretKey: 'sk_live_51ABCdefGHIjklMNOpqrSTUvwy' },
		],
		['the test key of the same account', { stripeSecretKey: 'sk_test_51ABCdefGHIjklMNOpqrSTUvwx' }],
		['another endpoint (the sealed value copied elsewhere)', { endpointId: 'we_1Other' }],
	])('%s: does not open (null)', (_, overrides) => {
		expect(open(seal(), overrides)).toBeNull();
	});

	test('an altered sealed value does not open', () => {
		const sealed = seal();
		const [iv, data, tag] = sealed.slice('sealed:v1:'.length).split('.');
		const flip = (part) => {
			const bytes = Buffer.from(part, 'base64url');
			bytes[0] ^= 1;
			return bytes.toString('base64url');
		};
		for (const altered of [
			`sealed:v1:${flip(iv)}.${data}.${tag}`,
			`sealed:v1:${iv}.${flip(data)}.${tag}`,
			`sealed:v1:${iv}.${data}.${flip(tag)}`,
			`sealed:v1:${iv}.${data}.${tag.slice(0, -2)}`,
			`sealed:v1:${iv}.${data}`,
			`sealed:v1:${iv}.${data}.${tag}.x`,
			`sealed:v1:${iv}.${data}.${tag}!`,
			'sealed:v1:',
			SECRET,
			'',
		]) {
			expect(open(altered)).toBeNull();
		}
	});

	test('a clear secret is not taken for a sealed one', () => {
		expect(isSealedEndpointSecret(SECRET)).toBe(false);
		expect(isSealedEndpointSecret(undefined)).toBe(false);
		expect(isSealedEndpointSecret({})).toBe(false);
	});

	test.each([
		['secret', () => seal({ secret: '' })],
		['stripeSecretKey', () => seal({ stripeSecretKey: '  ' })],
		['endpointId', () => seal({ endpointId: '' })],
		['stripeSecretKey', () => open(seal(), { stripeSecretKey: undefined })],
		['endpointId', () => open(seal(), { endpointId: null })],
	])('without %s: a CoreInputError naming it, and no secret in the message', (field, run) => {
		let error;
		try {
			run();
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(CoreInputError);
		expect(error.field).toBe(field);
		expect(error.message).not.toMatch(/whsec_|sk_live_/);
	});
});

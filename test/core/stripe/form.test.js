// @ts-check
import { encodeForm } from '../../../nodes/core/stripe/form';
import { CoreInputError } from '../../../nodes/core/errors';
// stripe-node's own encoder, read straight from the installed devDependency (not exported).
import { queryStringifyRequestData } from '../../../node_modules/stripe/cjs/utils.js';

/** Decodes a form body the way a server does, into [key, value] pairs in order. */
function decode(body) {
	return [...new URLSearchParams(body)];
}

function inputError(fn) {
	try {
		fn();
	} catch (error) {
		return error;
	}
	throw new Error('expected encodeForm to throw');
}

describe('encodeForm', () => {
	test('scalars: strings, integers, booleans, in insertion order', () => {
		expect(
			encodeForm({ amount: 1999, currency: 'usd', confirm: true, off_session: false, zero: 0 }),
		).toBe('amount=1999&currency=usd&confirm=true&off_session=false&zero=0');
	});

	test('negative integers and the largest safe integer are written as plain digits', () => {
		expect(encodeForm({ a: -5, b: Number.MAX_SAFE_INTEGER })).toBe('a=-5&b=9007199254740991');
	});

	test("'' and null are sent as empty values (Stripe's unset), undefined is left out", () => {
		expect(encodeForm({ description: '', default_payment_method: null, email: undefined })).toBe(
			'description=&default_payment_method=',
		);
		expect(encodeForm({ metadata: { old_key: '', kept: 'x', skipped: undefined } })).toBe(
			'metadata[old_key]=&metadata[kept]=x',
		);
	});

	test('expand[] and other scalar lists use empty brackets', () => {
		expect(encodeForm({ expand: ['data.customer', 'data.payment_method'] })).toBe(
			'expand[]=data.customer&expand[]=data.payment_method',
		);
		expect(
			encodeForm({ enabled_events: ['payment_intent.succeeded', 'payment_intent.payment_failed'] }),
		).toBe(
			'enabled_events[]=payment_intent.succeeded&enabled_events[]=payment_intent.payment_failed',
		);
	});

	test('arrays of objects are indexed and nest to any depth', () => {
		const body = encodeForm({
			mode: 'payment',
			line_items: [
				{
					price_data: {
						currency: 'usd',
						unit_amount: 1000,
						product_data: { name: 'Invoice INV-1', metadata: { invoice_id: '1' } },
					},
					quantity: 1,
				},
				{ price_data: { currency: 'usd', unit_amount: 29 }, quantity: 2, tax_rates: ['txr_1'] },
			],
		});
		expect(body).toBe(
			[
				'mode=payment',
				'line_items[0][price_data][currency]=usd',
				'line_items[0][price_data][unit_amount]=1000',
				'line_items[0][price_data][product_data][name]=Invoice%20INV-1',
				'line_items[0][price_data][product_data][metadata][invoice_id]=1',
				'line_items[0][quantity]=1',
				'line_items[1][price_data][currency]=usd',
				'line_items[1][price_data][unit_amount]=29',
				'line_items[1][quantity]=2',
				'line_items[1][tax_rates][]=txr_1',
			].join('&'),
		);
	});

	test('a list mixing objects and scalars is indexed throughout', () => {
		expect(encodeForm({ l: ['a', { b: 1 }] })).toBe('l[0]=a&l[1][b]=1');
	});

	test('undefined list elements are dropped and the rest renumbered without gaps', () => {
		expect(encodeForm({ items: [undefined, { price: 'p1' }, undefined, { price: 'p2' }] })).toBe(
			'items[0][price]=p1&items[1][price]=p2',
		);
		expect(encodeForm({ expand: [undefined, 'customer'] })).toBe('expand[]=customer');
	});

	test('empty lists and objects send nothing', () => {
		expect(encodeForm({ expand: [], metadata: {}, a: 'b' })).toBe('a=b');
		expect(encodeForm({})).toBe('');
	});

	test('metadata keys and values with reserved characters survive a server-side decode', () => {
		const metadata = {
			'invoice id': 'INV/2024#7',
			'a&b=c': 'x+y=z & more',
			percent: '100%',
			quote: "it's (really) *fine*!",
			tilde: '~-._',
		};
		const body = encodeForm({ metadata });
		expect(body).not.toMatch(/[ #+'()*!]/);
		expect(body).toContain('metadata[invoice%20id]=INV%2F2024%237');
		expect(body).toContain('metadata[quote]=it%27s%20%28really%29%20%2Afine%2A%21');
		expect(decode(body)).toEqual(
			Object.entries(metadata).map(([key, value]) => [`metadata[${key}]`, value]),
		);
	});

	test('unicode is UTF-8 percent-encoded (accents, CJK, emoji as a surrogate pair)', () => {
		const body = encodeForm({ name: 'Zoë Müller', city: '東京', note: 'paid 💳' });
		expect(body).toBe(
			'name=Zo%C3%AB%20M%C3%BCller&city=%E6%9D%B1%E4%BA%AC&note=paid%20%F0%9F%92%B3',
		);
		expect(decode(body)).toEqual([
			['name', 'Zoë Müller'],
			['city', '東京'],
			['note', 'paid 💳'],
		]);
	});

	test('values may contain brackets; they are encoded, only structural brackets stay literal', () => {
		expect(encodeForm({ metadata: { note: '[draft]' } })).toBe('metadata[note]=%5Bdraft%5D');
	});

	test('matches stripe-node byte for byte on nested objects, indexed lists, null and reserved characters', () => {
		const params = {
			amount: 2000,
			currency: 'eur',
			confirm: true,
			description: "Zoë's invoice (2/3) *urgent*!",
			metadata: { 'order id': 'A&B=C', empty: '', unset: null },
			payment_method_options: { card: { request_three_d_secure: 'automatic' } },
			line_items: [{ price: 'price_1', quantity: 3 }, { price: 'price_2' }],
		};
		expect(encodeForm(params)).toBe(queryStringifyRequestData(params));
	});

	test('scalar lists differ from stripe-node only in [] versus [i], which Stripe reads alike', () => {
		const params = { expand: ['customer', 'latest_charge'] };
		const ours = decode(encodeForm(params)).map(([key, value]) => [key.replace('[]', ''), value]);
		const theirs = decode(queryStringifyRequestData(params)).map(([key, value]) => [
			key.replace(/\[\d+\]/, ''),
			value,
		]);
		expect(ours).toEqual(theirs);
	});

	test.each([
		['a fraction', { amount: 10.5 }, 'amount'],
		['NaN', { amount: NaN }, 'amount'],
		['Infinity', { amount: Infinity }, 'amount'],
		['an unsafe integer', { amount: 2 ** 53 }, 'amount'],
		['a nested fraction', { line_items: [{ quantity: 1.5 }] }, 'line_items[0][quantity]'],
	])('rejects %s, naming the field', (_label, params, field) => {
		const error = inputError(() => encodeForm(params));
		expect(error).toBeInstanceOf(CoreInputError);
		expect(error.field).toBe(field);
		expect(error.message).toMatch(/whole number/);
	});

	test.each([
		['a bracket in a metadata key', { metadata: { 'a[b]': 'x' } }, 'metadata[a[b]]'],
		['a closing bracket in a top-level key', { 'x]': 1 }, 'x]'],
		['an empty key', { metadata: { '': 'x' } }, 'metadata[]'],
	])('rejects %s', (_label, params, field) => {
		const error = inputError(() => encodeForm(params));
		expect(error).toBeInstanceOf(CoreInputError);
		expect(error.field).toBe(field);
	});

	test.each([
		['a Date', { created: new Date(0) }, 'created'],
		['a bigint', { amount: 10n }, 'amount'],
		['a function', { metadata: { f: () => 1 } }, 'metadata[f]'],
		['a symbol', { s: Symbol('x') }, 's'],
	])('rejects %s instead of dropping or mangling it', (_label, params, field) => {
		const error = inputError(() => encodeForm(params));
		expect(error).toBeInstanceOf(CoreInputError);
		expect(error.field).toBe(field);
	});

	test('rejects a lone surrogate, which has no UTF-8 form', () => {
		const error = inputError(() => encodeForm({ metadata: { note: 'bad \uD83D end' } }));
		expect(error).toBeInstanceOf(CoreInputError);
		expect(error.field).toBe('metadata[note]');
		expect(inputError(() => encodeForm({ note: '\uDCA9' })).field).toBe('note');
	});

	test('rejects a top level that is not a plain object', () => {
		expect(inputError(() => encodeForm(['a']))).toBeInstanceOf(CoreInputError);
		expect(inputError(() => encodeForm(new Map()))).toBeInstanceOf(CoreInputError);
	});

	test('accepts objects without a prototype', () => {
		const metadata = Object.create(null);
		metadata.k = 'v';
		expect(encodeForm({ metadata })).toBe('metadata[k]=v');
	});
});

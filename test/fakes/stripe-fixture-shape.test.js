// @ts-check
import fs from 'node:fs';
import path from 'node:path';
import { startStripeServer } from './stripe-server';
import { apiClient } from './stripe/test-client';

// Stripe's own sample objects (from Stripe's OpenAPI repository), read at test time.
const FIXTURES = JSON.parse(
	fs.readFileSync(path.resolve(__dirname, '../../../shared/stripe/fixtures3.json'), 'utf8'),
).resources;

function kind(value) {
	if (Array.isArray(value)) return 'array';
	return typeof value;
}

/** Keys of Stripe's sample the fake leaves out, and keys whose non-null values differ in kind. */
function shapeGaps(sample, actual) {
	const missing = Object.keys(sample).filter((key) => !(key in actual));
	const mismatched = Object.keys(sample)
		.filter((key) => key in actual && sample[key] !== null && actual[key] !== null)
		.filter((key) => kind(sample[key]) !== kind(actual[key]))
		.map((key) => `${key}: ${kind(sample[key])} vs ${kind(actual[key])}`);
	return { missing, mismatched };
}

describe('fake Stripe objects have the shape of Stripe sample objects', () => {
	let fake;
	let api;
	const objects = {};

	beforeAll(async () => {
		fake = await startStripeServer();
		api = apiClient(fake.url);
		const ok = async (promise) => {
			const res = await promise;
			if (res.status !== 200) throw new Error(`fake answered ${res.status}: ${res.text}`);
			return res.body;
		};

		const customer = await ok(
			api.post('/v1/customers', { name: 'Shape Co', email: 'shape@example.com' }),
		);
		objects.customer = await ok(api.get(`/v1/customers/${customer.id}`));
		const pm = await ok(
			api.post('/v1/payment_methods/pm_card_visa/attach', { customer: customer.id }),
		);
		objects.payment_method = await ok(api.get(`/v1/payment_methods/${pm.id}`));
		const pi = await ok(
			api.post('/v1/payment_intents', {
				amount: 1099,
				currency: 'usd',
				customer: customer.id,
				payment_method: pm.id,
				confirm: 'true',
				off_session: 'true',
			}),
		);
		objects.payment_intent = await ok(api.get(`/v1/payment_intents/${pi.id}`));
		objects.charge = await ok(api.get(`/v1/charges/${pi.latest_charge}`));
		const refund = await ok(api.post('/v1/refunds', { payment_intent: pi.id, amount: 100 }));
		objects.refund = await ok(api.get(`/v1/refunds/${refund.id}`));
		const session = await ok(
			api.post('/v1/checkout/sessions', {
				mode: 'payment',
				customer: customer.id,
				success_url: 'https://example.com/success',
				cancel_url: 'https://example.com/cancel',
				line_items: [
					{
						quantity: 1,
						price_data: { currency: 'usd', unit_amount: 1099, product_data: { name: 'Invoice' } },
					},
				],
			}),
		);
		objects['checkout.session'] = await ok(api.get(`/v1/checkout/sessions/${session.id}`));
		// Stripe has no GET for portal sessions: the create answer is the object.
		objects['billing_portal.session'] = await ok(
			api.post('/v1/billing_portal/sessions', {
				customer: customer.id,
				return_url: 'https://example.com/account',
			}),
		);
		const endpoint = await ok(
			api.post('/v1/webhook_endpoints', {
				url: 'https://example.com/hook',
				enabled_events: ['charge.succeeded'],
			}),
		);
		objects.webhook_endpoint = await ok(api.get(`/v1/webhook_endpoints/${endpoint.id}`));
		const events = await ok(api.get('/v1/events', { limit: 1 }));
		objects.event = await ok(api.get(`/v1/events/${events.data[0].id}`));
		const setupIntent = await ok(api.post('/v1/setup_intents', { customer: customer.id }));
		objects.setup_intent = await ok(api.get(`/v1/setup_intents/${setupIntent.id}`));
		objects.balance = await ok(api.get('/v1/balance'));
		const doomed = await ok(api.post('/v1/customers', { name: 'Doomed' }));
		await ok(api.del(`/v1/customers/${doomed.id}`));
		objects.deleted_customer = await ok(api.get(`/v1/customers/${doomed.id}`));
	});
	afterAll(() => fake.close());

	it.each([
		'customer',
		'payment_intent',
		'payment_method',
		'charge',
		'refund',
		'checkout.session',
		'billing_portal.session',
		'webhook_endpoint',
		'event',
		'setup_intent',
		'balance',
		'deleted_customer',
	])('%s carries every top-level key of Stripe sample, with values of the same kind', (type) => {
		const sample = FIXTURES[type];
		const actual = objects[type];
		expect(sample).toBeDefined();
		expect(actual.object).toBe(sample.object);
		expect(actual.livemode ?? false).toBe(false);
		expect(shapeGaps(sample, actual)).toEqual({ missing: [], mismatched: [] });
	});

	it('uses Stripe id prefixes', () => {
		const prefixes = {
			customer: 'cus_',
			payment_intent: 'pi_',
			payment_method: 'pm_',
			charge: 'ch_',
			refund: 're_',
			'checkout.session': 'cs_test_',
			'billing_portal.session': 'bps_',
			webhook_endpoint: 'we_',
			event: 'evt_',
			setup_intent: 'seti_',
		};
		for (const [type, prefix] of Object.entries(prefixes))
			expect(objects[type].id.startsWith(prefix)).toBe(true);
	});
});

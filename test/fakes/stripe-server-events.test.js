// @ts-check
// The fake's events list as Stripe documents it (https://docs.stripe.com/api/events/list,
// https://docs.stripe.com/webhooks/process-undelivered-events), the 30 days it keeps events, and
// disputes (https://docs.stripe.com/api/disputes/object).
import http from 'node:http';
import { startStripeServer } from './stripe-server';
import { apiClient, testHook } from './stripe/test-client';

const KEY = 'sk_test_fake';
const DAY = 24 * 60 * 60;

/** A receiver that answers `status` to every delivery. */
async function startReceiver(status) {
	const server = http.createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			res.writeHead(status);
			res.end();
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	return {
		url: `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}/hook`,
		close: () => new Promise((resolve) => server.close(resolve)),
	};
}

let fake;
let api;
beforeEach(async () => {
	fake = await startStripeServer({ secretKeys: [KEY], webhookAttempts: 1 });
	api = apiClient(fake.url, KEY);
});
afterEach(async () => {
	await fake.close();
});

const pay = (paymentMethod = 'pm_card_visa', metadata = {}) =>
	api.post('/v1/payment_intents', {
		amount: 2500,
		currency: 'usd',
		payment_method: paymentMethod,
		confirm: 'true',
		metadata,
	});

const ids = (res) => res.body.data.map((e) => e.id);

test('every event made is listed newest first, filtered by type, a * group, types[] and created', async () => {
	await pay();
	await pay('pm_card_chargeDeclined');
	const all = await api.get('/v1/events', { limit: 100 });
	expect(all.status).toBe(200);
	const types = all.body.data.map((e) => e.type);
	expect(types).toContain('payment_intent.succeeded');
	expect(types).toContain('payment_intent.payment_failed');
	const created = all.body.data.map((e) => e.created);
	expect([...created].sort((a, b) => b - a)).toEqual(created);

	const one = await api.get('/v1/events', { type: 'payment_intent.succeeded' });
	expect(one.body.data.map((e) => e.type)).toEqual(['payment_intent.succeeded']);
	const group = await api.get('/v1/events', { type: 'payment_intent.*' });
	expect(group.body.data.every((e) => e.type.startsWith('payment_intent.'))).toBe(true);
	const some = await api.get('/v1/events', {
		types: ['payment_intent.succeeded', 'payment_intent.payment_failed'],
	});
	expect(some.body.data.map((e) => e.type).sort()).toEqual([
		'payment_intent.payment_failed',
		'payment_intent.succeeded',
	]);
	// type and types together, or more than 20 types: refused as Stripe refuses them
	expect(
		(await api.get('/v1/events', { type: 'charge.refunded', types: ['refund.created'] })).status,
	).toBe(400);
	const tooMany = Array.from({ length: 21 }, () => 'charge.refunded');
	expect((await api.get('/v1/events', { types: tooMany })).status).toBe(400);

	const newest = all.body.data[0].created;
	const after = await api.get('/v1/events', { created: { gt: newest } });
	expect(after.body.data).toEqual([]);
	const upTo = await api.get('/v1/events', { created: { lte: newest }, limit: 100 });
	expect(upTo.body.data.length).toBe(all.body.data.length);
});

test('limit is at most 100; starting_after pages back in time, ending_before forward', async () => {
	for (let i = 0; i < 5; i++) fake.emit('charge.refunded', { id: `ch_${i}`, object: 'charge' });
	expect((await api.get('/v1/events', { limit: 101 })).status).toBe(400);
	const all = ids(await api.get('/v1/events', { type: 'charge.refunded', limit: 100 }));
	expect(all).toHaveLength(5);
	const first = await api.get('/v1/events', { type: 'charge.refunded', limit: 2 });
	expect(ids(first)).toEqual(all.slice(0, 2));
	expect(first.body.has_more).toBe(true);
	const next = await api.get('/v1/events', {
		type: 'charge.refunded',
		limit: 2,
		starting_after: all[1],
	});
	expect(ids(next)).toEqual(all.slice(2, 4));
	// the documented way to read forward in time: ending_before the last event processed
	const newer = await api.get('/v1/events', {
		type: 'charge.refunded',
		limit: 2,
		ending_before: all[4],
	});
	expect(ids(newer)).toEqual(all.slice(2, 4));
	expect(newer.body.has_more).toBe(true);
});

test('delivery_success tells events every endpoint received from those one failed to receive', async () => {
	const good = await startReceiver(200);
	const bad = await startReceiver(500);
	try {
		const endpoint = await api.post('/v1/webhook_endpoints', {
			url: good.url,
			enabled_events: ['payment_intent.succeeded'],
		});
		await pay();
		await fake.webhooks.idle();
		await api.post(`/v1/webhook_endpoints/${endpoint.body.id}`, { url: bad.url });
		await pay();
		await fake.webhooks.idle();
		const delivered = await api.get('/v1/events', {
			type: 'payment_intent.succeeded',
			delivery_success: 'true',
		});
		const undelivered = await api.get('/v1/events', {
			type: 'payment_intent.succeeded',
			delivery_success: 'false',
		});
		expect(delivered.body.data).toHaveLength(1);
		expect(undelivered.body.data).toHaveLength(1);
		expect(undelivered.body.data[0].pending_webhooks).toBe(1);
		expect(delivered.body.data[0].id).not.toBe(undelivered.body.data[0].id);
		expect((await api.get('/v1/events', { delivery_success: 'maybe' })).status).toBe(400);
	} finally {
		await good.close();
		await bad.close();
	}
});

test('events older than 30 days are no longer listed nor retrieved, and are dropped on demand', async () => {
	await pay();
	await pay();
	const [newest, older] = ids(await api.get('/v1/events', { type: 'payment_intent.succeeded' }));
	expect(fake.ageEvents(29 * DAY, [older])).toBe(1);
	expect(ids(await api.get('/v1/events', { type: 'payment_intent.succeeded' }))).toEqual([
		newest,
		older,
	]);
	// over the HTTP control route, as an e2e test in another process would
	expect(await testHook(fake.url, '/_test/events/age', { seconds: 2 * DAY, ids: [older] })).toEqual(
		{ status: 200, body: { aged: 1 } },
	);
	expect(ids(await api.get('/v1/events', { type: 'payment_intent.succeeded' }))).toEqual([newest]);
	const gone = await api.get(`/v1/events/${older}`);
	expect([gone.status, gone.body.error.code]).toEqual([404, 'resource_missing']);
	expect((await api.get(`/v1/events/${newest}`)).status).toBe(200);
	// a cursor Stripe no longer keeps cannot be paged from
	expect((await api.get('/v1/events', { ending_before: older })).status).toBe(400);
	expect(await testHook(fake.url, '/_test/events/forget_old', {})).toEqual({
		status: 200,
		body: { dropped: 1 },
	});
	expect(fake.forgetOldEvents()).toBe(0);
});

test('a dispute of a succeeded payment: charge.dispute.created, then charge.dispute.closed won or lost', async () => {
	const intent = (await pay('pm_card_visa', { invoice_ids: 'inv-1' })).body;
	const created = await testHook(fake.url, '/_test/disputes', { paymentIntent: intent.id });
	expect(created.status).toBe(200);
	expect(created.body).toMatchObject({
		object: 'dispute',
		amount: 2500,
		currency: 'usd',
		payment_intent: intent.id,
		charge: intent.latest_charge,
		status: 'needs_response',
		reason: 'fraudulent',
	});
	expect(created.body.id).toMatch(/^dp_/);
	fake.closeDispute(created.body.id, 'lost');
	const events = (await api.get('/v1/events', { type: 'charge.dispute.*' })).body.data;
	expect(events.map((e) => [e.type, e.data.object.status])).toEqual([
		['charge.dispute.closed', 'lost'],
		['charge.dispute.created', 'needs_response'],
	]);
	expect((await api.get(`/v1/charges/${intent.latest_charge}`)).body.disputed).toBe(true);
	expect(() => fake.closeDispute(created.body.id, 'maybe')).toThrow('won or lost');
	const failed = (await pay('pm_card_chargeDeclined')).body.error.payment_intent;
	expect((await testHook(fake.url, '/_test/disputes', { paymentIntent: failed.id })).status).toBe(
		400,
	);
});

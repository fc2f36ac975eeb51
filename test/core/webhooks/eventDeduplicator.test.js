// @ts-check
import { readFileSync } from 'node:fs';
import path from 'node:path';

import Stripe from 'stripe';

import { encodeInvoiceMetadata } from '../../../nodes/core/payments/invoiceMetadata';
import {
	DEFAULT_DEDUP_MAX_ENTRIES,
	DEFAULT_DEDUP_TTL_MS,
	createEventDeduplicator,
} from '../../../nodes/core/webhooks/eventDeduplicator';
import {
	handleGateway360Delivery,
	handleStripeDelivery,
} from '../../../nodes/core/webhooks/delivery';
import { signGateway360Payload } from '../../../nodes/core/webhooks/gateway360Signature';
import { STRIPE_WEBHOOK_EVENTS } from '../../../nodes/core/webhooks/stripeEvent';

const fixtures = JSON.parse(
	readFileSync(path.resolve(__dirname, '../../../../shared/stripe/fixtures3.json'), 'utf8'),
).resources;

const HOUR = 60 * 60 * 1000;

function clock(start = 1_795_000_000_000) {
	let time = start;
	return { now: () => time, advance: (ms) => (time += ms) };
}

describe('createEventDeduplicator', () => {
	test('the first sight of an id is new, every later one is a replay', () => {
		const dedup = createEventDeduplicator({ now: clock().now });
		expect(dedup.seen('evt_1')).toBe(false);
		expect(dedup.seen('evt_1')).toBe(true);
		expect(dedup.seen('evt_1')).toBe(true);
		expect(dedup.seen('evt_2')).toBe(false);
		expect(dedup.size()).toBe(2);
	});

	test('defaults: 10,000 ids for 72 hours', () => {
		expect(DEFAULT_DEDUP_MAX_ENTRIES).toBe(10_000);
		expect(DEFAULT_DEDUP_TTL_MS).toBe(72 * HOUR);
		const time = clock();
		const dedup = createEventDeduplicator({ now: time.now });
		dedup.seen('evt_1');
		time.advance(72 * HOUR - 1);
		expect(dedup.seen('evt_1')).toBe(true);
	});

	test('an id is forgotten once its time to live, counted from the first delivery, has passed', () => {
		const time = clock();
		const dedup = createEventDeduplicator({ ttlMs: 10 * HOUR, now: time.now });
		dedup.seen('evt_1');
		time.advance(6 * HOUR);
		expect(dedup.seen('evt_1')).toBe(true);
		// The replay at 6 h did not extend the window: 10 h after the first delivery it is gone.
		time.advance(4 * HOUR);
		expect(dedup.seen('evt_1')).toBe(false);
		expect(dedup.seen('evt_1')).toBe(true);
	});

	test('expired ids are dropped as time passes, not only when asked for again', () => {
		const time = clock();
		const dedup = createEventDeduplicator({ ttlMs: HOUR, now: time.now });
		for (let i = 0; i < 50; i++) dedup.seen(`evt_old_${i}`);
		time.advance(HOUR);
		dedup.seen('evt_new');
		expect(dedup.size()).toBe(1);
	});

	test('100,000 ids never hold more than maxEntries, and the oldest go first', () => {
		const dedup = createEventDeduplicator({ maxEntries: 1000, now: clock().now });
		let largest = 0;
		let replays = 0;
		for (let i = 0; i < 100_000; i++) {
			if (dedup.seen(`evt_${i}`)) replays++;
			largest = Math.max(largest, dedup.size());
		}
		expect(replays).toBe(0);
		expect(largest).toBe(1000);
		expect(dedup.size()).toBe(1000);
		// The last 1000 are remembered, the one before them is not.
		expect(dedup.seen('evt_99999')).toBe(true);
		expect(dedup.seen('evt_99000')).toBe(true);
		expect(dedup.seen('evt_98999')).toBe(false);
	});

	test('with the default bound, 100,000 ids keep 10,000', () => {
		const dedup = createEventDeduplicator({ now: clock().now });
		for (let i = 0; i < 100_000; i++) dedup.seen(`evt_${i}`);
		expect(dedup.size()).toBe(10_000);
	});

	test('forget lets a retry through after handling failed', () => {
		const dedup = createEventDeduplicator({ now: clock().now });
		expect(dedup.seen('evt_1')).toBe(false);
		dedup.forget('evt_1');
		expect(dedup.seen('evt_1')).toBe(false);
		expect(dedup.seen('evt_1')).toBe(true);
		dedup.forget('evt_unknown');
		expect(dedup.size()).toBe(1);
	});

	test('an id forgotten and seen again is not dropped when its first entry becomes the oldest', () => {
		const dedup = createEventDeduplicator({ maxEntries: 3, now: clock().now });
		dedup.seen('evt_a');
		dedup.forget('evt_a');
		dedup.seen('evt_a');
		dedup.seen('evt_b');
		dedup.seen('evt_c');
		expect(dedup.seen('evt_a')).toBe(true);
		expect(dedup.size()).toBeLessThanOrEqual(3);
	});

	test('an id seen again after expiry keeps its new window when the old entry is dropped', () => {
		const time = clock();
		const dedup = createEventDeduplicator({ maxEntries: 3, ttlMs: HOUR, now: time.now });
		dedup.seen('evt_b');
		time.advance(-2 * HOUR);
		dedup.seen('evt_a');
		time.advance(1.5 * HOUR);
		// evt_a expired but sits behind evt_b, which has not: it is found stale and seen anew.
		expect(dedup.seen('evt_a')).toBe(false);
		dedup.seen('evt_c');
		dedup.seen('evt_d');
		// evt_b and evt_a's first entry were pushed out; its second entry still counts.
		expect(dedup.size()).toBe(3);
		expect(dedup.seen('evt_a')).toBe(true);
		expect(dedup.seen('evt_b')).toBe(false);
	});

	test('a clock set back does not forget ids early', () => {
		const time = clock();
		const dedup = createEventDeduplicator({ ttlMs: HOUR, now: time.now });
		dedup.seen('evt_1');
		time.advance(-5 * HOUR);
		expect(dedup.seen('evt_1')).toBe(true);
	});

	test('bad options and empty ids are refused', () => {
		const now = clock().now;
		for (const maxEntries of [0, -1, 1.5, Number.NaN]) {
			expect(() => createEventDeduplicator({ maxEntries, now })).toThrow(
				expect.objectContaining({ field: 'maxEntries' }),
			);
		}
		for (const ttlMs of [0, -1, Number.NaN]) {
			expect(() => createEventDeduplicator({ ttlMs, now })).toThrow(
				expect.objectContaining({ field: 'ttlMs' }),
			);
		}
		// @ts-expect-error -- no clock, on purpose
		expect(() => createEventDeduplicator({})).toThrow(expect.objectContaining({ field: 'now' }));
		expect(() => createEventDeduplicator({ now }).seen('')).toThrow(
			expect.objectContaining({ field: 'eventId' }),
		);
	});
});

/**
 * The trigger's own delivery (nodes/core/webhooks/delivery.ts) with one memory, as one trigger
 * keeps it: `receive` answers as the trigger would; `executions` holds what it started. The
 * payment is not re-read here (Re-Read Payment off): the body alone is the payment.
 */
function endpoint(deliver, side, now) {
	const memory = {
		events: createEventDeduplicator({ now }),
		states: createEventDeduplicator({ now }),
	};
	const executions = [];
	return {
		executions,
		async receive(rawBody, headers) {
			const answer = await deliver({ rawBody, headers }, side, memory);
			if (answer.outcome === 'emitted') executions.push(answer.events);
			return answer.status === 200
				? { status: 200, replay: answer.outcome === 'duplicate' }
				: { status: answer.status };
		},
	};
}

const stripeEndpoint = ({ secret, now }) =>
	endpoint(
		handleStripeDelivery,
		{
			signingSecrets: async () => [secret],
			toleranceSeconds: 300,
			nowSeconds: Math.floor(now() / 1000),
			account: async () => ({ transport: null, livemode: false }),
			events: STRIPE_WEBHOOK_EVENTS,
			rereadPayment: false,
		},
		now,
	);

const gatewayEndpoint = ({ signingKey, now }) =>
	endpoint(
		handleGateway360Delivery,
		{ signingKey: async () => signingKey, transport: async () => null, rereadPayment: false },
		now,
	);

describe('a replayed delivery starts no second execution', () => {
	const SECRET = 'whsec_replay_test';
	const nowMs = 1_795_000_100_000;
	const event = {
		...fixtures.event,
		id: 'evt_replay_1',
		type: 'payment_intent.succeeded',
		created: 1_795_000_000,
		data: {
			object: {
				...fixtures.payment_intent,
				status: 'succeeded',
				amount: 5000,
				metadata: encodeInvoiceMetadata([{ invoiceId: 'INV-7', amountMinor: 5000, feeMinor: 0 }]),
			},
		},
	};
	const payload = JSON.stringify(event);
	const header = () =>
		Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: 1_795_000_090 });

	test('Stripe: the same signed event twice, and once more re-signed by a retry', async () => {
		const endpoint = stripeEndpoint({ secret: SECRET, now: () => nowMs });
		expect(await endpoint.receive(Buffer.from(payload), { 'stripe-signature': header() })).toEqual({
			status: 200,
			replay: false,
		});
		expect(await endpoint.receive(Buffer.from(payload), { 'stripe-signature': header() })).toEqual({
			status: 200,
			replay: true,
		});
		// Stripe's retry of the same event carries a fresh timestamp and signature: still a replay.
		const retry = Stripe.webhooks.generateTestHeaderString({
			payload,
			secret: SECRET,
			timestamp: 1_795_000_095,
		});
		expect((await endpoint.receive(payload, { 'stripe-signature': retry })).replay).toBe(true);
		expect(endpoint.executions).toHaveLength(1);
		expect(endpoint.executions[0][0]).toMatchObject({
			eventId: 'evt_replay_1',
			invoiceId: 'INV-7',
		});
	});

	test('Stripe: unsigned, badly signed and malformed requests start nothing and are not remembered', async () => {
		const endpoint = stripeEndpoint({ secret: SECRET, now: () => nowMs });
		expect(await endpoint.receive(payload, {})).toEqual({ status: 401 });
		expect(
			await endpoint.receive(payload, {
				'stripe-signature': Stripe.webhooks.generateTestHeaderString({
					payload,
					secret: 'whsec_x',
				}),
			}),
		).toEqual({ status: 401 });
		const broken = '{"id": "evt_broken",';
		const brokenHeader = Stripe.webhooks.generateTestHeaderString({
			payload: broken,
			secret: SECRET,
			timestamp: 1_795_000_090,
		});
		expect(await endpoint.receive(broken, { 'stripe-signature': brokenHeader })).toEqual({
			status: 400,
		});
		expect(endpoint.executions).toHaveLength(0);
		// The genuine event still runs once after the failed attempts.
		expect((await endpoint.receive(payload, { 'stripe-signature': header() })).replay).toBe(false);
		expect(endpoint.executions).toHaveLength(1);
	});

	test('360 Payments: the same event_id twice, even with a new nonce, runs once', async () => {
		const signingKey = 'gw-key';
		const endpoint = gatewayEndpoint({ signingKey, now: () => nowMs });
		const body = JSON.stringify({
			event_id: 'evt-360-1',
			event_type: 'transaction.sale.success',
			event_body: {
				transaction_id: '9001',
				order_id: 'INV-9',
				action: { amount: '10.00', date: '20261123120000', response_code: '100' },
			},
		});
		const first = await endpoint.receive(body, {
			'webhook-signature': signGateway360Payload(body, signingKey, 'n1'),
		});
		const again = await endpoint.receive(body, {
			'webhook-signature': signGateway360Payload(body, signingKey, 'n2'),
		});
		expect(first).toEqual({ status: 200, replay: false });
		expect(again).toEqual({ status: 200, replay: true });
		expect(
			await endpoint.receive(body, {
				'webhook-signature': signGateway360Payload(body, 'other', 'n3'),
			}),
		).toEqual({
			status: 401,
		});
		expect(
			await endpoint.receive('not json', {
				'webhook-signature': signGateway360Payload('not json', signingKey, 'n4'),
			}),
		).toEqual({ status: 400 });
		expect(endpoint.executions).toHaveLength(1);
		expect(endpoint.executions[0][0]).toMatchObject({
			provider: 'gateway360',
			invoiceId: 'INV-9',
			status: 'succeeded',
		});
	});
});

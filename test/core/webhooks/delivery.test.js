// @ts-check
/**
 * The webhook pipeline (nodes/core/webhooks/delivery.ts) as the trigger runs it, without n8n:
 * signed deliveries of Stripe's sample event (signed by the official `stripe` package) and of the
 * local gateway's events, re-read from the local Stripe server and the local gateway over HTTP.
 * Every row of the answer table is reached; the trigger itself is driven by
 * test/engine/payment-webhook-trigger.engine.test.js.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import Stripe from 'stripe';

import { Gateway360Transport } from '../../../nodes/core/gateway360/transport';
import { StripeTransport } from '../../../nodes/core/stripe/transport';
import {
	DELIVERY_ANSWERS,
	handleGateway360Delivery,
	handleStripeDelivery,
} from '../../../nodes/core/webhooks/delivery';
import { createEventDeduplicator } from '../../../nodes/core/webhooks/eventDeduplicator';
import { signGateway360Payload } from '../../../nodes/core/webhooks/gateway360Signature';
import { STRIPE_WEBHOOK_EVENTS } from '../../../nodes/core/webhooks/stripeEvent';
import { startGateway360Server } from '../../fakes/gateway360-server';
import { nodeHttp } from '../../fakes/gateway360/node-http';
import { startStripeServer } from '../../fakes/stripe-server';

const fixtures = JSON.parse(
	readFileSync(path.resolve(__dirname, '../../../../shared/stripe/fixtures3.json'), 'utf8'),
).resources;

const STRIPE_KEY = 'sk_test_webhook_delivery_0001';
const SECRET = 'whsec_webhook_delivery_secret';
const GATEWAY_KEY = 'delivery-security-key-00000001';
const SIGNING_KEY = 'delivery-signing-key';

let stripe;
let gateway;
beforeAll(async () => {
	[stripe, gateway] = await Promise.all([
		startStripeServer({ secretKeys: [STRIPE_KEY], webhookDelivery: false }),
		startGateway360Server({ securityKeys: [GATEWAY_KEY], signingKey: SIGNING_KEY }),
	]);
});
afterAll(async () => {
	await Promise.all([stripe.close(), gateway.close()]);
});

const memory = (emitEachStateOnce = true) => ({
	events: createEventDeduplicator({ now: Date.now }),
	states: emitEachStateOnce ? createEventDeduplicator({ now: Date.now }) : null,
});

function stripeTransport(baseUrl = stripe.url) {
	return new StripeTransport({
		http: async ({ method, url, headers, body }) => {
			const response = await fetch(url, {
				method,
				headers: { ...headers, Authorization: `Bearer ${STRIPE_KEY}` },
				body,
			});
			return {
				statusCode: response.status,
				headers: Object.fromEntries(response.headers),
				body: await response.text(),
			};
		},
		baseUrl,
		sleep: async () => {},
		maxNetworkRetries: 0,
	});
}

/** What the trigger hands the core for Stripe; `accountReads` counts what only a verified request may cost. */
function stripeSide(overrides = {}) {
	const side = {
		accountReads: 0,
		signingSecrets: async () => [SECRET],
		toleranceSeconds: 300,
		nowSeconds: Math.floor(Date.now() / 1000),
		account: async () => {
			side.accountReads++;
			return { transport: stripeTransport(), livemode: false };
		},
		events: STRIPE_WEBHOOK_EVENTS,
		rereadPayment: true,
		...overrides,
	};
	return side;
}

const rereads = () => stripe.stats.byRoute['GET /v1/payment_intents/:id'] ?? 0;

let counter = 0;
/** A payment of one invoice held by the local Stripe server. */
function paidIntent(extra = {}) {
	counter++;
	const customer = stripe.createCustomer({
		name: `Delivery ${counter}`,
		metadata: { books_customer_id: `D-${counter}` },
	});
	const [intent] = stripe.seed({
		paymentIntents: [
			{
				customer: customer.id,
				amount: 2500,
				currency: 'usd',
				status: 'succeeded',
				paymentMethod: 'pm_card_visa',
				metadata: { invoice_ids: `INV-D${counter}`, books_customer_id: `D-${counter}` },
				...extra,
			},
		],
	}).paymentIntents;
	return intent;
}

/** Stripe's sample event carrying `object`. */
function stripeEvent(type, object, overrides = {}) {
	counter++;
	return {
		...fixtures.event,
		id: `evt_delivery_${counter}`,
		type,
		created: Math.floor(Date.now() / 1000),
		livemode: false,
		data: { object },
		...overrides,
	};
}

/**
 * @param {object | string} body
 * @param {{ secret?: string, timestamp?: number }} [options]
 */
function signed(body, { secret = SECRET, timestamp } = {}) {
	const payload = typeof body === 'string' ? body : JSON.stringify(body);
	const header = Stripe.webhooks.generateTestHeaderString({
		payload,
		secret,
		...(timestamp ? { timestamp } : {}),
	});
	return { rawBody: Buffer.from(payload), headers: { 'stripe-signature': header } };
}

test('one table gives every answer its code', () => {
	expect(
		Object.fromEntries(
			Object.entries(DELIVERY_ANSWERS).map(([outcome, { status }]) => [outcome, status]),
		),
	).toEqual({
		emitted: 200,
		duplicate: 200,
		duplicateState: 200,
		ignored: 200,
		invalid_signature: 401,
		malformed: 400,
		unreadable: 400,
		secret_unreadable: 500,
		retry: 500,
	});
});

describe('Stripe deliveries', () => {
	test('a signed event: the payment re-read, one item per invoice, answered by n8n (no body)', async () => {
		const intent = paidIntent();
		const before = rereads();
		// the event's copy says processing; the payment is succeeded now
		const answer = await handleStripeDelivery(
			signed(stripeEvent('payment_intent.processing', { ...intent, status: 'processing' })),
			stripeSide(),
			memory(),
		);
		expect(answer).toMatchObject({ outcome: 'emitted', status: 200, body: null, log: null });
		expect(answer.events).toEqual([
			expect.objectContaining({
				invoiceId: intent.metadata.invoice_ids,
				paymentId: intent.id,
				status: 'succeeded',
				statusFamily: 'succeeded',
			}),
		]);
		expect(rereads()).toBe(before + 1);
	});

	test('the same event again is a duplicate; another event of a state emitted is one too, unless each state may be emitted again', async () => {
		const intent = paidIntent();
		const event = stripeEvent('payment_intent.succeeded', intent);
		const seen = memory();
		expect((await handleStripeDelivery(signed(event), stripeSide(), seen)).outcome).toBe('emitted');
		const before = rereads();
		// Stripe's retry carries a new timestamp and signature: still the same event
		expect(
			await handleStripeDelivery(
				signed(event, { timestamp: Math.floor(Date.now() / 1000) - 5 }),
				stripeSide(),
				seen,
			),
		).toMatchObject({
			outcome: 'duplicate',
			status: 200,
			body: { received: true, duplicate: true },
			events: [],
		});
		expect(rereads()).toBe(before);
		const sameState = stripeEvent('payment_intent.succeeded', intent);
		expect(await handleStripeDelivery(signed(sameState), stripeSide(), seen)).toMatchObject({
			outcome: 'duplicateState',
			status: 200,
			body: { duplicateState: true },
		});
		const everyState = memory(false);
		expect((await handleStripeDelivery(signed(event), stripeSide(), everyState)).outcome).toBe(
			'emitted',
		);
		expect((await handleStripeDelivery(signed(sameState), stripeSide(), everyState)).outcome).toBe(
			'emitted',
		);
	});

	test.each(
		/** @type {Array<[string, { secrets?: string[], secret?: string, header?: null, timestamp?: number }, string]>} */ ([
			['no secret to verify with', { secrets: [] }, 'no_secret'],
			['another secret', { secret: 'whsec_someone_else' }, 'mismatch'],
			['no signature header', { header: null }, 'missing_header'],
			[
				'a signature older than the tolerance',
				{ timestamp: Math.floor(Date.now() / 1000) - 301 },
				'stale',
			],
		]),
	)('%s: 401, nothing read, nothing remembered', async (_, how, reason) => {
		const event = stripeEvent('payment_intent.succeeded', paidIntent());
		const request = signed(event, { secret: how.secret, timestamp: how.timestamp });
		if (how.header === null) request.headers = /** @type {any} */ ({}); // no signature header, on purpose
		const side = stripeSide(how.secrets ? { signingSecrets: async () => how.secrets } : {});
		const seen = memory();
		expect(await handleStripeDelivery(request, side, seen)).toMatchObject({
			outcome: 'invalid_signature',
			status: 401,
			body: { error: 'invalid signature', reason },
			events: [],
		});
		expect(side.accountReads).toBe(0);
		expect(seen.events.size()).toBe(0);
		// the genuine delivery still runs
		expect((await handleStripeDelivery(signed(event), stripeSide(), seen)).outcome).toBe('emitted');
	});

	test.each([
		['truncated JSON', '{"id": "evt_broken",', 'invalid_json'],
		['JSON that is no event', JSON.stringify({ id: 'evt_1', object: 'charge' }), 'not_an_event'],
	])('signed, but %s: 400, nothing read', async (_, body, reason) => {
		const side = stripeSide();
		expect(await handleStripeDelivery(signed(body), side, memory())).toMatchObject({
			outcome: 'malformed',
			status: 400,
			body: { error: 'malformed event', reason },
		});
		expect(side.accountReads).toBe(0);
	});

	test('an event not for this trigger (another mode, a type not selected): 200 ignored, nothing read or remembered, a debug line', async () => {
		const intent = paidIntent();
		const before = rereads();
		const live = stripeEvent('payment_intent.succeeded', intent, { livemode: true });
		const seen = memory();
		expect(await handleStripeDelivery(signed(live), stripeSide(), seen)).toMatchObject({
			outcome: 'ignored',
			status: 200,
			body: { received: true, ignored: 'livemode_mismatch' },
			log: {
				level: 'debug',
				message: `ignored event ${live.id} (payment_intent.succeeded): livemode_mismatch`,
			},
		});
		const unselected = stripeEvent('payment_intent.succeeded', intent);
		expect(
			await handleStripeDelivery(
				signed(unselected),
				stripeSide({ events: ['payment_intent.payment_failed'] }),
				seen,
			),
		).toMatchObject({ body: { ignored: 'event_not_selected' } });
		expect(rereads()).toBe(before);
		expect(seen.events.size()).toBe(0);
	});

	test('a payment not made for invoices: 200 ignored, remembered', async () => {
		const intent = paidIntent({ metadata: {} });
		const event = stripeEvent('payment_intent.succeeded', intent);
		const seen = memory();
		expect(await handleStripeDelivery(signed(event), stripeSide(), seen)).toMatchObject({
			outcome: 'ignored',
			body: { ignored: 'no_invoice' },
			log: { level: 'debug' },
		});
		expect((await handleStripeDelivery(signed(event), stripeSide(), seen)).outcome).toBe(
			'duplicate',
		);
	});

	test("a PaymentIntent the account does not have (Stripe's 404): 200 ignored with a warning, so Stripe stops; its retry is a duplicate", async () => {
		const ghost = { ...paidIntent(), id: 'pi_not_in_this_account' };
		const event = stripeEvent('payment_intent.succeeded', ghost);
		const seen = memory();
		expect(await handleStripeDelivery(signed(event), stripeSide(), seen)).toMatchObject({
			outcome: 'ignored',
			status: 200,
			body: { ignored: 'payment_not_found' },
			log: {
				level: 'warn',
				message: `ignored event ${event.id} (payment_intent.succeeded): payment_not_found`,
			},
		});
		expect((await handleStripeDelivery(signed(event), stripeSide(), seen)).outcome).toBe(
			'duplicate',
		);
	});

	test('signed and parsed, but unreadable as a payment: 400 (not 500), a warning, and its redelivery told the same', async () => {
		const session = {
			...fixtures['checkout.session'],
			mode: 'payment',
			payment_intent: null,
			amount_total: null,
			metadata: { invoice_ids: 'INV-NOAMOUNT' },
		};
		const event = stripeEvent('checkout.session.completed', session);
		const seen = memory();
		const first = await handleStripeDelivery(signed(event), stripeSide(), seen);
		expect(first).toMatchObject({
			outcome: 'unreadable',
			status: 400,
			body: { error: 'malformed event', reason: 'unreadable_event', eventId: event.id },
			events: [],
			log: {
				level: 'warn',
				message: `could not read event ${event.id} (checkout.session.completed): Checkout Session ${session.id} has no amount or currency`,
			},
		});
		expect(await handleStripeDelivery(signed(event), stripeSide(), seen)).toMatchObject({
			outcome: 'unreadable',
			status: 400,
		});
	});

	test('a re-read that fails (Stripe unreachable): 500 so Stripe delivers again, and the redelivery is processed', async () => {
		const closed = http.createServer();
		await new Promise((resolve) => closed.listen(0, '127.0.0.1', () => resolve(undefined)));
		const unreachable = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (closed.address()).port}`;
		await new Promise((resolve) => closed.close(resolve));
		const intent = paidIntent();
		const event = stripeEvent('payment_intent.succeeded', intent);
		const seen = memory();
		const down = stripeSide({
			account: async () => ({ transport: stripeTransport(unreachable), livemode: false }),
		});
		expect(await handleStripeDelivery(signed(event), down, seen)).toMatchObject({
			outcome: 'retry',
			status: 500,
			body: { error: 'could not process the event now', eventId: event.id },
		});
		expect(await handleStripeDelivery(signed(event), stripeSide(), seen)).toMatchObject({
			outcome: 'emitted',
			events: [expect.objectContaining({ paymentId: intent.id })],
		});
	});

	test('a sealed secret that no longer opens: 500 with an error line telling what to do, nothing verified', async () => {
		const side = stripeSide({ signingSecrets: async () => 'unreadable' });
		const answer = await handleStripeDelivery(
			signed(stripeEvent('payment_intent.succeeded', paidIntent())),
			side,
			memory(),
		);
		expect(answer).toMatchObject({
			outcome: 'secret_unreadable',
			status: 500,
			body: { reason: 'secret_unreadable' },
			log: { level: 'error' },
		});
		expect(answer.log?.message).toMatch(/Deactivate and activate the workflow/);
		expect(side.accountReads).toBe(0);
	});

	test('Re-Read Payment off: the event alone is told, nothing read', async () => {
		const intent = paidIntent();
		const before = rereads();
		const answer = await handleStripeDelivery(
			signed(stripeEvent('payment_intent.processing', { ...intent, status: 'processing' })),
			stripeSide({ rereadPayment: false }),
			memory(),
		);
		expect(answer.events).toEqual([
			expect.objectContaining({ paymentId: intent.id, status: 'processing' }),
		]);
		expect(rereads()).toBe(before);
	});
});

describe('360 Payments deliveries', () => {
	const send = nodeHttp(GATEWAY_KEY);
	const gatewayTransport = () =>
		new Gateway360Transport({ http: send, baseUrl: gateway.url, sleep: async () => {} });
	const gatewaySide = (overrides = {}) => ({
		signingKey: async () => SIGNING_KEY,
		transport: async () => gatewayTransport(),
		rereadPayment: true,
		...overrides,
	});

	/** A sale the gateway holds, and the event it sends about it. */
	async function sale(orderId) {
		const token = gateway.createToken({ ccnumber: '4111111111111111' });
		const answer = await send({
			method: 'POST',
			url: `${gateway.url}/api/transact.php`,
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({
				type: 'sale',
				amount: '40.00',
				currency: 'USD',
				payment_token: token,
				orderid: orderId,
			}).toString(),
			authenticate: true,
		});
		expect(new URLSearchParams(answer.body).get('response')).toBe('1');
		await gateway.webhooks.idle();
		return gateway.webhooks.events.filter((event) => event.event_body.order_id === orderId).pop();
	}

	const signedGateway = (event, key = SIGNING_KEY, nonce = `n-${++counter}`) => {
		const rawBody = JSON.stringify(event);
		return {
			rawBody,
			headers: { 'webhook-signature': signGateway360Payload(rawBody, key, nonce) },
		};
	};

	test('a signed sale: the transaction re-read, one item; the same event with a new nonce is a duplicate', async () => {
		const event = await sale('INV-G1');
		const seen = memory();
		const answer = await handleGateway360Delivery(signedGateway(event), gatewaySide(), seen);
		expect(answer).toMatchObject({ outcome: 'emitted', status: 200, body: null });
		expect(answer.events).toEqual([
			expect.objectContaining({
				provider: 'gateway360',
				invoiceId: 'INV-G1',
				status: 'succeeded',
				total: expect.objectContaining({ minor: 4000 }),
			}),
		]);
		expect(
			(await handleGateway360Delivery(signedGateway(event), gatewaySide(), seen)).outcome,
		).toBe('duplicate');
	});

	test('no key, another key, a malformed body: 401, 401, 400', async () => {
		const event = await sale('INV-G2');
		expect(
			await handleGateway360Delivery(
				signedGateway(event),
				gatewaySide({ signingKey: async () => '' }),
				memory(),
			),
		).toMatchObject({ status: 401, body: { reason: 'no_secret' } });
		expect(
			await handleGateway360Delivery(signedGateway(event, 'another-key'), gatewaySide(), memory()),
		).toMatchObject({ status: 401, body: { reason: 'mismatch' } });
		const broken = 'not json';
		const request = {
			rawBody: broken,
			headers: { 'webhook-signature': signGateway360Payload(broken, SIGNING_KEY, 'n-broken') },
		};
		expect(await handleGateway360Delivery(request, gatewaySide(), memory())).toMatchObject({
			outcome: 'malformed',
			status: 400,
			body: { reason: 'invalid_json' },
		});
	});

	test('a transaction the gateway does not have: 200 ignored with a warning', async () => {
		const event = { ...(await sale('INV-G3')), event_id: 'ev-ghost' };
		event.event_body = { ...event.event_body, transaction_id: '9999999999' };
		expect(
			await handleGateway360Delivery(signedGateway(event), gatewaySide(), memory()),
		).toMatchObject({
			outcome: 'ignored',
			body: { ignored: 'payment_not_found' },
			log: { level: 'warn' },
		});
	});

	test('signed, but naming an invoice and no transaction: 400, not 500', async () => {
		const event = {
			event_id: 'ev-no-tx',
			event_type: 'transaction.sale.success',
			event_body: { order_id: 'INV-G4', action: { amount: '10.00' } },
		};
		expect(
			await handleGateway360Delivery(signedGateway(event), gatewaySide(), memory()),
		).toMatchObject({ outcome: 'unreadable', status: 400, body: { eventId: 'ev-no-tx' } });
	});

	test('a gateway that cannot be reached: 500, and the redelivery is processed', async () => {
		const event = await sale('INV-G5');
		const seen = memory();
		const down = gatewaySide({
			transport: async () =>
				new Gateway360Transport({
					http: async () => {
						throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
					},
					baseUrl: gateway.url,
					sleep: async () => {},
				}),
		});
		expect(await handleGateway360Delivery(signedGateway(event), down, seen)).toMatchObject({
			outcome: 'retry',
			status: 500,
		});
		expect(
			(await handleGateway360Delivery(signedGateway(event), gatewaySide(), seen)).outcome,
		).toBe('emitted');
	});
});

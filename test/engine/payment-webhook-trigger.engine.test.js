// @ts-check
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';

import Stripe from 'stripe';

import { STRIPE_API_VERSION } from '../../nodes/core/stripe/transport';
import { signGateway360Payload } from '../../nodes/core/webhooks/gateway360Signature';
import {
	STRIPE_TRIGGER_EVENTS,
	STRIPE_WEBHOOK_EVENTS,
} from '../../nodes/core/webhooks/stripeEvent';
import { startBooksApi } from '../fakes/books-api';
import { startGateway360Server } from '../fakes/gateway360-server';
import { deliverWebhook, runHook } from './harness';
import { startReceiver } from './payment-webhook-trigger-receiver';
import { PACKAGE_NAME } from './package-types';
import { runNode, SECRET_KEY, startStripe, stripeCredentials } from './stripe-node';

const TRIGGER = 'Payment Webhook Trigger';
const TRIGGER_STATE = `node:${TRIGGER}`;

const fixtures = JSON.parse(
	fs.readFileSync(path.resolve(__dirname, '../../../shared/stripe/fixtures3.json'), 'utf8'),
).resources;

function triggerWorkflow(parameters, typeVersion = 2) {
	return {
		id: 'wf-webhooks',
		name: 'Payment status',
		nodes: [
			{
				id: 'trigger-node',
				name: 'Payment Webhook Trigger',
				type: `${PACKAGE_NAME}.paymentWebhookTrigger`,
				typeVersion,
				position: [0, 0],
				webhookId: 'b0b1c2d3-0000-4000-8000-000000000001',
				parameters,
				credentials: {
					stripeInvoicePaymentsApi: { id: '1', name: 'Stripe' },
					payments360Api: { id: '2', name: '360 Payments' },
				},
			},
		],
		connections: {},
	};
}

const sign = (payload, secret, timestamp) =>
	Stripe.webhooks.generateTestHeaderString({
		payload,
		secret,
		...(timestamp ? { timestamp } : {}),
	});

/** A Stripe event built from Stripe's own sample event, carrying `object`. */
function stripeEvent(type, object, created = Math.floor(Date.now() / 1000)) {
	return {
		...fixtures.event,
		id: `evt_${Math.random().toString(36).slice(2, 14)}`,
		type,
		created,
		data: { object },
	};
}

let stripe;
beforeAll(async () => {
	stripe = await startStripe();
});
afterAll(async () => {
	await stripe.close();
});

async function endpoints(server = stripe) {
	const response = await fetch(`${server.url}/v1/webhook_endpoints?limit=100`, {
		headers: { Authorization: `Bearer ${SECRET_KEY}` },
	});
	return (await response.json()).data;
}

/** Hands every delivery the receiver holds to the trigger, as n8n would. */
async function handOver(receiver, workflow, options) {
	const results = [];
	for (const delivery of receiver.received.splice(0)) {
		const result = await deliverWebhook(
			workflow,
			TRIGGER,
			{
				rawBody: delivery.rawBody,
				headers: { 'Stripe-Signature': delivery.headers['stripe-signature'] },
			},
			options,
		);
		results.push({ type: JSON.parse(delivery.rawBody.toString('utf8')).type, ...result });
	}
	return results;
}

/** What n8n's logger (the one n8n-core hands nodes) is told during `run`, per level. */
async function logged(run) {
	const fromCore = createRequire(require.resolve('n8n-core'));
	const logger = fromCore('@n8n/di').Container.get(fromCore('@n8n/backend-common').Logger);
	const spies = Object.fromEntries(
		['debug', 'info', 'warn', 'error'].map((level) => [level, jest.spyOn(logger, level)]),
	);
	try {
		const result = await run();
		const lines = Object.fromEntries(
			Object.entries(spies).map(([level, spy]) => [
				level,
				spy.mock.calls.map(([message]) => message),
			]),
		);
		return {
			result,
			lines,
			all: JSON.stringify(Object.values(spies).map((spy) => spy.mock.calls)),
		};
	} finally {
		Object.values(spies).forEach((spy) => spy.mockRestore());
	}
}

describe('Stripe endpoint lifecycle (activation)', () => {
	test('activate, re-activate with other events, deactivate: exactly one endpoint, then none', async () => {
		const staticData = {};
		const workflow = triggerWorkflow({ provider: 'stripe', endpointMode: 'automatic' });
		const options = { credentials: stripeCredentials(stripe), staticData };
		expect(await runHook(workflow, 'Payment Webhook Trigger', 'checkExists', options)).toBe(false);
		await runHook(workflow, 'Payment Webhook Trigger', 'create', options);
		let list = await endpoints();
		expect(list).toHaveLength(1);
		expect(list[0].url).toBe(
			'http://127.0.0.1:5678/webhook/b0b1c2d3-0000-4000-8000-000000000001/payment-status',
		);
		expect(list[0].enabled_events).toContain('payment_intent.succeeded');
		// n8n keeps the endpoint and its secret in the node's static data, saved with the workflow:
		// the secret sealed, never in clear.
		expect(staticData[TRIGGER_STATE]).toEqual({
			endpointId: list[0].id,
			sealedEndpointSecret: expect.stringMatching(/^sealed:v1:/),
		});
		expect(JSON.stringify(staticData)).not.toMatch(/whsec_/);
		expect(await runHook(workflow, 'Payment Webhook Trigger', 'checkExists', options)).toBe(true);

		const narrower = triggerWorkflow({
			provider: 'stripe',
			endpointMode: 'automatic',
			events: ['payment_intent.succeeded'],
		});
		expect(await runHook(narrower, 'Payment Webhook Trigger', 'checkExists', options)).toBe(false);
		await runHook(narrower, 'Payment Webhook Trigger', 'create', options);
		list = await endpoints();
		expect(list).toHaveLength(1);
		expect(list[0].enabled_events).toEqual(['payment_intent.succeeded']);

		await runHook(narrower, 'Payment Webhook Trigger', 'delete', options);
		expect(await endpoints()).toHaveLength(0);
	});

	test('by default the endpoint receives every event handled, checkout.session.expired too; an older endpoint is brought up to date', async () => {
		const staticData = {};
		const options = { credentials: stripeCredentials(stripe), staticData };
		const byDefault = triggerWorkflow({ provider: 'stripe', endpointMode: 'automatic' });
		// an endpoint made by the trigger before checkout.session.expired was subscribed
		const before = STRIPE_WEBHOOK_EVENTS.filter((type) => type !== 'checkout.session.expired');
		const older = triggerWorkflow({
			provider: 'stripe',
			endpointMode: 'automatic',
			events: before,
		});
		await runHook(older, 'Payment Webhook Trigger', 'create', options);
		const [made] = await endpoints();
		expect(made.enabled_events).not.toContain('checkout.session.expired');
		const secret = staticData[TRIGGER_STATE].sealedEndpointSecret;
		expect(secret).toMatch(/^sealed:v1:/);

		// n8n activates the workflow again (a restart, a new version of the package)
		expect(await runHook(byDefault, 'Payment Webhook Trigger', 'checkExists', options)).toBe(false);
		await runHook(byDefault, 'Payment Webhook Trigger', 'create', options);
		const list = await endpoints();
		expect(list).toHaveLength(1);
		expect(list[0].id).toBe(made.id);
		expect([...list[0].enabled_events].sort()).toEqual([...STRIPE_TRIGGER_EVENTS].sort());
		expect(list[0].enabled_events).toContain('checkout.session.expired');
		expect(staticData[TRIGGER_STATE].sealedEndpointSecret).toBe(secret);
		expect(await runHook(byDefault, 'Payment Webhook Trigger', 'checkExists', options)).toBe(true);

		await runHook(byDefault, 'Payment Webhook Trigger', 'delete', options);
		expect(await endpoints()).toHaveLength(0);
	});

	test('manual mode without a signing secret cannot be activated', async () => {
		const workflow = triggerWorkflow({ provider: 'stripe', endpointMode: 'manual' });
		await expect(
			runHook(workflow, 'Payment Webhook Trigger', 'create', {
				credentials: stripeCredentials(stripe),
			}),
		).rejects.toThrow(
			'The credential has no Webhook Signing Secret: without it no event can be verified, so the trigger cannot be activated',
		);
	});
});

describe('The endpoint secret in static data is sealed with the Stripe key', () => {
	const ROLLED_KEY = 'sk_test_engine_rolled_key';
	let server;
	let receiver;
	beforeAll(async () => {
		// one account, its key before and after a roll
		server = await startStripe({ secretKeys: [SECRET_KEY, ROLLED_KEY] });
		receiver = await startReceiver();
	});
	afterAll(async () => {
		await receiver.close();
		await server.close();
	});

	const workflow = triggerWorkflow({ provider: 'stripe', endpointMode: 'automatic' });
	const withKey = (staticData, secretKey = SECRET_KEY) => ({
		credentials: stripeCredentials(server, { secretKey }),
		staticData,
		webhookBaseUrl: receiver.webhookBaseUrl,
	});

	/** A payment Stripe reports to every endpoint: the events the receiver then holds. */
	async function paymentReported(invoiceId) {
		const customer = server.createCustomer({
			name: `Sealed ${invoiceId}`,
			metadata: { books_customer_id: 'W-SEAL' },
		});
		const [intent] = server.seed({
			paymentIntents: [
				{
					customer: customer.id,
					amount: 1500,
					currency: 'usd',
					status: 'succeeded',
					paymentMethod: 'pm_card_visa',
					metadata: { invoice_ids: invoiceId },
				},
			],
		}).paymentIntents;
		server.emit('payment_intent.succeeded', intent);
		await server.webhooks.idle();
		return intent;
	}

	test('an activated trigger verifies events with the sealed secret; the static data alone forges nothing', async () => {
		const staticData = {};
		await runHook(workflow, TRIGGER, 'create', withKey(staticData));
		const kept = staticData[TRIGGER_STATE];
		expect(Object.keys(kept).sort()).toEqual(['endpointId', 'sealedEndpointSecret']);
		expect(JSON.stringify(staticData)).not.toMatch(/whsec_/);

		const intent = await paymentReported('INV-SEAL-1');
		const [result] = await handOver(receiver, workflow, withKey(staticData));
		expect(result.statusCode).toBe(200);
		expect(result.outputs?.[0]).toEqual([
			expect.objectContaining({ invoiceId: 'INV-SEAL-1', paymentId: intent.id }),
		]);

		// Whoever has the database (static data) but not the credential signs with what is there.
		const forged = stripeEvent('payment_intent.succeeded', intent);
		const body = JSON.stringify(forged);
		for (const guess of [
			kept.sealedEndpointSecret,
			kept.sealedEndpointSecret.slice('sealed:v1:'.length),
			kept.endpointId,
		]) {
			const answer = await deliverWebhook(
				workflow,
				TRIGGER,
				{ rawBody: body, headers: { 'Stripe-Signature': sign(body, guess) } },
				withKey(staticData),
			);
			expect(answer).toMatchObject({
				statusCode: 401,
				workflowData: null,
				body: { reason: 'mismatch' },
			});
		}
		await runHook(workflow, TRIGGER, 'delete', withKey(staticData));
		expect(staticData[TRIGGER_STATE]).toEqual({});
	});

	test('once opened, the secret serves later requests: a forged one costs no credential read', async () => {
		const { WebhookContext } = await import('n8n-core');
		const staticData = {};
		await runHook(workflow, TRIGGER, 'create', withKey(staticData));
		await paymentReported('INV-SEAL-2');
		const [first] = await handOver(receiver, workflow, withKey(staticData));
		expect(first.outputs?.[0]).toEqual([expect.objectContaining({ invoiceId: 'INV-SEAL-2' })]);

		const reads = jest.spyOn(WebhookContext.prototype, 'getCredentials');
		try {
			const forged = JSON.stringify(stripeEvent('payment_intent.succeeded', { id: 'pi_forged' }));
			for (let i = 0; i < 3; i++) {
				const answer = await deliverWebhook(
					workflow,
					TRIGGER,
					{ rawBody: forged, headers: { 'Stripe-Signature': sign(forged, 'whsec_guess') } },
					withKey(staticData),
				);
				expect(answer).toMatchObject({ statusCode: 401, workflowData: null });
			}
			expect(reads).not.toHaveBeenCalled();
			// a request that passed the signature does read it (the key's mode, the re-read)
			await paymentReported('INV-SEAL-3');
			const [verified] = await handOver(receiver, workflow, withKey(staticData));
			expect(verified.outputs?.[0]).toEqual([expect.objectContaining({ invoiceId: 'INV-SEAL-3' })]);
			expect(reads).toHaveBeenCalled();
		} finally {
			reads.mockRestore();
		}
		await runHook(workflow, TRIGGER, 'delete', withKey(staticData));
	});

	test('a secret an older version kept in clear still verifies, and is sealed on the next activation', async () => {
		// the endpoint and static data as the trigger left them before sealing
		const response = await fetch(`${server.url}/v1/webhook_endpoints`, {
			method: 'POST',
			headers: {
				Authorization: `Bearer ${SECRET_KEY}`,
				'Content-Type': 'application/x-www-form-urlencoded',
			},
			body: new URLSearchParams([
				['url', `${receiver.webhookBaseUrl}/${workflow.nodes[0].webhookId}/payment-status`],
				...STRIPE_TRIGGER_EVENTS.map((type) => ['enabled_events[]', type]),
				['api_version', STRIPE_API_VERSION],
				['metadata[n8n_trigger]', `${workflow.id}:${workflow.nodes[0].id}`],
			]),
		});
		const made = await response.json();
		expect(made.secret).toMatch(/^whsec_/);
		const staticData = { [TRIGGER_STATE]: { endpointId: made.id, endpointSecret: made.secret } };

		await paymentReported('INV-CLEAR-1');
		const [before] = await handOver(receiver, workflow, withKey(staticData));
		expect(before.outputs?.[0]).toEqual([expect.objectContaining({ invoiceId: 'INV-CLEAR-1' })]);

		// n8n activates the workflow again (a restart, or the package updated): same endpoint, sealed
		expect(await runHook(workflow, TRIGGER, 'checkExists', withKey(staticData))).toBe(true);
		expect(staticData[TRIGGER_STATE]).toEqual({
			endpointId: made.id,
			sealedEndpointSecret: expect.stringMatching(/^sealed:v1:/),
		});
		expect(JSON.stringify(staticData)).not.toContain(made.secret);
		expect((await endpoints(server)).map((endpoint) => endpoint.id)).toEqual([made.id]);

		await paymentReported('INV-CLEAR-2');
		const [after] = await handOver(receiver, workflow, withKey(staticData));
		expect(after.outputs?.[0]).toEqual([expect.objectContaining({ invoiceId: 'INV-CLEAR-2' })]);
		await runHook(workflow, TRIGGER, 'delete', withKey(staticData));
		expect(await endpoints(server)).toEqual([]);
	});

	test('after the Stripe key is rolled the old secret does not open: 500 until activated again, which makes a new endpoint', async () => {
		const staticData = {};
		await runHook(workflow, TRIGGER, 'create', withKey(staticData));
		const first = staticData[TRIGGER_STATE].endpointId;

		// The credential now holds the rolled key; the workflow has not been activated since.
		await paymentReported('INV-ROLL-1');
		const {
			result: [unopened],
			all,
		} = await logged(() => handOver(receiver, workflow, withKey(staticData, ROLLED_KEY)));
		// Stripe delivers again on a 500; the log tells the admin what to do
		expect(unopened).toMatchObject({
			statusCode: 500,
			workflowData: null,
			body: { reason: 'secret_unreadable' },
		});
		expect(all).toMatch(/Deactivate and activate the workflow/);
		expect(all).not.toMatch(/whsec_|sk_test_/);

		expect(await runHook(workflow, TRIGGER, 'checkExists', withKey(staticData, ROLLED_KEY))).toBe(
			false,
		);
		await runHook(workflow, TRIGGER, 'create', withKey(staticData, ROLLED_KEY));
		const list = await endpoints(server);
		expect(list).toHaveLength(1);
		expect(list[0].id).not.toBe(first);
		expect(staticData[TRIGGER_STATE]).toEqual({
			endpointId: list[0].id,
			sealedEndpointSecret: expect.stringMatching(/^sealed:v1:/),
		});

		await paymentReported('INV-ROLL-2');
		const [verified] = await handOver(receiver, workflow, withKey(staticData, ROLLED_KEY));
		expect(verified.outputs?.[0]).toEqual([expect.objectContaining({ invoiceId: 'INV-ROLL-2' })]);
		await runHook(workflow, TRIGGER, 'delete', withKey(staticData, ROLLED_KEY));
	});
});

describe('Stripe events', () => {
	const SECRET = 'whsec_engine_manual_secret';
	const workflow = triggerWorkflow({ provider: 'stripe', endpointMode: 'manual' });
	const credentials = () => stripeCredentials(stripe, { webhookSigningSecret: SECRET });
	let counter = 0;

	function paymentIntent(status, invoiceLines, extra = {}) {
		const customer = stripe.createCustomer({
			name: `Webhook ${++counter}`,
			metadata: { books_customer_id: `W-${counter}` },
		});
		const metadata = {
			books_customer_id: `W-${counter}`,
			invoice_ids: invoiceLines.map(([id]) => id).join(','),
			invoice_lines: invoiceLines.map(([, amount, fee]) => `${amount}/${fee}`).join(','),
		};
		const amount = invoiceLines.reduce((sum, [, a, f]) => sum + a + f, 0);
		const [intent] = stripe.seed({
			paymentIntents: [
				{
					customer: customer.id,
					amount,
					currency: 'usd',
					status,
					metadata,
					paymentMethod: 'pm_card_visa',
					...extra,
				},
			],
		}).paymentIntents;
		return intent;
	}

	async function deliver(event, header, body, { to = workflow, bodyUnread = false } = {}) {
		const rawBody = body ?? JSON.stringify(event);
		return await deliverWebhook(
			to,
			'Payment Webhook Trigger',
			{ rawBody, bodyUnread, headers: header === undefined ? {} : { 'Stripe-Signature': header } },
			{ credentials: credentials() },
		);
	}

	test('version 1 (workflows made before version 2) verifies and emits alike', async () => {
		const intent = paymentIntent('succeeded', [['INV-V1', 2500, 0]]);
		const event = stripeEvent('payment_intent.succeeded', intent);
		const versionOne = triggerWorkflow({ provider: 'stripe', endpointMode: 'manual' }, 1);
		const result = await deliver(event, sign(JSON.stringify(event), SECRET), undefined, {
			to: versionOne,
		});
		expect(result.statusCode).toBe(200);
		expect(result.outputs?.[0]).toEqual([
			expect.objectContaining({ invoiceId: 'INV-V1', paymentId: intent.id }),
		]);
		const forged = await deliver(
			event,
			sign(JSON.stringify(event), 'whsec_someone_else'),
			undefined,
			{ to: versionOne },
		);
		expect(forged).toMatchObject({ statusCode: 401, workflowData: null });
	});

	test('a body n8n left unread (a content type it does not parse) is read and verified', async () => {
		const intent = paymentIntent('succeeded', [['INV-RAW', 4100, 0]]);
		const event = stripeEvent('payment_intent.succeeded', intent);
		const body = JSON.stringify(event);
		const result = await deliver(event, sign(body, SECRET), body, { bodyUnread: true });
		expect(result.statusCode).toBe(200);
		expect(result.outputs?.[0]).toEqual([
			expect.objectContaining({ invoiceId: 'INV-RAW', eventId: event.id }),
		]);
		const tampered = await deliver(event, sign(body, SECRET), body.replace('INV-RAW', 'INV-RAX'), {
			bodyUnread: true,
		});
		expect(tampered).toMatchObject({
			statusCode: 401,
			workflowData: null,
			body: { reason: 'mismatch' },
		});
	});

	test('a valid event emits the payment record on its status output', async () => {
		const intent = paymentIntent('succeeded', [['INV-W1', 10000, 290]]);
		const event = stripeEvent('payment_intent.succeeded', intent);
		const result = await deliver(event, sign(JSON.stringify(event), SECRET));
		expect(result.statusCode).toBe(200);
		const [succeeded, failed, processing, requiresAction, canceled] = result.outputs ?? [];
		expect([failed, processing, requiresAction, canceled].map((o) => o.length)).toEqual([
			0, 0, 0, 0,
		]);
		expect(succeeded).toHaveLength(1);
		expect(succeeded[0]).toMatchObject({
			provider: 'stripe',
			eventId: event.id,
			eventType: 'payment_intent.succeeded',
			status: 'succeeded',
			invoiceId: 'INV-W1',
			paymentId: intent.id,
			amount: { minor: 10000 },
			fee: { minor: 290 },
			total: { minor: 10290 },
		});
	});

	test.each([
		[
			'tampered body',
			(e, body) => [sign(body, SECRET), body.replace('"succeeded"', '"succeedeD"')],
			'mismatch',
		],
		['wrong secret', (e, body) => [sign(body, 'whsec_someone_else'), body], 'mismatch'],
		[
			'stale timestamp',
			(e, body) => [sign(body, SECRET, Math.floor(Date.now() / 1000) - 301), body],
			'stale',
		],
		['missing header', (e, body) => [undefined, body], 'missing_header'],
	])('%s: 401 and no execution', async (_, forge, reason) => {
		const intent = paymentIntent('succeeded', [['INV-BAD', 1000, 0]]);
		const event = stripeEvent('payment_intent.succeeded', intent);
		const [header, body] = forge(event, JSON.stringify(event));
		const result = await deliver(event, header, body);
		expect(result).toMatchObject({ statusCode: 401, workflowData: null, body: { reason } });
	});

	test('a second v1 signature (secret rolling) is accepted', async () => {
		const intent = paymentIntent('succeeded', [['INV-ROLL', 1000, 0]]);
		const event = stripeEvent('payment_intent.succeeded', intent);
		const body = JSON.stringify(event);
		const good = sign(body, SECRET);
		const bad = sign(body, 'whsec_old_secret');
		const [t, v1] = good.split(',');
		const header = `${t},${bad.split(',')[1]},${v1}`;
		const result = await deliver(event, header, body);
		expect(result.statusCode).toBe(200);
		expect(result.outputs?.[0][0].invoiceId).toBe('INV-ROLL');
	});

	test('malformed JSON with a valid signature answers 400', async () => {
		const body = '{"id": "evt_1", ';
		const result = await deliver(null, sign(body, SECRET), body);
		expect(result).toMatchObject({ statusCode: 400, workflowData: null });
	});

	test('a replayed event starts no second execution', async () => {
		const intent = paymentIntent('succeeded', [['INV-REPLAY', 1000, 0]]);
		const event = stripeEvent('payment_intent.succeeded', intent);
		const body = JSON.stringify(event);
		const first = await deliver(event, sign(body, SECRET), body);
		const second = await deliver(event, sign(body, SECRET), body);
		expect(first.workflowData).not.toBeNull();
		expect(second).toMatchObject({
			statusCode: 200,
			workflowData: null,
			body: { duplicate: true },
		});
	});

	test('an out-of-order pair never moves a payment backwards', async () => {
		const intent = paymentIntent('succeeded', [['INV-ORDER', 5000, 0]]);
		const older = stripeEvent(
			'payment_intent.processing',
			{ ...intent, status: 'processing' },
			intent.created,
		);
		const newer = stripeEvent('payment_intent.succeeded', intent, intent.created + 5);
		const first = await deliver(newer, sign(JSON.stringify(newer), SECRET));
		expect(first.outputs?.[0].map((r) => r.status)).toEqual(['succeeded']);
		const late = await deliver(older, sign(JSON.stringify(older), SECRET));
		// Re-read: the payment is succeeded now, already emitted: nothing moves it to processing.
		expect(late.workflowData).toBeNull();
		expect(late.body).toMatchObject({ duplicateState: true });
	});

	test('a combined payment emits one record per invoice, each with its own lines', async () => {
		const intent = paymentIntent('succeeded', [
			['INV-C1', 10000, 300],
			['INV-C2', 2500, 75],
			['INV-C3', 999, 30],
		]);
		const event = stripeEvent('payment_intent.succeeded', intent);
		const result = await deliver(event, sign(JSON.stringify(event), SECRET));
		expect(
			result.outputs?.[0].map((r) => [
				r.invoiceId,
				r.amount.minor,
				r.fee.minor,
				r.paymentId,
				r.combinedPaymentId,
			]),
		).toEqual([
			['INV-C1', 10000, 300, intent.id, intent.id],
			['INV-C2', 2500, 75, intent.id, intent.id],
			['INV-C3', 999, 30, intent.id, intent.id],
		]);
	});

	test('an expired pay link: each invoice canceled on the Canceled output, under the session id, once', async () => {
		const customer = stripe.createCustomer({
			name: 'Never Paid',
			metadata: { books_customer_id: 'W-EXP' },
		});
		const stripeApi = async (route, params) => {
			const response = await fetch(`${stripe.url}/v1${route}`, {
				method: 'POST',
				headers: {
					Authorization: `Bearer ${SECRET_KEY}`,
					'Content-Type': 'application/x-www-form-urlencoded',
				},
				body: new URLSearchParams(params),
			});
			return await response.json();
		};
		// the pay link as payInvoicesTogether makes it: the invoice lines in the session's metadata
		const metadata = {
			'metadata[books_customer_id]': 'W-EXP',
			'metadata[invoice_ids]': 'INV-E1,INV-E2',
			'metadata[invoice_lines]': '4500/135,2000/60',
			'metadata[invoice_count]': '2',
		};
		const session = await stripeApi('/checkout/sessions', {
			mode: 'payment',
			customer: customer.id,
			'line_items[0][quantity]': '1',
			'line_items[0][price_data][currency]': 'usd',
			'line_items[0][price_data][unit_amount]': '4635',
			'line_items[0][price_data][product_data][name]': 'Invoice INV-E1',
			'line_items[1][quantity]': '1',
			'line_items[1][price_data][currency]': 'usd',
			'line_items[1][price_data][unit_amount]': '2060',
			'line_items[1][price_data][product_data][name]': 'Invoice INV-E2',
			...metadata,
			...Object.fromEntries(
				Object.entries(metadata).map(([k, v]) => [
					k.replace('metadata', 'payment_intent_data[metadata]'),
					v,
				]),
			),
		});
		expect(session).toMatchObject({ status: 'open', payment_intent: null });
		expect(await stripeApi(`/checkout/sessions/${session.id}/expire`, {})).toMatchObject({
			status: 'expired',
		});
		const listed = await fetch(`${stripe.url}/v1/events?type=checkout.session.expired&limit=100`, {
			headers: { Authorization: `Bearer ${SECRET_KEY}` },
		});
		const event = (await listed.json()).data.find((e) => e.data.object.id === session.id);

		const result = await deliver(event, sign(JSON.stringify(event), SECRET));
		expect(result.statusCode).toBe(200);
		const [succeeded, failed, processing, requiresAction, canceled] = result.outputs ?? [];
		expect([succeeded, failed, processing, requiresAction].map((o) => o.length)).toEqual([
			0, 0, 0, 0,
		]);
		expect(canceled.map((r) => [r.invoiceId, r.status, r.paymentId, r.total.minor])).toEqual([
			['INV-E1', 'canceled', session.id, 4635],
			['INV-E2', 'canceled', session.id, 2060],
		]);
		expect(canceled[0]).toMatchObject({
			eventType: 'checkout.session.expired',
			checkoutSessionId: session.id,
			customer: { booksId: 'W-EXP', providerId: customer.id },
			failure: null,
		});
		// the same expiry told again (Stripe retries, or a second copy) starts nothing
		const copy = { ...event, id: `${event.id}_copy` };
		const second = await deliver(copy, sign(JSON.stringify(copy), SECRET));
		expect(second).toMatchObject({
			statusCode: 200,
			workflowData: null,
			body: { duplicateState: true },
		});
	});

	test('a failed payment carries its code and message on the Failed output', async () => {
		const customer = stripe.createCustomer({
			name: 'Decliner',
			metadata: { books_customer_id: 'W-FAIL' },
			defaultPaymentMethod: 'pm_card_chargeCustomerFail',
		});
		const response = await fetch(`${stripe.url}/v1/payment_intents`, {
			method: 'POST',
			headers: {
				Authorization: `Bearer ${SECRET_KEY}`,
				'Content-Type': 'application/x-www-form-urlencoded',
			},
			body: new URLSearchParams({
				amount: '4000',
				currency: 'usd',
				customer: customer.id,
				payment_method: customer.invoice_settings.default_payment_method,
				confirm: 'true',
				off_session: 'true',
				'metadata[invoice_ids]': 'INV-FAIL',
			}),
		});
		const intent = (await response.json()).error.payment_intent;
		const event = stripeEvent('payment_intent.payment_failed', intent);
		const result = await deliver(event, sign(JSON.stringify(event), SECRET));
		expect(result.outputs?.[1]).toHaveLength(1);
		expect(result.outputs?.[1][0]).toMatchObject({
			status: 'failed',
			invoiceId: 'INV-FAIL',
			failure: { code: 'card_declined' },
		});
	});
});

describe('What a signed Stripe event may claim', () => {
	const SECRET = 'whsec_engine_claims_secret';
	const manual = (extra = {}) =>
		triggerWorkflow({ provider: 'stripe', endpointMode: 'manual', ...extra });
	const credentials = (overrides = {}) =>
		stripeCredentials(stripe, { webhookSigningSecret: SECRET, ...overrides });
	let counter = 0;

	function paidIntent(invoiceId) {
		const customer = stripe.createCustomer({ name: `Claims ${++counter}` });
		const [intent] = stripe.seed({
			paymentIntents: [
				{
					customer: customer.id,
					amount: 2000,
					currency: 'usd',
					status: 'succeeded',
					paymentMethod: 'pm_card_visa',
					metadata: { invoice_ids: invoiceId },
				},
			],
		}).paymentIntents;
		return intent;
	}

	async function deliver(
		event,
		/** @type {{to?: object, overrides?: Record<string, string>}} */ {
			to = manual(),
			overrides,
		} = {},
	) {
		const body = JSON.stringify(event);
		return await deliverWebhook(
			to,
			TRIGGER,
			{ rawBody: body, headers: { 'Stripe-Signature': sign(body, SECRET) } },
			{ credentials: credentials(overrides) },
		);
	}

	const rereads = () => stripe.stats.byRoute['GET /v1/payment_intents/:id'] ?? 0;

	test.each([
		['a live event reaching a test-mode trigger', true, SECRET_KEY],
		['a test event reaching a live trigger', false, 'sk_live_engine_4242secret'],
		[
			'a test event reaching a trigger with a live restricted key',
			false,
			'rk_live_engine_4242secret',
		],
	])('%s: 200, nothing emitted, nothing read, a debug log', async (_, livemode, secretKey) => {
		const intent = paidIntent('INV-MODE');
		const event = { ...stripeEvent('payment_intent.succeeded', intent), livemode };
		const before = rereads();
		const { result, lines, all } = await logged(() => deliver(event, { overrides: { secretKey } }));
		expect(result).toMatchObject({
			statusCode: 200,
			workflowData: null,
			body: { received: true, ignored: 'livemode_mismatch' },
		});
		expect(rereads()).toBe(before);
		expect(lines.debug).toEqual([
			`Payment Webhook Trigger ignored event ${event.id} (payment_intent.succeeded): livemode_mismatch`,
		]);
		expect(all).not.toMatch(/whsec_|sk_test_|sk_live_|rk_live_/);
		// ignored, not remembered: nothing about it changes the answer to a later copy
		expect((await deliver(event, { overrides: { secretKey } })).body).toMatchObject({
			ignored: 'livemode_mismatch',
		});
	});

	test("an event of the key's own mode is taken, a restricted test key's too", async () => {
		const intent = paidIntent('INV-MODE-OK');
		const event = stripeEvent('payment_intent.succeeded', intent);
		const result = await deliver(event, { overrides: { secretKey: SECRET_KEY } });
		expect(result.outputs?.[0]).toEqual([
			expect.objectContaining({ invoiceId: 'INV-MODE-OK', livemode: false }),
		]);
		// (the local Stripe server knows one key: this trigger reads nothing back)
		const restricted = stripeEvent('payment_intent.succeeded', paidIntent('INV-MODE-RK'));
		const noReread = manual({ options: { rereadPayment: false } });
		const taken = await deliver(restricted, {
			to: noReread,
			overrides: { secretKey: 'rk_test_engine_restricted' },
		});
		expect(taken.outputs?.[0]).toEqual([
			expect.objectContaining({ invoiceId: 'INV-MODE-RK', eventId: restricted.id }),
		]);
	});

	test('an event type the trigger was not set to receive: 200, nothing emitted, a debug log', async () => {
		const onlySucceeded = manual({ events: ['payment_intent.succeeded'] });
		const intent = paidIntent('INV-TYPE');
		const failed = stripeEvent('payment_intent.payment_failed', {
			...intent,
			status: 'requires_payment_method',
		});
		const before = rereads();
		const { result, lines } = await logged(() => deliver(failed, { to: onlySucceeded }));
		expect(result).toMatchObject({
			statusCode: 200,
			workflowData: null,
			body: { ignored: 'event_not_selected' },
		});
		expect(rereads()).toBe(before);
		expect(lines.debug).toEqual([
			`Payment Webhook Trigger ignored event ${failed.id} (payment_intent.payment_failed): event_not_selected`,
		]);
		// a type the trigger never handles (an endpoint made by hand for every event) alike
		const other = stripeEvent('customer.created', { id: 'cus_x', object: 'customer' });
		expect(await deliver(other)).toMatchObject({
			statusCode: 200,
			workflowData: null,
			body: { ignored: 'event_not_selected' },
		});
		// what it was set to receive still comes through
		const succeeded = stripeEvent('payment_intent.succeeded', intent);
		expect((await deliver(succeeded, { to: onlySucceeded })).outputs?.[0]).toEqual([
			expect.objectContaining({ invoiceId: 'INV-TYPE' }),
		]);
	});

	test('a signed event naming a PaymentIntent the account does not have is acknowledged and ignored, with a warning', async () => {
		const intent = paidIntent('INV-GHOST');
		const ghost = { ...intent, id: 'pi_not_in_this_account' };
		const event = stripeEvent('payment_intent.succeeded', ghost);
		const { result, lines, all } = await logged(() => deliver(event));
		expect(result).toMatchObject({
			statusCode: 200,
			workflowData: null,
			body: { received: true, ignored: 'payment_not_found' },
		});
		expect(lines.warn).toEqual([
			`Payment Webhook Trigger ignored event ${event.id} (payment_intent.succeeded): payment_not_found`,
		]);
		expect(all).not.toMatch(/whsec_|sk_test_/);
		// Stripe's retry of it is a replay now, not another read
		expect(await deliver(event)).toMatchObject({
			statusCode: 200,
			workflowData: null,
			body: { duplicate: true },
		});
		// a refund of such a payment alike
		const refund = stripeEvent('charge.refunded', {
			id: 'ch_ghost',
			object: 'charge',
			amount: 2000,
			amount_refunded: 2000,
			currency: 'usd',
			payment_intent: ghost.id,
			metadata: { invoice_ids: 'INV-GHOST' },
		});
		expect(await deliver(refund)).toMatchObject({
			statusCode: 200,
			workflowData: null,
			body: { ignored: 'payment_not_found' },
		});
	});

	test('a re-read Stripe answers with a 5xx is answered 500, so Stripe delivers it again; the retry is processed', async () => {
		const intent = paidIntent('INV-5XX');
		const event = stripeEvent('payment_intent.succeeded', intent);
		// every attempt of the transport's retries fails
		stripe.setFaults({ error500AfterCommit: 10, on: `GET /v1/payment_intents/${intent.id}` });
		try {
			expect(await deliver(event)).toMatchObject({
				statusCode: 500,
				workflowData: null,
				body: { eventId: event.id },
			});
		} finally {
			stripe.setFaults({});
		}
		const retry = await deliver(event);
		expect(retry.outputs?.[0]).toEqual([
			expect.objectContaining({ invoiceId: 'INV-5XX', paymentId: intent.id }),
		]);
	});

	test('a signed event that cannot be read as a payment answers 400, not 500: no redelivery will read better', async () => {
		// Checkout in payment mode, no PaymentIntent yet and no amount: nothing says what was paid
		const session = {
			...fixtures['checkout.session'],
			mode: 'payment',
			payment_intent: null,
			amount_total: null,
			metadata: { invoice_ids: 'INV-UNREADABLE' },
		};
		const event = stripeEvent('checkout.session.completed', session);
		const { result, lines, all } = await logged(() => deliver(event));
		expect(result).toMatchObject({
			statusCode: 400,
			workflowData: null,
			body: { error: 'malformed event', reason: 'unreadable_event', eventId: event.id },
		});
		expect(lines.warn).toEqual([
			expect.stringContaining(
				`Payment Webhook Trigger could not read event ${event.id} (checkout.session.completed): Checkout Session ${session.id} has no amount or currency`,
			),
		]);
		expect(all).not.toMatch(/whsec_|sk_test_/);
		// not remembered as processed: Stripe's redelivery is told the same, not taken for a replay
		expect(await deliver(event)).toMatchObject({
			statusCode: 400,
			body: { reason: 'unreadable_event' },
		});
	});

	test('a re-read that cannot reach Stripe (refused, timed out) is answered 500', async () => {
		const closed = http.createServer();
		await new Promise((resolve) => closed.listen(0, '127.0.0.1', () => resolve(undefined)));
		const apiBaseUrl = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (closed.address()).port}`;
		await new Promise((resolve) => closed.close(resolve));
		const event = stripeEvent('payment_intent.succeeded', paidIntent('INV-DOWN'));
		expect(await deliver(event, { overrides: { apiBaseUrl } })).toMatchObject({
			statusCode: 500,
			workflowData: null,
		});
	});
});

describe('Stripe refunds, delivered by the local Stripe server', () => {
	const REFUNDED = 5;
	let receiver;
	beforeAll(async () => {
		receiver = await startReceiver();
	});
	afterAll(async () => {
		await receiver.close();
	});

	test('a Refund through the fake reaches the trigger as charge.refunded: partial, then full, on Refunded', async () => {
		const workflow = triggerWorkflow({ provider: 'stripe', endpointMode: 'automatic' });
		workflow.id = 'wf-refunds';
		const staticData = {};
		const options = {
			credentials: stripeCredentials(stripe),
			staticData,
			webhookBaseUrl: receiver.webhookBaseUrl,
		};
		await runHook(workflow, 'Payment Webhook Trigger', 'create', options);
		const endpoint = (await endpoints()).find((candidate) =>
			candidate.metadata.n8n_trigger?.startsWith('wf-refunds'),
		);
		expect(endpoint.enabled_events).toEqual(
			expect.arrayContaining([
				'charge.refunded',
				'refund.created',
				'refund.updated',
				'refund.failed',
			]),
		);

		const customer = stripe.createCustomer({
			name: 'Refunded Ltd',
			metadata: { books_customer_id: 'W-REF' },
		});
		const [intent] = stripe.seed({
			paymentIntents: [
				{
					customer: customer.id,
					amount: 10000,
					currency: 'usd',
					status: 'succeeded',
					paymentMethod: 'pm_card_visa',
					metadata: {
						books_customer_id: 'W-REF',
						invoice_ids: 'INV-R1',
						invoice_id: 'INV-R1',
						invoice_lines: '10000/0',
						invoice_count: '1',
					},
				},
			],
		}).paymentIntents;

		/** Refunds through our node, waits for the server's deliveries, hands each to the trigger. */
		const refundAndDeliver = async (amount) => {
			const refund = await runNode(
				stripe,
				'stripeInvoicePayment',
				{
					resource: 'payment',
					operation: 'refund',
					paymentId: intent.id,
					amount,
					reason: 'requested_by_customer',
				},
				[{}],
			);
			expect(refund.error).toBeUndefined();
			await stripe.webhooks.idle();
			return await handOver(receiver, workflow, options);
		};

		const partial = await refundAndDeliver('30.00');
		expect(partial.map((result) => result.type).sort()).toEqual([
			'charge.refunded',
			'refund.created',
		]);
		// Both events tell the same refund: one execution, on Refunded only.
		const emitted = partial.filter((result) => result.workflowData);
		expect(emitted).toHaveLength(1);
		expect(partial.find((result) => !result.workflowData)?.body).toMatchObject({
			duplicateState: true,
		});
		expect(emitted[0].outputs?.map((items) => items.length)).toEqual([0, 0, 0, 0, 0, 1, 0, 0]);
		expect(emitted[0].outputs?.[REFUNDED][0]).toMatchObject({
			kind: 'refund',
			status: 'succeeded',
			invoiceId: 'INV-R1',
			paymentId: intent.id,
			customer: { booksId: 'W-REF', providerId: customer.id },
			refund: { amountRefunded: { amount: '30.00' }, amountKept: { amount: '70.00' } },
		});

		const rest = await refundAndDeliver('');
		const full = rest.filter((result) => result.workflowData);
		expect(full).toHaveLength(1);
		expect(full[0].outputs?.[REFUNDED][0]).toMatchObject({
			kind: 'refund',
			status: 'refunded',
			refund: { amountRefunded: { amount: '100.00' }, amountKept: { amount: '0.00' } },
		});
		await runHook(workflow, 'Payment Webhook Trigger', 'delete', options);
	});
});

describe('Stripe disputes, delivered by the local Stripe server', () => {
	const DISPUTED = 7;
	let receiver;
	beforeAll(async () => {
		receiver = await startReceiver();
	});
	afterAll(async () => {
		await receiver.close();
	});

	test('charge.dispute.created and closed reach the Disputed output: the record the books keep under the dispute, the reasons for the team', async () => {
		const workflow = triggerWorkflow({ provider: 'stripe', endpointMode: 'automatic' });
		workflow.id = 'wf-disputes';
		const options = {
			credentials: stripeCredentials(stripe),
			staticData: {},
			webhookBaseUrl: receiver.webhookBaseUrl,
		};
		await runHook(workflow, 'Payment Webhook Trigger', 'create', options);
		const endpoint = (await endpoints()).find((candidate) =>
			candidate.metadata.n8n_trigger?.startsWith('wf-disputes'),
		);
		// the trigger's own endpoint subscribes to disputes by default
		expect(endpoint.enabled_events).toEqual(
			expect.arrayContaining(['charge.dispute.created', 'charge.dispute.closed']),
		);
		const customer = stripe.createCustomer({
			name: 'Disputed Ltd',
			metadata: { books_customer_id: 'W-DSP' },
		});
		const [intent] = stripe.seed({
			paymentIntents: [
				{
					customer: customer.id,
					amount: 8000,
					currency: 'usd',
					status: 'succeeded',
					paymentMethod: 'pm_card_visa',
					metadata: {
						books_customer_id: 'W-DSP',
						invoice_ids: 'INV-D1',
						invoice_id: 'INV-D1',
						invoice_lines: '8000/0',
						invoice_count: '1',
					},
				},
			],
		}).paymentIntents;
		receiver.received.splice(0);

		const dispute = stripe.dispute(intent.id, { reason: 'fraudulent' });
		await stripe.webhooks.idle();
		const opened = await handOver(receiver, workflow, options);
		expect(opened.map((result) => result.type)).toEqual(['charge.dispute.created']);
		expect(opened[0].outputs?.map((items) => items.length)).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
		const item = opened[0].outputs?.[DISPUTED][0];
		expect(item).toMatchObject({
			kind: 'dispute',
			statusFamily: 'disputed',
			invoiceId: 'INV-D1',
			paymentId: intent.id,
			status: 'succeeded',
			dispute: {
				id: dispute.id,
				status: 'needs_response',
				closed: false,
				recordStatus: 'pending',
				amount: { amount: '80.00', currency: 'usd' },
				reasons: [{ code: 'DISPUTE_OPEN', message: expect.stringContaining('fraudulent') }],
				// what the books keep: the invoice's record under the dispute's id and status
				mismatchRecord: {
					invoiceId: 'INV-D1',
					paymentId: dispute.id,
					status: 'pending',
					total: { amount: '80.00' },
				},
			},
		});

		stripe.closeDispute(dispute.id, 'lost');
		await stripe.webhooks.idle();
		const closed = await handOver(receiver, workflow, options);
		expect(closed.map((result) => result.type)).toEqual(['charge.dispute.closed']);
		expect(closed[0].outputs?.[DISPUTED][0]).toMatchObject({
			kind: 'dispute',
			dispute: {
				status: 'lost',
				closed: true,
				recordStatus: 'failed',
				reasons: [{ code: 'DISPUTE_LOST' }],
				mismatchRecord: { paymentId: dispute.id, status: 'failed' },
			},
		});
		await runHook(workflow, 'Payment Webhook Trigger', 'delete', options);
	});
});

describe('360 Payments events', () => {
	const KEY = 'gw360_signing_key_for_tests';
	const SECURITY_KEY = 'engine-trigger-security-key-5d1e';
	const workflow = triggerWorkflow({ provider: 'gateway360' });
	let gateway;
	let credentials;
	beforeAll(async () => {
		// the gateway keeps the transactions the trigger reads back; its own webhooks are taken from
		// gateway.webhooks.events and handed to the trigger here
		gateway = await startGateway360Server({
			securityKeys: [SECURITY_KEY],
			tokenKeys: ['engpub-trigger'],
		});
		credentials = {
			payments360Api: {
				securityKey: SECURITY_KEY,
				tokenKey: 'engpub-trigger',
				gatewayBaseUrl: gateway.url,
				webhookSigningKey: KEY,
			},
		};
	});
	afterAll(async () => {
		await gateway.close();
	});

	async function transact(fields) {
		const response = await fetch(`${gateway.url}/api/transact.php`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ security_key: SECURITY_KEY, ...fields }),
		});
		const answer = Object.fromEntries(new URLSearchParams(await response.text()));
		expect(answer.response).toBe(fields.expect ?? '1');
		return answer;
	}

	/** A sale of the web invoice at the gateway: its id and the event the gateway sent for it. */
	async function sale(
		orderId,
		/** @type {{amount?: string, ccnumber?: string, expect?: string}} */
		{ amount = '125.00', ccnumber = '4111111111111111', expect: outcome } = {},
	) {
		const sent = gateway.webhooks.events.length;
		const answer = await transact({
			type: 'sale',
			amount,
			currency: 'USD',
			payment_token: gateway.createToken({ ccnumber }),
			orderid: orderId,
			merchant_defined_field_1: 'cust-web',
			...(outcome ? { expect: outcome } : {}),
		});
		return { transactionId: answer.transactionid, event: gateway.webhooks.events[sent] };
	}

	async function refund(transactionId, amount) {
		gateway.settle();
		const sent = gateway.webhooks.events.length;
		await transact({ type: 'refund', transactionid: transactionId, amount });
		return gateway.webhooks.events[sent];
	}

	let nonce = 0;
	const signed = (event) => {
		const raw = JSON.stringify(event);
		return { raw, header: signGateway360Payload(raw, KEY, `nonce-${++nonce}`) };
	};
	const deliver = (raw, header, { to = workflow, deliverWith = deliverWebhook } = {}) =>
		deliverWith(
			to,
			TRIGGER,
			{ rawBody: raw, headers: header ? { 'Webhook-Signature': header } : {} },
			{ credentials },
		);
	const deliverEvent = (event, options) => {
		const { raw, header } = signed(event);
		return deliver(raw, header, options);
	};

	test('a signed sale success is the succeeded record the gateway holds for the web invoice', async () => {
		const { transactionId, event } = await sale('WEB-1001');
		expect(event.event_type).toBe('transaction.sale.success');
		const result = await deliverEvent(event);
		expect(result.statusCode).toBe(200);
		expect(result.outputs?.[0]).toEqual([
			expect.objectContaining({
				provider: 'gateway360',
				status: 'succeeded',
				invoiceId: 'WEB-1001',
				paymentId: transactionId,
				total: expect.objectContaining({ amount: '125.00', currency: 'usd', minor: 12500 }),
				customer: { booksId: 'cust-web', providerId: null },
				eventId: event.event_id,
			}),
		]);
	});

	test('the record comes from the gateway, not from the body: a signed body claiming more is told as the gateway has it', async () => {
		const { event } = await sale('WEB-1005', { amount: '10.00' });
		// the body is signed (the key is the merchant's), yet only points at the transaction
		const claims = {
			...event,
			event_body: {
				...event.event_body,
				order_id: 'WEB-OTHER',
				action: { ...event.event_body.action, amount: '999.00' },
			},
		};
		const result = await deliverEvent(claims);
		expect(result.outputs?.[0]).toEqual([
			expect.objectContaining({
				invoiceId: 'WEB-1005',
				total: expect.objectContaining({ amount: '10.00' }),
			}),
		]);
	});

	test('tampered, wrongly signed or unsigned: 401', async () => {
		const { event } = await sale('WEB-1002');
		const { raw, header } = signed(event);
		expect((await deliver(raw.replace('125.00', '1.00'), header)).statusCode).toBe(401);
		expect(
			(await deliver(raw, signGateway360Payload(raw, 'other-key', 'nonce-x'))).statusCode,
		).toBe(401);
		expect((await deliver(raw, undefined)).statusCode).toBe(401);
	});

	test('a replay starts nothing', async () => {
		const { event } = await sale('WEB-1003');
		const { raw, header } = signed(event);
		expect((await deliver(raw, header)).workflowData).not.toBeNull();
		expect(await deliver(raw, header)).toMatchObject({ statusCode: 200, workflowData: null });
	});

	test('a declined sale goes to Failed', async () => {
		const { event } = await sale('WEB-1004', { ccnumber: '4000000000000002', expect: '2' });
		expect(event.event_type).toBe('transaction.sale.failure');
		const result = await deliverEvent(event);
		expect(result.outputs?.[1]).toEqual([
			expect.objectContaining({
				status: 'failed',
				invoiceId: 'WEB-1004',
				failure: expect.objectContaining({ code: '200' }),
			}),
		]);
	});

	test("refunds go to Refunded with what went back in all and what the payment keeps, as Stripe's do", async () => {
		const { transactionId } = await sale('WEB-1006');
		const first = await deliverEvent(await refund(transactionId, '25.00'));
		expect(first.outputs?.map((items) => items.length)).toEqual([0, 0, 0, 0, 0, 1, 0, 0]);
		expect(first.outputs?.[5][0]).toMatchObject({
			kind: 'refund',
			status: 'succeeded',
			invoiceId: 'WEB-1006',
			paymentId: transactionId,
			refund: { amountRefunded: { amount: '25.00' }, amountKept: { amount: '100.00' } },
		});
		const rest = await deliverEvent(await refund(transactionId, '100.00'));
		expect(rest.outputs?.[5][0]).toMatchObject({
			kind: 'refund',
			status: 'refunded',
			refund: { amountRefunded: { amount: '125.00' }, amountKept: { amount: '0.00' } },
		});
	});

	test("a chargeback (NMI's chargeback.batch.complete) reaches Disputed: the sale's record now, kept under the chargeback for the team", async () => {
		const { transactionId } = await sale('WEB-1010', { amount: '60.00' });
		gateway.settle();
		const sent = gateway.webhooks.events.length;
		gateway.chargeBack(transactionId, '60.00', '10.4: Other Fraud');
		const batch = gateway.webhooks.events[sent];
		expect(batch.event_type).toBe('chargeback.batch.complete');
		// a batch of two: ours, and one whose sale the gateway does not have (another account's)
		const twoOf = {
			...batch,
			event_body: {
				...batch.event_body,
				count: 2,
				chargebacks: [
					...batch.event_body.chargebacks,
					{ ...batch.event_body.chargebacks[0], id: '999999999', amount: '5.00' },
				],
			},
		};
		const result = await deliverEvent(twoOf);
		expect(result.statusCode).toBe(200);
		expect(result.outputs?.map((items) => items.length)).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
		const item = result.outputs?.[7][0];
		expect(item).toMatchObject({
			provider: 'gateway360',
			kind: 'dispute',
			statusFamily: 'disputed',
			invoiceId: 'WEB-1010',
			paymentId: transactionId,
			eventType: 'chargeback.batch.complete',
			// the gateway's record now: the money taken back is out of the invoice's payment
			status: 'refunded',
			chargeback: { amount: { amount: '60.00' } },
			dispute: {
				status: 'chargeback',
				reason: '10.4: Other Fraud',
				amount: { amount: '60.00', currency: 'usd' },
				closed: false,
				recordStatus: 'pending',
				reasons: [{ code: 'CHARGEBACK', message: expect.stringContaining('60.00 USD') }],
				mismatchRecord: {
					invoiceId: 'WEB-1010',
					paymentId: expect.stringMatching(new RegExp(`^chargeback:${transactionId}:`)),
					status: 'pending',
				},
			},
		});
		expect(item?.dispute?.id).toBe(item?.dispute?.mismatchRecord?.paymentId);
		// the same batch again (another event id): the same state, no second execution
		const again = await deliverEvent({ ...twoOf, event_id: `${twoOf.event_id}-again` });
		expect(again).toMatchObject({ statusCode: 200, workflowData: null });
		// a batch of sales of no invoice of ours: acknowledged, nothing run
		const none = await deliverEvent({
			...batch,
			event_id: `${batch.event_id}-none`,
			event_body: {
				...batch.event_body,
				chargebacks: [{ ...batch.event_body.chargebacks[0], id: '999999998' }],
			},
		});
		expect(none).toMatchObject({ statusCode: 200, workflowData: null });
	});

	test('a chargeback batch with "Re-read payment" off names no invoice: acknowledged and ignored', async () => {
		const { transactionId } = await sale('WEB-1012', { amount: '30.00' });
		const sent = gateway.webhooks.events.length;
		gateway.chargeBack(transactionId);
		const noReread = triggerWorkflow({
			provider: 'gateway360',
			options: { rereadPayment: false },
		});
		const result = await deliverEvent(gateway.webhooks.events[sent], { to: noReread });
		expect(result).toMatchObject({ statusCode: 200, workflowData: null });
		expect(result.body).toMatchObject({ ignored: 'dispute_payment_unknown' });
	});

	test('an event naming a transaction the gateway does not have is acknowledged and ignored, with a warning', async () => {
		const { event } = await sale('WEB-1007');
		const ghost = {
			...event,
			event_id: `${event.event_id}-ghost`,
			event_body: { ...event.event_body, transaction_id: '999999999' },
		};
		const { result, lines } = await logged(() => deliverEvent(ghost));
		expect(result).toMatchObject({
			statusCode: 200,
			workflowData: null,
			body: { ignored: 'payment_not_found' },
		});
		expect(lines.warn).toEqual([
			`Payment Webhook Trigger ignored event ${ghost.event_id} (transaction.sale.success): payment_not_found`,
		]);
	});

	test('a gateway that cannot be reached answers 500, so the gateway delivers again; the retry is processed', async () => {
		const { event } = await sale('WEB-1008');
		gateway.setDown(true);
		try {
			expect(await deliverEvent(event)).toMatchObject({ statusCode: 500, workflowData: null });
		} finally {
			gateway.setDown(false);
		}
		expect((await deliverEvent(event)).outputs?.[0]).toEqual([
			expect.objectContaining({ invoiceId: 'WEB-1008' }),
		]);
	});

	describe('replay of captured events, across a restart or another worker', () => {
		const BOOKS_TOKEN = 'books-token-replay';
		let books;
		beforeAll(async () => {
			books = await startBooksApi({
				token: BOOKS_TOKEN,
				seed: {
					customers: [
						{
							id: 'cust-web',
							name: 'Web Customer',
							email: 'web@example.com',
							accountsEmail: null,
							accountsCcEmail: null,
							stripeCustomerId: null,
						},
					],
					invoices: [
						{
							id: 'WEB-R1',
							number: 'WEB-R1',
							customerId: 'cust-web',
							currency: 'USD',
							total: '125.00',
							balance: '125.00',
							createdAt: '2026-11-01',
							dueDate: '2026-11-30',
							recurringInvoiceId: null,
							status: 'open',
							paymentStatus: 'unpaid',
							sentToProvider: true,
						},
					],
				},
			});
		});
		afterAll(async () => {
			await books.close();
		});

		/** What a payment-status workflow does with an item: the books' record, idempotent by payment id. */
		async function record(item) {
			const response = await fetch(
				`${books.url}/invoices/${encodeURIComponent(item.invoiceId)}/payments`,
				{
					method: 'POST',
					headers: { Authorization: `Bearer ${BOOKS_TOKEN}`, 'Content-Type': 'application/json' },
					body: JSON.stringify(item),
				},
			);
			expect(response.status).toBeLessThan(300);
			return await response.json();
		}
		const emitted = (result) => result.outputs.flat();
		const booksView = async () => {
			const invoice = await (
				await fetch(`${books.url}/invoices/WEB-R1`, {
					headers: { Authorization: `Bearer ${BOOKS_TOKEN}` },
				})
			).json();
			const payments = await (
				await fetch(`${books.url}/invoices/WEB-R1/payments`, {
					headers: { Authorization: `Bearer ${BOOKS_TOKEN}` },
				})
			).json();
			return {
				invoice: {
					balance: invoice.balance,
					status: invoice.status,
					paymentStatus: invoice.paymentStatus,
				},
				payments: payments.map((payment) => ({
					paymentId: payment.paymentId,
					status: payment.status,
					refund: payment.refund,
				})),
			};
		};

		/** The trigger as a process that never saw these events: a restarted n8n, or another worker. */
		function freshProcess() {
			/** @type {typeof import('./harness') | undefined} */
			let harness;
			jest.isolateModules(() => {
				harness = require('./harness');
			});
			if (!harness) throw new Error('jest.isolateModules did not load the harness');
			return harness.deliverWebhook;
		}

		test('a sale and two partial refunds, delivered again in any order to a fresh process: the books see nothing new', async () => {
			// each event delivered as it happens, its record kept by the books
			const captured = [];
			const happened = async (event) => {
				captured.push(signed(event));
				const items = emitted(await deliver(captured.at(-1).raw, captured.at(-1).header));
				expect(items).toHaveLength(1);
				const answer = await record(items[0]);
				expect(answer.payment).toMatchObject({ status: items[0].status, refund: items[0].refund });
				return answer;
			};
			const { transactionId, event: paid } = await sale('WEB-R1');
			expect(await happened(paid)).toMatchObject({ created: true, statusChanged: true });
			await happened(await refund(transactionId, '25.00'));
			await happened(await refund(transactionId, '50.00'));
			const settled = await booksView();
			expect(settled).toEqual({
				invoice: { balance: '75.00', status: 'open', paymentStatus: 'partially_paid' },
				payments: [
					{
						paymentId: transactionId,
						status: 'succeeded',
						refund: {
							amountRefunded: expect.objectContaining({ amount: '75.00' }),
							amountKept: expect.objectContaining({ amount: '50.00' }),
						},
					},
				],
			});

			// the captured requests sent again (an attacker, or the gateway's retries), oldest last,
			// to two processes that never saw them: a restarted n8n, another worker
			for (const deliverWith of [freshProcess(), freshProcess()]) {
				const results = [];
				for (const { raw, header } of [...captured].reverse())
					results.push(await deliver(raw, header, { deliverWith }));
				expect(results.map((result) => result.statusCode)).toEqual([200, 200, 200]);
				// each reports the present state: the first emits it, the others are that state again
				const items = results.filter((result) => result.workflowData).flatMap(emitted);
				expect(items).toEqual([
					expect.objectContaining({
						paymentId: transactionId,
						refund: expect.objectContaining({
							amountRefunded: expect.objectContaining({ amount: '75.00' }),
						}),
					}),
				]);
				expect(
					results.filter((result) => !result.workflowData).map((result) => result.body),
				).toEqual([
					{ received: true, duplicateState: true },
					{ received: true, duplicateState: true },
				]);
				expect(await record(items[0])).toMatchObject({ created: false, statusChanged: false });
				expect(await booksView()).toEqual(settled);
			}
		});
	});
});

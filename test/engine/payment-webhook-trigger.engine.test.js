import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import Stripe from 'stripe';

import { signGateway360Payload } from '../../nodes/core/webhooks/gateway360Signature';
import { STRIPE_WEBHOOK_EVENTS } from '../../nodes/core/webhooks/paymentStatusEvent';
import { deliverWebhook, runHook } from './harness';
import { PACKAGE_NAME } from './package-types';
import { runNode, SECRET_KEY, startStripe, stripeCredentials } from './stripe-node';

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
	Stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp ? { timestamp } : {}) });

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

async function endpoints() {
	const response = await fetch(`${stripe.url}/v1/webhook_endpoints?limit=100`, {
		headers: { Authorization: `Bearer ${SECRET_KEY}` },
	});
	return (await response.json()).data;
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
		expect(list[0].url).toBe('http://127.0.0.1:5678/webhook/b0b1c2d3-0000-4000-8000-000000000001/payment-status');
		expect(list[0].enabled_events).toContain('payment_intent.succeeded');
		// n8n keeps the endpoint and its secret in the node's static data, saved with the workflow.
		expect(staticData['node:Payment Webhook Trigger']).toEqual({
			endpointId: list[0].id,
			endpointSecret: expect.stringMatching(/^whsec_/),
		});
		expect(await runHook(workflow, 'Payment Webhook Trigger', 'checkExists', options)).toBe(true);

		const narrower = triggerWorkflow({ provider: 'stripe', endpointMode: 'automatic', events: ['payment_intent.succeeded'] });
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
		const older = triggerWorkflow({ provider: 'stripe', endpointMode: 'automatic', events: before });
		await runHook(older, 'Payment Webhook Trigger', 'create', options);
		const [made] = await endpoints();
		expect(made.enabled_events).not.toContain('checkout.session.expired');
		const secret = staticData['node:Payment Webhook Trigger'].endpointSecret;

		// n8n activates the workflow again (a restart, a new version of the package)
		expect(await runHook(byDefault, 'Payment Webhook Trigger', 'checkExists', options)).toBe(false);
		await runHook(byDefault, 'Payment Webhook Trigger', 'create', options);
		const list = await endpoints();
		expect(list).toHaveLength(1);
		expect(list[0].id).toBe(made.id);
		expect([...list[0].enabled_events].sort()).toEqual([...STRIPE_WEBHOOK_EVENTS].sort());
		expect(list[0].enabled_events).toContain('checkout.session.expired');
		expect(staticData['node:Payment Webhook Trigger'].endpointSecret).toBe(secret);
		expect(await runHook(byDefault, 'Payment Webhook Trigger', 'checkExists', options)).toBe(true);

		await runHook(byDefault, 'Payment Webhook Trigger', 'delete', options);
		expect(await endpoints()).toHaveLength(0);
	});

	test('manual mode without a signing secret cannot be activated', async () => {
		const workflow = triggerWorkflow({ provider: 'stripe', endpointMode: 'manual' });
		await expect(
			runHook(workflow, 'Payment Webhook Trigger', 'create', { credentials: stripeCredentials(stripe) }),
		).rejects.toThrow(
			'The credential has no Webhook Signing Secret: without it no event can be verified, so the trigger cannot be activated',
		);
	});
});

describe('Stripe events', () => {
	const SECRET = 'whsec_engine_manual_secret';
	const workflow = triggerWorkflow({ provider: 'stripe', endpointMode: 'manual' });
	const credentials = () => stripeCredentials(stripe, { webhookSigningSecret: SECRET });
	let counter = 0;

	function paymentIntent(status, invoiceLines, extra = {}) {
		const customer = stripe.createCustomer({ name: `Webhook ${++counter}`, metadata: { books_customer_id: `W-${counter}` } });
		const metadata = {
			books_customer_id: `W-${counter}`,
			invoice_ids: invoiceLines.map(([id]) => id).join(','),
			invoice_lines: invoiceLines.map(([, amount, fee]) => `${amount}/${fee}`).join(','),
		};
		const amount = invoiceLines.reduce((sum, [, a, f]) => sum + a + f, 0);
		const [intent] = stripe.seed({
			paymentIntents: [{ customer: customer.id, amount, currency: 'usd', status, metadata, paymentMethod: 'pm_card_visa', ...extra }],
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
		const result = await deliver(event, sign(JSON.stringify(event), SECRET), undefined, { to: versionOne });
		expect(result.statusCode).toBe(200);
		expect(result.outputs[0]).toEqual([expect.objectContaining({ invoiceId: 'INV-V1', paymentId: intent.id })]);
		const forged = await deliver(event, sign(JSON.stringify(event), 'whsec_someone_else'), undefined, { to: versionOne });
		expect(forged).toMatchObject({ statusCode: 401, workflowData: null });
	});

	test('a body n8n left unread (a content type it does not parse) is read and verified', async () => {
		const intent = paymentIntent('succeeded', [['INV-RAW', 4100, 0]]);
		const event = stripeEvent('payment_intent.succeeded', intent);
		const body = JSON.stringify(event);
		const result = await deliver(event, sign(body, SECRET), body, { bodyUnread: true });
		expect(result.statusCode).toBe(200);
		expect(result.outputs[0]).toEqual([expect.objectContaining({ invoiceId: 'INV-RAW', eventId: event.id })]);
		const tampered = await deliver(event, sign(body, SECRET), body.replace('INV-RAW', 'INV-RAX'), { bodyUnread: true });
		expect(tampered).toMatchObject({ statusCode: 401, workflowData: null, body: { reason: 'mismatch' } });
	});

	test('a valid event emits the payment record on its status output', async () => {
		const intent = paymentIntent('succeeded', [['INV-W1', 10000, 290]]);
		const event = stripeEvent('payment_intent.succeeded', intent);
		const result = await deliver(event, sign(JSON.stringify(event), SECRET));
		expect(result.statusCode).toBe(200);
		const [succeeded, failed, processing, requiresAction, canceled] = result.outputs;
		expect([failed, processing, requiresAction, canceled].map((o) => o.length)).toEqual([0, 0, 0, 0]);
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
		['tampered body', (e, body) => [sign(body, SECRET), body.replace('"succeeded"', '"succeedeD"')], 'mismatch'],
		['wrong secret', (e, body) => [sign(body, 'whsec_someone_else'), body], 'mismatch'],
		['stale timestamp', (e, body) => [sign(body, SECRET, Math.floor(Date.now() / 1000) - 301), body], 'stale'],
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
		expect(result.outputs[0][0].invoiceId).toBe('INV-ROLL');
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
		expect(second).toMatchObject({ statusCode: 200, workflowData: null, body: { duplicate: true } });
	});

	test('an out-of-order pair never moves a payment backwards', async () => {
		const intent = paymentIntent('succeeded', [['INV-ORDER', 5000, 0]]);
		const older = stripeEvent('payment_intent.processing', { ...intent, status: 'processing' }, intent.created);
		const newer = stripeEvent('payment_intent.succeeded', intent, intent.created + 5);
		const first = await deliver(newer, sign(JSON.stringify(newer), SECRET));
		expect(first.outputs[0].map((r) => r.status)).toEqual(['succeeded']);
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
		expect(result.outputs[0].map((r) => [r.invoiceId, r.amount.minor, r.fee.minor, r.paymentId, r.combinedPaymentId])).toEqual([
			['INV-C1', 10000, 300, intent.id, intent.id],
			['INV-C2', 2500, 75, intent.id, intent.id],
			['INV-C3', 999, 30, intent.id, intent.id],
		]);
	});

	test('an expired pay link: each invoice canceled on the Canceled output, under the session id, once', async () => {
		const customer = stripe.createCustomer({ name: 'Never Paid', metadata: { books_customer_id: 'W-EXP' } });
		const stripeApi = async (route, params) => {
			const response = await fetch(`${stripe.url}/v1${route}`, {
				method: 'POST',
				headers: { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'application/x-www-form-urlencoded' },
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
			...Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k.replace('metadata', 'payment_intent_data[metadata]'), v])),
		});
		expect(session).toMatchObject({ status: 'open', payment_intent: null });
		expect(await stripeApi(`/checkout/sessions/${session.id}/expire`, {})).toMatchObject({ status: 'expired' });
		const listed = await fetch(`${stripe.url}/v1/events?type=checkout.session.expired&limit=100`, {
			headers: { Authorization: `Bearer ${SECRET_KEY}` },
		});
		const event = (await listed.json()).data.find((e) => e.data.object.id === session.id);

		const result = await deliver(event, sign(JSON.stringify(event), SECRET));
		expect(result.statusCode).toBe(200);
		const [succeeded, failed, processing, requiresAction, canceled] = result.outputs;
		expect([succeeded, failed, processing, requiresAction].map((o) => o.length)).toEqual([0, 0, 0, 0]);
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
		expect(second).toMatchObject({ statusCode: 200, workflowData: null, body: { duplicateState: true } });
	});

	test('a failed payment carries its code and message on the Failed output', async () => {
		const customer = stripe.createCustomer({ name: 'Decliner', metadata: { books_customer_id: 'W-FAIL' }, defaultPaymentMethod: 'pm_card_chargeCustomerFail' });
		const response = await fetch(`${stripe.url}/v1/payment_intents`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'application/x-www-form-urlencoded' },
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
		expect(result.outputs[1]).toHaveLength(1);
		expect(result.outputs[1][0]).toMatchObject({ status: 'failed', invoiceId: 'INV-FAIL', failure: { code: 'card_declined' } });
	});
});

describe('Stripe refunds, delivered by the local Stripe server', () => {
	const REFUNDED = 5;
	let receiver;
	const received = [];
	beforeAll(async () => {
		// Where the Stripe server POSTs its signed events: each is then handed to the trigger.
		receiver = http.createServer((request, response) => {
			const chunks = [];
			request.on('data', (chunk) => chunks.push(chunk));
			request.on('end', () => {
				received.push({ headers: request.headers, rawBody: Buffer.concat(chunks) });
				response.writeHead(200).end();
			});
		});
		await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	});
	afterAll(async () => {
		await new Promise((resolve) => receiver.close(resolve));
	});

	test('a Refund through the fake reaches the trigger as charge.refunded: partial, then full, on Refunded', async () => {
		const workflow = triggerWorkflow({ provider: 'stripe', endpointMode: 'automatic' });
		workflow.id = 'wf-refunds';
		const staticData = {};
		const options = {
			credentials: stripeCredentials(stripe),
			staticData,
			webhookBaseUrl: `http://127.0.0.1:${receiver.address().port}/webhook`,
		};
		await runHook(workflow, 'Payment Webhook Trigger', 'create', options);
		const endpoint = (await endpoints()).find((candidate) => candidate.metadata.n8n_trigger?.startsWith('wf-refunds'));
		expect(endpoint.enabled_events).toEqual(expect.arrayContaining(['charge.refunded', 'refund.created', 'refund.updated', 'refund.failed']));

		const customer = stripe.createCustomer({ name: 'Refunded Ltd', metadata: { books_customer_id: 'W-REF' } });
		const [intent] = stripe.seed({
			paymentIntents: [{
				customer: customer.id,
				amount: 10000,
				currency: 'usd',
				status: 'succeeded',
				paymentMethod: 'pm_card_visa',
				metadata: { books_customer_id: 'W-REF', invoice_ids: 'INV-R1', invoice_id: 'INV-R1', invoice_lines: '10000/0', invoice_count: '1' },
			}],
		}).paymentIntents;

		/** Refunds through our node, waits for the server's deliveries, hands each to the trigger. */
		const refundAndDeliver = async (amount) => {
			const refund = await runNode(stripe, 'stripeInvoicePayment', { resource: 'payment', operation: 'refund', paymentId: intent.id, amount, reason: 'requested_by_customer' }, [{}]);
			expect(refund.error).toBeUndefined();
			await stripe.webhooks.idle();
			const deliveries = received.splice(0);
			const results = [];
			for (const delivery of deliveries) {
				const event = JSON.parse(delivery.rawBody.toString('utf8'));
				const result = await deliverWebhook(
					workflow,
					'Payment Webhook Trigger',
					{ rawBody: delivery.rawBody, headers: { 'Stripe-Signature': delivery.headers['stripe-signature'] } },
					{ credentials: stripeCredentials(stripe), staticData },
				);
				results.push({ type: event.type, ...result });
			}
			return results;
		};

		const partial = await refundAndDeliver('30.00');
		expect(partial.map((result) => result.type).sort()).toEqual(['charge.refunded', 'refund.created']);
		// Both events tell the same refund: one execution, on Refunded only.
		const emitted = partial.filter((result) => result.workflowData);
		expect(emitted).toHaveLength(1);
		expect(partial.find((result) => !result.workflowData).body).toMatchObject({ duplicateState: true });
		expect(emitted[0].outputs.map((items) => items.length)).toEqual([0, 0, 0, 0, 0, 1]);
		expect(emitted[0].outputs[REFUNDED][0]).toMatchObject({
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
		expect(full[0].outputs[REFUNDED][0]).toMatchObject({
			kind: 'refund',
			status: 'refunded',
			refund: { amountRefunded: { amount: '100.00' }, amountKept: { amount: '0.00' } },
		});
		await runHook(workflow, 'Payment Webhook Trigger', 'delete', options);
	});
});

describe('360 Payments events', () => {
	const KEY = 'gw360_signing_key_for_tests';
	const workflow = triggerWorkflow({ provider: 'gateway360' });
	const credentials = {
		payments360Api: { securityKey: 'sec_x', tokenKey: 'tok_x', gatewayBaseUrl: 'http://127.0.0.1:9', webhookSigningKey: KEY },
	};
	const body = (eventId, type = 'transaction.sale.success', orderId = 'WEB-1001') =>
		JSON.stringify({
			event_id: eventId,
			event_type: type,
			event_body: {
				transaction_id: `tx_${eventId}`,
				order_id: orderId,
				action: { amount: '125.00', action_type: 'sale', date: '20261123120000', success: '1', response_text: 'Approved' },
				currency: 'USD',
				condition: 'complete',
			},
		});
	const deliver = (raw, header) =>
		deliverWebhook(workflow, 'Payment Webhook Trigger', { rawBody: raw, headers: header ? { 'Webhook-Signature': header } : {} }, { credentials });

	test('a signed sale success is a succeeded record for the web invoice', async () => {
		const raw = body('e360-1');
		const result = await deliver(raw, signGateway360Payload(raw, KEY, 'nonce-1'));
		expect(result.statusCode).toBe(200);
		expect(result.outputs[0][0]).toMatchObject({ provider: 'gateway360', status: 'succeeded', invoiceId: 'WEB-1001' });
	});

	test('tampered, wrongly signed or unsigned: 401', async () => {
		const raw = body('e360-2');
		const header = signGateway360Payload(raw, KEY, 'nonce-2');
		expect((await deliver(raw.replace('125.00', '1.00'), header)).statusCode).toBe(401);
		expect((await deliver(raw, signGateway360Payload(raw, 'other-key', 'nonce-2'))).statusCode).toBe(401);
		expect((await deliver(raw, undefined)).statusCode).toBe(401);
	});

	test('a replay starts nothing', async () => {
		const raw = body('e360-3');
		const header = signGateway360Payload(raw, KEY, 'nonce-3');
		expect((await deliver(raw, header)).workflowData).not.toBeNull();
		expect(await deliver(raw, header)).toMatchObject({ statusCode: 200, workflowData: null });
	});

	test('a failed sale goes to Failed', async () => {
		const raw = body('e360-4', 'transaction.sale.failure', 'WEB-1002');
		const result = await deliver(raw, signGateway360Payload(raw, KEY, 'nonce-4'));
		expect(result.outputs[1][0]).toMatchObject({ status: 'failed', invoiceId: 'WEB-1002' });
	});

	test('a refund goes to Refunded, as a Stripe refund does', async () => {
		const raw = body('e360-5', 'transaction.refund.success', 'WEB-1003');
		const result = await deliver(raw, signGateway360Payload(raw, KEY, 'nonce-5'));
		expect(result.outputs.map((items) => items.length)).toEqual([0, 0, 0, 0, 0, 1]);
		expect(result.outputs[5][0]).toMatchObject({ kind: 'refund', invoiceId: 'WEB-1003', refund: { amountRefunded: { amount: '125.00' }, amountKept: null } });
	});
});

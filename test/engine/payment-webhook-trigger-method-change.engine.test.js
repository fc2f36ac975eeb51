// @ts-check
/**
 * The Payment Webhook Trigger's Payment Method Changed output: the events that mean "the
 * customer's automatic payment method changed" (customer.updated with a new
 * invoice_settings.default_payment_method, payment_method.attached, setup_intent.succeeded),
 * made by the local Stripe server as Stripe makes them (attach, update, a setup-mode Checkout
 * Session), delivered to a receiver signed with the endpoint's real secret and handed to the
 * trigger as n8n would. The rules: nodes/core/webhooks/stripeEvent.ts, paymentMethodChange.ts.
 */
import Stripe from 'stripe';

import { TRIGGER_OUTPUT_NAMES } from '../../nodes/core/webhooks/paymentMethodChange';
import { deliverWebhook, runHook } from './harness';
import { startReceiver } from './payment-webhook-trigger-receiver';
import { PACKAGE_NAME } from './package-types';
import { SECRET_KEY, startStripe, stripeCredentials } from './stripe-node';

const TRIGGER = 'Payment Webhook Trigger';
const CHANGED = TRIGGER_OUTPUT_NAMES.indexOf('Payment Method Changed');
const SUCCEEDED = TRIGGER_OUTPUT_NAMES.indexOf('Succeeded');

function triggerWorkflow(parameters) {
	return {
		id: 'wf-method-change',
		name: 'Payment status',
		nodes: [
			{
				id: 'trigger-node',
				name: TRIGGER,
				type: `${PACKAGE_NAME}.paymentWebhookTrigger`,
				typeVersion: 2,
				position: [0, 0],
				webhookId: 'b0b1c2d3-0000-4000-8000-00000000c4a6',
				parameters,
				credentials: { stripeInvoicePaymentsApi: { id: '1', name: 'Stripe' } },
			},
		],
		connections: {},
	};
}

let stripe;
let receiver;
beforeAll(async () => {
	stripe = await startStripe();
	receiver = await startReceiver();
});
afterAll(async () => {
	await receiver.close();
	await stripe.close();
});

/** A Stripe API call as any integration (or the Dashboard) makes it: its events follow. */
async function api(method, path, params = {}) {
	const response = await fetch(`${stripe.url}/v1${path}`, {
		method,
		headers: {
			Authorization: `Bearer ${SECRET_KEY}`,
			'Content-Type': 'application/x-www-form-urlencoded',
		},
		body: method === 'GET' ? undefined : new URLSearchParams(params),
	});
	const body = await response.json();
	if (response.status >= 300) throw new Error(`${method} ${path}: ${JSON.stringify(body)}`);
	return body;
}

/** An activated trigger (its own endpoint in Stripe, subscribed to `events` or the default). */
async function activated(parameters = {}) {
	const workflow = triggerWorkflow({
		provider: 'stripe',
		endpointMode: 'automatic',
		...parameters,
	});
	const options = {
		credentials: stripeCredentials(stripe),
		staticData: {},
		webhookBaseUrl: receiver.webhookBaseUrl,
	};
	await runHook(workflow, TRIGGER, 'create', options);
	receiver.received.splice(0);
	return {
		/** Every delivery received so far, handed to the trigger in order: [{type, result}] */
		/** @param {{tamper?: (event: any) => void, first?: string}} [options] */
		async handOver({ tamper, first } = {}) {
			await stripe.webhooks.idle();
			const results = [];
			const deliveries = receiver.received.splice(0);
			// Stripe delivers in any order: `first` names the event type handed over first
			const typeOf = (delivery) => JSON.parse(delivery.rawBody.toString('utf8')).type;
			if (first)
				deliveries.sort((a, b) => Number(typeOf(b) === first) - Number(typeOf(a) === first));
			for (const delivery of deliveries) {
				const rawBody = tamper ? tamper(delivery.rawBody.toString('utf8')) : delivery.rawBody;
				const result = await deliverWebhook(
					workflow,
					TRIGGER,
					{ rawBody, headers: { 'Stripe-Signature': delivery.headers['stripe-signature'] } },
					options,
				);
				const { type, id } = JSON.parse(delivery.rawBody.toString('utf8'));
				results.push({ type, id, ...result });
			}
			return results;
		},
		deactivate: () => runHook(workflow, TRIGGER, 'delete', options),
	};
}

/** A mapped customer whose automatic method is a card every charge of which declines. */
/**
 * @param {string} name
 * @param {Record<string, string>} [metadata]
 */
async function customerWithFailingCard(name, metadata = { books_customer_id: `B-${name}` }) {
	const customer = stripe.createCustomer({
		name,
		metadata,
		defaultPaymentMethod: 'pm_card_chargeCustomerFail',
	});
	return { customer, failingCard: customer.invoice_settings.default_payment_method };
}

const ofType = (results, type) => results.filter((r) => r.type === type);
const changedItems = (results) => results.flatMap((r) => r.outputs?.[CHANGED] ?? []);

test('the trigger has a Payment Method Changed output after the six payment-status outputs, and its endpoint subscribes to the events that change a method', async () => {
	expect(TRIGGER_OUTPUT_NAMES).toEqual([
		'Succeeded',
		'Failed',
		'Processing',
		'Requires Action',
		'Canceled',
		'Refunded',
		'Payment Method Changed',
		'Disputed',
	]);
	const trigger = await activated();
	const [endpoint] = (await api('GET', '/webhook_endpoints')).data;
	expect(endpoint.enabled_events).toEqual(
		expect.arrayContaining([
			'customer.updated',
			'payment_method.attached',
			'setup_intent.succeeded',
		]),
	);
	await trigger.deactivate();
});

test('a new card attached and made the default: one change on its own output, with the new method, the old one and the books customer', async () => {
	const trigger = await activated();
	const { customer, failingCard } = await customerWithFailingCard('Attach Then Default');
	const card = await api('POST', '/payment_methods/pm_card_visa/attach', { customer: customer.id });
	// before it is the default, the attach tells no change: the update that makes it so will
	const [attached] = await trigger.handOver();
	expect(attached).toMatchObject({
		type: 'payment_method.attached',
		statusCode: 200,
		workflowData: null,
		body: { received: true, ignored: 'not_automatic_method' },
	});

	await api('POST', `/customers/${customer.id}`, {
		'invoice_settings[default_payment_method]': card.id,
	});
	const [updated] = await trigger.handOver();
	expect(updated.type).toBe('customer.updated');
	expect(updated.statusCode).toBe(200);
	expect(updated.outputs?.map((items) => items.length)).toEqual([0, 0, 0, 0, 0, 0, 1, 0]);
	expect(updated.outputs?.[CHANGED][0]).toEqual({
		provider: 'stripe',
		kind: 'payment_method_changed',
		eventId: updated.id,
		eventType: 'customer.updated',
		occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
		livemode: false,
		stripeCustomerId: customer.id,
		booksCustomerId: 'B-Attach Then Default',
		paymentMethodId: card.id,
		paymentMethod: { id: card.id, label: 'Visa •••• 4242' },
		previousPaymentMethodId: failingCard,
		setupIntentId: null,
	});
	await trigger.deactivate();
});

test('the events of one change start one execution, whichever arrives first', async () => {
	const trigger = await activated();
	const { customer } = await customerWithFailingCard('One Change');
	// attached and made the default before any event is handled: both re-read the same customer
	const card = await api('POST', '/payment_methods/pm_card_mastercard/attach', {
		customer: customer.id,
	});
	await api('POST', `/customers/${customer.id}`, {
		'invoice_settings[default_payment_method]': card.id,
	});
	const results = await trigger.handOver();
	expect(results.map((r) => r.type)).toEqual(['payment_method.attached', 'customer.updated']);
	expect(changedItems(results)).toEqual([
		expect.objectContaining({ eventType: 'payment_method.attached', paymentMethodId: card.id }),
	]);
	expect(ofType(results, 'customer.updated')[0]).toMatchObject({
		statusCode: 200,
		workflowData: null,
		body: { duplicateState: true },
	});
	await trigger.deactivate();
});

test('the add-method link (Checkout in setup mode): the method added goes to Succeeded as before; making it automatic is the change', async () => {
	const trigger = await activated();
	const { customer } = await customerWithFailingCard('Add Method Link');
	const session = await api('POST', '/checkout/sessions', {
		mode: 'setup',
		customer: customer.id,
		currency: 'usd',
		success_url: 'https://example.com/added',
		'allowed_payment_method_types[0]': 'card',
		'metadata[make_automatic]': 'true',
		'setup_intent_data[metadata][make_automatic]': 'true',
	});
	const { setupIntent } = stripe.completeCheckoutSession(session.id, {
		paymentMethod: 'pm_card_visa',
	});
	const added = await trigger.handOver();
	// nothing on Payment Method Changed yet: the new card is not the automatic one
	expect(changedItems(added)).toEqual([]);
	expect(ofType(added, 'payment_method.attached')[0].body).toEqual({
		received: true,
		ignored: 'not_automatic_method',
	});
	const [fromSetupIntent] = ofType(added, 'setup_intent.succeeded');
	expect(fromSetupIntent.outputs[SUCCEEDED]).toEqual([
		expect.objectContaining({
			kind: 'payment_method_added',
			setupIntentId: setupIntent.id,
			paymentMethodId: setupIntent.payment_method,
		}),
	]);
	expect(fromSetupIntent.outputs.map((items) => items.length)).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);

	// the payment-status workflow makes it automatic (Stripe: make it the automatic method)
	await api('POST', `/customers/${customer.id}`, {
		'invoice_settings[default_payment_method]': setupIntent.payment_method,
	});
	expect(changedItems(await trigger.handOver())).toEqual([
		expect.objectContaining({
			eventType: 'customer.updated',
			stripeCustomerId: customer.id,
			paymentMethodId: setupIntent.payment_method,
		}),
	]);
	await trigger.deactivate();
});

test('a SetupIntent (off_session) whose method is already the automatic one tells both: method added, and the change', async () => {
	const trigger = await activated();
	const { customer } = await customerWithFailingCard('Setup Already Default');
	const setupIntent = await api('POST', '/setup_intents', {
		customer: customer.id,
		usage: 'off_session',
		payment_method: 'pm_card_visa',
		confirm: 'true',
	});
	await api('POST', `/customers/${customer.id}`, {
		'invoice_settings[default_payment_method]': setupIntent.payment_method,
	});
	const results = await trigger.handOver({ first: 'setup_intent.succeeded' });
	expect(results[0].type).toBe('setup_intent.succeeded');
	const [succeeded] = ofType(results, 'setup_intent.succeeded');
	expect(succeeded.outputs[SUCCEEDED]).toEqual([
		expect.objectContaining({ kind: 'payment_method_added', setupIntentId: setupIntent.id }),
	]);
	expect(succeeded.outputs[CHANGED]).toEqual([
		expect.objectContaining({
			kind: 'payment_method_changed',
			setupIntentId: setupIntent.id,
			paymentMethodId: setupIntent.payment_method,
		}),
	]);
	// the same change, told again by the attach and the update: no second execution
	expect(changedItems(results)).toHaveLength(1);
	await trigger.deactivate();
});

test('a customer.updated that changed something else, or removed the default, starts nothing; the first reads nothing from Stripe', async () => {
	const trigger = await activated();
	const { customer } = await customerWithFailingCard('Other Change');
	await api('POST', `/customers/${customer.id}`, { email: 'billing@other-change.example.com' });
	stripe.resetStats();
	const [emailChanged] = await trigger.handOver();
	expect(emailChanged).toMatchObject({
		type: 'customer.updated',
		statusCode: 200,
		workflowData: null,
		body: { received: true, ignored: 'automatic_method_unchanged' },
	});
	expect(stripe.stats.byRoute['GET /v1/customers/:id'] ?? 0).toBe(0);

	await api('POST', `/customers/${customer.id}`, {
		'invoice_settings[default_payment_method]': '',
	});
	const [removed] = await trigger.handOver();
	expect(removed.body).toEqual({ received: true, ignored: 'no_automatic_method' });
	await trigger.deactivate();
});

test('a customer naming no books customer has nothing of ours to retry', async () => {
	const trigger = await activated();
	const { customer } = await customerWithFailingCard('Not Mapped', {});
	const card = await api('POST', '/payment_methods/pm_card_visa/attach', { customer: customer.id });
	await trigger.handOver();
	await api('POST', `/customers/${customer.id}`, {
		'invoice_settings[default_payment_method]': card.id,
	});
	const results = await trigger.handOver();
	expect(ofType(results, 'customer.updated')[0].body).toEqual({
		received: true,
		ignored: 'not_mapped',
	});
	await trigger.deactivate();
});

test('a tampered event is refused 401 and nothing runs; a type the trigger was not set to take is acknowledged and ignored', async () => {
	const trigger = await activated();
	const { customer } = await customerWithFailingCard('Tampered');
	const card = await api('POST', '/payment_methods/pm_card_visa/attach', { customer: customer.id });
	await trigger.handOver();
	await api('POST', `/customers/${customer.id}`, {
		'invoice_settings[default_payment_method]': card.id,
	});
	const [tampered] = await trigger.handOver({
		tamper: (body) => body.replace(customer.id, 'cus_SomeoneElse'),
	});
	expect(tampered).toMatchObject({
		type: 'customer.updated',
		statusCode: 401,
		workflowData: null,
		body: { reason: 'mismatch' },
	});
	await trigger.deactivate();

	// a trigger taking payment events only: its endpoint is not subscribed, and a change that
	// reaches it anyway (an endpoint made by hand for every event) is not taken
	const paymentsOnly = await activated({ events: ['payment_intent.succeeded'] });
	const [endpoint] = (await api('GET', '/webhook_endpoints')).data;
	expect(endpoint.enabled_events).toEqual(['payment_intent.succeeded']);
	const other = await customerWithFailingCard('Not Selected');
	const otherCard = await api('POST', '/payment_methods/pm_card_visa/attach', {
		customer: other.customer.id,
	});
	await api('POST', `/customers/${other.customer.id}`, {
		'invoice_settings[default_payment_method]': otherCard.id,
	});
	expect(await paymentsOnly.handOver()).toEqual([]);
	const event = (await api('GET', `/events?type=customer.updated&limit=1`)).data[0];
	expect(event.data.object.id).toBe(other.customer.id);
	const body = JSON.stringify(event);
	const secret = 'whsec_method_change_manual';
	const manual = triggerWorkflow({
		provider: 'stripe',
		endpointMode: 'manual',
		events: ['payment_intent.succeeded'],
	});
	const answer = await deliverWebhook(
		manual,
		TRIGGER,
		{
			rawBody: body,
			headers: {
				'Stripe-Signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret }),
			},
		},
		{ credentials: stripeCredentials(stripe, { webhookSigningSecret: secret }) },
	);
	expect(answer).toMatchObject({
		statusCode: 200,
		workflowData: null,
		body: { received: true, ignored: 'event_not_selected' },
	});
	await paymentsOnly.deactivate();
});

describe('an endpoint made by hand (manual mode)', () => {
	const SECRET = 'whsec_method_change_hand_made';
	const credentials = () => stripeCredentials(stripe, { webhookSigningSecret: SECRET });
	const deliver = (event, options = {}) => {
		const body = JSON.stringify(event);
		return deliverWebhook(
			triggerWorkflow({ provider: 'stripe', endpointMode: 'manual', ...options }),
			TRIGGER,
			{
				rawBody: body,
				headers: {
					'Stripe-Signature': Stripe.webhooks.generateTestHeaderString({
						payload: body,
						secret: SECRET,
					}),
				},
			},
			{ credentials: credentials() },
		);
	};
	const customerUpdated = (customer, previous) => ({
		id: `evt_${Math.random().toString(36).slice(2, 14)}`,
		object: 'event',
		api_version: '2026-10-28.endive',
		created: Math.floor(Date.now() / 1000),
		livemode: false,
		pending_webhooks: 1,
		request: { id: null, idempotency_key: null },
		type: 'customer.updated',
		data: { object: customer, previous_attributes: previous },
	});

	test('a signed change naming a customer the account does not have is acknowledged and ignored (404 on the re-read)', async () => {
		const result = await deliver(
			customerUpdated(
				{
					id: 'cus_NotInThisAccount',
					object: 'customer',
					metadata: { books_customer_id: 'B-GHOST' },
					invoice_settings: { default_payment_method: 'pm_Ghost' },
				},
				{ invoice_settings: { default_payment_method: null } },
			),
		);
		expect(result).toMatchObject({
			statusCode: 200,
			workflowData: null,
			body: { received: true, ignored: 'customer_not_found' },
		});
	});

	test('with Re-Read Payment off, customer.updated is read from the event itself; an attach cannot tell', async () => {
		const { customer } = await customerWithFailingCard('No Reread');
		const card = await api('POST', '/payment_methods/pm_card_visa/attach', {
			customer: customer.id,
		});
		const now = await api('POST', `/customers/${customer.id}`, {
			'invoice_settings[default_payment_method]': card.id,
		});
		stripe.resetStats();
		const options = { options: { rereadPayment: false } };
		const result = await deliver(
			customerUpdated(now, {
				invoice_settings: {
					default_payment_method: customer.invoice_settings.default_payment_method,
				},
			}),
			options,
		);
		expect(result.outputs?.[CHANGED]).toEqual([
			expect.objectContaining({
				stripeCustomerId: customer.id,
				paymentMethodId: card.id,
				paymentMethod: { id: card.id, label: card.id },
				previousPaymentMethodId: customer.invoice_settings.default_payment_method,
			}),
		]);
		const attached = await deliver(
			{
				...customerUpdated(card, null),
				type: 'payment_method.attached',
				data: { object: card },
			},
			options,
		);
		expect(attached.body).toEqual({ received: true, ignored: 'automatic_method_unknown' });
		expect(stripe.stats.byRoute['GET /v1/customers/:id'] ?? 0).toBe(0);
	});
});

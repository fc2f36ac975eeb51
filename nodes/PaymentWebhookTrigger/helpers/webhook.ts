import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { handleGateway360Delivery, handleStripeDelivery } from '../../core/webhooks/delivery';
import type { DeliveryAnswer, DeliveryMemory, DeliveryRequest } from '../../core/webhooks/delivery';
import { createEventDeduplicator } from '../../core/webhooks/eventDeduplicator';
import type { EventDeduplicator } from '../../core/webhooks/eventDeduplicator';
import { triggerEventsByOutput } from '../../core/webhooks/paymentMethodChange';
import { STRIPE_TRIGGER_EVENTS } from '../../core/webhooks/stripeEvent';
import { createGateway360Client } from '../../Payments360/helpers/client';
import { createStripeClient } from '../../shared/stripeClient';
import { endpointSecretOf, stripeSecretKey } from './endpoint';
import type { EndpointState, TriggerOptions } from './interfaces';

/**
 * Seen event ids (and payment states), per trigger, in this process. Bounded; a process restart
 * forgets them, and then "Re-read payment" and the books' idempotent updates keep things right.
 */
const seenEvents = new Map<string, EventDeduplicator>();
const seenStates = new Map<string, EventDeduplicator>();

function deduplicator(store: Map<string, EventDeduplicator>, key: string): EventDeduplicator {
	let existing = store.get(key);
	if (!existing) {
		existing = createEventDeduplicator({ now: Date.now });
		store.set(key, existing);
	}
	return existing;
}

/**
 * Sealed endpoint secrets this process has opened, by trigger: reading the credential (the key)
 * is kept for requests that passed the signature, so a flood of forged ones costs no more than
 * an HMAC each. A new sealed value (a new endpoint) is opened anew.
 */
const openedSecrets = new Map<string, { sealed: string; secret: string }>();

/** The secrets to verify with; 'unreadable' when a sealed secret no longer opens. */
async function stripeSecrets(
	context: IWebhookFunctions,
	triggerKey: string,
): Promise<string[] | 'unreadable'> {
	const mode = context.getNodeParameter('endpointMode', 'automatic') as string;
	if (mode === 'automatic') {
		const state = context.getWorkflowStaticData('node') as EndpointState;
		const sealed = state.sealedEndpointSecret;
		if (!sealed) return state.endpointSecret ? [state.endpointSecret] : [];
		const opened = openedSecrets.get(triggerKey);
		if (opened?.sealed === sealed) return [opened.secret];
		const secret = endpointSecretOf(state, await stripeSecretKey(context));
		if (!secret) return 'unreadable';
		openedSecrets.set(triggerKey, { sealed, secret });
		return [secret];
	}
	const credentials = await context.getCredentials('stripeInvoicePaymentsApi');
	return String(credentials.webhookSigningSecret ?? '')
		.split(/[\s,]+/)
		.filter(Boolean);
}

interface WebhookRequestBody {
	rawBody?: Buffer;
	readRawBody?: () => Promise<void>;
}

async function requestOf(context: IWebhookFunctions): Promise<DeliveryRequest> {
	const request = context.getRequestObject() as unknown as WebhookRequestBody;
	// n8n keeps the bytes as received; signatures are over those bytes, never a re-serialisation.
	// For a version-2 node it reads them only for a JSON, text, form or XML content type.
	if (request.rawBody === undefined && typeof request.readRawBody === 'function') {
		await request.readRawBody();
	}
	return {
		rawBody: request.rawBody ?? '',
		headers: context.getHeaderData() as DeliveryRequest['headers'],
	};
}

/** The core's answer as n8n's: items on the outputs, or the answer given here and nothing run. */
function respond(context: IWebhookFunctions, delivery: DeliveryAnswer): IWebhookResponseData {
	if (delivery.log) {
		context.logger[delivery.log.level](`Payment Webhook Trigger ${delivery.log.message}`, {
			workflowId: context.getWorkflow().id,
			node: context.getNode().name,
		});
	}
	if (delivery.outcome === 'emitted') {
		const outputs = triggerEventsByOutput(delivery.events).map((list) =>
			list.map((json): INodeExecutionData => ({ json: json as unknown as IDataObject })),
		);
		return { workflowData: outputs };
	}
	context.getResponseObject().status(delivery.status).json(delivery.body);
	return { noWebhookResponse: true };
}

/**
 * Every request, by the core's delivery (nodes/core/webhooks/delivery.ts: the steps and the
 * answer codes): this maps the node's parameters, credentials and static data in, and the
 * answer out. n8n answers 200 as soon as an execution starts.
 */
export async function handleWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const provider = this.getNodeParameter('provider') as 'stripe' | 'gateway360';
	const options = this.getNodeParameter('options', {}) as TriggerOptions;
	const request = await requestOf(this);
	const triggerKey = `${this.getWorkflow().id ?? ''}:${this.getNode().id}`;
	const memory: DeliveryMemory = {
		events: deduplicator(seenEvents, triggerKey),
		states: options.emitEachStateOnce === false ? null : deduplicator(seenStates, triggerKey),
	};
	const rereadPayment = options.rereadPayment !== false;
	if (provider === 'stripe') {
		const delivery = await handleStripeDelivery(
			request,
			{
				signingSecrets: async () => await stripeSecrets(this, triggerKey),
				toleranceSeconds: options.toleranceSeconds ?? 300,
				nowSeconds: Math.floor(Date.now() / 1000),
				account: async () => await createStripeClient.call(this),
				events: this.getNodeParameter('events', STRIPE_TRIGGER_EVENTS) as string[],
				rereadPayment,
			},
			memory,
		);
		return respond(this, delivery);
	}
	const delivery = await handleGateway360Delivery(
		request,
		{
			signingKey: async () =>
				String((await this.getCredentials('payments360Api')).webhookSigningKey ?? ''),
			// The client needs only what every n8n context has: credentials and httpRequest helpers.
			transport: async () =>
				(await createGateway360Client.call(this as unknown as IExecuteFunctions)).transport(),
			rereadPayment,
		},
		memory,
	);
	return respond(this, delivery);
}

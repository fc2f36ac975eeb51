import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import type Stripe from 'stripe';

import { createEventDeduplicator } from '../core/webhooks/eventDeduplicator';
import type { EventDeduplicator } from '../core/webhooks/eventDeduplicator';
import { verifyGateway360Signature } from '../core/webhooks/gateway360Signature';
import {
	currentGatewayTransaction,
	gateway360EventTransactionId,
	normaliseGateway360Event,
	parseGateway360Event,
} from '../core/webhooks/gateway360Event';
import { eventsByOutput } from '../core/webhooks/paymentStatusEvent';
import {
	isMissingPaymentIntent,
	normaliseStripeEvent,
	parseStripeEvent,
	STRIPE_WEBHOOK_EVENTS,
	stripeEventPaymentIntentId,
	stripeEventRefusal,
} from '../core/webhooks/stripeEvent';
import type { IgnoredReason, NormalisedWebhook } from '../core/webhooks/paymentStatusEvent';
import { verifyStripeSignature } from '../core/webhooks/stripeSignature';
import { createGateway360Client } from '../Payments360/helpers/client';
import { createStripeClient } from '../shared/stripeClient';
import type { EndpointState } from './stripeEndpointLifecycle';
import { endpointSecretOf, stripeSecretKey } from './stripeEndpointLifecycle';

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

function answer(context: IWebhookFunctions, status: number, body: IDataObject): IWebhookResponseData {
	context.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

/**
 * Acknowledged (the provider stops retrying) and not emitted; the log says which and why. A
 * signed event naming a payment the account does not have is worth a warning: a leaked secret,
 * or an endpoint shared by several accounts.
 */
function ignore(
	context: IWebhookFunctions,
	event: { id: string; type: string },
	reason: IgnoredReason,
): IWebhookResponseData {
	const level = reason === 'payment_not_found' ? 'warn' : 'debug';
	context.logger[level](`Payment Webhook Trigger ignored event ${event.id} (${event.type}): ${reason}`, {
		workflowId: context.getWorkflow().id,
		node: context.getNode().name,
	});
	return answer(context, 200, { received: true, ignored: reason });
}

interface WebhookRequestBody {
	rawBody?: Buffer;
	readRawBody?: () => Promise<void>;
}

async function rawBodyOf(context: IWebhookFunctions): Promise<Buffer | string> {
	const request = context.getRequestObject() as unknown as WebhookRequestBody;
	// n8n keeps the bytes as received; signatures are over those bytes, never a re-serialisation.
	// For a version-2 node it reads them only for a JSON, text, form or XML content type.
	if (request.rawBody === undefined && typeof request.readRawBody === 'function') {
		await request.readRawBody();
	}
	return request.rawBody ?? '';
}

interface TriggerOptions {
	toleranceSeconds?: number;
	rereadPayment?: boolean;
	emitEachStateOnce?: boolean;
}

/**
 * Every request: verify (401, no execution) -> parse (400) -> for Stripe, an event of the other
 * mode than the key's or of a type not selected is ignored (200) -> deduplicate by event id (200,
 * no execution; this memory is per process) -> re-read the payment from the provider (none such:
 * 200, ignored; any other failure: 500, so the provider retries) -> normalise -> one item per
 * invoice on the output of its status family. n8n answers 200 as soon as the execution starts.
 */
export async function handleWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const provider = this.getNodeParameter('provider') as 'stripe' | 'gateway360';
	const options = this.getNodeParameter('options', {}) as TriggerOptions;
	const rawBody = await rawBodyOf(this);
	const headers = this.getHeaderData() as Record<string, string | string[] | undefined>;
	const triggerKey = `${this.getWorkflow().id ?? ''}:${this.getNode().id}`;

	let event: { id: string; type: string };
	let normalise: () => Promise<NormalisedWebhook>;
	if (provider === 'stripe') {
		const secrets = await stripeSecrets(this, triggerKey);
		if (secrets === 'unreadable') {
			// Our fault, not the sender's: 500, so Stripe delivers again once the workflow is
			// activated anew (which makes a new endpoint) or the former key is back.
			this.logger.error(
				"Payment Webhook Trigger cannot open its Stripe endpoint's signing secret: the credential's Stripe key is not the one it was sealed with. Deactivate and activate the workflow: the trigger then makes a new endpoint in Stripe.",
				{ workflowId: this.getWorkflow().id, node: this.getNode().name },
			);
			return answer(this, 500, { error: 'cannot verify events now', reason: 'secret_unreadable' });
		}
		// Never accept an event that cannot be verified (the hole in n8n's own Stripe Trigger).
		if (secrets.length === 0) return answer(this, 401, { error: 'invalid signature', reason: 'no_secret' });
		const verdict = verifyStripeSignature({
			rawBody,
			header: headers['stripe-signature'],
			secrets,
			toleranceSeconds: options.toleranceSeconds ?? 300,
			nowSeconds: Math.floor(Date.now() / 1000),
		});
		if (!verdict.ok) return answer(this, 401, { error: 'invalid signature', reason: verdict.reason });
		const parsed = parseStripeEvent(rawBody);
		if (!parsed.ok) return answer(this, 400, { error: 'malformed event', reason: parsed.reason });
		event = parsed.event;
		const { transport, livemode } = await createStripeClient.call(this);
		const refusal = stripeEventRefusal(parsed.event, {
			livemode,
			events: this.getNodeParameter('events', STRIPE_WEBHOOK_EVENTS) as string[],
		});
		if (refusal) return ignore(this, event, refusal);
		normalise = async () => {
			const intentId = options.rereadPayment === false ? null : stripeEventPaymentIntentId(parsed.event);
			if (!intentId) return normaliseStripeEvent(parsed.event);
			const current = await transport.request<Stripe.PaymentIntent>('GET', `/v1/payment_intents/${intentId}`, {
				// The charge carries the refunds: what a payment keeps is read with it.
				params: { expand: ['payment_method', 'latest_charge'] },
			});
			return normaliseStripeEvent(parsed.event, current as never);
		};
	} else {
		const credentials = await this.getCredentials('payments360Api');
		const signingKey = String(credentials.webhookSigningKey ?? '');
		if (signingKey === '') return answer(this, 401, { error: 'invalid signature', reason: 'no_secret' });
		const verdict = verifyGateway360Signature({ rawBody, header: headers['webhook-signature'], signingKey });
		if (!verdict.ok) return answer(this, 401, { error: 'invalid signature', reason: verdict.reason });
		const parsed = parseGateway360Event(rawBody);
		if (!parsed.ok) return answer(this, 400, { error: 'malformed event', reason: parsed.reason });
		event = { id: parsed.event.event_id, type: parsed.event.event_type };
		normalise = async () => {
			const transactionId =
				options.rereadPayment === false ? null : gateway360EventTransactionId(parsed.event);
			if (!transactionId) return normaliseGateway360Event(parsed.event);
			// The client needs only what every n8n context has: credentials and httpRequest helpers.
			const client = await createGateway360Client.call(this as unknown as IExecuteFunctions);
			const current = await currentGatewayTransaction(client.transport(), transactionId);
			if (!current) return { events: [], ignored: 'payment_not_found', stateKey: null };
			return normaliseGateway360Event(parsed.event, { currentTransaction: current });
		};
	}

	const events = deduplicator(seenEvents, triggerKey);
	if (events.seen(event.id)) return answer(this, 200, { received: true, duplicate: true });
	let result: NormalisedWebhook;
	try {
		result = await normalise();
	} catch (error) {
		// Signed, yet naming a payment the account does not have: it never will be processed, so
		// retrying for days helps no one.
		if (isMissingPaymentIntent(error)) return ignore(this, event, 'payment_not_found');
		// Let the provider's retry count as new: this delivery was not processed.
		events.forget(event.id);
		return answer(this, 500, { error: 'could not process the event now', eventId: event.id });
	}
	if (result.events.length === 0) return ignore(this, event, result.ignored as IgnoredReason);
	if (options.emitEachStateOnce !== false && result.stateKey) {
		if (deduplicator(seenStates, triggerKey).seen(result.stateKey)) {
			return answer(this, 200, { received: true, duplicateState: true });
		}
	}
	const outputs = eventsByOutput(result.events).map((list) =>
		list.map((json): INodeExecutionData => ({ json: json as unknown as IDataObject })),
	);
	return { workflowData: outputs };
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

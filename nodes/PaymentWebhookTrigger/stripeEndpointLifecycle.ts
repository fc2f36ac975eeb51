import type { IDataObject, IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type Stripe from 'stripe';

import { STRIPE_API_VERSION } from '../core/stripe/transport';
import { OWNER_METADATA_KEY, planEndpoint } from '../core/webhooks/stripeEndpoint';
import { createStripeClient } from '../shared/stripeClient';

/** What the trigger keeps between activations (n8n stores a node's static data with the workflow). */
export interface EndpointState extends IDataObject {
	endpointId?: string;
	endpointSecret?: string;
}

function ownerTag(context: IHookFunctions): string {
	return `${context.getWorkflow().id ?? 'unsaved'}:${context.getNode().id}`;
}

function wantedEvents(context: IHookFunctions): string[] {
	return context.getNodeParameter('events', []) as string[];
}

function webhookUrl(context: IHookFunctions): string {
	const url = context.getNodeWebhookUrl('default');
	if (!url) throw new NodeOperationError(context.getNode(), 'n8n gave this trigger no webhook URL');
	return url;
}

/**
 * n8n's activation lifecycle for the Stripe endpoint: one endpoint per trigger, reused or updated
 * on re-activation, stale ones removed, deleted on deactivation. "Exists" is true only when the
 * endpoint is there, current, and we still hold its signing secret.
 */
export async function endpointExists(this: IHookFunctions): Promise<boolean> {
	const state = this.getWorkflowStaticData('node') as EndpointState;
	if (!state.endpointId || !state.endpointSecret) return false;
	const { transport } = await createStripeClient.call(this);
	const endpoint = await transport
		.request<Stripe.WebhookEndpoint>('GET', `/v1/webhook_endpoints/${state.endpointId}`)
		.catch(() => undefined);
	if (!endpoint) return false;
	const plan = planEndpoint(
		[endpoint],
		{ url: webhookUrl(this), events: wantedEvents(this), apiVersion: STRIPE_API_VERSION, ownerTag: ownerTag(this) },
		{ endpointId: state.endpointId, hasSecret: true },
	);
	return plan.action === 'reuse';
}

export async function createOrUpdateEndpoint(this: IHookFunctions): Promise<boolean> {
	const state = this.getWorkflowStaticData('node') as EndpointState;
	const { transport } = await createStripeClient.call(this);
	const wanted = {
		url: webhookUrl(this),
		events: wantedEvents(this),
		apiVersion: STRIPE_API_VERSION,
		ownerTag: ownerTag(this),
	};
	if (wanted.events.length === 0) {
		throw new NodeOperationError(this.getNode(), 'Select at least one event to receive');
	}
	const existing: Stripe.WebhookEndpoint[] = [];
	for await (const endpoint of transport.listAll<Stripe.WebhookEndpoint>('/v1/webhook_endpoints')) {
		existing.push(endpoint);
	}
	const plan = planEndpoint(existing, wanted, {
		endpointId: state.endpointId,
		hasSecret: Boolean(state.endpointSecret),
	});
	for (const id of plan.deleteIds) {
		await transport.request('DELETE', `/v1/webhook_endpoints/${id}`);
	}
	const description = `n8n invoice payments: ${this.getWorkflow().name ?? 'workflow'} (${this.getNode().name})`;
	if (plan.action === 'create') {
		const params: Stripe.WebhookEndpointCreateParams = {
			url: wanted.url,
			enabled_events: wanted.events as Stripe.WebhookEndpointCreateParams.EnabledEvent[],
			api_version: STRIPE_API_VERSION as Stripe.WebhookEndpointCreateParams.ApiVersion,
			description,
			metadata: { [OWNER_METADATA_KEY]: wanted.ownerTag },
		};
		const created = await transport.request<Stripe.WebhookEndpoint>('POST', '/v1/webhook_endpoints', { params });
		if (!created.secret) {
			throw new NodeOperationError(this.getNode(), 'Stripe created the webhook endpoint without a signing secret');
		}
		state.endpointId = created.id;
		state.endpointSecret = created.secret;
	} else if (plan.action === 'update') {
		const params: Stripe.WebhookEndpointUpdateParams = {
			url: wanted.url,
			enabled_events: wanted.events as Stripe.WebhookEndpointUpdateParams.EnabledEvent[],
			description,
			disabled: false,
		};
		await transport.request('POST', `/v1/webhook_endpoints/${plan.endpointId}`, { params });
	}
	return true;
}

export async function deleteEndpoint(this: IHookFunctions): Promise<boolean> {
	const state = this.getWorkflowStaticData('node') as EndpointState;
	if (state.endpointId) {
		const { transport } = await createStripeClient.call(this);
		// Already gone (deleted in the Dashboard) is fine: the goal is that none is left.
		await transport
			.request('DELETE', `/v1/webhook_endpoints/${state.endpointId}`)
			.catch((error: { statusCode?: number }) => {
				if (error.statusCode !== 404) throw error;
			});
	}
	delete state.endpointId;
	delete state.endpointSecret;
	return true;
}

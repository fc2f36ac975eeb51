import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type Stripe from 'stripe';

import { STRIPE_API_VERSION } from '../../core/stripe/transport';
import { openEndpointSecret, sealEndpointSecret } from '../../core/webhooks/endpointSecretSeal';
import { OWNER_METADATA_KEY, planEndpoint } from '../../core/webhooks/stripeEndpoint';
import { createStripeClient, STRIPE_CREDENTIAL } from '../../shared/stripeClient';
import type { EndpointState } from './interfaces';

type StripeKeyContext = IHookFunctions | IWebhookFunctions;

export async function stripeSecretKey(context: StripeKeyContext): Promise<string> {
	const credentials = await context.getCredentials(STRIPE_CREDENTIAL);
	return String(credentials.secretKey ?? '');
}

/**
 * The endpoint's signing secret, or null when there is none or it cannot be opened (the Stripe
 * key changed since it was sealed). A secret still kept in clear is read as it is.
 */
export function endpointSecretOf(state: EndpointState, secretKey: string): string | null {
	if (!state.endpointId) return null;
	if (state.sealedEndpointSecret) {
		return openEndpointSecret({
			sealed: state.sealedEndpointSecret,
			stripeSecretKey: secretKey,
			endpointId: state.endpointId,
		});
	}
	return state.endpointSecret || null;
}

function keepSecret(
	state: EndpointState,
	endpointId: string,
	secret: string,
	secretKey: string,
): void {
	state.endpointId = endpointId;
	state.sealedEndpointSecret = sealEndpointSecret({
		secret,
		stripeSecretKey: secretKey,
		endpointId,
	});
	delete state.endpointSecret;
}

/** A secret kept in clear by an older version is sealed now; one that no longer opens is dropped. */
async function secretOnActivation(
	context: IHookFunctions,
	state: EndpointState,
): Promise<string | null> {
	const secretKey = await stripeSecretKey(context);
	const secret = endpointSecretOf(state, secretKey);
	if (secret && state.endpointSecret)
		keepSecret(state, state.endpointId as string, secret, secretKey);
	if (!secret) {
		delete state.sealedEndpointSecret;
		delete state.endpointSecret;
	}
	return secret;
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
async function endpointExists(this: IHookFunctions): Promise<boolean> {
	const state = this.getWorkflowStaticData('node') as EndpointState;
	if (!(await secretOnActivation(this, state))) return false;
	const { transport } = await createStripeClient.call(this);
	const endpoint = await transport
		.request<Stripe.WebhookEndpoint>('GET', `/v1/webhook_endpoints/${state.endpointId}`)
		.catch(() => undefined);
	if (!endpoint) return false;
	const plan = planEndpoint(
		[endpoint],
		{
			url: webhookUrl(this),
			events: wantedEvents(this),
			apiVersion: STRIPE_API_VERSION,
			ownerTag: ownerTag(this),
		},
		{ endpointId: state.endpointId, hasSecret: true },
	);
	return plan.action === 'reuse';
}

async function createOrUpdateEndpoint(this: IHookFunctions): Promise<boolean> {
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
	// A secret that no longer opens (the Stripe key changed) is as good as lost: a new endpoint.
	const plan = planEndpoint(existing, wanted, {
		endpointId: state.endpointId,
		hasSecret: (await secretOnActivation(this, state)) !== null,
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
		const created = await transport.request<Stripe.WebhookEndpoint>(
			'POST',
			'/v1/webhook_endpoints',
			{ params },
		);
		if (!created.secret) {
			throw new NodeOperationError(
				this.getNode(),
				'Stripe created the webhook endpoint without a signing secret',
			);
		}
		keepSecret(state, created.id, created.secret, await stripeSecretKey(this));
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

async function deleteEndpoint(this: IHookFunctions): Promise<boolean> {
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
	delete state.sealedEndpointSecret;
	delete state.endpointSecret;
	return true;
}

/** Activation needs a secret to verify with: without one no event could ever be trusted. */
async function requireSecret(context: IHookFunctions): Promise<void> {
	const provider = context.getNodeParameter('provider') as string;
	const [type, field, label] =
		provider === 'stripe'
			? [STRIPE_CREDENTIAL, 'webhookSigningSecret', 'Webhook Signing Secret']
			: ['payments360Api', 'webhookSigningKey', 'Webhook Signing Key'];
	const credentials = await context.getCredentials(type);
	if (!String(credentials[field] ?? '').trim()) {
		throw new NodeOperationError(
			context.getNode(),
			`The credential has no ${label}: without it no event can be verified, so the trigger cannot be activated`,
		);
	}
}

function usesOwnEndpoint(context: IHookFunctions): boolean {
	return (
		context.getNodeParameter('provider') === 'stripe' &&
		context.getNodeParameter('endpointMode', 'automatic') === 'automatic'
	);
}

/**
 * n8n's activation hooks (`webhookMethods.default`): the trigger's own Stripe endpoint is
 * created, kept current and deleted with the workflow; an endpoint made by hand, or 360
 * Payments, only needs the credential's secret to be there.
 */
export const endpointHooks = {
	async checkExists(this: IHookFunctions): Promise<boolean> {
		if (!usesOwnEndpoint(this)) {
			await requireSecret(this);
			return true;
		}
		return await endpointExists.call(this);
	},
	async create(this: IHookFunctions): Promise<boolean> {
		if (!usesOwnEndpoint(this)) {
			await requireSecret(this);
			return true;
		}
		return await createOrUpdateEndpoint.call(this);
	},
	async delete(this: IHookFunctions): Promise<boolean> {
		if (!usesOwnEndpoint(this)) return true;
		return await deleteEndpoint.call(this);
	},
};

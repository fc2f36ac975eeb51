import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { STATUS_FAMILY_OUTPUTS } from '../core/webhooks/paymentStatusEvent';
import { STRIPE_WEBHOOK_EVENTS } from '../core/webhooks/stripeEvent';
import { gateway360ConnectionTest } from '../shared/gateway360CredentialTest';
import { handleWebhook } from './handleRequest';
import { createOrUpdateEndpoint, deleteEndpoint, endpointExists } from './stripeEndpointLifecycle';

/** Activation needs a secret to verify with: without one no event could ever be trusted. */
async function requireSecret(context: IHookFunctions): Promise<void> {
	const provider = context.getNodeParameter('provider') as string;
	const [type, field, label] =
		provider === 'stripe'
			? ['stripeInvoicePaymentsApi', 'webhookSigningSecret', 'Webhook Signing Secret']
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

export class PaymentWebhookTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Payment Webhook Trigger',
		name: 'paymentWebhookTrigger',
		icon: { light: 'file:../../icons/invoicePayments.svg', dark: 'file:../../icons/invoicePayments.dark.svg' },
		group: ['trigger'],
		// Version 2 changes nothing in the node: n8n evaluates an expression for every request to a
		// version-1 webhook node (its Webhook node's old Binary Data option), which costs a trigger
		// an expression sandbox per event.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{$parameter["provider"] === "stripe" ? "Stripe" : "360 Payments"}}',
		description:
			'Starts the workflow when a payment succeeds, fails, is processing, needs the customer, is canceled or is refunded; every event verified and deduplicated',
		defaults: { name: 'Payment Webhook Trigger' },
		inputs: [],
		outputs: STATUS_FAMILY_OUTPUTS.map(() => NodeConnectionTypes.Main),
		outputNames: STATUS_FAMILY_OUTPUTS.map((output) => output.name),
		credentials: [
			{
				name: 'stripeInvoicePaymentsApi',
				required: true,
				displayOptions: { show: { provider: ['stripe'] } },
			},
			{
				name: 'payments360Api',
				required: true,
				testedBy: 'gateway360ConnectionTest',
				displayOptions: { show: { provider: ['gateway360'] } },
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// an accepted event is answered 200 with no body (n8n's default would send the
				// literal text "firstEntryJson"); refusals are answered by the node itself
				responseData: 'noData',
				path: 'payment-status',
			},
		],
		properties: [
			{
				displayName: 'Provider',
				name: 'provider',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Stripe', value: 'stripe' },
					{ name: '360 Payments', value: 'gateway360' },
				],
				default: 'stripe',
			},
			{
				displayName: 'Webhook Endpoint',
				name: 'endpointMode',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Create and Update It in Stripe',
						value: 'automatic',
						description:
							'On activation the trigger creates (or updates) its own endpoint in Stripe and keeps its signing secret; on deactivation it deletes it',
					},
					{
						name: 'Made by Hand',
						value: 'manual',
						description:
							"You made the endpoint in the Stripe Dashboard; its signing secret is in the credential's Webhook Signing Secret",
					},
				],
				default: 'automatic',
				displayOptions: { show: { provider: ['stripe'] } },
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: STRIPE_WEBHOOK_EVENTS.map((event) => ({ name: event, value: event })),
				// Every event the trigger handles; an expired Checkout page is what frees its invoices.
				default: [...STRIPE_WEBHOOK_EVENTS],
				description:
					'The Stripe events the trigger takes (others are acknowledged and ignored); the events its own endpoint subscribes to',
				displayOptions: { show: { provider: ['stripe'] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Emit Each Payment State Once',
						name: 'emitEachStateOnce',
						type: 'boolean',
						default: true,
						description:
							'Whether a payment state already emitted (e.g. succeeded, reported by both Checkout and the payment) starts no second execution',
					},
					{
						displayName: 'Re-Read Payment',
						name: 'rereadPayment',
						type: 'boolean',
						default: true,
						description:
							"Whether to read the payment from the provider (Stripe's PaymentIntent, the gateway's transaction) and emit its current state, so events arriving late, out of order or replayed never move a payment backwards",
					},
					{
						displayName: 'Signature Tolerance (Seconds)',
						name: 'toleranceSeconds',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 3600 },
						default: 300,
						description:
							'Oldest signed timestamp accepted, against replayed deliveries: Stripe uses 300; at most 3600',
						displayOptions: { show: { '/provider': ['stripe'] } },
					},
				],
			},
		],
	};

	methods = {
		credentialTest: { gateway360ConnectionTest },
	};

	webhookMethods = {
		default: {
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
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleWebhook.call(this);
	}
}

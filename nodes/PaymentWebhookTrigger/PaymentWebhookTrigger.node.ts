import type {
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { TRIGGER_OUTPUT_NAMES } from '../core/webhooks/paymentMethodChange';
import { gateway360ConnectionTest } from '../shared/gateway360CredentialTest';
import { properties } from './description';
import { endpointHooks } from './helpers/endpoint';
import { handleWebhook } from './helpers/webhook';

/**
 * Starts a workflow for every verified payment-status event. The node maps n8n in and out; the
 * delivery itself (verify, parse, deduplicate, re-read, normalise, answer) is the core's
 * (nodes/core/webhooks/delivery.ts).
 */
export class PaymentWebhookTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Payment Webhook Trigger',
		name: 'paymentWebhookTrigger',
		icon: {
			light: 'file:../../icons/invoicePayments.svg',
			dark: 'file:../../icons/invoicePayments.dark.svg',
		},
		group: ['trigger'],
		// Version 2 changes nothing in the node: n8n evaluates an expression for every request to a
		// version-1 webhook node (its Webhook node's old Binary Data option), which costs a trigger
		// an expression sandbox per event.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{$parameter["provider"] === "stripe" ? "Stripe" : "360 Payments"}}',
		description:
			"Starts the workflow when a payment succeeds, fails, is processing, needs the customer, is canceled, is refunded or is disputed, or a customer's automatic payment method changes; every event verified and deduplicated",
		defaults: { name: 'Payment Webhook Trigger' },
		inputs: [],
		// The six payment-status outputs, then Payment Method Changed, then Disputed (each appended,
		// so workflows wired to the outputs before it keep their connections).
		outputs: TRIGGER_OUTPUT_NAMES.map(() => NodeConnectionTypes.Main),
		outputNames: [...TRIGGER_OUTPUT_NAMES],
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
		properties,
	};

	methods = {
		credentialTest: { gateway360ConnectionTest },
	};

	webhookMethods = {
		default: endpointHooks,
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleWebhook.call(this);
	}
}

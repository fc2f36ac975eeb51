import type { INodeProperties } from 'n8n-workflow';

import { STRIPE_TRIGGER_EVENTS } from '../core/webhooks/stripeEvent';

/** The Payment Webhook Trigger's parameters. */
export const properties: INodeProperties[] = [
	{
		displayName: 'Provider',
		name: 'provider',
		type: 'options',
		noDataExpression: true,
		description:
			"Whose payment events start the workflow: Stripe's, or your 360 Payments gateway's",
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
		options: STRIPE_TRIGGER_EVENTS.map((event) => ({ name: event, value: event })),
		// Every event the trigger handles; an expired Checkout page is what frees its invoices, a
		// new default method of a customer (customer.updated) what retries their failed invoices.
		default: [...STRIPE_TRIGGER_EVENTS],
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
					"Whether to read the payment from the provider (Stripe's PaymentIntent, the gateway's transaction) and emit its current state, so events arriving late, out of order or replayed never move a payment backwards; for a change of payment method, the Stripe customer's automatic method now",
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
];

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type Stripe from 'stripe';

import { addMethodLinkDecision } from '../../../core/payments/addMethodPolicy';
import type { AddMethodPolicy } from '../../../core/payments/addMethodPolicy';
import { parseCurrencyCode } from '../../../core/money/money';
import { readRedirectUrl } from '../../../core/payments/paymentInput';
import { checkItems, mapCheckedItems } from '../../../shared/itemRunner';
import { fieldLabels } from '../../../shared/nodeErrors';
import { findCustomer, readCustomerLocator } from '../../helpers/customer';
import { settingsCollection } from '../common.descriptions';
import { customerLocator } from '../customer.description';
import type { OperationContext } from '../node.type';

/** Metadata that tells the payment-status workflow to make the new method the automatic one. */
export const MAKE_AUTOMATIC_METADATA_KEY = 'make_automatic';

const properties: INodeProperties[] = [
	customerLocator,
	{
		displayName: 'Policy',
		name: 'policy',
		type: 'options',
		default: 'show',
		options: [
			{
				name: 'Hide',
				value: 'hide',
				description: 'Customers may not add or change their automatic method',
			},
			{
				name: 'Only if a Payment Method Is Already Selected',
				value: 'onlyIfSet',
				description: 'Offer the link only to customers who already have an automatic method',
			},
			{ name: 'Show', value: 'show', description: 'Offer the link to every customer' },
		],
		description:
			'Whether customers may add a payment method themselves, as your add-method setting says',
	},
	{
		displayName: 'Success URL',
		name: 'successUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://portal.example.com/payment-methods/added',
		description: 'Where the page sends the customer after a payment method was added',
	},
	{
		displayName: 'Cancel URL',
		name: 'cancelUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://portal.example.com/payment-methods',
		description:
			'Where the page sends a customer who leaves without adding one; empty: no way back',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['paymentMethod'], operation: ['createAddLink'] } },
	properties,
);

const labels = fieldLabels([...properties, settingsCollection], {
	defaultCurrency: 'Default Currency Name or ID (Options for All Operations)',
});

/**
 * A Stripe Checkout page (setup mode) where the customer adds a payment method of an imported
 * type, offered only as the policy allows. The method added becomes the automatic one. Every
 * item's customer and URLs are checked before the first request.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ stripe, settings, customerLookup, reads }: OperationContext,
): Promise<INodeExecutionData[]> {
	const inputs = await checkItems(
		this,
		items.length,
		settings.concurrency,
		(itemIndex) => ({
			policy: this.getNodeParameter('policy', itemIndex) as AddMethodPolicy,
			locator: readCustomerLocator(this, itemIndex),
			successUrl: readRedirectUrl(
				this.getNodeParameter('successUrl', itemIndex, ''),
				'successUrl',
				'the page Checkout sends the customer to after adding a payment method',
			),
			cancelUrl: readRedirectUrl(this.getNodeParameter('cancelUrl', itemIndex, ''), 'cancelUrl'),
			currency: parseCurrencyCode(settings.currency, 'defaultCurrency'),
		}),
		labels,
	);
	return await mapCheckedItems(
		this,
		inputs,
		settings.concurrency,
		async ({ policy, locator, successUrl, cancelUrl, currency }, itemIndex) => {
			const customer = await findCustomer(locator, { customerLookup, reads, settings });
			const decision = addMethodLinkDecision(
				policy,
				Boolean(customer.stripe.invoice_settings?.default_payment_method),
			);
			const base = {
				customerId: customer.stripe.id,
				booksCustomerId: customer.booksCustomerId,
				policy,
			};
			if (!decision.offer) {
				return [
					{
						json: { ...base, offered: false, reason: decision.reason, url: null },
						pairedItem: { item: itemIndex },
					},
				];
			}
			const metadata = {
				[MAKE_AUTOMATIC_METADATA_KEY]: 'true',
				...(customer.booksCustomerId
					? { [settings.mappingMetadataKey]: customer.booksCustomerId }
					: {}),
			};
			const params: Stripe.Checkout.SessionCreateParams = {
				mode: 'setup',
				customer: customer.stripe.id,
				currency,
				success_url: successUrl,
				...(cancelUrl ? { cancel_url: cancelUrl } : {}),
				allowed_payment_method_types:
					settings.importedPaymentMethodTypes as Stripe.Checkout.SessionCreateParams.AllowedPaymentMethodType[],
				metadata,
				setup_intent_data: { metadata },
			};
			const session = await stripe.transport.request<Stripe.Checkout.Session>(
				'POST',
				'/v1/checkout/sessions',
				{ params },
			);
			return [
				{
					json: {
						...base,
						offered: true,
						reason: null,
						url: session.url,
						checkoutSessionId: session.id,
						expiresAt: session.expires_at,
					},
					pairedItem: { item: itemIndex },
				},
			];
		},
		labels,
	);
}

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type Stripe from 'stripe';

import { readRedirectUrl } from '../../../core/payments/paymentInput';
import { checkItems, mapCheckedItems } from '../../../shared/itemRunner';
import { fieldLabels } from '../../../shared/nodeErrors';
import { findCustomer, readCustomerLocator } from '../../helpers/customer';
import { customerLocator } from '../customer.description';
import type { OperationContext } from '../node.type';

const properties: INodeProperties[] = [
	customerLocator,
	{
		displayName: 'Return URL',
		name: 'returnUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://portal.example.com/account',
		description: 'Where the customer goes when leaving the portal',
	},
	{
		displayName: 'Straight to Payment Method Update',
		name: 'paymentMethodUpdate',
		type: 'boolean',
		default: false,
		description: 'Whether the portal opens directly on updating the payment method',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['portal'], operation: ['createLink'] } },
	properties,
);

const labels = fieldLabels(properties);

/**
 * A Stripe customer-portal link, optionally straight to the payment-method update flow. Every
 * item's customer and return URL are checked before the first request.
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
			locator: readCustomerLocator(this, itemIndex),
			returnUrl: readRedirectUrl(
				this.getNodeParameter('returnUrl', itemIndex, ''),
				'returnUrl',
				'the page the customer goes back to from the portal',
			),
			paymentMethodUpdate: this.getNodeParameter('paymentMethodUpdate', itemIndex, false) === true,
		}),
		labels,
	);
	return await mapCheckedItems(
		this,
		inputs,
		settings.concurrency,
		async ({ locator, returnUrl, paymentMethodUpdate }, itemIndex) => {
			const customer = await findCustomer(locator, { customerLookup, reads, settings });
			const params: Stripe.BillingPortal.SessionCreateParams = {
				customer: customer.stripe.id,
				return_url: returnUrl,
				...(paymentMethodUpdate ? { flow_data: { type: 'payment_method_update' } } : {}),
			};
			const session = await stripe.transport.request<Stripe.BillingPortal.Session>(
				'POST',
				'/v1/billing_portal/sessions',
				{ params },
			);
			return [
				{
					json: {
						customerId: customer.stripe.id,
						booksCustomerId: customer.booksCustomerId,
						url: session.url,
						portalSessionId: session.id,
					},
					pairedItem: { item: itemIndex },
				},
			];
		},
		labels,
	);
}

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type Stripe from 'stripe';

import { mapItemsInOrder } from '../../../shared/itemRunner';
import { resolveCustomer } from '../../helpers/customer';
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

/** A Stripe customer-portal link, optionally straight to the payment-method update flow. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ stripe, settings, customerLookup, reads }: OperationContext,
): Promise<INodeExecutionData[]> {
	return await mapItemsInOrder(this, items.length, settings.concurrency, async (itemIndex) => {
		const customer = await resolveCustomer(this, itemIndex, { customerLookup, reads, settings });
		const params: Stripe.BillingPortal.SessionCreateParams = {
			customer: customer.stripe.id,
			return_url: String(this.getNodeParameter('returnUrl', itemIndex, '')),
			...(this.getNodeParameter('paymentMethodUpdate', itemIndex, false)
				? { flow_data: { type: 'payment_method_update' } }
				: {}),
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
	});
}

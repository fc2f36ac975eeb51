import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type Stripe from 'stripe';

import { paymentMethodLabel } from '../../../core/payments/paymentMethodLabel';
import type { PaymentMethodLike } from '../../../core/payments/paymentMethodLabel';
import { requireAttachedMethod } from '../../../core/stripe/paymentMethods';
import { mapItemsInOrder } from '../../../shared/itemRunner';
import { idParameter } from '../../../shared/stripePickers';
import { paymentMethodPicker } from '../payment/payment.descriptions';
import { resolveCustomer } from '../../helpers/customer';
import { customerLocator } from '../customer.description';
import type { OperationContext } from '../node.type';

const properties: INodeProperties[] = [customerLocator, ...paymentMethodPicker('an imported type')];

export const description = updateDisplayOptions(
	{ show: { resource: ['paymentMethod'], operation: ['setAutomatic'] } },
	properties,
);

/** Makes an attached payment method of an imported type the customer's automatic one. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ stripe, settings, customerLookup, reads }: OperationContext,
): Promise<INodeExecutionData[]> {
	return await mapItemsInOrder(this, items.length, settings.concurrency, async (itemIndex) => {
		const customer = await resolveCustomer(this, itemIndex, { customerLookup, reads, settings });
		const method = await requireAttachedMethod(
			stripe.transport,
			idParameter(this, 'paymentMethodId', itemIndex),
			customer.stripe.id,
			settings.importedPaymentMethodTypes,
		);
		const methodId = method.id;
		await stripe.transport.request<Stripe.Customer>('POST', `/v1/customers/${customer.stripe.id}`, {
			// A random key (the transport's): setting A, B, then A again must not replay the first answer.
			params: { invoice_settings: { default_payment_method: methodId } },
		});
		return [
			{
				json: {
					customerId: customer.stripe.id,
					booksCustomerId: customer.booksCustomerId,
					paymentMethodId: methodId,
					type: method.type,
					label: paymentMethodLabel(method as unknown as PaymentMethodLike),
					automatic: true,
				},
				pairedItem: { item: itemIndex },
			},
		];
	});
}

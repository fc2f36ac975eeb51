import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type Stripe from 'stripe';

import { paymentMethodLabel } from '../../../core/payments/paymentMethodLabel';
import type { PaymentMethodLike } from '../../../core/payments/paymentMethodLabel';
import { mapItemsInOrder } from '../../../shared/itemRunner';
import { resolveCustomer } from '../../helpers/customer';
import { customerLocator } from '../customer.description';
import type { OperationContext } from '../node.type';

export const description = updateDisplayOptions(
	{ show: { resource: ['paymentMethod'], operation: ['list'] } },
	[customerLocator] as INodeProperties[],
);

/** The customer's payment methods of the imported types, each labelled, the automatic one marked. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ stripe, settings, customerLookup, reads }: OperationContext,
): Promise<INodeExecutionData[]> {
	return await mapItemsInOrder(this, items.length, settings.concurrency, async (itemIndex) => {
		const customer = await resolveCustomer(this, itemIndex, { customerLookup, reads, settings });
		const automatic = customer.stripe.invoice_settings?.default_payment_method;
		const automaticId = typeof automatic === 'string' ? automatic : automatic?.id;
		const methods: INodeExecutionData[] = [];
		for await (const method of stripe.transport.listAll<Stripe.PaymentMethod>(
			`/v1/customers/${customer.stripe.id}/payment_methods`,
		)) {
			if (!settings.importedPaymentMethodTypes.includes(method.type)) continue;
			methods.push({
				json: {
					customerId: customer.stripe.id,
					booksCustomerId: customer.booksCustomerId,
					paymentMethodId: method.id,
					type: method.type,
					label: paymentMethodLabel(method as unknown as PaymentMethodLike),
					automatic: method.id === automaticId,
					allowedForManualPayment: settings.allowedManualPaymentMethodTypes.includes(method.type),
				},
				pairedItem: { item: itemIndex },
			});
		}
		return methods;
	});
}

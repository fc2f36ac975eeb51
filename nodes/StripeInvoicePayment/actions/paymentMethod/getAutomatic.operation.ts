import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type Stripe from 'stripe';

import {
	NO_AUTOMATIC_PAYMENT,
	paymentMethodLabel,
} from '../../../core/payments/paymentMethodLabel';
import type { PaymentMethodLike } from '../../../core/payments/paymentMethodLabel';
import { mapItemsInOrder } from '../../../shared/itemRunner';
import { resolveCustomer } from '../../helpers/customer';
import { customerLocator } from '../customer.description';
import type { OperationContext } from '../node.type';

export const description = updateDisplayOptions(
	{ show: { resource: ['paymentMethod'], operation: ['getAutomatic'] } },
	[customerLocator] as INodeProperties[],
);

/** The customer's automatic payment method and its label (the seeds' `$-PAYMENTMETHOD`). */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ settings, customerLookup, reads }: OperationContext,
): Promise<INodeExecutionData[]> {
	return await mapItemsInOrder(this, items.length, settings.concurrency, async (itemIndex) => {
		const resolved = await resolveCustomer(this, itemIndex, { customerLookup, reads, settings });
		const customer = await reads.customer(resolved.stripe.id);
		const method = customer.invoice_settings?.default_payment_method as Stripe.PaymentMethod | null;
		// A method of a type no longer imported cannot be charged, so it does not count.
		const usable =
			method && settings.importedPaymentMethodTypes.includes(method.type) ? method : null;
		return [
			{
				json: {
					customerId: customer.id,
					booksCustomerId: resolved.booksCustomerId,
					hasAutomaticPaymentMethod: usable !== null,
					paymentMethodId: usable?.id ?? null,
					type: usable?.type ?? null,
					label: usable
						? paymentMethodLabel(usable as unknown as PaymentMethodLike)
						: NO_AUTOMATIC_PAYMENT,
				},
				pairedItem: { item: itemIndex },
			},
		];
	});
}

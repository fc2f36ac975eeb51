import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { describeCustomer } from '../../../core/mapping/customerFields';
import { getMapping } from '../../../core/mapping/manage';
import { mapItemsInOrder } from '../../../shared/itemRunner';
import { textParameter } from '../../helpers/input';
import { booksCustomerIdField } from '../common.descriptions';
import type { OperationContext } from '../node.type';

export const description = updateDisplayOptions(
	{ show: { resource: ['mapping'], operation: ['get'] } },
	[booksCustomerIdField] as INodeProperties[],
);

/**
 * The Stripe customer mapped to a books customer, with its accounts emails and automatic payment
 * method, or `mapped: false`. Correct right after a mapping was written: a search miss is
 * confirmed by Stripe's consistent list.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ stripe, settings, customerLookup }: OperationContext,
): Promise<INodeExecutionData[]> {
	return await mapItemsInOrder(this, items.length, settings.concurrency, async (itemIndex) => {
		const booksCustomerId = textParameter(this, 'booksCustomerId', itemIndex);
		const found = await getMapping(stripe.transport, customerLookup, booksCustomerId);
		const json = found
			? {
					mapped: true,
					...describeCustomer(found.customer, settings.mappingMetadataKey),
					booksCustomerId,
					automaticPaymentMethod: found.automaticPaymentMethod,
					paymentMethodLabel: found.paymentMethodLabel,
				}
			: {
					mapped: false,
					booksCustomerId,
					stripeCustomerId: null,
					message: `Books customer ${booksCustomerId} is not mapped to a Stripe customer (metadata "${settings.mappingMetadataKey}")`,
				};
		return [{ json, pairedItem: { item: itemIndex } }];
	});
}

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { describeCustomer } from '../../../core/mapping/customerFields';
import { listCustomers } from '../../../core/stripe/customers';
import { mapItemsInOrder } from '../../../shared/itemRunner';
import type { OperationContext } from '../node.type';
import { returnAllOrLimit } from '../../../shared/listDescriptions';

const properties: INodeProperties[] = [...returnAllOrLimit];

export const description = updateDisplayOptions(
	{ show: { resource: ['mapping'], operation: ['list'] } },
	properties,
);

/**
 * Every mapped pair, read page by page through Stripe's consistent list: only mapped customers
 * are kept, and reading stops as soon as the limit is reached.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ stripe, settings }: OperationContext,
): Promise<INodeExecutionData[]> {
	return await mapItemsInOrder(this, items.length, 1, async (itemIndex) => {
		const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
		const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as number);
		const pairs: INodeExecutionData[] = [];
		if (limit < 1) return pairs;
		for await (const customer of listCustomers(stripe.transport)) {
			if (!customer.metadata?.[settings.mappingMetadataKey]) continue;
			pairs.push({
				json: {
					...describeCustomer(customer, settings.mappingMetadataKey),
					created: customer.created,
				},
				pairedItem: { item: itemIndex },
			});
			if (pairs.length >= limit) break;
		}
		return pairs;
	});
}

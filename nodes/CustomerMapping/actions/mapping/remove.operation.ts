import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { duplicateIdErrors } from '../../../core/mapping/customerFields';
import { removeMapping } from '../../../core/mapping/manage';
import { mapItemsInOrder } from '../../../shared/itemRunner';
import { refuseBadInputUpFront, textParameter } from '../../helpers/input';
import { booksCustomerIdField } from '../common.descriptions';
import type { OperationContext } from '../node.type';

export const description = updateDisplayOptions(
	{ show: { resource: ['mapping'], operation: ['remove'] } },
	[booksCustomerIdField] as INodeProperties[],
);

/**
 * Removes a books customer's mapping (the metadata key, from every Stripe customer carrying it).
 * The Stripe customer itself stays. Removing a mapping that does not exist is not an error.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ stripe, settings, customerLookup }: OperationContext,
): Promise<INodeExecutionData[]> {
	const ids = items.map((_, itemIndex) => textParameter(this, 'booksCustomerId', itemIndex));
	const problems = duplicateIdErrors(ids);
	refuseBadInputUpFront(this, problems);

	return await mapItemsInOrder(this, items.length, settings.concurrency, async (itemIndex) => {
		const problem = problems[itemIndex];
		if (problem) throw problem;
		const booksCustomerId = ids[itemIndex];
		const cleared = await removeMapping(stripe.transport, customerLookup, booksCustomerId);
		return [
			{
				json: {
					booksCustomerId,
					removed: cleared.length > 0,
					stripeCustomerIds: cleared.map((customer) => customer.id),
					message:
						cleared.length > 0
							? `Books customer ${booksCustomerId} is no longer mapped`
							: `Books customer ${booksCustomerId} was not mapped`,
				},
				pairedItem: { item: itemIndex },
			},
		];
	});
}

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { describeCustomer, duplicateIdErrors } from '../../../core/mapping/customerFields';
import { setMapping } from '../../../core/mapping/manage';
import { mapItemsInOrder } from '../../../shared/itemRunner';
import { refuseBadInputUpFront } from '../../helpers/input';
import { booksCustomerIdField, stripeCustomerLocator } from '../common.descriptions';
import type { OperationContext } from '../node.type';

export const description = updateDisplayOptions(
	{ show: { resource: ['mapping'], operation: ['set'] } },
	[booksCustomerIdField, stripeCustomerLocator] as INodeProperties[],
);

/**
 * Maps a books customer to a Stripe customer by hand. Refused when the Stripe customer is mapped
 * to another books customer, or the books customer to another Stripe customer (both read
 * consistently), and when an input names either twice.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ stripe, settings, customerLookup }: OperationContext,
): Promise<INodeExecutionData[]> {
	const pairs = items.map((_, itemIndex) => ({
		booksCustomerId: String(this.getNodeParameter('booksCustomerId', itemIndex, '') ?? '').trim(),
		stripeCustomerId: String(
			this.getNodeParameter('stripeCustomerId', itemIndex, '', { extractValue: true }) ?? '',
		).trim(),
	}));
	const sameBooksId = duplicateIdErrors(pairs.map((pair) => pair.booksCustomerId));
	const sameStripeId = duplicateIdErrors(
		pairs.map((pair) => pair.stripeCustomerId),
		'stripeCustomerId',
		'Stripe customer',
	);
	const problems = pairs.map((_, itemIndex) => sameBooksId[itemIndex] ?? sameStripeId[itemIndex]);
	refuseBadInputUpFront(this, problems);

	return await mapItemsInOrder(this, items.length, settings.concurrency, async (itemIndex) => {
		const problem = problems[itemIndex];
		if (problem) throw problem;
		const { booksCustomerId, stripeCustomerId } = pairs[itemIndex];
		const change = await setMapping(
			stripe.transport,
			customerLookup,
			booksCustomerId,
			stripeCustomerId,
		);
		return [
			{
				json: {
					...describeCustomer(change.customer, settings.mappingMetadataKey),
					mapped: true,
					changed: change.changed,
				},
				pairedItem: { item: itemIndex },
			},
		];
	});
}

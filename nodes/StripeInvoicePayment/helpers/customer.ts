import type { IExecuteFunctions, INodeParameterResourceLocator } from 'n8n-workflow';
import type Stripe from 'stripe';

import { CoreInputError } from '../../core/errors';
import type { OperationContext } from '../actions/node.type';

export interface ResolvedCustomer {
	stripe: Stripe.Customer;
	booksCustomerId: string | null;
}

/** Reads the "Customer" resource locator: a books customer id (through the mapping) or a Stripe customer. */
export async function resolveCustomer(
	context: IExecuteFunctions,
	itemIndex: number,
	{
		customerLookup,
		reads,
		settings,
	}: Pick<OperationContext, 'customerLookup' | 'reads' | 'settings'>,
): Promise<ResolvedCustomer> {
	const locator = context.getNodeParameter('customer', itemIndex) as INodeParameterResourceLocator;
	const value = String(locator?.value ?? '').trim();
	if (value === '') throw new CoreInputError('customer', 'A customer is required');
	if (locator.mode === 'mapping') {
		const stripe = await customerLookup.requireCustomer(value, 'customer');
		return { stripe, booksCustomerId: value };
	}
	const stripe = await reads.customer(value, 'customer');
	return { stripe, booksCustomerId: stripe.metadata?.[settings.mappingMetadataKey] ?? null };
}

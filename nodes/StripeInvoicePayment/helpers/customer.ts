import type { IExecuteFunctions, INodeParameterResourceLocator } from 'n8n-workflow';
import type Stripe from 'stripe';

import { CoreInputError } from '../../core/errors';
import { CustomerMappingLookup, retrieveCustomer } from '../../core/stripe/customers';
import type { StripeClient } from '../../shared/stripeClient';

export interface ResolvedCustomer {
	stripe: Stripe.Customer;
	booksCustomerId: string | null;
}

/** Reads the "Customer" resource locator: a books customer id (through the mapping) or a Stripe customer. */
export async function resolveCustomer(
	context: IExecuteFunctions,
	itemIndex: number,
	client: StripeClient,
	lookup: CustomerMappingLookup,
	mappingMetadataKey: string,
): Promise<ResolvedCustomer> {
	const locator = context.getNodeParameter('customer', itemIndex) as INodeParameterResourceLocator;
	const value = String(locator?.value ?? '').trim();
	if (value === '') throw new CoreInputError('customer', 'A customer is required');
	if (locator.mode === 'mapping') {
		const stripe = await lookup.requireCustomer(value, 'customer');
		return { stripe, booksCustomerId: value };
	}
	const stripe = await retrieveCustomer(client.transport, value, 'customer');
	return { stripe, booksCustomerId: stripe.metadata?.[mappingMetadataKey] ?? null };
}

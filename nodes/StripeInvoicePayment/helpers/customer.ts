import type { IExecuteFunctions, INodeParameterResourceLocator } from 'n8n-workflow';
import type Stripe from 'stripe';

import { CoreInputError } from '../../core/errors';
import { assertVisibleText } from '../../core/payments/paymentInput';
import { assertCustomerId } from '../../core/stripe/ids';
import type { OperationContext } from '../actions/node.type';

export interface ResolvedCustomer {
	stripe: Stripe.Customer;
	booksCustomerId: string | null;
}

/** The "Customer" parameter, checked without reading anything. */
export type CustomerLocator = { booksCustomerId: string } | { stripeCustomerId: string };

/** Reads the "Customer" resource locator: a books customer id (through the mapping) or a Stripe customer. */
export function readCustomerLocator(
	context: IExecuteFunctions,
	itemIndex: number,
): CustomerLocator {
	const locator = context.getNodeParameter('customer', itemIndex) as INodeParameterResourceLocator;
	const value = String(locator?.value ?? '');
	assertVisibleText(value, 'customer', 'Customer');
	if (value.trim() === '') throw new CoreInputError('customer', 'A customer is required');
	if (locator.mode === 'mapping') return { booksCustomerId: value.trim() };
	return { stripeCustomerId: assertCustomerId(value, 'customer') };
}

/** The Stripe customer a locator names: through the mapping, or read by its id. */
export async function findCustomer(
	locator: CustomerLocator,
	{
		customerLookup,
		reads,
		settings,
	}: Pick<OperationContext, 'customerLookup' | 'reads' | 'settings'>,
): Promise<ResolvedCustomer> {
	if ('booksCustomerId' in locator) {
		const stripe = await customerLookup.requireCustomer(locator.booksCustomerId, 'customer');
		return { stripe, booksCustomerId: locator.booksCustomerId };
	}
	const stripe = await reads.customer(locator.stripeCustomerId, 'customer');
	return { stripe, booksCustomerId: stripe.metadata?.[settings.mappingMetadataKey] ?? null };
}

/** The customer of an item's "Customer" parameter, for operations that check nothing else first. */
export async function resolveCustomer(
	context: IExecuteFunctions,
	itemIndex: number,
	lookups: Pick<OperationContext, 'customerLookup' | 'reads' | 'settings'>,
): Promise<ResolvedCustomer> {
	return await findCustomer(readCustomerLocator(context, itemIndex), lookups);
}

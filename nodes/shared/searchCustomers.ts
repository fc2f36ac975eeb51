import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import type Stripe from 'stripe';

import { createStripeClient } from './stripeClient';

/** The "From List" mode of customer pickers: Stripe customers by name or email, 25 a page. */
export async function searchCustomers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const { transport } = await createStripeClient.call(this);
	const text = (filter ?? '').replace(/'/g, "\\'").trim();
	const page = text
		? await transport.request<Stripe.ApiSearchResult<Stripe.Customer>>('GET', '/v1/customers/search', {
				params: {
					query: `name~'${text}' OR email~'${text}'`,
					limit: 25,
					...(paginationToken ? { page: paginationToken } : {}),
				},
			})
		: await transport.request<Stripe.ApiList<Stripe.Customer>>('GET', '/v1/customers', {
				params: { limit: 25, ...(paginationToken ? { starting_after: paginationToken } : {}) },
			});
	const results = page.data.map((customer) => ({
		name: `${customer.name ?? customer.email ?? customer.id} (${customer.id})`,
		value: customer.id,
		url: `https://dashboard.stripe.com/customers/${customer.id}`,
	}));
	const next = 'next_page' in page ? page.next_page : page.has_more ? page.data[page.data.length - 1]?.id : undefined;
	return { results, paginationToken: next ?? undefined };
}

/** The `methods.listSearch` of every node with a Stripe customer picker. */
export const customerListSearch = {
	async searchCustomers(
		this: ILoadOptionsFunctions,
		filter?: string,
		paginationToken?: string,
	): Promise<INodeListSearchResult> {
		return await searchCustomers.call(this, filter, paginationToken);
	},
};

import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import type Stripe from 'stripe';

import {
	customerMatchesText,
	customerSearchQuery,
	stripeDashboardUrl,
} from '../core/stripe/search';
import { createStripeClient } from './stripeClient';

const PAGE_SIZE = 25;
// A text too short for Stripe's search is looked for in listed pages: bigger ones, fewer calls.
const FILTERED_PAGE_SIZE = 100;

/** The "From List" mode of customer pickers: Stripe customers by name or email. */
export async function searchCustomers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const { transport, livemode } = await createStripeClient.call(this);
	const text = (filter ?? '').trim();
	const query = customerSearchQuery(text);
	let customers: Stripe.Customer[];
	let next: string | null | undefined;
	if (query) {
		const page = await transport.request<Stripe.ApiSearchResult<Stripe.Customer>>(
			'GET',
			'/v1/customers/search',
			{
				params: { query, limit: PAGE_SIZE, ...(paginationToken ? { page: paginationToken } : {}) },
			},
		);
		customers = page.data;
		next = page.next_page;
	} else {
		const page = await transport.request<Stripe.ApiList<Stripe.Customer>>('GET', '/v1/customers', {
			params: {
				limit: text ? FILTERED_PAGE_SIZE : PAGE_SIZE,
				...(paginationToken ? { starting_after: paginationToken } : {}),
			},
		});
		customers = text
			? page.data.filter((customer) => customerMatchesText(customer, text))
			: page.data;
		next = page.has_more ? page.data[page.data.length - 1]?.id : undefined;
	}
	return {
		results: customers.map((customer) => ({
			name: `${customer.name || customer.email || customer.id} (${customer.id})`,
			value: customer.id,
			url: stripeDashboardUrl(livemode, `customers/${customer.id}`),
		})),
		paginationToken: next ?? undefined,
	};
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

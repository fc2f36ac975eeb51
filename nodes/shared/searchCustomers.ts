import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { customerPickerPage } from '../core/stripe/customers';
import { stripeDashboardUrl } from '../core/stripe/search';
import { createStripeClient } from './stripeClient';

/** The "From List" mode of customer pickers: Stripe customers by name or email. */
export async function searchCustomers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const { transport, livemode } = await createStripeClient.call(this);
	const { customers, next } = await customerPickerPage(
		transport,
		(filter ?? '').trim(),
		paginationToken,
	);
	return {
		results: customers.map((customer) => ({
			name: `${customer.name || customer.email || customer.id} (${customer.id})`,
			value: customer.id,
			url: stripeDashboardUrl(livemode, `customers/${customer.id}`),
		})),
		paginationToken: next,
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

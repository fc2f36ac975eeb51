import type Stripe from 'stripe';

import { CoreInputError } from '../errors';
import type { StripeTransport } from './transport';
import { StripeApiError, notFoundAsInputError } from './errors';
import { assertCustomerId } from './ids';
import { searchString } from './search';

/** The Stripe customer metadata key holding the books customer id, unless a node says otherwise. */
export const DEFAULT_MAPPING_METADATA_KEY = 'books_customer_id';

/** A customer read by id; a deleted or missing customer is bad input naming the field. */
export async function retrieveCustomer(
	transport: StripeTransport,
	customerId: string,
	field = 'customer',
	expand: string[] = [],
): Promise<Stripe.Customer> {
	const customer = await transport
		.request<
			Stripe.Customer | Stripe.DeletedCustomer
		>('GET', `/v1/customers/${assertCustomerId(customerId, field)}`, expand.length ? { params: { expand } } : {})
		.catch(notFoundAsInputError(field, `Stripe customer ${customerId} does not exist`));
	if ((customer as Stripe.DeletedCustomer).deleted) {
		throw new CoreInputError(field, `Stripe customer ${customerId} has been deleted`);
	}
	return customer as Stripe.Customer;
}

/**
 * Finds the Stripe customers mapped to books customers, correct right after a mapping was
 * written: Stripe's search lags (up to a minute or more), so a search miss is confirmed by one
 * consistent list of all customers, read once per lookup session and kept for its later misses.
 * A search hit is re-read by id so a mapping removed a moment ago is not trusted. Writes made in
 * the session are reported through `recordWrite`, so the kept list never contradicts them.
 */
export class CustomerMappingLookup {
	private index?: Map<string, Stripe.Customer[]>;

	/** the list read under way: concurrent items of one execution share it */
	private indexRead?: Promise<Map<string, Stripe.Customer[]>>;

	constructor(
		private readonly transport: StripeTransport,
		readonly metadataKey: string = DEFAULT_MAPPING_METADATA_KEY,
	) {}

	/** The books customer id a Stripe customer carries, or null. */
	booksIdOf(customer: Pick<Stripe.Customer, 'metadata'>): string | null {
		return customer.metadata?.[this.metadataKey] || null;
	}

	/** The Stripe customers carrying this books id (normally one; several means a conflict). */
	async customersFor(booksCustomerId: string): Promise<Stripe.Customer[]> {
		if (this.index) return [...(this.index.get(booksCustomerId) ?? [])];
		const query = `metadata[${searchString(this.metadataKey)}]:${searchString(booksCustomerId)}`;
		const hits = await this.transport
			.request<Stripe.ApiSearchResult<Stripe.Customer>>('GET', '/v1/customers/search', {
				params: { query, limit: 10 },
			})
			.then(
				(result) => result.data,
				(error: unknown) => {
					// Search is unavailable in some regions; the consistent list below still answers.
					if (error instanceof StripeApiError && error.statusCode < 500) return [];
					throw error;
				},
			);
		const confirmed: Stripe.Customer[] = [];
		for (const hit of hits) {
			const fresh = await this.transport.request<Stripe.Customer | Stripe.DeletedCustomer>(
				'GET',
				`/v1/customers/${hit.id}`,
			);
			const live = !(fresh as Stripe.DeletedCustomer).deleted;
			if (live && (fresh as Stripe.Customer).metadata?.[this.metadataKey] === booksCustomerId) {
				confirmed.push(fresh as Stripe.Customer);
			}
		}
		if (confirmed.length > 0) return confirmed;
		return [...((await this.buildIndex()).get(booksCustomerId) ?? [])];
	}

	/** Exactly one mapped customer, or bad input saying why not. */
	async requireCustomer(booksCustomerId: string, field = 'customer'): Promise<Stripe.Customer> {
		const id = booksCustomerId.trim();
		if (id === '') throw new CoreInputError(field, 'A books customer ID is required');
		const customers = await this.customersFor(id);
		if (customers.length === 0) {
			throw new CoreInputError(
				field,
				`Books customer ${id} is not mapped to a Stripe customer (metadata "${this.metadataKey}")`,
			);
		}
		if (customers.length > 1) {
			throw new CoreInputError(field, mappedToSeveralMessage(id, customers));
		}
		return customers[0];
	}

	/** Every customer of the account by books id, from one paginated consistent read. */
	async buildIndex(): Promise<Map<string, Stripe.Customer[]>> {
		if (this.index) return this.index;
		this.indexRead ??= this.readIndex().then(
			(index) => (this.index = index),
			(error: unknown) => {
				// A failed read must not be kept: the next caller tries again.
				this.indexRead = undefined;
				throw error;
			},
		);
		return await this.indexRead;
	}

	/**
	 * Keeps the session's list in step with a write this session made (the customer as Stripe
	 * answered it): it is filed under the books id it now carries, and nowhere else.
	 */
	recordWrite(customer: Stripe.Customer | Stripe.DeletedCustomer): void {
		if (!this.index) return;
		for (const [booksId, list] of this.index) {
			const kept = list.filter((entry) => entry.id !== customer.id);
			if (kept.length === 0) this.index.delete(booksId);
			else if (kept.length !== list.length) this.index.set(booksId, kept);
		}
		if ((customer as Stripe.DeletedCustomer).deleted) return;
		const booksId = this.booksIdOf(customer as Stripe.Customer);
		if (!booksId) return;
		this.index.set(booksId, [...(this.index.get(booksId) ?? []), customer as Stripe.Customer]);
	}

	private async readIndex(): Promise<Map<string, Stripe.Customer[]>> {
		const index = new Map<string, Stripe.Customer[]>();
		for await (const customer of this.transport.listAll<Stripe.Customer>('/v1/customers')) {
			const booksId = this.booksIdOf(customer);
			if (!booksId) continue;
			const list = index.get(booksId);
			if (list) list.push(customer);
			else index.set(booksId, [customer]);
		}
		return index;
	}
}

/** The conflict a hand fix must resolve: one books id on several Stripe customers. */
export function mappedToSeveralMessage(
	booksCustomerId: string,
	customers: Array<Pick<Stripe.Customer, 'id'>>,
): string {
	return `Books customer ${booksCustomerId} is mapped to several Stripe customers (${customers.map((c) => c.id).join(', ')}); fix the mapping first`;
}

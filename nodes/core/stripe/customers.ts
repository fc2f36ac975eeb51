import type Stripe from 'stripe';

import { BOOKS_CUSTOMER_METADATA_KEY } from '../payments/invoiceMetadata';
import { CoreInputError } from '../errors';
import type { StripeTransport } from './transport';
import { StripeApiError, notFoundAsInputError } from './errors';
import { assertCustomerId } from './ids';
import { customerMatchesText, customerSearchQuery, searchString } from './search';

/**
 * The expansion that puts a customer's automatic payment method (its default for invoices) in
 * the customer itself: one list or read instead of one more request per customer.
 */
const WITH_AUTOMATIC_METHOD = 'invoice_settings.default_payment_method';

export interface CustomerReadOptions {
	/** expand `invoice_settings.default_payment_method` (the automatic method) */
	withAutomaticMethod?: boolean;
}

/**
 * A customer read by id; a deleted or missing customer is bad input naming the field. A deleted
 * customer has nothing to expand and Stripe refuses the expansion: it is read plain, to say so.
 */
export async function retrieveCustomer(
	transport: StripeTransport,
	customerId: string,
	field = 'customer',
	{ withAutomaticMethod = false }: CustomerReadOptions = {},
): Promise<Stripe.Customer> {
	const id = assertCustomerId(customerId, field);
	const read = (expand: boolean) =>
		transport.request<Stripe.Customer | Stripe.DeletedCustomer>(
			'GET',
			`/v1/customers/${id}`,
			expand ? { params: { expand: [WITH_AUTOMATIC_METHOD] } } : {},
		);
	const customer = await read(withAutomaticMethod)
		.catch((error: unknown) => {
			if (
				withAutomaticMethod &&
				error instanceof StripeApiError &&
				error.statusCode === 400 &&
				/expand/i.test(error.message)
			) {
				return read(false);
			}
			throw error;
		})
		.catch(notFoundAsInputError(field, `Stripe customer ${id} does not exist`));
	if ((customer as Stripe.DeletedCustomer).deleted) {
		throw new CoreInputError(field, `Stripe customer ${id} has been deleted`);
	}
	return customer as Stripe.Customer;
}

/** Every customer of the account, through Stripe's consistent list (all pages, 100 a page). */
export function listCustomers(
	transport: StripeTransport,
	{ withAutomaticMethod = false }: CustomerReadOptions = {},
): AsyncGenerator<Stripe.Customer> {
	return transport.listAll<Stripe.Customer>(
		'/v1/customers',
		withAutomaticMethod ? { expand: [`data.${WITH_AUTOMATIC_METHOD}`] } : {},
	);
}

/** Items a picker in the editor shows a page (every Stripe picker). */
export const PICKER_PAGE_SIZE = 25;
/** A text too short for Stripe's search is looked for in listed pages: bigger ones, fewer calls. */
export const FILTERED_PICKER_PAGE_SIZE = 100;

/**
 * One page of customers for a picker in the editor: found by Stripe's search when the text can be
 * searched, else a listed page filtered by the text. `next` is the token of the following page.
 */
export async function customerPickerPage(
	transport: StripeTransport,
	text: string,
	pageToken?: string,
): Promise<{ customers: Stripe.Customer[]; next?: string }> {
	const query = customerSearchQuery(text);
	if (query) {
		const page = await transport.request<Stripe.ApiSearchResult<Stripe.Customer>>(
			'GET',
			'/v1/customers/search',
			{
				params: { query, limit: PICKER_PAGE_SIZE, ...(pageToken ? { page: pageToken } : {}) },
			},
		);
		return { customers: page.data, next: page.next_page ?? undefined };
	}
	const page = await transport.request<Stripe.ApiList<Stripe.Customer>>('GET', '/v1/customers', {
		params: {
			limit: text ? FILTERED_PICKER_PAGE_SIZE : PICKER_PAGE_SIZE,
			...(pageToken ? { starting_after: pageToken } : {}),
		},
	});
	return {
		customers: text
			? page.data.filter((customer) => customerMatchesText(customer, text))
			: page.data,
		next: page.has_more ? page.data[page.data.length - 1]?.id : undefined,
	};
}

/**
 * The customers of the account that carry a books id under `metadataKey`, by that id (several
 * under one id is a broken mapping, kept so callers can say so); `only` keeps just those ids.
 */
export async function customersByBooksId(
	transport: StripeTransport,
	metadataKey: string,
	{ only, ...options }: CustomerReadOptions & { only?: ReadonlySet<string> } = {},
): Promise<Map<string, Stripe.Customer[]>> {
	const index = new Map<string, Stripe.Customer[]>();
	for await (const customer of listCustomers(transport, options)) {
		const booksId = customer.metadata?.[metadataKey];
		if (!booksId || (only && !only.has(booksId))) continue;
		const list = index.get(booksId);
		if (list) list.push(customer);
		else index.set(booksId, [customer]);
	}
	return index;
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
		readonly metadataKey: string = BOOKS_CUSTOMER_METADATA_KEY,
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

	private readIndex(): Promise<Map<string, Stripe.Customer[]>> {
		return customersByBooksId(this.transport, this.metadataKey);
	}
}

/** The conflict a hand fix must resolve: one books id on several Stripe customers. */
export function mappedToSeveralMessage(
	booksCustomerId: string,
	customers: Array<Pick<Stripe.Customer, 'id'>>,
): string {
	return `Books customer ${booksCustomerId} is mapped to several Stripe customers (${customers.map((c) => c.id).join(', ')}); fix the mapping first`;
}

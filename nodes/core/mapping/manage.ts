import type Stripe from 'stripe';

import { CoreInputError } from '../errors';
import { NO_AUTOMATIC_PAYMENT, paymentMethodLabel } from '../payments/paymentMethodLabel';
import type { PaymentMethodLike } from '../payments/paymentMethodLabel';
import { mappedToSeveralMessage, retrieveCustomer } from '../stripe/customers';
import type { CustomerMappingLookup } from '../stripe/customers';
import { StripeApiError, notFoundAsInputError } from '../stripe/errors';
import { assertCustomerId } from '../stripe/ids';
import type { StripeTransport } from '../stripe/transport';
import { assertBooksCustomerId } from './customerFields';

/**
 * Reading and changing one mapping by hand. Every guard reads consistently (a customer by id, or
 * the lookup's list), never through search alone; every write is one metadata update, so a
 * refused or failed request leaves nothing half-written. Mapping writes carry the transport's
 * own key, kept across its retries: setting a value is idempotent by nature, and a key derived
 * from the pair would replay a stale answer after a remove and a re-set within Stripe's 24 h.
 */

export interface MappingChange {
	customer: Stripe.Customer;
	/** false when the mapping was already exactly so */
	changed: boolean;
}

/** Writes (or clears, with '') the mapping key on one customer: one metadata update. */
export async function applyMapping(
	transport: StripeTransport,
	metadataKey: string,
	stripeCustomerId: string,
	booksCustomerId: string,
	field = 'stripeCustomerId',
): Promise<Stripe.Customer> {
	return await transport
		.request<Stripe.Customer>(
			'POST',
			`/v1/customers/${assertCustomerId(stripeCustomerId, field)}`,
			{
				params: { metadata: { [metadataKey]: booksCustomerId } },
			},
		)
		.catch(notFoundAsInputError(field, `Stripe customer ${stripeCustomerId} does not exist`));
}

async function writeMapping(
	transport: StripeTransport,
	lookup: CustomerMappingLookup,
	stripeCustomerId: string,
	booksCustomerId: string,
	field: string,
): Promise<Stripe.Customer> {
	const updated = await applyMapping(
		transport,
		lookup.metadataKey,
		stripeCustomerId,
		booksCustomerId,
		field,
	);
	lookup.recordWrite(updated);
	return updated;
}

/** Maps a books customer to a Stripe customer, unless either is mapped to someone else. */
export async function setMapping(
	transport: StripeTransport,
	lookup: CustomerMappingLookup,
	booksCustomerId: string,
	stripeCustomerId: string,
): Promise<MappingChange> {
	const booksId = assertBooksCustomerId(booksCustomerId);
	const customer = await retrieveCustomer(transport, stripeCustomerId, 'stripeCustomerId');
	const current = lookup.booksIdOf(customer);
	if (current && current !== booksId) {
		throw new CoreInputError(
			'stripeCustomerId',
			`Stripe customer ${customer.id} is already mapped to books customer ${current}; delete that mapping first (Mapping → Delete)`,
		);
	}
	const elsewhere = (await lookup.customersFor(booksId)).filter((c) => c.id !== customer.id);
	if (elsewhere.length > 0) {
		throw new CoreInputError(
			'booksCustomerId',
			`Books customer ${booksId} is already mapped to Stripe customer ${elsewhere.map((c) => c.id).join(', ')}; delete that mapping first (Mapping → Delete)`,
		);
	}
	if (current === booksId) return { customer, changed: false };
	const updated = await writeMapping(transport, lookup, customer.id, booksId, 'stripeCustomerId');
	return { customer: updated, changed: true };
}

/** Removes a books customer's mapping from every Stripe customer carrying it. */
export async function removeMapping(
	transport: StripeTransport,
	lookup: CustomerMappingLookup,
	booksCustomerId: string,
): Promise<Stripe.Customer[]> {
	const booksId = assertBooksCustomerId(booksCustomerId);
	const mapped = await lookup.customersFor(booksId);
	const cleared: Stripe.Customer[] = [];
	for (const customer of mapped) {
		cleared.push(await writeMapping(transport, lookup, customer.id, '', 'booksCustomerId'));
	}
	return cleared;
}

export interface MappingFound {
	customer: Stripe.Customer;
	automaticPaymentMethod: { id: string; type: string; label: string } | null;
	paymentMethodLabel: string;
}

/**
 * The Stripe customer mapped to a books customer with its automatic payment method, or null.
 * Correct right after a write (see CustomerMappingLookup); the customer is re-read by id so the
 * answer is as fresh as Stripe's own.
 */
export async function getMapping(
	transport: StripeTransport,
	lookup: CustomerMappingLookup,
	booksCustomerId: string,
): Promise<MappingFound | null> {
	const booksId = assertBooksCustomerId(booksCustomerId);
	const mapped = await lookup.customersFor(booksId);
	if (mapped.length === 0) return null;
	if (mapped.length > 1) {
		throw new CoreInputError('booksCustomerId', mappedToSeveralMessage(booksId, mapped));
	}
	const customer = await transport
		.request<Stripe.Customer | Stripe.DeletedCustomer>('GET', `/v1/customers/${mapped[0].id}`, {
			params: { expand: ['invoice_settings.default_payment_method'] },
		})
		.then(
			(found) => found,
			(error: unknown) => {
				if (error instanceof StripeApiError && error.statusCode === 404) return null;
				throw error;
			},
		);
	// Gone, deleted or unmapped since the lookup read it: not mapped any more.
	if (!customer || (customer as Stripe.DeletedCustomer).deleted) return null;
	const live = customer as Stripe.Customer;
	if (lookup.booksIdOf(live) !== booksId) return null;
	const method = live.invoice_settings?.default_payment_method;
	const expanded = method && typeof method === 'object' ? method : null;
	return {
		customer: live,
		automaticPaymentMethod: expanded
			? {
					id: expanded.id,
					type: expanded.type,
					label: paymentMethodLabel(expanded as unknown as PaymentMethodLike),
				}
			: null,
		paymentMethodLabel: expanded
			? paymentMethodLabel(expanded as unknown as PaymentMethodLike)
			: NO_AUTOMATIC_PAYMENT,
	};
}

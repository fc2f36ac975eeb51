import type Stripe from 'stripe';

import { CoreInputError } from '../errors';
import { operationIdempotencyKey } from '../payments/idempotency';
import { CustomerMappingLookup, mappedToSeveralMessage } from '../stripe/customers';
import { StripeApiError, notFoundAsInputError } from '../stripe/errors';
import type { StripeTransport } from '../stripe/transport';
import { customerParams } from './customerFields';
import type { BooksCustomerRecord } from './customerFields';

/**
 * "Sync customer": a books customer was created or updated, so its Stripe customer is updated,
 * or created when missing. Never two Stripe customers for one books customer:
 * - the mapping is looked up consistently first (search, then the consistent list);
 * - the create carries a key derived from the books id, so syncs that both saw "missing" (two
 *   workers, a webhook delivered twice) send the same request and Stripe answers the second
 *   with the first's customer;
 * - Stripe keeps a key 24 h: a replayed customer that has since been deleted or unmapped is
 *   detected by re-reading it, and the next create's key is derived from that dead customer's
 *   id, which every concurrent sync sees alike.
 */

export type SyncAction = 'created' | 'updated' | 'notMapped';

export interface SyncOutcome {
	action: SyncAction;
	customer: Stripe.Customer | null;
	/** the create's idempotency key, when a customer was created */
	idempotencyKey: string | null;
}

export interface SyncOptions {
	createIfMissing: boolean;
}

/** Bounds the chain of keys tried when earlier creates' customers were deleted since. */
const MAX_CREATE_ATTEMPTS = 4;

/** The create's key: the books id (and mapping key), plus the dead customer it replaces. */
export function syncCreateKey(
	metadataKey: string,
	booksCustomerId: string,
	replaces?: string,
): string {
	return replaces
		? operationIdempotencyKey('sync-create', metadataKey, booksCustomerId, 'replaces', replaces)
		: operationIdempotencyKey('sync-create', metadataKey, booksCustomerId);
}

/** Create params: the record's non-empty fields (Stripe refuses to "unset" on create) and the mapping. */
function createParams(
	record: BooksCustomerRecord,
	metadataKey: string,
): Stripe.CustomerCreateParams {
	const update = customerParams(record);
	const params: Stripe.CustomerCreateParams = { metadata: { [metadataKey]: record.id } };
	for (const [key, value] of Object.entries(update)) {
		if (key === 'metadata' || value === '' || value === undefined) continue;
		(params as Record<string, unknown>)[key] = value;
	}
	for (const [key, value] of Object.entries(update.metadata ?? {})) {
		if (value !== '') (params.metadata as Record<string, string>)[key] = String(value);
	}
	return params;
}

type CreateAttempt =
	| { kind: 'created'; customer: Stripe.Customer }
	| { kind: 'dead'; customerId: string }
	| { kind: 'otherParameters' };

async function tryCreate(
	transport: StripeTransport,
	params: Stripe.CustomerCreateParams,
	idempotencyKey: string,
	metadataKey: string,
	booksCustomerId: string,
): Promise<CreateAttempt> {
	const created = await transport
		.request<Stripe.Customer>('POST', '/v1/customers', { params, idempotencyKey })
		.then(
			(customer) => customer,
			(error: unknown) => {
				// 400: the key was used with other parameters, by an earlier or concurrent sync of
				// this books customer with other data; its customer is found below. (A 409, the
				// first request still running, is not that: it stays an error.)
				if (
					error instanceof StripeApiError &&
					error.statusCode === 400 &&
					error.type === 'idempotency_error'
				) {
					return null;
				}
				throw error;
			},
		);
	if (!created) return { kind: 'otherParameters' };
	// A replayed answer may name a customer deleted or unmapped since: re-read it.
	const fresh = await transport.request<Stripe.Customer | Stripe.DeletedCustomer>(
		'GET',
		`/v1/customers/${created.id}`,
	);
	const live = !(fresh as Stripe.DeletedCustomer).deleted;
	if (live && (fresh as Stripe.Customer).metadata?.[metadataKey] === booksCustomerId) {
		return { kind: 'created', customer: fresh as Stripe.Customer };
	}
	return { kind: 'dead', customerId: created.id };
}

async function updateCustomer(
	transport: StripeTransport,
	lookup: CustomerMappingLookup,
	customerId: string,
	record: BooksCustomerRecord,
): Promise<Stripe.Customer> {
	const updated = await transport
		.request<Stripe.Customer>('POST', `/v1/customers/${customerId}`, {
			params: customerParams(record),
		})
		.catch(
			notFoundAsInputError(
				'booksCustomerId',
				`Stripe customer ${customerId} mapped to books customer ${record.id} no longer exists`,
			),
		);
	lookup.recordWrite(updated);
	return updated;
}

/** Creates or updates the Stripe customer of a checked books customer record. */
export async function syncCustomer(
	transport: StripeTransport,
	lookup: CustomerMappingLookup,
	record: BooksCustomerRecord,
	options: SyncOptions,
): Promise<SyncOutcome> {
	const { metadataKey } = lookup;
	const existing = await lookup.customersFor(record.id);
	if (existing.length > 1) {
		throw new CoreInputError('booksCustomerId', mappedToSeveralMessage(record.id, existing));
	}
	if (existing.length === 1) {
		const customer = await updateCustomer(transport, lookup, existing[0].id, record);
		return { action: 'updated', customer, idempotencyKey: null };
	}
	if (!options.createIfMissing)
		return { action: 'notMapped', customer: null, idempotencyKey: null };

	let params = createParams(record, metadataKey);
	let replaces: string | undefined;
	let idOnly = false;
	for (let attempt = 0; attempt < MAX_CREATE_ATTEMPTS; attempt++) {
		const idempotencyKey = syncCreateKey(metadataKey, record.id, replaces);
		const outcome = await tryCreate(transport, params, idempotencyKey, metadataKey, record.id);
		if (outcome.kind === 'created') {
			lookup.recordWrite(outcome.customer);
			// A create that carried only the mapping still needs the record's fields.
			const customer = idOnly
				? await updateCustomer(transport, lookup, outcome.customer.id, record)
				: outcome.customer;
			return { action: 'created', customer, idempotencyKey };
		}
		if (outcome.kind === 'dead') {
			replaces = outcome.customerId;
			continue;
		}
		// Other parameters under this key: the customer that create made is read consistently
		// (a fresh list, not this session's) and updated with this record.
		const found =
			(await new CustomerMappingLookup(transport, metadataKey).buildIndex()).get(record.id) ?? [];
		if (found.length > 1) {
			throw new CoreInputError('booksCustomerId', mappedToSeveralMessage(record.id, found));
		}
		if (found.length === 1) {
			lookup.recordWrite(found[0]);
			const customer = await updateCustomer(transport, lookup, found[0].id, record);
			return { action: 'updated', customer, idempotencyKey: null };
		}
		// That customer is gone and its id unknown: create one carrying only the mapping (the
		// same request from every sync, whatever its data) under a key of its own, then update.
		params = { metadata: { [metadataKey]: record.id } };
		replaces = 'unknown';
		idOnly = true;
	}
	throw new CoreInputError(
		'booksCustomerId',
		`Could not create a Stripe customer for books customer ${record.id}: the customers created for it keep disappearing; map it by hand (Mapping → Create or Update)`,
	);
}

import type Stripe from 'stripe';

import { CoreInputError } from '../errors';

/**
 * Stripe customer metadata keys holding the books customer's accounts email and accounts CC
 * address(es). The payment emails read them (with the customer's own email) to address and CC
 * payment confirmations and failures.
 */
export const ACCOUNTS_EMAIL_METADATA_KEY = 'accounts_email';
export const ACCOUNTS_CC_EMAIL_METADATA_KEY = 'accounts_cc_email';

/** Stripe's metadata limits. */
export const MAX_METADATA_KEY_LENGTH = 40;
export const MAX_METADATA_VALUE_LENGTH = 500;

const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

/** What is wrong with a mapping key of a node's settings, or undefined when it is usable. */
export function mappingMetadataKeyProblem(key: string): string | undefined {
	if (key === '') return 'A metadata key for the mapping is required';
	if (key.length > MAX_METADATA_KEY_LENGTH) {
		return `Metadata key "${key}" is ${key.length} characters long; Stripe allows at most ${MAX_METADATA_KEY_LENGTH}`;
	}
	if (/[[\]]/.test(key)) return `Metadata key "${key}" may not contain square brackets`;
	if (key === ACCOUNTS_EMAIL_METADATA_KEY || key === ACCOUNTS_CC_EMAIL_METADATA_KEY) {
		return `Metadata key "${key}" is reserved for the accounts emails`;
	}
	return undefined;
}

/** A books customer ID as it goes into Stripe metadata. */
export function assertBooksCustomerId(value: unknown, field = 'booksCustomerId'): string {
	const id = String(value ?? '').trim();
	if (id === '') throw new CoreInputError(field, 'A books customer ID is required');
	if (id.length > MAX_METADATA_VALUE_LENGTH) {
		throw new CoreInputError(
			field,
			`Books customer ID is ${id.length} characters long; Stripe metadata holds at most ${MAX_METADATA_VALUE_LENGTH}`,
		);
	}
	return id;
}

/**
 * Refuses a books ID that appears in several items of one input: which of them is right cannot
 * be known, so none is written. Returns, per item, the error to report (or undefined).
 */
export function duplicateIdErrors(
	ids: Array<string | undefined>,
	field = 'booksCustomerId',
	noun = 'Books customer',
): Array<CoreInputError | undefined> {
	const items = new Map<string, number[]>();
	ids.forEach((id, index) => {
		if (!id) return;
		const list = items.get(id);
		if (list) list.push(index);
		else items.set(id, [index]);
	});
	return ids.map((id) => {
		const list = id ? items.get(id) : undefined;
		if (!list || list.length < 2) return undefined;
		return new CoreInputError(
			field,
			`${noun} ${id} appears more than once in the input (items ${list.join(', ')})`,
		);
	});
}

export interface CustomerAddressInput {
	line1?: string;
	line2?: string;
	city?: string;
	state?: string;
	postalCode?: string;
	country?: string;
}

/**
 * A books customer to create or update in Stripe. For every optional field: undefined leaves
 * Stripe's value alone, '' clears it.
 */
export interface BooksCustomerRecord {
	id: string;
	name: string;
	email?: string;
	phone?: string;
	description?: string;
	address?: CustomerAddressInput;
	accountsEmail?: string;
	/** one or more addresses, stored comma-separated */
	accountsCcEmail?: string;
}

export interface BooksCustomerRecordInput {
	id?: unknown;
	name?: unknown;
	email?: unknown;
	phone?: unknown;
	description?: unknown;
	address?: Record<string, unknown>;
	accountsEmail?: unknown;
	accountsCcEmail?: unknown;
}

function optionalText(value: unknown): string | undefined {
	if (value === undefined) return undefined;
	if (value === null) return '';
	return String(value).trim();
}

function checkEmail(value: string | undefined, field: string): string | undefined {
	if (value === undefined || value === '') return value;
	if (!EMAIL.test(value)) throw new CoreInputError(field, `"${value}" is not an email address`);
	return value;
}

function checkEmailList(value: string | undefined, field: string): string | undefined {
	if (value === undefined || value === '') return value;
	const addresses = value
		.split(/[,;]/)
		.map((part) => part.trim())
		.filter(Boolean);
	for (const address of addresses) checkEmail(address, field);
	const joined = addresses.join(', ');
	if (joined.length > MAX_METADATA_VALUE_LENGTH) {
		throw new CoreInputError(
			field,
			`The addresses take ${joined.length} characters; Stripe metadata holds at most ${MAX_METADATA_VALUE_LENGTH}`,
		);
	}
	return joined;
}

const ADDRESS_FIELDS: Array<keyof CustomerAddressInput> = [
	'line1',
	'line2',
	'city',
	'state',
	'postalCode',
	'country',
];

/** Checks a books customer before anything is sent; throws CoreInputError naming the field. */
export function readBooksCustomerRecord(input: BooksCustomerRecordInput): BooksCustomerRecord {
	const id = assertBooksCustomerId(input.id);
	const name = optionalText(input.name) ?? '';
	if (name === '') throw new CoreInputError('name', `Books customer ${id} has no name`);
	const record: BooksCustomerRecord = { id, name };

	const email = checkEmail(optionalText(input.email), 'email');
	if (email !== undefined) record.email = email;
	const phone = optionalText(input.phone);
	if (phone !== undefined) record.phone = phone;
	const description = optionalText(input.description);
	if (description !== undefined) record.description = description;
	const accountsEmail = checkEmail(optionalText(input.accountsEmail), 'accountsEmail');
	if (accountsEmail !== undefined) record.accountsEmail = accountsEmail;
	const accountsCcEmail = checkEmailList(optionalText(input.accountsCcEmail), 'accountsCcEmail');
	if (accountsCcEmail !== undefined) record.accountsCcEmail = accountsCcEmail;

	if (input.address) {
		const address: CustomerAddressInput = {};
		for (const key of ADDRESS_FIELDS) {
			const value = optionalText(input.address[key]);
			if (value !== undefined) address[key] = value;
		}
		if (address.country) {
			if (!/^[A-Za-z]{2}$/.test(address.country)) {
				throw new CoreInputError(
					'country',
					`"${address.country}" is not a two-letter ISO country code (e.g. US, GB)`,
				);
			}
			address.country = address.country.toUpperCase();
		}
		if (Object.keys(address).length > 0) record.address = address;
	}
	return record;
}

/**
 * The fields of a create/update request for the record: only the fields it gives, '' where it
 * clears one. The mapping key itself is never part of it.
 */
export function customerParams(record: BooksCustomerRecord): Stripe.CustomerUpdateParams {
	const params: Stripe.CustomerUpdateParams = { name: record.name };
	if (record.email !== undefined) params.email = record.email;
	if (record.phone !== undefined) params.phone = record.phone;
	if (record.description !== undefined) params.description = record.description;
	if (record.address) {
		const given = ADDRESS_FIELDS.filter((key) => record.address?.[key] !== undefined);
		if (given.every((key) => record.address?.[key] === '')) {
			params.address = '';
		} else {
			const address: Stripe.AddressParam = {};
			for (const key of given) {
				address[key === 'postalCode' ? 'postal_code' : key] = record.address[key];
			}
			params.address = address;
		}
	}
	const metadata: Record<string, string> = {};
	if (record.accountsEmail !== undefined)
		metadata[ACCOUNTS_EMAIL_METADATA_KEY] = record.accountsEmail;
	if (record.accountsCcEmail !== undefined) {
		metadata[ACCOUNTS_CC_EMAIL_METADATA_KEY] = record.accountsCcEmail;
	}
	if (Object.keys(metadata).length > 0) params.metadata = metadata;
	return params;
}

/** What every operation outputs about a Stripe customer and its mapping. */
export interface MappedCustomer {
	booksCustomerId: string | null;
	stripeCustomerId: string;
	name: string | null;
	email: string | null;
	phone: string | null;
	description: string | null;
	address: Stripe.Address | null;
	accountsEmail: string | null;
	accountsCcEmail: string | null;
}

export function describeCustomer(customer: Stripe.Customer, metadataKey: string): MappedCustomer {
	const metadata = customer.metadata ?? {};
	return {
		booksCustomerId: metadata[metadataKey] || null,
		stripeCustomerId: customer.id,
		name: customer.name ?? null,
		email: customer.email ?? null,
		phone: customer.phone ?? null,
		description: customer.description ?? null,
		address: customer.address ?? null,
		accountsEmail: metadata[ACCOUNTS_EMAIL_METADATA_KEY] || null,
		accountsCcEmail: metadata[ACCOUNTS_CC_EMAIL_METADATA_KEY] || null,
	};
}

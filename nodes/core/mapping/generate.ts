import { MAX_METADATA_VALUE_LENGTH, duplicateIdErrors } from './customerFields';

/**
 * "Generate mappings": which books customers can be mapped to which Stripe customers, by name
 * alone, without ever guessing. Pure: the caller reads the Stripe customers (consistently) and
 * writes the decided mappings.
 */

/** `exact`: the seeds' rule, identical strings. `relaxed`: trimmed and case-insensitive. */
export type NameMatching = 'exact' | 'relaxed';

/** A books customer as it came in: fields may be missing or of the wrong type. */
export interface BooksCustomerInput {
	id?: unknown;
	name?: unknown;
	email?: unknown;
}

/** The part of a Stripe customer the rule reads (a Stripe.Customer fits). */
export interface StripeCustomerSummary {
	id: string;
	name?: string | null;
	email?: string | null;
	metadata?: Record<string, string> | null;
}

export type GenerateOutcome = 'mapped' | 'alreadyMapped' | 'unmatched' | 'ambiguous' | 'invalid';

export type GenerateReason =
	/** exactly one unmapped Stripe customer has the name, and no other books customer does */
	| 'UNIQUE_NAME_MATCH'
	| 'ALREADY_MAPPED'
	/** the books id is on several Stripe customers: a conflict to fix by hand */
	| 'MAPPED_TO_SEVERAL'
	| 'NO_STRIPE_CUSTOMER_WITH_NAME'
	/** Stripe customers have the name, but every one is mapped to another books customer */
	| 'NAME_TAKEN_BY_MAPPED_CUSTOMERS'
	| 'SEVERAL_STRIPE_CUSTOMERS'
	| 'SEVERAL_BOOKS_CUSTOMERS'
	| 'MISSING_ID'
	| 'ID_TOO_LONG'
	| 'DUPLICATE_ID'
	| 'MISSING_NAME';

export interface MappingDecision {
	/** position of the books customer in the input */
	index: number;
	/** trimmed; '' when missing */
	booksCustomerId: string;
	/** as given; '' when missing */
	name: string;
	email: string | null;
	outcome: GenerateOutcome;
	reason: GenerateReason;
	message: string;
	/** for `invalid`: the input field at fault */
	field?: 'booksCustomerId' | 'name';
	/** `mapped`: the customer to write; `alreadyMapped`: the first customer carrying the id */
	stripeCustomerId: string | null;
	/** unmapped Stripe customers with the name (`alreadyMapped`: every customer with the id) */
	candidateIds: string[];
	/** Stripe customers with the name that are mapped to other books customers */
	takenIds: string[];
	/** other unmapped books customers of the input with the name */
	competingBooksIds: string[];
}

export interface GenerateInput {
	booksCustomers: BooksCustomerInput[];
	stripeCustomers: StripeCustomerSummary[];
	metadataKey: string;
	matching?: NameMatching;
}

export function nameKey(name: string, matching: NameMatching): string {
	return matching === 'relaxed' ? name.trim().toLowerCase() : name;
}

function asText(value: unknown): string {
	if (value === undefined || value === null) return '';
	return typeof value === 'string' ? value : String(value);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
	const list = map.get(key);
	if (list) list.push(value);
	else map.set(key, [value]);
}

interface ReadBooksCustomer {
	index: number;
	id: string;
	name: string;
	email: string | null;
	invalid?: { reason: GenerateReason; field: 'booksCustomerId' | 'name'; message: string };
}

function readBooksCustomers(inputs: BooksCustomerInput[]): ReadBooksCustomer[] {
	const read = inputs.map((input, index): ReadBooksCustomer => {
		const id = asText(input.id).trim();
		const name = asText(input.name);
		const email = asText(input.email).trim() || null;
		const customer: ReadBooksCustomer = { index, id, name, email };
		if (id === '') {
			customer.invalid = {
				reason: 'MISSING_ID',
				field: 'booksCustomerId',
				message: 'A books customer ID is required',
			};
		} else if (id.length > MAX_METADATA_VALUE_LENGTH) {
			customer.invalid = {
				reason: 'ID_TOO_LONG',
				field: 'booksCustomerId',
				message: `Books customer ID is ${id.length} characters long; Stripe metadata holds at most ${MAX_METADATA_VALUE_LENGTH}`,
			};
		} else if (name.trim() === '') {
			customer.invalid = {
				reason: 'MISSING_NAME',
				field: 'name',
				message: `Books customer ${id} has no name`,
			};
		}
		return customer;
	});

	// Two items claiming one books id cannot both be right: refuse every one of them.
	const duplicates = duplicateIdErrors(read.map((customer) => customer.id));
	for (const customer of read) {
		const duplicate = duplicates[customer.index];
		if (!customer.invalid && duplicate) {
			customer.invalid = {
				reason: 'DUPLICATE_ID',
				field: 'booksCustomerId',
				message: duplicate.message,
			};
		}
	}
	return read;
}

/**
 * Per item, what planMappings would refuse (undefined when fine): lets the caller refuse bad input
 * before it reads or writes anything.
 */
export function booksCustomerProblems(
	inputs: BooksCustomerInput[],
): Array<
	{ reason: GenerateReason; field: 'booksCustomerId' | 'name'; message: string } | undefined
> {
	return readBooksCustomers(inputs).map((customer) => customer.invalid);
}

const MESSAGES: Record<
	Exclude<GenerateReason, 'MISSING_ID' | 'ID_TOO_LONG' | 'DUPLICATE_ID' | 'MISSING_NAME'>,
	string
> = {
	UNIQUE_NAME_MATCH: 'Exactly one unmapped Stripe customer has this name',
	ALREADY_MAPPED: 'This books customer is already mapped',
	MAPPED_TO_SEVERAL:
		'This books customer is mapped to several Stripe customers; fix the mapping by hand',
	NO_STRIPE_CUSTOMER_WITH_NAME: 'No Stripe customer has this name',
	NAME_TAKEN_BY_MAPPED_CUSTOMERS:
		'Every Stripe customer with this name is already mapped to another books customer',
	SEVERAL_STRIPE_CUSTOMERS: 'Several unmapped Stripe customers have this name; map one by hand',
	SEVERAL_BOOKS_CUSTOMERS:
		'Several unmapped books customers in the input have this name; map one by hand',
};

/**
 * Classifies every books customer of the input, in input order:
 * - invalid: missing ID or name, an ID too long for Stripe metadata, or an ID given twice;
 * - alreadyMapped: some Stripe customer already carries the books ID under `metadataKey`;
 * - mapped: exactly one Stripe customer not mapped to anyone has the same name, and no other
 *   unmapped books customer of the input has that name;
 * - ambiguous: several unmapped Stripe customers, or several unmapped books customers, have the
 *   name (never guess);
 * - unmatched: no unmapped Stripe customer has the name.
 * Customers already mapped, on either side, are out of the game: mapping one of two namesakes by
 * hand lets the next run map the other.
 */
export function planMappings(input: GenerateInput): MappingDecision[] {
	const matching = input.matching ?? 'exact';
	const { metadataKey } = input;
	const books = readBooksCustomers(input.booksCustomers);

	const stripeByBooksId = new Map<string, string[]>();
	const unmappedByName = new Map<string, string[]>();
	const takenByName = new Map<string, string[]>();
	for (const customer of input.stripeCustomers) {
		const booksId = customer.metadata?.[metadataKey];
		if (booksId) push(stripeByBooksId, booksId, customer.id);
		if (!customer.name) continue;
		push(booksId ? takenByName : unmappedByName, nameKey(customer.name, matching), customer.id);
	}

	// Unmapped books customers competing for each name. An item without an ID still counts:
	// it is some other books customer with that name.
	const booksByName = new Map<string, Set<string>>();
	for (const customer of books) {
		if (customer.name.trim() === '' || stripeByBooksId.has(customer.id)) continue;
		const key = nameKey(customer.name, matching);
		const set = booksByName.get(key) ?? new Set<string>();
		set.add(customer.id || `#${customer.index}`);
		booksByName.set(key, set);
	}

	return books.map((customer): MappingDecision => {
		const base = {
			index: customer.index,
			booksCustomerId: customer.id,
			name: customer.name,
			email: customer.email,
			stripeCustomerId: null,
			candidateIds: [] as string[],
			takenIds: [] as string[],
			competingBooksIds: [] as string[],
		};
		if (customer.invalid) {
			return { ...base, outcome: 'invalid', ...customer.invalid };
		}
		const decide = (outcome: GenerateOutcome, reason: keyof typeof MESSAGES) => ({
			outcome,
			reason,
			message: MESSAGES[reason],
		});

		const mappedTo = stripeByBooksId.get(customer.id);
		if (mappedTo) {
			return {
				...base,
				...decide('alreadyMapped', mappedTo.length > 1 ? 'MAPPED_TO_SEVERAL' : 'ALREADY_MAPPED'),
				stripeCustomerId: mappedTo[0],
				candidateIds: [...mappedTo],
			};
		}

		const key = nameKey(customer.name, matching);
		const candidateIds = [...(unmappedByName.get(key) ?? [])];
		const takenIds = [...(takenByName.get(key) ?? [])];
		const competingBooksIds = [...(booksByName.get(key) ?? [])].filter((id) => id !== customer.id);
		const found = { ...base, candidateIds, takenIds, competingBooksIds };
		if (candidateIds.length === 0) {
			return {
				...found,
				...decide(
					'unmatched',
					takenIds.length > 0 ? 'NAME_TAKEN_BY_MAPPED_CUSTOMERS' : 'NO_STRIPE_CUSTOMER_WITH_NAME',
				),
			};
		}
		if (candidateIds.length > 1)
			return { ...found, ...decide('ambiguous', 'SEVERAL_STRIPE_CUSTOMERS') };
		if (competingBooksIds.length > 0) {
			return { ...found, ...decide('ambiguous', 'SEVERAL_BOOKS_CUSTOMERS') };
		}
		return {
			...found,
			...decide('mapped', 'UNIQUE_NAME_MATCH'),
			stripeCustomerId: candidateIds[0],
		};
	});
}

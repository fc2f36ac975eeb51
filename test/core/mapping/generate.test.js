// @ts-check
import { nameKey, planMappings } from '../../../nodes/core/mapping/generate';

const KEY = 'books_customer_id';

/**
 * Stripe customers as [id, name, booksId?].
 * @param {Array<[string, string | null, string?] | string[]>} rows (a null name as Stripe sends it)
 * @returns {import('../../../nodes/core/mapping/generate').StripeCustomerSummary[]}
 */
function stripe(...rows) {
	return rows.map(([id, name, booksId]) => ({
		id,
		name,
		email: null,
		metadata: /** @type {Record<string, string>} */ (booksId ? { [KEY]: booksId } : {}),
	}));
}

/** Books customers as [id, name]. */
function books(...rows) {
	return rows.map(([id, name, email]) => ({ id, name, email }));
}

/** [outcome, reason, stripeCustomerId, candidateIds] per books customer. */
function summary(decisions) {
	return decisions.map((d) => [
		d.booksCustomerId,
		d.outcome,
		d.reason,
		d.stripeCustomerId,
		d.candidateIds,
	]);
}

describe('planMappings: the exact-name rule', () => {
	test.each([
		[
			'one books customer, one Stripe customer with the same name: mapped',
			books(['B1', 'Acme Ltd']),
			stripe(['cus_1', 'Acme Ltd']),
			[['B1', 'mapped', 'UNIQUE_NAME_MATCH', 'cus_1', ['cus_1']]],
		],
		[
			'no Stripe customer with the name: unmatched',
			books(['B1', 'Acme Ltd']),
			stripe(['cus_1', 'Beta GmbH']),
			[['B1', 'unmatched', 'NO_STRIPE_CUSTOMER_WITH_NAME', null, []]],
		],
		[
			'case differs: unmatched under the exact rule',
			books(['B1', 'ACME LTD']),
			stripe(['cus_1', 'Acme Ltd']),
			[['B1', 'unmatched', 'NO_STRIPE_CUSTOMER_WITH_NAME', null, []]],
		],
		[
			'surrounding spaces differ: unmatched under the exact rule',
			books(['B1', 'Acme Ltd ']),
			stripe(['cus_1', 'Acme Ltd']),
			[['B1', 'unmatched', 'NO_STRIPE_CUSTOMER_WITH_NAME', null, []]],
		],
		[
			'two unmapped Stripe customers with the name: ambiguous, both candidates',
			books(['B1', 'Acme Ltd']),
			stripe(['cus_1', 'Acme Ltd'], ['cus_2', 'Acme Ltd']),
			[['B1', 'ambiguous', 'SEVERAL_STRIPE_CUSTOMERS', null, ['cus_1', 'cus_2']]],
		],
		[
			'two books customers with the name: both ambiguous',
			books(['B1', 'Acme Ltd'], ['B2', 'Acme Ltd']),
			stripe(['cus_1', 'Acme Ltd']),
			[
				['B1', 'ambiguous', 'SEVERAL_BOOKS_CUSTOMERS', null, ['cus_1']],
				['B2', 'ambiguous', 'SEVERAL_BOOKS_CUSTOMERS', null, ['cus_1']],
			],
		],
		[
			'two books customers with a name no Stripe customer has: unmatched, nothing to guess',
			books(['B1', 'Acme Ltd'], ['B2', 'Acme Ltd']),
			stripe(['cus_1', 'Beta']),
			[
				['B1', 'unmatched', 'NO_STRIPE_CUSTOMER_WITH_NAME', null, []],
				['B2', 'unmatched', 'NO_STRIPE_CUSTOMER_WITH_NAME', null, []],
			],
		],
		[
			'the books id already on a Stripe customer: already mapped, whatever the names',
			books(['B1', 'Acme Ltd']),
			stripe(['cus_9', 'Another name', 'B1'], ['cus_1', 'Acme Ltd']),
			[['B1', 'alreadyMapped', 'ALREADY_MAPPED', 'cus_9', ['cus_9']]],
		],
		[
			'the books id on two Stripe customers: already mapped, reported as a conflict',
			books(['B1', 'Acme Ltd']),
			stripe(['cus_8', 'Acme Ltd', 'B1'], ['cus_9', 'Acme', 'B1']),
			[['B1', 'alreadyMapped', 'MAPPED_TO_SEVERAL', 'cus_8', ['cus_8', 'cus_9']]],
		],
		[
			'the only Stripe customer with the name is mapped to another books id: not a candidate',
			books(['B1', 'Acme Ltd']),
			stripe(['cus_1', 'Acme Ltd', 'B7']),
			[['B1', 'unmatched', 'NAME_TAKEN_BY_MAPPED_CUSTOMERS', null, []]],
		],
		[
			'a mapped namesake does not make the unmapped one ambiguous',
			books(['B1', 'Acme Ltd']),
			stripe(['cus_1', 'Acme Ltd', 'B7'], ['cus_2', 'Acme Ltd']),
			[['B1', 'mapped', 'UNIQUE_NAME_MATCH', 'cus_2', ['cus_2']]],
		],
		[
			'an already mapped books namesake is out of the game too',
			books(['B1', 'Acme Ltd'], ['B2', 'Acme Ltd']),
			stripe(['cus_1', 'Acme Ltd', 'B1'], ['cus_2', 'Acme Ltd']),
			[
				['B1', 'alreadyMapped', 'ALREADY_MAPPED', 'cus_1', ['cus_1']],
				['B2', 'mapped', 'UNIQUE_NAME_MATCH', 'cus_2', ['cus_2']],
			],
		],
		[
			'a Stripe customer without a name matches nobody',
			books(['B1', 'Acme Ltd']),
			stripe(['cus_1', null], ['cus_2', '']),
			[['B1', 'unmatched', 'NO_STRIPE_CUSTOMER_WITH_NAME', null, []]],
		],
		[
			'several books customers, several names, in input order',
			books(['B3', 'Gamma'], ['B1', 'Alpha'], ['B2', 'Beta']),
			stripe(['cus_a', 'Alpha'], ['cus_b', 'Beta'], ['cus_g', 'Gamma'], ['cus_g2', 'Gamma']),
			[
				['B3', 'ambiguous', 'SEVERAL_STRIPE_CUSTOMERS', null, ['cus_g', 'cus_g2']],
				['B1', 'mapped', 'UNIQUE_NAME_MATCH', 'cus_a', ['cus_a']],
				['B2', 'mapped', 'UNIQUE_NAME_MATCH', 'cus_b', ['cus_b']],
			],
		],
	])('%s', (_, booksCustomers, stripeCustomers, expected) => {
		const decisions = planMappings({ booksCustomers, stripeCustomers, metadataKey: KEY });
		expect(summary(decisions)).toEqual(expected);
	});
});

describe('planMappings: relaxed matching (trimmed, case-insensitive)', () => {
	test.each([
		['case', 'ACME ltd', ['Acme Ltd'], 'mapped'],
		['surrounding spaces', '  Acme Ltd\t', ['Acme Ltd'], 'mapped'],
		['inner spaces still count', 'Acme  Ltd', ['Acme Ltd'], 'unmatched'],
		['two Stripe names equal once relaxed', 'Acme Ltd', ['ACME LTD', 'acme ltd '], 'ambiguous'],
	])('%s', (_, booksName, stripeNames, outcome) => {
		const [decision] = planMappings({
			booksCustomers: books(['B1', booksName]),
			stripeCustomers: stripe(...stripeNames.map((name, i) => [`cus_${i}`, name])),
			metadataKey: KEY,
			matching: 'relaxed',
		});
		expect(decision.outcome).toBe(outcome);
	});

	test('two books customers equal once relaxed are ambiguous, not under the exact rule', () => {
		const input = {
			booksCustomers: books(['B1', 'Acme'], ['B2', 'ACME']),
			stripeCustomers: stripe(['cus_1', 'Acme']),
			metadataKey: KEY,
		};
		expect(planMappings({ ...input, matching: 'relaxed' }).map((d) => d.reason)).toEqual([
			'SEVERAL_BOOKS_CUSTOMERS',
			'SEVERAL_BOOKS_CUSTOMERS',
		]);
		expect(planMappings(input).map((d) => d.outcome)).toEqual(['mapped', 'unmatched']);
	});

	test('nameKey', () => {
		expect(nameKey(' Acme ', 'exact')).toBe(' Acme ');
		expect(nameKey(' AcMe ', 'relaxed')).toBe('acme');
	});
});

describe('planMappings: bad input', () => {
	test.each([
		[
			'missing id',
			{ name: 'Acme' },
			'MISSING_ID',
			'booksCustomerId',
			'A books customer ID is required',
		],
		[
			'blank id',
			{ id: '  ', name: 'Acme' },
			'MISSING_ID',
			'booksCustomerId',
			'A books customer ID is required',
		],
		['missing name', { id: 'B1' }, 'MISSING_NAME', 'name', 'Books customer B1 has no name'],
		[
			'blank name',
			{ id: 'B1', name: ' ' },
			'MISSING_NAME',
			'name',
			'Books customer B1 has no name',
		],
		[
			'id too long for Stripe metadata',
			{ id: 'x'.repeat(501), name: 'Acme' },
			'ID_TOO_LONG',
			'booksCustomerId',
			'Books customer ID is 501 characters long; Stripe metadata holds at most 500',
		],
	])('%s', (_, booksCustomer, reason, field, message) => {
		const [decision] = planMappings({
			booksCustomers: [booksCustomer],
			stripeCustomers: stripe(['cus_1', 'Acme']),
			metadataKey: KEY,
		});
		expect(decision).toMatchObject({
			outcome: 'invalid',
			reason,
			field,
			message,
			stripeCustomerId: null,
		});
	});

	test('the same books id twice: every occurrence is refused, naming the items', () => {
		const decisions = planMappings({
			booksCustomers: books(['B1', 'Acme'], ['B2', 'Beta'], [' B1', 'Acme']),
			stripeCustomers: stripe(['cus_1', 'Acme'], ['cus_2', 'Beta']),
			metadataKey: KEY,
		});
		expect(decisions.map((d) => [d.outcome, d.reason, d.field])).toEqual([
			['invalid', 'DUPLICATE_ID', 'booksCustomerId'],
			['mapped', 'UNIQUE_NAME_MATCH', undefined],
			['invalid', 'DUPLICATE_ID', 'booksCustomerId'],
		]);
		expect(decisions[0].message).toBe(
			'Books customer B1 appears more than once in the input (items 0, 2)',
		);
	});

	test('a refused item still counts as a namesake: the other one is not guessed', () => {
		const decisions = planMappings({
			booksCustomers: books([undefined, 'Acme'], ['B2', 'Acme']),
			stripeCustomers: stripe(['cus_1', 'Acme']),
			metadataKey: KEY,
		});
		expect(decisions.map((d) => d.outcome)).toEqual(['invalid', 'ambiguous']);
		expect(decisions[1].competingBooksIds).toEqual(['#0']);
	});

	test('ids are trimmed and numbers accepted; the email is carried through', () => {
		const [decision] = planMappings({
			booksCustomers: [{ id: 42, name: 'Acme', email: ' ap@acme.test ' }],
			stripeCustomers: stripe(['cus_1', 'Acme']),
			metadataKey: KEY,
		});
		expect(decision).toMatchObject({
			booksCustomerId: '42',
			email: 'ap@acme.test',
			outcome: 'mapped',
		});
	});
});

describe('planMappings: the metadata key and the details reported', () => {
	test('only the configured key counts as a mapping', () => {
		const stripeCustomers = [{ id: 'cus_1', name: 'Acme', metadata: { other_key: 'B9' } }];
		const [byDefault] = planMappings({
			booksCustomers: books(['B1', 'Acme']),
			stripeCustomers,
			metadataKey: KEY,
		});
		expect(byDefault.outcome).toBe('mapped');
		const [byOther] = planMappings({
			booksCustomers: books(['B1', 'Acme']),
			stripeCustomers,
			metadataKey: 'other_key',
		});
		expect(byOther).toMatchObject({
			outcome: 'unmatched',
			reason: 'NAME_TAKEN_BY_MAPPED_CUSTOMERS',
			takenIds: ['cus_1'],
		});
	});

	test('ambiguity lists candidates, taken customers and competing books customers', () => {
		const decisions = planMappings({
			booksCustomers: books(['B1', 'Acme'], ['B2', 'Acme'], ['B3', 'Acme']),
			stripeCustomers: stripe(['cus_1', 'Acme'], ['cus_2', 'Acme', 'B8']),
			metadataKey: KEY,
		});
		expect(decisions[1]).toMatchObject({
			outcome: 'ambiguous',
			reason: 'SEVERAL_BOOKS_CUSTOMERS',
			candidateIds: ['cus_1'],
			takenIds: ['cus_2'],
			competingBooksIds: ['B1', 'B3'],
		});
		expect(decisions.every((d) => d.message.length > 0)).toBe(true);
	});

	// A unit test asserts no timing (a busy machine would fail it): only that a large input is
	// classified right.
	test('5,000 customers each map to the Stripe customer of the same exact name', () => {
		const n = 5000;
		const stripeCustomers = Array.from({ length: n }, (_, i) => ({
			id: `cus_${i}`,
			name: `Customer ${i}`,
			metadata: {},
		}));
		const booksCustomers = Array.from({ length: n }, (_, i) => ({
			id: `B${i}`,
			name: `Customer ${i}`,
		}));
		const decisions = planMappings({ booksCustomers, stripeCustomers, metadataKey: KEY });
		expect(
			decisions.every((d, i) => d.outcome === 'mapped' && d.stripeCustomerId === `cus_${i}`),
		).toBe(true);
	});
});

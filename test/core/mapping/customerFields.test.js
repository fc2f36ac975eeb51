// @ts-check
import {
	ACCOUNTS_CC_EMAIL_METADATA_KEY,
	ACCOUNTS_EMAIL_METADATA_KEY,
	assertBooksCustomerId,
	customerParams,
	describeCustomer,
	duplicateIdErrors,
	mappingMetadataKeyProblem,
	readBooksCustomerRecord,
} from '../../../nodes/core/mapping/customerFields';
import { syncCreateKey } from '../../../nodes/core/mapping/sync';

describe('readBooksCustomerRecord', () => {
	test('keeps only the fields given; trims; normalises the CC list and the country', () => {
		expect(
			readBooksCustomerRecord({
				id: ' C-1 ',
				name: ' Acme ',
				email: 'ap@acme.test',
				accountsCcEmail: 'a@acme.test;b@acme.test ,  c@acme.test',
				address: { line1: '1 Main St', country: 'gb' },
			}),
		).toEqual({
			id: 'C-1',
			name: 'Acme',
			email: 'ap@acme.test',
			accountsCcEmail: 'a@acme.test, b@acme.test, c@acme.test',
			address: { line1: '1 Main St', country: 'GB' },
		});
	});

	test('an empty or null field is kept as "clear it"', () => {
		expect(readBooksCustomerRecord({ id: 1, name: 'A', phone: '', email: null })).toEqual({
			id: '1',
			name: 'A',
			phone: '',
			email: '',
		});
	});

	test.each([
		[{ name: 'A' }, 'booksCustomerId', 'A books customer ID is required'],
		[{ id: 'x'.repeat(501), name: 'A' }, 'booksCustomerId', /at most 500/],
		[{ id: 'C-1' }, 'name', 'Books customer C-1 has no name'],
		[{ id: 'C-1', name: '  ' }, 'name', 'Books customer C-1 has no name'],
		[{ id: 'C-1', name: 'A', email: 'a@b' }, 'email', '"a@b" is not an email address'],
		[{ id: 'C-1', name: 'A', email: 'a b@c.de' }, 'email', '"a b@c.de" is not an email address'],
		[
			{ id: 'C-1', name: 'A', accountsEmail: 'x, y@z.de' },
			'accountsEmail',
			'"x, y@z.de" is not an email address',
		],
		[
			{ id: 'C-1', name: 'A', accountsCcEmail: 'y@z.de, nope' },
			'accountsCcEmail',
			'"nope" is not an email address',
		],
		[
			{
				id: 'C-1',
				name: 'A',
				accountsCcEmail: Array.from({ length: 40 }, (_, i) => `person${i}@example.com`).join(','),
			},
			'accountsCcEmail',
			/Stripe metadata holds at most 500/,
		],
		[
			{ id: 'C-1', name: 'A', address: { country: 'USA' } },
			'country',
			/two-letter ISO country code/,
		],
	])('%j is refused naming %s', (input, field, message) => {
		expect(() => readBooksCustomerRecord(input)).toThrow(expect.objectContaining({ field }));
		expect(() => readBooksCustomerRecord(input)).toThrow(message);
	});
});

describe('customerParams', () => {
	test('sends the fields given, the accounts emails as metadata, never the mapping key', () => {
		expect(
			customerParams({
				id: 'C-1',
				name: 'Acme',
				email: 'ap@acme.test',
				phone: '',
				accountsEmail: 'acc@acme.test',
				accountsCcEmail: '',
				address: { line1: '1 Main St', line2: '', postalCode: '12345', country: 'US' },
			}),
		).toEqual({
			name: 'Acme',
			email: 'ap@acme.test',
			phone: '',
			address: { line1: '1 Main St', line2: '', postal_code: '12345', country: 'US' },
			metadata: {
				[ACCOUNTS_EMAIL_METADATA_KEY]: 'acc@acme.test',
				[ACCOUNTS_CC_EMAIL_METADATA_KEY]: '',
			},
		});
	});

	test('an address given with every field empty clears it; none given leaves it', () => {
		expect(customerParams({ id: 'C', name: 'A', address: { line1: '', city: '' } }).address).toBe(
			'',
		);
		expect(customerParams({ id: 'C', name: 'A' })).toEqual({ name: 'A' });
	});
});

describe('describeCustomer', () => {
	test('reads the mapping and the accounts emails from metadata', () => {
		const customer = {
			id: 'cus_1',
			name: 'Acme',
			email: null,
			metadata: {
				erp: 'C-1',
				accounts_email: 'a@acme.test',
				accounts_cc_email: 'b@acme.test, c@acme.test',
			},
		};
		expect(
			describeCustomer(/** @type {any} a customer with only the fields read */ (customer), 'erp'),
		).toEqual({
			booksCustomerId: 'C-1',
			stripeCustomerId: 'cus_1',
			name: 'Acme',
			email: null,
			phone: null,
			description: null,
			address: null,
			accountsEmail: 'a@acme.test',
			accountsCcEmail: 'b@acme.test, c@acme.test',
		});
		expect(
			describeCustomer(/** @type {any} */ (customer), 'books_customer_id').booksCustomerId,
		).toBeNull();
	});
});

describe('the mapping key and ids', () => {
	test.each([
		['books_customer_id', undefined],
		['', 'A metadata key for the mapping is required'],
		['x'.repeat(41), /at most 40/],
		['a[b]', 'Metadata key "a[b]" may not contain square brackets'],
		['accounts_email', 'Metadata key "accounts_email" is reserved for the accounts emails'],
		['accounts_cc_email', /reserved/],
	])('%s', (key, problem) => {
		const found = mappingMetadataKeyProblem(key);
		if (problem === undefined) expect(found).toBeUndefined();
		else expect(found).toMatch(problem);
	});

	test('assertBooksCustomerId trims and refuses blanks', () => {
		expect(assertBooksCustomerId('  C-1 ')).toBe('C-1');
		expect(() => assertBooksCustomerId(' ', 'id')).toThrow(
			expect.objectContaining({ field: 'id' }),
		);
	});

	test('duplicateIdErrors flags every occurrence, ignoring blanks', () => {
		const errors = duplicateIdErrors(['A', 'B', '', 'A', '', 'C']);
		expect(errors.map((e) => e?.message)).toEqual([
			'Books customer A appears more than once in the input (items 0, 3)',
			undefined,
			undefined,
			'Books customer A appears more than once in the input (items 0, 3)',
			undefined,
			undefined,
		]);
	});

	test('the sync create key depends on the books id, the mapping key and the customer it replaces only', () => {
		const key = syncCreateKey('books_customer_id', 'C-1');
		expect(key).toMatch(/^invpay-sync-create-[0-9a-f]{40}$/);
		expect(syncCreateKey('books_customer_id', 'C-1')).toBe(key);
		expect(syncCreateKey('books_customer_id', 'C-2')).not.toBe(key);
		expect(syncCreateKey('erp', 'C-1')).not.toBe(key);
		expect(syncCreateKey('books_customer_id', 'C-1', 'cus_dead')).not.toBe(key);
	});
});

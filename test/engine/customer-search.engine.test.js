// @ts-check
// The customer pickers' "From List" (methods.listSearch.searchCustomers of the Stripe Invoice
// Payment and Customer Mapping nodes), through n8n-core's LoadOptionsContext against the local
// Stripe server: search by name or email, short texts, quotes, pages, Dashboard links.
import { runListSearch, singleNodeWorkflow } from './harness';
import { startStripe, stripeCredentials } from './stripe-node';

let stripe;
beforeAll(async () => {
	stripe = await startStripe();
	stripe.seed({
		customers: [
			...Array.from({ length: 30 }, (_, i) => ({
				name: `Acme Branch ${String(i + 1).padStart(2, '0')}`,
				email: `branch${i + 1}@acme.example`,
			})),
			{ name: "O'Brien & Co", email: 'ap@obrien.example' },
			{ name: '', email: 'no-name@zeta.example' },
			{ name: 'Back\\slash Ltd', email: 'ap@backslash.example' },
		],
	});
});
afterAll(async () => {
	await stripe.close();
});

const search = (type, options) =>
	runListSearch(
		singleNodeWorkflow('Node', type, {}, { stripeInvoicePaymentsApi: { id: '1', name: 'Stripe' } }),
		'Node',
		'searchCustomers',
		{ credentials: stripeCredentials(stripe), ...options },
	);
const names = (page) => page.results.map((result) => result.name.replace(/ \(cus_\w+\)$/, ''));

describe.each(['stripeInvoicePayment', 'customerMapping'])('%s customer picker', (type) => {
	test('a name or email containing the text, with the id, a test-mode Dashboard link, in pages', async () => {
		const first = await search(type, { filter: 'acme' });
		expect(first.results).toHaveLength(25);
		expect(first.results[0]).toEqual({
			name: expect.stringMatching(/^Acme Branch \d\d \(cus_\w+\)$/),
			value: expect.stringMatching(/^cus_/),
			url: `https://dashboard.stripe.com/test/customers/${first.results[0].value}`,
		});
		expect(first.paginationToken).toEqual(expect.any(String));
		const second = await search(type, { filter: 'acme', paginationToken: first.paginationToken });
		expect(second.results).toHaveLength(5);
		expect(second.paginationToken).toBeUndefined();
		const all = [...names(first), ...names(second)];
		expect(new Set(all).size).toBe(30);
		// by email too
		expect(names(await search(type, { filter: 'zeta.example' }))).toEqual(['no-name@zeta.example']);
	});

	test('quotes and backslashes in the text are searched for, not a broken query', async () => {
		expect(names(await search(type, { filter: "O'Brien" }))).toEqual(["O'Brien & Co"]);
		expect(names(await search(type, { filter: 'k\\sla' }))).toEqual(['Back\\slash Ltd']);
	});

	test('a text shorter than Stripe searches (under 3 characters) filters listed customers', async () => {
		const page = await search(type, { filter: "o'" });
		expect(names(page)).toEqual(["O'Brien & Co"]);
		expect(page.paginationToken).toBeUndefined();
	});

	test('no text lists every customer, 25 a page', async () => {
		const first = await search(type, {});
		expect(first.results).toHaveLength(25);
		const rest = await search(type, { paginationToken: first.paginationToken });
		expect(first.results.length + rest.results.length).toBe(33);
		expect(rest.paginationToken).toBeUndefined();
	});
});

// @ts-check
/**
 * Customer mapping sync, run as an admin runs it: "Generate mappings now" through
 * `n8n execute`, and the books reporting a changed customer to the live webhook.
 */
import { clients, loadState } from './support/clients';
import { seededCustomer, seedFor } from './support/seed';

const state = loadState();
const { n8n, stripe, books, request, waitFor } = clients(state);
const P = 'map';
const WORKFLOW = 'invPayWf1Mapping';
const { seed } = seedFor(P, state.timeZone, {
	customers: [
		{ key: 'c1', name: 'Acme Plumbing' },
		{ key: 'c2', name: 'Brightside Dental' },
		{ key: 'c3', name: 'Twin Names' },
		{
			key: 'c4',
			name: 'New Customer',
			accountsEmail: 'ap@new.example.com',
			accountsCcEmail: 'cfo@new.example.com, boss@new.example.com',
		},
	],
});
const nameOf = (key) => seededCustomer(seed, `${P}-${key}`).name;
const stripeCustomers = async () => (await stripe.api('GET', '/customers?limit=100')).data;
const bookKey = state.credentials.invPayBooksHook1.data;

beforeAll(async () => {
	await books.reset(seed);
	await stripe.createCustomer({ name: nameOf('c1'), email: 'office@acme.example.com' });
	// a name that differs only in case is not an exact match
	await stripe.createCustomer({ name: nameOf('c2').toLowerCase() });
	await stripe.createCustomer({ name: nameOf('c3') });
	await stripe.createCustomer({ name: nameOf('c3') });
});

test('generate mappings by exact name: mapped ones written to Stripe and the books, the rest reported', async () => {
	const run = await n8n.execute(WORKFLOW);
	expect(run.status).toBe('success');
	const runData = run.data.resultData.runData;
	const outputs = runData['Customer Mapping: generate by exact name'][0].data.main.map((items) =>
		(items ?? []).map((i) => i.json.booksCustomerId),
	);
	expect(outputs[0]).toEqual([`${P}-c1`]);
	expect(outputs[2].sort()).toEqual([`${P}-c2`, `${P}-c4`].sort());
	expect(outputs[3]).toEqual([`${P}-c3`]);

	const mapped = (await stripeCustomers()).filter((c) =>
		c.metadata.books_customer_id?.startsWith(P),
	);
	expect(mapped.map((c) => [c.name, c.metadata.books_customer_id])).toEqual([
		[nameOf('c1'), `${P}-c1`],
	]);
	expect((await books.customer(`${P}-c1`)).stripeCustomerId).toBe(mapped[0].id);
	for (const key of ['c2', 'c3', 'c4'])
		expect((await books.customer(`${P}-${key}`)).stripeCustomerId).toBeNull();
});

test('a customer the books report as created is created in Stripe, with its accounts addresses', async () => {
	const hook = n8n.webhook('invoice-payments/books/customer-changed');
	expect((await request('POST', hook, { body: { customerId: `${P}-c4` } })).status).toBe(403);
	const res = await request('POST', hook, {
		headers: { [bookKey.name]: bookKey.value },
		body: { customerId: `${P}-c4` },
	});
	expect(res.status).toBe(200);
	const saved = await waitFor(
		'the books to hold the new Stripe customer',
		async () => (await books.customer(`${P}-c4`)).stripeCustomerId,
	);
	const customer = await stripe.api('GET', `/customers/${saved}`);
	expect(customer).toMatchObject({
		name: nameOf('c4'),
		email: `office@c4.${P}.example.com`,
		metadata: {
			books_customer_id: `${P}-c4`,
			accounts_email: 'ap@new.example.com',
			accounts_cc_email: 'cfo@new.example.com, boss@new.example.com',
		},
	});

	// reported again (an update): the same Stripe customer, never a second one
	await request('POST', hook, {
		headers: { [bookKey.name]: bookKey.value },
		body: { customerId: `${P}-c4` },
	});
	await n8n.settled(WORKFLOW, 3);
	expect(
		(await stripeCustomers()).filter((c) => c.metadata.books_customer_id === `${P}-c4`),
	).toHaveLength(1);
});

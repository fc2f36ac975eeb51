// @ts-check
// Engine tests of the Customer Mapping node against the local Stripe server: every operation and
// outcome, bad input, and the consistency cases (a mapping read right after it was written while
// Stripe's search lags, two syncs of one new customer at once).
import { apiClient } from '../fakes/stripe/test-client';
import { allText, runNode, SECRET_KEY, startStripe } from './stripe-node';

const NODE = 'customerMapping';
const KEY = 'books_customer_id';
/** Longer than any test: search never sees a write made during the test. */
const SEARCH_LAG_MS = 10 * 60 * 1000;

let stripe;
let api;
beforeAll(async () => {
	stripe = await startStripe();
	api = apiClient(stripe.url, SECRET_KEY);
});
afterAll(async () => {
	await stripe.close();
});
afterEach(() => {
	stripe.setSearchLag(0);
	stripe.setLatency(0);
});

let counter = 0;
/** A prefix no other test's names or ids share (Generate reads every customer). */
function unique(label = 'T') {
	counter += 1;
	return `${label}${counter}-${Math.random().toString(36).slice(2, 7)}`;
}

function generateParams(options = {}) {
	return {
		resource: 'mapping',
		operation: 'generate',
		booksCustomerId: '={{ $json.id }}',
		name: '={{ $json.name }}',
		email: '={{ $json.email ?? "" }}',
		options,
	};
}
const getParams = { resource: 'mapping', operation: 'get', booksCustomerId: '={{ $json.id }}' };
const removeParams = {
	resource: 'mapping',
	operation: 'remove',
	booksCustomerId: '={{ $json.id }}',
};
const setParams = {
	resource: 'mapping',
	operation: 'set',
	booksCustomerId: '={{ $json.id }}',
	stripeCustomerId: { __rl: true, mode: 'id', value: '={{ $json.stripeId }}' },
};
function syncParams(extra = {}) {
	return {
		resource: 'customer',
		operation: 'sync',
		booksCustomerId: '={{ $json.id }}',
		name: '={{ $json.name }}',
		customerFields: {
			email: '={{ $json.email }}',
			phone: '={{ $json.phone }}',
			accountsEmail: '={{ $json.accountsEmail }}',
			accountsCcEmail: '={{ $json.accountsCc }}',
		},
		...extra,
	};
}

async function run(parameters, input, options) {
	return await runNode(stripe, NODE, parameters, input, options);
}

/** The customer as Stripe holds it now (consistent read by id). */
async function customer(id) {
	return (await api.get(`/v1/customers/${id}`)).body;
}

/** Every live customer carrying this books id (consistent list). */
async function customersMappedTo(booksId) {
	const found = [];
	let startingAfter;
	for (let page = 0; page < 100; page++) {
		const { body } = await api.get('/v1/customers', {
			limit: 100,
			...(startingAfter ? { starting_after: startingAfter } : {}),
		});
		found.push(...body.data.filter((c) => c.metadata[KEY] === booksId));
		if (!body.has_more) break;
		startingAfter = body.data[body.data.length - 1].id;
	}
	return found;
}

function posts() {
	return Object.entries(stripe.stats.byRoute)
		.filter(([route]) => route.startsWith('POST '))
		.reduce((sum, [, n]) => sum + n, 0);
}

describe('Generate Mappings', () => {
	test('maps the one exact-name match and routes every outcome to its output', async () => {
		const p = unique('Gen');
		const alpha = stripe.createCustomer({ name: `${p} Alpha`, email: 'alpha@example.com' });
		const beta1 = stripe.createCustomer({ name: `${p} Beta` });
		const beta2 = stripe.createCustomer({ name: `${p} Beta` });
		const gamma = stripe.createCustomer({ name: `${p} Gamma`, metadata: { [KEY]: `${p}-G` } });
		const taken = stripe.createCustomer({ name: `${p} Delta`, metadata: { [KEY]: `${p}-OTHER` } });
		const zeta = stripe.createCustomer({ name: `${p} Zeta` });
		const input = [
			{ id: `${p}-A`, name: `${p} Alpha`, email: 'ap@alpha.test' },
			{ id: `${p}-B`, name: `${p} Beta` },
			{ id: `${p}-G`, name: `${p} Gamma (renamed in the books)` },
			{ id: `${p}-E`, name: `${p} Epsilon` },
			{ id: `${p}-D`, name: `${p} Delta` },
			{ id: `${p}-Z1`, name: `${p} Zeta` },
			{ id: `${p}-Z2`, name: `${p} Zeta` },
			{ id: `${p}-a`, name: `${p} alpha` },
		];
		const result = await run(generateParams(), input);
		expect(result.error).toBeUndefined();
		const [mapped, already, unmatched, ambiguous] = [0, 1, 2, 3].map((i) =>
			result.items('Node', i),
		);

		expect(
			mapped.map((i) => [i.json.booksCustomerId, i.json.stripeCustomerId, i.pairedItem.item]),
		).toEqual([[`${p}-A`, alpha.id, 0]]);
		expect(mapped[0].json).toMatchObject({
			outcome: 'mapped',
			reason: 'UNIQUE_NAME_MATCH',
			email: 'ap@alpha.test',
			written: true,
			dryRun: false,
			candidates: [{ id: alpha.id, name: `${p} Alpha`, email: 'alpha@example.com' }],
		});
		expect(
			already.map((i) => [i.json.booksCustomerId, i.json.stripeCustomerId, i.json.reason]),
		).toEqual([[`${p}-G`, gamma.id, 'ALREADY_MAPPED']]);
		expect(
			unmatched.map((i) => [i.json.booksCustomerId, i.json.reason, i.pairedItem.item]),
		).toEqual([
			[`${p}-E`, 'NO_STRIPE_CUSTOMER_WITH_NAME', 3],
			[`${p}-D`, 'NAME_TAKEN_BY_MAPPED_CUSTOMERS', 4],
			[`${p}-a`, 'NO_STRIPE_CUSTOMER_WITH_NAME', 7],
		]);
		expect(unmatched[1].json.takenStripeCustomerIds).toEqual([taken.id]);
		expect(ambiguous.map((i) => [i.json.booksCustomerId, i.json.reason])).toEqual([
			[`${p}-B`, 'SEVERAL_STRIPE_CUSTOMERS'],
			[`${p}-Z1`, 'SEVERAL_BOOKS_CUSTOMERS'],
			[`${p}-Z2`, 'SEVERAL_BOOKS_CUSTOMERS'],
		]);
		expect(ambiguous[0].json.candidates.map((c) => c.id).sort()).toEqual(
			[beta1.id, beta2.id].sort(),
		);
		expect(ambiguous[1].json.competingBooksCustomerIds).toEqual([`${p}-Z2`]);

		// Only the mapped pair was written; nobody was guessed.
		expect((await customer(alpha.id)).metadata[KEY]).toBe(`${p}-A`);
		for (const c of [beta1, beta2, zeta])
			expect((await customer(c.id)).metadata[KEY]).toBeUndefined();
		expect((await customer(taken.id)).metadata[KEY]).toBe(`${p}-OTHER`);
	});

	test('a second run writes nothing: the pair it mapped is Already Mapped', async () => {
		const p = unique('Again');
		const target = stripe.createCustomer({ name: `${p} Co` });
		const input = [{ id: `${p}-1`, name: `${p} Co` }];
		await run(generateParams(), input);
		const before = posts();
		const second = await run(generateParams(), input);
		expect(second.output('Node', 0)).toEqual([]);
		expect(second.output('Node', 1)).toMatchObject([
			{ booksCustomerId: `${p}-1`, stripeCustomerId: target.id },
		]);
		expect(posts()).toBe(before);
	});

	test('Dry Run reports the same outcomes and writes nothing', async () => {
		const p = unique('Dry');
		const target = stripe.createCustomer({ name: `${p} Co` });
		const before = posts();
		const result = await run(generateParams({ dryRun: true }), [{ id: `${p}-1`, name: `${p} Co` }]);
		expect(result.output('Node', 0)).toMatchObject([
			{
				booksCustomerId: `${p}-1`,
				stripeCustomerId: target.id,
				outcome: 'mapped',
				dryRun: true,
				written: false,
			},
		]);
		expect(posts()).toBe(before);
		expect((await customer(target.id)).metadata[KEY]).toBeUndefined();
	});

	test('the relaxed option matches trimmed, case-insensitive names; exact is the default', async () => {
		const p = unique('Relax');
		const target = stripe.createCustomer({ name: `${p} Acme Ltd` });
		const input = [{ id: `${p}-1`, name: `  ${p.toUpperCase()} ACME LTD ` }];
		const exact = await run(generateParams({ dryRun: true }), input);
		expect(exact.output('Node', 2)).toMatchObject([{ reason: 'NO_STRIPE_CUSTOMER_WITH_NAME' }]);
		const relaxed = await run(generateParams({ nameMatching: 'relaxed' }), input);
		expect(relaxed.output('Node', 0)).toMatchObject([
			{ stripeCustomerId: target.id, written: true },
		]);
		expect((await customer(target.id)).metadata[KEY]).toBe(`${p}-1`);
	});

	test('mapping one namesake by hand lets the next run map the other', async () => {
		const p = unique('Hand');
		const first = stripe.createCustomer({ name: `${p} Twin` });
		const second = stripe.createCustomer({ name: `${p} Twin` });
		const input = [
			{ id: `${p}-1`, name: `${p} Twin` },
			{ id: `${p}-2`, name: `${p} Twin` },
		];
		expect((await run(generateParams(), input)).output('Node', 3)).toHaveLength(2);
		await run(setParams, [{ id: `${p}-1`, stripeId: first.id }]);
		const after = await run(generateParams(), input);
		expect(after.output('Node', 1)).toMatchObject([{ booksCustomerId: `${p}-1` }]);
		expect(after.output('Node', 0)).toMatchObject([
			{ booksCustomerId: `${p}-2`, stripeCustomerId: second.id },
		]);
	});

	test.each([
		['a missing ID', { name: 'X' }, 1, 'Books Customer ID', 'A books customer ID is required'],
		['a missing name', { id: 'NONAME' }, 1, 'Name', 'Books customer NONAME has no name'],
	])(
		'%s fails the node naming item and field, before anything is written',
		async (_, bad, index, field, message) => {
			const p = unique('Bad');
			const target = stripe.createCustomer({ name: `${p} Co` });
			const before = posts();
			const requestsBefore = stripe.stats.requests;
			const result = await run(generateParams(), [{ id: `${p}-1`, name: `${p} Co` }, bad]);
			expect(result.error.message).toBe(`Item ${index}: invalid "${field}": ${message}`);
			expect(posts()).toBe(before);
			expect(stripe.stats.requests).toBe(requestsBefore);
			expect((await customer(target.id)).metadata[KEY]).toBeUndefined();
		},
	);

	test('the same books ID twice in one input is refused, naming both items', async () => {
		const p = unique('Twice');
		stripe.createCustomer({ name: `${p} Co` });
		const result = await run(generateParams(), [
			{ id: `${p}-1`, name: `${p} Co` },
			{ id: `${p}-1`, name: `${p} Co` },
		]);
		expect(result.error.message).toBe(
			`Item 0: invalid "Books Customer ID": Books customer ${p}-1 appears more than once in the input (items 0, 1)`,
		);
	});

	test('with Continue On Fail, bad items become errors on Unmatched and the others are mapped', async () => {
		const p = unique('Cof');
		const target = stripe.createCustomer({ name: `${p} Co` });
		const result = await run(
			generateParams(),
			[{ name: 'no id' }, { id: `${p}-1`, name: `${p} Co` }],
			{ onError: 'continueRegularOutput' },
		);
		expect(result.output('Node', 0)).toMatchObject([
			{ booksCustomerId: `${p}-1`, stripeCustomerId: target.id },
		]);
		const [error] = result.items('Node', 2);
		expect(error.json.error).toBe(
			'Item 0: invalid "Books Customer ID": A books customer ID is required',
		);
		expect(error.pairedItem).toEqual({ item: 0 });
	});

	test('declares four named outputs for Generate and one for the other operations', async () => {
		const p = unique('Outs');
		const generate = await run(generateParams({ dryRun: true }), [
			{ id: `${p}-1`, name: `${p} X` },
		]);
		const { NodeHelpers } = await import('n8n-workflow');
		const outputsOf = (r) => {
			const node = r.workflow.getNode('Node');
			const type = r.workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
			return /** @type {import('n8n-workflow').INodeOutputConfiguration[]} */ (
				NodeHelpers.getNodeOutputs(r.workflow, node, type.description)
			);
		};
		expect(outputsOf(generate).map((o) => o.displayName)).toEqual([
			'Mapped',
			'Already Mapped',
			'Unmatched',
			'Ambiguous',
		]);
		const get = await run(getParams, [{ id: `${p}-1` }]);
		expect(outputsOf(get)).toHaveLength(1);
		expect(get.run.data.resultData.runData.Node[0].data.main).toHaveLength(1);
	});
});

describe('Set Mapping and Get Mapping', () => {
	test('a mapping is read correctly right after it was written, while search still lags', async () => {
		const p = unique('Fresh');
		const target = stripe.createCustomer({
			name: `${p} Co`,
			email: 'billing@fresh.test',
			defaultPaymentMethod: 'pm_card_visa',
		});
		stripe.setSearchLag(SEARCH_LAG_MS);
		const set = await run(setParams, [{ id: `${p}-1`, stripeId: target.id }]);
		expect(set.output('Node')).toMatchObject([
			{ booksCustomerId: `${p}-1`, stripeCustomerId: target.id, mapped: true, changed: true },
		]);
		const search = await api.get('/v1/customers/search', { query: `metadata['${KEY}']:'${p}-1'` });
		expect(search.body.data).toEqual([]); // Stripe's search has not seen it yet

		const [got] = (await run(getParams, [{ id: `${p}-1` }])).output('Node');
		expect(got).toMatchObject({
			mapped: true,
			booksCustomerId: `${p}-1`,
			stripeCustomerId: target.id,
			name: `${p} Co`,
			email: 'billing@fresh.test',
			paymentMethodLabel: 'Visa •••• 4242',
			automaticPaymentMethod: { type: 'card', label: 'Visa •••• 4242' },
		});
		expect(got.automaticPaymentMethod.id).toMatch(/^pm_/);
	});

	test('a mapping Generate just wrote is read correctly at once', async () => {
		const p = unique('GenFresh');
		const target = stripe.createCustomer({ name: `${p} Co` });
		stripe.setSearchLag(SEARCH_LAG_MS);
		await run(generateParams(), [{ id: `${p}-1`, name: `${p} Co` }]);
		expect((await run(getParams, [{ id: `${p}-1` }])).output('Node')).toMatchObject([
			{
				mapped: true,
				stripeCustomerId: target.id,
				paymentMethodLabel: 'No automatic payment setup',
			},
		]);
	});

	test('a mapping moved a moment ago is read where it is now, not where search still sees it', async () => {
		const p = unique('Moved');
		const from = stripe.createCustomer({ name: `${p} Old`, metadata: { [KEY]: `${p}-1` } });
		const to = stripe.createCustomer({ name: `${p} New` });
		stripe.setSearchLag(SEARCH_LAG_MS);
		await run(removeParams, [{ id: `${p}-1` }]);
		await run(setParams, [{ id: `${p}-1`, stripeId: to.id }]);
		const search = await api.get('/v1/customers/search', { query: `metadata['${KEY}']:'${p}-1'` });
		expect(search.body.data.map((c) => c.id)).toEqual([from.id]); // stale
		expect((await run(getParams, [{ id: `${p}-1` }])).output('Node')).toMatchObject([
			{ mapped: true, stripeCustomerId: to.id },
		]);
	});

	test('an unmapped books customer is a clear "not mapped"', async () => {
		const p = unique('None');
		expect((await run(getParams, [{ id: `${p}-1` }])).output('Node')).toEqual([
			{
				mapped: false,
				booksCustomerId: `${p}-1`,
				stripeCustomerId: null,
				message: `Books customer ${p}-1 is not mapped to a Stripe customer (metadata "${KEY}")`,
			},
		]);
	});

	test('a books customer on two Stripe customers is an error naming them', async () => {
		const p = unique('Two');
		const a = stripe.createCustomer({ name: `${p} A`, metadata: { [KEY]: `${p}-1` } });
		const b = stripe.createCustomer({ name: `${p} B`, metadata: { [KEY]: `${p}-1` } });
		const result = await run(getParams, [{ id: `${p}-1` }]);
		expect(result.error.message).toMatch(
			new RegExp(
				`^Item 0: invalid "Books Customer ID": Books customer ${p}-1 is mapped to several Stripe customers \\((${b.id}, ${a.id}|${a.id}, ${b.id})\\); fix the mapping first$`,
			),
		);
	});

	test('setting the same mapping again changes nothing', async () => {
		const p = unique('Same');
		const target = stripe.createCustomer({ name: `${p} Co` });
		await run(setParams, [{ id: `${p}-1`, stripeId: target.id }]);
		const before = posts();
		const again = await run(setParams, [{ id: `${p}-1`, stripeId: target.id }]);
		expect(again.output('Node')).toMatchObject([{ changed: false, stripeCustomerId: target.id }]);
		expect(posts()).toBe(before);
	});

	test('refuses a Stripe customer mapped to another books customer', async () => {
		const p = unique('TakenS');
		const target = stripe.createCustomer({ name: `${p} Co`, metadata: { [KEY]: `${p}-OTHER` } });
		const result = await run(setParams, [{ id: `${p}-1`, stripeId: target.id }]);
		expect(result.error.message).toBe(
			`Item 0: invalid "Stripe Customer": Stripe customer ${target.id} is already mapped to books customer ${p}-OTHER; delete that mapping first (Mapping → Delete)`,
		);
		expect((await customer(target.id)).metadata[KEY]).toBe(`${p}-OTHER`);
	});

	test('refuses a books customer mapped a moment ago to another Stripe customer (search lagging)', async () => {
		const p = unique('TakenB');
		const first = stripe.createCustomer({ name: `${p} First` });
		const second = stripe.createCustomer({ name: `${p} Second` });
		stripe.setSearchLag(SEARCH_LAG_MS);
		await run(setParams, [{ id: `${p}-1`, stripeId: first.id }]);
		const result = await run(setParams, [{ id: `${p}-1`, stripeId: second.id }]);
		expect(result.error.message).toBe(
			`Item 0: invalid "Books Customer ID": Books customer ${p}-1 is already mapped to Stripe customer ${first.id}; delete that mapping first (Mapping → Delete)`,
		);
		expect((await customer(second.id)).metadata[KEY]).toBeUndefined();
	});

	test('refuses within one input: the same books ID, or the same Stripe customer, twice', async () => {
		const p = unique('Dup');
		const a = stripe.createCustomer({ name: `${p} A` });
		const b = stripe.createCustomer({ name: `${p} B` });
		const before = posts();
		const sameBooks = await run(setParams, [
			{ id: `${p}-1`, stripeId: a.id },
			{ id: `${p}-1`, stripeId: b.id },
		]);
		expect(sameBooks.error.message).toBe(
			`Item 0: invalid "Books Customer ID": Books customer ${p}-1 appears more than once in the input (items 0, 1)`,
		);
		const sameStripe = await run(setParams, [
			{ id: `${p}-1`, stripeId: a.id },
			{ id: `${p}-2`, stripeId: a.id },
		]);
		expect(sameStripe.error.message).toBe(
			`Item 0: invalid "Stripe Customer": Stripe customer ${a.id} appears more than once in the input (items 0, 1)`,
		);
		expect(posts()).toBe(before);
	});

	test.each([
		['does not exist', () => 'cus_DoesNotExist42', (id) => `Stripe customer ${id} does not exist`],
		[
			'has been deleted',
			async () => {
				const c = stripe.createCustomer({ name: 'to delete' });
				await api.del(`/v1/customers/${c.id}`);
				return c.id;
			},
			(id) => `Stripe customer ${id} has been deleted`,
		],
		[
			'is not a customer ID',
			() => 'pi_123',
			() => '"pi_123" is not a Stripe customer ID (cus_...)',
		],
	])('a Stripe customer that %s is refused naming the field', async (_, make, message) => {
		const p = unique('Missing');
		const id = await make();
		const result = await run(setParams, [{ id: `${p}-1`, stripeId: id }]);
		expect(result.error.message).toBe(`Item 0: invalid "Stripe Customer": ${message(id)}`);
	});

	test('with Continue On Fail, a refused item carries its error and the others are set', async () => {
		const p = unique('SetCof');
		const good = stripe.createCustomer({ name: `${p} Good` });
		const result = await run(
			setParams,
			[
				{ id: `${p}-1`, stripeId: 'cus_Nobody0' },
				{ id: `${p}-2`, stripeId: good.id },
			],
			{ onError: 'continueRegularOutput' },
		);
		const items = result.items('Node');
		expect(items.map((i) => i.pairedItem.item)).toEqual([0, 1]);
		expect(items[0].json.error).toBe(
			'Item 0: invalid "Stripe Customer": Stripe customer cus_Nobody0 does not exist',
		);
		expect(items[1].json).toMatchObject({
			booksCustomerId: `${p}-2`,
			stripeCustomerId: good.id,
			changed: true,
		});
	});
});

describe('Remove Mapping', () => {
	test('removes a mapping written a moment ago; the Stripe customer stays', async () => {
		const p = unique('Rm');
		const target = stripe.createCustomer({ name: `${p} Co`, metadata: { keep: 'me' } });
		stripe.setSearchLag(SEARCH_LAG_MS);
		await run(setParams, [{ id: `${p}-1`, stripeId: target.id }]);
		const removed = await run(removeParams, [{ id: `${p}-1` }]);
		expect(removed.output('Node')).toEqual([
			{
				booksCustomerId: `${p}-1`,
				removed: true,
				stripeCustomerIds: [target.id],
				message: `Books customer ${p}-1 is no longer mapped`,
			},
		]);
		const now = await customer(target.id);
		expect(now.deleted).toBeUndefined();
		expect(now.metadata).toEqual({ keep: 'me' });
		expect((await run(getParams, [{ id: `${p}-1` }])).output('Node')).toMatchObject([
			{ mapped: false },
		]);
		expect((await run(removeParams, [{ id: `${p}-1` }])).output('Node')).toMatchObject([
			{ removed: false, stripeCustomerIds: [] },
		]);
	});

	test('a conflict (one books ID on two customers) is cleared from both', async () => {
		const p = unique('RmTwo');
		const a = stripe.createCustomer({ name: `${p} A`, metadata: { [KEY]: `${p}-1` } });
		const b = stripe.createCustomer({ name: `${p} B`, metadata: { [KEY]: `${p}-1` } });
		const [out] = (await run(removeParams, [{ id: `${p}-1` }])).output('Node');
		expect(out.stripeCustomerIds.sort()).toEqual([a.id, b.id].sort());
		expect(await customersMappedTo(`${p}-1`)).toEqual([]);
	});

	test('refuses a missing ID and the same ID twice', async () => {
		const missing = await run(removeParams, [{ id: '  ' }]);
		expect(missing.error.message).toBe(
			'Item 0: invalid "Books Customer ID": A books customer ID is required',
		);
		const twice = await run(removeParams, [{ id: 'R-1' }, { id: 'R-1' }]);
		expect(twice.error.message).toBe(
			'Item 0: invalid "Books Customer ID": Books customer R-1 appears more than once in the input (items 0, 1)',
		);
	});
});

describe('Sync Customer', () => {
	function books(p, extra = {}) {
		return {
			id: `${p}-1`,
			name: `${p} Co`,
			email: 'billing@acme.test',
			phone: '+1 555 0100',
			accountsEmail: 'accounts@acme.test',
			accountsCc: 'cfo@acme.test; controller@acme.test',
			...extra,
		};
	}

	test('creates a missing Stripe customer, mapped, with the accounts emails in its metadata', async () => {
		const p = unique('SyncNew');
		const result = await run(
			syncParams({
				customerFields: {
					email: '={{ $json.email }}',
					phone: '={{ $json.phone }}',
					description: 'Synced from the books',
					addressLine1: '1 Main St',
					city: 'Springfield',
					postalCode: '12345',
					country: 'us',
					accountsEmail: '={{ $json.accountsEmail }}',
					accountsCcEmail: '={{ $json.accountsCc }}',
				},
			}),
			[books(p)],
		);
		const [out] = result.output('Node');
		expect(out).toMatchObject({
			action: 'created',
			booksCustomerId: `${p}-1`,
			name: `${p} Co`,
			email: 'billing@acme.test',
			phone: '+1 555 0100',
			description: 'Synced from the books',
			address: { line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' },
			accountsEmail: 'accounts@acme.test',
			accountsCcEmail: 'cfo@acme.test, controller@acme.test',
		});
		expect(out.idempotencyKey).toMatch(/^invpay-sync-create-[0-9a-f]{40}$/);
		const stored = await customer(out.stripeCustomerId);
		expect(stored.metadata).toEqual({
			[KEY]: `${p}-1`,
			accounts_email: 'accounts@acme.test',
			accounts_cc_email: 'cfo@acme.test, controller@acme.test',
		});
		// What the email step reads:
		expect((await run(getParams, [{ id: `${p}-1` }])).output('Node')).toMatchObject([
			{
				accountsEmail: 'accounts@acme.test',
				accountsCcEmail: 'cfo@acme.test, controller@acme.test',
			},
		]);
	});

	test('updates the mapped customer; a field given empty is cleared, one not given is kept', async () => {
		const p = unique('SyncUpd');
		const existing = stripe.createCustomer({
			name: `${p} Old`,
			email: 'old@acme.test',
			phone: '+1 555 0000',
			description: 'kept',
			metadata: { [KEY]: `${p}-1`, accounts_email: 'old-accounts@acme.test' },
		});
		const result = await run(
			syncParams({
				customerFields: {
					email: '={{ $json.email }}',
					phone: '',
					accountsEmail: '={{ $json.accountsEmail }}',
				},
			}),
			[books(p)],
		);
		expect(result.output('Node')).toMatchObject([
			{
				action: 'updated',
				stripeCustomerId: existing.id,
				name: `${p} Co`,
				email: 'billing@acme.test',
				phone: null,
				description: 'kept',
				accountsEmail: 'accounts@acme.test',
				idempotencyKey: null,
			},
		]);
		expect(await customersMappedTo(`${p}-1`)).toHaveLength(1);
	});

	test('a sync right after a create (search lagging) updates that customer, never a second one', async () => {
		const p = unique('SyncLag');
		stripe.setSearchLag(SEARCH_LAG_MS);
		const first = (await run(syncParams(), [books(p)])).output('Node')[0];
		const creates = stripe.stats.byRoute['POST /v1/customers'];
		const second = (await run(syncParams(), [books(p, { email: 'new@acme.test' })])).output(
			'Node',
		)[0];
		expect(first.action).toBe('created');
		// Found through the consistent list: no create was even attempted.
		expect(stripe.stats.byRoute['POST /v1/customers']).toBe(creates);
		expect(second).toMatchObject({
			action: 'updated',
			stripeCustomerId: first.stripeCustomerId,
			email: 'new@acme.test',
		});
		expect(await customersMappedTo(`${p}-1`)).toHaveLength(1);
	});

	test('two syncs of the same new customer started at once create ONE Stripe customer', async () => {
		const p = unique('SyncTwice');
		stripe.setSearchLag(SEARCH_LAG_MS);
		stripe.setLatency(300); // the first create is still running when the second arrives
		const [a, b] = await Promise.all([
			run(syncParams(), [books(p)]),
			run(syncParams(), [books(p)]),
		]);
		const [outA] = a.output('Node');
		const [outB] = b.output('Node');
		expect(outA.stripeCustomerId).toBe(outB.stripeCustomerId);
		expect(outA.idempotencyKey).toBe(outB.idempotencyKey);
		const mapped = await customersMappedTo(`${p}-1`);
		expect(mapped.map((c) => c.id)).toEqual([outA.stripeCustomerId]);
	});

	test('two syncs at once with different data still create one customer', async () => {
		const p = unique('SyncDiff');
		stripe.setSearchLag(SEARCH_LAG_MS);
		const [a, b] = await Promise.all([
			run(syncParams(), [books(p, { email: 'one@acme.test' })]),
			run(syncParams(), [books(p, { email: 'two@acme.test' })]),
		]);
		expect(a.output('Node')[0].stripeCustomerId).toBe(b.output('Node')[0].stripeCustomerId);
		expect([a.output('Node')[0].action, b.output('Node')[0].action].sort()).toEqual([
			'created',
			'updated',
		]);
		const mapped = await customersMappedTo(`${p}-1`);
		expect(mapped).toHaveLength(1);
		expect(['one@acme.test', 'two@acme.test']).toContain(mapped[0].email);
	});

	test('a customer created by sync and deleted since is not "replayed": a new one is created', async () => {
		const p = unique('SyncDel');
		const first = (await run(syncParams(), [books(p)])).output('Node')[0];
		await api.del(`/v1/customers/${first.stripeCustomerId}`);
		const again = (await run(syncParams(), [books(p)])).output('Node')[0];
		expect(again.action).toBe('created');
		expect(again.stripeCustomerId).not.toBe(first.stripeCustomerId);
		expect(again.idempotencyKey).not.toBe(first.idempotencyKey);
		expect((await customer(again.stripeCustomerId)).metadata[KEY]).toBe(`${p}-1`);
	});

	test('with Create If Missing off, a missing customer is reported and nothing is created', async () => {
		const p = unique('SyncOff');
		const before = posts();
		const result = await run(syncParams({ createIfMissing: false }), [books(p)]);
		expect(result.output('Node')).toEqual([
			{
				booksCustomerId: `${p}-1`,
				stripeCustomerId: null,
				action: 'notMapped',
				message: `Books customer ${p}-1 is not mapped to a Stripe customer and Create If Missing is off`,
			},
		]);
		expect(posts()).toBe(before);
	});

	test.each([
		['a missing ID', { id: '' }, 'Books Customer ID', 'A books customer ID is required'],
		['a missing name', { name: ' ' }, 'Name', (p) => `Books customer ${p}-1 has no name`],
		['a bad email', { email: 'not-an-email' }, 'Email', '"not-an-email" is not an email address'],
		[
			'a bad accounts CC',
			{ accountsCc: 'a@b.test, nope' },
			'Accounts CC Email',
			'"nope" is not an email address',
		],
	])(
		'%s is refused naming the field, before anything is written',
		async (_, change, field, message) => {
			const p = unique('SyncBad');
			const before = posts();
			const result = await run(syncParams(), [books(unique('ok')), books(p, change)]);
			const text = typeof message === 'function' ? message(p) : message;
			expect(result.error.message).toBe(`Item 1: invalid "${field}": ${text}`);
			expect(posts()).toBe(before);
		},
	);

	test('a bad country code and the same books ID twice are refused', async () => {
		const p = unique('SyncBad2');
		const country = await run(syncParams({ customerFields: { country: 'USA' } }), [books(p)]);
		expect(country.error.message).toBe(
			'Item 0: invalid "Country": "USA" is not a two-letter ISO country code (e.g. US, GB)',
		);
		const twice = await run(syncParams(), [books(p), books(p)]);
		expect(twice.error.message).toBe(
			`Item 0: invalid "Books Customer ID": Books customer ${p}-1 appears more than once in the input (items 0, 1)`,
		);
		expect(await customersMappedTo(`${p}-1`)).toEqual([]);
	});
});

describe('settings', () => {
	test('a custom metadata key is used for reads and writes', async () => {
		const p = unique('Key');
		const target = stripe.createCustomer({ name: `${p} Co` });
		const settings = { mappingMetadataKey: 'erp_id' };
		await run({ ...setParams, settings }, [{ id: `${p}-1`, stripeId: target.id }]);
		expect((await customer(target.id)).metadata).toEqual({ erp_id: `${p}-1` });
		expect(
			(await run({ ...getParams, settings }, [{ id: `${p}-1` }])).output('Node'),
		).toMatchObject([{ mapped: true, stripeCustomerId: target.id }]);
		expect((await run(getParams, [{ id: `${p}-1` }])).output('Node')).toMatchObject([
			{ mapped: false },
		]);
	});

	test('an unusable metadata key fails the node before any request', async () => {
		const before = stripe.stats.requests;
		const result = await run({ ...getParams, settings: { mappingMetadataKey: 'a[b]' } }, [
			{ id: 'X' },
		]);
		expect(result.error.message).toBe(
			'Invalid "Mapping Metadata Key" (Options for All Operations): Metadata key "a[b]" may not contain square brackets',
		);
		expect(stripe.stats.requests).toBe(before);
	});

	test('no secret key in output or errors', async () => {
		const ok = await run(getParams, [{ id: 'whatever' }]);
		const bad = await run(setParams, [{ id: 'X', stripeId: 'cus_Nobody1' }]);
		expect(allText(ok.run)).not.toContain(SECRET_KEY);
		expect(allText(bad.run)).not.toContain(SECRET_KEY);
	});
});

// @ts-check
// Customer Mapping at scale, each on a Stripe server of its own so page and request counts are
// exact: Generate over 2,500 Stripe customers, and List Mappings over thousands of pairs.
import { apiClient } from '../fakes/stripe/test-client';
import { runNode, SECRET_KEY, startStripe } from './stripe-node';

const NODE = 'customerMapping';
const KEY = 'books_customer_id';
const STRIPE_CUSTOMERS = 2500;

function generateParams(options = {}) {
	return {
		resource: 'mapping',
		operation: 'generate',
		booksCustomerId: '={{ $json.id }}',
		name: '={{ $json.name }}',
		options,
	};
}

function posts(server) {
	return Object.entries(server.stats.byRoute)
		.filter(([route]) => route.startsWith('POST '))
		.reduce((sum, [, n]) => sum + n, 0);
}

describe('Generate Mappings over 2,500 Stripe customers', () => {
	let server;
	// Customer 20 is mapped to B20 already; Customer 30 to another books customer; Customer 7
	// exists twice in Stripe; "Customer 140" is two books customers.
	const books = [
		...Array.from({ length: 150 }, (_, i) => ({ id: `B${i + 1}`, name: `Customer ${i + 1}` })),
		{ id: 'BX140', name: 'Customer 140' },
		{ id: 'B-NEW', name: 'Brand New Customer' },
		{ id: 'B-CASE', name: 'customer 60' },
	];
	const expected = {
		alreadyMapped: ['B20'],
		unmatched: [
			['B30', 'NAME_TAKEN_BY_MAPPED_CUSTOMERS'],
			['B-NEW', 'NO_STRIPE_CUSTOMER_WITH_NAME'],
			['B-CASE', 'NO_STRIPE_CUSTOMER_WITH_NAME'],
		],
		ambiguous: [
			['B7', 'SEVERAL_STRIPE_CUSTOMERS'],
			['B140', 'SEVERAL_BOOKS_CUSTOMERS'],
			['BX140', 'SEVERAL_BOOKS_CUSTOMERS'],
		],
	};
	const excluded = new Set(['B7', 'B20', 'B30', 'B140']);
	const mappable = books.filter((b) => /^B\d+$/.test(b.id) && !excluded.has(b.id));
	let byName;

	beforeAll(async () => {
		server = await startStripe();
		const specs = Array.from({ length: STRIPE_CUSTOMERS }, (_, i) => ({
			name: `Customer ${i + 1}`,
			email: `customer${i + 1}@example.com`,
			...(i + 1 === 20 ? { metadata: { [KEY]: 'B20' } } : {}),
			...(i + 1 === 30 ? { metadata: { [KEY]: 'LEGACY-30' } } : {}),
		}));
		const { customers } = server.seed({ customers: [...specs, { name: 'Customer 7' }] });
		byName = new Map();
		for (const c of customers) byName.set(c.name, [...(byName.get(c.name) ?? []), c.id]);
		// Stripe's test-mode limit: the node must get through at its transport's rate.
		server.setRateLimit(25);
	});
	afterAll(async () => {
		await server.close();
	});

	function check(result, { written }) {
		expect(result.error).toBeUndefined();
		const [mapped, already, unmatched, ambiguous] = [0, 1, 2, 3].map((i) =>
			result.output('Node', i),
		);
		expect(mapped.map((m) => [m.booksCustomerId, m.stripeCustomerId, m.written])).toEqual(
			mappable.map((b) => [b.id, byName.get(b.name)[0], written]),
		);
		expect(already.map((m) => m.booksCustomerId)).toEqual(expected.alreadyMapped);
		expect(unmatched.map((m) => [m.booksCustomerId, m.reason])).toEqual(expected.unmatched);
		expect(ambiguous.map((m) => [m.booksCustomerId, m.reason])).toEqual(expected.ambiguous);
		expect(ambiguous[0].candidates.map((c) => c.id).sort()).toEqual(
			[...byName.get('Customer 7')].sort(),
		);
	}

	test('a dry run reads every customer through the consistent list, page by page, and writes nothing', async () => {
		server.resetStats();
		const result = await runNode(server, NODE, generateParams({ dryRun: true }), books);
		check(result, { written: false });
		expect(server.stats.byRoute['GET /v1/customers']).toBe(Math.ceil((STRIPE_CUSTOMERS + 1) / 100));
		expect(server.stats.byRoute['GET /v1/customers/search']).toBeUndefined();
		expect(posts(server)).toBe(0);
	});

	test('the real run writes exactly the unique exact-name matches, nothing else', async () => {
		// The server's window still counts the dry run's last requests: let it pass, so every 429
		// would be this run's own.
		await new Promise((resolve) => setTimeout(resolve, 1100));
		server.resetStats();
		const result = await runNode(server, NODE, generateParams(), books);
		check(result, { written: true });
		// One write per mapping; a write the server answered 429 to (the limiter spaces requests
		// at the client, and a loaded machine can still bunch their arrival) is retried, so the
		// outcome is checked on the customers themselves, not by counting requests.
		expect(server.stats.byRoute['POST /v1/customers/:id']).toBeGreaterThanOrEqual(mappable.length);
		expect(
			server.stats.byRoute['POST /v1/customers/:id'] - server.stats.http429,
		).toBeLessThanOrEqual(mappable.length);
		server.setRateLimit(0);

		const api = apiClient(server.url, SECRET_KEY);
		for (const b of mappable) {
			const c = (await api.get(`/v1/customers/${byName.get(b.name)[0]}`)).body;
			expect(c.metadata[KEY]).toBe(b.id);
		}
		for (const id of byName.get('Customer 7')) {
			expect((await api.get(`/v1/customers/${id}`)).body.metadata[KEY]).toBeUndefined();
		}
		const [customer140] = byName.get('Customer 140');
		expect((await api.get(`/v1/customers/${customer140}`)).body.metadata[KEY]).toBeUndefined();
	}, 60_000);

	test('a repeat run finds everything Already Mapped and writes nothing', async () => {
		server.setRateLimit(25);
		server.resetStats();
		const result = await runNode(server, NODE, generateParams(), books);
		expect(result.output('Node', 0)).toEqual([]);
		expect(result.output('Node', 1).map((m) => m.booksCustomerId)).toEqual(
			books.filter((b) => b.id === 'B20' || mappable.includes(b)).map((b) => b.id),
		);
		expect(posts(server)).toBe(0);
	});
});

describe('List Mappings over thousands of pairs', () => {
	let server;
	const TOTAL = 3400;
	// every tenth customer is unmapped
	const MAPPED = TOTAL - TOTAL / 10;

	beforeAll(async () => {
		server = await startStripe();
		server.seed({
			customers: Array.from({ length: TOTAL }, (_, i) => ({
				name: `Customer ${i}`,
				...(i % 10 === 0 ? {} : { metadata: { [KEY]: `B${i}` } }),
			})),
		});
	});
	afterAll(async () => {
		await server.close();
	});

	const listParams = (extra) => ({ resource: 'mapping', operation: 'list', ...extra });

	test('Return All lists every mapped pair once, reading each page once', async () => {
		server.resetStats();
		const result = await runNode(server, NODE, listParams({ returnAll: true }), [{}]);
		const pairs = result.output('Node');
		expect(pairs).toHaveLength(MAPPED);
		expect(new Set(pairs.map((p) => p.booksCustomerId)).size).toBe(MAPPED);
		expect(
			pairs.every(
				(p) =>
					p.stripeCustomerId.startsWith('cus_') &&
					p.name === `Customer ${p.booksCustomerId.slice(1)}`,
			),
		).toBe(true);
		expect(server.stats.byRoute['GET /v1/customers']).toBe(TOTAL / 100);
		expect(result.items('Node').every((item) => item.pairedItem.item === 0)).toBe(true);
	});

	test('a Limit stops reading as soon as it is reached', async () => {
		server.resetStats();
		const result = await runNode(server, NODE, listParams({ returnAll: false, limit: 5 }), [{}]);
		expect(result.output('Node')).toHaveLength(5);
		expect(server.stats.byRoute['GET /v1/customers']).toBe(1);
		expect(result.output('Node')[0]).toMatchObject({
			booksCustomerId: expect.stringMatching(/^B\d+$/),
			accountsEmail: null,
			accountsCcEmail: null,
			created: expect.any(Number),
		});
	});
});

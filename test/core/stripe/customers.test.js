// @ts-check
import { CustomerMappingLookup } from '../../../nodes/core/stripe/customers';
import { StripeTransport } from '../../../nodes/core/stripe/transport';

const KEY = 'books_customer_id';

/** A transport over an in-memory account: search sees only `searchable`, list and GET see all. */
/**
 * @param {any[]} customers
 * @param {{ searchable?: any[] }} [options]
 */
function account(customers, { searchable = [] } = {}) {
	const calls = [];
	const http = async (request) => {
		const url = new URL(request.url);
		calls.push(`${request.method} ${url.pathname}`);
		await new Promise((resolve) => setImmediate(resolve));
		if (url.pathname === '/v1/customers/search') {
			const value = /** @type {RegExpExecArray} */ (
				/:'(.*)'$/.exec(String(url.searchParams.get('query')))
			)[1];
			const data = searchable.filter((c) => c.metadata[KEY] === value);
			return {
				statusCode: 200,
				headers: {},
				body: { object: 'search_result', data, has_more: false },
			};
		}
		if (url.pathname === '/v1/customers') {
			const after = url.searchParams.get('starting_after');
			const start = after ? customers.findIndex((c) => c.id === after) + 1 : 0;
			const data = customers.slice(start, start + 2);
			return {
				statusCode: 200,
				headers: {},
				body: { object: 'list', data, has_more: start + 2 < customers.length },
			};
		}
		const id = url.pathname.split('/').pop();
		const found = customers.find((c) => c.id === id);
		return found
			? { statusCode: 200, headers: {}, body: found }
			: {
					statusCode: 404,
					headers: {},
					body: { error: { type: 'invalid_request_error', message: 'No such customer' } },
				};
	};
	const transport = new StripeTransport({
		http,
		baseUrl: 'https://api.stripe.test',
		sleep: async () => {},
	});
	return { transport, calls };
}

/** A Stripe customer with only the fields the lookup reads (any: Stripe's type names every field). @returns {any} */
const customer = (id, booksId) => ({
	id,
	object: 'customer',
	metadata: booksId ? { [KEY]: booksId } : {},
});

describe('CustomerMappingLookup', () => {
	test('concurrent misses share one consistent list read', async () => {
		const customers = [
			customer('cus_1', 'A'),
			customer('cus_2'),
			customer('cus_3', 'B'),
			customer('cus_4', 'C'),
		];
		const { transport, calls } = account(customers);
		const lookup = new CustomerMappingLookup(transport);
		const found = await Promise.all(['A', 'B', 'C', 'Z'].map((id) => lookup.customersFor(id)));
		expect(found.map((list) => list.map((c) => c.id))).toEqual([
			['cus_1'],
			['cus_3'],
			['cus_4'],
			[],
		]);
		expect(calls.filter((c) => c === 'GET /v1/customers')).toHaveLength(2); // 4 customers, 2 a page
	});

	test('a failed list read is not kept: the next caller reads again', async () => {
		const customers = [customer('cus_1', 'A')];
		let fail = true;
		const { transport } = account(customers);
		const original = transport.request.bind(transport);
		transport.request = async (method, path, options) => {
			if (path === '/v1/customers' && fail) {
				fail = false;
				throw new Error('boom');
			}
			return await original(method, path, options);
		};
		const lookup = new CustomerMappingLookup(transport);
		await expect(lookup.buildIndex()).rejects.toThrow('boom');
		expect((await lookup.buildIndex()).get('A')?.map((c) => c.id)).toEqual(['cus_1']);
	});

	test("recordWrite keeps the kept list in step with the session's own writes", async () => {
		const { transport, calls } = account([customer('cus_1', 'A'), customer('cus_2')]);
		const lookup = new CustomerMappingLookup(transport);
		await lookup.buildIndex();
		lookup.recordWrite(customer('cus_2', 'A')); // A now on two customers
		expect((await lookup.customersFor('A')).map((c) => c.id)).toEqual(['cus_1', 'cus_2']);
		lookup.recordWrite(customer('cus_1', 'B')); // moved from A to B
		expect((await lookup.customersFor('A')).map((c) => c.id)).toEqual(['cus_2']);
		expect((await lookup.customersFor('B')).map((c) => c.id)).toEqual(['cus_1']);
		lookup.recordWrite({ id: 'cus_2', object: 'customer', deleted: true });
		expect(await lookup.customersFor('A')).toEqual([]);
		expect(calls.filter((c) => c === 'GET /v1/customers')).toHaveLength(1);
	});

	test('a search hit no longer carrying the id is not trusted; the list answers', async () => {
		const moved = customer('cus_1', 'Z'); // search still shows it under A
		const now = customer('cus_2', 'A');
		const { transport } = account([moved, now], { searchable: [customer('cus_1', 'A')] });
		const lookup = new CustomerMappingLookup(transport, KEY);
		expect((await lookup.customersFor('A')).map((c) => c.id)).toEqual(['cus_2']);
		expect(lookup.booksIdOf(moved)).toBe('Z');
		expect(lookup.metadataKey).toBe(KEY);
	});
});

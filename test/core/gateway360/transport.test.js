// @ts-check
import { CoreInputError } from '../../../nodes/core/errors';
import {
	Gateway360ApiError,
	Gateway360ConnectionError,
} from '../../../nodes/core/gateway360/errors';
import {
	Gateway360Transport,
	gatewayEndpoints,
	queryRetryDelayMs,
} from '../../../nodes/core/gateway360/transport';

/** An http function answering from a script; records what the transport sent. */
function scripted(...answers) {
	const sent = [];
	const http = async (request) => {
		sent.push(request);
		const next = answers.length > 1 ? answers.shift() : answers[0];
		if (next instanceof Error) throw next;
		return typeof next === 'function' ? next(request) : next;
	};
	return { http, sent };
}

const sleeps = [];
const sleep = async (ms) => {
	sleeps.push(ms);
};
const transport = (http, extra = {}) =>
	new Gateway360Transport({ http, baseUrl: 'https://secure.gateway.test/', sleep, ...extra });
const ok = (body) => ({ statusCode: 200, body });
const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
const reset = () => Object.assign(new Error('socket hang up'), { cause: { code: 'ECONNRESET' } });

beforeEach(() => {
	sleeps.length = 0;
});

describe('gatewayEndpoints', () => {
	test('derives the three endpoints from the base URL', () => {
		expect(gatewayEndpoints('https://secure.gateway.test/sub/path//')).toEqual({
			baseUrl: 'https://secure.gateway.test/sub/path',
			origin: 'https://secure.gateway.test',
			transactUrl: 'https://secure.gateway.test/sub/path/api/transact.php',
			queryUrl: 'https://secure.gateway.test/sub/path/api/query.php',
			collectJsUrl: 'https://secure.gateway.test/sub/path/token/Collect.js',
		});
	});

	test.each([['http://127.0.0.1:8080'], ['http://localhost:1'], ['http://[::1]:9']])(
		'allows plain http only on this machine: %s',
		(url) => {
			expect(gatewayEndpoints(url).transactUrl).toBe(`${url}/api/transact.php`);
		},
	);

	test.each([
		['', /no Gateway Base URL/],
		[undefined, /no Gateway Base URL/],
		['secure.gateway.test', /not an http\(s\) address/],
		['ftp://secure.gateway.test', /not an http\(s\) address/],
		['http://secure.gateway.test', /must use https/],
		['https://secure.gateway.test/?x=1', /query, a fragment or user information/],
		['https://user:pw@secure.gateway.test', /query, a fragment or user information/],
	])('refuses %p', (url, message) => {
		expect(() => gatewayEndpoints(url)).toThrow(CoreInputError);
		expect(() => gatewayEndpoints(url)).toThrow(message);
	});
});

describe('transact', () => {
	test('posts the form (never a key) to transact.php, marked for authentication', async () => {
		const { http, sent } = scripted(
			ok(
				'response=1&responsetext=SUCCESS&authcode=123456&transactionid=7000000001&avsresponse=Y&cvvresponse=M&orderid=INV-1&type=sale&response_code=100',
			),
		);
		const answer = await transport(http).transact({
			type: 'sale',
			amount: '10.00',
			orderid: 'INV-1',
		});
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({
			method: 'POST',
			url: 'https://secure.gateway.test/api/transact.php',
			body: 'type=sale&amount=10.00&orderid=INV-1',
			authenticate: true,
		});
		expect(sent[0].headers['Content-Type']).toBe('application/x-www-form-urlencoded');
		expect(sent[0].body).not.toMatch(/security_key/);
		expect(answer).toEqual({
			response: 1,
			responseText: 'SUCCESS',
			responseCode: '100',
			transactionId: '7000000001',
			authCode: '123456',
			avsResponse: 'Y',
			cvvResponse: 'M',
			orderId: 'INV-1',
			type: 'sale',
		});
	});

	test.each([
		['response=2&responsetext=DECLINE&transactionid=7&response_code=200', 2],
		['response=3&responsetext=Invalid+payment+token&response_code=300', 3],
	])('resolves declines and errors alike: %s', async (body, response) => {
		const answer = await transport(scripted(ok(body)).http).transact({ type: 'sale' });
		expect(answer.response).toBe(response);
	});

	test('is never retried: a lost answer is an error saying the outcome is unknown', async () => {
		const { http, sent } = scripted(reset());
		const failure = await transport(http)
			.transact({ type: 'sale' })
			.catch((error) => error);
		expect(failure).toBeInstanceOf(Gateway360ConnectionError);
		expect(failure.code).toBe('ECONNRESET');
		expect(failure.outcomeUnknown).toBe(true);
		expect(failure.message).toMatch(
			/^Could not reach the 360 Payments gateway \(connection reset\)/,
		);
		expect(failure.message).toMatch(/whether it acted is unknown/);
		expect(sent).toHaveLength(1);
	});

	test('a refused connection never reached the gateway: outcome known', async () => {
		const failure = await transport(scripted(refused()).http)
			.transact({ type: 'sale' })
			.catch((e) => e);
		expect(failure).toMatchObject({ code: 'ECONNREFUSED', outcomeUnknown: false });
		expect(failure.message).toBe('Could not reach the 360 Payments gateway (connection refused)');
	});

	test.each([
		[{ statusCode: 502, body: 'Bad Gateway' }, /HTTP 502/, 'http_status'],
		[ok('<html>maintenance</html>'), /no valid "response"/, 'unreadable_answer'],
		[ok('response=7&responsetext=x'), /no valid "response"/, 'unreadable_answer'],
		[ok(''), /empty body/, 'unreadable_answer'],
	])("an answer that is not the gateway's is an error (%#)", async (answer, message, kind) => {
		const failure = await transport(scripted(answer).http)
			.transact({ type: 'sale' })
			.catch((e) => e);
		expect(failure).toBeInstanceOf(Gateway360ApiError);
		expect(failure.message).toMatch(message);
		expect(failure.kind).toBe(kind);
	});

	test('a response text quoting a security_key field is redacted', async () => {
		const answer = await transport(
			scripted(ok('response=3&responsetext=bad+request+security_key%3Dabc123&response_code=300'))
				.http,
		).transact({ type: 'sale' });
		expect(answer.responseText).toBe('bad request security_key=[redacted]');
	});
});

describe('query', () => {
	const empty = ok('<?xml version="1.0"?><nm_response></nm_response>');

	test('posts to query.php and returns the root element', async () => {
		const { http, sent } = scripted(empty);
		const root = await transport(http).query({ order_id: 'INV-1' });
		expect(root.name).toBe('nm_response');
		expect(sent[0]).toMatchObject({
			url: 'https://secure.gateway.test/api/query.php',
			body: 'order_id=INV-1',
			authenticate: true,
		});
	});

	test('retries connection failures and 5xx/429 with backoff, then answers', async () => {
		const { http, sent } = scripted(reset(), { statusCode: 503, body: '' }, empty);
		await transport(http).query({});
		expect(sent).toHaveLength(3);
		expect(sleeps).toEqual([250, 1000]);
	});

	test('a 429 is never retried at once: at least 1 s without Retry-After', async () => {
		const { http, sent } = scripted({ statusCode: 429, body: '' }, empty);
		await transport(http).query({});
		expect(sent).toHaveLength(2);
		expect(sleeps).toEqual([1000]);
	});

	test("a 429's Retry-After is honoured, in seconds or as an HTTP date", async () => {
		const inSeconds = scripted(
			{ statusCode: 429, body: '', headers: { 'Retry-After': '7' } },
			{ statusCode: 429, body: '', headers: { 'retry-after': '0' } },
			empty,
		);
		await transport(inSeconds.http).query({});
		// 7 s as asked; then 0 asked, but never less than the backoff (1000 ms for the second retry)
		expect(sleeps).toEqual([7000, 1000]);
		sleeps.length = 0;
		const at = new Date(Date.now() + 12_000).toUTCString();
		const asDate = scripted({ statusCode: 429, body: '', headers: { 'retry-after': at } }, empty);
		await transport(asDate.http).query({});
		expect(sleeps).toHaveLength(1);
		expect(sleeps[0]).toBeGreaterThan(10_000);
		expect(sleeps[0]).toBeLessThanOrEqual(12_000);
	});

	test('a Retry-After longer than 30 s is not waited for: the error says to try later', async () => {
		const { http, sent } = scripted({
			statusCode: 429,
			body: '',
			headers: { 'retry-after': '120' },
		});
		const failure = await transport(http)
			.query({})
			.catch((e) => e);
		expect(failure).toBeInstanceOf(Gateway360ApiError);
		expect(failure.statusCode).toBe(429);
		expect(failure.message).toMatch(/Retry-After 120.*try again later/);
		expect(sent).toHaveLength(1);
		expect(sleeps).toEqual([]);
	});

	test('queryRetryDelayMs: 5xx and connection failures keep the short backoff', () => {
		expect(queryRetryDelayMs(0, { statusCode: 503 }, 0)).toBe(250);
		expect(queryRetryDelayMs(0, null, 0)).toBe(250);
		expect(queryRetryDelayMs(0, { statusCode: 429 }, 0)).toBe(1000);
		expect(queryRetryDelayMs(1, { statusCode: 429, headers: { 'retry-after': '3' } }, 0)).toBe(
			3000,
		);
		expect(queryRetryDelayMs(0, { statusCode: 429, headers: { 'retry-after': '31' } }, 0)).toBe(
			null,
		);
	});

	test('gives up after its retries with the last failure', async () => {
		const { http, sent } = scripted(refused());
		const failure = await transport(http, { maxQueryRetries: 2 })
			.query({})
			.catch((e) => e);
		expect(failure).toBeInstanceOf(Gateway360ConnectionError);
		expect(failure.outcomeUnknown).toBe(false);
		expect(sent).toHaveLength(3);
	});

	test('a 4xx is not retried', async () => {
		const { http, sent } = scripted({ statusCode: 404, body: 'no' });
		await expect(transport(http).query({})).rejects.toThrow(/query API answered HTTP 404/);
		expect(sent).toHaveLength(1);
	});

	test.each([
		['Authentication Failed', 'authentication'],
		['Invalid Security Key', 'authentication'],
		['Invalid report_type', 'gateway_error'],
	])('<error_response>%s</error_response> is a %s error', async (text, kind) => {
		const { http } = scripted(
			ok(`<nm_response><error_response>${text}</error_response></nm_response>`),
		);
		const failure = await transport(http)
			.query({})
			.catch((e) => e);
		expect(failure).toMatchObject({ kind, responseText: text });
		expect(failure.message).toBe(`The gateway refused the query: ${text}`);
	});

	test('another root element is not a query answer', async () => {
		await expect(transport(scripted(ok('<html></html>')).http).query({})).rejects.toThrow(
			/<html> where <nm_response>/,
		);
	});
});

test('fetchCollectJs is a GET without authentication', async () => {
	const { http, sent } = scripted(ok('window.CollectJS = {}'));
	const response = await transport(http).fetchCollectJs();
	expect(response.body).toContain('CollectJS');
	expect(sent[0]).toMatchObject({
		method: 'GET',
		url: 'https://secure.gateway.test/token/Collect.js',
		authenticate: false,
	});
	expect(sent[0].body).toBeUndefined();
});

// @ts-check
import http from 'node:http';
import { inspect } from 'node:util';

import {
	STRIPE_API_VERSION,
	MAX_RETRY_AFTER_MS,
	StripeTransport,
	parseRetryAfter,
	retryDelayMs,
	shouldRetryResponse,
} from '../../../nodes/core/stripe/transport';
import { CoreInputError } from '../../../nodes/core/errors';
import {
	StripeApiError,
	StripeConnectionError,
	redactSecrets,
} from '../../../nodes/core/stripe/errors';
import { createRequestLimiter } from '../../../nodes/core/rateLimiter';

const BASE_URL = 'https://api.stripe.test';
const SECRET = 'sk_test_51SECRETxyzSECRETxyz';

const ok = (body, headers = {}) => ({ statusCode: 200, headers, body: JSON.stringify(body) });
const answer = (statusCode, error, headers = {}) => ({ statusCode, headers, body: { error } });
/** @typedef {import('../../../nodes/core/stripe/transport').StripeMethod} StripeMethod */

/** @returns {Error & { code?: string, config?: object, request?: object }} */
function connectionError(code, message = code) {
	/** @type {Error & { code?: string, config?: object, request?: object }} */
	const error = new Error(message);
	error.code = code;
	return error;
}

/**
 * A scripted `http`: each call takes the next entry (the last one repeats); an Error entry is
 * thrown as a connection failure. Records a copy of every request.
 */
function setup(script, options = {}) {
	const calls = [];
	/** @type {{ time: number, sleeps: number[] }} */
	const clock = { time: 0, sleeps: [] };
	const httpFn = async (request) => {
		calls.push(JSON.parse(JSON.stringify(request)));
		const next = script.length > 1 ? script.shift() : script[0];
		if (next instanceof Error) throw next;
		return next;
	};
	const transport = new StripeTransport({
		http: httpFn,
		baseUrl: BASE_URL,
		sleep: async (ms) => {
			clock.sleeps.push(ms);
			clock.time += ms;
		},
		now: () => clock.time,
		random: () => 0.5,
		...options,
	});
	return { transport, calls, clock };
}

async function rejection(promise) {
	try {
		await promise;
	} catch (error) {
		return error;
	}
	throw new Error('expected the request to fail');
}

const KEY_SHAPE =
	/^n8n-invoice-payments-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request building', () => {
	test('GET: params in the query string, pinned Stripe-Version, no key, no body', async () => {
		const { transport, calls } = setup([ok({ object: 'customer', id: 'cus_1' })]);
		const customer = await transport.request('GET', '/v1/customers/cus_1', {
			params: { expand: ['default_source', 'invoice_settings.default_payment_method'] },
		});
		expect(customer).toEqual({ object: 'customer', id: 'cus_1' });
		expect(calls).toEqual([
			{
				method: 'GET',
				url: `${BASE_URL}/v1/customers/cus_1?expand[]=default_source&expand[]=invoice_settings.default_payment_method`,
				headers: { Accept: 'application/json', 'Stripe-Version': '2026-10-28.endive' },
			},
		]);
		expect(STRIPE_API_VERSION).toBe('2026-10-28.endive');
	});

	test('GET without params has no query string; a trailing slash on baseUrl is ignored', async () => {
		const { transport, calls } = setup([ok({ object: 'balance' })], { baseUrl: `${BASE_URL}/` });
		await transport.request('GET', '/v1/balance');
		expect(calls[0].url).toBe(`${BASE_URL}/v1/balance`);
	});

	test('POST: form body, content type, version and a generated Idempotency-Key', async () => {
		const { transport, calls } = setup([ok({ id: 'pi_1' })]);
		await transport.request('POST', '/v1/payment_intents', {
			params: { amount: 1000, currency: 'usd', confirm: true, metadata: { invoice_id: 'INV 1' } },
		});
		expect(calls[0].method).toBe('POST');
		expect(calls[0].url).toBe(`${BASE_URL}/v1/payment_intents`);
		expect(calls[0].body).toBe(
			'amount=1000&currency=usd&confirm=true&metadata[invoice_id]=INV%201',
		);
		expect(calls[0].headers['Content-Type']).toBe('application/x-www-form-urlencoded');
		expect(calls[0].headers['Stripe-Version']).toBe(STRIPE_API_VERSION);
		expect(calls[0].headers['Idempotency-Key']).toMatch(KEY_SHAPE);
	});

	test('every POST carries a key, even without params; each call gets a fresh one', async () => {
		const { transport, calls } = setup([ok({ id: 'x' })]);
		await transport.request('POST', '/v1/payment_intents/pi_1/cancel');
		await transport.request('POST', '/v1/payment_intents/pi_1/cancel');
		expect(calls[0].body).toBe('');
		const keys = calls.map((call) => call.headers['Idempotency-Key']);
		keys.forEach((key) => expect(key).toMatch(KEY_SHAPE));
		expect(keys[0]).not.toBe(keys[1]);
	});

	test("the caller's idempotency key is sent as given (255 characters is the limit)", async () => {
		const { transport, calls } = setup([ok({ id: 'pi_1' })]);
		const key = 'k'.repeat(255);
		await transport.request('POST', '/v1/payment_intents', {
			params: { amount: 1 },
			idempotencyKey: key,
		});
		expect(calls[0].headers['Idempotency-Key']).toBe(key);
	});

	test('DELETE: params in the query string, no key', async () => {
		const { transport, calls } = setup([ok({ id: 'we_1', deleted: true })]);
		await transport.request('DELETE', '/v1/webhook_endpoints/we_1');
		expect(calls[0]).toEqual({
			method: 'DELETE',
			url: `${BASE_URL}/v1/webhook_endpoints/we_1`,
			headers: { Accept: 'application/json', 'Stripe-Version': STRIPE_API_VERSION },
		});
	});

	test.each(
		/** @type {Array<[string, StripeMethod, object, RegExp]>} */ ([
			[
				'a key over 255 characters',
				'POST',
				{ idempotencyKey: 'k'.repeat(256) },
				/1 to 255 characters.*256/,
			],
			['an empty key', 'POST', { idempotencyKey: '' }, /1 to 255/],
			['a key with a line break', 'POST', { idempotencyKey: 'a\r\nX-Evil: 1' }, /printable ASCII/],
			['a non-ASCII key', 'POST', { idempotencyKey: 'clé' }, /printable ASCII/],
			['a key on GET', 'GET', { idempotencyKey: 'abc' }, /POST only/],
		]),
	)('refuses %s before sending anything', async (_label, method, options, message) => {
		const { transport, calls } = setup([ok({})]);
		const error = await rejection(transport.request(method, '/v1/payment_intents', options));
		expect(error).toBeInstanceOf(CoreInputError);
		expect(error.field).toBe('idempotencyKey');
		expect(error.message).toMatch(message);
		expect(calls).toHaveLength(0);
	});

	test.each([
		'v1/customers',
		'//evil.example/v1/customers',
		'https://evil.example/v1/customers',
		'/v1/customers/../../admin',
		'/v1/customers/%2e%2E/x',
		'/v1/customers/./x',
		'/v1/customers?email=a',
		'/v1/customers#x',
		'/v1/customers/cus 1',
		'/v1/customers/cus\u00001',
		'/',
	])('refuses the path %j', async (path) => {
		const { transport, calls } = setup([ok({})]);
		const error = await rejection(transport.request('GET', path));
		expect(error).toBeInstanceOf(CoreInputError);
		expect(error.field).toBe('path');
		expect(calls).toHaveLength(0);
	});

	test('bad params are refused before sending', async () => {
		const { transport, calls } = setup([ok({})]);
		const error = await rejection(
			transport.request('POST', '/v1/payment_intents', { params: { amount: 10.5 } }),
		);
		expect(error).toBeInstanceOf(CoreInputError);
		expect(error.field).toBe('amount');
		expect(calls).toHaveLength(0);
	});

	test('a body the HTTP layer already parsed is returned as is', async () => {
		const { transport } = setup([{ statusCode: 200, headers: {}, body: { id: 'cus_1' } }]);
		await expect(transport.request('GET', '/v1/customers/cus_1')).resolves.toEqual({ id: 'cus_1' });
	});

	test('Idempotent-Replayed answers are counted, not added to the body', async () => {
		const { transport } = setup([
			ok({ id: 'pi_1' }, { 'Idempotent-Replayed': 'true' }),
			ok({ id: 'pi_2' }, { 'idempotent-replayed': ['true'] }),
			ok({ id: 'pi_3' }),
		]);
		await expect(transport.request('POST', '/v1/payment_intents')).resolves.toEqual({ id: 'pi_1' });
		await transport.request('POST', '/v1/payment_intents');
		await transport.request('POST', '/v1/payment_intents');
		expect(transport.stats).toEqual({ requests: 3, retries: 0, http429: 0, replayed: 2 });
	});

	test('requestWithReplay says whether the answer was a replay', async () => {
		const { transport } = setup([
			ok({ id: 'cs_1' }, { 'Idempotent-Replayed': 'true' }),
			ok({ id: 'cs_2' }),
		]);
		await expect(transport.requestWithReplay('POST', '/v1/checkout/sessions')).resolves.toEqual({
			value: { id: 'cs_1' },
			replayed: true,
		});
		await expect(transport.requestWithReplay('POST', '/v1/checkout/sessions')).resolves.toEqual({
			value: { id: 'cs_2' },
			replayed: false,
		});
	});
});

describe('retries', () => {
	/** @type {Array<[string, Error | import('../../../nodes/core/stripe/transport').StripeHttpResponse]>} */
	const retried = [
		['a connection reset', connectionError('ECONNRESET', 'socket hang up')],
		['a refused connection', connectionError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:443')],
		['a timeout', connectionError('ETIMEDOUT')],
		['a failure without a code', new Error('socket hang up')],
		[
			'409 conflict',
			answer(409, { type: 'invalid_request_error', code: 'lock_timeout', message: 'x' }),
		],
		[
			'429 rate limit',
			answer(429, { type: 'invalid_request_error', code: 'rate_limit', message: 'x' }),
		],
		['500', answer(500, { type: 'api_error', message: 'x' })],
		['502 with an HTML body', { statusCode: 502, headers: {}, body: '<html>Bad gateway</html>' }],
		['503', answer(503, { type: 'api_error', message: 'x' })],
		[
			'400 with Stripe-Should-Retry: true',
			answer(
				400,
				{ type: 'invalid_request_error', message: 'x' },
				{ 'Stripe-Should-Retry': 'true' },
			),
		],
	];

	test.each(retried)('%s is retried with the SAME idempotency key', async (_label, first) => {
		const { transport, calls, clock } = setup([first, ok({ id: 'pi_1', status: 'succeeded' })]);
		const result = await transport.request('POST', '/v1/payment_intents', {
			params: { amount: 500, currency: 'usd' },
		});
		expect(result).toEqual({ id: 'pi_1', status: 'succeeded' });
		expect(calls).toHaveLength(2);
		expect(calls[1]).toEqual(calls[0]);
		expect(calls[0].headers['Idempotency-Key']).toMatch(KEY_SHAPE);
		expect(clock.sleeps).toEqual([500]);
		expect(transport.stats.retries).toBe(1);
		expect(transport.stats.requests).toBe(2);
	});

	test("a caller's key is kept on every retry", async () => {
		const { transport, calls } = setup([
			answer(500, { type: 'api_error', message: 'x' }),
			connectionError('ECONNRESET'),
			answer(409, { type: 'invalid_request_error', message: 'x' }),
			ok({ id: 'pi_1' }),
		]);
		await transport.request('POST', '/v1/payment_intents', {
			idempotencyKey: 'autopay-inv-42-2026-11-02',
		});
		expect(calls.map((call) => call.headers['Idempotency-Key'])).toEqual(
			Array(4).fill('autopay-inv-42-2026-11-02'),
		);
	});

	test('GETs are retried too, still without a key', async () => {
		const { transport, calls } = setup([
			answer(503, { type: 'api_error', message: 'x' }),
			ok({ id: 'c' }),
		]);
		await transport.request('GET', '/v1/customers/cus_1');
		expect(calls).toHaveLength(2);
		calls.forEach((call) => expect(call.headers).not.toHaveProperty('Idempotency-Key'));
	});

	/** @type {Array<[string, import('../../../nodes/core/stripe/transport').StripeHttpResponse]>} */
	const final = [
		[
			'500 with Stripe-Should-Retry: false',
			answer(500, { type: 'api_error', message: 'x' }, { 'Stripe-Should-Retry': 'false' }),
		],
		[
			'429 with Stripe-Should-Retry: false',
			answer(
				429,
				{ type: 'invalid_request_error', message: 'x' },
				{ 'stripe-should-retry': 'false' },
			),
		],
		['400', answer(400, { type: 'invalid_request_error', message: 'x' })],
		['401', answer(401, { type: 'invalid_request_error', message: 'x' })],
		['402', answer(402, { type: 'card_error', code: 'card_declined', message: 'x' })],
		['403', answer(403, { type: 'invalid_request_error', message: 'x' })],
		['404', answer(404, { type: 'invalid_request_error', code: 'resource_missing', message: 'x' })],
	];

	test.each(final)('%s is final: no retry', async (_label, response) => {
		const { transport, calls, clock } = setup([response, ok({ id: 'never' })]);
		const error = await rejection(transport.request('POST', '/v1/payment_intents'));
		expect(error).toBeInstanceOf(StripeApiError);
		expect(error.statusCode).toBe(response.statusCode);
		expect(error.attempts).toBe(1);
		expect(error.message).toBe('x');
		expect(calls).toHaveLength(1);
		expect(clock.sleeps).toEqual([]);
	});

	test('backoff: 0.5 s doubling to a 5 s cap, jitter in [0.5, 1] of it, never under 0.5 s', async () => {
		for (const [random, expected] of [
			[0.999999, [500, 1000, 2000, 4000, 5000, 5000]],
			[0.5, [500, 750, 1500, 3000, 3750, 3750]],
			[0, [500, 500, 1000, 2000, 2500, 2500]],
		]) {
			const { transport, calls, clock } = setup(
				[answer(500, { type: 'api_error', message: 'boom' })],
				{
					random: () => random,
					maxNetworkRetries: 6,
				},
			);
			const error = await rejection(transport.request('POST', '/v1/payment_intents'));
			expect(clock.sleeps.map(Math.round)).toEqual(expected);
			expect(calls).toHaveLength(7);
			expect(error.attempts).toBe(7);
		}
	});

	test('retryDelayMs stays within [max(0.5 s, base/2), base] for any jitter', () => {
		for (let retry = 1; retry <= 12; retry++) {
			const base = Math.min(500 * 2 ** (retry - 1), 5000);
			for (let i = 0; i <= 20; i++) {
				const delay = retryDelayMs(retry, i / 20.0001);
				expect(delay).toBeGreaterThanOrEqual(Math.max(500, base / 2));
				expect(delay).toBeLessThanOrEqual(base);
			}
		}
	});

	test('the handed-in random source drives the jitter', async () => {
		const draws = [0.1, 0.9, 0.3];
		const { transport, clock } = setup([answer(503, { type: 'api_error', message: 'x' })], {
			random: () => draws.shift(),
		});
		await rejection(transport.request('GET', '/v1/balance'));
		expect(clock.sleeps).toEqual([500, 950, 1300]);
	});

	test.each([
		['delta seconds longer than the backoff', '3', 3000],
		['fractional seconds', '1.5', 1500],
		['0 (the backoff still applies)', '0', 500],
		['an hour (capped)', '3600', MAX_RETRY_AFTER_MS],
		['an HTTP date 10 s ahead of the clock', new Date(1_000_000 + 10_000).toUTCString(), 10_000],
		['an HTTP date in the past', new Date(0).toUTCString(), 500],
		['garbage (ignored)', 'soon', 500],
	])('Retry-After: %s', async (_label, value, expectedWait) => {
		const { transport, clock } = setup(
			[
				answer(429, { type: 'invalid_request_error', message: 'x' }, { 'Retry-After': value }),
				ok({ id: 'x' }),
			],
			{ now: () => 1_000_000 },
		);
		await transport.request('POST', '/v1/customers');
		expect(clock.sleeps).toEqual([expectedWait]);
		expect(transport.stats.http429).toBe(1);
	});

	test('gives up after maxNetworkRetries with the last answer and the attempt count', async () => {
		const { transport, calls } = setup([
			answer(
				503,
				{ type: 'api_error', message: 'Service unavailable' },
				{ 'Request-Id': 'req_last' },
			),
		]);
		const error = await rejection(transport.request('POST', '/v1/payment_intents'));
		expect(error).toBeInstanceOf(StripeApiError);
		expect(calls).toHaveLength(4);
		expect(error.attempts).toBe(4);
		expect(error.statusCode).toBe(503);
		expect(error.requestId).toBe('req_last');
		expect(error.message).toBe('Service unavailable (gave up after 4 attempts)');
		expect(transport.stats).toEqual({ requests: 4, retries: 3, http429: 0, replayed: 0 });
		expect(new Set(calls.map((call) => call.headers['Idempotency-Key'])).size).toBe(1);
	});

	test('a non-JSON 502 after every retry says so', async () => {
		const { transport } = setup(
			[{ statusCode: 502, headers: {}, body: '<html>Bad gateway</html>' }],
			{
				maxNetworkRetries: 1,
			},
		);
		const error = await rejection(transport.request('GET', '/v1/balance'));
		expect(error).toBeInstanceOf(StripeApiError);
		expect(error.message).toBe(
			'Stripe answered HTTP 502 with a body that is not JSON (gave up after 2 attempts)',
		);
		expect(error.type).toBe('api_error');
	});

	test('connection failures on every attempt end in StripeConnectionError with code and count', async () => {
		const { transport, calls } = setup([
			connectionError('ECONNREFUSED', 'connect ECONNREFUSED 1.2.3.4:443'),
		]);
		const error = await rejection(transport.request('POST', '/v1/payment_intents'));
		expect(error).toBeInstanceOf(StripeConnectionError);
		expect(error.code).toBe('ECONNREFUSED');
		expect(error.attempts).toBe(4);
		expect(error.message).toBe(
			'Could not reach Stripe: connect ECONNREFUSED 1.2.3.4:443 (gave up after 4 attempts)',
		);
		expect(calls).toHaveLength(4);
	});

	test('the system code is also read from a wrapped error (cause)', async () => {
		const wrapped = new Error('The connection to the server was closed unexpectedly');
		wrapped.cause = connectionError('ECONNRESET');
		const { transport } = setup([wrapped], { maxNetworkRetries: 1 });
		const error = await rejection(transport.request('GET', '/v1/balance'));
		expect(error.code).toBe('ECONNRESET');
		expect(error.message).toBe(
			'Could not reach Stripe: ECONNRESET: The connection to the server was closed unexpectedly (gave up after 2 attempts)',
		);
	});

	test('maxNetworkRetries 0: no retries, except one for a closed connection (as stripe-node)', async () => {
		const refused = setup([connectionError('ECONNREFUSED'), ok({})], { maxNetworkRetries: 0 });
		const error = await rejection(refused.transport.request('POST', '/v1/customers'));
		expect(error).toBeInstanceOf(StripeConnectionError);
		expect(error.message).toBe('Could not reach Stripe: ECONNREFUSED');
		expect(refused.calls).toHaveLength(1);

		const reset = setup([connectionError('ECONNRESET'), ok({ id: 'cus_1' })], {
			maxNetworkRetries: 0,
		});
		await expect(reset.transport.request('POST', '/v1/customers')).resolves.toEqual({
			id: 'cus_1',
		});
		expect(reset.calls).toHaveLength(2);

		const resetTwice = setup([connectionError('EPIPE')], { maxNetworkRetries: 0 });
		const second = await rejection(resetTwice.transport.request('POST', '/v1/customers'));
		expect(second.attempts).toBe(2);
		expect(resetTwice.calls).toHaveLength(2);

		const status = setup([answer(500, { type: 'api_error', message: 'x' }), ok({})], {
			maxNetworkRetries: 0,
		});
		expect((await rejection(status.transport.request('GET', '/v1/balance'))).attempts).toBe(1);
	});

	test('maxNetworkRetries must be a whole number >= 0', () => {
		expect(() => setup([ok({})], { maxNetworkRetries: -1 })).toThrow(RangeError);
		expect(() => setup([ok({})], { maxNetworkRetries: 1.5 })).toThrow(RangeError);
	});

	test('shouldRetryResponse reads Stripe-Should-Retry in any case and array form', () => {
		expect(shouldRetryResponse(500, { 'STRIPE-SHOULD-RETRY': 'false' })).toBe(false);
		expect(shouldRetryResponse(404, { 'stripe-should-retry': ['true'] })).toBe(true);
		expect(shouldRetryResponse(422, {})).toBe(false);
		expect(shouldRetryResponse(504, { 'stripe-should-retry': undefined })).toBe(true);
	});

	test('parseRetryAfter', () => {
		expect(parseRetryAfter(undefined, 0)).toBeUndefined();
		expect(parseRetryAfter(' 2 ', 0)).toBe(2000);
		expect(parseRetryAfter('-1', 0)).toBeUndefined();
	});
});

describe('error mapping', () => {
	const paymentIntent = {
		id: 'pi_3Decl',
		object: 'payment_intent',
		status: 'requires_payment_method',
		last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds' },
	};
	const cardError = {
		type: 'card_error',
		code: 'card_declined',
		decline_code: 'insufficient_funds',
		advice_code: 'try_again_later',
		param: 'payment_method',
		message: 'Your card has insufficient funds.',
		doc_url: 'https://docs.stripe.com/error-codes/card-declined',
		request_log_url: 'https://dashboard.stripe.com/test/logs/req_fromLogUrl?t=1700000000',
		payment_intent: paymentIntent,
	};

	test.each([
		['as a JSON string', JSON.stringify({ error: cardError })],
		['already parsed', { error: cardError }],
	])('a 402 card decline keeps every field (body %s)', async (_label, body) => {
		const { transport } = setup([
			{ statusCode: 402, headers: { 'request-id': 'req_hdr123' }, body },
		]);
		const error = await rejection(
			transport.request('POST', '/v1/payment_intents', {
				params: { amount: 1000, currency: 'usd', confirm: true, off_session: true },
			}),
		);
		expect(error).toBeInstanceOf(StripeApiError);
		expect(error).toBeInstanceOf(Error);
		expect(error.name).toBe('StripeApiError');
		expect(error).toMatchObject({
			message: 'Your card has insufficient funds.',
			statusCode: 402,
			type: 'card_error',
			code: 'card_declined',
			declineCode: 'insufficient_funds',
			adviceCode: 'try_again_later',
			param: 'payment_method',
			requestId: 'req_hdr123',
			docUrl: 'https://docs.stripe.com/error-codes/card-declined',
			paymentIntent,
			raw: cardError,
			attempts: 1,
		});
	});

	test('the request id falls back to error.request_log_url', async () => {
		const { transport } = setup([answer(402, cardError)]);
		const error = await rejection(transport.request('POST', '/v1/payment_intents'));
		expect(error.requestId).toBe('req_fromLogUrl');
	});

	test('the Request-Id header is read in any case', async () => {
		const { transport } = setup([
			answer(
				404,
				{ type: 'invalid_request_error', message: 'No such customer' },
				{ 'Request-Id': ['req_A'] },
			),
		]);
		const error = await rejection(transport.request('GET', '/v1/customers/cus_x'));
		expect(error.requestId).toBe('req_A');
		expect(error.code).toBeUndefined();
		expect(error.paymentIntent).toBeUndefined();
	});

	test('an idempotency_error keeps its type', async () => {
		const { transport } = setup([
			answer(400, {
				type: 'idempotency_error',
				message:
					'Keys for idempotent requests can only be used with the same parameters they were first used with.',
			}),
		]);
		const error = await rejection(
			transport.request('POST', '/v1/payment_intents', { idempotencyKey: 'k1' }),
		);
		expect(error.type).toBe('idempotency_error');
		expect(error.statusCode).toBe(400);
	});

	test('an error object without type or message still maps', async () => {
		const { transport } = setup([answer(400, {})]);
		const error = await rejection(transport.request('GET', '/v1/balance'));
		expect(error.type).toBe('api_error');
		expect(error.message).toBe('Stripe answered HTTP 400');
	});

	test('an OAuth-style error (string error + error_description)', async () => {
		const { transport } = setup([
			{
				statusCode: 401,
				headers: {},
				body: { error: 'invalid_grant', error_description: 'Authorization code expired' },
			},
		]);
		const error = await rejection(transport.request('POST', '/v1/oauth/token'));
		expect(error).toMatchObject({
			type: 'invalid_grant',
			message: 'Authorization code expired',
			statusCode: 401,
		});
	});

	test('a 4xx without an error object, and a 2xx that is not JSON', async () => {
		const noError = setup([{ statusCode: 404, headers: {}, body: '{"unexpected":true}' }]);
		expect((await rejection(noError.transport.request('GET', '/v1/balance'))).message).toBe(
			'Stripe answered HTTP 404 with an answer without an error object',
		);
		const notJson = setup([{ statusCode: 200, headers: { 'request-id': 'req_2' }, body: 'OK' }]);
		const error = await rejection(notJson.transport.request('GET', '/v1/balance'));
		expect(error).toMatchObject({ statusCode: 200, type: 'api_error', requestId: 'req_2' });
	});
});

describe('the secret key never leaks', () => {
	function assertNoSecret(error) {
		const everything = [
			error.message,
			error.stack,
			JSON.stringify(error),
			inspect(error, { depth: 20, showHidden: true }),
			String(error.cause),
		].join('\n');
		expect(everything).not.toContain(SECRET);
		expect(everything).not.toMatch(/Bearer (?!\[redacted\])/);
		// Nothing of the HTTP layer's error object (config, request, cause) is carried over.
		expect(Object.keys(error).sort()).toEqual(['attempts', 'code', 'name']);
		expect(error.cause).toBeUndefined();
	}

	test('a connection error from the HTTP layer carrying the Authorization header', async () => {
		const leaky = connectionError(
			'ECONNRESET',
			`socket hang up while sending POST with Authorization: Bearer ${SECRET}`,
		);
		leaky.config = { headers: { Authorization: `Bearer ${SECRET}` } };
		leaky.request = { _header: `POST /v1/payment_intents\r\nAuthorization: Bearer ${SECRET}` };
		const { transport } = setup([leaky]);
		const error = await rejection(transport.request('POST', '/v1/payment_intents'));
		expect(error).toBeInstanceOf(StripeConnectionError);
		expect(error.code).toBe('ECONNRESET');
		expect(error.message).toContain('[redacted]');
		assertNoSecret(error);
	});

	test('a rejection that is not even an Error', async () => {
		const transport = new StripeTransport({
			http: () => Promise.reject(`failed with Bearer ${SECRET}`),
			baseUrl: BASE_URL,
			sleep: async () => {},
			maxNetworkRetries: 0,
		});
		const error = await rejection(transport.request('GET', '/v1/balance'));
		expect(error).toBeInstanceOf(StripeConnectionError);
		expect(error.code).toBeUndefined();
		expect(error.message).toBe('Could not reach Stripe: failed with [redacted]');
		assertNoSecret(error);
	});

	test('a proxy echoing the key in an error answer', async () => {
		const { transport } = setup([
			answer(401, {
				type: 'invalid_request_error',
				message: `Invalid API Key provided: ${SECRET}`,
			}),
		]);
		const error = await rejection(transport.request('GET', '/v1/balance'));
		expect(error.message).toBe('Invalid API Key provided: [redacted]');
		expect(error.message).not.toContain(SECRET);
	});

	test("Stripe's own masked key is left readable", () => {
		expect(redactSecrets('Invalid API Key provided: sk_test_********************1234')).toBe(
			'Invalid API Key provided: sk_test_********************1234',
		);
		expect(redactSecrets(`a rk_live_${'A1'.repeat(20)} b whsec_abc123 c`)).toBe(
			'a [redacted] b [redacted] c',
		);
	});

	test('the transport never sets Authorization itself', async () => {
		const { transport, calls } = setup([ok({})]);
		await transport.request('POST', '/v1/customers');
		expect(Object.keys(calls[0].headers).map((h) => h.toLowerCase())).not.toContain(
			'authorization',
		);
	});
});

describe('listAll', () => {
	test('follows starting_after across 3 pages with limit=100 and stops on has_more=false', async () => {
		const page = (ids, hasMore) =>
			ok({
				object: 'list',
				url: '/v1/customers',
				has_more: hasMore,
				data: ids.map((id) => ({ id })),
			});
		const { transport, calls } = setup([
			page(['cus_1', 'cus_2'], true),
			page(['cus_3', 'cus_4'], true),
			page(['cus_5'], false),
			page(['never'], false),
		]);
		const ids = [];
		for await (const customer of transport.listAll('/v1/customers', { email: 'ap@example.com' })) {
			ids.push(customer.id);
		}
		expect(ids).toEqual(['cus_1', 'cus_2', 'cus_3', 'cus_4', 'cus_5']);
		expect(calls.map((call) => call.url)).toEqual([
			`${BASE_URL}/v1/customers?limit=100&email=ap%40example.com`,
			`${BASE_URL}/v1/customers?limit=100&email=ap%40example.com&starting_after=cus_2`,
			`${BASE_URL}/v1/customers?limit=100&email=ap%40example.com&starting_after=cus_4`,
		]);
	});

	test('fetches lazily: stopping early sends no further request', async () => {
		const { transport, calls } = setup([
			ok({ object: 'list', has_more: true, data: [{ id: 'a' }, { id: 'b' }] }),
		]);
		for await (const item of transport.listAll('/v1/payment_intents')) {
			expect(item.id).toBe('a');
			break;
		}
		expect(calls).toHaveLength(1);
	});

	test("the caller's limit wins", async () => {
		const { transport, calls } = setup([ok({ object: 'list', has_more: false, data: [] })]);
		const all = [];
		for await (const item of transport.listAll('/v1/customers', { limit: 10 })) all.push(item);
		expect(all).toEqual([]);
		expect(calls[0].url).toBe(`${BASE_URL}/v1/customers?limit=10`);
	});

	test('search endpoints page with next_page', async () => {
		const { transport, calls } = setup([
			ok({ object: 'search_result', has_more: true, next_page: 'pg_A', data: [{ id: 'cus_1' }] }),
			ok({ object: 'search_result', has_more: true, next_page: 'pg_B', data: [{ id: 'cus_2' }] }),
			ok({ object: 'search_result', has_more: false, next_page: null, data: [{ id: 'cus_3' }] }),
		]);
		const ids = [];
		for await (const c of transport.listAll('/v1/customers/search', {
			query: "metadata['books_id']:'42'",
		})) {
			ids.push(c.id);
		}
		expect(ids).toEqual(['cus_1', 'cus_2', 'cus_3']);
		const q = 'query=metadata%5B%27books_id%27%5D%3A%2742%27';
		expect(calls.map((call) => call.url)).toEqual([
			`${BASE_URL}/v1/customers/search?limit=100&${q}`,
			`${BASE_URL}/v1/customers/search?limit=100&${q}&page=pg_A`,
			`${BASE_URL}/v1/customers/search?limit=100&${q}&page=pg_B`,
		]);
	});

	test.each([
		['no data array', [ok({ object: 'list', has_more: false })], /has no data array/],
		['has_more on an empty page', [ok({ object: 'list', has_more: true, data: [] })], /no last id/],
		[
			'a search without next_page',
			[ok({ object: 'search_result', has_more: true, data: [{ id: 'a' }] })],
			/no next_page/,
		],
		[
			'a server repeating the same page',
			[ok({ object: 'list', has_more: true, data: [{ id: 'a' }] })],
			/repeats a page/,
		],
	])('a malformed page (%s) fails instead of looping', async (_label, script, message) => {
		const { transport, calls } = setup(script);
		const error = await rejection(
			(async () => {
				for await (const _item of transport.listAll('/v1/customers')) void _item;
			})(),
		);
		expect(error).toBeInstanceOf(StripeApiError);
		expect(error.message).toMatch(message);
		expect(calls.length).toBeLessThanOrEqual(2);
	});

	test('an error on page 2 surfaces after page 1 items were yielded', async () => {
		const { transport } = setup([
			ok({ object: 'list', has_more: true, data: [{ id: 'a' }] }),
			answer(400, { type: 'invalid_request_error', message: 'bad cursor' }),
		]);
		const seen = [];
		const error = await rejection(
			(async () => {
				for await (const item of transport.listAll('/v1/customers')) seen.push(item.id);
			})(),
		);
		expect(seen).toEqual(['a']);
		expect(error.message).toBe('bad cursor');
	});
});

describe('with a shared limiter', () => {
	test('every attempt, retries included, passes through the limiter', async () => {
		const limiter = createRequestLimiter({
			requestsPerSecond: 25,
			maxInFlight: 4,
			sleep: async () => {},
		});
		const first = setup(
			[
				answer(429, { type: 'invalid_request_error', message: 'x' }),
				answer(503, { type: 'api_error', message: 'x' }),
				ok({ id: 'a' }),
			],
			{ limiter },
		);
		const second = setup([ok({ id: 'b' })], { limiter });
		await first.transport.request('POST', '/v1/customers');
		await second.transport.request('GET', '/v1/customers/b');
		expect(limiter.stats.started).toBe(4);
		expect(first.transport.stats).toEqual({ requests: 3, retries: 2, http429: 1, replayed: 0 });
		// The 429 named no reason: the global budget was backed off.
		expect(limiter.stats.backOffs).toBe(1);
	});

	test('the backoff sleep does not hold a limiter slot', async () => {
		const limiter = createRequestLimiter({
			requestsPerSecond: 100,
			maxInFlight: 1,
			sleep: async () => {},
		});
		/** @type {(value?: unknown) => void} */
		let releaseSleep = () => {};
		const sleeping = new Promise((resolve) => (releaseSleep = resolve));
		const slow = new StripeTransport({
			http: (() => {
				let n = 0;
				return async () =>
					n++ === 0 ? answer(500, { type: 'api_error', message: 'x' }) : ok({ id: 'slow' });
			})(),
			baseUrl: BASE_URL,
			sleep: () => sleeping,
			limiter,
		});
		const fast = setup([ok({ id: 'fast' })], { limiter });
		const slowResult = slow.request('GET', '/v1/balance');
		await new Promise((resolve) => setImmediate(resolve));
		// `slow` is now waiting in its backoff; the single slot must be free for `fast`.
		await expect(fast.transport.request('GET', '/v1/balance')).resolves.toEqual({ id: 'fast' });
		releaseSleep();
		await expect(slowResult).resolves.toEqual({ id: 'slow' });
	});
});

describe('a 429 backs off the budget Stripe names in Stripe-Rate-Limited-Reason', () => {
	/** A real limiter whose back-offs are recorded on their way in. */
	function recordingLimiter() {
		const limiter = createRequestLimiter({
			requestsPerSecond: 25,
			maxInFlight: 4,
			sleep: async () => {},
		});
		const backedOff = [];
		return {
			backedOff,
			stats: limiter.stats,
			run: (task, budgets) => limiter.run(task, budgets),
			backOff: (key) => {
				backedOff.push(key);
				limiter.backOff(key);
			},
		};
	}
	const limited = (reason, code = 'rate_limit') =>
		answer(
			429,
			{ type: 'invalid_request_error', code, message: 'Too many requests' },
			reason ? { 'Stripe-Rate-Limited-Reason': reason } : {},
		);

	test.each(
		/** @type {Array<[string, StripeMethod, string, string]>} */ ([
			[
				'endpoint-rate',
				'POST',
				'/v1/payment_intents/pi_3Nq1A/confirm',
				'POST /v1/payment_intents/:id/confirm',
			],
			['endpoint-concurrency', 'GET', '/v1/payment_intents', 'GET /v1/payment_intents'],
			['endpoint-rate', 'GET', '/v1/customers/search', 'search'],
			['global-rate', 'POST', '/v1/payment_intents', 'global'],
			['global-concurrency', 'GET', '/v1/customers/cus_1', 'global'],
			[
				'resource-specific',
				'POST',
				'/v1/payment_intents/pi_3Nq1A/cancel',
				'payment_intent pi_3Nq1A',
			],
		]),
	)(
		'%s on %s %s backs off %s alone, then retries with the same key',
		async (reason, method, path, budget) => {
			const limiter = recordingLimiter();
			const { transport, calls } = setup([limited(reason), ok({ id: 'x' })], { limiter });
			await expect(
				transport.request(method, path, method === 'POST' ? { idempotencyKey: 'pay-INV-1' } : {}),
			).resolves.toEqual({ id: 'x' });
			expect(limiter.backedOff).toEqual([budget]);
			expect(limiter.stats).toMatchObject({ started: 2, backOffs: 1 });
			expect(calls).toHaveLength(2);
			expect(calls[1].headers['Idempotency-Key']).toBe(calls[0].headers['Idempotency-Key']);
			expect(transport.stats).toMatchObject({ retries: 1, http429: 1 });
		},
	);

	test('a 429 naming no reason backs off the global budget; a lock_timeout backs off none', async () => {
		const limiter = recordingLimiter();
		const { transport } = setup(
			[limited(undefined), limited(undefined, 'lock_timeout'), ok({ id: 'x' })],
			{ limiter },
		);
		await transport.request('POST', '/v1/payment_intents/pi_1/confirm', { idempotencyKey: 'k' });
		expect(limiter.backedOff).toEqual(['global']);
	});

	test('the header is read whatever its case; other statuses back off nothing', async () => {
		const limiter = recordingLimiter();
		const { transport } = setup(
			[
				answer(503, { type: 'api_error', message: 'x' }),
				answer(
					429,
					{ type: 'invalid_request_error', code: 'rate_limit', message: 'x' },
					{ 'stripe-rate-limited-reason': 'endpoint-rate' },
				),
				ok({ id: 'x' }),
			],
			{ limiter },
		);
		await transport.request('GET', '/v1/customers/cus_9');
		expect(limiter.backedOff).toEqual(['GET /v1/customers/:id']);
	});

	test('each attempt takes a slot in its endpoint budget: a full endpoint waits, another goes on', async () => {
		let time = 0;
		const timers = [];
		const limiter = createRequestLimiter({
			requestsPerSecond: 100,
			maxInFlight: 10,
			now: () => time,
			sleep: (ms) => new Promise((resolve) => timers.push({ at: time + ms, resolve })),
		});
		const sent = [];
		const transport = new StripeTransport({
			http: async (request) => {
				sent.push(`${request.method} ${request.url.slice(BASE_URL.length)} @${time}`);
				return ok({ id: 'x' });
			},
			baseUrl: BASE_URL,
			sleep: async () => {},
			limiter,
		});
		// 25/s per endpoint, paced 5 per 0.22 s: the sixth read waits, the balance does not.
		const reads = Array.from({ length: 6 }, (_, i) =>
			transport.request('GET', `/v1/customers/cus_${i}`),
		);
		const other = transport.request('GET', '/v1/balance');
		await other;
		expect(sent).toContain('GET /v1/balance @0');
		expect(sent.filter((line) => line.startsWith('GET /v1/customers/'))).toHaveLength(5);
		time = timers[0].at;
		timers[0].resolve();
		await Promise.all(reads);
		expect(sent.at(-1)).toBe('GET /v1/customers/cus_5 @220');
	});
});

describe('createStripeClient: one limiter per Stripe account per node run, shared by the runs of one execution', () => {
	const credentials = { secretKey: 'sk_live_51SECRET', apiBaseUrl: 'http://127.0.0.1:1' };
	/**
	 * The parts of n8n's execution context createStripeClient uses (any: the rest is n8n's).
	 * @param {string} [credentialId] @param {string} [executionId] @returns {any}
	 */
	function executionContext(credentialId = 'cred-1', executionId) {
		const sent = [];
		return {
			sent,
			...(executionId === undefined ? {} : { getExecutionId: () => executionId }),
			getCredentials: async () => credentials,
			getNode: () => ({
				credentials: { stripeInvoicePaymentsApi: { id: credentialId, name: 'Stripe' } },
			}),
			helpers: {
				httpRequestWithAuthentication: async (_type, options) => {
					sent.push(options.url);
					return { statusCode: 200, headers: {}, body: { id: 'x' } };
				},
			},
		};
	}

	test('every client one execution builds shares the limiter; another execution has its own', async () => {
		const { createStripeClient } = await import('../../../nodes/shared/stripeClient');
		const { DEFAULT_REQUESTS_IN_FLIGHT: DEFAULT_MAX_IN_FLIGHT } = await import(
			'../../../nodes/core/defaults'
		);
		const execution = executionContext();
		const first = await createStripeClient.call(execution, { maxInFlight: 16 });
		const second = await createStripeClient.call(execution);
		expect(second.limiter).toBe(first.limiter);
		await first.transport.request('GET', '/v1/customers/cus_1');
		await second.transport.request('GET', '/v1/payment_intents/pi_1');
		expect(
			/** @type {any} the limiter createRequestLimiter made, with its stats */ (first.limiter).stats
				.started,
		).toBe(2);
		expect(execution.sent).toHaveLength(2);

		const other = await createStripeClient.call(executionContext());
		expect(other.limiter).not.toBe(first.limiter);
		expect(other.livemode).toBe(true);
		expect(DEFAULT_MAX_IN_FLIGHT).toBeGreaterThanOrEqual(Math.ceil((100 / 1.1) * 0.3));
	});

	test('the node runs of one workflow execution share the account budget: a batch in a loop counts the requests of the last one', async () => {
		const { createStripeClient } = await import('../../../nodes/shared/stripeClient');
		const settings = { requestsPerSecond: 100 };
		const firstRun = executionContext('cred-1', 'exec-shared-1');
		const first = await createStripeClient.call(firstRun, settings);
		await first.transport.request('GET', '/v1/customers/cus_1');

		// the same node again in the same execution (its next batch), or another node after it:
		// the same limiter, holding the first run's starts in its windows
		const nextRun = executionContext('cred-1', 'exec-shared-1');
		const next = await createStripeClient.call(nextRun, settings);
		expect(next.limiter).toBe(first.limiter);
		await next.transport.request('GET', '/v1/customers/cus_2');
		expect([...firstRun.sent, ...nextRun.sent]).toHaveLength(2);

		// another execution, or a node stating another budget, has its own
		const other = await createStripeClient.call(
			executionContext('cred-1', 'exec-shared-2'),
			settings,
		);
		expect(other.limiter).not.toBe(next.limiter);
		const otherBudget = await createStripeClient.call(executionContext('cred-1', 'exec-shared-1'), {
			requestsPerSecond: 25,
		});
		expect(otherBudget.limiter).not.toBe(next.limiter);
		const again = await createStripeClient.call(
			executionContext('cred-1', 'exec-shared-1'),
			settings,
		);
		expect(again.limiter).toBe(next.limiter);
	});
});

describe('over real HTTP on 127.0.0.1', () => {
	const seen = [];
	let server;
	let baseUrl;

	beforeAll(async () => {
		let posts = 0;
		server = http.createServer((req, res) => {
			let body = '';
			req.on('data', (chunk) => (body += chunk));
			req.on('end', () => {
				seen.push({ method: req.method, url: req.url, headers: req.headers, body });
				if (req.method !== 'POST') {
					res.writeHead(404, { 'content-type': 'application/json' });
					res.end(JSON.stringify({ error: { type: 'invalid_request_error', message: 'nope' } }));
					return;
				}
				posts += 1;
				if (posts === 1) {
					req.socket.destroy(); // the client sees a connection reset
					return;
				}
				if (posts === 2) {
					res.writeHead(503, { 'content-type': 'application/json', 'request-id': 'req_503' });
					res.end(JSON.stringify({ error: { type: 'api_error', message: 'try later' } }));
					return;
				}
				res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_ok' });
				res.end(JSON.stringify({ id: 'pi_real', object: 'payment_intent', status: 'succeeded' }));
			});
		});
		await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
		baseUrl = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
	});

	afterAll(async () => {
		await new Promise((resolve) => server.close(resolve));
	});

	/** The shell's role: add the key, send, resolve for any status, reject only without an answer. */
	function nodeHttp(request) {
		return new Promise((resolve, reject) => {
			const req = http.request(
				request.url,
				{
					method: request.method,
					headers: { ...request.headers, Authorization: `Bearer ${SECRET}` },
					agent: false,
				},
				(res) => {
					let text = '';
					res.setEncoding('utf8');
					res.on('data', (chunk) => (text += chunk));
					res.on('end', () =>
						resolve({ statusCode: res.statusCode, headers: res.headers, body: text }),
					);
					res.on('error', reject);
				},
			);
			req.on('error', reject);
			req.end(request.body);
		});
	}

	test('a POST retried after a reset and a 503 carries the same Idempotency-Key', async () => {
		/** @type {number[]} */
		const slept = [];
		const transport = new StripeTransport({
			http: nodeHttp,
			baseUrl,
			sleep: (ms) => {
				slept.push(ms);
				return new Promise((resolve) => setTimeout(resolve, ms));
			},
		});
		const result = await transport.request('POST', '/v1/payment_intents', {
			params: { amount: 4200, currency: 'usd', metadata: { invoice_id: 'INV-9' } },
		});
		expect(result).toEqual({ id: 'pi_real', object: 'payment_intent', status: 'succeeded' });
		// two backoffs of at least 0.5 s each, asked of the sleep (no wall clock is asserted)
		expect(slept).toHaveLength(2);
		for (const ms of slept) expect(ms).toBeGreaterThanOrEqual(500);
		expect(seen).toHaveLength(3);
		const keys = seen.map((r) => r.headers['idempotency-key']);
		expect(keys[0]).toMatch(KEY_SHAPE);
		expect(new Set(keys).size).toBe(1);
		for (const r of seen) {
			expect(r.headers['stripe-version']).toBe(STRIPE_API_VERSION);
			expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded');
			expect(r.headers.authorization).toBe(`Bearer ${SECRET}`);
			expect(r.body).toBe('amount=4200&currency=usd&metadata[invoice_id]=INV-9');
		}
		expect(transport.stats).toEqual({ requests: 3, retries: 2, http429: 0, replayed: 0 });
	});

	test('a refused connection gives a StripeConnectionError without the key', async () => {
		const closed = http.createServer();
		await new Promise((resolve) => closed.listen(0, '127.0.0.1', () => resolve(undefined)));
		const port = /** @type {import('node:net').AddressInfo} */ (closed.address()).port;
		await new Promise((resolve) => closed.close(resolve));
		const transport = new StripeTransport({
			http: nodeHttp,
			baseUrl: `http://127.0.0.1:${port}`,
			sleep: async () => {},
			maxNetworkRetries: 1,
		});
		const error = await rejection(transport.request('POST', '/v1/customers'));
		expect(error).toBeInstanceOf(StripeConnectionError);
		expect(error.code).toBe('ECONNREFUSED');
		expect(error.attempts).toBe(2);
		expect(inspect(error, { depth: 20 })).not.toContain(SECRET);
	});
});

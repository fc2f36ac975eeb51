// @ts-check
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import path from 'node:path';

import { verifyGateway360Signature } from '../../nodes/core/webhooks/gateway360Signature';
import {
	normaliseGateway360Event,
	parseGateway360Event,
} from '../../nodes/core/webhooks/gateway360Event';
import { startGateway360Server } from './gateway360-server';

const SECURITY_KEY = 'fake-gateway-security-key-0001';
const TOKEN_KEY = 'fakepub-aaaaaa-bbbbbb-cccccc';
const SIGNING_KEY = 'fake-gateway-signing-key-0001';

/** A webhook receiver on 127.0.0.1 that answers with the given statuses in turn (then 200). */
async function startReceiver(statuses = []) {
	const received = [];
	const server = createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			received.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
			res.statusCode = statuses.shift() ?? 200;
			res.end();
		});
	});
	await /** @type {Promise<void>} */ (
		new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
	);
	return {
		url: `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}/webhook`,
		received,
		close: () => new Promise((resolve) => server.close(resolve)),
	};
}

let gateway;
let receiver;
beforeAll(async () => {
	receiver = await startReceiver();
	gateway = await startGateway360Server({
		securityKeys: [SECURITY_KEY],
		tokenKeys: [TOKEN_KEY],
		signingKey: SIGNING_KEY,
		webhookUrl: receiver.url,
		webhookRetryDelayMs: 10,
	});
});
afterAll(async () => {
	await gateway.close();
	await receiver.close();
});

/**
 * @param {string} pathname
 * @param {Record<string, string>} fields
 * @param {{ key?: string | null, headers?: Record<string, string> }} [options] key null: no security_key
 */
async function post(pathname, fields, { key = SECURITY_KEY, headers = {} } = {}) {
	const body = new URLSearchParams({ ...(key ? { security_key: key } : {}), ...fields }).toString();
	const response = await fetch(`${gateway.url}${pathname}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
		body,
	});
	return { status: response.status, headers: response.headers, text: await response.text() };
}
const transact = async (fields, options) =>
	Object.fromEntries(new URLSearchParams((await post('/api/transact.php', fields, options)).text));

let counter = 0;
const order = () => `FAKE-${++counter}`;

describe('transact.php', () => {
	test('a sale with a token approves, answers in NMI form and lands in the ledger once', async () => {
		const orderid = order();
		const answer = await transact({
			type: 'sale',
			amount: '12.34',
			payment_token: gateway.createToken({ ccnumber: '4111111111111111' }),
			orderid,
		});
		expect(answer).toMatchObject({
			response: '1',
			responsetext: 'SUCCESS',
			response_code: '100',
			orderid,
			type: 'sale',
			avsresponse: 'Y',
			cvvresponse: 'M',
		});
		expect(answer.transactionid).toMatch(/^\d{10}$/);
		expect(answer.authcode).toMatch(/^\d{6}$/);
		expect(gateway.ledger.chargesFor(orderid)).toBe(1);
		expect(gateway.ledger.salesFor(orderid)[0]).toMatchObject({
			amount: '12.34',
			currency: 'USD',
			condition: 'pendingsettlement',
		});
	});

	test.each([
		['4000000000000002', '2', '200', 'DECLINE'],
		['4000000000009995', '2', '202', 'Insufficient funds'],
		['4000000000000119', '3', '400', 'Transaction error returned by processor'],
	])('test card %s answers response=%s (%s)', async (ccnumber, response, code, text) => {
		const orderid = order();
		const answer = await transact({
			type: 'sale',
			amount: '5.00',
			payment_token: gateway.createToken({ ccnumber }),
			orderid,
		});
		expect(answer).toMatchObject({ response, response_code: code, responsetext: text });
		expect(gateway.ledger.chargesFor(orderid)).toBe(0);
	});

	test.each([
		[{ type: 'sale', amount: '0.00' }, 'Invalid amount 0.00'],
		[{ type: 'sale', amount: '-1' }, 'Invalid amount -1'],
		[{ type: 'sale', amount: '1.00' }, 'Payment information is missing: send a payment_token'],
		[{ type: 'sale', amount: '1.00', payment_token: 'nope' }, 'Invalid payment token'],
		[{ type: 'teleport' }, 'Invalid Transaction Type'],
	])('refuses %p with response=3', async (fields, text) => {
		expect(await transact(fields)).toMatchObject({
			response: '3',
			responsetext: text,
			response_code: '300',
		});
	});

	test('a wrong or missing security key: Authentication Failed', async () => {
		const token = gateway.createToken({ ccnumber: '4111111111111111' });
		expect(
			await transact({ type: 'sale', amount: '1.00', payment_token: token }, { key: 'wrong' }),
		).toMatchObject({ response: '3', responsetext: 'Authentication Failed' });
		expect(
			await transact({ type: 'sale', amount: '1.00', payment_token: token }, { key: null }),
		).toMatchObject({ response: '3', responsetext: 'Authentication Failed' });
	});

	test('a payment token is single-use', async () => {
		const token = gateway.createToken({ ccnumber: '4111111111111111' });
		expect(
			await transact({ type: 'sale', amount: '1.00', payment_token: token, orderid: order() }),
		).toMatchObject({ response: '1' });
		expect(
			await transact({ type: 'sale', amount: '1.00', payment_token: token, orderid: order() }),
		).toMatchObject({ response: '3', responsetext: 'Payment token already used' });
	});

	test('void before settlement, refund after it, each within what is left', async () => {
		const orderid = order();
		const sale = async () =>
			(
				await transact({
					type: 'sale',
					amount: '20.00',
					payment_token: gateway.createToken({ ccnumber: '5431111111111111' }),
					orderid: `${orderid}-${Math.random()}`,
				})
			).transactionid;
		const first = await sale();
		expect(await transact({ type: 'refund', transactionid: first })).toMatchObject({
			response: '3',
			responsetext: 'Only settled transactions can be refunded; void an unsettled one',
		});
		expect(await transact({ type: 'void', transactionid: first })).toMatchObject({
			response: '1',
			transactionid: first,
		});
		expect(await transact({ type: 'void', transactionid: first })).toMatchObject({ response: '3' });

		const second = await sale();
		gateway.settle();
		expect(await transact({ type: 'void', transactionid: second })).toMatchObject({
			response: '3',
		});
		const refund = await transact({ type: 'refund', transactionid: second, amount: '15.00' });
		expect(refund).toMatchObject({ response: '1' });
		expect(refund.transactionid).not.toBe(second);
		expect(await transact({ type: 'refund', transactionid: second, amount: '5.01' })).toMatchObject(
			{ response: '3', responsetext: 'Refund amount may not exceed the transaction balance' },
		);
		expect(await transact({ type: 'refund', transactionid: second })).toMatchObject({
			response: '1',
		});
	});

	test('an auth is a hold (condition pending, no money taken) until captured; a capture takes at most the amount held', async () => {
		const orderid = order();
		const auth = await transact({
			type: 'auth',
			amount: '30.00',
			payment_token: gateway.createToken({ ccnumber: '4111111111111111' }),
			orderid,
			merchant_defined_field_3: 'key-1',
		});
		expect(auth).toMatchObject({ response: '1', type: 'auth' });
		expect(gateway.ledger.salesFor(orderid)).toEqual([
			expect.objectContaining({
				type: 'auth',
				condition: 'pending',
				captured: false,
				voided: false,
			}),
		]);
		expect(gateway.ledger.chargesFor(orderid)).toBe(0);
		// settlement takes captured money only
		gateway.settle();
		expect(gateway.ledger.salesFor(orderid)[0].condition).toBe('pending');
		expect(
			await transact({ type: 'capture', transactionid: auth.transactionid, amount: '30.01' }),
		).toMatchObject({
			response: '3',
			responsetext: 'Capture amount may not exceed the authorized amount',
		});
		expect(
			await transact({ type: 'capture', transactionid: auth.transactionid, amount: '30.00' }),
		).toMatchObject({ response: '1', type: 'capture', transactionid: auth.transactionid });
		expect(gateway.ledger.salesFor(orderid)[0]).toMatchObject({
			condition: 'pendingsettlement',
			captured: true,
		});
		expect(gateway.ledger.chargesFor(orderid)).toBe(1);
		// captured once only
		expect(await transact({ type: 'capture', transactionid: auth.transactionid })).toMatchObject({
			response: '3',
			responsetext: 'Transaction cannot be captured',
		});
	});

	test('a hold is voided before capture, and a voided hold can never be captured; a sale cannot be captured', async () => {
		const orderid = order();
		const auth = await transact({
			type: 'auth',
			amount: '30.00',
			payment_token: gateway.createToken({ ccnumber: '4111111111111111' }),
			orderid,
		});
		expect(await transact({ type: 'void', transactionid: auth.transactionid })).toMatchObject({
			response: '1',
		});
		expect(gateway.ledger.salesFor(orderid)[0]).toMatchObject({
			condition: 'canceled',
			voided: true,
			captured: false,
		});
		expect(await transact({ type: 'capture', transactionid: auth.transactionid })).toMatchObject({
			response: '3',
			responsetext: 'Transaction cannot be captured',
		});
		const sale = await transact({
			type: 'sale',
			amount: '5.00',
			payment_token: gateway.createToken({ ccnumber: '4111111111111111' }),
			orderid,
		});
		expect(await transact({ type: 'capture', transactionid: sale.transactionid })).toMatchObject({
			response: '3',
		});
		// a captured hold voids like a sale before settlement: the money goes back
		const held = await transact({
			type: 'auth',
			amount: '7.00',
			payment_token: gateway.createToken({ ccnumber: '4111111111111111' }),
			orderid: `${orderid}-b`,
		});
		await transact({ type: 'capture', transactionid: held.transactionid });
		expect(await transact({ type: 'void', transactionid: held.transactionid })).toMatchObject({
			response: '1',
		});
		expect(gateway.ledger.chargesFor(`${orderid}-b`)).toBe(0);
	});

	test('query.php reports a hold as condition pending with its auth action, then its capture', async () => {
		const orderid = order();
		const auth = await transact({
			type: 'auth',
			amount: '12.00',
			payment_token: gateway.createToken({ ccnumber: '4111111111111111' }),
			orderid,
		});
		const pending = (await post('/api/query.php', { order_id: orderid })).text;
		expect(pending).toContain('<condition>pending</condition>');
		expect(pending).toMatch(/<action><amount>12\.00<\/amount><action_type>auth<\/action_type>/);
		await transact({ type: 'capture', transactionid: auth.transactionid });
		const captured = (await post('/api/query.php', { order_id: orderid })).text;
		expect(captured).toContain('<condition>pendingsettlement</condition>');
		expect(captured).toMatch(/<action_type>capture<\/action_type>/);
	});

	test('validate checks a card with no amount', async () => {
		expect(
			await transact({
				type: 'validate',
				payment_token: gateway.createToken({ ccnumber: '4111111111111111' }),
			}),
		).toMatchObject({ response: '1', type: 'validate' });
		expect(
			await transact({
				type: 'validate',
				amount: '1.00',
				payment_token: gateway.createToken({ ccnumber: '4111111111111111' }),
			}),
		).toMatchObject({ response: '3' });
	});

	test('the key is read from the POST body, and the request log says so', async () => {
		await transact({
			type: 'validate',
			payment_token: gateway.createToken({ ccnumber: '4111111111111111' }),
		});
		expect(gateway.requests.at(-1)).toEqual({
			method: 'POST',
			path: '/api/transact.php',
			type: 'validate',
			securityKeyInBody: true,
			securityKeyInUrl: false,
		});
	});
});

describe('query.php', () => {
	test('filters by order id and answers XML with actions', async () => {
		const orderid = order();
		const token = gateway.createToken({ ccnumber: '4111111111111111' });
		const { transactionid } = await transact({
			type: 'sale',
			amount: '9.99',
			surcharge: '0.29',
			payment_token: token,
			orderid,
			email: 'a@b.co',
		});
		const { text, headers } = await post('/api/query.php', { order_id: orderid });
		expect(headers.get('content-type')).toMatch(/xml/);
		expect(text).toContain(`<transaction_id>${transactionid}</transaction_id>`);
		expect(text).toContain(`<order_id>${orderid}</order_id>`);
		expect(text).toContain('<cc_number>4xxxxxxxxxxx1111</cc_number>');
		expect(text).toContain('<surcharge>0.29</surcharge>');
		expect(text).toMatch(
			/<action><amount>9.99<\/amount><action_type>sale<\/action_type><date>\d{14}<\/date><success>1<\/success>/,
		);
		expect(text.match(/<transaction>/g)).toHaveLength(1);
	});

	test('merchant-defined fields of a sale come back as <merchant_defined_field id="N">', async () => {
		const orderid = order();
		await transact({
			type: 'sale',
			amount: '5.00',
			payment_token: gateway.createToken({ ccnumber: '4111111111111111' }),
			orderid,
			merchant_defined_field_1: 'cust-<1>',
			merchant_defined_field_2: 'INV-7',
			merchant_defined_field_21: 'not kept',
		});
		const { text } = await post('/api/query.php', { order_id: orderid });
		expect(text).toContain(
			'<merchant_defined_field id="1">cust-&lt;1&gt;</merchant_defined_field><merchant_defined_field id="2">INV-7</merchant_defined_field>',
		);
		expect(text).not.toContain('not kept');
	});

	test('pages with result_limit and page_number from 0', async () => {
		const orderid = order();
		for (let i = 0; i < 3; i++) {
			await transact({
				type: 'sale',
				amount: '1.00',
				payment_token: gateway.createToken({ ccnumber: '4111111111111111' }),
				orderid,
			});
		}
		const ids = async (page) =>
			[
				...(
					await post('/api/query.php', {
						order_id: orderid,
						result_limit: '2',
						page_number: String(page),
					})
				).text.matchAll(/<transaction_id>(\d+)/g),
			].map((m) => m[1]);
		expect((await ids(0)).length).toBe(2);
		expect((await ids(1)).length).toBe(1);
		expect(await ids(2)).toEqual([]);
	});

	test('a wrong key answers <error_response>', async () => {
		expect((await post('/api/query.php', {}, { key: 'wrong' })).text).toContain(
			'<error_response>Authentication Failed</error_response>',
		);
	});
});

describe('Collect.js endpoints', () => {
	test('Collect.js is served as JavaScript', async () => {
		const response = await fetch(`${gateway.url}/token/Collect.js`);
		expect(response.headers.get('content-type')).toMatch(/javascript/);
		const source = await response.text();
		expect(source).toContain('window.CollectJS');
		expect(() => new Function(source)).not.toThrow();
	});

	test('fields then tokenize: a token for the card, the card number only masked', async () => {
		const session = 'ab'.repeat(16);
		for (const [field, value] of [
			['ccnumber', '4111 1111 1111 1111'],
			['ccexp', '12/39'],
			['cvv', '123'],
		]) {
			const stored = await post('/token/api/field', { session, field, value }, { key: null });
			expect(stored.status).toBe(200);
			expect(stored.headers.get('access-control-allow-origin')).toBe('*');
		}
		const answer = await post('/token/api/tokenize', { session, key: TOKEN_KEY }, { key: null });
		expect(answer.status).toBe(200);
		const body = JSON.parse(answer.text);
		expect(body.token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{6}-[0-9a-f]{6}-[0-9a-f]{12}$/);
		expect(body.card).toMatchObject({
			number: '411111******1111',
			bin: '411111',
			exp: '1239',
			type: 'visa',
			// Collect.js Card Type Detection: what a surcharge may be charged on
			category: 'credit',
		});
		expect(answer.text).not.toContain('4111111111111111');
		// The session is gone: the card data is not kept after tokenizing.
		expect(
			(await post('/token/api/tokenize', { session, key: TOKEN_KEY }, { key: null })).status,
		).toBe(422);
	});

	test.each([
		['4000056655665556', 'debit'],
		['5200828282828210', 'debit'],
		['4111111111111129', 'prepaid'],
		['5431111111111111', 'credit'],
	])('the token of %s says its category: %s', async (ccnumber, category) => {
		const session = `${ccnumber}`.padEnd(32, 'c').slice(0, 32);
		for (const [field, value] of [
			['ccnumber', ccnumber],
			['ccexp', '12/39'],
		]) {
			await post('/token/api/field', { session, field, value }, { key: null });
		}
		const answer = await post('/token/api/tokenize', { session, key: TOKEN_KEY }, { key: null });
		expect(JSON.parse(answer.text).card.category).toBe(category);
	});

	test('a wrong tokenization key is refused; an invalid card is a field error', async () => {
		const session = 'cd'.repeat(16);
		await post(
			'/token/api/field',
			{ session, field: 'ccnumber', value: '4111111111111112' },
			{ key: null },
		);
		await post('/token/api/field', { session, field: 'ccexp', value: '01/20' }, { key: null });
		expect(
			(await post('/token/api/tokenize', { session, key: 'not-the-key' }, { key: null })).status,
		).toBe(401);
		const invalid = await post('/token/api/tokenize', { session, key: TOKEN_KEY }, { key: null });
		expect(invalid.status).toBe(422);
		expect(JSON.parse(invalid.text).errors).toEqual([
			{ field: 'ccnumber', message: 'Card number is invalid' },
			{ field: 'ccexp', message: 'Card is expired' },
		]);
	});
});

describe('signed webhooks', () => {
	async function eventsFor(orderid) {
		await gateway.webhooks.idle();
		return receiver.received
			.map((delivery) => ({ ...delivery, event: JSON.parse(delivery.raw) }))
			.filter((delivery) => delivery.event.event_body.order_id === orderid);
	}

	test('each action is posted with a valid Webhook-Signature and reads as a payment status', async () => {
		const orderid = order();
		const { transactionid } = await transact({
			type: 'sale',
			amount: '30.00',
			surcharge: '1.00',
			payment_token: gateway.createToken({ ccnumber: '4111111111111111' }),
			orderid,
		});
		await transact({ type: 'void', transactionid });
		await transact({
			type: 'sale',
			amount: '30.00',
			payment_token: gateway.createToken({ ccnumber: '4000000000000002' }),
			orderid,
		});
		const deliveries = await eventsFor(orderid);
		expect(deliveries.map((d) => d.event.event_type)).toEqual([
			'transaction.sale.success',
			'transaction.void.success',
			'transaction.sale.failure',
		]);
		for (const delivery of deliveries) {
			expect(
				verifyGateway360Signature({
					rawBody: delivery.raw,
					header: delivery.headers['webhook-signature'],
					signingKey: SIGNING_KEY,
				}),
			).toMatchObject({ ok: true });
			expect(
				verifyGateway360Signature({
					rawBody: delivery.raw,
					header: delivery.headers['webhook-signature'],
					signingKey: 'another-key-123',
				}),
			).toEqual({ ok: false, reason: 'mismatch' });
		}
		const statuses = deliveries.map((d) => {
			const parsed = parseGateway360Event(d.raw);
			expect(parsed.ok).toBe(true);
			return normaliseGateway360Event(
				/** @type {Extract<typeof parsed, { ok: true }>} */ (parsed).event,
			).events[0];
		});
		expect(statuses[0]).toMatchObject({
			status: 'succeeded',
			paymentId: transactionid,
			invoiceId: orderid,
			amount: { amount: '29.00' },
			fee: { amount: '1.00' },
			paymentMethod: { label: 'Visa •••• 1111' },
		});
		expect(statuses[1]).toMatchObject({ status: 'canceled', paymentId: transactionid });
		expect(statuses[2]).toMatchObject({
			status: 'failed',
			failure: { code: '200', message: 'DECLINE' },
		});
	});

	test("a chargeback is a chargeback action on the sale and NMI's chargeback.batch.complete webhook", async () => {
		const orderid = order();
		const { transactionid } = await transact({
			type: 'sale',
			amount: '40.00',
			payment_token: gateway.createToken({ ccnumber: '4111111111111111' }),
			orderid,
		});
		await gateway.webhooks.idle();
		const before = receiver.received.length;
		gateway.chargeBack(transactionid, '15.00', '13.1: Merchandise/Services Not Received');
		await gateway.webhooks.idle();
		const delivered = receiver.received
			.slice(before)
			.map((d) => ({ ...d, event: JSON.parse(d.raw) }));
		expect(delivered).toHaveLength(1);
		const { event, raw, headers } = delivered[0];
		expect(
			verifyGateway360Signature({
				rawBody: raw,
				header: headers['webhook-signature'],
				signingKey: SIGNING_KEY,
			}),
		).toMatchObject({ ok: true });
		expect(event).toEqual({
			event_id: expect.any(String),
			event_type: 'chargeback.batch.complete',
			event_body: {
				merchant: { id: expect.any(String), name: expect.any(String) },
				processor: { id: expect.any(String), name: expect.any(String), type: 'cc' },
				count: 1,
				chargeback_amount: '15.00',
				chargebacks: [
					{
						id: transactionid,
						date: expect.stringMatching(/^\d{1,2}\/\d{1,2}\/\d{4}$/),
						customer_name: expect.any(String),
						cc_number: expect.stringMatching(/1111$/),
						amount: '15.00',
						reason: '13.1: Merchandise/Services Not Received',
					},
				],
			},
		});
		// the sale now carries the chargeback action, as query.php reports it
		const query = await post('/api/query.php', { transaction_id: transactionid });
		expect(query.text).toMatch(/<amount>15\.00<\/amount><action_type>chargeback<\/action_type>/);
	});

	test('a chargeback over HTTP (POST /_test/chargebacks) sends the batch too', async () => {
		const orderid = order();
		const { transactionid } = await transact({
			type: 'sale',
			amount: '12.00',
			payment_token: gateway.createToken({ ccnumber: '4111111111111111' }),
			orderid,
		});
		const sent = gateway.webhooks.events.length;
		const response = await fetch(`${gateway.url}/_test/chargebacks`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ transactionId: transactionid }),
		});
		expect(await response.json()).toEqual({ chargedBack: '12.00' });
		expect(gateway.webhooks.events.slice(sent).map((e) => e.event_type)).toEqual([
			'chargeback.batch.complete',
		]);
		const missing = await fetch(`${gateway.url}/_test/chargebacks`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ transactionId: 'nope' }),
		});
		expect(missing.status).toBe(404);
	});

	test('a failed delivery is retried until it is accepted', async () => {
		const flaky = await startReceiver([500, 503]);
		gateway.webhooks.setUrl(flaky.url);
		const orderid = order();
		await transact({
			type: 'sale',
			amount: '1.00',
			payment_token: gateway.createToken({ ccnumber: '4111111111111111' }),
			orderid,
		}).finally(() => gateway.webhooks.setUrl(receiver.url));
		await gateway.webhooks.idle();
		await flaky.close();
		const attempts = gateway.webhooks.deliveries.filter((d) => d.url === flaky.url);
		expect(attempts.map((d) => [d.attempt, d.status, d.ok])).toEqual([
			[1, 500, false],
			[2, 503, false],
			[3, 200, true],
		]);
		expect(new Set(flaky.received.map((r) => r.raw)).size).toBe(1);
	});
});

describe('outages and hooks', () => {
	test('setDown drops gateway connections; test hooks still answer', async () => {
		gateway.setDown(true);
		const failure = await fetch(`${gateway.url}/api/query.php`, {
			method: 'POST',
			body: 'x=1',
		}).catch((e) => e);
		const ledger = await fetch(`${gateway.url}/_test/ledger`).then((r) => r.json());
		gateway.setDown(false);
		expect(failure.message).toBe('fetch failed');
		expect(Array.isArray(ledger.sales)).toBe(true);
	});

	test('test hooks over HTTP: tokens, settle, down', async () => {
		const { token } = await fetch(`${gateway.url}/_test/tokens`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ ccnumber: '4111111111111111' }),
		}).then((r) => r.json());
		const orderid = order();
		expect(
			await transact({ type: 'sale', amount: '2.00', payment_token: token, orderid }),
		).toMatchObject({ response: '1' });
		const { settled } = await fetch(`${gateway.url}/_test/settle`, { method: 'POST' }).then((r) =>
			r.json(),
		);
		expect(settled).toBeGreaterThan(0);
		expect(gateway.ledger.salesFor(orderid)[0].condition).toBe('complete');
		await fetch(`${gateway.url}/_test/down`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: '{"down":true}',
		});
		await expect(fetch(`${gateway.url}/token/Collect.js`)).rejects.toThrow();
		await fetch(`${gateway.url}/_test/down`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: '{"down":false}',
		});
		expect((await fetch(`${gateway.url}/token/Collect.js`)).status).toBe(200);
	});
});

test('runs standalone: prints its URL, serves, stops on SIGTERM', async () => {
	const script = path.join(__dirname, 'gateway360-server.js');
	const child = spawn(
		process.execPath,
		[script, '--port', '0', '--security-key', 'standalone-key-000000001', '--token-key', TOKEN_KEY],
		{ stdio: ['ignore', 'pipe', 'pipe'] },
	);
	const exited = new Promise((resolve) =>
		child.on('exit', (code, signal) => resolve({ code, signal })),
	);
	const url = await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('no URL printed within 10 s')), 10_000);
		child.stdout.on('data', (chunk) => {
			const match = /http:\/\/127\.0\.0\.1:\d+/.exec(String(chunk));
			if (match) {
				clearTimeout(timer);
				resolve(match[0]);
			}
		});
	});
	try {
		const answer = await fetch(`${url}/api/query.php`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: 'security_key=standalone-key-000000001&order_id=none',
		}).then((r) => r.text());
		expect(answer).toContain('<nm_response></nm_response>');
	} finally {
		child.kill('SIGTERM');
	}
	expect(await exited).toEqual({ code: 0, signal: null });
});

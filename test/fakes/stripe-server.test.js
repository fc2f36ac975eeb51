// @ts-check
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import Stripe from 'stripe';
import { startStripeServer } from './stripe-server';
import { parseForm } from './stripe/form';
import { apiClient, testHook } from './stripe/test-client';

const KEY = 'sk_test_fake';

function sdkFor(fake, key = KEY) {
	const { hostname, port } = new URL(fake.url);
	return new Stripe(key, { host: hostname, port, protocol: 'http', maxNetworkRetries: 0 });
}

const visaCharge = (extra = {}) => ({
	amount: 2500,
	currency: 'usd',
	payment_method: 'pm_card_visa',
	confirm: 'true',
	...extra,
});

/** A webhook receiver on 127.0.0.1 that answers with `statuses` in turn (then 200). */
async function startReceiver(statuses = []) {
	const received = [];
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			received.push({
				body: Buffer.concat(chunks).toString('utf8'),
				signature: req.headers['stripe-signature'],
			});
			res.writeHead(statuses.length ? statuses.shift() : 200);
			res.end();
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	return {
		url: `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}/hook`,
		received,
		close: () => new Promise((resolve) => server.close(resolve)),
	};
}

describe('form parser', () => {
	it('reads nested hashes, indexed and appended arrays the way Stripe does', () => {
		const params = parseForm(
			'metadata[invoice_ids]=INV-1%2CINV-2&expand[]=a&expand[]=b.c&line_items[0][price_data][currency]=usd' +
				'&line_items[0][quantity]=2&line_items[1][quantity]=1&name=A+B',
		);
		expect(params).toEqual({
			metadata: { invoice_ids: 'INV-1,INV-2' },
			expand: ['a', 'b.c'],
			line_items: [{ price_data: { currency: 'usd' }, quantity: '2' }, { quantity: '1' }],
			name: 'A B',
		});
	});

	it('refuses a name used both as a value and as a hash, and malformed names', () => {
		expect(() => parseForm('a=1&a[b]=2')).toThrow(/both as a value and as a hash/);
		expect(() => parseForm('a[b=1')).toThrow(/Invalid parameter name/);
		expect(() => parseForm('__proto__[x]=1')).toThrow(/Invalid parameter name/);
	});
});

describe('fake Stripe API', () => {
	let fake;
	let api;
	beforeAll(async () => {
		fake = await startStripeServer({ secretKeys: [KEY, 'sk_test_other'] });
		api = apiClient(fake.url);
	});
	afterAll(() => fake.close());

	describe('authentication and routing', () => {
		it('answers 401 invalid_request_error without a key or with an unknown key, never echoing it', async () => {
			const missing = await apiClient(fake.url, null).get('/v1/balance');
			expect(missing.status).toBe(401);
			expect(missing.body.error.type).toBe('invalid_request_error');
			expect(missing.headers.get('request-id')).toMatch(/^req_/);

			const wrong = await apiClient(fake.url, 'sk_test_wrong_secret_1234').get('/v1/balance');
			expect(wrong.status).toBe(401);
			expect(wrong.body.error.message).toMatch(/Invalid API Key provided: sk_test_\*+1234/);
			expect(wrong.text).not.toContain('sk_test_wrong_secret_1234');
		});

		it('accepts the key as Basic auth user, as Stripe does', async () => {
			const basic = `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`;
			const res = await apiClient(fake.url, null).get('/v1/balance', undefined, {
				Authorization: basic,
			});
			expect(res.status).toBe(200);
			expect(res.body.object).toBe('balance');
		});

		it('answers 404 for unknown routes and 400 parameter_unknown for unknown parameters', async () => {
			const unknown = await api.get('/v1/nothing_here');
			expect(unknown.status).toBe(404);
			expect(unknown.body.error.type).toBe('invalid_request_error');

			const param = await api.post('/v1/customers', { nmae: 'typo' });
			expect(param.status).toBe(400);
			expect(param.body.error).toMatchObject({ code: 'parameter_unknown', param: 'nmae' });
		});

		it('refuses a JSON body: Stripe takes form encoding only', async () => {
			const json = await fetch(`${fake.url}/v1/customers`, {
				method: 'POST',
				headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
				body: '{"name":"x"}',
			});
			expect(json.status).toBe(400);
			expect((await json.json()).error.type).toBe('invalid_request_error');
		});
	});

	describe('idempotency', () => {
		it('replays the first answer byte for byte with Idempotent-Replayed: true', async () => {
			const headers = { 'Idempotency-Key': 'replay-1' };
			const params = visaCharge({ metadata: { invoice_id: 'IDEM-1' } });
			const first = await api.post('/v1/payment_intents', params, headers);
			const second = await api.post('/v1/payment_intents', params, headers);
			expect(first.status).toBe(200);
			expect(first.headers.get('idempotent-replayed')).toBeNull();
			expect(second.status).toBe(200);
			expect(second.headers.get('idempotent-replayed')).toBe('true');
			expect(second.text).toBe(first.text);
			expect(second.headers.get('request-id')).not.toBe(first.headers.get('request-id'));
			expect(fake.ledger.chargesFor('IDEM-1')).toBe(1);
		});

		it('answers idempotency_error when the key comes back with other parameters', async () => {
			const headers = { 'Idempotency-Key': 'replay-2' };
			await api.post('/v1/payment_intents', visaCharge(), headers);
			const other = await api.post('/v1/payment_intents', visaCharge({ amount: 2600 }), headers);
			expect(other.status).toBe(400);
			expect(other.body.error.type).toBe('idempotency_error');
		});

		it('replays a 402 too: the card error was the endpoint answer', async () => {
			const headers = { 'Idempotency-Key': 'replay-402' };
			const params = visaCharge({ payment_method: 'pm_card_chargeDeclined' });
			const first = await api.post('/v1/payment_intents', params, headers);
			const again = await api.post('/v1/payment_intents', params, headers);
			expect(first.status).toBe(402);
			expect(again.status).toBe(402);
			expect(again.text).toBe(first.text);
			expect(again.headers.get('idempotent-replayed')).toBe('true');
		});

		it('does not keep a validation error: the same key may then be used with fixed parameters', async () => {
			const headers = { 'Idempotency-Key': 'replay-400' };
			const bad = await api.post('/v1/payment_intents', visaCharge({ amount: 10 }), headers);
			expect(bad.status).toBe(400);
			const fixed = await api.post('/v1/payment_intents', visaCharge(), headers);
			expect(fixed.status).toBe(200);
		});

		it('scopes keys per secret key', async () => {
			const headers = { 'Idempotency-Key': 'shared-key' };
			const a = await api.post('/v1/customers', { name: 'A' }, headers);
			const b = await apiClient(fake.url, 'sk_test_other').post(
				'/v1/customers',
				{ name: 'A' },
				headers,
			);
			expect(b.headers.get('idempotent-replayed')).toBeNull();
			expect(b.body.id).not.toBe(a.body.id);
		});

		it('answers 409 to a second request with the key while the first is still running', async () => {
			fake.setLatency(150);
			try {
				const headers = { 'Idempotency-Key': 'in-flight-1' };
				const first = api.post('/v1/customers', { name: 'Slow' }, headers);
				await new Promise((r) => setTimeout(r, 20));
				const second = await api.post('/v1/customers', { name: 'Slow' }, headers);
				expect(second.status).toBe(409);
				expect(second.body.error.type).toBe('idempotency_error');
				expect((await first).status).toBe(200);
			} finally {
				fake.setLatency(0);
			}
		});
	});

	describe('payments with Stripe test cards', () => {
		it('declines with 402 card_error carrying the stored PaymentIntent', async () => {
			const res = await api.post(
				'/v1/payment_intents',
				visaCharge({ payment_method: 'pm_card_chargeDeclinedInsufficientFunds' }),
			);
			expect(res.status).toBe(402);
			const { error } = res.body;
			expect(error).toMatchObject({
				type: 'card_error',
				code: 'card_declined',
				decline_code: 'insufficient_funds',
			});
			expect(error.request_log_url).toContain(res.headers.get('request-id'));
			expect(error.payment_intent.status).toBe('requires_payment_method');
			expect(error.payment_intent.last_payment_error.decline_code).toBe('insufficient_funds');
			expect(error.payment_intent.latest_charge).toMatch(/^ch_/);
			const stored = await api.get(`/v1/payment_intents/${error.payment_intent.id}`);
			expect(stored.body.status).toBe('requires_payment_method');
			const charge = await api.get(`/v1/charges/${error.payment_intent.latest_charge}`);
			expect(charge.body).toMatchObject({ status: 'failed', failure_code: 'card_declined' });
		});

		it('uses processing_error and expired_card codes for those cards', async () => {
			const processing = await api.post(
				'/v1/payment_intents',
				visaCharge({ payment_method: 'pm_card_chargeDeclinedProcessingError' }),
			);
			expect(processing.body.error.code).toBe('processing_error');
			const expired = await api.post(
				'/v1/payment_intents',
				visaCharge({ payment_method: 'pm_card_chargeDeclinedExpiredCard' }),
			);
			expect(expired.body.error).toMatchObject({
				code: 'expired_card',
				decline_code: 'expired_card',
			});
		});

		it('3D Secure card: off-session declines with authentication_required, on-session asks for action', async () => {
			const customer = fake.createCustomer({
				name: '3DS',
				defaultPaymentMethod: 'pm_card_authenticationRequired',
			});
			const pm = customer.invoice_settings.default_payment_method;
			const off = await api.post(
				'/v1/payment_intents',
				visaCharge({ customer: customer.id, payment_method: pm, off_session: 'true' }),
			);
			expect(off.status).toBe(402);
			expect(off.body.error).toMatchObject({
				code: 'authentication_required',
				decline_code: 'authentication_required',
			});
			expect(off.body.error.payment_intent.status).toBe('requires_payment_method');

			const on = await api.post(
				'/v1/payment_intents',
				visaCharge({
					customer: customer.id,
					payment_method: pm,
					return_url: 'https://example.com/back',
				}),
			);
			expect(on.status).toBe(200);
			expect(on.body.status).toBe('requires_action');
			expect(on.body.next_action.type).toBe('redirect_to_url');
			expect(on.body.next_action.redirect_to_url.url).toBe(`${fake.url}/3ds/${on.body.id}`);
			expect(fake.authenticate(on.body.id).status).toBe('succeeded');
		});

		it('refuses plain decline cards already at attach; chargeCustomerFail attaches then declines', async () => {
			const customer = (await api.post('/v1/customers', { name: 'Attach' })).body;
			const refused = await api.post('/v1/payment_methods/pm_card_chargeDeclined/attach', {
				customer: customer.id,
			});
			expect(refused.status).toBe(402);
			expect(refused.body.error).toMatchObject({ type: 'card_error', code: 'card_declined' });

			const attached = await api.post('/v1/payment_methods/pm_card_chargeCustomerFail/attach', {
				customer: customer.id,
			});
			expect(attached.status).toBe(200);
			expect(attached.body.id).not.toBe('pm_card_chargeCustomerFail');
			expect(attached.body.customer).toBe(customer.id);
			const charge = await api.post(
				'/v1/payment_intents',
				visaCharge({
					customer: customer.id,
					payment_method: attached.body.id,
					off_session: 'true',
				}),
			);
			expect(charge.status).toBe(402);
			expect(charge.body.error.decline_code).toBe('generic_decline');
		});

		it('validates amounts and currencies with Stripe-style 400s naming the parameter', async () => {
			const cases = [
				[{ amount: '49' }, 'amount', 'amount_too_small'],
				[{ amount: '12.5' }, 'amount', 'parameter_invalid_integer'],
				[{ amount: '100000000' }, 'amount', 'amount_too_large'],
				[{ currency: 'USD' }, 'currency', undefined],
				[{ currency: 'xyz' }, 'currency', undefined],
				[{ amount: '1005', currency: 'kwd' }, 'amount', 'invalid_charge_amount'],
				[{ metadata: { invoice_ids: 'x'.repeat(501) } }, 'metadata[invoice_ids]', undefined],
			];
			for (const [override, param, code] of cases) {
				const res = await api.post('/v1/payment_intents', visaCharge(override));
				expect([res.status, res.body.error.type, res.body.error.param]).toEqual([
					400,
					'invalid_request_error',
					param,
				]);
				expect(res.body.error.code).toBe(code);
			}
			const missing = await api.post('/v1/payment_intents', { currency: 'usd' });
			expect(missing.body.error).toMatchObject({ code: 'parameter_missing', param: 'amount' });
		});

		it('accepts allowed_payment_method_types and the older payment_method_types', async () => {
			const allowed = await api.post('/v1/payment_intents', {
				amount: 500,
				currency: 'usd',
				allowed_payment_method_types: ['card'],
			});
			expect(allowed.body).toMatchObject({
				allowed_payment_method_types: ['card'],
				payment_method_types: ['card'],
			});
			const older = await api.post('/v1/payment_intents', {
				amount: 500,
				currency: 'usd',
				payment_method_types: ['card'],
			});
			expect(older.status).toBe(200);
			const wrongType = await api.post(
				'/v1/payment_intents',
				visaCharge({
					payment_method: 'pm_usBankAccount_success',
					allowed_payment_method_types: ['card'],
				}),
			);
			expect(wrongType.body.error.code).toBe('payment_intent_incompatible_payment_method');
		});

		it('cancels only in cancelable statuses', async () => {
			const open = (await api.post('/v1/payment_intents', { amount: 900, currency: 'usd' })).body;
			const canceled = await api.post(`/v1/payment_intents/${open.id}/cancel`, {
				cancellation_reason: 'abandoned',
			});
			expect(canceled.body).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
			const paid = (await api.post('/v1/payment_intents', visaCharge())).body;
			const refused = await api.post(`/v1/payment_intents/${paid.id}/cancel`);
			expect(refused.status).toBe(400);
			expect(refused.body.error.code).toBe('payment_intent_unexpected_state');
		});

		it('confirms a created PaymentIntent later and lists by customer newest first', async () => {
			const customer = fake.createCustomer({
				name: 'Lister',
				defaultPaymentMethod: 'pm_card_mastercard',
			});
			const pm = customer.invoice_settings.default_payment_method;
			const first = (
				await api.post('/v1/payment_intents', {
					amount: 700,
					currency: 'usd',
					customer: customer.id,
				})
			).body;
			expect(first.status).toBe('requires_payment_method');
			const confirmed = await api.post(`/v1/payment_intents/${first.id}/confirm`, {
				payment_method: pm,
				off_session: 'true',
			});
			expect(confirmed.body.status).toBe('succeeded');
			const second = (
				await api.post(
					'/v1/payment_intents',
					visaCharge({ customer: customer.id, payment_method: pm }),
				)
			).body;
			const listed = await api.get('/v1/payment_intents', {
				customer: customer.id,
				created: { gte: first.created },
			});
			expect(listed.body.data.map((pi) => pi.id)).toEqual([second.id, first.id]);
		});

		it('bank debits stay processing until settled, then count in the ledger', async () => {
			const res = await api.post(
				'/v1/payment_intents',
				visaCharge({
					payment_method: 'pm_usBankAccount_success',
					metadata: { invoice_id: 'ACH-1' },
				}),
			);
			expect(res.body.status).toBe('processing');
			expect(fake.ledger.chargesFor('ACH-1')).toBe(0);
			expect(fake.settleProcessing()).toContain(res.body.id);
			expect((await api.get(`/v1/payment_intents/${res.body.id}`)).body.status).toBe('succeeded');
			expect(fake.ledger.chargesFor('ACH-1')).toBe(1);
		});
	});

	describe('ledger', () => {
		it('counts succeeded PaymentIntents per invoice across chunked metadata keys', async () => {
			await api.post(
				'/v1/payment_intents',
				visaCharge({ metadata: { invoice_ids: 'L-1,L-2', invoice_ids_2: 'L-3' } }),
			);
			await api.post('/v1/payment_intents', visaCharge({ metadata: { invoice_id: 'L-3' } }));
			await api.post(
				'/v1/payment_intents',
				visaCharge({ payment_method: 'pm_card_chargeDeclined', metadata: { invoice_id: 'L-4' } }),
			);
			expect(['L-1', 'L-2', 'L-3', 'L-4'].map((id) => fake.ledger.chargesFor(id))).toEqual([
				1, 1, 2, 0,
			]);
			expect(fake.ledger.duplicates()).toContain('L-3');
			expect(fake.ledger.duplicates()).not.toContain('L-1');
			const entry = fake.ledger.allCharges().find((e) => e.invoiceIds.includes('L-2'));
			expect(entry).toMatchObject({
				invoiceIds: ['L-1', 'L-2', 'L-3'],
				amount: 2500,
				currency: 'usd',
				customer: null,
			});
			const hook = await testHook(fake.url, '/_test/ledger');
			expect(hook.body.duplicates).toContain('L-3');
		});
	});

	describe('refunds', () => {
		it('refunds partially, refuses more than remains, then charge_already_refunded', async () => {
			const pi = (await api.post('/v1/payment_intents', visaCharge())).body;
			const part = await api.post('/v1/refunds', {
				payment_intent: pi.id,
				amount: 1000,
				reason: 'requested_by_customer',
			});
			expect(part.body).toMatchObject({
				object: 'refund',
				amount: 1000,
				status: 'succeeded',
				charge: pi.latest_charge,
			});
			const tooMuch = await api.post('/v1/refunds', { payment_intent: pi.id, amount: 1501 });
			expect(tooMuch.body.error).toMatchObject({ code: 'amount_too_large', param: 'amount' });
			await api.post('/v1/refunds', { payment_intent: pi.id });
			const again = await api.post('/v1/refunds', { payment_intent: pi.id });
			expect(again.body.error.code).toBe('charge_already_refunded');
			const listed = await api.get('/v1/refunds', { payment_intent: pi.id });
			expect(listed.body.data.map((r) => r.amount)).toEqual([1500, 1000]);
			const charge = (await api.get(`/v1/charges/${pi.latest_charge}`)).body;
			expect(charge).toMatchObject({ amount_refunded: 2500, refunded: true });
		});
	});

	describe('customers and payment methods', () => {
		it('deleted customers read back as {id, object, deleted: true} and leave the list', async () => {
			const c = (await api.post('/v1/customers', { email: 'gone@example.com' })).body;
			const deleted = await api.del(`/v1/customers/${c.id}`);
			expect(deleted.body).toEqual({ id: c.id, object: 'customer', deleted: true });
			expect((await api.get(`/v1/customers/${c.id}`)).body).toEqual({
				id: c.id,
				object: 'customer',
				deleted: true,
			});
			expect((await api.get('/v1/customers', { email: 'gone@example.com' })).body.data).toEqual([]);
			expect((await api.post(`/v1/customers/${c.id}`, { name: 'x' })).status).toBe(404);
		});

		it('sets the automatic method, expands it, and clears it when detached', async () => {
			const c = (await api.post('/v1/customers', { name: 'Auto' })).body;
			const pm = (await api.post('/v1/payment_methods/pm_card_amex/attach', { customer: c.id }))
				.body;
			const notOwned = await api.post(`/v1/customers/${c.id}`, {
				invoice_settings: { default_payment_method: 'pm_card_visa' },
			});
			expect(notOwned.body.error.param).toBe('invoice_settings[default_payment_method]');
			await api.post(`/v1/customers/${c.id}`, {
				invoice_settings: { default_payment_method: pm.id },
			});
			const expanded = await api.get(`/v1/customers/${c.id}`, {
				expand: ['invoice_settings.default_payment_method'],
			});
			expect(expanded.body.invoice_settings.default_payment_method).toMatchObject({
				id: pm.id,
				card: { brand: 'amex', last4: '0005' },
			});
			const bank = await api.post('/v1/payment_methods/pm_usBankAccount_success/attach', {
				customer: c.id,
			});
			const cards = await api.get(`/v1/customers/${c.id}/payment_methods`, { type: 'card' });
			expect(cards.body.data.map((p) => p.id)).toEqual([pm.id]);
			expect(bank.body.us_bank_account.last4).toBe('6789');
			await api.post(`/v1/payment_methods/${pm.id}/detach`);
			expect(
				(await api.get(`/v1/customers/${c.id}`)).body.invoice_settings.default_payment_method,
			).toBeNull();
			const reuse = await api.post('/v1/payment_intents', visaCharge({ payment_method: pm.id }));
			expect(reuse.status).toBe(400);
		});

		it('takes Stripe documented create: payment_method=pm_card_visa as the default by its alias', async () => {
			const c = await api.post('/v1/customers', {
				email: 'doc@example.com',
				payment_method: 'pm_card_visa',
				invoice_settings: { default_payment_method: 'pm_card_visa' },
			});
			const pmId = c.body.invoice_settings.default_payment_method;
			expect(pmId).toMatch(/^pm_/);
			expect(pmId).not.toBe('pm_card_visa');
			expect((await api.get(`/v1/payment_methods/${pmId}`)).body.customer).toBe(c.body.id);
		});

		it('paginates 250 customers newest first with starting_after and ending_before', async () => {
			const own = await startStripeServer();
			try {
				const seeded = own.seed({ customers: 250 }).customers;
				const client = apiClient(own.url);
				const pages = [];
				let after;
				for (let i = 0; i < 5; i++) {
					const page = (
						await client.get('/v1/customers', {
							limit: 100,
							...(after ? { starting_after: after } : {}),
						})
					).body;
					pages.push(page);
					if (!page.has_more) break;
					after = page.data[page.data.length - 1].id;
				}
				expect(pages.map((p) => [p.data.length, p.has_more])).toEqual([
					[100, true],
					[100, true],
					[50, false],
				]);
				const ids = pages.flatMap((p) => p.data.map((c) => c.id));
				expect(ids).toEqual(seeded.map((c) => c.id).reverse());
				const back = (await client.get('/v1/customers', { limit: 10, ending_before: ids[100] }))
					.body;
				expect(back.data.map((c) => c.id)).toEqual(ids.slice(90, 100));
				expect(back.has_more).toBe(true);
				const all = await sdkFor(own)
					.customers.list({ limit: 100 })
					.autoPagingToArray({ limit: 1000 });
				expect(all).toHaveLength(250);
				expect((await client.get('/v1/customers', { limit: 101 })).status).toBe(400);
			} finally {
				await own.close();
			}
		});
	});

	describe('checkout, portal and setup', () => {
		it('payment mode: completing the session charges with payment_intent_data and fires events', async () => {
			const customer = (
				await api.post('/v1/customers', { name: 'Payer', email: 'payer@example.com' })
			).body;
			const session = (
				await api.post('/v1/checkout/sessions', {
					mode: 'payment',
					customer: customer.id,
					success_url: 'https://example.com/ok?session={CHECKOUT_SESSION_ID}',
					line_items: [
						{
							quantity: 2,
							price_data: { currency: 'usd', unit_amount: 1250, product_data: { name: 'INV-9' } },
						},
					],
					payment_intent_data: { metadata: { invoice_id: 'CS-1' } },
					metadata: { source: 'test' },
				})
			).body;
			expect(session).toMatchObject({
				status: 'open',
				amount_total: 2500,
				payment_intent: null,
				url: `${fake.url}/checkout/${session.id}`,
			});
			expect(session.id).toMatch(/^cs_test_/);
			const page = await fetch(session.url);
			expect(page.status).toBe(200);
			expect(await page.text()).toContain('$25.00');

			const declined = await testHook(fake.url, `/_test/checkout_sessions/${session.id}/complete`, {
				paymentMethod: 'pm_card_chargeDeclined',
			});
			expect(declined.body.error.code).toBe('card_declined');
			expect(declined.body.session.status).toBe('open');

			const done = await testHook(fake.url, `/_test/checkout_sessions/${session.id}/complete`, {
				paymentMethod: 'pm_card_visa',
			});
			expect(done.body.session).toMatchObject({
				status: 'complete',
				payment_status: 'paid',
				url: null,
			});
			expect(done.body.paymentIntent).toMatchObject({
				status: 'succeeded',
				customer: customer.id,
				metadata: { invoice_id: 'CS-1' },
			});
			expect(fake.ledger.chargesFor('CS-1')).toBe(1);
			const events = (await api.get('/v1/events', { type: 'checkout.session.completed' })).body
				.data;
			expect(events[0].data.object.id).toBe(session.id);
		});

		it('setup mode: the SetupIntent succeeds and the method is attached to the customer', async () => {
			const customer = (await api.post('/v1/customers', { name: 'Saver' })).body;
			const session = (
				await api.post('/v1/checkout/sessions', {
					mode: 'setup',
					currency: 'usd',
					customer: customer.id,
					success_url: 'https://example.com/ok',
					setup_intent_data: { metadata: { books_customer: '77' } },
				})
			).body;
			const done = fake.completeCheckoutSession(session.id, { paymentMethod: 'pm_card_visa' });
			expect(done.setupIntent).toMatchObject({
				status: 'succeeded',
				customer: customer.id,
				metadata: { books_customer: '77' },
			});
			const methods = (await api.get(`/v1/customers/${customer.id}/payment_methods`)).body.data;
			expect(methods.map((m) => m.id)).toEqual([done.setupIntent.payment_method]);
			expect((await api.get(`/v1/setup_intents/${done.setupIntent.id}`)).body.status).toBe(
				'succeeded',
			);
			const noCurrency = await api.post('/v1/checkout/sessions', {
				mode: 'setup',
				customer: customer.id,
			});
			expect(noCurrency.body.error.param).toBe('currency');
		});

		it('the hosted pages finish Checkout and 3D Secure through plain form posts', async () => {
			const session = (
				await api.post('/v1/checkout/sessions', {
					mode: 'payment',
					success_url: 'https://example.com/ok?session={CHECKOUT_SESSION_ID}',
					line_items: [
						{
							quantity: 1,
							price_data: { currency: 'usd', unit_amount: 800, product_data: { name: 'Page' } },
						},
					],
				})
			).body;
			/** @returns {RequestInit} */
			const form = (fields) => ({
				method: 'POST',
				redirect: 'manual',
				headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams(fields).toString(),
			});
			const paid = await fetch(session.url, form({ payment_method: 'pm_card_visa' }));
			expect(paid.status).toBe(303);
			expect(paid.headers.get('location')).toBe(`https://example.com/ok?session=${session.id}`);
			expect((await api.get(`/v1/checkout/sessions/${session.id}`)).body.status).toBe('complete');

			const pi = (
				await api.post(
					'/v1/payment_intents',
					visaCharge({
						payment_method: 'pm_card_authenticationRequired',
						return_url: 'https://example.com/back',
					}),
				)
			).body;
			const failed = await fetch(pi.next_action.redirect_to_url.url, form({ result: 'fail' }));
			expect(failed.headers.get('location')).toBe('https://example.com/back');
			const after = (await api.get(`/v1/payment_intents/${pi.id}`)).body;
			expect(after.status).toBe('requires_payment_method');
			expect(after.last_payment_error.code).toBe('payment_intent_authentication_failure');
		});

		/** An open payment-mode session for one invoice: a pay link (of that customer, if given). */
		const payLink = async (invoiceId, customer) =>
			(
				await api.post('/v1/checkout/sessions', {
					mode: 'payment',
					...(customer ? { customer } : {}),
					success_url: 'https://example.com/ok',
					line_items: [
						{
							quantity: 1,
							price_data: { currency: 'usd', unit_amount: 4635, product_data: { name: invoiceId } },
						},
					],
					metadata: { invoice_ids: invoiceId },
				})
			).body;

		it('expire: an open session ends unpaid with checkout.session.expired; others answer 400', async () => {
			const session = await payLink('INV-X');
			const res = await api.post(
				`/v1/checkout/sessions/${session.id}/expire`,
				{},
				{ 'Idempotency-Key': `expire-${session.id}` },
			);
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({
				id: session.id,
				object: 'checkout.session',
				status: 'expired',
				payment_status: 'unpaid',
				payment_intent: null,
				url: null,
				metadata: { invoice_ids: 'INV-X' },
			});
			expect((await api.get(`/v1/checkout/sessions/${session.id}`)).body.status).toBe('expired');
			const events = (await api.get('/v1/events', { type: 'checkout.session.expired' })).body.data;
			expect(events[0]).toMatchObject({
				type: 'checkout.session.expired',
				data: { object: { id: session.id, status: 'expired', url: null } },
				request: { id: res.headers.get('request-id'), idempotency_key: `expire-${session.id}` },
			});
			// the page no longer takes a payment
			const late = await testHook(fake.url, `/_test/checkout_sessions/${session.id}/complete`, {
				paymentMethod: 'pm_card_visa',
			});
			expect(late.status).toBe(400);
			expect(fake.ledger.chargesFor('INV-X')).toBe(0);

			const again = await api.post(`/v1/checkout/sessions/${session.id}/expire`);
			expect(again.status).toBe(400);
			expect(again.body.error).toMatchObject({
				type: 'invalid_request_error',
				message:
					'Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of `expired`.',
			});
			const paid = await payLink('INV-Y');
			fake.completeCheckoutSession(paid.id, { paymentMethod: 'pm_card_visa' });
			const complete = await api.post(`/v1/checkout/sessions/${paid.id}/expire`);
			expect(complete.status).toBe(400);
			expect(complete.body.error.message).toBe(
				'Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of `complete`.',
			);
			expect((await api.post('/v1/checkout/sessions/cs_test_nope/expire')).status).toBe(404);
			expect(
				(await api.post(`/v1/checkout/sessions/${paid.id}/expire`, { at: 'now' })).body.error,
			).toMatchObject({ code: 'parameter_unknown', param: 'at' });
			expect(
				(await api.get('/v1/events', { type: 'checkout.session.expired' })).body.data.map(
					(event) => event.data.object.id,
				),
			).toEqual([session.id]);
		});

		it('a session past its expires_at has expired: the expire call finds it so', async () => {
			const session = await payLink('INV-LATE');
			const realNow = Date.now();
			const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow + 25 * 3600 * 1000);
			let res;
			try {
				res = await api.post(`/v1/checkout/sessions/${session.id}/expire`);
			} finally {
				clock.mockRestore();
			}
			expect(res.status).toBe(400);
			expect(res.body.error.message).toContain('has a status of `expired`');
			const events = (await api.get('/v1/events', { type: 'checkout.session.expired' })).body.data;
			expect(events[0].data.object.id).toBe(session.id);
		});

		it("lists a customer's sessions newest first by status, payment_intent and created, paged", async () => {
			const customer = fake.createCustomer({ name: 'Link holder' });
			const other = fake.createCustomer({ name: 'Someone else' });
			const paid = await payLink('LS-1', customer.id);
			const { paymentIntent } = fake.completeCheckoutSession(paid.id, {
				paymentMethod: 'pm_card_visa',
			});
			const expired = await payLink('LS-2', customer.id);
			await api.post(`/v1/checkout/sessions/${expired.id}/expire`);
			const older = await payLink('LS-3', customer.id);
			const open = await payLink('LS-4', customer.id);
			await payLink('LS-5', other.id);
			const ids = async (params) =>
				(
					await api.get('/v1/checkout/sessions', { customer: customer.id, ...params })
				).body.data.map((session) => session.id);

			const all = await api.get('/v1/checkout/sessions', { customer: customer.id });
			expect(all.status).toBe(200);
			expect(all.body).toMatchObject({
				object: 'list',
				has_more: false,
				url: '/v1/checkout/sessions',
			});
			expect(all.body.data.map((session) => session.id)).toEqual([
				open.id,
				older.id,
				expired.id,
				paid.id,
			]);
			expect(all.body.data[0]).toMatchObject({
				object: 'checkout.session',
				status: 'open',
				metadata: { invoice_ids: 'LS-4' },
			});
			expect(await ids({ status: 'open' })).toEqual([open.id, older.id]);
			expect(await ids({ status: 'expired' })).toEqual([expired.id]);
			expect(await ids({ status: 'complete' })).toEqual([paid.id]);
			expect(await ids({ payment_intent: paymentIntent.id })).toEqual([paid.id]);
			expect(await ids({ created: { gte: paid.created } })).toHaveLength(4);
			expect(await ids({ created: { gt: open.created } })).toEqual([]);

			const first = await api.get('/v1/checkout/sessions', { customer: customer.id, limit: 3 });
			expect(first.body.has_more).toBe(true);
			const last = first.body.data.at(-1).id;
			const next = await api.get('/v1/checkout/sessions', {
				customer: customer.id,
				limit: 3,
				starting_after: last,
			});
			expect(next.body).toMatchObject({ has_more: false, data: [{ id: paid.id }] });
			expect(await ids({ limit: 2, ending_before: expired.id })).toEqual([open.id, older.id]);

			const bad = await api.get('/v1/checkout/sessions', { status: 'pending' });
			expect(bad.status).toBe(400);
			expect(bad.body.error).toMatchObject({ type: 'invalid_request_error', param: 'status' });
			expect(
				(await api.get('/v1/checkout/sessions', { mode: 'payment' })).body.error,
			).toMatchObject({
				code: 'parameter_unknown',
				param: 'mode',
			});

			// a day later the open links have expired, in the list and when read one by one
			const realNow = Date.now();
			const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow + 25 * 3600 * 1000);
			try {
				expect(await ids({ status: 'open' })).toEqual([]);
				expect(await ids({ status: 'expired' })).toEqual([open.id, older.id, expired.id]);
				expect((await api.get(`/v1/checkout/sessions/${open.id}`)).body).toMatchObject({
					status: 'expired',
					url: null,
				});
			} finally {
				clock.mockRestore();
			}
			const events = (await api.get('/v1/events', { type: 'checkout.session.expired' })).body.data;
			expect(
				events
					.slice(0, 2)
					.map((event) => event.data.object.id)
					.sort(),
			).toEqual([open.id, older.id].sort());
		});

		it('portal sessions point at the fake and completing one sets the default method', async () => {
			const customer = (await api.post('/v1/customers', { name: 'Portal' })).body;
			const session = await api.post('/v1/billing_portal/sessions', {
				customer: customer.id,
				return_url: 'https://example.com/account',
				flow_data: { type: 'payment_method_update' },
			});
			expect(session.body).toMatchObject({
				object: 'billing_portal.session',
				url: `${fake.url}/billing_portal/${session.body.id}`,
			});
			expect(session.body.flow.type).toBe('payment_method_update');
			const done = fake.completePortalSession(session.body.id, {
				paymentMethod: 'pm_card_mastercard',
			});
			expect(
				(await api.get(`/v1/customers/${customer.id}`)).body.invoice_settings
					.default_payment_method,
			).toBe(done.paymentMethod.id);
		});

		it('a SetupIntent with a plain decline card answers 402 carrying the setup_intent', async () => {
			const res = await api.post('/v1/setup_intents', {
				payment_method: 'pm_card_chargeDeclined',
				confirm: 'true',
				usage: 'off_session',
			});
			expect(res.status).toBe(402);
			expect(res.body.error.setup_intent.status).toBe('requires_payment_method');
		});
	});

	describe('events', () => {
		it('records the request id and idempotency key on the events a request caused', async () => {
			const res = await api.post(
				'/v1/customers',
				{ name: 'Evented' },
				{ 'Idempotency-Key': 'evt-key' },
			);
			const event = (await api.get('/v1/events', { type: 'customer.created', limit: 1 })).body
				.data[0];
			expect(event.data.object.id).toBe(res.body.id);
			expect(event.request).toEqual({
				id: res.headers.get('request-id'),
				idempotency_key: 'evt-key',
			});
			const updated = await api.post(`/v1/customers/${res.body.id}`, {
				metadata: { books_id: 'B-1' },
			});
			expect(updated.body.metadata).toEqual({ books_id: 'B-1' });
			const change = (await api.get('/v1/events', { type: 'customer.updated', limit: 1 })).body
				.data[0];
			expect(change.data.previous_attributes).toEqual({ metadata: { books_id: null } });
			expect((await api.get(`/v1/events/${change.id}`)).body.id).toBe(change.id);
		});
	});
});

describe('rate limits and faults', () => {
	let fake;
	let api;
	beforeEach(async () => {
		fake = await startStripeServer();
		api = apiClient(fake.url);
	});
	afterEach(() => fake.close());

	it('answers 429 rate_limit_error with Stripe-Should-Retry: true over the per-second limit', async () => {
		fake.setRateLimit(5);
		const answers = await Promise.all(Array.from({ length: 8 }, () => api.get('/v1/balance')));
		const limited = answers.filter((a) => a.status === 429);
		expect(answers.filter((a) => a.status === 200)).toHaveLength(5);
		expect(limited).toHaveLength(3);
		expect(limited[0].headers.get('stripe-should-retry')).toBe('true');
		expect(limited[0].body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit' });
		expect(fake.stats).toMatchObject({ requests: 8, http429: 3, maxPerSlidingSecond: 8 });
		expect(fake.stats.byRoute['GET /v1/balance']).toBe(8);
		expect(Object.values(fake.stats.perSecond).reduce((a, b) => a + b, 0)).toBe(8);
	});

	describe("Stripe's documented limits (https://docs.stripe.com/rate-limits)", () => {
		const reasonsOf = (answers) =>
			answers
				.filter((a) => a.status === 429)
				.map((a) => a.headers.get('stripe-rate-limited-reason'));

		it('each endpoint has its own budget, ids folded; another endpoint is not held back', async () => {
			fake.setLimits({ endpoint: 3 });
			const answers = await Promise.all([
				...['cus_A1', 'cus_B2', 'cus_C3', 'cus_D4', 'cus_E5'].map((id) =>
					api.get(`/v1/customers/${id}`),
				),
				api.get('/v1/balance'),
				api.get('/v1/balance'),
			]);
			expect(answers.slice(0, 5).filter((a) => a.status === 429)).toHaveLength(2);
			expect(reasonsOf(answers)).toEqual(['endpoint-rate', 'endpoint-rate']);
			expect(answers.slice(5).map((a) => a.status)).toEqual([200, 200]);
			const limited = answers.find((a) => a.status === 429);
			expect(limited.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit' });
			expect(limited.headers.get('retry-after')).toBeNull();
			expect(fake.stats).toMatchObject({
				requests: 7,
				http429: 2,
				http429ByReason: { 'endpoint-rate': 2 },
				byRoute: { 'GET /v1/customers/:id': 5, 'GET /v1/balance': 2 },
			});
		});

		it('the global budget counts every endpoint together', async () => {
			fake.setLimits({ global: 4, endpoint: 25 });
			const answers = await Promise.all([
				api.get('/v1/balance'),
				api.get('/v1/balance'),
				api.get('/v1/customers'),
				api.get('/v1/customers'),
				api.get('/v1/payment_intents'),
				api.get('/v1/payment_intents'),
			]);
			expect(answers.filter((a) => a.status === 200)).toHaveLength(4);
			expect(reasonsOf(answers)).toEqual(['global-rate', 'global-rate']);
			expect(fake.stats.http429ByReason).toEqual({ 'global-rate': 2 });
		});

		it('searches share the search budget, on top of their endpoint', async () => {
			fake.setLimits({ endpoint: 25, search: 2 });
			const search = (q) => api.get('/v1/customers/search', { query: q });
			const answers = await Promise.all([
				search("name:'a'"),
				search("name:'b'"),
				search("name:'c'"),
				api.get('/v1/customers'),
			]);
			expect(answers.map((a) => a.status).filter((s) => s === 200)).toHaveLength(3);
			expect(answers[3].status).toBe(200);
			expect(reasonsOf(answers)).toEqual(['endpoint-rate']);
			expect(fake.stats.byRoute['GET /v1/customers/search']).toBe(3);
		});

		it('a PaymentIntent takes a limited number of updates per hour: resource-specific', async () => {
			fake.setLimits({ paymentIntentUpdatesPerHour: 2 });
			const created = (n) =>
				api
					.post('/v1/payment_intents', { amount: 1000 + n, currency: 'usd' })
					.then((a) => a.body.id);
			const [hot, other] = [await created(1), await created(2)];
			const confirm = (id) =>
				api.post(`/v1/payment_intents/${id}/confirm`, { payment_method: 'pm_card_visa' });
			expect((await confirm(hot)).status).toBe(200);
			// Counted whatever the answer: confirming a succeeded PaymentIntent is refused, but is an update.
			expect((await confirm(hot)).status).toBe(400);
			const third = await api.post(`/v1/payment_intents/${hot}/cancel`);
			expect(third.status).toBe(429);
			expect(third.headers.get('stripe-rate-limited-reason')).toBe('resource-specific');
			// Reads are not updates, and other PaymentIntents have their own hour.
			expect((await api.get(`/v1/payment_intents/${hot}`)).status).toBe(200);
			expect((await confirm(other)).status).toBe(200);
			expect(fake.stats.http429ByReason).toEqual({ 'resource-specific': 1 });
		});

		it('presets over HTTP; rate_limit sets the global budget alone; faults name their reason', async () => {
			expect((await testHook(fake.url, '/_test/limits', { preset: 'live' })).body).toEqual({
				global: 100,
				endpoint: 25,
				search: 20,
				paymentIntentUpdatesPerHour: 1000,
			});
			await testHook(fake.url, '/_test/limits', { preset: 'sandbox' });
			expect((await testHook(fake.url, '/_test/limits')).body.global).toBe(25);
			expect((await testHook(fake.url, '/_test/rate_limit', { rps: 7 })).body).toEqual({ rps: 7 });
			expect((await testHook(fake.url, '/_test/limits')).body).toMatchObject({
				global: 7,
				endpoint: 25,
			});
			expect((await testHook(fake.url, '/_test/limits', { global: 3 })).body).toEqual({
				global: 3,
				endpoint: 0,
				search: 0,
				paymentIntentUpdatesPerHour: 0,
			});
			expect((await testHook(fake.url, '/_test/limits', { preset: 'staging' })).status).toBe(400);

			fake.setLimits();
			fake.setFaults({ http429: 1, reason: 'endpoint-concurrency' });
			const answer = await api.get('/v1/balance');
			expect(answer.headers.get('stripe-rate-limited-reason')).toBe('endpoint-concurrency');
			fake.setFaults({ http429: 1 });
			expect((await api.get('/v1/balance')).headers.get('stripe-rate-limited-reason')).toBe(
				'global-rate',
			);
			expect((await testHook(fake.url, '/_test/stats')).body.http429ByReason).toEqual({
				'endpoint-concurrency': 1,
				'global-rate': 1,
			});
		});
	});

	it('reports the most requests in flight at once', async () => {
		fake.setLatency(150);
		await Promise.all(Array.from({ length: 4 }, () => api.get('/v1/balance')));
		expect(fake.stats.maxInFlight).toBe(4);
		fake.resetStats();
		expect(fake.stats.requests).toBe(0);
	});

	it('drop after commit: the socket dies, the charge exists, the retry with the key replays it', async () => {
		fake.setFaults({ dropAfterCommit: 1, on: 'POST /v1/payment_intents' });
		const headers = { 'Idempotency-Key': 'drop-1' };
		const params = visaCharge({ metadata: { invoice_id: 'DROP-1' } });
		await expect(api.post('/v1/payment_intents', params, headers)).rejects.toThrow();
		expect(fake.ledger.chargesFor('DROP-1')).toBe(1);
		expect(fake.stats.dropped).toBe(1);
		const retry = await api.post('/v1/payment_intents', params, headers);
		expect(retry.status).toBe(200);
		expect(retry.headers.get('idempotent-replayed')).toBe('true');
		expect(fake.ledger.chargesFor('DROP-1')).toBe(1);
	});

	it('500 after commit is kept for the key and replayed, while the charge happened once', async () => {
		fake.setFaults({ error500AfterCommit: 1, on: 'POST /v1/payment_intents' });
		const headers = { 'Idempotency-Key': 'five-hundred' };
		const params = visaCharge({ metadata: { invoice_id: 'E500' } });
		const first = await api.post('/v1/payment_intents', params, headers);
		expect(first.status).toBe(500);
		expect(first.body.error.type).toBe('api_error');
		const retry = await api.post('/v1/payment_intents', params, headers);
		expect(retry.status).toBe(500);
		expect(retry.headers.get('idempotent-replayed')).toBe('true');
		expect(fake.ledger.chargesFor('E500')).toBe(1);
		expect(
			(await api.post('/v1/payment_intents', params, { 'Idempotency-Key': 'fresh' })).status,
		).toBe(200);
	});

	it('a 429 fault does not run the request; only matching routes are hit', async () => {
		const set = await testHook(fake.url, '/_test/faults', {
			http429: 1,
			on: 'POST /v1/payment_intents',
		});
		expect(set.body.http429).toBe(1);
		expect((await api.get('/v1/balance')).status).toBe(200);
		const limited = await api.post(
			'/v1/payment_intents',
			visaCharge({ metadata: { invoice_id: 'F429' } }),
			{ 'Idempotency-Key': 'k429' },
		);
		expect(limited.status).toBe(429);
		expect(fake.ledger.chargesFor('F429')).toBe(0);
		const retry = await api.post(
			'/v1/payment_intents',
			visaCharge({ metadata: { invoice_id: 'F429' } }),
			{ 'Idempotency-Key': 'k429' },
		);
		expect(retry.status).toBe(200);
		expect(retry.headers.get('idempotent-replayed')).toBeNull();
	});

	it('the official stripe client sees StripeCardError with the PaymentIntent', async () => {
		const sdk = sdkFor(fake);
		await expect(
			sdk.paymentIntents.create({
				amount: 1000,
				currency: 'usd',
				payment_method: 'pm_card_chargeDeclined',
				confirm: true,
			}),
		).rejects.toMatchObject({
			type: 'StripeCardError',
			code: 'card_declined',
			payment_intent: { status: 'requires_payment_method' },
		});
	});
});

describe('customer search', () => {
	it('hides writes for searchLagMs, then finds them by metadata, name and email', async () => {
		const fake = await startStripeServer({ searchLagMs: 300 });
		try {
			const api = apiClient(fake.url);
			const search = async (query) => (await api.get('/v1/customers/search', { query })).body;
			const c = (
				await api.post('/v1/customers', {
					name: 'Acme Ltd',
					email: 'ap@acme.test',
					metadata: { books_id: '42' },
				})
			).body;
			expect((await search("metadata['books_id']:'42'")).data).toEqual([]);
			await new Promise((r) => setTimeout(r, 400));
			const found = await search("metadata['books_id']:'42'");
			expect(found).toMatchObject({ object: 'search_result', has_more: false, next_page: null });
			expect(found.data.map((x) => x.id)).toEqual([c.id]);
			expect((await search("name:'acme ltd' AND email:'ap@acme.test'")).data).toHaveLength(1);
			expect((await search("name:'nobody' OR email:'ap@acme.test'")).data).toHaveLength(1);

			await api.post(`/v1/customers/${c.id}`, { metadata: { books_id: '43' } });
			expect((await search("metadata['books_id']:'42'")).data).toHaveLength(1);
			expect((await search("metadata['books_id']:'43'")).data).toHaveLength(0);

			const bad = await api.get('/v1/customers/search', { query: "nickname:'x'" });
			expect(bad.status).toBe(400);
			expect(bad.body.error.param).toBe('query');
			const mixed = await api.get('/v1/customers/search', {
				query: "name:'a' AND email:'b' OR name:'c'",
			});
			expect(mixed.status).toBe(400);
		} finally {
			await fake.close();
		}
	});

	it('pages search results with next_page; seeded customers are searchable at once', async () => {
		const fake = await startStripeServer({ searchLagMs: 60000 });
		try {
			fake.seed({
				customers: Array.from({ length: 15 }, (_, i) => ({
					name: `Seed ${i}`,
					metadata: { group: 'g1' },
				})),
			});
			const api = apiClient(fake.url);
			const first = (
				await api.get('/v1/customers/search', { query: "metadata['group']:'g1'", limit: 10 })
			).body;
			expect([first.data.length, first.has_more]).toEqual([10, true]);
			const second = (
				await api.get('/v1/customers/search', {
					query: "metadata['group']:'g1'",
					limit: 10,
					page: first.next_page,
				})
			).body;
			expect([second.data.length, second.has_more, second.next_page]).toEqual([5, false, null]);
		} finally {
			await fake.close();
		}
	});

	it('reads quotes and backslashes escaped with a backslash; an unescaped quote is a 400', async () => {
		const fake = await startStripeServer();
		try {
			fake.seed({
				customers: [{ name: "O'Brien & Co", metadata: { "it's": 'a\\b' } }, { name: 'Obrien Ltd' }],
			});
			const api = apiClient(fake.url);
			const names = async (query) =>
				(await api.get('/v1/customers/search', { query })).body.data.map((c) => c.name);
			expect(await names("name~'O\\'Brien'")).toEqual(["O'Brien & Co"]);
			expect(await names("metadata['it\\'s']:'a\\\\b'")).toEqual(["O'Brien & Co"]);
			const bad = await api.get('/v1/customers/search', { query: "name~'O'Brien'" });
			expect(bad.status).toBe(400);
		} finally {
			await fake.close();
		}
	});
});

describe('webhook delivery', () => {
	let fake;
	let receiver;
	let api;
	beforeEach(async () => {
		fake = await startStripeServer({ webhookRetryDelayMs: 10 });
		api = apiClient(fake.url);
	});
	afterEach(async () => {
		await fake.close();
		if (receiver) await receiver.close();
		receiver = null;
	});

	async function register(events = ['payment_intent.succeeded', 'payment_intent.created']) {
		const res = await api.post('/v1/webhook_endpoints', {
			url: receiver.url,
			enabled_events: events,
		});
		expect(res.body.secret).toMatch(/^whsec_/);
		return res.body;
	}

	it('signs each delivery so stripe.webhooks.constructEvent accepts it with the endpoint secret', async () => {
		receiver = await startReceiver();
		const endpoint = await register();
		expect((await api.get(`/v1/webhook_endpoints/${endpoint.id}`)).body.secret).toBeUndefined();
		const pi = (await api.post('/v1/payment_intents', visaCharge())).body;
		await fake.webhooks.idle();
		const events = receiver.received.map((r) =>
			Stripe.webhooks.constructEvent(r.body, r.signature, endpoint.secret),
		);
		expect(events.map((e) => e.type).sort()).toEqual([
			'payment_intent.created',
			'payment_intent.succeeded',
		]);
		expect(
			events.every((e) => /** @type {Stripe.PaymentIntent} */ (e.data.object).id === pi.id),
		).toBe(true);
		expect(() =>
			Stripe.webhooks.constructEvent(
				receiver.received[0].body,
				receiver.received[0].signature,
				'whsec_wrong',
			),
		).toThrow();
		expect(
			fake.webhooks.deliveries.every((d) => d.endpointId === endpoint.id && d.status === 200),
		).toBe(true);
	});

	it('retries a failing endpoint a bounded number of times', async () => {
		receiver = await startReceiver([500, 500, 500, 500]);
		await register(['customer.created']);
		await api.post('/v1/customers', { name: 'Retry' });
		await fake.webhooks.idle();
		expect(fake.webhooks.deliveries.map((d) => [d.attempt, d.status])).toEqual([
			[1, 500],
			[2, 500],
			[3, 500],
		]);
	});

	it('hold + reverseOrder delivers the queue newest first on flush; duplicate sends each twice', async () => {
		receiver = await startReceiver();
		await register(['customer.created']);
		fake.webhooks.setMode({ hold: true, reverseOrder: true, duplicate: true });
		const a = (await api.post('/v1/customers', { name: 'A' })).body;
		const b = (await api.post('/v1/customers', { name: 'B' })).body;
		await new Promise((r) => setTimeout(r, 30));
		expect(receiver.received).toHaveLength(0);
		expect(await fake.webhooks.flush()).toBe(2);
		const ids = receiver.received.map((r) => JSON.parse(r.body).data.object.id);
		expect(ids).toEqual([b.id, b.id, a.id, a.id]);
		expect(new Set(receiver.received.map((r) => JSON.parse(r.body).id)).size).toBe(2);
	});

	it('emits hand-made events and refuses a 17th endpoint', async () => {
		receiver = await startReceiver();
		const endpoint = await register(['*']);
		fake.emit('payment_intent.processing', {
			id: 'pi_manual',
			object: 'payment_intent',
			status: 'processing',
		});
		await fake.webhooks.idle();
		const event = Stripe.webhooks.constructEvent(
			receiver.received[0].body,
			receiver.received[0].signature,
			endpoint.secret,
		);
		expect(event).toMatchObject({
			type: 'payment_intent.processing',
			data: { object: { id: 'pi_manual' } },
		});
		for (let i = 0; i < 15; i++) await register(['customer.created']);
		const extra = await api.post('/v1/webhook_endpoints', {
			url: receiver.url,
			enabled_events: ['customer.created'],
		});
		expect(extra.status).toBe(400);
		const unknownEvent = await api.post(`/v1/webhook_endpoints/${endpoint.id}`, {
			enabled_events: ['payment_intent.teleported'],
		});
		expect(unknownEvent.body.error.param).toBe('enabled_events[0]');
	});
});

describe('standalone process', () => {
	it('prints its URL, serves the API and the test hooks, and stops on SIGTERM', async () => {
		const child = spawn(
			process.execPath,
			[
				path.join(__dirname, 'stripe-server.js'),
				...['--port', '0', '--secret-key', 'sk_test_cli', '--limits', 'sandbox'],
			],
			{
				stdio: ['ignore', 'pipe', 'inherit'],
			},
		);
		try {
			const url = await new Promise((resolve, reject) => {
				child.stdout.once('data', (d) => resolve(String(d).trim()));
				child.once('exit', (code) => reject(new Error(`exited ${code}`)));
			});
			expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
			const api = apiClient(url, 'sk_test_cli');
			const session = (
				await api.post('/v1/checkout/sessions', {
					mode: 'payment',
					line_items: [
						{
							quantity: 1,
							price_data: { currency: 'eur', unit_amount: 990, product_data: { name: 'E2E' } },
						},
					],
					payment_intent_data: { metadata: { invoice_id: 'CLI-1' } },
				})
			).body;
			await testHook(url, `/_test/checkout_sessions/${session.id}/complete`, {
				paymentMethod: 'pm_card_visa',
			});
			expect((await testHook(url, '/_test/limits')).body).toMatchObject({
				global: 25,
				endpoint: 25,
				search: 20,
			});
			expect((await testHook(url, '/_test/ledger')).body.charges).toMatchObject([
				{ invoiceIds: ['CLI-1'], currency: 'eur' },
			]);
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			expect(await exited).toBe(0);
		} finally {
			if (child.exitCode === null) child.kill('SIGKILL');
		}
	});
});

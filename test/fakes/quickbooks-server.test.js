// @ts-check
import path from 'node:path';

import { startStandaloneFake } from './accounting-http';
import { DOCUMENTED_LIMITS, FEE_ITEM, startQuickBooksServer } from './quickbooks-server';

const TOKEN = 'qbo_test_token';
const TODAY = '2026-03-10';

describe('local QuickBooks Online server', () => {
	/** @type {Awaited<ReturnType<typeof startQuickBooksServer>>} */
	let qbo;

	/** @param {string} method @param {string} path @param {{ body?: unknown, token?: string, accept?: string }} [options] */
	const call = async (method, path, { body, token = TOKEN, accept = 'application/json' } = {}) => {
		/** @type {Record<string, string>} */
		const headers = { 'content-type': 'application/json' };
		if (token) headers.authorization = `Bearer ${token}`;
		if (accept) headers.accept = accept;
		const res = await fetch(`${qbo.baseUrl}${path}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: res.status, body: await res.json() };
	};
	const query = (text) => call('GET', `/query?minorversion=75&query=${encodeURIComponent(text)}`);
	const errorOf = (answer) => answer.body.Fault.Error[0];
	const invoice = async (id) => (await call('GET', `/invoice/${id}`)).body.Invoice;
	/** A payment of `amount` by Acme (customer 1001) applied to invoice 2001 (USD 250.00). */
	const payment = (amount = 250, invoiceId = '2001', customerId = '1001') => ({
		CustomerRef: { value: customerId },
		TotalAmt: amount,
		PrivateNote: 'pi_test',
		Line: [{ Amount: amount, LinkedTxn: [{ TxnId: invoiceId, TxnType: 'Invoice' }] }],
	});

	beforeAll(async () => {
		qbo = await startQuickBooksServer({ today: TODAY, limits: null });
	});
	beforeEach(async () => {
		await qbo.reset({ seed: 'demo' });
		qbo.setLimits(null);
		qbo.setLatency(0);
	});
	afterAll(async () => {
		await qbo.close();
	});

	test('refuses a missing or revoked token with 401, another company with 403, XML callers with 406', async () => {
		const missing = await call('GET', '/invoice/2001', { token: '' });
		expect(missing.status).toBe(401);
		expect(missing.body.fault.type).toBe('AUTHENTICATION');
		expect(missing.body.fault.error[0].code).toBe('3200');
		qbo.revokeAccessToken(TOKEN);
		expect((await call('GET', '/invoice/2001')).status).toBe(401);
		await qbo.close();
		qbo = await startQuickBooksServer({ today: TODAY, limits: null });

		const other = await fetch(`${qbo.url}/v3/company/123/invoice/2001`, {
			headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' },
		});
		expect(other.status).toBe(403);
		expect((await call('GET', '/invoice/2001', { accept: 'application/xml' })).status).toBe(406);
	});

	test('a refresh grant at the token endpoint gives an access token the API then accepts', async () => {
		const grant = await fetch(`${qbo.url}/oauth2/v1/tokens/bearer`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: 'grant_type=refresh_token&refresh_token=qbo_test_refresh',
		});
		const tokens = await grant.json();
		expect(grant.status).toBe(200);
		expect((await call('GET', '/invoice/2001', { token: tokens.access_token })).status).toBe(200);
		const reused = await fetch(`${qbo.url}/oauth2/v1/tokens/bearer`, {
			method: 'POST',
			body: 'grant_type=refresh_token&refresh_token=qbo_test_refresh',
		});
		expect((await reused.json()).error).toBe('invalid_grant');
	});

	test('serves the demo books as QuickBooks invoices and customers', async () => {
		const due = await invoice('2001');
		expect(due).toMatchObject({
			DocNumber: 'INV-2001',
			TotalAmt: 250,
			Balance: 250,
			DueDate: '2026-03-09',
			CustomerRef: { value: '1001' },
			CurrencyRef: { value: 'USD' },
			RecurDataRef: { value: '301' },
			BillEmail: { Address: 'ap@acme-plumbing.example.com' },
			BillEmailCc: { Address: 'controller@acme-plumbing.example.com' },
		});
		const paid = await invoice('2008');
		expect(paid.Balance).toBe(0);
		expect(paid.LinkedTxn).toEqual([{ TxnId: expect.any(String), TxnType: 'Payment' }]);
		expect((await invoice('2011')).EmailStatus).toBe('NotSet');
		expect((await invoice('2004')).RecurDataRef).toBeUndefined();
		const customer = (await call('GET', '/customer/1004')).body.Customer;
		expect(customer).toMatchObject({
			DisplayName: 'Kumo Design KK',
			PrimaryEmailAddr: { Address: 'keiri@kumo-design.example.com' },
			CurrencyRef: { value: 'JPY' },
		});
		const missing = await call('GET', '/invoice/999');
		expect(missing.status).toBe(400);
		expect(errorOf(missing).code).toBe('610');
	});

	test('queries page with STARTPOSITION and MAXRESULTS (at most 1000), count(*) counts, OR is refused', async () => {
		const invoices = Array.from({ length: 2500 }, (_, i) => ({
			Id: String(i + 1),
			SyncToken: '0',
			DocNumber: `N-${i + 1}`,
			CustomerRef: { value: '1' },
			CurrencyRef: { value: 'USD' },
			TotalAmt: 10,
			Balance: i % 5 === 0 ? 0 : 10,
			LinkedTxn: [],
		}));
		await qbo.reset({ seed: { Customer: [{ Id: '1', DisplayName: 'One' }], Invoice: invoices } });
		const open = "select * from Invoice where Balance > '0'";
		const pages = [];
		for (let start = 1; ; start += 1000) {
			const page = (await query(`${open} STARTPOSITION ${start} MAXRESULTS 1000`)).body;
			if (!page.QueryResponse.Invoice) {
				expect(page.QueryResponse).toEqual({});
				break;
			}
			expect(page.QueryResponse.startPosition).toBe(start);
			pages.push(page.QueryResponse.Invoice);
		}
		expect(pages.map((page) => page.length)).toEqual([1000, 1000]);
		expect(new Set(pages.flat().map((i) => i.Id)).size).toBe(2000);
		expect(
			(await query(`select count(*) from Invoice where Balance > '0'`)).body.QueryResponse,
		).toEqual({
			totalCount: 2000,
		});
		expect((await query('select * from Invoice')).body.QueryResponse.maxResults).toBe(100);
		const tooMany = await query(`${open} MAXRESULTS 1001`);
		expect(tooMany.status).toBe(400);
		expect(errorOf(tooMany).code).toBe('4001');
		const or = await query("select * from Invoice where Balance > '0' OR DocNumber = 'N-1'");
		expect(errorOf(or).code).toBe('4000');
	});

	test('filters by customer, IN lists and dates, as the adapter asks', async () => {
		const acme = await query("select * from Invoice where CustomerRef = '1001' AND Balance > '0'");
		expect(acme.body.QueryResponse.Invoice.map((i) => i.DocNumber)).toEqual([
			'INV-2001',
			'INV-2002',
			'INV-2011',
		]);
		const some = await query("select * from Customer where Id IN ('1001', '1003')");
		expect(some.body.QueryResponse.Customer.map((c) => c.DisplayName)).toEqual([
			'Acme Plumbing Ltd',
			'Café Lumière SARL',
		]);
		const due = await query(`select * from Invoice where DueDate <= '${TODAY}' AND Balance > '0'`);
		expect(due.body.QueryResponse.Invoice.map((i) => i.DocNumber)).toContain('INV-2005');
	});

	test('a payment linked to an invoice lowers its balance and appears in its LinkedTxn', async () => {
		const created = await call('POST', '/payment?minorversion=75', { body: payment(100) });
		expect(created.status).toBe(200);
		const { Payment } = created.body;
		expect(Payment).toMatchObject({ TotalAmt: 100, UnappliedAmt: 0, SyncToken: '0' });
		const after = await invoice('2001');
		expect(after.Balance).toBe(150);
		expect(after.LinkedTxn).toEqual([{ TxnId: Payment.Id, TxnType: 'Payment' }]);

		const unapplied = await call('POST', '/payment', {
			body: { ...payment(150), TotalAmt: 160 },
		});
		expect(unapplied.body.Payment.UnappliedAmt).toBe(10);
		expect((await invoice('2001')).Balance).toBe(0);
	});

	test('refuses payments QuickBooks refuses: over the balance, another customer, unknown invoice, no customer', async () => {
		const over = await call('POST', '/payment', { body: payment(250.01) });
		expect(over.status).toBe(400);
		expect(over.body.Fault.type).toBe('ValidationFault');
		expect(errorOf(over).code).toBe('6000');
		expect(errorOf(await call('POST', '/payment', { body: payment(250, '2003') })).code).toBe(
			'6000',
		);
		expect(errorOf(await call('POST', '/payment', { body: payment(250, '9999') })).code).toBe(
			'610',
		);
		const { CustomerRef, ...anonymous } = payment();
		const noCustomer = await call('POST', '/payment', { body: anonymous });
		expect(errorOf(noCustomer)).toMatchObject({ code: '2020', element: 'CustomerRef' });
		expect((await invoice('2001')).Balance).toBe(250);
		expect(qbo.company().Payment).toHaveLength(1);
	});

	test('a repeated requestid is not run again: the first answer comes back, even to racing requests', async () => {
		const path = '/payment?requestid=pay-2001-pi_1';
		const [first, second] = await Promise.all([
			call('POST', path, { body: payment(250) }),
			call('POST', path, { body: payment(250) }),
		]);
		const third = await call('POST', path, { body: payment(250) });
		expect(first).toEqual(second);
		expect(third).toEqual(first);
		expect(qbo.company().Payment.filter((p) => p.PrivateNote === 'pi_test')).toHaveLength(1);
		expect((await invoice('2001')).Balance).toBe(0);
		const refused = await call('POST', '/payment?requestid=no-money', { body: payment(999) });
		expect(await call('POST', '/payment?requestid=no-money', { body: payment(1) })).toEqual(
			refused,
		);
		expect(
			errorOf(await call('POST', `/payment?requestid=${'x'.repeat(51)}`, { body: payment(1) }))
				.code,
		).toBe('2500');
	});

	test('updates need the current SyncToken (5010 otherwise); a sparse update changes only what it sends', async () => {
		const customer = (await call('GET', '/customer/1002')).body.Customer;
		const stale = await call('POST', '/customer', {
			body: { Id: '1002', SyncToken: '7', sparse: true, Notes: 'x' },
		});
		expect(stale.status).toBe(400);
		expect(errorOf(stale)).toMatchObject({ code: '5010', Message: 'Stale Object Error' });
		const sparse = await call('POST', '/customer', {
			body: { Id: '1002', SyncToken: customer.SyncToken, sparse: true, Notes: 'stripe: cus_1' },
		});
		expect(sparse.body.Customer).toMatchObject({
			Notes: 'stripe: cus_1',
			DisplayName: 'Brightside Dental',
			SyncToken: '1',
		});
		const full = await call('POST', '/customer', {
			body: { Id: '1002', SyncToken: '1', DisplayName: 'Brightside Dental LLC' },
		});
		expect(full.body.Customer.Notes).toBeUndefined();
		const noToken = await call('POST', '/customer', { body: { Id: '1002', sparse: true } });
		expect(errorOf(noToken).element).toBe('SyncToken');
	});

	test("a payment's update and delete move its invoices' balances back", async () => {
		const created = (await call('POST', '/payment', { body: payment(100) })).body.Payment;
		const updated = await call('POST', '/payment', {
			body: { ...created, sparse: true, TotalAmt: 40, Line: [{ ...created.Line[0], Amount: 40 }] },
		});
		expect(updated.body.Payment.SyncToken).toBe('1');
		expect((await invoice('2001')).Balance).toBe(210);
		const stale = await call('POST', '/payment?operation=delete', {
			body: { Id: created.Id, SyncToken: '0' },
		});
		expect(errorOf(stale).code).toBe('5010');
		const deleted = await call('POST', '/payment?operation=delete', {
			body: { Id: created.Id, SyncToken: '1' },
		});
		expect(deleted.body.Payment.status).toBe('Deleted');
		const after = await invoice('2001');
		expect(after.Balance).toBe(250);
		expect(after.LinkedTxn).toEqual([]);
	});

	test('a sales receipt records the processing fee as income of its own, for a known item', async () => {
		const fee = {
			CustomerRef: { value: '1001' },
			DepositToAccountRef: { value: '35' },
			Line: [
				{
					Amount: 7.25,
					DetailType: 'SalesItemLineDetail',
					SalesItemLineDetail: { ItemRef: { value: FEE_ITEM.Id } },
				},
			],
		};
		const receipt = await call('POST', '/salesreceipt', { body: fee });
		expect(receipt.body.SalesReceipt).toMatchObject({ TotalAmt: 7.25, Balance: 0 });
		expect((await invoice('2001')).Balance).toBe(250);
		const unknownItem = await call('POST', '/salesreceipt', {
			body: {
				...fee,
				Line: [{ ...fee.Line[0], SalesItemLineDetail: { ItemRef: { value: '77' } } }],
			},
		});
		expect(errorOf(unknownItem).code).toBe('610');
	});

	test("throttles as Intuit documents: 429 ThrottleExceeded over 10 at once, and over the minute's limit", async () => {
		expect(DOCUMENTED_LIMITS).toEqual({ perMinute: 500, perSecond: 10, concurrent: 10 });
		qbo.setLimits({ concurrent: 10 });
		qbo.setLatency(150);
		const answers = await Promise.all(
			Array.from({ length: 14 }, () => call('GET', '/invoice/2001')),
		);
		const throttled = answers.filter((a) => a.status === 429);
		expect(throttled).toHaveLength(4);
		expect(throttled[0].body.Fault).toMatchObject({ type: 'ThrottleExceeded' });
		expect(qbo.stats.maxInFlight).toBe(10);

		qbo.setLatency(0);
		qbo.setLimits({ perMinute: 5 });
		const statuses = [];
		for (let i = 0; i < 6; i++) statuses.push((await call('GET', '/invoice/2001')).status);
		expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
		qbo.setLimits({ perSecond: 2 });
		const burst = [];
		for (let i = 0; i < 3; i++) burst.push((await call('GET', '/invoice/2001')).status);
		expect(burst).toEqual([200, 200, 429]);
	});

	test('a throttled payment is not run; the retry with the same requestid runs it once', async () => {
		qbo.setLimits({ perMinute: 1 });
		await call('GET', '/invoice/2001');
		const throttled = await call('POST', '/payment?requestid=r-1', { body: payment(250) });
		expect(throttled.status).toBe(429);
		expect(qbo.company().Payment).toHaveLength(1);
		qbo.setLimits(null);
		expect((await call('POST', '/payment?requestid=r-1', { body: payment(250) })).status).toBe(200);
		expect((await invoice('2001')).Balance).toBe(0);
	});

	test('records minorversion and requestid of each request, and answers the test hooks over HTTP', async () => {
		await call('POST', '/payment?minorversion=75&requestid=abc', { body: payment(1) });
		const requests = await (await fetch(`${qbo.url}/_test/requests`)).json();
		expect(requests.at(-1)).toMatchObject({ minorversion: '75', requestid: 'abc', status: 200 });
		const reset = await fetch(`${qbo.url}/_test/reset`, {
			method: 'POST',
			body: JSON.stringify({ seed: 'empty' }),
		});
		expect(await reset.json()).toEqual({ Customer: 0, Invoice: 0 });
	});
	test('runs standalone: prints its URL and serves the demo books with the tokens given', async () => {
		const fake = await startStandaloneFake(path.join(__dirname, 'quickbooks-server.js'), [
			'--realm-id',
			'42',
			'--access-token',
			'cli-token',
			'--today',
			TODAY,
		]);
		try {
			expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
			const res = await fetch(`${fake.url}/v3/company/42/customer/1001`, {
				headers: { authorization: 'Bearer cli-token', accept: 'application/json' },
			});
			expect(res.status).toBe(200);
		} finally {
			await fake.stop();
		}
	});
});

// @ts-check
import path from 'node:path';

import { startStandaloneFake } from './accounting-http';
import { DOCUMENTED_LIMITS, guidOf, startXeroServer } from './xero-server';

const TOKEN = 'xero_test_token';
const TODAY = '2026-03-10';

describe('local Xero server', () => {
	/** @type {Awaited<ReturnType<typeof startXeroServer>>} */
	let xero;

	/**
	 * @param {string} method @param {string} path
	 * @param {{ body?: unknown, token?: string, tenant?: string, accept?: string, key?: string }} [options]
	 */
	const call = async (
		method,
		path,
		{ body, token = TOKEN, tenant, accept = 'application/json', key } = {},
	) => {
		/** @type {Record<string, string>} */
		const headers = {
			'content-type': 'application/json',
			'xero-tenant-id': tenant ?? xero.tenantId,
		};
		if (token) headers.authorization = `Bearer ${token}`;
		if (accept) headers.accept = accept;
		if (key) headers['idempotency-key'] = key;
		const res = await fetch(`${xero.baseUrl}${path}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		let parsed;
		try {
			parsed = JSON.parse(text);
		} catch {
			parsed = text;
		}
		return { status: res.status, headers: res.headers, body: parsed };
	};
	const invoice = async (booksId) =>
		(await call('GET', `/Invoices/${guidOf(booksId)}`)).body.Invoices[0];
	/** A payment of `amount` against the demo invoice `booksId` into the bank account 090. */
	const payment = (amount = 250, booksId = 'inv-2001', code = '090') => ({
		Invoice: { InvoiceID: guidOf(booksId) },
		Account: { Code: code },
		Date: TODAY,
		Amount: amount,
		Reference: 'pi_test',
	});
	const messagesOf = (answer) =>
		answer.body.Elements.flatMap((element) => element.ValidationErrors.map((e) => e.Message));

	beforeAll(async () => {
		xero = await startXeroServer({ today: TODAY, limits: null });
	});
	beforeEach(async () => {
		await xero.reset({ seed: 'demo' });
		xero.setLimits(null);
		xero.setLatency(0);
	});
	afterAll(async () => {
		await xero.close();
	});

	test('refuses a bad token with 401, another tenant with 403, a call without JSON Accept with 406', async () => {
		const bad = await call('GET', '/Invoices', { token: 'nope' });
		expect(bad.status).toBe(401);
		expect(bad.body).toMatchObject({ Status: 401, Detail: 'AuthenticationUnsuccessful' });
		expect((await call('GET', '/Invoices', { tenant: guidOf('other') })).status).toBe(403);
		expect((await call('GET', '/Invoices', { tenant: '' })).status).toBe(403);
		expect((await call('GET', '/Invoices', { accept: 'application/xml' })).status).toBe(406);
		const grant = await fetch(`${xero.url}/connect/token`, {
			method: 'POST',
			body: 'grant_type=refresh_token&refresh_token=xero_test_refresh',
		});
		const tokens = await grant.json();
		expect((await call('GET', '/Invoices', { token: tokens.access_token })).status).toBe(200);
	});

	test('serves the demo books as ACCREC invoices and contacts', async () => {
		const due = await invoice('inv-2001');
		expect(due).toMatchObject({
			Type: 'ACCREC',
			InvoiceNumber: 'INV-2001',
			Status: 'AUTHORISED',
			Total: 250,
			AmountDue: 250,
			CurrencyCode: 'USD',
			DueDateString: '2026-03-09T00:00:00',
			DueDate: `/Date(${Date.parse('2026-03-09T00:00:00Z')}+0000)/`,
			RepeatingInvoiceID: guidOf('rec-301'),
			SentToContact: true,
		});
		expect(await invoice('inv-2008')).toMatchObject({
			Status: 'PAID',
			AmountDue: 0,
			AmountPaid: 300,
		});
		expect((await invoice('inv-2011')).SentToContact).toBe(false);
		const contact = (await call('GET', `/Contacts/${guidOf('cust-1001')}`)).body.Contacts[0];
		expect(contact).toMatchObject({
			Name: 'Acme Plumbing Ltd',
			EmailAddress: 'ap@acme-plumbing.example.com',
			ContactPersons: [
				{ EmailAddress: 'controller@acme-plumbing.example.com', IncludeInEmails: true },
			],
		});
		const missing = await call('GET', `/Invoices/${guidOf('inv-9999')}`);
		expect(missing.status).toBe(404);
	});

	test('pages invoices 100 at a time with where and Statuses, and counts the pages', async () => {
		const many = Array.from({ length: 250 }, (_, i) => ({
			Type: i % 10 === 0 ? 'ACCPAY' : 'ACCREC',
			InvoiceID: guidOf(`many-${i}`),
			InvoiceNumber: `N-${i}`,
			Contact: { ContactID: guidOf('c'), Name: 'C' },
			Status: i % 4 === 0 ? 'PAID' : 'AUTHORISED',
			AmountDue: i % 4 === 0 ? 0 : 10,
			CurrencyCode: 'USD',
			LineItems: [],
			Payments: [],
		}));
		await xero.reset({ seed: { Contacts: [], Invoices: many } });
		const where = encodeURIComponent('Type=="ACCREC" AND AmountDue>0');
		const seen = [];
		for (let page = 1; ; page++) {
			const answer = (
				await call('GET', `/Invoices?where=${where}&Statuses=AUTHORISED&page=${page}`)
			).body;
			expect(answer.pagination).toMatchObject({
				page,
				pageSize: 100,
				itemCount: 175,
				pageCount: 2,
			});
			if (answer.Invoices.length === 0) break;
			seen.push(...answer.Invoices);
		}
		expect(seen).toHaveLength(175);
		expect(new Set(seen.map((i) => i.InvoiceID)).size).toBe(175);
		const bigPage = await call('GET', `/Invoices?Statuses=AUTHORISED&page=1&pageSize=1000`);
		expect(bigPage.body.Invoices).toHaveLength(187);
		expect((await call('GET', '/Invoices?page=1&pageSize=1001')).status).toBe(400);
	});

	test('filters by contact, Guid(...), DateTime(...), OR, and leaves line items out without page', async () => {
		const acme = guidOf('cust-1001');
		const byContact = await call('GET', `/Invoices?ContactIDs=${acme}&Statuses=AUTHORISED`);
		expect(byContact.body.Invoices.map((i) => i.InvoiceNumber)).toEqual([
			'INV-2001',
			'INV-2002',
			'INV-2011',
		]);
		expect(byContact.body.Invoices[0].LineItems).toBeUndefined();
		const byGuid = await call(
			'GET',
			`/Invoices?where=${encodeURIComponent(`Contact.ContactID==Guid("${acme}") && DueDate<=DateTime(2026,03,09)`)}`,
		);
		expect(byGuid.body.Invoices.map((i) => i.InvoiceNumber)).toEqual(['INV-2001']);
		const either = await call(
			'GET',
			`/Invoices?where=${encodeURIComponent('InvoiceNumber=="INV-2003" OR InvoiceNumber=="INV-2007"')}`,
		);
		expect(either.body.Invoices.map((i) => i.InvoiceNumber)).toEqual(['INV-2003', 'INV-2007']);
		const unreadable = await call(
			'GET',
			`/Invoices?where=${encodeURIComponent('Status=AUTHORISED')}`,
		);
		expect(unreadable.status).toBe(400);
		expect(unreadable.body.Type).toBe('ValidationException');
	});

	test('a payment against an invoice lowers AmountDue; paying it all makes it PAID', async () => {
		const part = await call('PUT', '/Payments', { body: { Payments: [payment(100)] } });
		expect(part.status).toBe(200);
		expect(part.body.Payments[0]).toMatchObject({
			Amount: 100,
			Reference: 'pi_test',
			Status: 'AUTHORISED',
		});
		expect(await invoice('inv-2001')).toMatchObject({
			AmountDue: 150,
			AmountPaid: 100,
			Status: 'AUTHORISED',
		});
		const rest = await call('POST', '/Payments', { body: payment(150) });
		expect(rest.status).toBe(200);
		const paid = await invoice('inv-2001');
		expect(paid).toMatchObject({ AmountDue: 0, Status: 'PAID' });
		expect(paid.Payments).toHaveLength(2);
		const found = await call(
			'GET',
			`/Payments?where=${encodeURIComponent('Reference=="pi_test"')}`,
		);
		expect(found.body.Payments).toHaveLength(2);
		const jpy = await call('PUT', '/Payments', {
			body: { Payments: [payment(15000, 'inv-2007')] },
		});
		expect(jpy.body.Payments[0].Invoice.Status).toBe('PAID');
	});

	test('refuses what Xero refuses with a ValidationException naming each element', async () => {
		const over = await call('PUT', '/Payments', { body: { Payments: [payment(250.01)] } });
		expect(over.status).toBe(400);
		expect(over.body).toMatchObject({ ErrorNumber: 10, Type: 'ValidationException' });
		expect(messagesOf(over)).toEqual([
			'Payment amount exceeds the amount outstanding on this document',
		]);
		expect(over.body.Elements[0].Reference).toBe('pi_test');
		expect(
			messagesOf(
				await call('PUT', '/Payments', { body: { Payments: [payment(300, 'inv-2008')] } }),
			),
		).toEqual(['Payments can only be made against Authorised documents']);
		expect(
			messagesOf(
				await call('PUT', '/Payments', { body: { Payments: [payment(1, 'inv-2001', '200')] } }),
			)[0],
		).toMatch(/bank accounts/);
		const all = await call('PUT', '/Payments', {
			body: { Payments: [payment(100), payment(1, 'inv-9999')] },
		});
		expect(all.status).toBe(400);
		expect((await invoice('inv-2001')).AmountDue).toBe(250);
		const each = await call('PUT', '/Payments?summarizeErrors=false', {
			body: { Payments: [payment(100), payment(1, 'inv-9999')] },
		});
		expect(each.status).toBe(200);
		expect(each.body.Payments.map((p) => p.StatusAttributeString ?? p.Status)).toEqual([
			'AUTHORISED',
			'ERROR',
		]);
		expect((await invoice('inv-2001')).AmountDue).toBe(150);
	});

	test('an Idempotency-Key seen before gets the first answer again, even when racing; longer than 128 is refused', async () => {
		const send = () =>
			call('PUT', '/Payments', { body: { Payments: [payment(250)] }, key: 'pay-inv-2001-pi_1' });
		const [first, second] = await Promise.all([send(), send()]);
		const third = await send();
		expect(second.body).toEqual(first.body);
		expect(third.body).toEqual(first.body);
		expect(xero.organisation().Payments.filter((p) => p.Reference === 'pi_test')).toHaveLength(1);
		expect((await invoice('inv-2001')).Status).toBe('PAID');
		const long = await call('PUT', '/Payments', {
			body: { Payments: [payment(1)] },
			key: 'k'.repeat(129),
		});
		expect(long.status).toBe(400);
	});

	test('deleting a payment reopens the invoice', async () => {
		const created = (await call('PUT', '/Payments', { body: { Payments: [payment(250)] } })).body
			.Payments[0];
		const deleted = await call('POST', `/Payments/${created.PaymentID}`, {
			body: { Status: 'DELETED' },
		});
		expect(deleted.body.Payments[0].Status).toBe('DELETED');
		expect(await invoice('inv-2001')).toMatchObject({
			Status: 'AUTHORISED',
			AmountDue: 250,
			Payments: [],
		});
	});

	test('a RECEIVE bank transaction records the fee as income of its own', async () => {
		const fee = {
			Type: 'RECEIVE',
			Contact: { ContactID: guidOf('cust-1001') },
			BankAccount: { Code: '090' },
			LineItems: [
				{
					Description: 'Card processing fee INV-2001',
					Quantity: 1,
					UnitAmount: 7.25,
					AccountCode: '270',
				},
			],
			Reference: 'pi_test',
			Date: TODAY,
		};
		const created = await call('PUT', '/BankTransactions', { body: { BankTransactions: [fee] } });
		expect(created.body.BankTransactions[0]).toMatchObject({ Total: 7.25, Status: 'AUTHORISED' });
		expect((await invoice('inv-2001')).AmountDue).toBe(250);
		const badCode = await call('PUT', '/BankTransactions', {
			body: {
				BankTransactions: [{ ...fee, LineItems: [{ ...fee.LineItems[0], AccountCode: '999' }] }],
			},
		});
		expect(messagesOf(badCode)).toEqual([
			"Account code '999' is not a valid code for this document.",
		]);
	});

	test('limits calls as Xero documents, naming the problem: 5 at once, 60 a minute, 5,000 a day', async () => {
		expect(DOCUMENTED_LIMITS).toEqual({
			concurrent: 5,
			perMinute: 60,
			perDay: 5000,
			appPerMinute: 10000,
		});
		xero.setLimits({ concurrent: 5 });
		xero.setLatency(150);
		const racing = await Promise.all(Array.from({ length: 8 }, () => call('GET', '/Invoices')));
		const refused = racing.filter((a) => a.status === 429);
		expect(refused).toHaveLength(3);
		expect(refused[0].headers.get('x-rate-limit-problem')).toBe('concurrent');
		expect(xero.stats.maxInFlight).toBe(5);

		xero.setLatency(0);
		xero.setLimits({ perMinute: 3 });
		const answers = [];
		for (let i = 0; i < 4; i++) answers.push(await call('GET', '/Invoices'));
		expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
		expect(answers[0].headers.get('x-minlimit-remaining')).toBe('2');
		expect(answers[3].headers.get('x-rate-limit-problem')).toBe('minute');
		expect(Number(answers[3].headers.get('retry-after'))).toBeGreaterThanOrEqual(59);

		xero.setLimits({ perDay: 2 });
		await call('GET', '/Invoices');
		await call('GET', '/Invoices');
		const day = await call('GET', '/Invoices');
		expect(day.headers.get('x-rate-limit-problem')).toBe('day');
		expect(Number(day.headers.get('retry-after'))).toBeGreaterThan(86_000);
	});

	test('a refused payment is not run; its retry with the same key runs once', async () => {
		xero.setLimits({ perMinute: 1 });
		await call('GET', '/Invoices');
		const refused = await call('PUT', '/Payments', {
			body: { Payments: [payment(250)] },
			key: 'k-1',
		});
		expect(refused.status).toBe(429);
		const held = xero.organisation().Invoices.find((i) => i.InvoiceNumber === 'INV-2001');
		expect(held?.AmountDue).toBe(250);
		xero.setLimits(null);
		await call('PUT', '/Payments', { body: { Payments: [payment(250)] }, key: 'k-1' });
		await call('PUT', '/Payments', { body: { Payments: [payment(250)] }, key: 'k-1' });
		expect(xero.organisation().Payments.filter((p) => p.Reference === 'pi_test')).toHaveLength(1);
	});

	test('records each call and answers the test hooks over HTTP', async () => {
		await call('GET', '/Invoices?page=1');
		const requests = await (await fetch(`${xero.url}/_test/requests`)).json();
		expect(requests.at(-1)).toMatchObject({ method: 'GET', tenantId: xero.tenantId, status: 200 });
		const reset = await fetch(`${xero.url}/_test/reset`, {
			method: 'POST',
			body: JSON.stringify({ seed: 'empty' }),
		});
		expect(await reset.json()).toEqual({ Contacts: 0, Invoices: 0 });
	});
	test('runs standalone: prints its URL and serves the demo books with the tokens given', async () => {
		const fake = await startStandaloneFake(path.join(__dirname, 'xero-server.js'), [
			'--tenant-id',
			't-1',
			'--access-token',
			'cli-token',
			'--today',
			TODAY,
		]);
		try {
			expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
			const res = await fetch(`${fake.url}/api.xro/2.0/Contacts`, {
				headers: {
					authorization: 'Bearer cli-token',
					accept: 'application/json',
					'xero-tenant-id': 't-1',
				},
			});
			expect(res.status).toBe(200);
		} finally {
			await fake.stop();
		}
	});
});

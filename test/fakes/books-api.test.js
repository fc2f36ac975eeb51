import { addDays, startBooksApi, todayIn } from './books-api';

const TOKEN = 'books-test-token';
const TODAY = '2026-03-10';

describe('books API (demo books)', () => {
	let books;

	const call = async (method, path, body, token = TOKEN) => {
		const headers = { 'content-type': 'application/json' };
		if (token) headers.authorization = `Bearer ${token}`;
		const res = await fetch(`${books.url}${path}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: res.status, body: await res.json() };
	};

	const record = (paymentId, status, amount = '250.00', currency = 'usd') => ({
		provider: 'stripe',
		invoiceId: 'inv-2001',
		paymentId,
		status,
		amount: { amount, minor: Math.round(Number(amount) * 100), currency },
		fee: { amount: '0.00', minor: 0, currency },
	});

	beforeAll(async () => {
		books = await startBooksApi({
			port: 0,
			token: TOKEN,
			timeZone: 'Pacific/Auckland',
			today: TODAY,
		});
	});

	beforeEach(async () => {
		await call('POST', '/_reset', {});
	});

	afterAll(async () => {
		await books.close();
	});

	test('refuses a missing or wrong bearer token, but answers /health', async () => {
		expect((await call('GET', '/customers', undefined, null)).status).toBe(401);
		const wrong = await call('GET', '/customers', undefined, 'nope');
		expect(wrong.status).toBe(401);
		expect(wrong.body.error.code).toBe('unauthorized');
		expect((await call('GET', '/health', undefined, null)).status).toBe(200);
	});

	test('serves the demo customers and invoices dated relative to today', async () => {
		const customers = await call('GET', '/customers');
		expect(customers.status).toBe(200);
		expect(customers.body).toHaveLength(5);
		for (const customer of customers.body) {
			expect(Object.keys(customer).sort()).toEqual(
				[
					'accountsCcEmail',
					'accountsEmail',
					'address',
					'email',
					'id',
					'name',
					'phone',
					'stripeCustomerId',
				].sort(),
			);
		}
		expect((await call('GET', '/customers/cust-1003')).body.name).toBe('Café Lumière SARL');
		expect((await call('GET', '/customers/cust-9999')).status).toBe(404);

		const invoices = (await call('GET', '/invoices')).body;
		expect(invoices).toHaveLength(12);
		const byNumber = Object.fromEntries(invoices.map((invoice) => [invoice.number, invoice]));
		expect(byNumber['INV-2001']).toMatchObject({
			id: 'inv-2001',
			customerId: 'cust-1001',
			currency: 'USD',
			total: '250.00',
			balance: '250.00',
			dueDate: '2026-03-09',
			recurringInvoiceId: 'rec-301',
			status: 'open',
			paymentStatus: 'unpaid',
			sentToProvider: true,
		});
		expect(byNumber['INV-2002'].createdAt).toBe(TODAY);
		expect(byNumber['INV-2003'].dueDate).toBe(TODAY);
		expect(byNumber['INV-2012'].dueDate).toBe('2026-03-17');
		expect(byNumber['INV-2007']).toMatchObject({ currency: 'JPY', total: '15000' });
		expect(invoices.filter((invoice) => invoice.currency === 'EUR')).toHaveLength(1);
		expect(byNumber['INV-2008']).toMatchObject({ balance: '0.00', paymentStatus: 'paid' });
		expect(byNumber['INV-2011'].sentToProvider).toBe(false);
	});

	test('filters invoices by status, customer and recurring', async () => {
		const recurring = (await call('GET', '/invoices?recurring=true')).body;
		expect(recurring.map((invoice) => invoice.id)).toEqual([
			'inv-2001',
			'inv-2002',
			'inv-2003',
			'inv-2006',
			'inv-2007',
			'inv-2008',
			'inv-2009',
			'inv-2010',
			'inv-2012',
		]);
		expect(
			(await call('GET', '/invoices?recurring=false')).body.map((invoice) => invoice.id),
		).toEqual(['inv-2004', 'inv-2005', 'inv-2011']);
		const openForAcme = (await call('GET', '/invoices?status=open&customerId=cust-1001')).body;
		expect(openForAcme.map((invoice) => invoice.id)).toEqual(['inv-2001', 'inv-2002', 'inv-2011']);
		expect((await call('GET', '/invoices?status=paid')).body.map((invoice) => invoice.id)).toEqual([
			'inv-2008',
		]);
		expect((await call('GET', '/invoices?recurring=maybe')).status).toBe(400);
	});

	test('records a payment once per paymentId and moves the invoice with its status', async () => {
		const pending = await call('POST', '/invoices/inv-2001/payments', record('pi_1', 'processing'));
		expect(pending.status).toBe(201);
		expect(pending.body.invoice).toMatchObject({ paymentStatus: 'pending', balance: '250.00' });

		const action = await call(
			'POST',
			'/invoices/inv-2001/payments',
			record('pi_1', 'requires_action'),
		);
		expect(action.status).toBe(200);
		expect(action.body.invoice.paymentStatus).toBe('action_required');

		const paid = await call('POST', '/invoices/inv-2001/payments', record('pi_1', 'succeeded'));
		expect(paid.status).toBe(200);
		expect(paid.body.invoice).toMatchObject({
			paymentStatus: 'paid',
			balance: '0.00',
			status: 'paid',
		});
		expect(paid.body.payment.history.map((entry) => entry.status)).toEqual([
			'processing',
			'requires_action',
			'succeeded',
		]);

		// a late, out-of-order webhook does not undo a succeeded payment
		const late = await call('POST', '/invoices/inv-2001/payments', record('pi_1', 'processing'));
		expect(late.body.payment.status).toBe('succeeded');
		expect(late.body.invoice.paymentStatus).toBe('paid');

		const payments = (await call('GET', '/invoices/inv-2001/payments')).body;
		expect(payments).toHaveLength(1);
		expect(payments[0]).toMatchObject({
			invoiceId: 'inv-2001',
			paymentId: 'pi_1',
			status: 'succeeded',
		});
		const all = (await call('GET', '/payments')).body;
		expect(all.filter((payment) => payment.invoiceId === 'inv-2001')).toHaveLength(1);
	});

	test('a failed payment marks the invoice failed and leaves the balance', async () => {
		const failed = await call('POST', '/invoices/inv-2001/payments', record('pi_2', 'failed'));
		expect(failed.body.invoice).toMatchObject({
			paymentStatus: 'failed',
			balance: '250.00',
			status: 'open',
		});
		// a new attempt with another payment succeeds: two records, invoice paid
		const retry = await call('POST', '/invoices/inv-2001/payments', record('pi_3', 'succeeded'));
		expect(retry.status).toBe(201);
		expect(retry.body.invoice).toMatchObject({ paymentStatus: 'paid', balance: '0.00' });
		expect((await call('GET', '/invoices/inv-2001/payments')).body.map((p) => p.status)).toEqual([
			'failed',
			'succeeded',
		]);
	});

	test('zero-decimal balances and bad payment records', async () => {
		const yen = {
			...record('pi_jpy', 'succeeded', '15000', 'jpy'),
			invoiceId: 'inv-2007',
		};
		const paid = await call('POST', '/invoices/inv-2007/payments', yen);
		expect(paid.body.invoice).toMatchObject({ balance: '0', paymentStatus: 'paid' });

		const wrongCurrency = await call(
			'POST',
			'/invoices/inv-2001/payments',
			record('pi_x', 'succeeded', '250.00', 'eur'),
		);
		expect(wrongCurrency.status).toBe(400);
		expect(wrongCurrency.body.error.code).toBe('currency_mismatch');
		const badStatus = await call('POST', '/invoices/inv-2001/payments', record('pi_x', 'done'));
		expect(badStatus.body.error.code).toBe('invalid_status');
		const noId = await call('POST', '/invoices/inv-2001/payments', { ...record('', 'succeeded') });
		expect(noId.body.error.code).toBe('invalid_payment_id');
		const otherInvoice = await call(
			'POST',
			'/invoices/inv-2002/payments',
			record('pi_x', 'succeeded'),
		);
		expect(otherInvoice.body.error.code).toBe('invoice_mismatch');
		expect(
			(await call('POST', '/invoices/inv-9999/payments', record('pi_x', 'succeeded'))).status,
		).toBe(404);
		expect((await call('GET', '/invoices/inv-2001')).body.paymentStatus).toBe('unpaid');
	});

	test('PATCH /customers/:id stores the Stripe customer id and nothing else', async () => {
		const patched = await call('PATCH', '/customers/cust-1001', { stripeCustomerId: 'cus_123' });
		expect(patched.body.stripeCustomerId).toBe('cus_123');
		expect((await call('PATCH', '/customers/cust-1001', { name: 'x' })).status).toBe(400);
		expect((await call('GET', '/customers/cust-1001')).body).toMatchObject({
			name: 'Acme Plumbing Ltd',
			stripeCustomerId: 'cus_123',
		});
	});

	test('POST /_reset restores the seed, or loads another one', async () => {
		await call('POST', '/invoices/inv-2001/payments', record('pi_1', 'succeeded'));
		const reset = await call('POST', '/_reset', { today: '2026-12-31' });
		expect(reset.body).toMatchObject({ today: '2026-12-31', invoices: 12 });
		expect((await call('GET', '/invoices/inv-2001')).body).toMatchObject({
			paymentStatus: 'unpaid',
			dueDate: '2026-12-30',
		});

		await call('POST', '/_reset', { seed: 'empty' });
		expect((await call('GET', '/invoices')).body).toEqual([]);
		const custom = {
			customers: [{ id: 'c1', name: 'Solo', email: 's@example.com' }],
			invoices: [
				{
					id: 'i1',
					number: 'N1',
					customerId: 'c1',
					currency: 'GBP',
					total: '10.00',
					balance: '10.00',
					status: 'open',
					paymentStatus: 'unpaid',
					recurringInvoiceId: null,
				},
			],
		};
		await call('POST', '/_reset', { seed: custom });
		expect((await call('GET', '/invoices/i1')).body.total).toBe('10.00');
		expect((await call('POST', '/_reset', { seed: 42 })).status).toBe(400);
	});

	test('each answer to a payment record says whether its status is new to the books', async () => {
		const first = await call('POST', '/invoices/inv-2001/payments', record('pi_9', 'processing'));
		expect(first.body).toMatchObject({ created: true, statusChanged: true, previousStatus: null });
		const again = await call('POST', '/invoices/inv-2001/payments', record('pi_9', 'processing'));
		expect(again.body).toMatchObject({
			created: false,
			statusChanged: false,
			previousStatus: 'processing',
		});
		const paid = await call('POST', '/invoices/inv-2001/payments', record('pi_9', 'succeeded'));
		expect(paid.body).toMatchObject({ statusChanged: true, previousStatus: 'processing' });
		// a late event after the final status changes nothing, so nothing is announced twice
		const late = await call('POST', '/invoices/inv-2001/payments', record('pi_9', 'failed'));
		expect(late.body).toMatchObject({ statusChanged: false, previousStatus: 'succeeded' });
		expect(late.body.payment.status).toBe('succeeded');
	});

	test('GET /callers/:id: who may pay, as the books know them', async () => {
		const agent = await call('GET', '/callers/agent-7');
		expect(agent.status).toBe(200);
		expect(agent.body).toEqual({
			id: 'agent-7',
			kind: 'agent',
			name: 'Dana Agent',
			email: 'dana.agent@invoice-payments.example.com',
			active: true,
			customerId: null,
			canReceiveManualStripePayments: true,
			invoiceAccessLevel: null,
		});
		expect((await call('GET', '/callers/portal-501')).body).toMatchObject({
			kind: 'portal',
			customerId: 'cust-1001',
			invoiceAccessLevel: 'customer',
		});
		expect((await call('GET', '/callers/agent-8')).body.canReceiveManualStripePayments).toBe(false);
		expect((await call('GET', '/callers/portal-503')).body.invoiceAccessLevel).toBe('none');
		const unknown = await call('GET', '/callers/nobody');
		expect(unknown.status).toBe(404);
		expect(unknown.body.error.code).toBe('not_found');
		expect((await call('GET', '/callers/agent-7', undefined, null)).status).toBe(401);
		await call('POST', '/_reset', { seed: { customers: [], invoices: [] } });
		expect((await call('GET', '/callers/agent-7')).status).toBe(404);
	});

	test('unknown routes and methods', async () => {
		expect((await call('GET', '/nothing')).status).toBe(404);
		expect((await call('DELETE', '/invoices')).status).toBe(405);
		const res = await fetch(`${books.url}/invoices/inv-2001/payments`, {
			method: 'POST',
			headers: { authorization: `Bearer ${TOKEN}` },
			body: '{not json',
		});
		expect(res.status).toBe(400);
	});
});

describe('books API dates', () => {
	test('today is the calendar date in the books time zone', () => {
		const instant = new Date('2026-03-10T20:30:00Z');
		expect(todayIn('UTC', instant)).toBe('2026-03-10');
		expect(todayIn('Pacific/Auckland', instant)).toBe('2026-03-11');
		expect(todayIn('America/Los_Angeles', new Date('2026-03-10T05:00:00Z'))).toBe('2026-03-09');
		expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
		expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
	});

	test('without a fixed today the demo seed follows the configured time zone', async () => {
		const books = await startBooksApi({ port: 0, timeZone: 'Pacific/Kiritimati' });
		try {
			const res = await fetch(`${books.url}/invoices/inv-2002`);
			expect((await res.json()).createdAt).toBe(todayIn('Pacific/Kiritimati'));
		} finally {
			await books.close();
		}
	});
});

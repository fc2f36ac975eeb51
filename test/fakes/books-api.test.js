// @ts-check
import { addDays, startBooksApi, todayIn } from './books-api';

const TOKEN = 'books-test-token';
const TODAY = '2026-03-10';

describe('books API (demo books)', () => {
	let books;

	/**
	 * @param {string} method
	 * @param {string} path
	 * @param {unknown} [body]
	 * @param {string | null} [token] null: no Authorization header
	 */
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

	/** A payment of INV-2001 by its customer, Acme (cust-1001). */
	const record = (paymentId, status, amount = '250.00', currency = 'usd') => ({
		provider: 'stripe',
		invoiceId: 'inv-2001',
		paymentId,
		status,
		customer: { booksId: 'cust-1001', providerId: null },
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
			// the yen has no minor unit: the ledger refuses "0.00" or 1500000 minor units for it
			amount: { amount: '15000', minor: 15000, currency: 'jpy' },
			fee: { amount: '0', minor: 0, currency: 'jpy' },
			invoiceId: 'inv-2007',
			customer: { booksId: 'cust-1004', providerId: null },
		};
		const paid = await call('POST', '/invoices/inv-2007/payments', yen);
		expect(paid.body.invoice).toMatchObject({ balance: '0', paymentStatus: 'paid' });

		const badFee = await call('POST', '/invoices/inv-2001/payments', {
			...record('pi_x', 'succeeded'),
			fee: { amount: 'lots', currency: 'usd' },
		});
		expect(badFee.body.error.code).toBe('invalid_amount');
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

	describe('refunds', () => {
		const usd = (amount) => ({ amount, currency: 'usd' });
		/** A refund report as the payment-status workflow posts it: the payment record after the refund. */
		const refundReport = (
			paymentId,
			refunded,
			kept,
			status = kept === '0.00' ? 'refunded' : 'succeeded',
		) => ({
			...record(paymentId, status),
			kind: 'refund',
			refund: { amountRefunded: usd(refunded), amountKept: kept === null ? null : usd(kept) },
		});
		const post = (body) => call('POST', '/invoices/inv-2001/payments', body);

		test('a full refund reopens the invoice with its balance; told again, nothing changes', async () => {
			await post({
				...record('pi_r1', 'succeeded'),
				paymentMethod: { id: 'pm_1', label: 'Visa •••• 4242' },
			});
			const refunded = await post(refundReport('pi_r1', '250.00', '0.00'));
			expect(refunded.status).toBe(200);
			expect(refunded.body).toMatchObject({ statusChanged: true, previousStatus: 'succeeded' });
			expect(refunded.body.invoice).toMatchObject({
				status: 'open',
				paymentStatus: 'unpaid',
				balance: '250.00',
			});
			// what was refunded changes, not what was paid
			expect(refunded.body.payment).toMatchObject({
				status: 'refunded',
				amount: { amount: '250.00' },
				paymentMethod: { label: 'Visa •••• 4242' },
				refund: { amountRefunded: usd('250.00'), amountKept: usd('0.00') },
			});
			expect(refunded.body.payment.kind).toBeUndefined();

			const again = await post(refundReport('pi_r1', '250.00', '0.00'));
			expect(again.body).toMatchObject({ created: false, statusChanged: false });
			expect(again.body.invoice).toMatchObject({ status: 'open', balance: '250.00' });
			// a late success without refund news does not close the invoice again
			const late = await post(record('pi_r1', 'succeeded'));
			expect(late.body.payment).toMatchObject({
				status: 'refunded',
				refund: { amountRefunded: usd('250.00') },
			});
			expect(late.body.invoice).toMatchObject({ status: 'open', balance: '250.00' });
			expect((await call('GET', '/invoices/inv-2001/payments')).body).toHaveLength(1);

			// the invoice can be paid again
			const repaid = await post(record('pi_r2', 'succeeded'));
			expect(repaid.body.invoice).toMatchObject({
				status: 'paid',
				paymentStatus: 'paid',
				balance: '0.00',
			});
		});

		test('a partial refund: the balance is the amount refunded, the payment still succeeded', async () => {
			await post(record('pi_p1', 'succeeded'));
			const partial = await post(refundReport('pi_p1', '100.00', '150.00'));
			expect(partial.body).toMatchObject({ statusChanged: false, previousStatus: 'succeeded' });
			expect(partial.body.payment).toMatchObject({
				status: 'succeeded',
				refund: { amountKept: usd('150.00') },
			});
			expect(partial.body.invoice).toMatchObject({
				status: 'open',
				paymentStatus: 'partially_paid',
				balance: '100.00',
			});
			// a second partial refund: the record holds the payment's refunds in total
			const second = await post(refundReport('pi_p1', '180.00', '70.00'));
			expect(second.body.invoice).toMatchObject({ balance: '180.00' });
			// a late success without refund news keeps the refund
			const late = await post(record('pi_p1', 'succeeded'));
			expect(late.body.payment.refund.amountRefunded).toEqual(usd('180.00'));
			expect(late.body.invoice.balance).toBe('180.00');
			// a new payment in flight for the reopened balance shows as pending
			const inFlight = await post(record('pi_p2', 'processing', '180.00'));
			expect(inFlight.body.invoice).toMatchObject({ paymentStatus: 'pending', balance: '180.00' });
		});

		test('a failed refund (nothing refunded any more) makes the payment count again', async () => {
			await post(record('pi_f1', 'succeeded'));
			await post(refundReport('pi_f1', '250.00', '0.00'));
			const failed = await post(refundReport('pi_f1', '0.00', '250.00', 'succeeded'));
			expect(failed.body).toMatchObject({ statusChanged: true, previousStatus: 'refunded' });
			expect(failed.body.invoice).toMatchObject({
				status: 'paid',
				paymentStatus: 'paid',
				balance: '0.00',
			});
		});

		test('a refund the books hear of first is recorded; a canceled payment cannot be refunded', async () => {
			const first = await post(refundReport('pi_n1', '50.00', null, 'succeeded'));
			expect(first.status).toBe(201);
			expect(first.body.invoice).toMatchObject({
				paymentStatus: 'partially_paid',
				balance: '50.00',
			});
			await post(record('pi_c1', 'canceled'));
			const canceled = await post(refundReport('pi_c1', '250.00', '0.00'));
			expect(canceled.body.payment.status).toBe('canceled');
		});

		test('bad refunds are refused and change nothing', async () => {
			await post(record('pi_b1', 'succeeded'));
			const cases = [
				{ ...record('pi_b1', 'refunded') },
				{ ...record('pi_b1', 'refunded'), refund: { amountKept: usd('0.00') } },
				{
					...record('pi_b1', 'refunded'),
					refund: { amountRefunded: { amount: '250.00', currency: 'eur' }, amountKept: null },
				},
				{
					...record('pi_b1', 'refunded'),
					refund: { amountRefunded: usd('2,50'), amountKept: null },
				},
				{ ...record('pi_b1', 'refunded'), refund: 'all of it' },
			];
			for (const body of cases) {
				const answer = await post(body);
				expect(answer.status).toBe(400);
				expect(answer.body.error.code).toBe('invalid_refund');
			}
			expect((await call('GET', '/invoices/inv-2001')).body).toMatchObject({
				status: 'paid',
				balance: '0.00',
			});
		});
	});

	describe('matching: a record that does not match its invoice is kept apart and pays nothing', () => {
		const usd = (amount) => ({ amount, currency: 'usd' });
		const post = (body, invoiceId = 'inv-2001') =>
			call('POST', `/invoices/${invoiceId}/payments`, body);
		const mismatches = async () => (await call('GET', '/payment-mismatches')).body;
		const unpaid = { status: 'open', paymentStatus: 'unpaid', balance: '250.00' };

		test('a $1 payment naming the invoice: 409 payment_mismatch, kept as a mismatch, the invoice unpaid', async () => {
			const answer = await post(record('pi_cheap', 'succeeded', '1.00'));
			expect(answer.status).toBe(409);
			expect(answer.body.error).toEqual({
				code: 'payment_mismatch',
				// the matcher's sentence (nodes/core/payments/paymentMatch.ts), after the invoice's number
				message: expect.stringMatching(
					/^The payment does not match invoice INV-2001: It pays \$1\.00, less than the invoice's balance \$250\.00/,
				),
				reasons: [{ code: 'AMOUNT_MISMATCH', message: expect.stringContaining('$1.00') }],
			});
			expect(answer.body).toMatchObject({ created: true, statusChanged: true, invoice: unpaid });
			expect((await call('GET', '/invoices/inv-2001')).body).toMatchObject(unpaid);
			expect((await call('GET', '/invoices/inv-2001/payments')).body).toEqual([]);
			expect(await mismatches()).toEqual([
				expect.objectContaining({
					invoiceId: 'inv-2001',
					paymentId: 'pi_cheap',
					status: 'succeeded',
					reasons: answer.body.error.reasons,
				}),
			]);
			expect((await call('GET', '/invoices/inv-2001/payment-mismatches')).body).toHaveLength(1);
			// told again, the same record; it stays a mismatch even for the right amount
			const again = await post(record('pi_cheap', 'succeeded', '250.00'));
			expect(again.status).toBe(409);
			expect(again.body).toMatchObject({ created: false, statusChanged: false });
			expect(again.body.error.reasons.map((r) => r.code)).toEqual(['KEPT_AS_MISMATCH']);
			expect(await mismatches()).toHaveLength(1);
			expect((await call('GET', '/invoices/inv-2001')).body).toMatchObject(unpaid);
		});

		test("another customer's payment, or one naming no customer, does not pay the invoice", async () => {
			const other = await post({
				...record('pi_other', 'succeeded'),
				customer: { booksId: 'cust-1002', providerId: 'cus_B' },
			});
			expect(other.status).toBe(409);
			expect(other.body.error.reasons.map((r) => r.code)).toEqual(['CUSTOMER_MISMATCH']);
			const nobody = await post({ ...record('pi_nobody', 'succeeded'), customer: null });
			expect(nobody.body.error.reasons.map((r) => r.code)).toEqual(['NO_CUSTOMER']);
			// with the Stripe customer in the books, a payment of another Stripe customer mismatches
			await call('PATCH', '/customers/cust-1001', { stripeCustomerId: 'cus_A' });
			const stripe = await post({
				...record('pi_stripe', 'succeeded'),
				customer: { booksId: 'cust-1001', providerId: 'cus_B' },
			});
			expect(stripe.body.error.reasons.map((r) => r.code)).toEqual(['STRIPE_CUSTOMER_MISMATCH']);
			// and the mapped Stripe customer alone identifies the payer
			const mapped = await post({
				...record('pi_mapped', 'succeeded'),
				customer: { booksId: null, providerId: 'cus_A' },
			});
			expect(mapped.status).toBe(201);
			expect(mapped.body.invoice.paymentStatus).toBe('paid');
		});

		test('another currency, or lines not adding up to the payment, are mismatches', async () => {
			const euro = await post({
				...record('pi_eur', 'succeeded', '250.00', 'eur'),
			});
			expect(euro.status).toBe(409);
			expect(euro.body.error.reasons.map((r) => r.code)).toEqual(['CURRENCY_MISMATCH']);
			const claimed = await post({
				...record('pi_lines', 'succeeded'),
				total: usd('250.00'),
				paymentAmount: usd('1.00'),
				invoiceIds: ['inv-2001'],
			});
			expect(claimed.body.error.reasons.map((r) => r.code)).toEqual(['LINES_MISMATCH']);
			const total = await post({ ...record('pi_total', 'succeeded'), total: usd('300.00') });
			expect(total.body.error.reasons.map((r) => r.code)).toEqual(['LINES_MISMATCH']);
			expect((await call('GET', '/invoices/inv-2001')).body).toMatchObject(unpaid);
		});

		test("a combined payment's lines, posted one by one, never add up to more than it took", async () => {
			const line = (invoiceId, customerId, amount) => ({
				...record('pi_both', 'succeeded', amount),
				invoiceId,
				customer: { booksId: customerId, providerId: null },
				total: usd(amount),
				paymentAmount: usd('349.00'),
				invoiceIds: ['inv-2001', 'inv-2002'],
			});
			expect((await post(line('inv-2001', 'cust-1001', '250.00'))).status).toBe(201);
			expect((await post(line('inv-2002', 'cust-1001', '99.00'), 'inv-2002')).status).toBe(201);
			// the same payment naming a third line over what it took
			const third = await post(
				{
					...line('inv-2012', 'cust-1005', '360.00'),
					invoiceIds: ['inv-2001', 'inv-2002', 'inv-2012'],
				},
				'inv-2012',
			);
			expect(third.body.error.reasons.map((r) => r.code)).toEqual(['LINES_MISMATCH']);
		});

		test('a later report of a payment the books counted matches what they recorded; a second payment of a paid invoice does not', async () => {
			expect((await post(record('pi_1', 'succeeded'))).status).toBe(201);
			// the payment-status webhook reports it after the run recorded it: the balance is 0 now
			const later = await post({ ...record('pi_1', 'succeeded'), kind: 'payment' });
			expect(later.status).toBe(200);
			const twice = await post(record('pi_2', 'succeeded'));
			expect(twice.status).toBe(409);
			expect(twice.body.error.reasons).toEqual([
				{
					code: 'ALREADY_PAID',
					message: expect.stringContaining('Invoice INV-2001 is paid already'),
				},
			]);
			// a failed or canceled attempt took nothing: whose it is is all that is checked
			expect((await post(record('pi_3', 'failed', '1.00'))).status).toBe(201);
			expect((await call('GET', '/invoices/inv-2001')).body.paymentStatus).toBe('paid');
		});

		test('POST /invoices/:id/payment-mismatches keeps what the caller found; it counts for nothing', async () => {
			const reasons = [{ code: 'CUSTOMER_MISMATCH', message: 'Of another customer' }];
			const body = { payment: { ...record('pi_kept', 'processing'), kind: 'payment' }, reasons };
			const kept = await call('POST', '/invoices/inv-2001/payment-mismatches', body);
			expect(kept.status).toBe(201);
			expect(kept.body).toMatchObject({
				created: true,
				statusChanged: true,
				previousStatus: null,
				payment: { paymentId: 'pi_kept', status: 'processing', reasons },
				invoice: unpaid,
			});
			const replay = await call('POST', '/invoices/inv-2001/payment-mismatches', body);
			expect(replay.status).toBe(200);
			expect(replay.body).toMatchObject({ created: false, statusChanged: false });
			const succeeded = await call('POST', '/invoices/inv-2001/payment-mismatches', {
				...body,
				payment: record('pi_kept', 'succeeded'),
			});
			expect(succeeded.body).toMatchObject({ statusChanged: true, previousStatus: 'processing' });
			expect(succeeded.body.payment.history.map((h) => h.status)).toEqual([
				'processing',
				'processing',
				'succeeded',
			]);
			expect((await call('GET', '/invoices/inv-2001')).body).toMatchObject(unpaid);
			expect((await call('GET', '/payments')).body.some((p) => p.paymentId === 'pi_kept')).toBe(
				false,
			);
			// and the payments route will not count it afterwards
			expect((await post(record('pi_kept', 'succeeded'))).status).toBe(409);

			for (const bad of [
				{ payment: record('pi_x', 'succeeded'), reasons: [] },
				{ payment: record('pi_x', 'succeeded'), reasons: [{ code: 'X' }] },
				{ payment: record('pi_x', 'succeeded') },
			]) {
				const answer = await call('POST', '/invoices/inv-2001/payment-mismatches', bad);
				expect(answer.status).toBe(400);
				expect(answer.body.error.code).toBe('invalid_reasons');
			}
			const noStatus = await call('POST', '/invoices/inv-2001/payment-mismatches', {
				payment: record('pi_x', 'done'),
				reasons,
			});
			expect(noStatus.body.error.code).toBe('invalid_status');
			expect(
				(
					await call('POST', '/invoices/inv-9999/payment-mismatches', {
						payment: record('pi_x', 'succeeded'),
						reasons,
					})
				).status,
			).toBe(404);
		});
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

// @ts-check
/**
 * A Stripe Checkout page nobody pays: Stripe expires it (24 h at the latest; here through its
 * expire endpoint, as the fake has it), the payment-status workflow hears
 * checkout.session.expired, and the books' record under the session id is canceled, so the
 * invoice is unpaid again and can be paid. A canceled page sends no email.
 */
import { clients, loadState } from './support/clients';
import { mails, settle, undelivered } from './support/settle';
import { seededCustomer, seedFor } from './support/seed';

const state = loadState();
const c = clients(state);
const { n8n, stripe, books, smtp, request, jwt } = c;
const P = 'exp';
const STATUS = 'invPayWf3Status';
const HOOK = n8n.webhook('invoice-payments/pay');
const id = (key) => `${P}-${key}`;

const pay = (caller, body) =>
	request('POST', HOOK, { headers: { authorization: `Bearer ${jwt({ sub: id(caller) })}` }, body });
const recordsOf = async (invoiceId) =>
	(await books.payments()).filter((p) => p.invoiceId === invoiceId);
const expire = (sessionId) => stripe.api('POST', `/checkout/sessions/${sessionId}/expire`);
/** The books' record of the page, once the status workflow has written it as canceled. */
const canceledRecord = (invoiceId, sessionId) =>
	c.waitFor(`the books to cancel ${sessionId} of ${invoiceId}`, async () =>
		(await recordsOf(invoiceId)).find((r) => r.paymentId === sessionId && r.status === 'canceled'),
	);

beforeAll(async () => {
	await n8n.setSettings('invPayWf4PayNow', {
		feePercent: '3',
		emailSetting: 'successesAndFailures',
	});
	for (const workflow of ['invPayWf2AutoPay', STATUS])
		await n8n.setSettings(workflow, { emailSetting: 'successesAndFailures' });
	const { seed } = seedFor(P, state.timeZone, {
		customers: [
			{ key: 'c1', name: 'Link Never Opened' },
			{ key: 'c2', name: 'Bank Never Confirmed' },
		],
		invoices: [
			// paid by hand, not by the auto-pay (due in three weeks, not recurring)
			{ key: 'i1', customer: 'c1', total: '45.00', recurring: false, due: 21 },
			// the daily auto-pay's: due today
			{ key: 'i2', customer: 'c2', total: '75.00', due: 0 },
		],
		callers: [
			{
				key: 'pat',
				kind: 'portal',
				name: 'Pat Portal',
				email: 'pat@link.example.com',
				customer: 'c1',
				invoiceAccessLevel: 'customer',
			},
		],
	});
	await books.reset(seed);
	for (const [key, method] of [
		['c1', 'pm_card_visa'],
		['c2', 'pm_card_authenticationRequired'],
	]) {
		const customer = seededCustomer(seed, id(key));
		await stripe.createCustomer({
			name: customer.name,
			email: customer.email,
			metadata: { books_customer_id: customer.id },
			defaultPaymentMethod: method,
		});
	}
	await smtp.clear();
});

test('the payment-status endpoint receives checkout.session.expired', async () => {
	const [endpoint] = (await stripe.api('GET', '/webhook_endpoints')).data;
	expect(endpoint.enabled_events).toContain('checkout.session.expired');
});

test('an expired pay link: its record canceled under the session id, the invoice unpaid and payable, no email', async () => {
	const link = await pay('pat', { invoiceIds: [id('i1')], howToPay: 'payLink' });
	expect(link.status).toBe(200);
	const sessionId = link.json.checkoutSessionId;
	expect(sessionId).toMatch(/^cs_test_/);
	expect(link.json.payLink).toBe(`${state.stripeUrl}/checkout/${sessionId}`);
	await settle(c);
	await smtp.clear();

	const expiredAt = Date.now();
	expect(await expire(sessionId)).toMatchObject({ id: sessionId, status: 'expired', url: null });
	const record = await canceledRecord(id('i1'), sessionId);
	await settle(c);
	expect(record).toMatchObject({
		provider: 'stripe',
		eventType: 'checkout.session.expired',
		checkoutSessionId: sessionId,
		amount: { amount: '45.00', currency: 'usd' },
		fee: { amount: '1.35' },
		total: { amount: '46.35' },
		customer: { booksId: id('c1') },
		failure: null,
	});
	expect((await recordsOf(id('i1'))).map((r) => [r.paymentId, r.status])).toEqual([
		[sessionId, 'canceled'],
	]);
	expect(await books.invoice(id('i1'))).toMatchObject({
		paymentStatus: 'unpaid',
		status: 'open',
		balance: '45.00',
	});
	// the status workflow ran through (books, customer, Stripe) and chose no email
	const runs = (await n8n.executions(STATUS)).filter(
		(e) => Date.parse(e.startedAt) >= expiredAt - 1000,
	);
	expect(runs.map((e) => e.status)).toEqual(['success']);
	expect(await smtp.messages()).toEqual([]);
	const deliveries = (await stripe.deliveries()).filter(
		(d) => d.eventType === 'checkout.session.expired',
	);
	expect(deliveries).not.toEqual([]);
	expect(undelivered(deliveries)).toEqual([]);
	// nothing was charged for the link
	expect(
		(await stripe.ledger()).charges.filter((charge) => charge.invoiceIds.includes(id('i1'))),
	).toEqual([]);

	// nothing holds the invoice back: the customer pays it
	const paid = await pay('pat', { invoiceIds: [id('i1')], howToPay: 'automatic' });
	expect(paid.status).toBe(200);
	expect(paid.json.payments.map((p) => [p.invoiceId, p.status, p.total.amount])).toEqual([
		[id('i1'), 'succeeded', '46.35'],
	]);
	expect(await books.invoice(id('i1'))).toMatchObject({ paymentStatus: 'paid', balance: '0.00' });
	await settle(c);
	expect((await mails(smtp, 1)).map((m) => m.subject)).toEqual([
		'Payment Confirmation: invoice EXP-I1',
	]);
});

test("an expired 3-D Secure page of the auto-pay: action required until it expires, then unpaid and in the next run's charges, no email", async () => {
	const run = await n8n.execute('invPayWf2AutoPay');
	expect(run.status).toBe('success');
	await settle(c);
	const waiting = (await recordsOf(id('i2'))).find((r) => r.status === 'requires_action');
	expect(waiting).toMatchObject({ paymentId: expect.stringMatching(/^cs_/) });
	const sessionId = waiting.paymentId;
	expect(await books.invoice(id('i2'))).toMatchObject({ paymentStatus: 'action_required' });
	// the failure email with the link, and the run report
	await mails(smtp, 2);
	await smtp.clear();

	await expire(sessionId);
	const record = await canceledRecord(id('i2'), sessionId);
	await settle(c);
	expect(record).toMatchObject({
		eventType: 'checkout.session.expired',
		checkoutSessionId: sessionId,
		total: { amount: '75.00', currency: 'usd' },
	});
	// the declined off-session attempt keeps its own record; the page's record is canceled
	expect(
		(await recordsOf(id('i2'))).map((r) => [r.paymentId.slice(0, 3), r.status]).sort(),
	).toEqual([
		['cs_', 'canceled'],
		['pi_', 'failed'],
	]);
	expect(await books.invoice(id('i2'))).toMatchObject({
		paymentStatus: 'unpaid',
		balance: '75.00',
	});
	expect(await smtp.messages()).toEqual([]);

	// the auto-pay takes it again: tomorrow's run (previewed, nothing charged) would charge it
	const preview = await n8n.execute('invPayWf6DryRun');
	expect(preview.status).toBe('success');
	const [charge] =
		preview.data.resultData.runData['Auto-Pay Scan: as of tomorrow 06:00'][0].data.main;
	expect(charge.map((item) => item.json.autoPay.invoiceId)).toContain(id('i2'));
}, 300_000);

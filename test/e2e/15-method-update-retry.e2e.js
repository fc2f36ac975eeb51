// @ts-check
/**
 * Retry the moment the method changes: a customer's automatic charge fails in the daily run
 * (pm_card_chargeCustomerFail: attached, then every charge declines); the customer attaches a
 * good card and makes it their default in Stripe (as the customer portal or the Dashboard does),
 * so Stripe sends its signed payment_method.attached and customer.updated to the payment-status
 * workflow. Its Payment Method Changed branch scans the customer's open invoices as the daily
 * run does and charges the failed one on the new card at once: one charge in the ledger, the
 * books show it paid, and the customer gets the daily run's Payment Confirmation. Then the same
 * through the add-method link of the failure email: the card saved on Stripe's Checkout page is
 * made automatic by the status workflow, and that change charges the invoice.
 */
import { clients, loadState } from './support/clients';
import { seedFor } from './support/seed';
import { mails, settle, undelivered } from './support/settle';

const state = loadState();
const c = clients(state);
const { n8n, stripe, books, smtp } = c;
const AUTO_PAY = 'invPayWf2AutoPay';
const STATUS = 'invPayWf3Status';
const P = 'mchg';
const id = (/** @type {string} */ key) => `${P}-${key}`;
const number = (/** @type {string} */ key) => `${P.toUpperCase()}-${key.toUpperCase()}`;

/** A Stripe API write as the customer portal or the Dashboard makes it (its events follow). */
async function stripeWrite(
	/** @type {string} */ path,
	/** @type {Record<string, string>} */ params,
) {
	const res = await c.request('POST', `${state.stripeUrl}/v1${path}`, {
		headers: {
			authorization: `Bearer ${state.credentials.invPayStripeDemo.data.secretKey}`,
			'content-type': 'application/x-www-form-urlencoded',
		},
		body: new URLSearchParams(params).toString(),
	});
	if (res.status >= 300) throw new Error(`POST ${path}: HTTP ${res.status} ${res.text}`);
	return res.json;
}

/** The ledger's charges (succeeded PaymentIntents) of this test's invoices. */
async function charges() {
	const ledger = await stripe.ledger();
	return {
		charges: ledger.charges.filter((/** @type {any} */ charge) =>
			charge.invoiceIds.some((/** @type {string} */ i) => i.startsWith(`${P}-`)),
		),
		duplicates: ledger.duplicates.filter((/** @type {string} */ i) => i.startsWith(`${P}-`)),
	};
}

/** The status workflow's executions, but those in `known`, that ran the branch's charge. */
async function retryExecutions(/** @type {Set<string>} */ known) {
	const list = await n8n.executions(STATUS);
	const ran = [];
	for (const execution of list.filter((/** @type {any} */ e) => !known.has(e.id))) {
		const full = await n8n.execution(execution.id);
		const runData = full.data?.resultData?.runData ?? {};
		if (runData['Stripe: charge the new automatic method']) ran.push(full);
	}
	return ran;
}

test('a failed automatic charge is charged again on the new card the moment the customer makes it their default: once, paid in the books, confirmed', async () => {
	// the failure email with its add-method link comes on the first failure: Silent First
	// Retry off (on, the default, it comes with the retry's failure: e2e 18)
	for (const workflow of [AUTO_PAY, STATUS])
		await n8n.setSettings(workflow, {
			emailSetting: 'successesAndFailures',
			silentFirstRetry: false,
		});
	const { seed } = seedFor(P, state.timeZone, {
		customers: [{ key: 'c1', name: 'Lakeside Bakery' }],
		invoices: [
			{ key: 'i1', customer: 'c1', total: '60.00', due: 0 },
			// not due yet: the change charges nothing for it
			{ key: 'i2', customer: 'c1', total: '35.00', due: 7 },
		],
	});
	await books.reset(seed);
	const customer = await stripe.createCustomer({
		name: seed.customers[0].name,
		email: seed.customers[0].email,
		metadata: { books_customer_id: id('c1') },
		defaultPaymentMethod: 'pm_card_chargeCustomerFail',
	});
	const failingCard = customer.invoice_settings.default_payment_method;
	await smtp.clear();

	// 06:00: the automatic charge declines
	const run = await n8n.execute(AUTO_PAY);
	expect(run.status).toBe('success');
	await settle(c);
	expect((await charges()).charges).toEqual([]);
	expect(await books.invoice(id('i1'))).toMatchObject({
		paymentStatus: 'failed',
		balance: '60.00',
	});
	const declined = await stripe.paymentIntents(customer.id);
	expect(declined.map((/** @type {any} */ pi) => [pi.metadata.invoice_ids, pi.status])).toEqual([
		[id('i1'), 'requires_payment_method'],
	]);
	expect(declined[0].last_payment_error).toMatchObject({
		code: 'card_declined',
		payment_method: expect.objectContaining({ id: failingCard }),
	});
	const before = new Set((await n8n.executions(STATUS)).map((/** @type {any} */ e) => e.id));
	await smtp.clear();

	// the customer adds a good card and makes it their automatic method
	const card = await stripeWrite('/payment_methods/pm_card_visa/attach', { customer: customer.id });
	await stripeWrite(`/customers/${customer.id}`, {
		'invoice_settings[default_payment_method]': card.id,
	});
	const { deliveries } = await settle(c);
	expect(undelivered(deliveries)).toEqual([]);

	// charged at once on the new card, once
	const after = await charges();
	expect(after.duplicates).toEqual([]);
	expect(
		after.charges.map((/** @type {any} */ ch) => [ch.invoiceIds, ch.amount, ch.currency]),
	).toEqual([[[id('i1')], 6000, 'usd']]);
	const intents = await stripe.paymentIntents(customer.id);
	const paid = intents.find((/** @type {any} */ pi) => pi.status === 'succeeded');
	expect(paid.id).toBe(after.charges[0].paymentIntentId);
	expect(paid.payment_method).toBe(card.id);
	expect(intents.filter((/** @type {any} */ pi) => pi.metadata.invoice_ids === id('i2'))).toEqual(
		[],
	);

	// the books: paid, the decline and the payment both kept
	expect(await books.invoice(id('i1'))).toMatchObject({
		paymentStatus: 'paid',
		balance: '0.00',
		status: 'paid',
	});
	expect(await books.invoice(id('i2'))).toMatchObject({ paymentStatus: 'unpaid' });
	const records = (await books.payments()).filter((/** @type {any} */ p) =>
		p.invoiceId.startsWith(`${P}-`),
	);
	expect(
		records.map((/** @type {any} */ r) => [r.invoiceId, r.paymentId, r.status]).sort(),
	).toEqual(
		[
			[id('i1'), declined[0].id, 'failed'],
			[id('i1'), paid.id, 'succeeded'],
		].sort(),
	);
	expect(records.find((/** @type {any} */ r) => r.paymentId === paid.id)).toMatchObject({
		amount: { minor: 6000 },
		paymentMethod: { id: card.id, label: 'Visa •••• 4242' },
	});

	// the daily run's confirmation, once (the branch and the payment's own webhook both report it)
	const messages = await mails(smtp, 1);
	expect(messages.map((/** @type {any} */ m) => m.subject)).toEqual([
		`Payment Confirmation: invoice ${number('i1')}`,
	]);
	expect(messages[0].text).toContain('Visa •••• 4242');

	// one change, one retry: the attach and the update started one execution of the branch
	const retries = await retryExecutions(before);
	expect(retries).toHaveLength(1);
	const scanned =
		retries[0].data.resultData.runData['Auto-Pay Scan: retry on the new method'][0].data.main;
	expect(scanned[0].map((/** @type {any} */ item) => item.json.id)).toEqual([id('i1')]);
	expect(
		scanned[1].map((/** @type {any} */ item) => [item.json.id, item.json.autoPay.reason]),
	).toEqual([[id('i2'), 'NOT_DUE_YET']]);
});

test("through the failure email's add-method link: the card saved on Checkout becomes automatic, and that charges the failed invoice at once", async () => {
	const Q = 'mlnk';
	const { seed } = seedFor(Q, state.timeZone, {
		customers: [{ key: 'c1', name: 'Hillside Florist' }],
		invoices: [{ key: 'i1', customer: 'c1', total: '42.50', due: 0 }],
	});
	await books.reset(seed);
	const customer = await stripe.createCustomer({
		name: seed.customers[0].name,
		email: seed.customers[0].email,
		metadata: { books_customer_id: `${Q}-c1` },
		defaultPaymentMethod: 'pm_card_chargeCustomerFail',
	});
	await smtp.clear();
	expect((await n8n.execute(AUTO_PAY)).status).toBe('success');
	await settle(c);
	const failure = (await mails(smtp, 2)).find((/** @type {any} */ m) =>
		m.subject.startsWith('Payment Failure'),
	);
	const link = /\/checkout\/(cs_test_\w+)/.exec(failure.text);
	expect(link).not.toBeNull();
	await smtp.clear();

	// the customer opens the link and saves a good card
	await stripe.hook('POST', `checkout_sessions/${link?.[1]}/complete`, {
		paymentMethod: 'pm_card_visa',
	});
	await settle(c);

	const { default_payment_method: automatic } = (
		await stripe.api('GET', `/customers/${customer.id}`)
	).invoice_settings;
	expect(automatic).not.toBe(customer.invoice_settings.default_payment_method);
	const ledger = await stripe.ledger();
	const mine = ledger.charges.filter((/** @type {any} */ ch) => ch.invoiceIds.includes(`${Q}-i1`));
	expect(mine.map((/** @type {any} */ ch) => [ch.amount, ch.currency])).toEqual([[4250, 'usd']]);
	const intents = await stripe.paymentIntents(customer.id);
	expect(
		intents.find((/** @type {any} */ pi) => pi.id === mine[0].paymentIntentId).payment_method,
	).toBe(automatic);
	expect(await books.invoice(`${Q}-i1`)).toMatchObject({ paymentStatus: 'paid', balance: '0.00' });
	const messages = await mails(smtp, 1);
	expect(messages.map((/** @type {any} */ m) => m.subject)).toEqual([
		`Payment Confirmation: invoice ${Q.toUpperCase()}-I1`,
	]);
});

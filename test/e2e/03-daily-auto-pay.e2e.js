// @ts-check
/**
 * The daily auto-pay, run as an admin runs it ("Run auto-pay now", through `n8n execute`), once
 * for each email setting: what the Stripe server charged, what the books recorded and what the
 * SMTP sink received. The Stripe server also delivers its signed events to the live
 * payment-status workflow meanwhile: between the two workflows each status is emailed once.
 */
import { clients, loadState } from './support/clients';
import { mails, settle, undelivered } from './support/settle';
import { seededCustomer, seedFor } from './support/seed';

const state = loadState();
const c = clients(state);
const { n8n, stripe, books, smtp } = c;
const AUTO_PAY = 'invPayWf2AutoPay';
const STATUS = 'invPayWf3Status';
const TEAM = 'accounts@demo-services.example.com';

async function scenario(prefix, emailSetting) {
	// the customer's failure email on the first failure: Silent First Retry off (on, the
	// default, the first failure a retry follows is silent: e2e 18)
	for (const id of [AUTO_PAY, STATUS])
		await n8n.setSettings(id, { emailSetting, silentFirstRetry: false });
	const { seed, today } = seedFor(prefix, state.timeZone, {
		customers: [
			{
				key: 'c1',
				name: 'Acme Plumbing',
				accountsCcEmail: `controller@c1.${prefix}.example.com, AP@c1.${prefix}.example.com`,
			},
			{ key: 'c2', name: 'Brightside Dental' },
			{ key: 'c3', name: 'Northwind Traders' },
			{ key: 'c4', name: 'Not In Stripe' },
		],
		invoices: [
			{ key: 'i1', customer: 'c1', total: '250.00', due: -1 },
			{ key: 'i2', customer: 'c1', total: '99.00', created: 0, due: 7 },
			{ key: 'i3', customer: 'c2', total: '125.00', due: 0 },
			{ key: 'i4', customer: 'c3', total: '40.00', due: -2 },
			{ key: 'i5', customer: 'c3', total: '60.00', due: -1, paymentStatus: 'pending' },
			{ key: 'i6', customer: 'c4', total: '10.00', due: 0 },
			{ key: 'i7', customer: 'c1', total: '20.00', due: -1, recurring: false },
		],
	});
	await books.reset(seed);
	const customers = {};
	for (const [key, method] of [
		['c1', 'pm_card_visa'],
		['c2', 'pm_card_chargeCustomerFail'],
		['c3', 'pm_card_mastercard'],
	]) {
		const customer = seededCustomer(seed, `${prefix}-${key}`);
		customers[key] = await stripe.createCustomer({
			name: customer.name,
			email: customer.email,
			metadata: { books_customer_id: customer.id },
			defaultPaymentMethod: method,
		});
	}
	await smtp.clear();
	const run = await n8n.execute(AUTO_PAY);
	await settle(c);
	const id = (key) => `${prefix}-${key}`;
	const charges = (await stripe.ledger()).charges.filter((charge) =>
		charge.invoiceIds.some((i) => i.startsWith(`${prefix}-`)),
	);
	const records = (await books.payments()).filter((p) => p.invoiceId.startsWith(`${prefix}-`));
	return {
		run,
		today,
		customers,
		charges,
		records,
		id,
		number: (key) => `${prefix.toUpperCase()}-${key.toUpperCase()}`,
	};
}

const subjects = (messages) => messages.map((m) => m.subject).sort();
const reportSubject = ({ today }) => `Auto-pay run ${today}: 2 paid, 1 failed, 3 skipped`;
const envelopeOf = (message) => [...message.envelope.to].sort();

function expectChargesAndRecords(result) {
	const { charges, records, id, run } = result;
	expect(run.status).toBe('success');
	// charged once each, only what was due, at the books' balance
	expect(
		charges.map((charge) => [charge.invoiceIds, charge.amount, charge.currency]).sort(),
	).toEqual([
		[[id('i1')], 25000, 'usd'],
		[[id('i4')], 4000, 'usd'],
	]);
	expect(records.map((r) => [r.invoiceId, r.status]).sort()).toEqual([
		[id('i1'), 'succeeded'],
		[id('i3'), 'failed'],
		[id('i4'), 'succeeded'],
	]);
	expect(records.find((r) => r.invoiceId === id('i3')).failure).toMatchObject({
		code: 'card_declined',
	});
	// every status reached the books twice, from the run and from the Stripe webhook, into one
	// record: the emails (counted by each test) follow only the first of the two answers
	for (const record of records)
		expect(record.history.map((h) => h.status)).toEqual([record.status, record.status]);
}

async function expectBooksState({ id }) {
	expect(await books.invoice(id('i1'))).toMatchObject({
		paymentStatus: 'paid',
		balance: '0.00',
		status: 'paid',
	});
	expect(await books.invoice(id('i4'))).toMatchObject({ paymentStatus: 'paid', balance: '0.00' });
	expect(await books.invoice(id('i3'))).toMatchObject({
		paymentStatus: 'failed',
		balance: '125.00',
	});
	for (const key of ['i2', 'i5', 'i6', 'i7'])
		expect((await books.invoice(id(key))).balance).not.toBe('0.00');
}

function expectRunReport(messages, { today, id }) {
	const report = messages.find((m) => m.subject.startsWith('Auto-pay run'));
	expect(report.subject).toBe(reportSubject({ today }));
	expect(envelopeOf(report)).toEqual([TEAM]);
	expect(report.text).toContain(`- ${id('i2')} - NOT_DUE_YET`);
	expect(report.text).toContain(`- ${id('i5')} - PAYMENT_PENDING`);
	expect(report.text).toContain(`- ${id('i6')} - NO_CUSTOMER_MAPPING`);
	expect(report.text).toContain(`- ${id('i3')} - failed - $125.00 - Your card was declined.`);
}

test('successes and failures: one confirmation per payment, one failure to the customer, a run report', async () => {
	const result = await scenario('apsf', 'successesAndFailures');
	expectChargesAndRecords(result);
	await expectBooksState(result);
	const { number } = result;
	const messages = await mails(smtp, 4);
	expect(subjects(messages)).toEqual(
		[
			`Payment Confirmation: invoice ${number('i1')}`,
			`Payment Confirmation: invoice ${number('i4')}`,
			`Payment Failure: invoice ${number('i3')}`,
			reportSubject(result),
		].sort(),
	);
	const confirmation = messages.find((m) => m.subject.includes(number('i1')));
	expect(confirmation.from).toBe('invoices@demo-services.example.com');
	expect(confirmation.to).toBe('office@c1.apsf.example.com');
	// accounts email, accounts CC list: "AP@..." repeats the accounts email and is dropped
	expect(confirmation.cc).toBe('ap@c1.apsf.example.com, controller@c1.apsf.example.com');
	expect(confirmation.text).toContain('Total paid: $250.00');
	expect(confirmation.text).toContain('Automatic payment method: Visa •••• 4242');
	expect(messages.find((m) => m.subject.includes(number('i4'))).text).toContain(
		'Automatic payment method: Mastercard •••• 4444',
	);

	const failure = messages.find((m) => m.subject.includes(number('i3')));
	expect(failure.to).toBe('office@c2.apsf.example.com');
	expect(envelopeOf(failure)).toEqual(
		['ap@c2.apsf.example.com', 'office@c2.apsf.example.com', TEAM].sort(),
	);
	// in plain words, whichever workflow recorded the failure first (both compose it alike)
	expect(failure.text).toContain(
		'Reason: Your bank declined the payment without giving a reason (generic_decline).',
	);
	expect(failure.text).toMatch(
		/Update your payment method: http:\/\/127\.0\.0\.1:\d+\/checkout\/cs_test_\w+/,
	);
	expectRunReport(messages, result);
});

test('failures only: no confirmation; the failure is an internal notice to the failure address', async () => {
	const result = await scenario('apfo', 'failuresOnly');
	expectChargesAndRecords(result);
	const { number } = result;
	const messages = await mails(smtp, 2);
	expect(subjects(messages)).toEqual(
		[
			`Payment Failure: invoice ${number('i3')} (Brightside Dental (apfo))`,
			reportSubject(result),
		].sort(),
	);
	const failure = messages.find((m) => m.subject.startsWith('Payment Failure'));
	expect(envelopeOf(failure)).toEqual([TEAM]);
	expect(failure.cc).toBeNull();
	expect(failure.text).toMatch(/^Hello,/);
	expectRunReport(messages, result);
});

test('Stripe receipts: Stripe emails the receipt (receipt_email set), we send failures only', async () => {
	const result = await scenario('aprc', 'stripeReceipts');
	expectChargesAndRecords(result);
	const { number, customers, id } = result;
	const messages = await mails(smtp, 2);
	expect(subjects(messages)).toEqual(
		[`Payment Failure: invoice ${number('i3')}`, reportSubject(result)].sort(),
	);
	expect(messages.find((m) => m.subject.startsWith('Payment Failure')).to).toBe(
		'office@c2.aprc.example.com',
	);
	const intents = await stripe.paymentIntents(customers.c1.id);
	const paid = intents.find(
		(intent) => intent.status === 'succeeded' && intent.metadata.invoice_ids?.includes(id('i1')),
	);
	expect(paid.receipt_email).toBe('office@c1.aprc.example.com');
});

test('every event the Stripe server sent was verified and acknowledged, every status run succeeded', async () => {
	const deliveries = (await stripe.deliveries()).filter((d) =>
		d.eventType.startsWith('payment_intent.'),
	);
	expect(new Set(deliveries.map((d) => d.eventId)).size).toBeGreaterThanOrEqual(9);
	expect(undelivered(deliveries)).toEqual([]);
	const statusRuns = await n8n.executions(STATUS);
	expect(statusRuns.length).toBeGreaterThanOrEqual(9);
	expect(statusRuns.filter((e) => e.status !== 'success')).toEqual([]);
});

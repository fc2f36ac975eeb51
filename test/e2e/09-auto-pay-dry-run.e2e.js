// @ts-check
/**
 * The auto-pay dry run, as an admin runs it ("Preview tomorrow's auto-pay", through
 * `n8n execute`): the open recurring invoices scanned as of tomorrow's 06:00 run with the Stripe
 * checks on, the preview emailed, and nothing charged or recorded anywhere.
 */
import { paymentIdempotencyKey } from '../../nodes/core/payments/idempotency';
import { addDays } from '../fakes/books-api';
import { clients, loadState } from './support/clients';
import { mails } from './support/settle';
import { seededCustomer, seedFor } from './support/seed';

const state = loadState();
const { n8n, stripe, books, smtp } = clients(state);
const DRY_RUN = 'invPayWf6DryRun';
const SCAN = 'Auto-Pay Scan: as of tomorrow 06:00';
const prefix = 'dry';
const id = (key) => `${prefix}-${key}`;

test("the preview lists what tomorrow's run would charge, and charges nothing", async () => {
	const { seed, today } = seedFor(prefix, state.timeZone, {
		customers: [
			{ key: 'c1', name: 'Acme Plumbing' },
			{ key: 'c2', name: 'Brightside Dental' },
			{ key: 'c3', name: 'Not In Stripe' },
		],
		invoices: [
			// due today, unpaid: tomorrow's run catches it up (one day late)
			{ key: 'i1', customer: 'c1', total: '250.00', due: 0 },
			{ key: 'i2', customer: 'c1', total: '99.00', due: 1 },
			{ key: 'i3', customer: 'c2', total: '125.00', due: 2 },
			{ key: 'i4', customer: 'c2', total: '60.00', due: 1, paymentStatus: 'pending' },
			{ key: 'i5', customer: 'c3', total: '10.00', due: 1 },
			// four days late tomorrow: outside the three-day catch-up window
			{ key: 'i6', customer: 'c2', total: '40.00', due: -3 },
		],
	});
	const tomorrow = addDays(today, 1);
	await books.reset(seed);
	const customers = {};
	for (const key of ['c1', 'c2']) {
		const customer = seededCustomer(seed, id(key));
		customers[key] = await stripe.createCustomer({
			name: customer.name,
			email: customer.email,
			metadata: { books_customer_id: customer.id },
			defaultPaymentMethod: 'pm_card_visa',
		});
	}
	await smtp.clear();

	const run = await n8n.execute(DRY_RUN);
	expect(run.status).toBe('success');
	const [charge, skipped] = run.data.resultData.runData[SCAN][0].data.main.map((items) =>
		items.map((item) => item.json.autoPay),
	);
	expect(charge.map((d) => [d.invoiceId, d.amountMinor, d.scanDay, d.daysLate])).toEqual([
		[id('i1'), 25000, tomorrow, 1],
		[id('i2'), 9900, tomorrow, 0],
	]);
	// the keys tomorrow's run will send: one per invoice and day
	for (const d of charge)
		expect(d.idempotencyKey).toBe(
			paymentIdempotencyKey({
				provider: 'stripe',
				purpose: 'autopay',
				invoiceIds: [d.invoiceId],
				amountMinor: d.amountMinor,
				currency: 'usd',
				day: tomorrow,
			}),
		);
	expect(charge.map((d) => d.paymentMethod.label)).toEqual(['Visa •••• 4242', 'Visa •••• 4242']);
	expect(Object.fromEntries(skipped.map((d) => [d.invoiceId, d.reason]))).toEqual({
		[id('i3')]: 'NOT_DUE_YET',
		[id('i4')]: 'PAYMENT_PENDING',
		[id('i5')]: 'NO_CUSTOMER_MAPPING',
		[id('i6')]: 'OUTSIDE_CATCH_UP_WINDOW',
	});

	// nothing charged, nothing recorded
	for (const key of ['c1', 'c2'])
		expect(await stripe.paymentIntents(customers[key].id)).toEqual([]);
	expect((await books.payments()).filter((p) => p.invoiceId.startsWith(`${prefix}-`))).toEqual([]);
	expect((await books.invoice(id('i1'))).balance).toBe('250.00');

	const [preview] = await mails(smtp, 1);
	expect(preview.subject).toBe(
		`Auto-pay preview for ${tomorrow}: 2 to charge ($349.00), 4 skipped`,
	);
	expect([...preview.envelope.to]).toEqual(['accounts@demo-services.example.com']);
	expect(preview.text).toContain('Nothing has been charged.');
	expect(preview.text).toContain(
		`- ${id('i1')} - ${id('c1')} - $250.00 - Visa •••• 4242 - payable since ${today}`,
	);
	expect(preview.text).toContain(`- ${id('i2')} - ${id('c1')} - $99.00 - Visa •••• 4242`);
	expect(preview.text).toContain(`- ${id('i6')} - OUTSIDE_CATCH_UP_WINDOW`);
});

// @ts-check
/**
 * A payment Stripe holds but the books never heard of: a run stopped right after the charge, and
 * the payment's webhook was lost too (the PaymentIntent is seeded quietly: no event). The next
 * auto-pay run skips the invoice as ALREADY_PAID, charges nothing for it, and records Stripe's
 * payment in the books (with its confirmation, the status being new to them); a run after that
 * records and emails nothing more.
 */
import { clients, loadState } from './support/clients';
import { mails, settle } from './support/settle';
import { seedFor } from './support/seed';

const state = loadState();
const c = clients(state);
const { n8n, stripe, books, smtp } = c;
const AUTO_PAY = 'invPayWf2AutoPay';
const P = 'unrec';
const id = (key) => `${P}-${key}`;

test('a payment Stripe holds and the books miss is recorded by the next run, once, without a new charge', async () => {
	for (const workflow of [AUTO_PAY, 'invPayWf3Status'])
		await n8n.setSettings(workflow, { emailSetting: 'successesAndFailures' });
	const { seed, today } = seedFor(P, state.timeZone, {
		customers: [{ key: 'c1', name: 'Harbor Logistics' }],
		invoices: [
			{ key: 'i1', customer: 'c1', total: '80.00', due: 0 },
			{ key: 'i2', customer: 'c1', total: '30.00', due: 0 },
			// keeps an open invoice in the books for the second run (a run with none reports nothing)
			{ key: 'i3', customer: 'c1', total: '45.00', due: 7 },
		],
	});
	await books.reset(seed);
	const customer = await stripe.createCustomer({
		name: seed.customers[0].name,
		email: seed.customers[0].email,
		metadata: { books_customer_id: id('c1') },
		defaultPaymentMethod: 'pm_card_visa',
	});
	const {
		paymentIntents: [lost],
	} = await stripe.hook('POST', 'seed', {
		paymentIntents: [
			{
				customer: customer.id,
				amount: 8000,
				currency: 'usd',
				status: 'succeeded',
				paymentMethod: 'pm_card_visa',
				metadata: {
					books_customer_id: id('c1'),
					invoice_ids: id('i1'),
					invoice_lines: '8000/0',
				},
			},
		],
	});
	await smtp.clear();

	const run = await n8n.execute(AUTO_PAY);
	await settle(c);
	expect(run.status).toBe('success');
	const skipped = run.data.resultData.runData['Auto-Pay Scan'][0].data.main[1].map(
		(item) => item.json,
	);
	expect(skipped.map((invoice) => [invoice.id, invoice.autoPay.reason]).sort()).toEqual([
		[id('i1'), 'ALREADY_PAID'],
		[id('i3'), 'NOT_DUE_YET'],
	]);
	expect(skipped.find((invoice) => invoice.id === id('i1')).autoPay.paymentId).toBe(lost.id);
	// no second charge: i1 keeps its one PaymentIntent, i2 got its own
	const intents = await stripe.paymentIntents(customer.id);
	expect(intents.map((pi) => [pi.metadata.invoice_ids, pi.status]).sort()).toEqual([
		[id('i1'), 'succeeded'],
		[id('i2'), 'succeeded'],
	]);
	expect(intents.find((pi) => pi.metadata.invoice_ids === id('i1')).id).toBe(lost.id);

	const records = (await books.payments()).filter((p) => p.invoiceId.startsWith(`${P}-`));
	expect(records.map((r) => [r.invoiceId, r.paymentId, r.status]).sort()).toEqual(
		[
			[id('i1'), lost.id, 'succeeded'],
			[id('i2'), intents.find((pi) => pi.metadata.invoice_ids === id('i2')).id, 'succeeded'],
		].sort(),
	);
	expect(records.find((r) => r.invoiceId === id('i1'))).toMatchObject({
		amount: { minor: 8000 },
	});
	expect(await books.invoice(id('i1'))).toMatchObject({ paymentStatus: 'paid', balance: '0.00' });

	const number = (key) => `${P.toUpperCase()}-${key.toUpperCase()}`;
	let messages = await mails(smtp, 3);
	expect(messages.map((m) => m.subject).sort()).toEqual(
		[
			`Auto-pay run ${today}: 1 paid, 0 failed, 2 skipped`,
			`Payment Confirmation: invoice ${number('i1')}`,
			`Payment Confirmation: invoice ${number('i2')}`,
		].sort(),
	);
	expect(messages.find((m) => m.subject.startsWith('Auto-pay run')).text).toContain(
		`- ${id('i1')} - ALREADY_PAID`,
	);

	// the books now list both as paid: the next run reads nothing more from Stripe for them
	await smtp.clear();
	const again = await n8n.execute(AUTO_PAY);
	expect(again.status).toBe('success');
	expect(again.data.resultData.runData['Stripe: read the payment']).toBeUndefined();
	expect((await books.payments()).filter((p) => p.invoiceId.startsWith(`${P}-`))).toHaveLength(2);
	messages = await mails(smtp, 1);
	expect(messages.map((m) => m.subject)).toEqual([
		`Auto-pay run ${today}: 0 paid, 0 failed, 1 skipped`,
	]);
	expect(await stripe.paymentIntents(customer.id)).toHaveLength(2);
});

// @ts-check
/**
 * Two auto-pay runs at once (two `n8n execute` processes, as two schedulers or workers would):
 * every invoice is charged once, recorded once and emailed once.
 */
import { clients, loadState } from './support/clients';
import { mails, settle } from './support/settle';
import { seedFor } from './support/seed';

const state = loadState();
const c = clients(state);
const { n8n, stripe, books, smtp } = c;
const P = 'conc';
const CUSTOMERS = ['c1', 'c2', 'c3'];
const INVOICES = Array.from({ length: 9 }, (_, i) => ({
	key: `i${i + 1}`,
	customer: CUSTOMERS[i % 3],
	total: `${(i + 1) * 10}.00`,
	due: -(i % 2),
}));

test('two runs at once charge each invoice once', async () => {
	for (const id of ['invPayWf2AutoPay', 'invPayWf3Status'])
		await n8n.setSettings(id, { emailSetting: 'successesAndFailures' });
	const { seed } = seedFor(P, state.timeZone, {
		customers: CUSTOMERS.map((key) => ({ key, name: `Customer ${key}` })),
		invoices: INVOICES,
	});
	await books.reset(seed);
	for (const customer of seed.customers) {
		await stripe.createCustomer({
			name: customer.name,
			email: customer.email,
			metadata: { books_customer_id: customer.id },
			defaultPaymentMethod: 'pm_card_visa',
		});
	}
	await smtp.clear();

	// Stripe takes a moment per charge, so the two runs' charges overlap
	await stripe.hook('POST', 'latency', { ms: 200, on: 'POST /v1/payment_intents' });
	let runs;
	try {
		runs = await Promise.all([n8n.execute('invPayWf2AutoPay'), n8n.execute('invPayWf2AutoPay')]);
	} finally {
		await stripe.hook('POST', 'latency', { ms: 0 });
	}
	expect(runs.map((run) => run.status)).toEqual(['success', 'success']);
	await settle(c);

	const ids = INVOICES.map((i) => `${P}-${i.key}`);
	const { charges, duplicates } = await stripe.ledger();
	const ours = charges.filter((charge) => charge.invoiceIds.some((id) => id.startsWith(`${P}-`)));
	expect(duplicates.filter((id) => id.startsWith(`${P}-`))).toEqual([]);
	expect(ours.map((charge) => charge.invoiceIds[0]).sort()).toEqual([...ids].sort());
	for (const invoice of INVOICES) {
		expect(ours.find((charge) => charge.invoiceIds[0] === `${P}-${invoice.key}`).amount).toBe(
			Number(invoice.total) * 100,
		);
	}

	// Each run either charged an invoice, getting its one payment (the same idempotency key,
	// replayed by Stripe), or found it already paid or in flight and skipped it.
	const chargedBy = (run) =>
		Object.fromEntries(
			(
				run.data.resultData.runData['Stripe: charge the automatic payment method']?.[0].data
					.main[0] ?? []
			).map((item) => [item.json.invoiceId, item.json.paymentId]),
		);
	const skippedBy = (run) =>
		Object.fromEntries(
			run.data.resultData.runData['Auto-Pay Scan'][0].data.main[1].map((item) => [
				item.json.id,
				item.json.autoPay.reason,
			]),
		);
	for (const invoiceId of ids) {
		const { paymentIntentId } = ours.find((charge) => charge.invoiceIds[0] === invoiceId);
		for (const run of runs) {
			const charged = chargedBy(run)[invoiceId];
			if (charged) expect(charged).toBe(paymentIntentId);
			else expect(['ALREADY_PAID', 'PAYMENT_PENDING']).toContain(skippedBy(run)[invoiceId]);
		}
	}
	const records = (await books.payments()).filter((p) => p.invoiceId.startsWith(`${P}-`));
	expect(records.map((r) => r.invoiceId).sort()).toEqual([...ids].sort());
	expect(records.every((r) => r.status === 'succeeded')).toBe(true);

	const messages = await mails(smtp, ids.length + 2);
	const confirmations = messages.filter((m) => m.subject.startsWith('Payment Confirmation'));
	expect(confirmations.map((m) => m.subject).sort()).toEqual(
		ids.map((id) => `Payment Confirmation: invoice ${id.toUpperCase()}`).sort(),
	);
	// each run reports what it did: the nine invoices between paid and skipped, none failed
	const reports = messages.filter((m) => m.subject.startsWith('Auto-pay run'));
	expect(reports).toHaveLength(2);
	for (const report of reports) {
		const [, paid, skipped] = /** @type {RegExpExecArray} */ (
			/: (\d+) paid, 0 failed, (\d+) skipped$/.exec(report.subject)
		);
		expect(Number(paid) + Number(skipped)).toBe(9);
	}
});

// @ts-check
/**
 * Two daily auto-pay runs started at the same moment (as two schedulers, or a scheduler and an
 * admin, do) over 500 recurring invoices, each run on its own worker: the Stripe server's ledger
 * shows ONE charge per invoice, the books one payment record per invoice with that charge, and
 * the customers one confirmation each. Stripe's events for the charges are delivered after the
 * runs (as Stripe's retries would), so the payment-status workflow records them once more into
 * the same records.
 */
import { loadState } from '../e2e/support/clients';
import { recordFigures } from './support/figures';
import { AUTO_PAY, STATUS } from './support/queue-stack';
import {
	chargesByInvoice,
	invoicesById,
	minor,
	nodeOutput,
	recordsByInvoice,
	scaleClients,
	seedAutoPay,
} from './support/scale-clients';
import { deliverEventsSince } from './support/webhook-storm';

const state = loadState();
const scale = scaleClients(state);
const P = 'twin';
const INVOICES = 500;
const CHARGE_NODE = 'Stripe: charge the automatic payment method';

test('two auto-pay runs at once on two workers: 500 invoices, one charge each, all recorded', async () => {
	const t0 = Date.now();
	// Stripe's deliveries wait until the runs are over (see the file comment).
	await scale.stripe.hook('POST', 'webhooks/mode', { hold: true });
	const since = Math.floor(Date.now() / 1000) - 1;
	const { invoices } = await seedAutoPay(scale, state, {
		prefix: P,
		count: INVOICES,
		customers: 125,
	});
	await scale.smtp.clear();
	await scale.stripe.hook('POST', 'stats/reset', {});
	const before = scale.lastExecutionId();

	const runIds = await Promise.all([
		scale.runManually(AUTO_PAY, 'Run auto-pay now'),
		scale.runManually(AUTO_PAY, 'Run auto-pay now'),
	]);
	const runs = await Promise.all(runIds.map((id) => scale.finished(id, 480_000)));
	const runSeconds = Math.round((Date.now() - t0) / 1000);
	expect(runs.map((run) => run.status)).toEqual(['success', 'success']);
	// each run on its own worker: the charges really raced
	const workers = runIds.map((id) => scale.workerOf(id)?.name);
	expect(new Set(workers).size).toBe(2);
	expect(workers.every(Boolean)).toBe(true);
	const { byRoute } = await scale.stripe.hook('GET', 'stats');
	const chargeRequests = byRoute['POST /v1/payment_intents'] ?? 0;

	await scale.stripe.hook('POST', 'webhooks/mode', { hold: false });
	const deliveries = await deliverEventsSince(scale, STATUS, since, { concurrency: 6 });
	expect(deliveries.length).toBe(INVOICES);
	expect(deliveries.filter((d) => d.status !== 200)).toEqual([]);
	await scale.settle({ timeoutMs: 300_000 });

	// the ledger: every invoice charged exactly once, for its balance
	const charges = await chargesByInvoice(scale, P);
	expect([...charges.keys()].sort()).toEqual(invoices.map((i) => i.id).sort());
	const twice = [...charges].filter(([, list]) => list.length !== 1).map(([id]) => id);
	expect(twice).toEqual([]);
	for (const invoice of invoices)
		expect(charges.get(invoice.id)[0].amount).toBe(minor(invoice.balance));

	// both runs reported the same payment for every invoice (the shared idempotency key)
	const paymentIds = await Promise.all(
		runIds.map(async (id) => {
			const items = nodeOutput(await scale.executionData(id), CHARGE_NODE);
			return Object.fromEntries(items.map((item) => [item.invoiceId, item.paymentId]));
		}),
	);
	const ledgerIds = Object.fromEntries(
		[...charges].map(([id, [charge]]) => [id, charge.paymentIntentId]),
	);
	expect(paymentIds[0]).toEqual(ledgerIds);
	expect(paymentIds[1]).toEqual(ledgerIds);

	// the books: one record per invoice, the ledger's charge, succeeded; the invoice paid
	const records = await recordsByInvoice(scale, P);
	expect(records.size).toBe(INVOICES);
	for (const [invoiceId, list] of records) {
		expect(list).toHaveLength(1);
		expect(list[0]).toMatchObject({ paymentId: ledgerIds[invoiceId], status: 'succeeded' });
	}
	const booksInvoices = await invoicesById(scale, P);
	const unpaid = [...booksInvoices.values()].filter(
		(i) => i.paymentStatus !== 'paid' || i.balance !== '0.00',
	);
	expect(unpaid).toEqual([]);

	// one confirmation per invoice (the books tell whoever records a status first), two reports
	const messages = await scale.smtp.messages();
	const confirmations = messages.filter((m) => m.subject.startsWith('Payment Confirmation'));
	expect(confirmations.map((m) => m.subject).sort()).toEqual(
		invoices.map((i) => `Payment Confirmation: invoice ${i.number}`).sort(),
	);
	const reports = messages.filter((m) => m.subject.startsWith('Auto-pay run'));
	expect(reports.map((m) => m.subject.replace(/^Auto-pay run \S+: /, ''))).toEqual([
		'500 paid, 0 failed, 0 skipped',
		'500 paid, 0 failed, 0 skipped',
	]);
	const statusRuns = scale.executionCounts(STATUS, before);
	expect(statusRuns).toEqual({ success: INVOICES });

	recordFigures('doubleRun', {
		invoices: INVOICES,
		runsAtOnce: 2,
		workers,
		chargeRequestsSentToStripe: chargeRequests,
		charges: [...charges.values()].reduce((n, list) => n + list.length, 0),
		chargesPerInvoice: {
			min: Math.min(...[...charges.values()].map((l) => l.length)),
			max: Math.max(...[...charges.values()].map((l) => l.length)),
		},
		booksRecords: records.size,
		confirmationEmails: confirmations.length,
		eventsDeliveredAfterTheRuns: deliveries.length,
		runSeconds,
		seconds: Math.round((Date.now() - t0) / 1000),
	});
});

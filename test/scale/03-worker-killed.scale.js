// @ts-check
/**
 * A worker dies (SIGKILL: no graceful shutdown) in the middle of an auto-pay run, while it is
 * charging; the admin runs auto-pay again and the other worker takes it. Every invoice is still
 * charged exactly once: what the dead run charged, the new run finds in Stripe and skips, the
 * rest it charges. Stripe's events for all the charges then bring every one into the books.
 */
import { loadState } from '../e2e/support/clients';
import { groupAlive } from '../e2e/support/processes';
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
const P = 'crash';
const INVOICES = 500;

test('a worker killed mid-run, auto-pay run again: still one charge per invoice, all recorded', async () => {
	const t0 = Date.now();
	await scale.stripe.hook('POST', 'webhooks/mode', { hold: true });
	const since = Math.floor(Date.now() / 1000) - 1;
	const { invoices } = await seedAutoPay(scale, state, {
		prefix: P,
		count: INVOICES,
		customers: 125,
	});
	const before = scale.lastExecutionId();

	const killedRun = await scale.runManually(AUTO_PAY, 'Run auto-pay now');
	const victim = await scale.waitFor(
		'a worker to take the run',
		async () => scale.workerOf(killedRun),
		{
			timeoutMs: 60_000,
			intervalMs: 200,
		},
	);
	const survivor = state.workers.find((w) => w.name !== victim.name);
	// kill once a fifth of the invoices are charged: the run is inside its charge step
	await scale.waitFor(
		'the run to charge a fifth of the invoices',
		async () => (await chargesByInvoice(scale, P)).size >= INVOICES / 5,
		{ timeoutMs: 300_000, intervalMs: 200 },
	);
	process.kill(-victim.pid, 'SIGKILL');
	const killedAt = Date.now();
	await scale.waitFor('the worker to be gone', async () => !groupAlive(victim.pid), {
		timeoutMs: 10_000,
	});
	const chargedByKilledRun = (await chargesByInvoice(scale, P)).size;
	expect(chargedByKilledRun).toBeGreaterThanOrEqual(INVOICES / 5);
	expect(chargedByKilledRun).toBeLessThan(INVOICES);
	expect((await scale.execution(killedRun)).status).toBe('running');

	const rerun = await scale.runManually(AUTO_PAY, 'Run auto-pay now');
	const finished = await scale.finished(rerun, 480_000);
	expect(finished.status).toBe('success');
	expect(scale.workerOf(rerun)?.name).toBe(survivor.name);

	await scale.stripe.hook('POST', 'webhooks/mode', { hold: false });
	const deliveries = await deliverEventsSince(scale, STATUS, since, { concurrency: 6 });
	expect(deliveries.filter((d) => d.status !== 200)).toEqual([]);
	await scale.settle({ timeoutMs: 300_000, ignore: [killedRun] });

	// one charge per invoice, for its balance, whichever run made it
	const charges = await chargesByInvoice(scale, P);
	expect([...charges.keys()].sort()).toEqual(invoices.map((i) => i.id).sort());
	expect([...charges].filter(([, list]) => list.length !== 1).map(([id]) => id)).toEqual([]);
	for (const invoice of invoices)
		expect(charges.get(invoice.id)[0].amount).toBe(minor(invoice.balance));

	// the new run charged what the dead one had not, and skipped what it had, as paid in Stripe
	const rerunData = await scale.executionData(rerun);
	const chargedByRerun = nodeOutput(rerunData, 'Stripe: charge the automatic payment method');
	const skippedByRerun = nodeOutput(rerunData, 'Auto-Pay Scan', 1);
	expect(chargedByRerun.length + skippedByRerun.length).toBe(INVOICES);
	expect(new Set(skippedByRerun.map((item) => item.autoPay.reason))).toEqual(
		new Set(['ALREADY_PAID']),
	);
	expect(chargedByRerun.length).toBe(INVOICES - chargedByKilledRun);

	// every charge in the books: one record per invoice, the ledger's payment, the invoice paid
	const records = await recordsByInvoice(scale, P);
	const missing = invoices.filter(
		(i) => records.get(i.id)?.[0]?.paymentId !== charges.get(i.id)[0].paymentIntentId,
	);
	expect(missing.map((i) => i.id)).toEqual([]);
	expect(
		[...records.values()].filter((list) => list.length !== 1 || list[0].status !== 'succeeded'),
	).toEqual([]);
	const booksInvoices = await invoicesById(scale, P);
	expect([...booksInvoices.values()].filter((i) => i.paymentStatus !== 'paid')).toEqual([]);

	// n8n notices: the dead worker's job stalls, the main fails the execution or its queue
	// recovery marks it crashed; it never runs again
	const ended = await scale.waitFor(
		'n8n to end the killed run',
		async () => {
			const execution = await scale.execution(killedRun);
			return ['running', 'new'].includes(execution.status) ? null : execution;
		},
		{ timeoutMs: 150_000, intervalMs: 2000 },
	);
	expect(['crashed', 'error']).toContain(ended.status);
	const endedAfterSeconds = Math.round((Date.now() - killedAt) / 1000);
	expect(scale.workerOf(killedRun)?.name).toBe(victim.name);

	recordFigures('workerKilled', {
		invoices: INVOICES,
		killedWorker: victim.name,
		chargedBeforeTheKill: chargedByKilledRun,
		chargedByTheRerun: chargedByRerun.length,
		skippedByTheRerunAsAlreadyPaid: skippedByRerun.length,
		charges: [...charges.values()].reduce((n, list) => n + list.length, 0),
		chargesPerInvoice: {
			min: Math.min(...[...charges.values()].map((l) => l.length)),
			max: Math.max(...[...charges.values()].map((l) => l.length)),
		},
		booksRecords: records.size,
		killedRunStatus: ended.status,
		killedRunEndedSecondsAfterTheKill: endedAfterSeconds,
		executionsAfter: scale.executionCounts(AUTO_PAY, before),
		seconds: Math.round((Date.now() - t0) / 1000),
	});
});

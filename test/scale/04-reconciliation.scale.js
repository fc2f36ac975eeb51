// @ts-check
/**
 * 500 payments whose webhooks all failed, reconciled by ONE run of the reconciliation workflow
 * on a worker. The payment-status workflow stays published, but its Stripe endpoint points at a
 * closed port while the payments are made (the endpoint's URL changed on the Stripe server):
 * every delivery attempt of every event fails, Stripe gives up (three attempts), and the books
 * know nothing. 500 invoices in the books: 375 paid by card, 100 declined, 25 paid and then
 * refunded on the Stripe server (the Dashboard's way). Then one reconciliation run reads the
 * events since its cursor, records each payment's state once and emails each new status once
 * (emails ON: the shipped `successesAndFailures`), and a second run reads on from the cursor the
 * first kept and finds nothing new.
 *
 * How the run is started: as production starts one without waiting for the hour: the workflow is
 * PUBLISHED (its n8n Trigger's "Workflow Published" event starts it; in queue mode the main
 * enqueues that trigger execution and a worker runs it, as the hourly schedule's runs), and
 * unpublished once the run ended, so its schedule (minute 20) cannot start another (the test
 * waits out minutes 19-20 before publishing). (`n8n execute` does not support queue mode: it
 * falls back to regular mode in the CLI process, not on a worker.)
 *
 * Before the outage the reconciliation had been running: its cursor is set to the second the
 * outage began (written into the workflow's static data in PostgreSQL while it is unpublished,
 * the state an earlier hourly run leaves). n8n 2.41.1 in queue mode does NOT hand the static data
 * to a new execution on a worker (see the comment at the first run): a run that reads
 * `$getWorkflowStaticData` in its own execution sees no cursor and sweeps. The reconciliation
 * therefore reads and keeps its cursors through a call of itself as a sub-workflow ("Cursors:
 * read", "Cursors: keep where this run stopped"): n8n loads a sub-workflow from the database by
 * id, static data included, and saves the sub-execution's static data after it, in every mode.
 * The test asserts the runs read the events from the cursors, and what matters to the books:
 * each state once, each email once, nothing new on the second run. 360 Payments is switched off
 * in the workflow's Settings in n8n (this stack runs no gateway). Run after 03: one worker may be
 * dead; the live one runs it.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { RECONCILED_STRIPE_EVENTS } from '../../nodes/core/webhooks/stripeEventsRead';
import { encodeInvoiceMetadata } from '../../nodes/core/payments/invoiceMetadata';
import { loadState } from '../e2e/support/clients';
import { mails } from '../e2e/support/settle';
import { recordFigures } from './support/figures';
import { STATUS } from './support/queue-stack';
import {
	formEncode,
	inParallel,
	invoicesById,
	minor,
	nodeOutput,
	recordsByInvoice,
	scaleClients,
	seedAutoPay,
} from './support/scale-clients';
import { triggerEndpoint } from './support/webhook-storm';

const state = loadState();
const scale = scaleClients(state);
const P = 'recon';
const PAYMENTS = 500;
const RECONCILE = 'invPayWf8Reconcile';
const BOOKS_REST = 'invPayBooksRest';
/** A port nothing listens on: every delivery to it is refused. */
const DEAD_URL = 'http://127.0.0.1:9/stripe-webhook-down';

/** 75% paid by card, 20% declined, 5% paid then refunded. */
function kindOf(index) {
	const slot = index % 20;
	if (slot < 15) return 'succeeds';
	if (slot < 19) return 'fails';
	return 'refunded';
}
const CARD = {
	succeeds: 'pm_card_visa',
	fails: 'pm_card_chargeDeclined',
	refunded: 'pm_card_visa',
};
const FINAL_STATE = { succeeds: 'succeeded', fails: 'failed', refunded: 'refunded' };

const api = async (method, path, body) => {
	const res = await scale.request(method, `${state.n8nUrl}/api/v1${path}`, {
		headers: { 'X-N8N-API-KEY': state.apiKey },
		body,
		timeoutMs: 60_000,
	});
	if (res.status !== 200)
		throw new Error(`${method} ${path}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
	return res.json;
};

/** A Stripe API call with the account's key; the answer whatever its status (a decline is 402). */
async function stripeCall(method, path, params) {
	return scale.request(method, `${state.stripeUrl}/v1${path}`, {
		headers: {
			authorization: `Bearer ${state.stripeSecretKey}`,
			'content-type': 'application/x-www-form-urlencoded',
		},
		body: params ? formEncode(params) : undefined,
	});
}

/** The reconciliation's Settings in n8n changed (the workflow unpublished, as imported). */
async function setReconcileSettings(values) {
	const workflow = await api('GET', `/workflows/${RECONCILE}`);
	const node = workflow.nodes.find((n) => n.name === 'Settings');
	for (const [name, value] of Object.entries(values)) {
		const assignment = node.parameters.assignments.assignments.find((a) => a.name === name);
		if (!assignment) throw new Error(`Settings has no ${name}`);
		assignment.value = value;
	}
	const { name, nodes, connections, settings } = workflow;
	await api('PUT', `/workflows/${RECONCILE}`, {
		name,
		nodes,
		connections,
		settings: { executionOrder: settings.executionOrder, timezone: settings.timezone },
	});
}

const storedStaticData = () =>
	JSON.parse(
		scale.sql(`SELECT "staticData" FROM workflow_entity WHERE id = '${RECONCILE}'`).trim() || '{}',
	);

/**
 * Not while the hourly schedule (minute 20) could fire: a published reconciliation would run
 * twice. Waits at most two minutes.
 */
async function awayFromTheSchedule() {
	const deadline = Date.now() + 150_000;
	while ([19, 20].includes(new Date().getUTCMinutes()) && Date.now() < deadline) await sleep(5000);
}

/**
 * One reconciliation run as production starts it: the workflow published (its n8n Trigger's
 * "Workflow Published" starts a run, which the main enqueues for a worker), then unpublished
 * once that run ended. The run's execution (with its data) and the worker that ran it.
 */
async function reconcileOnce() {
	await awayFromTheSchedule();
	const before = scale.lastExecutionId();
	const published = await api('POST', `/workflows/${RECONCILE}/activate`, {});
	let executionId;
	try {
		await scale.n8n.published(RECONCILE, published.activeVersionId ?? published.versionId, 60_000);
		executionId = await scale.waitFor(
			'the reconciliation run to start',
			async () =>
				scale
					.sql(
						`SELECT id FROM execution_entity WHERE "workflowId" = '${RECONCILE}' AND id > ${before} ORDER BY id LIMIT 1`,
					)
					.trim() || null,
			{ timeoutMs: 60_000, intervalMs: 500 },
		);
		await scale.finished(executionId, 240_000);
	} finally {
		await api('POST', `/workflows/${RECONCILE}/deactivate`, {});
	}
	const execution = await scale.executionData(executionId);
	return {
		execution,
		worker: scale.workerOf(executionId),
		executions: scale.executionCounts(RECONCILE, before),
		booksCalls: scale.executionCounts(BOOKS_REST, before),
		summary: nodeOutput(execution, 'Run summary')[0],
		seconds: (Date.parse(execution.stoppedAt) - Date.parse(execution.startedAt)) / 1000,
	};
}

const count = (counts) => Object.values(counts).reduce((n, v) => n + v, 0);

test('500 payments whose webhooks all failed: one run on a worker records each state once, emails each once; the next finds nothing', async () => {
	const t0 = Date.now();
	expect((await api('GET', `/workflows/${RECONCILE}`)).active).toBe(false);
	await setReconcileSettings({ gateway360Connected: false, emailSetting: 'successesAndFailures' });

	const { invoices, stripeCustomers } = await seedAutoPay(scale, state, {
		prefix: P,
		count: PAYMENTS,
		customers: 100,
		recurring: false,
	});
	const { endpoints } = await triggerEndpoint(scale, STATUS);
	expect(endpoints).toHaveLength(1);
	const endpoint = endpoints[0];
	await scale.settle({ timeoutMs: 120_000 });

	// the outage: the reconciliation's last run stopped now; Stripe's deliveries fail from now on
	const since = Math.floor(Date.now() / 1000);
	const staticData = storedStaticData();
	const cursor = { created: since, eventIds: [] };
	const seeded = { ...staticData, global: { ...staticData.global, stripeCursor: cursor } };
	scale.sql(
		`UPDATE workflow_entity SET "staticData" = '${JSON.stringify(seeded)}' WHERE id = '${RECONCILE}'`,
	);
	expect(storedStaticData().global.stripeCursor).toEqual(cursor);
	const deliveriesBefore = (await scale.stripe.deliveries()).length;
	await scale.stripePost(`/webhook_endpoints/${endpoint.id}`, { url: DEAD_URL });
	try {
		const payments = await inParallel(invoices, 8, async (invoice, index) => {
			const kind = kindOf(index);
			const res = await stripeCall('POST', '/payment_intents', {
				amount: minor(invoice.balance),
				currency: invoice.currency.toLowerCase(),
				customer: stripeCustomers[invoice.customerId],
				payment_method: CARD[kind],
				confirm: true,
				off_session: true,
				description: `Invoice ${invoice.number}`,
				metadata: encodeInvoiceMetadata(
					[{ invoiceId: invoice.id, amountMinor: minor(invoice.balance), feeMinor: 0 }],
					{ books_customer_id: invoice.customerId },
				),
			});
			const paymentId = res.json?.id ?? res.json?.error?.payment_intent?.id;
			const status = res.json?.status ?? res.json?.error?.payment_intent?.status;
			const expected = kind === 'fails' ? 'requires_payment_method' : 'succeeded';
			if (!paymentId || status !== expected)
				throw new Error(
					`${invoice.id}: expected ${expected}, Stripe says ${res.text.slice(0, 300)}`,
				);
			if (kind === 'refunded') {
				const refund = await stripeCall('POST', '/refunds', { payment_intent: paymentId });
				if (refund.status !== 200) throw new Error(`refund ${paymentId}: ${refund.text}`);
			}
			return { invoice, paymentId, kind };
		});
		const events = await scale.stripeEvents([...RECONCILED_STRIPE_EVENTS], since);
		const ours = new Set(payments.map((p) => p.paymentId));
		const paymentOf = (event) => event.data.object.payment_intent ?? event.data.object.id;
		expect(events.filter((e) => !ours.has(paymentOf(e)))).toEqual([]);

		// Stripe tried every event and gave up: three failed attempts each, none delivered
		const eventIds = new Set(events.map((e) => e.id));
		const attempts = await scale.waitFor(
			'Stripe to give up on every event',
			async () => {
				const tried = (await scale.stripe.deliveries())
					.slice(deliveriesBefore)
					.filter((d) => eventIds.has(d.eventId));
				return tried.length >= events.length * 3 ? tried : null;
			},
			{ timeoutMs: 120_000, intervalMs: 1000 },
		);
		expect(attempts.filter((d) => d.ok)).toEqual([]);
		expect(new Set(attempts.map((d) => d.eventId)).size).toBe(events.length);
		expect((await recordsByInvoice(scale, P)).size).toBe(0);

		// ONE run, on a worker
		await scale.smtp.clear();
		await scale.stripe.hook('POST', 'stats/reset', {});
		const first = await reconcileOnce();
		const stripeStats = await scale.stripe.hook('GET', 'stats');
		expect(first.execution.status).toBe('success');
		expect(first.execution.mode).toBe('trigger');
		expect(first.worker).not.toBeNull();
		expect(
			first.execution.data.resultData.runData['When n8n starts or this is published'],
		).toHaveLength(1);

		// The worker's run read the cursor PostgreSQL holds. A run that reads its own execution's
		// static data would not: n8n 2.41.1 in queue mode starts a new execution on a worker with
		// the workflow as the execution stored it, and that snapshot leaves the static data out
		// (executions/execution-data/types.js toWorkflowSnapshot: id, name, nodes, connections,
		// settings); the worker reloads it from the database only for a resumed execution
		// (workflow-runner.js run(): shouldReloadStaticData = existingExecution && loadStaticData,
		// so the job's loadStaticData is false for a new one, and scaling/job-processor.js then
		// takes execution.workflowData.staticData, undefined). Such a run sees no cursor and
		// sweeps; hookFunctionsSaveWorker still saves what it wrote, which the next run does not
		// see either. The sub-workflow call loads the workflow by id (fetchWorkflowData: the whole
		// entity, static data included) and saves its static data after ('integrated' mode).
		const seen = nodeOutput(first.execution, 'Cursors: where the last run stopped')[0];
		expect(seen.stripeCursor).toEqual(cursor);
		// the run and its two calls of itself for the cursors (read, keep), on the same worker
		expect(first.executions).toEqual({ success: 3 });

		const { stripe } = first.summary;
		expect(stripe).toMatchObject({
			mode: 'events',
			complete: true,
			eventsRead: events.length,
			mismatches: 0,
			refusedByTheBooks: 0,
		});
		expect(first.summary.gateway360).toBeNull();
		expect(stripe.newToTheBooks + stripe.alreadyKnown).toBe(stripe.recordsFound);

		// every payment in the books once, each state once, in its final state
		const records = await recordsByInvoice(scale, P);
		const booksInvoices = await invoicesById(scale, P);
		const wrong = [];
		let statesRecorded = 0;
		for (const p of payments) {
			const list = records.get(p.invoice.id) ?? [];
			const history = (list[0]?.history ?? []).map((h) => h.status);
			statesRecorded += history.length;
			const invoice = booksInvoices.get(p.invoice.id);
			const invoiceRight =
				p.kind === 'succeeds'
					? invoice.paymentStatus === 'paid' && invoice.balance === '0.00'
					: p.kind === 'fails'
						? invoice.paymentStatus === 'failed'
						: invoice.status === 'open' && invoice.balance === p.invoice.balance;
			if (
				list.length !== 1 ||
				list[0].paymentId !== p.paymentId ||
				list[0].status !== FINAL_STATE[p.kind] ||
				history.at(-1) !== FINAL_STATE[p.kind] ||
				new Set(history).size !== history.length ||
				!invoiceRight
			)
				wrong.push({ payment: p.paymentId, kind: p.kind, records: list, invoice });
		}
		expect(wrong).toEqual([]);
		// what the run counted new is what the books now hold: one history entry per new state
		expect(stripe.newToTheBooks).toBe(statesRecorded);

		// each status emailed once: a confirmation per payment recorded as succeeded, a failure
		// per decline, nothing for a refund; one report to the team
		const withHistory = (p) => (records.get(p.invoice.id)?.[0]?.history ?? []).map((h) => h.status);
		const confirmations = payments.filter((p) => withHistory(p).includes('succeeded'));
		const failures = payments.filter((p) => p.kind === 'fails');
		const expectedMails = confirmations.length + failures.length + 1;
		const messages = await mails(scale.smtp, expectedMails, { timeoutMs: 60_000 });
		const subjects = messages.map((m) => m.subject).sort();
		expect(subjects).toEqual(
			[
				...confirmations.map((p) => `Payment Confirmation: invoice ${p.invoice.number}`),
				...failures.map((p) => `Payment Failure: invoice ${p.invoice.number}`),
				...messages.filter((m) => m.subject.startsWith('Reconciliation')).map((m) => m.subject),
			].sort(),
		);
		expect(messages.filter((m) => m.subject.startsWith('Reconciliation'))).toHaveLength(1);
		const runCursor = storedStaticData().global.stripeCursor;
		// the cursor the run kept: after the last event it read
		expect(runCursor).toEqual(first.summary.cursors.stripe);
		expect(runCursor.created).toBeGreaterThanOrEqual(Math.max(...events.map((e) => e.created)));

		// the next run: from the saved cursor, nothing new, nothing recorded, nobody emailed
		await scale.smtp.clear();
		const booksBefore = await scale.books.payments();
		await scale.stripe.hook('POST', 'stats/reset', {});
		const second = await reconcileOnce();
		const secondStats = await scale.stripe.hook('GET', 'stats');
		expect(second.execution.status).toBe('success');
		expect(second.executions).toEqual({ success: 3 });
		expect(second.worker).not.toBeNull();
		// on from the cursor the first run kept (on whichever worker each ran): no event since,
		// nothing posted to the books
		expect(
			nodeOutput(second.execution, 'Cursors: where the last run stopped')[0].stripeCursor,
		).toEqual(runCursor);
		expect(second.summary.stripe).toMatchObject({
			mode: 'events',
			eventsRead: 0,
			recordsFound: 0,
			newToTheBooks: 0,
			alreadyKnown: 0,
			mismatches: 0,
			refusedByTheBooks: 0,
		});
		expect(second.summary.anythingNew).toBe(false);
		expect(count(second.booksCalls)).toBe(0);
		// the books: every record as it was, status, payment and history
		const booksAfter = new Map((await scale.books.payments()).map((r) => [r.paymentId, r]));
		const changed = [];
		for (const before of booksBefore) {
			const after = booksAfter.get(before.paymentId);
			const expectedHistory = before.history.map((h) => h.status);
			if (
				!after ||
				after.status !== before.status ||
				after.invoiceId !== before.invoiceId ||
				JSON.stringify(after.history.map((h) => h.status)) !== JSON.stringify(expectedHistory)
			)
				changed.push({ before, after });
		}
		expect(changed).toEqual([]);
		expect(booksAfter.size).toBe(booksBefore.length);
		const invoicesAfter = await invoicesById(scale, P);
		expect(
			[...invoicesAfter.values()].filter((i) => {
				const was = booksInvoices.get(i.id);
				return (
					i.status !== was.status ||
					i.paymentStatus !== was.paymentStatus ||
					i.balance !== was.balance
				);
			}),
		).toEqual([]);
		expect(await mails(scale.smtp, 0)).toEqual([]);

		recordFigures('reconciliation', {
			payments: PAYMENTS,
			finalStates: Object.fromEntries(
				Object.entries(FINAL_STATE).map(([kind, status]) => [
					status,
					payments.filter((p) => p.kind === kind).length,
				]),
			),
			failedDeliveryAttempts: attempts.length,
			worker: first.worker?.name,
			eventsMade: events.length,
			mode: stripe.mode,
			eventsRead: stripe.eventsRead,
			recordsFound: stripe.recordsFound,
			newToTheBooks: stripe.newToTheBooks,
			alreadyKnown: stripe.alreadyKnown,
			emails: { confirmations: confirmations.length, failures: failures.length, reports: 1 },
			runSeconds: first.seconds,
			stripeRequests: stripeStats.requests,
			stripeRequestsByRoute: stripeStats.byRoute,
			booksCalls: count(first.booksCalls),
			secondRun: {
				mode: second.summary.stripe.mode,
				eventsRead: second.summary.stripe.eventsRead,
				alreadyKnown: second.summary.stripe.alreadyKnown,
				newToTheBooks: second.summary.stripe.newToTheBooks,
				seconds: second.seconds,
				stripeRequests: secondStats.requests,
				stripeRequestsByRoute: secondStats.byRoute,
				booksCalls: count(second.booksCalls),
			},
			seconds: Math.round((Date.now() - t0) / 1000),
		});
	} finally {
		await scale.stripePost(`/webhook_endpoints/${endpoint.id}`, { url: endpoint.url });
	}
});

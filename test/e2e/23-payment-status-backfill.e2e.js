// @ts-check
/**
 * Backfill on activation (issue #21, item 3) in a real n8n: the payment-status workflow is
 * unpublished (its trigger deletes its Stripe endpoint: no event reaches n8n), a payment succeeds
 * and another fails meanwhile, and when the workflow is published again its n8n Trigger (Workflow
 * Published) hands the window of its Settings to the reconciliation workflow, which reads the
 * Stripe events it missed: each state in the books once, each email once, one report; a payment
 * made the moment it is published (its webhook and the backfill racing) is recorded and emailed
 * once too. A payment made after that comes by webhook as always; published again with nothing
 * missed, the backfill reads those events again and finds nothing new: nothing recorded twice,
 * nobody emailed again.
 *
 * The reconciliation is published for this test (the stack leaves it unpublished; n8n 2.x runs
 * only a published sub-workflow) and unpublished at the end.
 */
import { clients, loadState } from './support/clients';
import { mails, settle } from './support/settle';
import { seedFor } from './support/seed';

const state = loadState();
const c = clients(state);
const { n8n, stripe, books, smtp, request } = c;
const P = 'bkf';
const STATUS = 'invPayWf3Status';
const RECONCILE = 'invPayWf8Reconcile';
const TEAM = 'accounts@demo-services.example.com';
const stripeKey = state.credentials.invPayStripeDemo.data.secretKey;

const api = (method, path, body) =>
	request(method, `${state.n8nUrl}/api/v1${path}`, {
		headers: { 'X-N8N-API-KEY': state.apiKey },
		body,
	});
/** A PaymentIntent made outside n8n for one invoice, confirmed off-session with `card`. */
async function paymentElsewhere(customer, cents, invoice, card = 'pm_card_visa') {
	const res = await request('POST', `${state.stripeUrl}/v1/payment_intents`, {
		headers: {
			authorization: `Bearer ${stripeKey}`,
			'content-type': 'application/x-www-form-urlencoded',
		},
		body: new URLSearchParams({
			amount: String(cents),
			currency: 'usd',
			customer: customer.id,
			payment_method: card,
			confirm: 'true',
			off_session: 'true',
			'metadata[invoice_ids]': invoice,
			'metadata[invoice_lines]': `${cents}/0`,
			'metadata[books_customer_id]': customer.metadata.books_customer_id,
		}).toString(),
	});
	const id = res.json.id ?? res.json.error?.payment_intent?.id;
	expect(id).toMatch(/^pi_/);
	return id;
}
const endpoints = async () => (await stripe.api('GET', '/webhook_endpoints')).data.length;
async function unpublishStatus() {
	expect((await api('POST', `/workflows/${STATUS}/deactivate`, {})).status).toBe(200);
	await c.waitFor('the Stripe endpoint to be gone', async () => (await endpoints()) === 0);
}
/**
 * Publishes the payment-status workflow again; its n8n Trigger starts one execution, which calls
 * the reconciliation: both waited for. The reconciliation's Run summary of that backfill.
 */
async function publishStatus(meanwhile = async () => {}) {
	const known = async (id) => new Set((await n8n.executions(id)).map((e) => e.id));
	const [statusBefore, reconcileBefore] = [await known(STATUS), await known(RECONCILE)];
	const res = await api('POST', `/workflows/${STATUS}/activate`, {});
	expect(res.status).toBe(200);
	await meanwhile();
	await n8n.published(STATUS, res.json.activeVersionId ?? res.json.versionId);
	await c.waitFor('the Stripe endpoint again', async () => (await endpoints()) === 1);
	/** The first of the `count` new executions of `id` in `mode`, once all finished. */
	const finished = (id, mode, before, count = 1) =>
		c.waitFor(
			`the ${mode} execution of ${id}`,
			async () => {
				const fresh = (await n8n.executions(id))
					.filter((e) => !before.has(e.id) && e.mode === mode)
					.sort((a, b) => Number(a.id) - Number(b.id));
				if (fresh.length > count)
					throw new Error(`${fresh.length} new ${mode} executions of ${id}`);
				const done = fresh.every((e) => ['success', 'error', 'crashed'].includes(e.status));
				return fresh.length === count && done ? fresh[0] : null;
			},
			{ timeoutMs: 120_000, intervalMs: 250 },
		);
	// the execution the publish started (its n8n Trigger), and the reconciliation it called
	const published = await finished(STATUS, 'trigger', statusBefore);
	const run = await n8n.execution(published.id);
	expect(run.status).toBe('success');
	const runData = run.data.resultData.runData;
	expect(Object.keys(runData)).toEqual(
		expect.arrayContaining([
			'When published again',
			'Backfill: the reconciliation, for the window',
		]),
	);
	expect(runData['Payment or new payment method?']).toBeUndefined();
	// the backfill, and its two calls of the reconciliation itself for the cursors (read; keep,
	// which keeps nothing in a backfill), made after it started
	const backfill = await finished(RECONCILE, 'integrated', reconcileBefore, 3);
	const sub = await n8n.execution(backfill.id);
	expect(sub.status).toBe('success');
	const [[summary]] = sub.data.resultData.runData['Run summary'][0].data.main;
	return summary.json;
}
const recordsOf = async (invoiceId) =>
	(await books.payments())
		.filter((p) => p.invoiceId === invoiceId)
		.map((p) => [p.paymentId, p.status]);
const ours = (messages) =>
	messages
		.filter((m) => !m.subject.startsWith('Backfill') && !m.subject.startsWith('Reconciliation'))
		.map((m) => m.subject)
		.sort();

let customers;
let statusWasPublished = false;
/** @type {any[]} */
let publishedBefore = [];

beforeAll(async () => {
	await n8n.setSettings(STATUS, { emailSetting: 'successesAndFailures' });
	const { seed } = seedFor(P, state.timeZone, {
		customers: [
			{ key: 'c1', name: 'Paid While Off' },
			{ key: 'c2', name: 'Declined While Off' },
		],
		invoices: [
			{ key: 'i1', customer: 'c1', total: '75.00', recurring: false, due: 7 },
			{ key: 'i2', customer: 'c2', total: '40.00', recurring: false, due: 7 },
			{ key: 'i3', customer: 'c1', total: '20.00', recurring: false, due: 7 },
			{ key: 'i4', customer: 'c2', total: '15.00', recurring: false, due: 7 },
		],
	});
	await books.reset(seed);
	customers = {};
	for (const customer of seed.customers)
		customers[customer.id] = await stripe.createCustomer({
			name: customer.name,
			email: customer.email,
			metadata: { books_customer_id: customer.id },
			defaultPaymentMethod: 'pm_card_visa',
		});
	statusWasPublished = (await n8n.workflow(STATUS)).active === true;
	// the stack published the payment-status workflow while the reconciliation was not
	publishedBefore = await Promise.all(
		(await n8n.executions(STATUS))
			.filter((e) => e.mode === 'trigger')
			.map((e) => n8n.execution(e.id)),
	);
	// the reconciliation published: its own n8n Trigger runs it once (on the open invoices, none
	// paid yet), which is waited for: the run and its two calls of itself for the cursors (read,
	// keep), all three finished (the report is sent before the run ends)
	const runs = (await n8n.executions(RECONCILE)).length;
	const res = await api('POST', `/workflows/${RECONCILE}/activate`, {});
	expect(res.status).toBe(200);
	await n8n.published(RECONCILE, res.json.activeVersionId ?? res.json.versionId);
	await n8n.settled(RECONCILE, runs + 3, 120_000);
	if (!statusWasPublished) {
		const again = await api('POST', `/workflows/${STATUS}/activate`, {});
		expect(again.status).toBe(200);
		await n8n.published(STATUS, again.json.activeVersionId ?? again.json.versionId);
	}
	await smtp.clear();
}, 300_000);

afterAll(async () => {
	expect((await api('POST', `/workflows/${RECONCILE}/deactivate`, {})).status).toBe(200);
	if (!statusWasPublished) await api('POST', `/workflows/${STATUS}/deactivate`, {});
}, 120_000);

test('published while the reconciliation is not: no backfill, and the execution says so without failing', () => {
	expect(publishedBefore.length).toBeGreaterThanOrEqual(1);
	for (const run of publishedBefore) {
		expect(run.status).toBe('success');
		const ran = Object.keys(run.data.resultData.runData);
		expect(ran).toContain('No backfill: no published reconciliation');
		expect(ran).not.toContain('Stop: the backfill failed');
	}
});

test('published again after being off: what it missed is recorded once and emailed once', async () => {
	await unpublishStatus();
	const c1 = customers[`${P}-c1`];
	const c2 = customers[`${P}-c2`];
	const paid = await paymentElsewhere(c1, 7500, `${P}-i1`);
	const declined = await paymentElsewhere(c2, 4000, `${P}-i2`, 'pm_card_chargeDeclined');
	// no endpoint: nothing delivered, the books know nothing
	expect(await recordsOf(`${P}-i1`)).toEqual([]);
	expect(await recordsOf(`${P}-i2`)).toEqual([]);

	// and one the moment it is published: its event may come by the new endpoint's webhook, be
	// read by the backfill, or both, whichever first
	let racing = '';
	const summary = await publishStatus(async () => {
		racing = await paymentElsewhere(c2, 1500, `${P}-i4`);
	});
	await settle(c);
	expect(summary.backfill).toMatchObject({ hours: 24, maxEvents: 500, workflowId: STATUS });
	expect(summary.gateway360).toBeNull();
	expect(summary.stripe).toMatchObject({ mode: 'events', complete: true });
	expect(summary.stripe.newToTheBooks).toBeGreaterThanOrEqual(2);
	expect(summary.stripe.eventsRead).toBeGreaterThanOrEqual(2);

	expect(await recordsOf(`${P}-i1`)).toEqual([[paid, 'succeeded']]);
	expect(await books.invoice(`${P}-i1`)).toMatchObject({ status: 'paid', balance: '0.00' });
	expect(await recordsOf(`${P}-i2`)).toEqual([[declined, 'failed']]);
	expect(await books.invoice(`${P}-i2`)).toMatchObject({ paymentStatus: 'failed' });
	expect(await recordsOf(`${P}-i4`)).toEqual([[racing, 'succeeded']]);
	expect(await books.invoice(`${P}-i4`)).toMatchObject({ status: 'paid', balance: '0.00' });

	const messages = await mails(smtp, 4);
	expect(ours(messages)).toEqual([
		'Payment Confirmation: invoice BKF-I1',
		'Payment Confirmation: invoice BKF-I4',
		'Payment Failure: invoice BKF-I2',
	]);
	const reports = messages.filter((m) => m.subject.startsWith('Backfill'));
	expect(reports).toHaveLength(1);
	expect(reports[0].subject).toMatch(/^Backfill: [23] new to the books/);
	expect([...reports[0].envelope.to]).toEqual([TEAM]);
	expect(reports[0].text).toContain('the payment-status workflow was published again');
	expect(reports[0].text).toContain(`- Stripe ${paid}, invoice BKF-I1: recorded succeeded`);
	expect(reports[0].text).toContain(`- Stripe ${declined}, invoice BKF-I2: recorded failed`);
	// no reconciliation of its own ran meanwhile
	expect(messages.filter((m) => m.subject.startsWith('Reconciliation'))).toEqual([]);
	await smtp.clear();
}, 300_000);

test('published again with nothing missed: the events read again, and a payment the webhook brought, are known; nothing recorded twice, nobody emailed', async () => {
	// published: a payment comes by webhook, recorded and emailed as always
	const byWebhook = await paymentElsewhere(customers[`${P}-c1`], 2000, `${P}-i3`);
	await settle(c);
	expect(await recordsOf(`${P}-i3`)).toEqual([[byWebhook, 'succeeded']]);
	expect(ours(await mails(smtp, 1))).toEqual(['Payment Confirmation: invoice BKF-I3']);
	await smtp.clear();
	const records = async () =>
		(await books.payments()).map((p) => [p.invoiceId, p.paymentId, p.status]);
	const before = await records();
	const invoices = async () =>
		Promise.all(['i1', 'i2', 'i3', 'i4'].map(async (key) => books.invoice(`${P}-${key}`)));
	const invoicesBefore = await invoices();

	await unpublishStatus();
	const summary = await publishStatus();
	expect(summary.stripe).toMatchObject({ mode: 'events', newToTheBooks: 0, newMismatches: 0 });
	// the three payments of the first backfill and the one the webhook brought, read again
	expect(summary.stripe.alreadyKnown).toBeGreaterThanOrEqual(4);
	// the same records with the same states, the invoices as they were (a record's history, every
	// status reported in arrival order as the books contract keeps it, gains the report)
	expect(await records()).toEqual(before);
	expect(await invoices()).toEqual(invoicesBefore);
	// payments of invoices these books do not hold (other tests', in the whole suite) are refused
	// and reported; nothing of this test's invoices, no other email
	expect(summary.anythingNew).toBe(summary.stripe.refusedByTheBooks > 0);
	const after = await mails(smtp, 0);
	expect(ours(after)).toEqual([]);
	for (const message of after) expect(message.text).not.toContain('BKF-');
}, 300_000);

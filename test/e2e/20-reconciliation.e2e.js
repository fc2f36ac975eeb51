// @ts-check
/**
 * The reconciliation workflow, run by hand (`n8n execute`) in a real n8n while the
 * payment-status workflow is unpublished, so no webhook reaches n8n: payments made elsewhere,
 * before the first run (no cursor yet: the books' open invoices are swept) and after it (Stripe's
 * events since the cursor): a payment succeeded, a payment failed, a pay link paid, a refund made
 * directly on the Stripe server (the Dashboard's way), a dispute, and a 360 Payments sale made at
 * the gateway. Each state reaches the books once, each email goes out once, a report tells the
 * team; the next run finds nothing new. A cursor older than the 30 days Stripe keeps events
 * falls back to the sweep. The payment-status workflow is published again at the end.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { runInServer } from './support/books-caller';
import { clients, loadState } from './support/clients';
import { mails } from './support/settle';
import { seedFor } from './support/seed';
import { freePort, n8nEnv } from './support/stack';

const state = loadState();
const c = clients(state);
const { n8n, stripe, books, smtp, request } = c;
const P = 'rcn';
const STATUS = 'invPayWf3Status';
const RECONCILE = 'invPayWf8Reconcile';
const TEAM = 'accounts@demo-services.example.com';
const stripeKey = state.credentials.invPayStripeDemo.data.secretKey;

const api = (method, path, body) =>
	request(method, `${state.n8nUrl}/api/v1${path}`, {
		headers: { 'X-N8N-API-KEY': state.apiKey },
		body,
	});
/** A form post to the Stripe server's API, as the Dashboard or another integration makes it. */
async function stripePost(path, fields) {
	return request('POST', `${state.stripeUrl}/v1${path}`, {
		headers: {
			authorization: `Bearer ${stripeKey}`,
			'content-type': 'application/x-www-form-urlencoded',
		},
		body: new URLSearchParams(fields).toString(),
	});
}
/** Metadata naming one invoice of a books customer, as this package's payments carry it. */
const naming = (invoice, customer, cents) => ({
	'metadata[invoice_ids]': invoice,
	'metadata[invoice_lines]': `${cents}/0`,
	'metadata[books_customer_id]': customer,
});
/** A PaymentIntent made outside n8n, confirmed off-session with `card`. */
async function paymentElsewhere(customer, cents, invoice, card = 'pm_card_visa') {
	const res = await stripePost('/payment_intents', {
		amount: String(cents),
		currency: 'usd',
		customer: customer.id,
		payment_method: card,
		confirm: 'true',
		off_session: 'true',
		...naming(invoice, customer.metadata.books_customer_id, cents),
	});
	return res;
}
/** The reconciliation, run once; its Run summary. */
async function reconcile() {
	const run = await n8n.execute(RECONCILE);
	expect(run.status).toBe('success');
	const [[summary]] = run.data.resultData.runData['Run summary'][0].data.main;
	return summary.json;
}
/**
 * The reconciliation's static data changed as `change` says, the way it would be after the
 * workflow was left unrun: the workflow exported through the API and imported again with it
 * (`n8n import:workflow` keeps a file's staticData).
 */
async function changeStaticData(change) {
	const workflow = await n8n.workflow(RECONCILE);
	const dir = mkdtempSync(path.join(tmpdir(), 'reconcile-'));
	try {
		const file = path.join(dir, 'reconciliation.json');
		const { id, name, nodes, connections, settings } = workflow;
		const staticData = change(workflow.staticData ?? {});
		writeFileSync(file, JSON.stringify({ id, name, nodes, connections, settings, staticData }));
		const env = n8nEnv(
			{ ...state, ports: { ...state.ports, broker: await freePort() } },
			state.runtime,
		);
		execFileSync(state.runtime.node, [state.runtime.n8nBin, 'import:workflow', `--input=${file}`], {
			env,
			stdio: 'pipe',
			timeout: 120_000,
		});
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
	// read back; a keep-alive connection the server closed while the import ran is retried
	return c.waitFor('the imported static data', async () => {
		try {
			return (await n8n.workflow(RECONCILE)).staticData;
		} catch {
			return null;
		}
	});
}
const recordsOf = async (invoiceId) =>
	(await books.payments()).filter((p) => p.invoiceId === invoiceId);
const subjects = (messages) => messages.map((m) => m.subject).sort();

let customers;
let wasPublished = false;

beforeAll(async () => {
	await n8n.setSettings(STATUS, { emailSetting: 'successesAndFailures' });
	const { seed } = seedFor(P, state.timeZone, {
		customers: [
			{ key: 'c1', name: 'Paid While Away' },
			{ key: 'c2', name: 'Failed Then Linked' },
			{ key: 'c3', name: 'Gateway Buyer' },
		],
		invoices: [
			{ key: 'i1', customer: 'c1', total: '75.00', recurring: false, due: 7 },
			{ key: 'i2', customer: 'c2', total: '40.00', recurring: false, due: 7 },
			{ key: 'i3', customer: 'c2', total: '120.00', recurring: false, due: 7 },
			{ key: 'i4', customer: 'c1', total: '50.00', recurring: false, due: 7 },
			{ key: 'i5', customer: 'c3', total: '30.00', recurring: false, due: 7 },
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

	// the payment-status workflow unpublished: its trigger removes its Stripe endpoint, and no
	// event reaches n8n from now on
	wasPublished = (await n8n.workflow(STATUS)).active === true;
	const res = await api('POST', `/workflows/${STATUS}/deactivate`, {});
	expect(res.status).toBe(200);
	await c.waitFor(
		'the Stripe endpoint to be gone',
		async () => (await stripe.api('GET', '/webhook_endpoints')).data.length === 0,
	);
	await smtp.clear();
}, 120_000);

afterAll(async () => {
	if (!wasPublished) return;
	const res = await api('POST', `/workflows/${STATUS}/activate`, {});
	expect(res.status).toBe(200);
	await n8n.published(STATUS, res.json.activeVersionId ?? res.json.versionId);
	await c.waitFor(
		'the payment-status workflow to register its Stripe endpoint again',
		async () => (await stripe.api('GET', '/webhook_endpoints')).data.length === 1,
	);
}, 120_000);

test('first run, no cursor: the open invoices are swept; what the books missed is recorded and emailed once', async () => {
	const [c1] = [customers[`${P}-c1`]];
	const i1 = await paymentElsewhere(c1, 7500, `${P}-i1`);
	const i4 = await paymentElsewhere(c1, 5000, `${P}-i4`);
	expect([i1.json.status, i4.json.status]).toEqual(['succeeded', 'succeeded']);
	// no webhook: the books know nothing
	expect(await recordsOf(`${P}-i1`)).toEqual([]);

	const summary = await reconcile();
	expect(summary.stripe).toMatchObject({ mode: 'sweep', newToTheBooks: 2 });
	for (const [invoiceId, paymentId] of [
		[`${P}-i1`, i1.json.id],
		[`${P}-i4`, i4.json.id],
	]) {
		expect((await recordsOf(invoiceId)).map((r) => [r.paymentId, r.status])).toEqual([
			[paymentId, 'succeeded'],
		]);
		expect(await books.invoice(invoiceId)).toMatchObject({ status: 'paid', balance: '0.00' });
	}
	const messages = await mails(smtp, 3);
	expect(subjects(messages.filter((m) => !m.subject.startsWith('Reconciliation')))).toEqual([
		'Payment Confirmation: invoice RCN-I1',
		'Payment Confirmation: invoice RCN-I4',
	]);
	const reports = messages.filter((m) => m.subject.startsWith('Reconciliation'));
	expect(reports).toHaveLength(1);
	expect([...reports[0].envelope.to]).toEqual([TEAM]);
	expect(reports[0].text).toContain(`- Stripe ${i1.json.id}, invoice RCN-I1: recorded succeeded`);
	await smtp.clear();
}, 240_000);

test("later runs read Stripe's events since the cursor and 360 Payments' changes: a refund in the Dashboard, a dispute, a failure, a pay link, a gateway sale", async () => {
	const c1 = customers[`${P}-c1`];
	const c2 = customers[`${P}-c2`];
	const [i1] = await recordsOf(`${P}-i1`);
	const [i4] = await recordsOf(`${P}-i4`);

	// refunded in full, straight on the Stripe server (the Dashboard's way)
	expect((await stripePost('/refunds', { payment_intent: i1.paymentId })).status).toBe(200);
	// the customer disputes the other payment
	const dispute = await stripe.hook('POST', 'disputes', { paymentIntent: i4.paymentId });
	// a payment that fails
	const failed = await paymentElsewhere(c2, 4000, `${P}-i2`, 'pm_card_chargeDeclined');
	const failedId = failed.json.id ?? failed.json.error?.payment_intent?.id;
	expect(failedId).toMatch(/^pi_/);
	// a pay link, paid
	const link = await stripePost('/checkout/sessions', {
		mode: 'payment',
		customer: c2.id,
		'line_items[0][price_data][currency]': 'usd',
		'line_items[0][price_data][unit_amount]': '12000',
		'line_items[0][price_data][product_data][name]': 'Invoice RCN-I3',
		'line_items[0][quantity]': '1',
		success_url: 'https://demo-services.example.com/paid',
		cancel_url: 'https://demo-services.example.com/canceled',
		...naming(`${P}-i3`, `${P}-c2`, 12000),
		...Object.fromEntries(
			Object.entries(naming(`${P}-i3`, `${P}-c2`, 12000)).map(([key, value]) => [
				key.replace(/^metadata/, 'payment_intent_data[metadata]'),
				value,
			]),
		),
	});
	expect(link.status).toBe(200);
	await stripe.hook('POST', `checkout_sessions/${link.json.id}/complete`, {
		paymentMethod: 'pm_card_visa',
	});
	// a sale at the gateway whose webhook never came
	const saleId = await c.gateway.sale({
		invoiceId: `${P}-i5`,
		customerId: `${P}-c3`,
		invoiceNumber: 'RCN-I5',
		amount: '30.00',
	});

	const summary = await reconcile();
	expect(summary.stripe).toMatchObject({ mode: 'events', complete: true });
	expect(summary.stripe.eventsRead).toBeGreaterThanOrEqual(5);
	expect(summary.gateway360).toMatchObject({ newToTheBooks: 1 });

	// each state in the books once
	const one = async (invoiceId) => {
		const records = await recordsOf(invoiceId);
		expect(new Set(records.map((r) => r.paymentId)).size).toBe(records.length);
		return records;
	};
	expect((await one(`${P}-i1`)).map((r) => [r.paymentId, r.status])).toEqual([
		[i1.paymentId, 'refunded'],
	]);
	expect(await books.invoice(`${P}-i1`)).toMatchObject({ status: 'open', balance: '75.00' });
	expect((await one(`${P}-i2`)).map((r) => [r.paymentId, r.status])).toEqual([
		[failedId, 'failed'],
	]);
	expect(await books.invoice(`${P}-i2`)).toMatchObject({ paymentStatus: 'failed' });
	const i3 = await one(`${P}-i3`);
	expect(i3.map((r) => r.status)).toEqual(['succeeded']);
	expect(i3[0].paymentId).toMatch(/^pi_/);
	expect(await books.invoice(`${P}-i3`)).toMatchObject({ status: 'paid', balance: '0.00' });
	expect((await one(`${P}-i5`)).map((r) => [r.provider, r.paymentId, r.status])).toEqual([
		['gateway360', saleId, 'succeeded'],
	]);
	expect(await books.invoice(`${P}-i5`)).toMatchObject({ status: 'paid' });
	// the dispute: kept apart on its invoice, under its own id, with what it is
	expect(await one(`${P}-i4`)).toHaveLength(1);
	const kept = (await books.call('GET', `/invoices/${P}-i4/payment-mismatches`)).json;
	expect(kept.map((k) => [k.paymentId, k.status, k.reasons.map((r) => r.code)])).toEqual([
		[dispute.id, 'pending', ['DISPUTE_OPEN']],
	]);

	// each email once: the failure and the two confirmations to the customers, the dispute to
	// the team; nothing for the refund; nothing again for the payments the first run recorded
	const messages = await mails(smtp, 5);
	expect(subjects(messages.filter((m) => !m.subject.startsWith('Reconciliation')))).toEqual([
		'Payment Confirmation: invoice RCN-I3',
		'Payment Confirmation: invoice RCN-I5',
		'Payment Failure: invoice RCN-I2',
		`Payment Mismatch: invoice RCN-I4 (Paid While Away (${P}))`,
	]);
	const reports = messages.filter((m) => m.subject.startsWith('Reconciliation'));
	expect(reports).toHaveLength(1);
	expect(reports[0].text).toContain(`invoice RCN-I1: recorded refund, refunded`);
	expect(reports[0].text).toContain(`- 360 Payments ${saleId}, invoice RCN-I5: recorded succeeded`);
	await smtp.clear();

	// the next run: nothing new, nothing recorded, nobody emailed
	const before = await books.payments();
	const again = await reconcile();
	expect(again.stripe).toMatchObject({ newToTheBooks: 0, newMismatches: 0 });
	expect(again.gateway360).toMatchObject({ newToTheBooks: 0, newMismatches: 0 });
	expect((await books.payments()).map((p) => [p.paymentId, p.status])).toEqual(
		before.map((p) => [p.paymentId, p.status]),
	);
	// the Stripe account and the gateway are shared by every test: payments of invoices these
	// books do not hold (other tests') may still be in 360 Payments' overlapping window, refused
	// by the books and listed in a report; nothing of this test's invoices, no other email
	const refused = again.stripe.refusedByTheBooks + again.gateway360.refusedByTheBooks;
	expect(again.anythingNew).toBe(refused > 0);
	const after = await mails(smtp, 0);
	expect(after.filter((m) => !m.subject.startsWith('Reconciliation'))).toEqual([]);
	for (const message of after) expect(message.text).not.toContain('RCN-');
}, 300_000);

test('a cursor older than the 30 days Stripe keeps events: the run sweeps the open invoices instead', async () => {
	// the last run's report (other tests' 360 sales refused, when the whole suite ran) is not this
	// run's
	await smtp.clear();
	// the refunded invoice is open again; the customer pays it anew, elsewhere
	const paidAgain = await paymentElsewhere(customers[`${P}-c1`], 7500, `${P}-i1`);
	expect(paidAgain.json.status).toBe('succeeded');
	const stale = { created: Math.floor(Date.now() / 1000) - 31 * 24 * 60 * 60, eventIds: [] };
	// $getWorkflowStaticData('global') is the static data's `global` key
	const stored = await changeStaticData((data) => ({
		...data,
		global: { ...data.global, stripeCursor: stale },
	}));
	expect(stored.global.stripeCursor).toEqual(stale);
	expect(stored.global.gateway360ChangedTo).toEqual(expect.any(String));

	const summary = await reconcile();
	expect(summary.stripe).toMatchObject({ mode: 'sweep', newToTheBooks: 1, mismatches: 0 });
	// the sweep sets a fresh cursor, kept for the next run
	expect(summary.cursors.stripe.created).toBeGreaterThan(stale.created + 29 * 24 * 60 * 60);
	expect((await recordsOf(`${P}-i1`)).map((r) => r.status).sort()).toEqual([
		'refunded',
		'succeeded',
	]);
	expect(await books.invoice(`${P}-i1`)).toMatchObject({ status: 'paid', balance: '0.00' });
	const messages = await mails(smtp, 2);
	expect(subjects(messages.filter((m) => !m.subject.startsWith('Reconciliation')))).toEqual([
		'Payment Confirmation: invoice RCN-I1',
	]);
	const reports = messages.filter((m) => m.subject.startsWith('Reconciliation'));
	expect(reports).toHaveLength(1);
	expect(reports[0].text).toContain('swept');
	await smtp.clear();

	// back on events: what the sweep recorded is known, nobody emailed again
	const next = await reconcile();
	expect(next.stripe).toMatchObject({ mode: 'events', newToTheBooks: 0, newMismatches: 0 });
	const after = await mails(smtp, 0);
	expect(after.filter((m) => !m.subject.startsWith('Reconciliation'))).toEqual([]);
}, 240_000);

test('Reconcile now in the editor keeps its cursor too: the next run reads on from it', async () => {
	// a refund of the payment the sweep just recorded, straight on the Stripe server
	const paid = (await recordsOf(`${P}-i1`)).find((r) => r.status === 'succeeded');
	expect((await stripePost('/refunds', { payment_intent: paid.paymentId })).status).toBe(200);
	const before = (await n8n.workflow(RECONCILE)).staticData.global.stripeCursor;

	// a test run from the editor's button (mode manual: n8n saves no static data of its own
	// execution; the cursors are kept by the workflow's call of itself, its draft here, as the
	// workflow is unpublished)
	const run = await runInServer({ ...c, state }, RECONCILE, 'Reconcile now');
	expect(run.status).toBe('success');
	expect(run.mode).toBe('manual');
	const [[summaryItem]] = run.data.resultData.runData['Run summary'][0].data.main;
	const summary = summaryItem.json;
	expect(summary.stripe).toMatchObject({ mode: 'events', newToTheBooks: 1 });
	expect(summary.stripe.eventsRead).toBeGreaterThanOrEqual(1);
	const kept = (await n8n.workflow(RECONCILE)).staticData.global.stripeCursor;
	expect(kept).toEqual(summary.cursors.stripe);
	expect(kept).not.toEqual(before);
	expect(await recordsOf(`${P}-i1`)).toEqual(
		expect.arrayContaining([
			expect.objectContaining({ paymentId: paid.paymentId, status: 'refunded' }),
		]),
	);
	await smtp.clear();

	// the next run (n8n execute) reads on from the cursor the test run kept: nothing to read
	const next = await reconcile();
	expect(next.stripe).toMatchObject({ mode: 'events', eventsRead: 0, newToTheBooks: 0 });
}, 240_000);

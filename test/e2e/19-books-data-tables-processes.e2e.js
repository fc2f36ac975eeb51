// @ts-check
/**
 * The processes on the n8n Data Tables books (what `npm start` runs by default): the daily
 * auto-pay and the payment-status workflow with their Settings → booksWorkflowId switched to the
 * Data Tables adapter (invPayBooksTables, published by the stack beside the REST one), the
 * tables made and loaded by the setup workflow (its demo books, then this file's own customers
 * and invoices added through n8n's API), and the tables read back through n8n's API after each
 * run: the payments recorded, the invoices paid or failed, a refund reopening its invoice. Then
 * the card expiry check, a portal user paying its customer's outstanding invoices (the caller a
 * row of the callers table) and a customer paying a web invoice with Pay Now, each on the same
 * tables, read back after it.
 * Data Tables exist only inside the n8n server, so the daily run is started there (as the
 * editor's "Run auto-pay now" does), not with `n8n execute`. Afterwards every workflow points at
 * the REST books again, as every other file expects.
 */
import { accountingAdapters, shipped } from './support/accounting-adapters';
import { booksCallerWorkflow, refundInStripe, runInServer as runIn } from './support/books-caller';
import { clients, loadState } from './support/clients';
import { mails, settle } from './support/settle';
import { seededCustomer, seedFor } from './support/seed';

const state = loadState();
const c = clients(state);
const { n8n, stripe, smtp, gateway, request, waitFor, jwt } = c;
const AUTO_PAY = 'invPayWf2AutoPay';
const STATUS = 'invPayWf3Status';
const CARD_CHECK = 'invPayWf7CardExpiry';
const PAY = 'invPayWf4PayNow';
const WEB = 'invPayWf5WebInv';
const TABLES_ADAPTER = 'invPayBooksTables';
const SETUP = 'invPayBooksSetup';
const P = 'dtp';
const TEAM = 'accounts@demo-services.example.com';
const TABLES = {
	customers: 'invoice_payments_customers',
	invoices: 'invoice_payments_invoices',
	payments: 'invoice_payments_payments',
	callers: 'invoice_payments_callers',
};

/** A call of n8n's public API; its JSON, or an error naming the call. @param {string} method @param {string} route @param {unknown} [body] */
const api = async (method, route, body) =>
	c.ok(await c.api(method, route, body), `${method} ${route}`);

/** @type {Record<string, string>} table name → id */
let tableIds = {};
/** @param {keyof typeof TABLES} table @returns {Promise<any[]>} this file's rows of a table */
async function rowsOf(table) {
	const rows = [];
	let cursor = null;
	do {
		const page = await api(
			'GET',
			`/data-tables/${tableIds[TABLES[table]]}/rows?limit=250${cursor ? `&cursor=${cursor}` : ''}`,
		);
		rows.push(...page.data);
		cursor = page.nextCursor ?? null;
	} while (cursor);
	const key = {
		customers: 'customerId',
		invoices: 'invoiceId',
		payments: 'invoiceId',
		callers: 'callerId',
	}[table];
	return rows.filter((row) => String(row[key]).startsWith(`${P}-`));
}
/** @param {string} id */
const invoiceRow = async (id) => (await rowsOf('invoices')).find((row) => row.invoiceId === id);

/**
 * What the workflows' Settings held before, restored afterwards.
 * @type {Record<string, Record<string, unknown>>}
 */
const before = {};
const harnesses = [];
/** workflows of the upgrade test (the setup under other table names, its caller) */
const setups = accountingAdapters({ state, ...c }, 'e2e 19');

const { seed, today } = seedFor(P, state.timeZone, {
	customers: [
		{ key: 'c1', name: 'Tables Paying Ltd' },
		{ key: 'c2', name: 'Tables Declined Ltd' },
		{ key: 'c3', name: 'Tables Portal Ltd' },
		{ key: 'c4', name: 'Tables Web Ltd' },
	],
	invoices: [
		{ key: 'i1', customer: 'c1', total: '180.00', due: -1 },
		{ key: 'i2', customer: 'c2', total: '64.50', due: 0 },
		{ key: 'i3', customer: 'c1', total: '30.00', due: 7 },
		// paid from the portal (not recurring: the daily run leaves them)
		{ key: 'i4', customer: 'c3', total: '100.00', recurring: false },
		{ key: 'i5', customer: 'c3', total: '50.00', recurring: false },
		{ key: 'i6', customer: 'c3', total: '20.00', recurring: false, sentToProvider: false },
		// paid on its web invoice
		{ key: 'i7', customer: 'c4', total: '40.00', recurring: false },
	],
	callers: [
		{
			key: 'pat',
			kind: 'portal',
			name: 'Pat Portal',
			email: 'pat@portal.dtp.example.com',
			customer: 'c3',
			invoiceAccessLevel: 'customer',
		},
	],
});

/**
 * Runs the setup workflow in the server, as a process calls an adapter (the shared harness:
 * Execute Workflow, Run once with all items); its one answer.
 */
async function loadDemoTables() {
	const hookPath = `e2e-19-books-setup-${Date.now()}`;
	const created = await api(
		'POST',
		'/workflows',
		booksCallerWorkflow(SETUP, hookPath, 'e2e 19: load the demo books into Data Tables'),
	);
	harnesses.push(created.id);
	const activated = await api('POST', `/workflows/${created.id}/activate`, {});
	await n8n.published(created.id, activated.versionId ?? created.versionId);
	const res = await request('POST', n8n.webhook(hookPath), {
		body: { requests: [{ loadDemoData: true, today }] },
		timeoutMs: 120_000,
	});
	if (res.status !== 200) throw new Error(`setup: HTTP ${res.status} ${res.text}`);
	return res.json.answers[0];
}

/** Starts a workflow's manual trigger in the n8n server and waits for the execution's end. */
const runInServer = (workflowId, trigger) => runIn({ ...c, state }, workflowId, trigger);

beforeAll(async () => {
	/** @type {Array<[string, Record<string, unknown>]>} */
	const changes = [
		[AUTO_PAY, { silentFirstRetry: false }],
		[STATUS, { silentFirstRetry: false }],
		[PAY, { feePercent: '3' }],
		[WEB, { feePercent: '0', gateway360Connected: true, stripeConnected: true }],
	];
	for (const [id, settings] of changes) {
		const values = {
			booksWorkflowId: TABLES_ADAPTER,
			emailSetting: 'successesAndFailures',
			...settings,
		};
		const workflow = await n8n.workflow(id);
		before[id] = Object.fromEntries(
			workflow.nodes
				.find((n) => n.name === 'Settings')
				.parameters.assignments.assignments.filter((a) => a.name in values)
				.map((a) => [a.name, a.value]),
		);
		await n8n.setSettings(id, values);
	}
	const ready = await loadDemoTables();
	expect(ready).toMatchObject({ demoDataLoaded: true, today });
	const listed = (await api('GET', '/data-tables?limit=100')).data;
	tableIds = Object.fromEntries(listed.map((t) => [t.name, t.id]));
	// this file's customers and invoices, as rows of the tables the setup made
	await api('POST', `/data-tables/${tableIds[TABLES.customers]}/rows`, {
		returnType: 'count',
		data: seed.customers.map((customer) => ({
			customerId: customer.id,
			name: customer.name,
			email: customer.email,
			phone: customer.phone,
			addressLine1: customer.address.line1,
			addressCity: customer.address.city,
			addressPostalCode: customer.address.postalCode,
			addressCountry: customer.address.country,
			accountsEmail: customer.accountsEmail,
			accountsCcEmail: customer.accountsCcEmail,
			stripeCustomerId: null,
		})),
	});
	await api('POST', `/data-tables/${tableIds[TABLES.invoices]}/rows`, {
		returnType: 'count',
		data: seed.invoices.map((invoice) => ({
			invoiceId: invoice.id,
			number: invoice.number,
			customerId: invoice.customerId,
			currency: invoice.currency,
			total: invoice.total,
			balance: invoice.balance,
			createdOn: invoice.createdAt,
			dueDate: invoice.dueDate,
			recurringInvoiceId: invoice.recurringInvoiceId,
			status: invoice.status,
			paymentStatus: invoice.paymentStatus,
			sentToProvider: invoice.sentToProvider,
		})),
	});
	await api('POST', `/data-tables/${tableIds[TABLES.callers]}/rows`, {
		returnType: 'count',
		data: /** @type {Array<Record<string, unknown>>} */ (seed.callers).map((caller) => ({
			callerId: caller.id,
			kind: caller.kind,
			name: caller.name,
			email: caller.email,
			active: caller.active,
			customerId: caller.customerId,
			canReceiveManualStripePayments: caller.canReceiveManualStripePayments,
			invoiceAccessLevel: caller.invoiceAccessLevel,
		})),
	});
	for (const [key, method] of [
		['c1', 'pm_card_visa'],
		['c2', 'pm_card_chargeCustomerFail'],
		['c3', 'pm_card_visa'],
		['c4', undefined],
	]) {
		const customer = seededCustomer(seed, `${P}-${key}`);
		await stripe.createCustomer({
			name: customer.name,
			email: customer.email,
			metadata: { books_customer_id: customer.id },
			...(method ? { defaultPaymentMethod: method } : {}),
		});
	}
	await smtp.clear();
}, 240_000);

/**
 * Changes fields of an unpublished workflow's Settings (the card expiry check ships off): saved,
 * not published, so nothing waits for n8n to publish it.
 * @param {string} id @param {Record<string, unknown>} values @returns {Promise<Record<string, unknown>>} what they were
 */
async function setDraftSettings(id, values) {
	const workflow = await n8n.workflow(id);
	const { assignments } = workflow.nodes.find((n) => n.name === 'Settings').parameters.assignments;
	/** @type {Record<string, unknown>} */
	const was = {};
	for (const [name, value] of Object.entries(values)) {
		const assignment = assignments.find((a) => a.name === name);
		if (!assignment) throw new Error(`Settings of ${workflow.name} has no ${name}`);
		was[name] = assignment.value;
		assignment.value = value;
	}
	const { name, nodes, connections, settings } = workflow;
	await api('PUT', `/workflows/${id}`, {
		name,
		nodes,
		connections,
		settings: { executionOrder: settings.executionOrder, timezone: settings.timezone },
	});
	return was;
}

afterAll(async () => {
	for (const id of [AUTO_PAY, STATUS, PAY, WEB])
		if (before[id]) await n8n.setSettings(id, before[id]);
	if (before[CARD_CHECK]) await setDraftSettings(CARD_CHECK, before[CARD_CHECK]);
	await setups.removeAll();
	for (const id of harnesses) {
		await api('POST', `/workflows/${id}/deactivate`, {});
		// n8n 2.x unpublishes a moment after it answered
		await waitFor(
			`workflow ${id} deleted`,
			async () =>
				(
					await request('DELETE', `${state.n8nUrl}/api/v1/workflows/${id}`, {
						headers: { 'X-N8N-API-KEY': state.apiKey },
					})
				).status !== 409,
			{ timeoutMs: 30_000, intervalMs: 300 },
		);
	}
}, 120_000);

test('the daily auto-pay on the Data Tables books: charged, recorded in the tables, emailed, one adapter call per books step', async () => {
	const since = new Date().toISOString();
	const execution = await runInServer(AUTO_PAY, 'Run auto-pay now');
	expect(execution.status).toBe('success');
	const runData = execution.data.resultData.runData;
	for (const step of [
		'Books: read open recurring invoices',
		'Books: record the payment',
		'Books: read the customer',
	])
		expect([step, runData[step].length]).toEqual([step, 1]);
	const [charge, skipped] = runData['Auto-Pay Scan'][0].data.main;
	expect(charge.map((item) => item.json.id).filter((id) => id.startsWith(P))).toEqual([
		`${P}-i1`,
		`${P}-i2`,
	]);
	expect(
		skipped.filter((item) => item.json.id === `${P}-i3`).map((item) => item.json.autoPay.reason),
	).toEqual(['NOT_DUE_YET']);
	await settle(c);
	// the Stripe webhook's payment-status runs for the same payments, on the same books
	const statusRuns = (await n8n.executions(STATUS)).filter((e) => e.startedAt >= since);
	expect(statusRuns.length).toBeGreaterThan(0);
	expect(statusRuns.map((e) => e.status)).toEqual(statusRuns.map(() => 'success'));

	// the tables after the run (and the Stripe webhook's records of the same payments)
	const payments = await rowsOf('payments');
	expect(payments.map((row) => [row.invoiceId, row.status, row.amount]).sort()).toEqual([
		[`${P}-i1`, 'succeeded', '180.00'],
		[`${P}-i2`, 'failed', '64.50'],
	]);
	for (const row of payments) {
		const record = JSON.parse(row.record);
		expect(row.recordKey).toBe(`${row.invoiceId} ${row.paymentId}`);
		expect(record.paymentId).toMatch(/^pi_/);
		expect(record.history.map((h) => h.status)).toContain(row.status);
	}
	expect(await invoiceRow(`${P}-i1`)).toMatchObject({
		status: 'paid',
		paymentStatus: 'paid',
		balance: '0.00',
	});
	expect(await invoiceRow(`${P}-i2`)).toMatchObject({
		status: 'open',
		paymentStatus: 'failed',
		balance: '64.50',
	});
	expect(await invoiceRow(`${P}-i3`)).toMatchObject({
		status: 'open',
		paymentStatus: 'unpaid',
		balance: '30.00',
	});

	const messages = await mails(smtp, 3);
	const subjects = messages.map((m) => m.subject);
	expect(subjects).toEqual(
		expect.arrayContaining([
			`Payment Confirmation: invoice ${P.toUpperCase()}-I1`,
			`Payment Failure: invoice ${P.toUpperCase()}-I2`,
		]),
	);
	expect(subjects.filter((s) => s.includes(`${P.toUpperCase()}-I`))).toHaveLength(2);
	const report = messages.find((m) => m.subject.startsWith('Auto-pay run'));
	expect([...report.envelope.to]).toEqual([TEAM]);
	expect(report.text).toContain(`- ${P}-i3 - NOT_DUE_YET`);
}, 240_000);

test('the payment-status webhook on the Data Tables books: a full refund in Stripe reopens the invoice in the tables', async () => {
	const [paid] = (await rowsOf('payments')).filter((row) => row.invoiceId === `${P}-i1`);
	const since = new Date().toISOString();
	await smtp.clear();
	const res = await refundInStripe({ state, request }, paid.paymentId);
	expect(res.status).toBe(200);
	// the refund's events reach the payment-status workflow a moment later
	await waitFor(
		`${P}-i1 reopened in the invoices table`,
		async () => (await invoiceRow(`${P}-i1`)).balance === '180.00',
		{ timeoutMs: 60_000, intervalMs: 500 },
	);
	await settle(c);
	const executions = (await n8n.executions(STATUS)).filter((e) => e.startedAt >= since);
	expect(executions.length).toBeGreaterThan(0);
	expect(executions.map((e) => e.status)).toEqual(executions.map(() => 'success'));

	const [refunded] = (await rowsOf('payments')).filter((row) => row.invoiceId === `${P}-i1`);
	expect(refunded).toMatchObject({ paymentId: paid.paymentId, status: 'refunded' });
	expect(JSON.parse(refunded.record).refund).toMatchObject({
		amountRefunded: { amount: '180.00' },
	});
	expect(await invoiceRow(`${P}-i1`)).toMatchObject({
		status: 'open',
		paymentStatus: 'unpaid',
		balance: '180.00',
	});
	// a refund is recorded, nobody is emailed
	expect(
		(await smtp.messages()).filter((m) => m.subject.includes(`${P.toUpperCase()}-I1`)),
	).toEqual([]);
}, 240_000);

test('the card expiry check on the Data Tables books: the customers with an open recurring invoice in the tables, their cards checked, a notice each', async () => {
	// the local server's test cards are good through December, three years on: as of the January
	// after, every automatic card expires before the next due day (today's, once passed)
	const expiryYear = new Date().getUTCFullYear() + 3;
	before[CARD_CHECK] = await setDraftSettings(CARD_CHECK, {
		booksWorkflowId: TABLES_ADAPTER,
		preDunning: true,
		asOf: `${expiryYear + 1}-01-05`,
	});
	await smtp.clear();
	const execution = await runInServer(CARD_CHECK, 'Check cards now');
	expect(execution.status).toBe('success');
	const runData = execution.data.resultData.runData;
	for (const step of ['Books: read open recurring invoices', 'Books: read the customers'])
		expect([step, runData[step].length]).toEqual([step, 1]);
	// this file's customers both have an open recurring invoice in the tables (i2 failed, i3 not
	// yet due, i1 reopened by the refund)
	const checked = runData['Stripe: check the automatic card'][0].data.main[0]
		.map((item) => item.json)
		.filter((json) => String(json.booksCustomerId ?? '').startsWith(`${P}-`));
	expect(
		checked.map((json) => [json.booksCustomerId, json.expiresBeforeNextDueDay]).sort(),
	).toEqual([
		[`${P}-c1`, true],
		[`${P}-c2`, true],
	]);
	const notices = (await mails(smtp, 2)).filter((m) => m.to.includes(`.${P}.example.com`));
	expect(notices.map((m) => m.to).sort()).toEqual([
		`office@c1.${P}.example.com`,
		`office@c2.${P}.example.com`,
	]);
	for (const notice of notices) expect(notice.subject).toMatch(/^Card Expiry Notice: /);
}, 240_000);

test("pay outstanding invoices on the Data Tables books: the caller a row of the callers table, one payment for its customer's invoices, a record each in the tables", async () => {
	await smtp.clear();
	const res = await request('POST', n8n.webhook('invoice-payments/pay'), {
		headers: { authorization: `Bearer ${jwt({ sub: `${P}-pat` }, { kind: 'portal' })}` },
		body: { payAll: true, howToPay: 'automatic' },
	});
	expect(res.status).toBe(200);
	const { payments, notIncluded } = res.json;
	expect(
		payments.map((p) => [p.invoiceId, p.status, p.amount.amount, p.fee.amount, p.total.amount]),
	).toEqual([
		[`${P}-i4`, 'succeeded', '100.00', '3.00', '103.00'],
		[`${P}-i5`, 'succeeded', '50.00', '1.50', '51.50'],
	]);
	expect(notIncluded.map((n) => [n.invoiceId, n.code])).toEqual([
		[`${P}-i6`, 'NOT_SENT_TO_PROVIDER'],
	]);
	const [{ paymentId }] = payments;
	expect(payments[1].paymentId).toBe(paymentId);
	await settle(c);

	// the tables: a record per invoice of the one payment, the fee on its own line; both paid
	const records = (await rowsOf('payments')).filter((row) =>
		[`${P}-i4`, `${P}-i5`].includes(row.invoiceId),
	);
	expect(
		records.map((row) => [row.invoiceId, row.paymentId, row.status, row.amount]).sort(),
	).toEqual([
		[`${P}-i4`, paymentId, 'succeeded', '100.00'],
		[`${P}-i5`, paymentId, 'succeeded', '50.00'],
	]);
	expect(records.map((row) => JSON.parse(row.record).fee.amount).sort()).toEqual(['1.50', '3.00']);
	for (const key of ['i4', 'i5'])
		expect(await invoiceRow(`${P}-${key}`)).toMatchObject({
			status: 'paid',
			paymentStatus: 'paid',
			balance: '0.00',
		});
	expect(await invoiceRow(`${P}-i6`)).toMatchObject({ status: 'open', balance: '20.00' });

	const messages = (await mails(smtp, 2)).filter((m) => m.subject.includes(`${P.toUpperCase()}-I`));
	expect(messages.map((m) => m.subject).sort()).toEqual([
		`Payment Confirmation: invoice ${P.toUpperCase()}-I4`,
		`Payment Confirmation: invoice ${P.toUpperCase()}-I5`,
	]);
	// the paying user (the callers table's email) is copied
	for (const message of messages)
		expect(message.cc).toBe(`ap@c3.${P}.example.com, pat@portal.dtp.example.com`);

	// paid now: the same request finds nothing to pay
	const again = await request('POST', n8n.webhook('invoice-payments/pay'), {
		headers: { authorization: `Bearer ${jwt({ sub: `${P}-pat` }, { kind: 'portal' })}` },
		body: { invoiceIds: [`${P}-i4`] },
	});
	expect(again.status).toBe(409);
}, 240_000);

test('the web invoice on the Data Tables books: the page shows the invoice of the tables, Pay Now pays it once at the gateway, the tables have it', async () => {
	await smtp.clear();
	const booksKey = state.credentials.invPayBooksHook1.data;
	const issue = async () => {
		const res = await request('POST', n8n.webhook('invoice-payments/web-invoice/link'), {
			headers: { [booksKey.name]: booksKey.value },
			body: { invoiceId: `${P}-i7` },
		});
		expect(res.status).toBe(200);
		return res.json.url;
	};
	const url = await issue();
	const page = await request('GET', url);
	expect(page.status).toBe(200);
	expect(page.text).toContain(`${P.toUpperCase()}-I7`);
	expect(page.text).toContain('$40.00');
	expect(page.text).toContain(`ap@c4.${P}.example.com`);

	const { token } = await gateway.hook('POST', 'tokens', {
		ccnumber: '4111111111111111',
		ccexp: '1234',
		cvv: '123',
	});
	const paid = await request(
		'POST',
		`${n8n.webhook('invoice-payments/web-invoice/pay')}?${new URL(url).searchParams}`,
		{
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: `payment_token=${token}`,
		},
	);
	expect(paid.status).toBe(200);
	expect(paid.json).toMatchObject({ status: 'succeeded', invoiceId: `${P}-i7` });
	await settle(c);

	const sales = (await gateway.ledger()).sales.filter((sale) => sale.orderId === `${P}-i7`);
	expect(sales).toEqual([expect.objectContaining({ amount: '40.00', voided: false })]);
	const records = (await rowsOf('payments')).filter((row) => row.invoiceId === `${P}-i7`);
	expect(records.map((row) => [row.paymentId, row.status, row.amount])).toEqual([
		[sales[0].transactionId, 'succeeded', '40.00'],
	]);
	expect(JSON.parse(records[0].record).provider).toBe('gateway360');
	expect(await invoiceRow(`${P}-i7`)).toMatchObject({
		status: 'paid',
		paymentStatus: 'paid',
		balance: '0.00',
	});
	const messages = (await mails(smtp, 1)).filter((m) =>
		m.subject.endsWith(`${P.toUpperCase()}-I7`),
	);
	expect(messages.map((m) => m.subject)).toEqual([
		`Payment Confirmation: invoice ${P.toUpperCase()}-I7`,
	]);
	// a fresh link of the paid invoice: nothing left to pay
	const again = await request('GET', await issue());
	expect(again.status).toBe(409);
	expect(again.text).toContain(`Invoice ${P.toUpperCase()}-I7 has no balance to pay`);
}, 240_000);

test('the setup on tables made before the `collection` column: it stops, naming the table and the column; once the column is added as it says, it passes', async () => {
	const names = {
		customersTable: 'e2e19_old_customers',
		invoicesTable: 'e2e19_old_invoices',
		paymentsTable: 'e2e19_old_payments',
		mismatchesTable: 'e2e19_old_payment_mismatches',
		callersTable: 'e2e19_old_callers',
	};
	const setup = shipped('books-data-tables-setup.json', names);
	// the invoices table as an earlier version made it
	const columns = setup.nodes
		.find((n) => n.name === 'Create the invoices table')
		.parameters.columns.column.filter((c) => c.name !== 'collection');
	const old = await api('POST', '/data-tables', { name: names.invoicesTable, columns });
	const setupId = await setups.publish(setup, 'the tables setup');
	const call = await setups.callerOf(setupId);

	await expect(call([{ loadDemoData: false }])).rejects.toThrow(/HTTP 5\d\d/);
	const failed = await waitFor('the failed setup run', async () =>
		(await n8n.executions(setupId)).find((e) => e.status === 'error'),
	);
	const error = (await n8n.execution(failed.id)).data.resultData.error;
	expect(error.message).toContain(
		`Missing: table ${names.invoicesTable} (id ${old.id}): collection (string)`,
	);
	// the tables it made itself have every column
	expect(error.message).not.toMatch(/e2e19_old_(customers|payments|callers)/);

	// the step it names: the column added with n8n's public API
	await api('POST', `/data-tables/${old.id}/columns`, { name: 'collection', type: 'string' });
	const [passed] = await call([{ loadDemoData: false }]);
	expect(passed.tables).toEqual(Object.values(names));
}, 240_000);

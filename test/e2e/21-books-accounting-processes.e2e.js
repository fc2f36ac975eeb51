// @ts-check
/**
 * The heavy processes on accounting books: the shipped daily auto-pay and payment-status
 * workflows with their Settings → booksWorkflowId switched to the QuickBooks Online adapter
 * (workflows/books/books-quickbooks.json), against the local QuickBooks server this file starts
 * on the loopback with this file's customers and invoices in QuickBooks' shapes and ids. The
 * adapter is set up as an admin sets it up (docs/books-adapters.md): n8n's QuickBooks OAuth2
 * credential with a ready token, the payment ledger's Data Tables made by the tables setup
 * workflow (names of this file's own), the fee item and the deposit account in its Settings, the
 * adapter published. After each run the books are read back: the company's invoices, Payments
 * (linked to their invoice with `LinkedTxn`) and sales receipts (the processing fee, income of
 * its own), and the ledger's tables. Afterwards both processes point at the REST books again.
 */
import {
	startQuickBooksServer,
	quickBooksSeedFromBooks,
	FEE_ITEM,
} from '../fakes/quickbooks-server';
import { accountingAdapters } from './support/accounting-adapters';
import { importAccountingCredentials } from './support/accounting-credentials';
import { runInServer } from './support/books-caller';
import { clients, loadState } from './support/clients';
import { mails, settle } from './support/settle';
import { seedFor } from './support/seed';

const state = loadState();
const c = clients(state);
const { n8n, stripe, smtp, request, waitFor } = c;
const adapters = accountingAdapters({ state, n8n, request }, 'e2e 21');
const AUTO_PAY = 'invPayWf2AutoPay';
const STATUS = 'invPayWf3Status';
const P = 'qbp';
const TEAM = 'accounts@demo-services.example.com';
/** The checking account of the local company (its seed): where payments and fees are deposited. */
const DEPOSIT_ACCOUNT = '35';
/** The processing fee the auto-pay adds to every charge, in percent. */
const FEE_PERCENT = '3';

// ids with digits of their own: QuickBooks' ids are numbers (quickBooksSeedFromBooks keeps the
// digits), and the Stripe account is shared with other files' customers
const { seed, today } = seedFor(P, state.timeZone, {
	customers: [
		{ key: 'c92101', name: 'QuickBooks Paying Ltd' },
		{ key: 'c92102', name: 'QuickBooks Declined Ltd' },
	],
	invoices: [
		{ key: 'i92201', customer: 'c92101', total: '180.00', due: -1 },
		{ key: 'i92202', customer: 'c92102', total: '64.50', due: 0 },
		{ key: 'i92203', customer: 'c92101', total: '30.00', due: 7 },
	],
});
const PAID = '92201';
const DECLINED = '92202';
const NOT_DUE = '92203';

/** @type {Awaited<ReturnType<typeof startQuickBooksServer>>} */
let qbo;
/** @type {Record<string, string>} the ledger's table names, by Settings name */
let ledger = {};
/** What the workflows' Settings held before, restored afterwards. */
const before = {};

beforeAll(async () => {
	qbo = await startQuickBooksServer({
		host: '127.0.0.1',
		port: 0,
		today,
		limits: 'documented',
		seed: quickBooksSeedFromBooks(seed),
	});
	await importAccountingCredentials(state, {
		quickBooksAccessToken: 'qbo_test_token',
		xeroAccessToken: 'xero_test_token',
	});
	ledger = await adapters.ledgerTables('e2e21_qbo');
	const adapterId = await adapters.publish(
		adapters.shipped('books-quickbooks.json', {
			baseUrl: qbo.url,
			realmId: qbo.realmId,
			depositAccountId: DEPOSIT_ACCOUNT,
			feeItemId: FEE_ITEM.Id,
			...ledger,
		}),
		'the QuickBooks adapter',
	);
	/** @type {Array<[string, Record<string, unknown>]>} */
	const changes = [
		[AUTO_PAY, { feePercent: FEE_PERCENT }],
		[STATUS, {}],
	];
	for (const [id, values] of changes) {
		const settings = {
			booksWorkflowId: adapterId,
			emailSetting: 'successesAndFailures',
			silentFirstRetry: false,
			...values,
		};
		const { assignments } = (await n8n.workflow(id)).nodes.find((n) => n.name === 'Settings')
			.parameters.assignments;
		before[id] = Object.fromEntries(
			assignments.filter((a) => a.name in settings).map((a) => [a.name, a.value]),
		);
		await n8n.setSettings(id, settings);
	}
	for (const [customerId, method] of [
		['92101', 'pm_card_visa'],
		['92102', 'pm_card_chargeCustomerFail'],
	]) {
		const customer = qbo.company().Customer.find((x) => x.Id === customerId);
		await stripe.createCustomer({
			name: customer.DisplayName,
			email: customer.PrimaryEmailAddr.Address,
			metadata: { books_customer_id: customerId },
			defaultPaymentMethod: method,
		});
	}
	await smtp.clear();
}, 300_000);

afterAll(async () => {
	for (const id of [AUTO_PAY, STATUS]) if (before[id]) await n8n.setSettings(id, before[id]);
	await adapters.removeAll();
	await qbo?.close();
}, 120_000);

/** The ledger's payment records, by invoice id. */
async function ledgerPayments() {
	return (await adapters.rowsOf(ledger.paymentsTable)).sort((a, b) =>
		a.invoiceId.localeCompare(b.invoiceId),
	);
}
const invoiceOf = (id) => qbo.company().Invoice.find((i) => i.Id === id);
/** QuickBooks' Payment writes that ran (200), by their request ids. */
const paymentWrites = () =>
	qbo.requests.filter((r) => r.method === 'POST' && /\/payment$/.test(r.path) && r.status === 200);

test('the daily auto-pay on QuickBooks Online: one Payment linked to the paid invoice, the fee a sales receipt, the declined invoice untouched, the ledger in Data Tables', async () => {
	const since = new Date().toISOString();
	const execution = await runInServer({ ...c, state }, AUTO_PAY, 'Run auto-pay now');
	expect(execution.status).toBe('success');
	const runData = execution.data.resultData.runData;
	for (const step of [
		'Books: read open recurring invoices',
		'Books: record the payment',
		'Books: read the customer',
	])
		expect([step, runData[step].length]).toEqual([step, 1]);
	const [charge, skipped] = runData['Auto-Pay Scan'][0].data.main;
	expect(charge.map((item) => item.json.id)).toEqual([PAID, DECLINED]);
	expect(skipped.map((item) => [item.json.id, item.json.autoPay.reason])).toEqual([
		[NOT_DUE, 'NOT_DUE_YET'],
	]);
	await settle(c);
	// the Stripe webhook's payment-status runs for the same payments, on the same books
	const statusRuns = (await n8n.executions(STATUS)).filter((e) => e.startedAt >= since);
	expect(statusRuns.length).toBeGreaterThan(0);
	expect(statusRuns.map((e) => e.status)).toEqual(statusRuns.map(() => 'success'));

	// the ledger: a record each, in QuickBooks' invoice ids
	const records = await ledgerPayments();
	expect(records.map((row) => [row.invoiceId, row.status, row.amount])).toEqual([
		[PAID, 'succeeded', '180.00'],
		[DECLINED, 'failed', '64.50'],
	]);
	const paymentId = records[0].paymentId;
	expect(paymentId).toMatch(/^pi_/);
	expect(JSON.parse(records[0].record).fee).toMatchObject({ amount: '5.40' });

	// QuickBooks: one Payment, linked to the invoice, however many calls recorded it (the run and
	// the webhook both did: the same request id, run once)
	const company = qbo.company();
	expect(company.Payment).toEqual([
		expect.objectContaining({
			CustomerRef: expect.objectContaining({ value: '92101' }),
			CurrencyRef: { value: 'USD' },
			TotalAmt: 180,
			UnappliedAmt: 0,
			PrivateNote: paymentId,
			DepositToAccountRef: { value: DEPOSIT_ACCOUNT },
			Line: [{ Amount: 180, LinkedTxn: [{ TxnId: PAID, TxnType: 'Invoice' }] }],
		}),
	]);
	expect(new Set(paymentWrites().map((r) => r.requestid))).toEqual(
		new Set([`pay-1-${PAID}-${paymentId}`]),
	);
	expect(invoiceOf(PAID)).toMatchObject({
		TotalAmt: 180,
		Balance: 0,
		LinkedTxn: [{ TxnId: company.Payment[0].Id, TxnType: 'Payment' }],
	});
	expect(invoiceOf(DECLINED)).toMatchObject({ Balance: 64.5, LinkedTxn: [] });
	expect(invoiceOf(NOT_DUE)).toMatchObject({ Balance: 30, LinkedTxn: [] });
	// the fee: income of its own (the fee item), the invoice stays as billed
	expect(company.SalesReceipt).toEqual([
		expect.objectContaining({
			CustomerRef: expect.objectContaining({ value: '92101' }),
			TotalAmt: 5.4,
			PrivateNote: paymentId,
			DepositToAccountRef: { value: DEPOSIT_ACCOUNT },
			Line: [
				expect.objectContaining({
					Amount: 5.4,
					SalesItemLineDetail: expect.objectContaining({ ItemRef: { value: FEE_ITEM.Id } }),
				}),
			],
		}),
	]);
	expect(invoiceOf(PAID).Line.map((line) => line.Amount)).toEqual([180]);

	// the ledger's payment status of the declined invoice; QuickBooks has no field for it
	const statuses = await adapters.rowsOf(ledger.invoicesTable);
	expect(statuses.find((row) => row.invoiceId === DECLINED)).toMatchObject({
		paymentStatus: 'failed',
	});

	const messages = await mails(smtp, 3);
	const subjects = messages.map((m) => m.subject);
	expect(subjects).toEqual(
		expect.arrayContaining([
			`Payment Confirmation: invoice ${P.toUpperCase()}-I${PAID}`,
			`Payment Failure: invoice ${P.toUpperCase()}-I${DECLINED}`,
		]),
	);
	const confirmation = messages.find((m) => m.subject.startsWith('Payment Confirmation'));
	// QuickBooks' customer email (PrimaryEmailAddr: where it sends invoices)
	expect(confirmation.to).toContain(`ap@c92101.${P}.example.com`);
	const report = messages.find((m) => m.subject.startsWith('Auto-pay run'));
	expect([...report.envelope.to]).toEqual([TEAM]);
	expect(report.text).toContain(`- ${NOT_DUE} - NOT_DUE_YET`);
}, 300_000);

test('the payment-status webhook on QuickBooks Online: a full refund in Stripe deletes the Payment, the invoice is open again, the fee income stays', async () => {
	const [paid] = (await ledgerPayments()).filter((row) => row.invoiceId === PAID);
	const since = new Date().toISOString();
	await smtp.clear();
	const res = await request('POST', `${state.stripeUrl}/v1/refunds`, {
		headers: {
			authorization: `Bearer ${state.credentials.invPayStripeDemo.data.secretKey}`,
			'content-type': 'application/x-www-form-urlencoded',
		},
		body: new URLSearchParams({ payment_intent: paid.paymentId }).toString(),
	});
	expect(res.status).toBe(200);
	// the refund's events reach the payment-status workflow a moment later
	await waitFor(
		`invoice ${PAID} open again in QuickBooks`,
		async () => invoiceOf(PAID).Balance === 180,
		{
			timeoutMs: 60_000,
			intervalMs: 500,
		},
	);
	await settle(c);
	const executions = (await n8n.executions(STATUS)).filter((e) => e.startedAt >= since);
	expect(executions.length).toBeGreaterThan(0);
	expect(executions.map((e) => e.status)).toEqual(executions.map(() => 'success'));

	const company = qbo.company();
	expect(company.Payment).toEqual([]);
	expect(invoiceOf(PAID)).toMatchObject({ Balance: 180, LinkedTxn: [] });
	expect(
		paymentWrites()
			.map((r) => r.requestid)
			.filter((id) => id.startsWith('rev-')),
	).toEqual([`rev-1-${PAID}-${paid.paymentId}`]);
	// not reversed by the adapter: the accountant's (docs/books-adapters.md)
	expect(company.SalesReceipt).toHaveLength(1);

	const [refunded] = (await ledgerPayments()).filter((row) => row.invoiceId === PAID);
	expect(refunded).toMatchObject({ paymentId: paid.paymentId, status: 'refunded' });
	expect(JSON.parse(refunded.record).refund).toMatchObject({
		// the whole charge: the invoice's 180.00 and its fee
		amountRefunded: { amount: '185.40' },
	});
	// a refund is recorded, nobody is emailed
	expect((await smtp.messages()).filter((m) => m.subject.includes(`-I${PAID}`))).toEqual([]);
}, 300_000);

// @ts-check
/**
 * The heavy processes on accounting books: the shipped daily auto-pay and payment-status
 * workflows with their Settings → booksWorkflowId switched to the QuickBooks Online adapter
 * (workflows/books/books-quickbooks.json), then to the Xero adapter (books-xero.json), each
 * against its local server this file starts on the loopback with this file's customers and
 * invoices in the system's shapes and ids. Each adapter is set up as an admin sets it up
 * (docs/books-adapters.md): n8n's OAuth2 credential with a ready token, the payment ledger's
 * Data Tables made by the tables setup workflow (names of this file's own), the fee's item or
 * account and where payments go in its Settings, the adapter published. After each run the books
 * are read back: the system's invoices, payments (QuickBooks: linked to their invoice with
 * `LinkedTxn`; Xero: against the invoice, to the payment account) and the processing fee's income
 * of its own (a QuickBooks sales receipt of the fee item, a Xero receive-money transaction to the
 * fee account), and the ledger's tables. Afterwards both processes point at the REST books again.
 */
import {
	FEE_ITEM,
	quickBooksSeedFromBooks,
	startQuickBooksServer,
} from '../fakes/quickbooks-server';
import { startXeroServer, xeroSeedFromBooks } from '../fakes/xero-server';
import { accountingAdapters } from './support/accounting-adapters';
import { importAccountingCredentials } from './support/accounting-credentials';
import { systemId } from './support/accounting-books';
import { refundInStripe, runInServer } from './support/books-caller';
import { clients, loadState } from './support/clients';
import { mails, settle } from './support/settle';
import { seedFor } from './support/seed';

const state = loadState();
const c = clients(state);
const { n8n, stripe, smtp, request, waitFor } = c;
const adapters = accountingAdapters({ state, ...c }, 'e2e 21');
const AUTO_PAY = 'invPayWf2AutoPay';
const STATUS = 'invPayWf3Status';
const TEAM = 'accounts@demo-services.example.com';
/** The processing fee the auto-pay adds to every charge, in percent. */
const FEE_PERCENT = '3';

/**
 * One payment moved in the system, as the test compares them across systems.
 * @typedef {{ invoiceId: string, customerId: string, amount: number, paymentId: string }} Money
 */
/**
 * What the test needs of a system: its local server, the adapter's Settings, and the books'
 * state read back in one shape.
 * @typedef {object} System
 * @property {string} name
 * @property {string} file the adapter
 * @property {string} prefix this system's ids and emails
 * @property {(seed: any, today: string) => Promise<any>} start
 * @property {(server: any) => Record<string, string>} settings
 * @property {(booksId: string) => string} id a books id in the system's ids
 * @property {(server: any) => { id: string, name: string, email: string }[]} customers
 * @property {(server: any) => Money[]} payments payments in force (a deleted one is not)
 * @property {(server: any, invoiceId: string) => number} balance what the invoice still owes
 * @property {(server: any) => Money[]} fees the fee income, one entry each
 * @property {(server: any) => { key: string, status: number }[]} writes the payment writes and reversals, by their idempotency keys
 * @property {(server: any, paid: string, paymentId: string) => void} expectPaidShape the system's own shape of a paid invoice
 * @property {(server: any, paid: string) => void} expectReopenedShape the system's own shape after a full refund
 */

/** @type {Record<string, System>} */
const SYSTEMS = {
	quickbooks: {
		name: 'QuickBooks Online',
		file: 'books-quickbooks.json',
		prefix: 'qbp',
		start: (seed, today) =>
			startQuickBooksServer({
				host: '127.0.0.1',
				port: 0,
				today,
				limits: 'documented',
				seed: quickBooksSeedFromBooks(seed),
			}),
		// the checking account of the local company (its seed): where payments and fees go
		settings: (qbo) => ({
			baseUrl: qbo.url,
			realmId: qbo.realmId,
			depositAccountId: '35',
			feeItemId: FEE_ITEM.Id,
		}),
		id: (booksId) => systemId('quickbooks', booksId),
		customers: (qbo) =>
			qbo.company().Customer.map((x) => ({
				id: x.Id,
				name: x.DisplayName,
				email: x.PrimaryEmailAddr.Address,
			})),
		payments: (qbo) =>
			qbo.company().Payment.map((p) => ({
				invoiceId: p.Line[0].LinkedTxn[0].TxnId,
				customerId: p.CustomerRef.value,
				amount: p.TotalAmt,
				paymentId: p.PrivateNote,
			})),
		balance: (qbo, id) => qbo.company().Invoice.find((i) => i.Id === id).Balance,
		fees: (qbo) =>
			qbo.company().SalesReceipt.map((r) => ({
				invoiceId: r.Line[0].Description.match(/invoice (\S+),/)[1],
				customerId: r.CustomerRef.value,
				amount: r.TotalAmt,
				paymentId: r.PrivateNote,
			})),
		writes: (qbo) =>
			qbo.requests
				.filter((r) => r.method === 'POST' && /\/payment$/.test(r.path))
				.map((r) => ({ key: r.requestid, status: r.status })),
		expectPaidShape(qbo, paid, paymentId) {
			const company = qbo.company();
			const [payment] = company.Payment;
			// one line, linked to the invoice; deposited where Settings say
			expect(payment).toMatchObject({
				CurrencyRef: { value: 'USD' },
				UnappliedAmt: 0,
				DepositToAccountRef: { value: '35' },
				Line: [{ Amount: payment.TotalAmt, LinkedTxn: [{ TxnId: paid, TxnType: 'Invoice' }] }],
			});
			expect(company.Invoice.find((i) => i.Id === paid)).toMatchObject({
				Balance: 0,
				LinkedTxn: [{ TxnId: payment.Id, TxnType: 'Payment' }],
			});
			// the fee: a sales receipt of the fee item; the invoice stays as billed
			expect(company.SalesReceipt).toEqual([
				expect.objectContaining({
					PrivateNote: paymentId,
					DepositToAccountRef: { value: '35' },
					Line: [
						expect.objectContaining({
							SalesItemLineDetail: expect.objectContaining({ ItemRef: { value: FEE_ITEM.Id } }),
						}),
					],
				}),
			]);
			expect(company.Invoice.find((i) => i.Id === paid).Line).toHaveLength(1);
		},
		expectReopenedShape(qbo, paid) {
			expect(qbo.company().Invoice.find((i) => i.Id === paid).LinkedTxn).toEqual([]);
		},
	},
	xero: {
		name: 'Xero',
		file: 'books-xero.json',
		prefix: 'xrp',
		start: (seed, today) =>
			startXeroServer({
				host: '127.0.0.1',
				port: 0,
				today,
				limits: 'documented',
				seed: xeroSeedFromBooks(seed),
			}),
		// the demo organisation's bank account 090, its revenue account 270 for the fees
		settings: (xero) => ({
			baseUrl: xero.url,
			tenantId: xero.tenantId,
			paymentAccountCode: '090',
			feeAccountCode: '270',
		}),
		id: (booksId) => systemId('xero', booksId),
		customers: (xero) =>
			xero.organisation().Contacts.map((x) => ({
				id: x.ContactID,
				name: x.Name,
				email: x.EmailAddress,
			})),
		payments: (xero) =>
			xero
				.organisation()
				.Payments.filter((p) => p.Status !== 'DELETED')
				.map((p) => ({
					invoiceId: p.Invoice.InvoiceID,
					customerId: p.Invoice.Contact.ContactID,
					amount: p.Amount,
					paymentId: p.Reference,
				})),
		balance: (xero, id) =>
			Number(xero.organisation().Invoices.find((i) => i.InvoiceID === id).AmountDue),
		fees: (xero) =>
			xero
				.organisation()
				.BankTransactions.filter((t) => t.Type === 'RECEIVE')
				.map((t) => ({
					invoiceId: t.LineItems[0].Description.match(/invoice (\S+),/)[1],
					customerId: t.Contact.ContactID,
					amount: Number(t.Total),
					paymentId: t.Reference,
				})),
		writes: (xero) =>
			xero.requests
				.filter(
					(r) =>
						(r.method === 'PUT' && /\/Payments$/.test(r.path)) ||
						(r.method === 'POST' && /\/Payments\/[\w-]+$/.test(r.path)),
				)
				.map((r) => ({ key: r.idempotencyKey, status: r.status })),
		expectPaidShape(xero, paid, paymentId) {
			const org = xero.organisation();
			expect(org.Payments).toEqual([
				expect.objectContaining({
					Status: 'AUTHORISED',
					PaymentType: 'ACCRECPAYMENT',
					Account: expect.objectContaining({ Code: '090' }),
					Invoice: expect.objectContaining({ InvoiceID: paid }),
				}),
			]);
			expect(org.Invoices.find((i) => i.InvoiceID === paid)).toMatchObject({ Status: 'PAID' });
			// the fee: money received to the bank account, on the fee revenue account
			expect(org.BankTransactions).toEqual([
				expect.objectContaining({
					Type: 'RECEIVE',
					Reference: paymentId,
					BankAccount: expect.objectContaining({ Code: '090' }),
					LineItems: [expect.objectContaining({ AccountCode: '270' })],
				}),
			]);
			expect(org.Invoices.find((i) => i.InvoiceID === paid).LineItems).toHaveLength(1);
		},
		expectReopenedShape(xero, paid) {
			const org = xero.organisation();
			expect(org.Payments.map((p) => p.Status)).toEqual(['DELETED']);
			expect(org.Invoices.find((i) => i.InvoiceID === paid)).toMatchObject({
				Status: 'AUTHORISED',
			});
		},
	},
};

beforeAll(async () => {
	await importAccountingCredentials(state, {
		quickBooksAccessToken: 'qbo_test_token',
		xeroAccessToken: 'xero_test_token',
	});
}, 300_000);

afterAll(async () => {
	await adapters.removeAll();
}, 120_000);

describe.each(Object.keys(SYSTEMS))('%s', (key) => {
	const system = SYSTEMS[key];
	const P = system.prefix;
	// ids with digits of their own: QuickBooks' ids are numbers (its seed keeps the digits), and
	// the Stripe account is shared with other files' customers
	const { seed, today } = seedFor(P, state.timeZone, {
		customers: [
			{ key: 'c92101', name: `${system.name} Paying Ltd` },
			{ key: 'c92102', name: `${system.name} Declined Ltd` },
		],
		invoices: [
			{ key: 'i92201', customer: 'c92101', total: '180.00', due: -1 },
			{ key: 'i92202', customer: 'c92102', total: '64.50', due: 0 },
			{ key: 'i92203', customer: 'c92101', total: '30.00', due: 7 },
		],
	});
	const id = (books) => system.id(`${P}-${books}`);
	const PAYING = id('c92101');
	const PAID = id('i92201');
	const DECLINED = id('i92202');
	const NOT_DUE = id('i92203');
	const number = (books) => `${P.toUpperCase()}-${books.toUpperCase()}`;
	/** @type {any} */
	let server;
	/** @type {Record<string, string>} the ledger's table names, by Settings name */
	let ledger = {};
	/** The adapter this system's processes call (published in beforeAll). */
	let adapterId = '';
	/** What the workflows' Settings held before, restored afterwards. */
	const before = {};
	/** The ledger's payment records, by invoice id. */
	const ledgerPayments = async () =>
		(await adapters.rowsOf(ledger.paymentsTable)).sort((a, b) =>
			a.invoiceId.localeCompare(b.invoiceId),
		);

	beforeAll(async () => {
		server = await system.start(seed, today);
		ledger = await adapters.ledgerTables(`e2e21_${key}`);
		adapterId = await adapters.publish(
			adapters.shipped(system.file, { ...system.settings(server), ...ledger }),
			`the ${system.name} adapter`,
		);
		/** @type {Array<[string, Record<string, unknown>]>} */
		const changes = [
			[AUTO_PAY, { feePercent: FEE_PERCENT }],
			[STATUS, {}],
		];
		for (const [workflowId, values] of changes) {
			const settings = {
				booksWorkflowId: adapterId,
				emailSetting: 'successesAndFailures',
				silentFirstRetry: false,
				...values,
			};
			const { assignments } = (await n8n.workflow(workflowId)).nodes.find(
				(n) => n.name === 'Settings',
			).parameters.assignments;
			before[workflowId] = Object.fromEntries(
				assignments.filter((a) => a.name in settings).map((a) => [a.name, a.value]),
			);
			await n8n.setSettings(workflowId, settings);
		}
		const methods = { [PAYING]: 'pm_card_visa', [id('c92102')]: 'pm_card_chargeCustomerFail' };
		for (const customer of system.customers(server)) {
			await stripe.createCustomer({
				name: customer.name,
				email: customer.email,
				metadata: { books_customer_id: customer.id },
				defaultPaymentMethod: methods[customer.id],
			});
		}
		await smtp.clear();
	}, 300_000);

	/**
	 * A failed run's story for the log (seen once in a whole-suite CI run, never alone): the
	 * run's failing node and what the adapter's executions read from the system and answered.
	 * @param {any} execution
	 */
	async function explainFailedRun(execution) {
		/** @type {{ error: unknown, adapter: any[], stats: unknown }} */
		const story = { error: execution.data?.resultData?.error?.message, adapter: [], stats: null };
		for (const { id: executionId } of (await n8n.executions(adapterId)).slice(0, 4)) {
			const runData = (await n8n.execution(executionId)).data?.resultData?.runData ?? {};
			/** @type {Record<string, unknown>} */
			const nodes = {};
			for (const [name, runs] of Object.entries(runData))
				nodes[name] = JSON.stringify(
					/** @type {any[]} */ (runs).map((r) => r.error?.message ?? r.data?.main),
				).slice(0, 1500);
			story.adapter.push({ executionId, nodes });
		}
		story.stats = server?.stats ?? server?.qbo?.stats ?? null;
		console.log(`${system.name}: the auto-pay run failed`, JSON.stringify(story, null, 1));
	}

	afterAll(async () => {
		for (const workflowId of [AUTO_PAY, STATUS])
			if (before[workflowId]) await n8n.setSettings(workflowId, before[workflowId]);
		await server?.close();
	}, 120_000);

	test(`the daily auto-pay on ${system.name}: one payment of the paid invoice, the fee income of its own, the declined invoice untouched, the ledger in Data Tables`, async () => {
		const since = new Date().toISOString();
		const execution = await runInServer({ ...c, state }, AUTO_PAY, 'Run auto-pay now');
		if (execution.status !== 'success') await explainFailedRun(execution);
		expect(execution.status).toBe('success');
		const runData = execution.data.resultData.runData;
		for (const step of [
			'Books: read open recurring invoices',
			'Books: record the payment',
			'Books: read the customer',
		])
			expect([step, runData[step].length]).toEqual([step, 1]);
		const [charge, skipped] = runData['Auto-Pay Scan'][0].data.main;
		expect(charge.map((item) => item.json.id).sort()).toEqual([PAID, DECLINED].sort());
		expect(skipped.map((item) => [item.json.id, item.json.autoPay.reason])).toEqual([
			[NOT_DUE, 'NOT_DUE_YET'],
		]);
		await settle(c);
		// the Stripe webhook's payment-status runs for the same payments, on the same books
		const statusRuns = (await n8n.executions(STATUS)).filter((e) => e.startedAt >= since);
		expect(statusRuns.length).toBeGreaterThan(0);
		expect(statusRuns.map((e) => e.status)).toEqual(statusRuns.map(() => 'success'));

		// the run and its webhook recorded the same payment at once: never a mismatch of it
		expect(await adapters.rowsOf(ledger.mismatchesTable)).toEqual([]);
		// the ledger: a record each, in the system's invoice ids
		const records = await ledgerPayments();
		expect(
			Object.fromEntries(records.map((row) => [row.invoiceId, [row.status, row.amount]])),
		).toEqual({ [PAID]: ['succeeded', '180.00'], [DECLINED]: ['failed', '64.50'] });
		const { paymentId } = records.find((row) => row.invoiceId === PAID);
		expect(paymentId).toMatch(/^pi_/);
		expect(JSON.parse(records.find((row) => row.invoiceId === PAID).record).fee).toMatchObject({
			amount: '5.40',
		});

		// the money: one payment of the invoice however many calls recorded it (the run and the
		// webhook both did: one key, written once), the fee as income of its own
		expect(system.payments(server)).toEqual([
			{ invoiceId: PAID, customerId: PAYING, amount: 180, paymentId },
		]);
		expect(system.fees(server)).toEqual([
			{ invoiceId: number('i92201'), customerId: PAYING, amount: 5.4, paymentId },
		]);
		expect(
			new Set(
				system
					.writes(server)
					.filter((w) => w.status === 200)
					.map((w) => w.key),
			),
		).toEqual(new Set([`pay-1-${PAID}-${paymentId}`]));
		expect(system.balance(server, PAID)).toBe(0);
		expect(system.balance(server, DECLINED)).toBe(64.5);
		expect(system.balance(server, NOT_DUE)).toBe(30);
		system.expectPaidShape(server, PAID, paymentId);

		// the ledger's payment status of the declined invoice: the system has no field for it
		const statuses = await adapters.rowsOf(ledger.invoicesTable);
		expect(statuses.find((row) => row.invoiceId === DECLINED)).toMatchObject({
			paymentStatus: 'failed',
		});

		const messages = await mails(smtp, 3);
		const subjects = messages.map((m) => m.subject);
		expect(subjects).toEqual(
			expect.arrayContaining([
				`Payment Confirmation: invoice ${number('i92201')}`,
				`Payment Failure: invoice ${number('i92202')}`,
			]),
		);
		const confirmation = messages.find((m) => m.subject.startsWith('Payment Confirmation'));
		// the system's customer email (where it sends invoices)
		expect(confirmation.to).toContain(`ap@c92101.${P}.example.com`);
		const report = messages.find((m) => m.subject.startsWith('Auto-pay run'));
		expect([...report.envelope.to]).toEqual([TEAM]);
		expect(report.text).toContain(`- ${NOT_DUE} - NOT_DUE_YET`);
	}, 300_000);

	test(`the payment-status webhook on ${system.name}: a full refund in Stripe reverses the payment, the invoice is open again, the fee income stays`, async () => {
		const paid = (await ledgerPayments()).find((row) => row.invoiceId === PAID);
		const since = new Date().toISOString();
		await smtp.clear();
		const res = await refundInStripe({ state, request }, paid.paymentId);
		expect(res.status).toBe(200);
		// the refund's events reach the payment-status workflow a moment later
		await waitFor(
			`invoice ${PAID} open again in ${system.name}`,
			async () => system.balance(server, PAID) === 180,
			{ timeoutMs: 60_000, intervalMs: 500 },
		);
		await settle(c);
		const executions = (await n8n.executions(STATUS)).filter((e) => e.startedAt >= since);
		expect(executions.length).toBeGreaterThan(0);
		expect(executions.map((e) => e.status)).toEqual(executions.map(() => 'success'));

		expect(system.payments(server)).toEqual([]);
		system.expectReopenedShape(server, PAID);
		expect(
			system
				.writes(server)
				.filter((w) => w.key.startsWith('rev-'))
				.map((w) => [w.key, w.status]),
		).toEqual([[`rev-1-${PAID}-${paid.paymentId}`, 200]]);
		// not reversed by the adapter: the accountant's (docs/books-adapters.md)
		expect(system.fees(server)).toHaveLength(1);

		const refunded = (await ledgerPayments()).find((row) => row.invoiceId === PAID);
		expect(refunded).toMatchObject({ paymentId: paid.paymentId, status: 'refunded' });
		// the whole charge: the invoice's 180.00 and its fee
		expect(JSON.parse(refunded.record).refund).toMatchObject({
			amountRefunded: { amount: '185.40' },
		});
		// a refund is recorded, nobody is emailed
		expect((await smtp.messages()).filter((m) => m.subject.includes(number('i92201')))).toEqual([]);
	}, 300_000);
});

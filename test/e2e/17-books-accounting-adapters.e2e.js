// @ts-check
/**
 * The QuickBooks Online and Xero books adapters (workflows/books/books-quickbooks.json,
 * books-xero.json) in a real n8n 2.41.1, against the local QuickBooks and Xero servers this file
 * starts on the loopback: n8n's own OAuth2 credential types imported with a ready token (n8n's
 * CLI; the public API refuses `oauthTokenData`), the ledger's Data Tables made by the tables
 * setup workflow under names of their own and filled with the demo ledger in each system's ids,
 * the adapters published and called by a harness workflow with Execute Workflow (Run once with
 * all items). Each answers the contract's scenario (test/core/books/contract-scenario.js) as the
 * REST books do, ids mapped; money reaches the accounting system once: the first `succeeded`
 * puts one Payment there, its repeat none, the full refund takes it back.
 */
import { CALLS, comparable, expectContract, STATE_CALL } from '../core/books/contract-scenario';
import { startQuickBooksServer } from '../fakes/quickbooks-server';
import { startXeroServer } from '../fakes/xero-server';
import { accountingAdapters, shipped } from './support/accounting-adapters';
import { comparableAcross, demoLedgerRows, idsOf } from './support/accounting-books';
import { importAccountingCredentials } from './support/accounting-credentials';
import { clients, loadState } from './support/clients';

const state = loadState();
const { n8n, books, request, api, ok } = clients(state);
const TODAY = '2026-03-10';
const {
	publish,
	callerOf,
	ledgerTables: tables,
	removeAll,
} = accountingAdapters({ state, n8n, request, api, ok }, 'e2e 17');

/**
 * The ledger's five Data Tables under `prefix` names, made by the shipped tables setup workflow
 * (no demo data), then filled with the demo ledger in the system's ids through n8n's API.
 * @param {'quickbooks' | 'xero'} system @param {string} prefix
 */
function ledgerTables(system, prefix) {
	const demo = demoLedgerRows(system, TODAY);
	return tables(prefix, {
		paymentsTable: demo.payments,
		invoicesTable: demo.statuses,
		callersTable: demo.callers,
	});
}

/** @type {Awaited<ReturnType<typeof startQuickBooksServer>>} */
let qbo;
/** @type {Awaited<ReturnType<typeof startXeroServer>>} */
let xero;
/** @type {Record<string, (requests: object[]) => Promise<any[]>>} */
const adapters = {};

beforeAll(async () => {
	qbo = await startQuickBooksServer({
		host: '127.0.0.1',
		port: 0,
		today: TODAY,
		limits: 'documented',
	});
	xero = await startXeroServer({ host: '127.0.0.1', port: 0, today: TODAY, limits: 'documented' });
	await importAccountingCredentials(state, {
		quickBooksAccessToken: 'qbo_test_token',
		xeroAccessToken: 'xero_test_token',
	});
	await books.call('POST', '/_reset', { seed: 'demo', today: TODAY });
	adapters.rest = await callerOf(
		await publish(shipped('books-rest.json', { booksApiUrl: state.booksUrl }), 'the REST adapter'),
	);
	adapters.quickbooks = await callerOf(
		await publish(
			shipped('books-quickbooks.json', {
				baseUrl: qbo.url,
				realmId: qbo.realmId,
				...(await ledgerTables('quickbooks', 'e2e17_qbo')),
			}),
			'the QuickBooks adapter',
		),
	);
	adapters.xero = await callerOf(
		await publish(
			shipped('books-xero.json', {
				baseUrl: xero.url,
				tenantId: xero.tenantId,
				...(await ledgerTables('xero', 'e2e17_xero')),
			}),
			'the Xero adapter',
		),
	);
}, 300_000);

afterAll(async () => {
	await removeAll();
	await qbo?.close();
	await xero?.close();
});

test('QuickBooks and Xero answer the contract scenario as the REST books do, and move the money once', async () => {
	const qboPayments = () => qbo.company().Payment.filter((p) => p.PrivateNote === 'pi_1');
	/** QuickBooks' writes of the Payment: their request ids, in order */
	const qboWrites = () =>
		qbo.requests.filter(
			(r) => r.method === 'POST' && /\/payment$/.test(r.path) && r.status === 200,
		);
	const xeroPayments = () => xero.organisation().Payments.filter((p) => p.Reference === 'pi_1');
	/** @type {Record<string, any[][]>} */
	const answers = { rest: [], quickbooks: [], xero: [] };
	const call = async (requests) => {
		answers.rest.push(await adapters.rest(requests));
		for (const system of /** @type {const} */ (['quickbooks', 'xero'])) {
			answers[system].push(await adapters[system](idsOf(system).toSystem(requests)));
		}
	};

	await call(CALLS[0]);
	expect(qboWrites()).toEqual([]);
	await call(CALLS[1]);
	// the first succeeded: one Payment linked to the invoice, under a request id
	expect(qboPayments()).toEqual([
		expect.objectContaining({
			TotalAmt: 250,
			Line: [{ Amount: 250, LinkedTxn: [{ TxnId: '2001', TxnType: 'Invoice' }] }],
		}),
	]);
	expect(qboWrites().map((r) => r.requestid)).toEqual(['pay-1-2001-pi_1']);
	expect(xeroPayments()).toEqual([expect.objectContaining({ Amount: 250, Status: 'AUTHORISED' })]);

	await call(CALLS[2]);
	// its repeat wrote nothing; the full refund deleted it, reopening the invoice
	expect(qboWrites().map((r) => r.requestid)).toEqual(['pay-1-2001-pi_1', 'rev-1-2001-pi_1']);
	expect(qboPayments()).toEqual([]);
	expect(qbo.company().Invoice.find((i) => i.Id === '2001').Balance).toBe(250);
	expect(xeroPayments()).toEqual([expect.objectContaining({ Status: 'DELETED' })]);
	expect(xero.organisation().Payments.filter((p) => p.Reference === 'pi_1')).toHaveLength(1);

	await call(STATE_CALL);
	expectContract(answers.rest.slice(0, 3), expect);
	for (const system of /** @type {const} */ (['quickbooks', 'xero'])) {
		expectContract(idsOf(system).fromSystem(answers[system].slice(0, 3)), expect);
		expect(comparable(comparableAcross(answers[system], system))).toEqual(
			comparable(comparableAcross(answers.rest, system)),
		);
	}
	expect(idsOf('quickbooks').fromSystem(answers.quickbooks[3][1].invoice)).toMatchObject({
		id: 'inv-2001',
		status: 'open',
		paymentStatus: 'unpaid',
		balance: '250.00',
	});
}, 600_000);

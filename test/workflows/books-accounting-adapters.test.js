// @ts-check
/**
 * The accounting books adapters (workflows/books/books-quickbooks.json, books-xero.json): their
 * shape (n8n's OAuth2 credential types, the API base URL from Settings, batching and paging that
 * keep each API's rate limit), and what they answer, run against the local QuickBooks Online and
 * Xero servers. n8n-nodes-base is not part of the engine harness, so the test runs the adapters'
 * own Code nodes as n8n does (the same `$('Node')` reads) and performs their HTTP Request node's
 * requests as configured: its URL, query, headers and pagination expressions are the workflow's
 * own, evaluated here; the credential adds `Authorization: Bearer <access token>` as n8n's OAuth2
 * does. Proven in a real n8n: docs/books-adapters.md says what is left.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { applyPaymentReports } from '../../nodes/core/books/ledger';
import {
	CALLS,
	COLLECTION,
	comparable,
	expectContract,
	STATE_CALL,
} from '../core/books/contract-scenario';
import {
	comparableAcross,
	demoLedgerRows,
	demoTableRows,
	idsOf,
} from '../e2e/support/accounting-books';
import { startQuickBooksServer } from '../fakes/quickbooks-server';
import { guidOf, startXeroServer } from '../fakes/xero-server';

const DIR = path.join(__dirname, '../../workflows/books');
const load = (file) => JSON.parse(readFileSync(path.join(DIR, file), 'utf8'));
const TODAY = '2026-03-10';

/** An n8n expression (`={{ ... }}` parts in a string) evaluated with `$`, `$json`, `$pageCount`, `$response`. */
function evaluate(value, scope) {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	const run = (expression) =>
		new Function('$', '$json', '$pageCount', '$response', `return (${expression});`)(
			scope.$,
			scope.$json,
			scope.$pageCount,
			scope.$response,
		);
	const whole = /^=\{\{([\s\S]*)\}\}$/.exec(value.trim());
	if (whole && !whole[1].includes('{{')) return run(whole[1]);
	return value.slice(1).replace(/\{\{([\s\S]*?)\}\}/g, (_, expression) => String(run(expression)));
}

/**
 * Runs an adapter on `requests` as n8n runs a workflow (execution order v1: each node's output
 * goes on, depth first; an If node's false output down its second branch): Settings (its values
 * overridden by `settings`), the Data Tables of the ledger (`tables`, rows by table name, read
 * and written as n8n's Data table node does), the Books Ledger node (the core's rule), the
 * Code nodes, and the HTTP Request nodes' requests against a fake. Returns the answers' json,
 * or throws what the workflow throws (a failed call).
 * @param {any} workflow @param {object[]} requests
 * @param {{ settings: Record<string, string>, accessToken: string, sent?: Array<{ method: string, url: URL, headers: Record<string, string>, body: any }>, tables?: Record<string, any[]> }} options
 */
async function runAdapter(workflow, requests, { settings, accessToken, sent = [], tables = {} }) {
	const byName = new Map(workflow.nodes.map((node) => [node.name, node]));
	const outputs = {};
	const $ = (name, index = 0) => {
		if (!outputs[name]) {
			const never = () => {
				throw new Error(`No output of ${name} yet`);
			};
			return { all: never, first: never, item: undefined, isExecuted: false };
		}
		return {
			all: () => outputs[name],
			first: () => outputs[name][0],
			item: outputs[name][index],
			isExecuted: true,
		};
	};
	const tableOf = (name) => (tables[name] ??= []);
	/** a Merge node's inputs as they arrive, by node name */
	const arrived = {};
	/** @returns {Promise<any[][] | null>} the node's outputs; null: a Merge still waiting */
	const execute = async (node, input, inputIndex) => {
		const items = node.executeOnce ? input.slice(0, 1) : input;
		const scopeOf = (item, index) => ({
			$: (name) => $(name, index),
			$json: item.json,
			$pageCount: 0,
			$response: {},
		});
		switch (node.type) {
			case 'n8n-nodes-base.executeWorkflowTrigger':
				return [requests.map((json) => ({ json }))];
			case 'n8n-nodes-base.set': {
				const values = Object.fromEntries(
					node.parameters.assignments.assignments.map((a) => [a.name, a.value]),
				);
				return [[{ json: { ...values, ...settings } }]];
			}
			case 'n8n-nodes-base.code': {
				const run = new Function(
					'$',
					'$input',
					`return (async () => {\n${node.parameters.jsCode}\n})();`,
				);
				return [await run($, { all: () => input, first: () => input[0] })];
			}
			case 'n8n-nodes-base.if': {
				const condition = node.parameters.conditions.conditions[0].leftValue;
				const pass = items.map((item, index) => evaluate(condition, scopeOf(item, index)));
				return [items.filter((_, i) => pass[i]), items.filter((_, i) => !pass[i])];
			}
			case 'n8n-nodes-base.dataTable':
				return [dataTableNode(node, items, scopeOf, tableOf)];
			case 'n8n-invoice-payments.invoicePaymentsTools':
			case 'n8n-nodes-invoice-payments.invoicePaymentsTools':
				return [ledgerNode(node, items, scopeOf)];
			case 'n8n-nodes-base.httpRequest':
				return [await httpNode(node, items, { $, accessToken, sent })];
			case 'n8n-nodes-base.merge': {
				// Choose Branch, wait for both inputs, the data of input 1 (the adapters' only use)
				expect(node.parameters).toMatchObject({ mode: 'chooseBranch', useDataOfInput: 1 });
				const waiting = (arrived[node.name] ??= []);
				waiting[inputIndex] = input;
				return waiting[0] && waiting[1] ? [waiting[0]] : null;
			}
			default:
				throw new Error(`The test does not run ${node.type}`);
		}
	};
	const run = async (name, input, inputIndex = 0) => {
		const node = byName.get(name);
		let result = await execute(node, input, inputIndex);
		if (result === null) return;
		if (node.alwaysOutputData && result[0].length === 0) result = [[{ json: {} }]];
		outputs[name] = result.flat();
		for (const [index, items] of result.entries()) {
			if (items.length === 0) continue;
			for (const link of workflow.connections[name]?.main?.[index] ?? [])
				await run(link.node, items, link.index);
		}
	};
	await run(
		workflow.nodes.find((n) => n.type === 'n8n-nodes-base.executeWorkflowTrigger').name,
		[],
	);
	const last = workflow.nodes.find(
		(n) => n.name.startsWith('Answer') && !workflow.connections[n.name],
	).name;
	return outputs[last].map((item) => item.json);
}

/** n8n's Data table node (v1.1) on in-memory rows: get all, upsert by its filter. */
function dataTableNode(node, items, scopeOf, tableOf) {
	const p = node.parameters;
	const out = [];
	for (const [index, item] of items.entries()) {
		const scope = scopeOf(item, index);
		const rows = tableOf(evaluate(p.dataTableId.value, scope));
		if (p.operation === 'get') return rows.map((json) => ({ json: { ...json } }));
		const match = (row) =>
			p.filters.conditions.every((c) => row[c.keyName] === evaluate(c.keyValue, scope));
		const values = Object.fromEntries(
			Object.entries(p.columns.value).map(([key, value]) => [key, evaluate(value, scope)]),
		);
		const held = rows.filter(match);
		if (p.operation === 'upsert' && held.length === 0) rows.push({ ...values });
		else if (p.operation === 'upsert' || p.operation === 'update')
			held.forEach((row) => Object.assign(row, values));
		else throw new Error(`The test does not run the Data table operation ${p.operation}`);
		out.push({ json: values, pairedItem: { item: index } });
	}
	return out;
}

/** Invoice Payments Tools → Books Ledger → Apply Payment Record: the core's rule, continuing on a refused record. */
function ledgerNode(node, items, scopeOf) {
	const p = node.parameters;
	const value = (name, scope) => {
		const v = evaluate(p[name], scope);
		return v === undefined || v === null || v === '' ? null : v;
	};
	const results = applyPaymentReports(
		items.map((item, index) => {
			const scope = scopeOf(item, index);
			return {
				report: value('paymentRecord', scope),
				invoice: value('invoice', scope),
				payments: value('payments', scope) ?? [],
				mismatches: value('mismatches', scope) ?? [],
				samePaymentElsewhere: value('samePaymentElsewhere', scope) ?? [],
				stripeCustomerId: value('stripeCustomerId', scope),
				reasons: value('reasons', scope),
				now: new Date().toISOString(),
			};
		}),
	);
	return results.map((r, index) => ({
		json: r.ok ? r.outcome : { error: r.error.message, code: r.error.code },
		pairedItem: { item: index },
	}));
}

/** An HTTP Request node (v4.2) as configured: one request per page per input item. */
async function httpNode(node, input, { $, accessToken, sent }) {
	const p = node.parameters;
	const pagination = p.options.pagination?.pagination;
	const items = [];
	for (const [itemIndex, item] of input.entries()) {
		const scope = { $, $json: item.json, $pageCount: 0, $response: {} };
		for (;;) {
			const url = new URL(evaluate(p.url, scope));
			const qs = !p.sendQuery
				? {}
				: p.specifyQuery === 'json'
					? JSON.parse(evaluate(p.jsonQuery, scope))
					: Object.fromEntries(
							p.queryParameters.parameters.map((q) => [q.name, evaluate(q.value, scope)]),
						);
			for (const parameter of pagination?.parameters.parameters ?? []) {
				if (parameter.type === 'qs') qs[parameter.name] = evaluate(parameter.value, scope);
			}
			for (const [key, value] of Object.entries(qs)) url.searchParams.set(key, String(value));
			/** @type {Record<string, string>} */
			const headers = { authorization: `Bearer ${accessToken}` };
			for (const h of p.headerParameters.parameters) headers[h.name] = evaluate(h.value, scope);
			const method = evaluate(p.method, scope);
			const body = p.sendBody ? JSON.parse(evaluate(p.jsonBody, scope)) : undefined;
			if (body !== undefined) headers['content-type'] = 'application/json';
			sent.push({ method, url, headers, body });
			const res = await fetch(url, {
				method,
				headers,
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			const answer = await res.json();
			if (res.status < 200 || res.status >= 300) {
				throw new Error(`${node.name}: ${res.status} ${JSON.stringify(answer)}`);
			}
			items.push({ json: answer, pairedItem: { item: itemIndex } });
			scope.$response = { body: answer, statusCode: res.status };
			scope.$pageCount++;
			if (!pagination || evaluate(pagination.completeExpression, scope)) break;
		}
	}
	return items;
}

/**
 * Starts a fake for the describe block (the demo seed before each test, and the demo payment
 * ledger in the ledger's Data Tables) and returns how to run the adapter against it:
 * `run(requests, sent?)`; `ledger()` the tables by Settings name.
 * @param {object} workflow
 * @param {'quickbooks' | 'xero'} system
 * @param {() => Promise<{ reset: (o: object) => Promise<unknown>, close: () => Promise<void> }>} start
 * @param {() => Record<string, string>} settingsOf
 * @param {string} accessToken
 */
function againstFake(workflow, system, start, settingsOf, accessToken) {
	/** @type {{ reset: (o: object) => Promise<unknown>, close: () => Promise<void> }} */
	let fake;
	/** @type {Record<string, any[]>} */
	let tables = {};
	beforeAll(async () => {
		fake = await start();
	});
	afterAll(async () => fake.close());
	beforeEach(async () => {
		await fake.reset({ seed: 'demo' });
		const demo = demoLedgerRows(system, TODAY);
		const names = settingsOf.call(null);
		const named = { ...defaultSettings(workflow), ...names };
		tables = {
			[named.paymentsTable]: demo.payments,
			[named.mismatchesTable]: demo.mismatches,
			[named.customersTable]: demo.customers,
			[named.invoicesTable]: demo.statuses,
			[named.callersTable]: demo.callers,
		};
	});
	/** @param {object[]} requests @param {any[]} [sent] */
	const run = (requests, sent = []) =>
		runAdapter(workflow, requests, { settings: settingsOf(), accessToken, sent, tables });
	/** @returns {Record<string, any> & { tables: Record<string, any[]> }} */
	run.ledger = () => ({ ...defaultSettings(workflow), tables });
	return run;
}

const defaultSettings = (workflow) =>
	Object.fromEntries(
		workflow.nodes
			.find((n) => n.name === 'Settings')
			.parameters.assignments.assignments.map((a) => [a.name, a.value]),
	);

const usd = (amount) => ({ amount, currency: 'usd' });
/** A succeeded Stripe payment of a whole invoice, named by its customer in the books. */
const paidInFull = (booksId, amount) => ({
	provider: 'stripe',
	paymentId: 'pi_full',
	status: 'succeeded',
	customer: { booksId, providerId: null },
	amount: usd(amount),
});

const adapters = [
	{
		file: 'books-quickbooks.json',
		credentialType: 'quickBooksOAuth2Api',
		// Intuit: 500 requests a minute, 10 a second, 10 at once per realm
		limits: { perMinute: 500, perSecond: 10, concurrent: 10 },
	},
	{
		file: 'books-xero.json',
		credentialType: 'xeroOAuth2Api',
		// Xero: 60 calls a minute, 5 at once per tenant
		limits: { perMinute: 60, perSecond: 60, concurrent: 5 },
	},
];

describe.each(adapters)('$file', ({ file, credentialType, limits }) => {
	const workflow = load(file);
	const byName = new Map(workflow.nodes.map((node) => [node.name, node]));
	const http = workflow.nodes.filter((node) => node.type === 'n8n-nodes-base.httpRequest');

	test('starts with When Executed by Another Workflow, all data accepted, then one Settings', () => {
		const trigger = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.executeWorkflowTrigger');
		expect(trigger.parameters.inputSource).toBe('passthrough');
		const settings = byName.get(workflow.connections[trigger.name].main[0][0].node);
		expect(settings.name).toBe('Settings');
		// one item per request (the answers are paired back to the requests through it:
		// books-boundary.test.js), every other node reads its first
		expect(settings.executeOnce).toBeUndefined();
		expect(settings.parameters.assignments.assignments.map((a) => a.name)).toContain('baseUrl');
		expect(workflow.settings.executionOrder).toBe('v1');
	});

	test("talks to the API only through HTTP Request with n8n's own OAuth2 credential type, at the Settings' base URL", () => {
		expect(http.length).toBeGreaterThan(0);
		for (const node of http) {
			expect(node.parameters.authentication).toBe('predefinedCredentialType');
			expect(node.parameters.nodeCredentialType).toBe(credentialType);
			expect(Object.keys(node.credentials)).toEqual([credentialType]);
			expect(node.parameters.url.startsWith("={{ $('Settings').first().json.baseUrl }}")).toBe(
				true,
			);
			const headers = Object.fromEntries(
				node.parameters.headerParameters.parameters.map((h) => [h.name, h.value]),
			);
			expect(headers.accept).toBe('application/json');
		}
	});

	test('batches and paces its requests under the rate limit, whatever the number of invoices', () => {
		for (const node of http) {
			const { batchSize, batchInterval } = node.parameters.options.batching.batch;
			// at most batchSize requests at once, one batch per interval; pages one per requestInterval
			expect(batchSize).toBeLessThanOrEqual(limits.concurrent);
			expect((batchSize * 60_000) / batchInterval).toBeLessThanOrEqual(limits.perMinute);
			expect((batchSize * 1000) / batchInterval).toBeLessThanOrEqual(limits.perSecond);
			const pagination = node.parameters.options.pagination?.pagination;
			if (pagination)
				expect(60_000 / pagination.requestInterval).toBeLessThanOrEqual(limits.perMinute);
		}
	});

	test('a throttled or failed read fails the call, never reads as "no rows"; it is tried again', () => {
		// n8n's pagination (n8n-core 2.41.1, request-helpers/pagination.js) requests with
		// `simple: false` and throws on a non-2xx page only when it would ask for another page:
		// an expression that calls a 429's fault body "complete" (no rows) hands it on as a page,
		// and the adapter would answer "no such customer" (seen in e2e 21 under load)
		const reads = http.filter((node) => node.parameters.options.pagination);
		expect(reads.length).toBeGreaterThan(0);
		for (const node of reads) {
			const { completeExpression } = node.parameters.options.pagination.pagination;
			const json = { entity: 'Customer', resource: 'Contacts' };
			const complete = (statusCode, body) =>
				evaluate(completeExpression, { $json: json, $response: { statusCode, body } });
			expect(complete(429, { Fault: { type: 'ThrottleExceeded' } })).toBe(false);
			expect(complete(503, {})).toBe(false);
			expect(complete(200, {})).toBe(true);
			expect(complete(200, { QueryResponse: {}, Contacts: [] })).toBe(true);
			expect([node.retryOnFail, node.maxTries, node.waitBetweenTries]).toEqual([true, 3, 5000]);
		}
	});
});

describe('the QuickBooks Online adapter against the local QuickBooks server', () => {
	const workflow = load('books-quickbooks.json');
	/** @type {Awaited<ReturnType<typeof startQuickBooksServer>>} */
	let qbo;
	const run = againstFake(
		workflow,
		'quickbooks',
		async () => (qbo = await startQuickBooksServer({ today: TODAY, limits: 'documented' })),
		() => ({ baseUrl: qbo.url, realmId: qbo.realmId }),
		'qbo_test_token',
	);

	test('answers each request in order: recurring open invoices, an invoice, a customer, the books saying no', async () => {
		const answers = await run([
			{ operation: 'listOpenRecurringInvoices', ref: 'a' },
			{ operation: 'getInvoice', invoiceId: '2007', ref: 'b' },
			{ operation: 'getInvoice', invoiceId: '9999', ref: 'c' },
			{ operation: 'getCustomer', customerId: '1001' },
			{ operation: 'getInvoice' },
			{ operation: 'listCustomerInvoices', customerId: '1002', statuses: ['open'] },
			{ operation: 'teleport' },
		]);
		expect(answers.map((a) => [a.operation, a.ref, a.error?.code ?? null])).toEqual([
			['listOpenRecurringInvoices', 'a', null],
			['getInvoice', 'b', null],
			['getInvoice', 'c', 'not_found'],
			['getCustomer', null, null],
			['getInvoice', null, 'invalid_input'],
			['listCustomerInvoices', null, null],
			['teleport', null, 'unknown_operation'],
		]);
		expect(answers[0].invoices.map((i) => i.number)).toEqual([
			'INV-2001',
			'INV-2002',
			'INV-2003',
			'INV-2006',
			'INV-2007',
			'INV-2009',
			'INV-2010',
			'INV-2012',
		]);
		expect(answers[1].invoice).toEqual({
			id: '2007',
			number: 'INV-2007',
			customerId: '1004',
			currency: 'JPY',
			total: '15000',
			balance: '15000',
			createdAt: '2026-03-03',
			dueDate: TODAY,
			recurringInvoiceId: '304',
			status: 'open',
			paymentStatus: 'unpaid',
			sentToProvider: true,
		});
		expect(answers[3].customer).toMatchObject({
			id: '1001',
			name: 'Acme Plumbing Ltd',
			accountsEmail: 'ap@acme-plumbing.example.com',
			address: { line1: '12 Water Lane', city: 'Springfield', postalCode: '62701', country: 'US' },
		});
		expect(answers[5].invoices.map((i) => [i.number, i.balance])).toEqual([
			['INV-2003', '1250.00'],
			['INV-2004', '480.50'],
			['INV-2005', '75.00'],
		]);
	});

	test('reads 2,500 open invoices in pages of 1,000 and 150 invoices by id in two queries', async () => {
		const Invoice = Array.from({ length: 2500 }, (_, i) => ({
			Id: String(i + 1),
			SyncToken: '0',
			DocNumber: `N-${i + 1}`,
			TxnDate: '2026-03-01',
			DueDate: TODAY,
			CustomerRef: { value: '1' },
			CurrencyRef: { value: 'USD' },
			TotalAmt: 10,
			Balance: 10,
			RecurDataRef: { value: '7' },
			EmailStatus: 'EmailSent',
			LinkedTxn: [],
		}));
		await qbo.reset({ seed: { Customer: [{ Id: '1', DisplayName: 'One' }], Invoice } });
		const sent = [];
		const ids = Array.from({ length: 150 }, (_, i) => ({
			operation: 'getInvoice',
			invoiceId: String(i + 1),
		}));
		const answers = await run([{ operation: 'listOpenRecurringInvoices' }, ...ids], sent);
		expect(answers[0].invoices).toHaveLength(2500);
		expect(answers.slice(1).every((a) => a.invoice && a.error === null)).toBe(true);
		const queries = sent.map(({ url }) => url.searchParams.get('query'));
		expect(queries).toHaveLength(5);
		expect(queries[0]).toBe(
			"select * from Invoice where Balance > '0' STARTPOSITION 1 MAXRESULTS 1000",
		);
		expect(queries[2]).toMatch(/STARTPOSITION 2001 MAXRESULTS 1000$/);
		expect(sent.every(({ url }) => url.searchParams.get('minorversion') === '75')).toBe(true);
		expect(qbo.stats.http429).toBe(0);
	});

	test('answers the contract scenario in its ids; money reaches QuickBooks once, a full refund deletes it', async () => {
		const { toSystem, fromSystem } = idsOf('quickbooks');
		// this runner does not pace batches as n8n does (the pacing test above checks the nodes)
		qbo.setLimits(null);
		const payments = () => qbo.company().Payment.filter((p) => p.PrivateNote === 'pi_1');
		const answers = [];
		const sent = [];
		answers.push(fromSystem(await run(toSystem(CALLS[0]), sent)));
		expect(sent.every(({ method }) => method === 'GET')).toBe(true);
		answers.push(fromSystem(await run(toSystem(CALLS[1]), sent)));
		const posted = sent.filter(({ method }) => method === 'POST');
		expect(posted.map(({ url }) => [url.pathname, url.searchParams.get('requestid')])).toEqual([
			[`/v3/company/${qbo.realmId}/payment`, 'pay-1-2001-pi_1'],
		]);
		expect(payments()).toEqual([
			expect.objectContaining({
				CustomerRef: expect.objectContaining({ value: '1001' }),
				TotalAmt: 250,
				Line: [{ Amount: 250, LinkedTxn: [{ TxnId: '2001', TxnType: 'Invoice' }] }],
			}),
		]);
		expect(qbo.company().Invoice.find((i) => i.Id === '2001').Balance).toBe(0);

		sent.length = 0;
		answers.push(fromSystem(await run(toSystem(CALLS[2]), sent)));
		// the repeat of succeeded writes nothing; the refund deletes the Payment, reopening the invoice
		expect(
			sent
				.filter(({ method }) => method === 'POST')
				.map(({ url }) => [url.searchParams.get('operation'), url.searchParams.get('requestid')]),
		).toEqual([['delete', 'rev-1-2001-pi_1']]);
		expect(payments()).toEqual([]);
		expect(qbo.company().Invoice.find((i) => i.Id === '2001').Balance).toBe(250);
		expectContract(answers, expect);

		// the ledger's own tables: the record, its invoice's payment status, the Stripe customer id
		const { tables, paymentsTable, invoicesTable, customersTable } = run.ledger();
		expect(tables[paymentsTable].find((r) => r.recordKey === '2001 pi_1')).toMatchObject({
			status: 'refunded',
		});
		expect(tables[invoicesTable].find((r) => r.invoiceId === '2001')).toEqual({
			invoiceId: '2001',
			paymentStatus: 'unpaid',
		});
		expect(tables[customersTable]).toEqual([{ customerId: '1001', stripeCustomerId: 'cus_A' }]);
		const state = fromSystem(await run(toSystem(STATE_CALL)));
		expect(state[1].invoice).toMatchObject({
			status: 'open',
			balance: '250.00',
			paymentStatus: 'unpaid',
		});
	});

	test('money and fee once; the same call on a ledger without its record (lost, or another call not stored yet) records it and writes no money again', async () => {
		const call = [
			{
				operation: 'recordPayment',
				invoiceId: '2003',
				payment: { ...paidInFull('1002', '1250.00'), fee: usd('36.55') },
			},
		];
		const sent = [];
		const settings = { baseUrl: qbo.url, realmId: qbo.realmId, feeItemId: '2' };
		const [first] = await runAdapter(workflow, call, {
			settings,
			accessToken: 'qbo_test_token',
			sent,
		});
		expect(first).toMatchObject({
			error: null,
			statusChanged: true,
			invoice: { paymentStatus: 'paid' },
		});
		const [again] = await runAdapter(workflow, call, {
			settings,
			accessToken: 'qbo_test_token',
			sent,
		});
		// QuickBooks holds this very payment (a Payment of the invoice, PrivateNote the payment id,
		// among the Payments of the last two days): the invoice is matched as before it, so the
		// record is the payment's first report, not an ALREADY_PAID mismatch
		expect(again).toMatchObject({
			error: null,
			created: true,
			statusChanged: true,
			payment: { paymentId: 'pi_full', status: 'succeeded' },
			invoice: { paymentStatus: 'paid', balance: '0.00' },
		});
		expect(
			sent
				.map(({ url }) => url.searchParams.get('query'))
				.filter((query) => query?.startsWith('select * from Payment')),
		).toEqual([
			expect.stringMatching(
				/^select \* from Payment where TxnDate >= '\d{4}-\d\d-\d\d' STARTPOSITION 1 MAXRESULTS 1000$/,
			),
			expect.stringMatching(/^select \* from Payment where TxnDate >= /),
		]);
		// and a process reading the invoice's payments meanwhile sees it among them
		const [listed] = await runAdapter(
			workflow,
			[{ operation: 'listInvoicePayments', invoiceId: '2003' }],
			{ settings, accessToken: 'qbo_test_token', sent },
		);
		expect(listed.payments).toEqual([
			expect.objectContaining({
				paymentId: 'pi_full',
				status: 'succeeded',
				amount: { amount: '1250.00', currency: 'USD' },
				heldBy: 'quickbooks',
			}),
		]);
		const ids = sent
			.filter(({ method }) => method === 'POST')
			.map(({ url }) => url.searchParams.get('requestid'));
		expect(ids).toEqual(['pay-1-2003-pi_full', 'fee-2003-pi_full']);
		const company = qbo.company();
		expect(company.Payment.filter((p) => p.PrivateNote === 'pi_full')).toHaveLength(1);
		expect(company.SalesReceipt).toEqual([
			expect.objectContaining({
				CustomerRef: expect.objectContaining({ value: '1002' }),
				TotalAmt: 36.55,
				Line: [
					expect.objectContaining({
						Amount: 36.55,
						SalesItemLineDetail: expect.objectContaining({ ItemRef: { value: '2' } }),
					}),
				],
			}),
		]);
	});

	test('a fee without a fee item in Settings fails the call before any money moves', async () => {
		const sent = [];
		await expect(
			run(
				[
					{
						operation: 'recordPayment',
						invoiceId: '2003',
						payment: { ...paidInFull('1002', '1250.00'), fee: usd('36.55') },
					},
				],
				sent,
			),
		).rejects.toThrow(/feeItemId is empty/);
		expect(sent.filter(({ method }) => method === 'POST')).toEqual([]);
	});

	test('fails the call when QuickBooks refuses the token', async () => {
		await expect(
			runAdapter(workflow, [{ operation: 'listCustomers' }], {
				settings: { baseUrl: qbo.url, realmId: qbo.realmId },
				accessToken: 'expired',
			}),
		).rejects.toThrow(/401/);
	});
});

describe('the Xero adapter against the local Xero server', () => {
	const workflow = load('books-xero.json');
	/** @type {Awaited<ReturnType<typeof startXeroServer>>} */
	let xero;
	const run = againstFake(
		workflow,
		'xero',
		async () => (xero = await startXeroServer({ today: TODAY, limits: 'documented' })),
		() => ({ baseUrl: xero.url, tenantId: xero.tenantId }),
		'xero_test_token',
	);

	test('answers each request in order from AUTHORISED invoices, contacts and the books saying no', async () => {
		const answers = await run([
			{ operation: 'listOpenRecurringInvoices', ref: 1 },
			{ operation: 'getInvoice', invoiceId: guidOf('inv-2006') },
			{ operation: 'getInvoice', invoiceId: guidOf('inv-0000') },
			{ operation: 'getCustomer', customerId: guidOf('cust-1001') },
			{ operation: 'listCustomerInvoices', customerId: guidOf('cust-1005'), statuses: ['paid'] },
			{ operation: 'listCustomers' },
		]);
		expect(answers.map((a) => [a.operation, a.ref, a.error?.code ?? null])).toEqual([
			['listOpenRecurringInvoices', 1, null],
			['getInvoice', null, null],
			['getInvoice', null, 'not_found'],
			['getCustomer', null, null],
			['listCustomerInvoices', null, null],
			['listCustomers', null, null],
		]);
		expect(answers[0].invoices.map((i) => i.number)).toEqual([
			'INV-2001',
			'INV-2002',
			'INV-2003',
			'INV-2006',
			'INV-2007',
			'INV-2009',
			'INV-2010',
			'INV-2012',
		]);
		expect(answers[1].invoice).toEqual({
			id: guidOf('inv-2006'),
			number: 'INV-2006',
			customerId: guidOf('cust-1003'),
			currency: 'EUR',
			total: '640.00',
			balance: '640.00',
			createdAt: '2026-03-09',
			dueDate: '2026-03-17',
			recurringInvoiceId: guidOf('rec-303'),
			status: 'open',
			paymentStatus: 'unpaid',
			sentToProvider: true,
		});
		expect(answers[3].customer).toMatchObject({
			name: 'Acme Plumbing Ltd',
			accountsEmail: 'ap@acme-plumbing.example.com',
			accountsCcEmail: 'controller@acme-plumbing.example.com',
			phone: '+1 555 0101',
		});
		expect(answers[4].invoices.map((i) => i.number)).toEqual(['INV-2008']);
		expect(answers[5].customers).toHaveLength(5);
	});

	test('pages 250 AUTHORISED invoices 100 at a time and reads 120 by id fifty at a time, under the minute limit', async () => {
		const Invoices = Array.from({ length: 250 }, (_, i) => ({
			Type: 'ACCREC',
			InvoiceID: guidOf(`n-${i}`),
			InvoiceNumber: `N-${i}`,
			Contact: { ContactID: guidOf('c') },
			Status: 'AUTHORISED',
			AmountDue: 10,
			Total: 10,
			CurrencyCode: 'USD',
			DateString: '2026-03-01T00:00:00',
			DueDateString: `${TODAY}T00:00:00`,
			RepeatingInvoiceID: guidOf('r'),
			LineItems: [],
			Payments: [],
		}));
		await xero.reset({ seed: { Contacts: [], Invoices } });
		const sent = [];
		const ids = Invoices.slice(0, 120).map((i) => ({
			operation: 'getInvoice',
			invoiceId: i.InvoiceID,
		}));
		const answers = await run([{ operation: 'listOpenRecurringInvoices' }, ...ids], sent);
		expect(answers[0].invoices).toHaveLength(250);
		expect(answers.slice(1).every((a) => a.invoice)).toBe(true);
		expect(sent.map(({ url }) => url.searchParams.get('page'))).toEqual([
			'1',
			'2',
			'3',
			'1',
			'1',
			'1',
		]);
		expect(sent.every(({ url }) => url.pathname === '/api.xro/2.0/Invoices')).toBe(true);
		expect(xero.stats.http429).toBe(0);
		expect(xero.requests.every((r) => r.tenantId === xero.tenantId)).toBe(true);
	});

	test('answers the contract scenario in its ids; money reaches Xero once, a full refund deletes it', async () => {
		const { toSystem, fromSystem } = idsOf('xero');
		const invoiceId = guidOf('inv-2001');
		const payments = () => xero.organisation().Payments.filter((p) => p.Reference === 'pi_1');
		const answers = [];
		const sent = [];
		answers.push(fromSystem(await run(toSystem(CALLS[0]), sent)));
		answers.push(fromSystem(await run(toSystem(CALLS[1]), sent)));
		const written = sent.filter(({ method }) => method !== 'GET');
		expect(
			written.map(({ method, url, headers }) => [method, url.pathname, headers['Idempotency-Key']]),
		).toEqual([['PUT', '/api.xro/2.0/Payments', `pay-1-${invoiceId}-pi_1`]]);
		expect(written[0].body.Payments).toEqual([
			{
				Invoice: { InvoiceID: invoiceId },
				Account: { Code: '090' },
				Amount: 250,
				Date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
				Reference: 'pi_1',
			},
		]);
		expect(payments()).toEqual([expect.objectContaining({ Status: 'AUTHORISED', Amount: 250 })]);

		sent.length = 0;
		answers.push(fromSystem(await run(toSystem(CALLS[2]), sent)));
		const reversed = sent.filter(({ method }) => method !== 'GET');
		expect(reversed.map(({ method, url, body }) => [method, url.pathname, body])).toEqual([
			['POST', `/api.xro/2.0/Payments/${payments()[0].PaymentID}`, { Status: 'DELETED' }],
		]);
		expect(payments()).toEqual([expect.objectContaining({ Status: 'DELETED' })]);
		const invoice = xero.organisation().Invoices.find((i) => i.InvoiceID === invoiceId);
		expect([invoice.Status, invoice.AmountDue]).toEqual(['AUTHORISED', 250]);
		expectContract(answers, expect);
	});

	test('money and fee once; the same call on a ledger without its record (lost, or another call not stored yet) records it and writes no money again', async () => {
		const call = [
			{
				operation: 'recordPayment',
				invoiceId: guidOf('inv-2003'),
				payment: { ...paidInFull(guidOf('cust-1002'), '1250.00'), fee: usd('36.55') },
			},
		];
		const sent = [];
		const settings = { baseUrl: xero.url, tenantId: xero.tenantId, feeAccountCode: '270' };
		const [first] = await runAdapter(workflow, call, {
			settings,
			accessToken: 'xero_test_token',
			sent,
		});
		expect(first).toMatchObject({
			error: null,
			invoice: { paymentStatus: 'paid', balance: '0.00' },
		});
		const [again] = await runAdapter(workflow, call, {
			settings,
			accessToken: 'xero_test_token',
			sent,
		});
		// Xero holds this very payment (its Reference): the invoice is matched as before it, so
		// the record is the payment's first report, not an ALREADY_PAID mismatch (the auto-pay
		// run and its webhook recording one payment at once)
		expect(again).toMatchObject({
			error: null,
			created: true,
			statusChanged: true,
			payment: { paymentId: 'pi_full', status: 'succeeded' },
			invoice: { paymentStatus: 'paid', balance: '0.00' },
		});
		const [listed] = await runAdapter(
			workflow,
			[{ operation: 'listInvoicePayments', invoiceId: guidOf('inv-2003') }],
			{ settings, accessToken: 'xero_test_token', sent },
		);
		expect(listed.payments).toEqual([
			expect.objectContaining({
				paymentId: 'pi_full',
				status: 'succeeded',
				amount: { amount: '1250.00', currency: 'USD' },
				heldBy: 'xero',
			}),
		]);
		expect(sent.filter(({ method }) => method === 'PUT').map(({ url }) => url.pathname)).toEqual([
			'/api.xro/2.0/Payments',
			'/api.xro/2.0/BankTransactions',
		]);
		const org = xero.organisation();
		expect(org.Payments.filter((p) => p.Reference === 'pi_full')).toHaveLength(1);
		expect(org.BankTransactions).toEqual([
			expect.objectContaining({
				Type: 'RECEIVE',
				Contact: expect.objectContaining({ ContactID: guidOf('cust-1002') }),
				LineItems: [expect.objectContaining({ UnitAmount: 36.55, AccountCode: '270' })],
			}),
		]);
	});

	test('fails the call when Xero refuses the tenant', async () => {
		await expect(
			runAdapter(workflow, [{ operation: 'listCustomers' }], {
				settings: { baseUrl: xero.url, tenantId: guidOf('someone-else') },
				accessToken: 'xero_test_token',
			}),
		).rejects.toThrow(/403/);
	});
});

describe("the contract scenario: the same answers as the Data Tables books, in the systems' own ids", () => {
	/** The Data Tables adapter (whose answers books-boundary.test.js proves equal to the REST books'). */
	async function tablesAnswers() {
		const demo = demoTableRows(TODAY);
		const settings = defaultSettings(load('books-data-tables.json'));
		const tables = {
			[settings.customersTable]: demo.customers,
			[settings.invoicesTable]: demo.invoices,
			[settings.paymentsTable]: demo.payments,
			[settings.mismatchesTable]: [],
			[settings.callersTable]: demo.callers,
		};
		const answers = [];
		for (const requests of [...CALLS, STATE_CALL]) {
			answers.push(
				await runAdapter(load('books-data-tables.json'), requests, {
					settings: {},
					accessToken: '',
					tables,
				}),
			);
		}
		return answers;
	}

	test.each([
		[
			'quickbooks',
			'books-quickbooks.json',
			async () => startQuickBooksServer({ today: TODAY, limits: null }),
			(f) => ({ baseUrl: f.url, realmId: f.realmId }),
			'qbo_test_token',
		],
		[
			'xero',
			'books-xero.json',
			async () => startXeroServer({ today: TODAY, limits: null }),
			(f) => ({ baseUrl: f.url, tenantId: f.tenantId }),
			'xero_test_token',
		],
	])('%s', async (system, file, start, settingsOf, accessToken) => {
		const fake = await start();
		try {
			const demo = demoLedgerRows(/** @type {'quickbooks' | 'xero'} */ (system), TODAY);
			const workflow = load(file);
			const named = defaultSettings(workflow);
			const tables = {
				[named.paymentsTable]: demo.payments,
				[named.mismatchesTable]: demo.mismatches,
				[named.customersTable]: demo.customers,
				[named.invoicesTable]: demo.statuses,
				[named.callersTable]: demo.callers,
			};
			const { toSystem } = idsOf(/** @type {'quickbooks' | 'xero'} */ (system));
			const answers = [];
			for (const requests of [...CALLS, STATE_CALL]) {
				answers.push(
					await runAdapter(workflow, toSystem(requests), {
						settings: settingsOf(fake),
						accessToken,
						tables,
					}),
				);
			}
			const system_ = /** @type {'quickbooks' | 'xero'} */ (system);
			expect(comparable(comparableAcross(answers, system_))).toEqual(
				comparable(comparableAcross(await tablesAnswers(), system_)),
			);
			// the collection state is the ledger's: a column of its invoices table, as JSON text
			const marked = tables[named.invoicesTable].find(
				(row) => row.invoiceId === idsOf(system_).id('inv-2005'),
			);
			expect(JSON.parse(marked.collection)).toMatchObject(COLLECTION);
		} finally {
			await fake.close();
		}
	});
});

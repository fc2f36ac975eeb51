// @ts-check
/**
 * The books adapters (workflows/books/books-rest.json, books-data-tables.json and its setup), read as files: each is a sub-workflow started by
 * Execute Workflow that answers every operation of the contract (docs/books-api.md). Their Code
 * nodes are run here as n8n runs them (an async body over `$` and `$input`): the REST adapter's
 * against the demo REST books, the Data Tables adapter's over tables loaded by the setup
 * workflow's demo data, with the Books Ledger node's rule (the core) between, and both must
 * answer the contract's scenario alike. The e2e test (16-books-adapters) runs them in n8n.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { applyPaymentReports } from '../../nodes/core/books/ledger';
import {
	CALLS,
	COLLECTION,
	comparable,
	expectContract,
	OPERATIONS,
	STATE_CALL,
} from '../core/books/contract-scenario';
import { startBooksApi } from '../fakes/books-api';

const TODAY = '2026-03-10';
const TOKEN = 'books-boundary-token';
const DIR = path.join(__dirname, '../../workflows/books');
const load = (file) => JSON.parse(readFileSync(path.join(DIR, file), 'utf8'));
const rest = load('books-rest.json');
const tables = load('books-data-tables.json');
const setup = load('books-data-tables-setup.json');
const TRIGGER = 'When Executed by Another Workflow';

/** @param {any} workflow @param {string} name */
const nodeOf = (workflow, name) => {
	const found = workflow.nodes.find((n) => n.name === name);
	if (!found) throw new Error(`${workflow.name} has no node ${name}`);
	return found;
};
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
/** A Code node's code run as n8n runs it, with the items of the nodes it reads. */
async function runCode(workflow, name, nodes, input = []) {
	const $ = (node) => {
		if (!(node in nodes)) throw new Error(`${name} reads ${node}, which did not run`);
		return {
			all: () => nodes[node],
			first: () => nodes[node][0],
			isExecuted: nodes[node] !== undefined,
		};
	};
	const $input = { all: () => input, first: () => input[0] };
	const items = await new AsyncFunction('$', '$input', nodeOf(workflow, name).parameters.jsCode)(
		$,
		$input,
	);
	return /** @type {Array<{ json: any, pairedItem?: unknown }>} */ (items);
}
const itemsOf = (values) => values.map((json) => ({ json }));
const settingsOf = (workflow) =>
	Object.fromEntries(
		nodeOf(workflow, 'Settings').parameters.assignments.assignments.map((a) => [a.name, a.value]),
	);

describe('the three workflows', () => {
	test.each([
		[rest, 'invPayBooksRest'],
		[tables, 'invPayBooksTables'],
		[setup, 'invPayBooksSetup'],
	])('%#: a stable id, Settings first after every trigger, a sticky note', (workflow, id) => {
		expect(workflow.id).toBe(id);
		expect(workflow.name).toMatch(/^Invoice payments: books /);
		expect(workflow.settings.executionOrder).toBe('v1');
		const triggers = workflow.nodes.filter((n) =>
			['n8n-nodes-base.executeWorkflowTrigger', 'n8n-nodes-base.manualTrigger'].includes(n.type),
		);
		expect(triggers.map((t) => t.name)).toContain(TRIGGER);
		for (const trigger of triggers) {
			expect(workflow.connections[trigger.name].main).toEqual([
				[{ node: 'Settings', type: 'main', index: 0 }],
			]);
		}
		// the whole requests pass through as given (no input schema drops a field)
		expect(nodeOf(workflow, TRIGGER).parameters).toEqual({ inputSource: 'passthrough' });
		expect(workflow.nodes.some((n) => n.type === 'n8n-nodes-base.stickyNote')).toBe(true);
		for (const [from, { main }] of Object.entries(workflow.connections)) {
			nodeOf(workflow, from);
			for (const link of main.flat()) nodeOf(workflow, link.node);
		}
	});

	test('the REST adapter calls the books with their credential, and never fails on their "no"', () => {
		const http = rest.nodes.filter((n) => n.type === 'n8n-nodes-base.httpRequest');
		expect(http.map((n) => n.name)).toEqual(['Books: call the REST API']);
		expect(http[0].credentials).toEqual({
			httpHeaderAuth: { id: 'invPayBooksApi01', name: 'Books API' },
		});
		expect(http[0].parameters.url).toBe(
			"={{ $('Settings').first().json.booksApiUrl }}{{ $json.path }}",
		);
		expect(http[0].parameters.options.response.response).toEqual({
			fullResponse: true,
			neverError: true,
		});
		expect(settingsOf(rest)).toEqual({ booksApiUrl: 'http://127.0.0.1:4010' });
	});

	test('the Data Tables adapter and its setup name the same five tables; the ledger node records', () => {
		const names = Object.entries(settingsOf(tables));
		expect(names.map(([, value]) => value)).toEqual([
			'invoice_payments_customers',
			'invoice_payments_invoices',
			'invoice_payments_payments',
			'invoice_payments_payment_mismatches',
			'invoice_payments_callers',
		]);
		expect(settingsOf(setup)).toMatchObject(Object.fromEntries(names));
		const ledger = nodeOf(tables, 'Books Ledger: apply the payment records');
		expect(ledger.type).toBe('n8n-nodes-invoice-payments.invoicePaymentsTools');
		expect(ledger.parameters).toMatchObject({
			resource: 'booksLedger',
			operation: 'applyPaymentRecord',
		});
		// a record the ledger refuses is answered invalid_input, not a failed call
		expect(ledger.onError).toBe('continueRegularOutput');
		// every table the adapter reads or writes is one the setup creates, with the columns written
		const created = Object.fromEntries(
			setup.nodes
				.filter((n) => n.parameters.operation === 'create')
				.map((n) => [
					n.parameters.tableName.match(/json\.(\w+) }}$/)[1],
					n.parameters.columns.column.map((c) => c.name),
				]),
		);
		expect(Object.keys(created).sort()).toEqual(names.map(([key]) => key).sort());
		for (const node of tables.nodes.filter((n) => n.type === 'n8n-nodes-base.dataTable')) {
			const written = Object.keys(node.parameters.columns?.value ?? {});
			const key = node.parameters.dataTableId.value.match(/json\.(\w+) }}$/)?.[1];
			const allowed = key ? created[key] : created.paymentsTable;
			for (const column of written) expect([node.name, column, allowed]).toContain(column);
		}
		expect(created.paymentsTable).toEqual(created.mismatchesTable);
	});

	/**
	 * n8n's Execute Workflow (mode once) pairs each item the sub-workflow's last node returns with
	 * a caller's item by following pairedItem back through the run data, from node to node along
	 * each node's first input, to the trigger (n8n-nodes-base `utils/workflow-backtracking.js`).
	 * The processes read an answer's request with `.item`, so along that path every node keeps
	 * one item per request, in order: a node reading whole tables or pages there (their rows all
	 * paired with one item) would pair every answer with the first request.
	 */
	test.each([
		['books-rest.json', ['Settings', 'Plan the REST calls', 'Books: call the REST API']],
		...['books-data-tables.json', 'books-quickbooks.json', 'books-xero.json'].map((file) => [
			file,
			[
				'Settings',
				'Requests, with the books read',
				'Plan every request',
				'Answers, once all is stored',
			],
		]),
	])('%s: its answers pair back to their requests in n8n', (file, expected) => {
		const workflow = load(file);
		const into = (name, index) =>
			Object.entries(workflow.connections).flatMap(([from, { main }]) =>
				main.flatMap((links) =>
					links.filter((l) => l.node === name && l.index === index).map(() => from),
				),
			);
		const answer = workflow.nodes.find(
			(n) => n.name.startsWith('Answer') && n.type === 'n8n-nodes-base.code',
		);
		const path = [];
		for (let name = answer.name; name !== TRIGGER; ) {
			const feeders = into(name, 0);
			expect([name, feeders.length]).toEqual([name, 1]);
			name = feeders[0];
			if (name !== TRIGGER) path.unshift(name);
		}
		expect(path).toEqual(expected);
		for (const node of [...path, answer.name].map((name) => nodeOf(workflow, name))) {
			expect([node.name, node.executeOnce]).toEqual([node.name, undefined]);
			if (node.type === 'n8n-nodes-base.merge')
				expect(node.parameters).toEqual({
					mode: 'chooseBranch',
					chooseBranchMode: 'waitForAll',
					output: 'specifiedInput',
					useDataOfInput: 1,
				});
			else if (node.type === 'n8n-nodes-base.code')
				expect(node.parameters.jsCode).toMatch(/pairedItem: \{ item: (requestIndex|index) \}/);
			else
				expect([node.name, node.type]).toEqual([
					node.name,
					expect.stringMatching(/^n8n-nodes-base\.(set|httpRequest)$/),
				]);
		}
		// the Merges wait for the tables read and everything stored
		if (path.includes('Answers, once all is stored'))
			expect(into('Answers, once all is stored', 1).length).toBeGreaterThan(0);
	});

	test('docs/books-api.md lists the operations the adapters answer', () => {
		const doc = readFileSync(path.join(__dirname, '../../docs/books-api.md'), 'utf8');
		const section = doc.slice(doc.indexOf('### Operations'), doc.indexOf('### One owner'));
		// the table's first row is its header
		const listed = [...section.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]).slice(1);
		expect(listed).toEqual(OPERATIONS);
	});
});

describe('both adapters answer every operation of the contract alike', () => {
	/** @type {Awaited<ReturnType<typeof startBooksApi>>} */
	let books;
	beforeAll(async () => {
		books = await startBooksApi({ port: 0, token: TOKEN, today: TODAY });
	});
	afterAll(() => books.close());

	/** The REST adapter: its Code nodes, and its HTTP Request node done by fetch. */
	async function callRest(requests) {
		const calls = await runCode(rest, 'Plan the REST calls', { [TRIGGER]: itemsOf(requests) });
		const responses = [];
		for (const { json: call } of calls) {
			const res = await fetch(`${books.url}${call.path}`, {
				method: call.method,
				headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
				body: call.method === 'GET' ? undefined : JSON.stringify(call.body ?? {}),
			});
			responses.push({ json: { statusCode: res.status, body: await res.json() } });
		}
		const answers = await runCode(
			rest,
			'Answer every request',
			{ 'Plan the REST calls': calls },
			responses,
		);
		expect(answers.map((a) => a.pairedItem)).toEqual(requests.map((_, item) => ({ item })));
		return answers.map((a) => a.json);
	}

	/** The Data Tables, as rows: loaded by the setup's demo data, written as the adapter writes. */
	async function demoTables() {
		const [demo] = await runCode(setup, 'The demo data', {
			Settings: [{ json: { today: TODAY } }],
		});
		return {
			customers: demo.json.customers,
			invoices: demo.json.invoices,
			payments: demo.json.payments,
			mismatches: [],
			callers: demo.json.callers,
		};
	}

	/** The Data Tables adapter: its Code nodes, the ledger's rule, its writes done on the rows. */
	async function callTables(db, requests) {
		const settings = settingsOf(tables);
		const read = (rows) => (rows.length ? itemsOf(rows) : [{ json: {} }]);
		/** @type {Record<string, any>} */
		const nodes = {
			[TRIGGER]: itemsOf(requests),
			Settings: [{ json: settings }],
			'Read the customers': read(db.customers),
			'Read the invoices': read(db.invoices),
			'Read the payment records': read(db.payments),
			'Read the payment mismatches': read(db.mismatches),
			'Read the callers': read(db.callers),
		};
		nodes['Plan every request'] = await runCode(tables, 'Plan every request', nodes);
		nodes['Payment records for the ledger'] = await runCode(
			tables,
			'Payment records for the ledger',
			nodes,
			nodes['Plan every request'],
		);
		const toApply = nodes['Payment records for the ledger'];
		nodes['Books Ledger: apply the payment records'] = undefined;
		if (toApply[0].json.nothingToApply !== true) {
			const results = applyPaymentReports(
				toApply.map(({ json }) => ({
					report: json.payment,
					invoice: json.invoice,
					payments: json.payments,
					mismatches: json.mismatches,
					samePaymentElsewhere: json.samePaymentElsewhere,
					stripeCustomerId: json.stripeCustomerId,
					reasons: json.reasons,
					now: new Date().toISOString(),
				})),
			);
			const applied = results.map((r) => ({
				json: r.ok ? r.outcome : { error: r.error.message, code: r.error.code },
			}));
			nodes['Books Ledger: apply the payment records'] = applied;
			const rows = await runCode(tables, 'Rows to store', nodes, applied);
			if (rows[0].json.nothingToStore !== true) {
				for (const { json } of rows) {
					const list = json.table === settings.paymentsTable ? db.payments : db.mismatches;
					const at = list.findIndex((r) => r.recordKey === json.row.recordKey);
					if (at >= 0) list[at] = json.row;
					else list.push(json.row);
					const invoice = db.invoices.find((r) => r.invoiceId === json.invoice.id);
					Object.assign(invoice, {
						status: json.invoice.status,
						paymentStatus: json.invoice.paymentStatus,
						balance: json.invoice.balance,
					});
				}
			}
		}
		const changes = await runCode(tables, 'Stripe customer ids to save', nodes);
		if (changes[0].json.nothingToSave !== true) {
			for (const { json } of changes) {
				db.customers.find((r) => r.customerId === json.customerId).stripeCustomerId =
					json.stripeCustomerId;
			}
		}
		const collections = await runCode(tables, 'Collection states to save', nodes);
		if (collections[0].json.nothingToSave !== true) {
			for (const { json } of collections) {
				db.invoices.find((r) => r.invoiceId === json.invoiceId).collection = json.collection;
			}
		}
		const answers = await runCode(tables, 'Answer every request', nodes, collections);
		return answers.map((a) => a.json);
	}

	test('the scenario: reads, writes in order, replays; the same answers from REST and Data Tables', async () => {
		const restAnswers = [];
		for (const requests of CALLS) restAnswers.push(await callRest(requests));
		const db = await demoTables();
		const tableAnswers = [];
		for (const requests of CALLS) tableAnswers.push(await callTables(db, requests));

		expectContract(restAnswers, expect);
		expectContract(tableAnswers, expect);
		expect(comparable(tableAnswers)).toEqual(comparable(restAnswers));
		// the collection state is a column of the invoices table, as JSON text
		const marked = db.invoices.find((row) => row.invoiceId === 'inv-2005');
		expect(JSON.parse(marked.collection)).toMatchObject(COLLECTION);
		// the books' state after it, read back through each adapter
		expect(comparable(await callTables(db, STATE_CALL))).toEqual(
			comparable(await callRest(STATE_CALL)),
		);
	});

	test('every operation, and only those, is one the adapters know', async () => {
		const db = await demoTables();
		const requests = [...OPERATIONS, 'deleteEverything'].map((operation) => ({ operation }));
		for (const answers of [await callRest(requests), await callTables(db, requests)]) {
			expect(answers.map((a) => a.error?.code === 'unknown_operation')).toEqual([
				...OPERATIONS.map(() => false),
				true,
			]);
		}
	});
});

describe('the setup on tables made by an earlier version', () => {
	const CREATES = setup.nodes.filter((n) => n.parameters.operation === 'create');
	/**
	 * The setup's column check run as n8n runs it: each create node's output is the table it made
	 * or found (n8n returns the table with its columns), `$(node).params` its parameters.
	 * @param {(node: any) => string[]} columnsOf the columns each table holds
	 */
	const check = (columnsOf) => {
		const $ = (name) => {
			const node = nodeOf(setup, name);
			const table = {
				id: `dt-${node.name.split(' ')[2]}`,
				name: node.parameters.tableName,
				columns: columnsOf(node).map((column) => ({ name: column, type: 'string' })),
			};
			return { first: () => ({ json: table }), params: node.parameters };
		};
		const input = [{ json: { name: 'invoice_payments_callers' } }];
		return new Function('$', '$input', nodeOf(setup, 'Check the columns').parameters.jsCode)($, {
			all: () => input,
		});
	};
	const wanted = (node) => node.parameters.columns.column.map((c) => c.name);

	test('it runs after every table is made or found, before anything is loaded', () => {
		expect(setup.connections['Create the callers table'].main).toEqual([
			[{ node: 'Check the columns', type: 'main', index: 0 }],
		]);
		expect(setup.connections['Check the columns'].main).toEqual([
			[{ node: 'Load the demo data?', type: 'main', index: 0 }],
		]);
		expect(CREATES).toHaveLength(5);
		for (const node of CREATES) expect(node.parameters.options.createIfNotExists).toBe(true);
	});

	test('tables with every column pass on as they are', () => {
		expect(check(wanted)).toEqual([{ json: { name: 'invoice_payments_callers' } }]);
	});

	test('an invoices table without `collection` stops the setup, naming the table, the column and how to add it', () => {
		const old = (node) =>
			node.name === 'Create the invoices table'
				? wanted(node).filter((c) => c !== 'collection')
				: wanted(node);
		expect(() => check(old)).toThrow(
			/Missing: table =?\{\{ \$\('Settings'\)\.first\(\)\.json\.invoicesTable \}\} \(id dt-invoices\): collection \(string\)$/,
		);
		expect(() => check(old)).toThrow(/POST \/api\/v1\/data-tables\/<id>\/columns/);
		expect(() => check(old)).toThrow(/Data tables → the table/);
	});
});

// @ts-check
/**
 * The books boundary in a real n8n 2.41.1: the REST and the Data Tables adapters
 * (workflows/books/) imported and published, the setup workflow loading the demo books into
 * Data Tables, and a small harness workflow calling each adapter with n8n's Execute Workflow
 * node (Run once with all items) through every operation of the contract. Both answer the
 * contract's scenario (test/core/books/contract-scenario.js) alike, and the books' state after
 * it reads the same through both.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import {
	CALLS,
	comparable,
	expectContract,
	OPERATIONS,
	STATE_CALL,
} from '../core/books/contract-scenario';
import { booksCallerWorkflow } from './support/books-caller';
import { clients, loadState } from './support/clients';

const state = loadState();
const { n8n, books, request, api, ok } = clients(state);
const TODAY = '2026-03-10';
const DIR = path.join(__dirname, '../../workflows/books');

/** Imports a shipped adapter through the public API and publishes it (sub-workflows run published). */
async function importAndPublish(file, settings = {}) {
	const json = JSON.parse(readFileSync(path.join(DIR, file), 'utf8'));
	for (const assignment of json.nodes.find((n) => n.name === 'Settings').parameters.assignments
		.assignments) {
		if (assignment.name in settings) assignment.value = settings[assignment.name];
	}
	const created = ok(
		await api('POST', '/workflows', {
			name: `e2e: ${json.name}`,
			nodes: json.nodes,
			connections: json.connections,
			settings: { executionOrder: 'v1', callerPolicy: 'workflowsFromSameOwner' },
		}),
		`import ${file}`,
	);
	const activated = ok(
		await api('POST', `/workflows/${created.id}/activate`, {}),
		`publish ${file}`,
	);
	await n8n.published(created.id, activated.versionId ?? created.versionId);
	harnesses.push(created.id);
	return created.id;
}

const harnesses = [];
/**
 * A caller of an adapter as a process workflow is one: requests as items, n8n's Execute
 * Workflow node running the adapter once with all of them. It runs in the n8n server (a
 * webhook): `n8n execute` runs workflows in a CLI process without n8n's Data Tables module.
 * Returns a function from requests to the workflow's answers.
 */
async function callerOf(workflowId, { contract = true } = {}) {
	const hookPath = `e2e-books-call-${workflowId}`;
	const created = ok(
		await api(
			'POST',
			'/workflows',
			booksCallerWorkflow(workflowId, hookPath, `e2e: books call of ${workflowId}`),
		),
		'create the caller',
	);
	harnesses.push(created.id);
	const activated = ok(
		await api('POST', `/workflows/${created.id}/activate`, {}),
		'publish the caller',
	);
	await n8n.published(created.id, activated.versionId ?? created.versionId);
	return async (requests) => {
		const res = await request('POST', n8n.webhook(hookPath), {
			body: { requests },
			timeoutMs: 120_000,
		});
		const { answers } = ok(res, `call ${workflowId}`);
		// an adapter: one answer per request, in order
		if (contract) {
			expect(answers.map((answer) => answer.operation)).toEqual(
				requests.map((r) => r.operation ?? null),
			);
		}
		return answers;
	};
}

/** @type {(requests: object[]) => Promise<any[]>} */
let restAdapter;
/** @type {(requests: object[]) => Promise<any[]>} */
let tablesAdapter;
/** @type {(requests: object[]) => Promise<any[]>} */
let tablesSetup;

beforeAll(async () => {
	await books.call('POST', '/_reset', { seed: 'demo', today: TODAY });
	restAdapter = await callerOf(
		await importAndPublish('books-rest.json', { booksApiUrl: state.booksUrl }),
	);
	tablesAdapter = await callerOf(await importAndPublish('books-data-tables.json'));
	tablesSetup = await callerOf(await importAndPublish('books-data-tables-setup.json'), {
		contract: false,
	});
}, 120_000);

afterAll(async () => {
	for (const id of harnesses) {
		await api('POST', `/workflows/${id}/deactivate`, {});
		await api('DELETE', `/workflows/${id}`);
	}
});

test('the setup workflow makes the five tables and loads the demo books, called with Execute Workflow', async () => {
	const [ready] = await tablesSetup([{ loadDemoData: true, today: TODAY }]);
	expect(ready).toEqual({
		tables: [
			'invoice_payments_customers',
			'invoice_payments_invoices',
			'invoice_payments_payments',
			'invoice_payments_payment_mismatches',
			'invoice_payments_callers',
		],
		demoDataLoaded: true,
		today: TODAY,
	});
	// the tables are n8n's own, seen by its API like any other
	const listed = ok(await api('GET', '/data-tables?limit=100'), 'data tables').data;
	expect(listed.map((t) => t.name)).toEqual(expect.arrayContaining(ready.tables));
}, 240_000);

test('REST and Data Tables answer every operation of the contract alike, in a real n8n', async () => {
	const restAnswers = [];
	const tableAnswers = [];
	for (const requests of CALLS) {
		restAnswers.push(await restAdapter(requests));
		tableAnswers.push(await tablesAdapter(requests));
	}
	expectContract(restAnswers, expect);
	expectContract(tableAnswers, expect);
	expect(comparable(tableAnswers)).toEqual(comparable(restAnswers));
	expect(new Set(CALLS.flat().map((r) => r.operation))).toEqual(
		new Set([...OPERATIONS, 'chargeEveryone']),
	);

	// the books after it, read back through each adapter, and the REST books' own word
	const restState = await restAdapter(STATE_CALL);
	expect(comparable(await tablesAdapter(STATE_CALL))).toEqual(comparable(restState));
	expect(restState[1].invoice).toEqual(await books.invoice('inv-2001'));
	expect(restState[1].invoice).toMatchObject({ status: 'open', balance: '250.00' });
}, 600_000);

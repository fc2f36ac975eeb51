'use strict';
// @ts-check
/**
 * The accounting books adapters (workflows/books/books-quickbooks.json, books-xero.json) made
 * ready in the e2e stack's n8n, as an admin does: the shipped workflow with its Settings filled
 * in, created and published through n8n's public API (sub-workflows run published), the ledger's
 * Data Tables made by the shipped tables setup workflow under names of the test's own and filled
 * with rows through n8n's API, and a harness workflow to call a books workflow as a process does
 * (./books-caller.js). Everything a test creates is removed by `removeAll`.
 */
const { readFileSync } = require('node:fs');
const path = require('node:path');

const { booksCallerWorkflow } = require('./books-caller');

const DIR = path.join(__dirname, '../../../workflows/books');
/** The ledger's tables, by their Settings names in the adapters and the setup workflow. */
const TABLE_KEYS = [
	'customersTable',
	'invoicesTable',
	'paymentsTable',
	'mismatchesTable',
	'callersTable',
];

/**
 * A shipped books workflow with its Settings values replaced by `settings`.
 * @param {string} file a file of workflows/books/
 * @param {Record<string, unknown>} settings
 */
function shipped(file, settings) {
	const json = JSON.parse(readFileSync(path.join(DIR, file), 'utf8'));
	for (const assignment of json.nodes.find((n) => n.name === 'Settings').parameters.assignments
		.assignments) {
		if (assignment.name in settings) assignment.value = settings[assignment.name];
	}
	return json;
}

/**
 * @param {{ state: any, n8n: any, request: any, api: any, ok: any }} c the e2e clients
 *   (./clients.js) and the stack's state
 * @param {string} label names the test's workflows ("e2e 17") and its webhook paths
 */
function accountingAdapters({ state, n8n, request, api, ok }, label) {
	const slug = label.replace(/\W+/g, '-').toLowerCase();
	/** @type {string[]} */
	const created = [];

	/** Creates a workflow through the public API and publishes it; its id. */
	async function publish(json, what) {
		const workflow = ok(
			await api('POST', '/workflows', {
				name: `${label}: ${json.name}`,
				nodes: json.nodes,
				connections: json.connections,
				settings: { executionOrder: 'v1', callerPolicy: 'workflowsFromSameOwner' },
			}),
			`create ${what}`,
		);
		created.push(workflow.id);
		const activated = ok(
			await api('POST', `/workflows/${workflow.id}/activate`, {}),
			`publish ${what}`,
		);
		await n8n.published(workflow.id, activated.versionId ?? workflow.versionId);
		return workflow.id;
	}

	/**
	 * A caller of a books workflow as a process is one (Execute Workflow, Run once with all
	 * items, in the n8n server). Returns a function from requests to answers.
	 * @param {string} workflowId
	 * @returns {Promise<(requests: object[]) => Promise<any[]>>}
	 */
	async function callerOf(workflowId) {
		const hookPath = `${slug}-books-call-${workflowId}`;
		await publish(
			booksCallerWorkflow(workflowId, hookPath, `books call of ${workflowId}`),
			`the caller of ${workflowId}`,
		);
		return async (requests) => {
			const res = await request('POST', n8n.webhook(hookPath), {
				body: { requests },
				timeoutMs: 180_000,
			});
			return ok(res, `call ${workflowId}`).answers;
		};
	}

	/** name → id of every Data Table */
	async function tableIds() {
		const listed = ok(await api('GET', '/data-tables?limit=250'), 'data tables').data;
		return Object.fromEntries(listed.map((t) => [t.name, t.id]));
	}

	/**
	 * The ledger's five Data Tables under `<prefix>_<table>` names, made by the shipped tables
	 * setup workflow (no demo data), then `rows` (by Settings name: paymentsTable, ...) added
	 * through n8n's API. The Settings values that name them.
	 * @param {string} prefix
	 * @param {Partial<Record<string, object[]>>} [rows]
	 * @returns {Promise<Record<string, string>>}
	 */
	async function ledgerTables(prefix, rows = {}) {
		const names = Object.fromEntries(
			TABLE_KEYS.map((key) => [key, `${prefix}_${key.replace(/Table$/, '')}`]),
		);
		const setup = await callerOf(
			await publish(shipped('books-data-tables-setup.json', names), 'the tables setup'),
		);
		const [made] = await setup([{ loadDemoData: false }]);
		if (JSON.stringify(made.tables) !== JSON.stringify(TABLE_KEYS.map((key) => names[key])))
			throw new Error(`the tables setup made ${JSON.stringify(made.tables)}`);
		const ids = await tableIds();
		for (const [key, data] of Object.entries(rows)) {
			if (!data?.length) continue;
			ok(
				await api('POST', `/data-tables/${ids[names[key]]}/rows`, { data, returnType: 'count' }),
				`fill ${names[key]}`,
			);
		}
		return names;
	}

	/**
	 * Every row of a Data Table, read through n8n's API.
	 * @param {string} name
	 * @returns {Promise<any[]>}
	 */
	async function rowsOf(name) {
		const id = (await tableIds())[name];
		if (!id) throw new Error(`no Data Table ${name}`);
		const rows = [];
		let cursor = null;
		do {
			const page = ok(
				await api('GET', `/data-tables/${id}/rows?limit=250${cursor ? `&cursor=${cursor}` : ''}`),
				`rows of ${name}`,
			);
			rows.push(...page.data);
			cursor = page.nextCursor ?? null;
		} while (cursor);
		return rows;
	}

	/** Unpublishes and deletes every workflow made here. */
	async function removeAll() {
		for (const id of created.splice(0)) {
			await api('POST', `/workflows/${id}/deactivate`, {});
			await api('DELETE', `/workflows/${id}`);
		}
	}

	return { api, ok, shipped, publish, callerOf, ledgerTables, rowsOf, removeAll };
}

module.exports = { accountingAdapters, shipped, TABLE_KEYS };

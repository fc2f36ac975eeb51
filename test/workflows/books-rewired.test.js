// @ts-check
/**
 * The processes reach the books only through the books adapter (docs/books-api.md): each books
 * step of every process (the daily auto-pay, its dry run, the card expiry check, customer
 * mapping, pay outstanding invoices, payment status and the web invoice) is one
 * Execute Workflow call of the adapter Settings names (the REST adapter as shipped), asking one
 * operation of the contract per item, and each answer's `error` is read: the books' "no" stops
 * the run (as an HTTP 404 or 409 did), except where the process answers it itself (a caller or
 * an invoice the books do not know). Run for real in the e2e files 02, 03, 05, 06, 07, 09, 12-15
 * and 18.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { OPERATIONS } from '../core/books/contract-scenario';
import { booksCalls } from './books-calls';

/** @param {string} file */
const read = (file) =>
	JSON.parse(readFileSync(path.join(__dirname, '../../workflows', file), 'utf8'));
const REWIRED = [
	'auto-pay-dry-run.json',
	'card-expiry-check.json',
	'customer-mapping-sync.json',
	'daily-auto-pay.json',
	'pay-outstanding-invoices.json',
	'payment-status.json',
	'web-invoice-pay-now.json',
];
const rest = read('books/books-rest.json');
/** Steps that read the books' "no" themselves: what each does with it. */
const ANSWERED_BY_THE_PROCESS = {
	// Authorize takes the whole getCaller answer and reads its error (callerOfBooksAnswer)
	'Books: who is calling': { node: 'Check the caller', reads: '"caller":"={{ $json }}"' },
	'Books: read the invoice to link': { node: 'Invoice found?', reads: '$json.error === null' },
};

/** @param {any} workflow */
const settingsOf = (workflow) =>
	Object.fromEntries(
		workflow.nodes
			.find((/** @type {any} */ n) => n.name === 'Settings')
			.parameters.assignments.assignments.map((/** @type {any} */ a) => [a.name, a.value]),
	);

test('the REST adapter is the default, and it alone knows where the REST books are', () => {
	expect(rest.id).toBe('invPayBooksRest');
	expect(settingsOf(rest).booksApiUrl).toBe('http://127.0.0.1:4010');
	for (const file of REWIRED) {
		const settings = settingsOf(read(file));
		expect([file, settings.booksWorkflowId]).toEqual([file, rest.id]);
		expect([file, 'booksApiUrl' in settings]).toEqual([file, false]);
	}
});

describe.each(REWIRED)('%s', (file) => {
	const workflow = read(file);
	const calls = booksCalls(workflow);
	// (the payment-status workflow's backfill calls the reconciliation, not the books:
	// test/workflows/payment-status-backfill.test.js)
	const steps = workflow.nodes
		.filter(
			(/** @type {any} */ n) =>
				calls.isCall(n.name) &&
				n.parameters.workflowId.value !==
					"={{ $('Settings').first().json.reconciliationWorkflowId }}",
		)
		.map((/** @type {any} */ n) => n.name);
	/** @param {string} name @param {number} output */
	const raw = (name, output) =>
		(workflow.connections[name]?.main[output] ?? []).map((/** @type {any} */ l) => l.node);

	test('no HTTP Request talks to the books; every books step is a call of the adapter', () => {
		// (the daily run's end action "webhook" posts to the admin's own system, not the books)
		const http = workflow.nodes.filter(
			(/** @type {any} */ n) => n.type === 'n8n-nodes-base.httpRequest',
		);
		expect(http.map((/** @type {any} */ n) => n.name)).toEqual(
			file === 'daily-auto-pay.json' ? ['Your system: retries exhausted'] : [],
		);
		for (const node of http) {
			expect(node.credentials).toBeUndefined();
			expect(JSON.stringify(node.parameters)).not.toMatch(/booksApiUrl|booksWorkflowId/);
		}
		expect(steps.length).toBeGreaterThan(0);
		for (const step of steps) expect(step).toMatch(/^Books: /);
	});

	test('each call asks one operation of the contract, built by its request node alone', () => {
		for (const step of steps) {
			const operation = /^operation: '(\w+)'/.exec(calls.request(step))?.[1];
			expect([step, OPERATIONS.includes(operation ?? '')]).toEqual([step, true]);
			// the request is the call's only input
			const feeding = Object.keys(workflow.connections).filter((from) =>
				workflow.connections[from].main.flat().some((/** @type {any} */ l) => l.node === step),
			);
			expect([step, feeding]).toEqual([step, [`${step}: request`]]);
			expect(calls.nodeNamed(`${step}: request`).parameters.mode).toBe('raw');
		}
	});

	test("each answer's error is read: the books' no stops the run unless the process answers it", () => {
		const stop = calls.nodeNamed('Stop: the books refused');
		for (const step of steps) {
			const [next] = raw(step, 0);
			if (step in ANSWERED_BY_THE_PROCESS) {
				const { node, reads } = ANSWERED_BY_THE_PROCESS[step];
				expect([step, next]).toEqual([step, node]);
				expect(JSON.stringify(calls.nodeNamed(next).parameters)).toContain(reads);
				continue;
			}
			const check = calls.nodeNamed(`${step}: done?`);
			expect([step, raw(step, 0)]).toEqual([step, [check.name]]);
			expect(check.parameters.conditions.conditions).toEqual([
				expect.objectContaining({
					leftValue: '={{ $json.error === null }}',
					operator: { type: 'boolean', operation: 'true', singleValue: true },
				}),
			]);
			expect(check.parameters.conditions.options.typeValidation).toBe('strict');
			expect([step, raw(check.name, 1)]).toEqual([step, [stop.name]]);
		}
		if (stop) {
			expect(stop.type).toBe('n8n-nodes-base.stopAndError');
			expect(stop.parameters.errorMessage).toContain('$json.error.code');
		}
	});

	test('nothing reads a books answer as the old HTTP response (body, statusCode)', () => {
		const text = JSON.stringify(workflow.nodes);
		for (const step of steps) {
			expect(text).not.toContain(`$('${step}').item.json.body`);
		}
		expect(text).not.toContain('$json.statusCode');
	});
});

// @ts-check
/**
 * Backfill on activation (issue #21, item 3), the payment-status workflow's side, read as a file:
 * published again after being off (n8n's own n8n Trigger, event Workflow Published), it hands the
 * window its Settings name (backfillHours, backfillMaxEvents) to the reconciliation workflow,
 * which reads Stripe's events of that window and records them through its books step and
 * emails (the reconciliation's side: test/workflows/reconciliation.test.js, "a backfill"). A
 * webhook event takes the path it always took. Run for real in
 * test/e2e/23-payment-status-backfill.e2e.js.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** @param {string} file */
const load = (file) =>
	JSON.parse(readFileSync(path.join(__dirname, '../../workflows', file), 'utf8'));
const status = load('payment-status.json');
const reconciliation = load('reconciliation.json');

/** @param {string} name */
const node = (name) => {
	const found = status.nodes.find((/** @type {any} */ n) => n.name === name);
	if (!found) throw new Error(`payment-status.json has no node ${name}`);
	return found;
};
/** @param {string} name @param {number} output @returns {string[]} */
const targets = (name, output) =>
	(status.connections[name]?.main[output] ?? []).map((/** @type {any} */ c) => c.node);
const settings = Object.fromEntries(
	node('Settings').parameters.assignments.assignments.map((/** @type {any} */ a) => [
		a.name,
		a.value,
	]),
);

const PUBLISHED = 'When published again';
const ROUTER = 'Webhook event or published again?';
const REQUEST = 'Backfill: the window';
const CALL = 'Backfill: the reconciliation, for the window';

/**
 * An expression of the workflow evaluated as n8n would for one item: `ran` holds the nodes that
 * ran and their first item.
 * @param {string} expression `={{ ... }}`
 * @param {Record<string, any>} ran
 */
function evaluate(expression, ran) {
	const body = /^=\{\{ (.*) \}\}$/s.exec(expression);
	if (!body) throw new Error(`not an expression: ${expression}`);
	const $ = (/** @type {string} */ name) => ({
		isExecuted: name in ran,
		first: () => {
			if (!(name in ran)) throw new Error(`${name} did not run`);
			return { json: ran[name] };
		},
	});
	return new Function('$', '$workflow', `return (${body[1]});`)($, { id: status.id });
}
/** Which outputs of the router an item leaves by, given the nodes that ran. */
const routed = (/** @type {Record<string, any>} */ ran) =>
	node(ROUTER)
		.parameters.rules.values.map((/** @type {any} */ rule, /** @type {number} */ index) =>
			evaluate(rule.conditions.conditions[0].leftValue, ran) === true ? index : null,
		)
		.filter((/** @type {number | null} */ index) => index !== null);

test("published again: n8n's own trigger, event Workflow Published only, into the same Settings", () => {
	expect(node(PUBLISHED)).toMatchObject({
		type: 'n8n-nodes-base.n8nTrigger',
		// 'activate': "Workflow Published", from an unpublished state (n8n 2.41.1's N8nTrigger);
		// not 'update' nor 'init' (a restart: the reconciliation's own n8n Trigger runs then)
		parameters: { events: ['activate'] },
	});
	expect(targets(PUBLISHED, 0)).toEqual(['Settings']);
	expect(targets('Payment Webhook Trigger', 0)).toEqual(['Settings']);
	expect(targets('Settings', 0)).toEqual([ROUTER]);
});

test('a webhook event takes the path it always took; a publish with a window asks for the backfill; backfillHours 0 turns it off', () => {
	const names = node(ROUTER).parameters.rules.values.map((/** @type {any} */ r) => r.outputKey);
	expect(names).toEqual(['Webhook event', 'Published again']);
	expect(targets(ROUTER, 0)).toEqual(['Payment or new payment method?']);
	expect(targets(ROUTER, 1)).toEqual([REQUEST]);
	expect(targets(REQUEST, 0)).toEqual([CALL]);
	// nothing after the call: what was found is recorded and emailed by the reconciliation
	expect(targets(CALL, 0)).toEqual([]);

	const event = { 'Payment Webhook Trigger': { kind: 'payment' }, Settings: settings };
	expect(routed(event)).toEqual([0]);
	const published = {
		[PUBLISHED]: { event: 'Workflow published', timestamp: '2026-12-07T12:00:00.000Z' },
		Settings: settings,
	};
	expect(routed(published)).toEqual([1]);
	expect(routed({ ...published, Settings: { ...settings, backfillHours: 0 } })).toEqual([]);
});

test('the window the Settings name, handed to the reconciliation the Settings name, waited for', () => {
	expect(settings).toMatchObject({
		reconciliationWorkflowId: reconciliation.id,
		backfillHours: 24,
		backfillMaxEvents: 500,
	});
	expect(node(CALL)).toMatchObject({
		type: 'n8n-nodes-base.executeWorkflow',
		parameters: {
			source: 'database',
			workflowId: {
				__rl: true,
				mode: 'id',
				value: "={{ $('Settings').first().json.reconciliationWorkflowId }}",
			},
			mode: 'once',
			options: { waitForSubWorkflow: true },
		},
	});
	const request = node(REQUEST);
	expect(request.parameters.mode).toBe('raw');
	const sent = JSON.parse(
		evaluate(request.parameters.jsonOutput, {
			[PUBLISHED]: { event: 'Workflow published', timestamp: '2026-12-07T12:00:00.000Z' },
			Settings: settings,
		}),
	);
	expect(sent).toEqual({
		backfill: {
			hours: 24,
			maxEvents: 500,
			workflowId: 'invPayWf3Status',
			publishedAt: '2026-12-07T12:00:00.000Z',
		},
	});
	// the reconciliation takes it as sent (When Executed by Another Workflow, Accept all data)
	const caller = reconciliation.nodes.find(
		(/** @type {any} */ n) => n.type === 'n8n-nodes-base.executeWorkflowTrigger',
	);
	expect(caller.parameters).toEqual({ inputSource: 'passthrough' });
	// (through the check that tells a backfill from a call of the reconciliation for its cursors)
	expect(
		reconciliation.connections[caller.name].main[0].map((/** @type {any} */ c) => c.node),
	).toEqual(['Cursors or a run?']);
	expect(
		reconciliation.connections['Cursors or a run?'].main[1].map((/** @type {any} */ c) => c.node),
	).toEqual(['Settings']);
	expect(
		reconciliation.nodes.find(
			(/** @type {any} */ n) => n.name === 'Cursors: where the last run stopped',
		).parameters.jsCode,
	).toContain(`$('${caller.name}')`);
});

test('no reconciliation published under reconciliationWorkflowId: no backfill, said so, the execution a success; any other failure of the call stops it', () => {
	// n8n 2.x runs only a published sub-workflow ("Workflow is not active and cannot be
	// executed": getPublishedWorkflowData, workflow-execute-additional-data.js; "Workflow does not
	// exist." for an ID n8n does not have, as after creating the workflows with new IDs); its
	// error goes to the call's error output as { error: message }
	expect(node(CALL).onError).toBe('continueErrorOutput');
	const [check] = targets(CALL, 1);
	expect(check).toBe('Backfill: no published reconciliation?');
	const leftValue = node(check).parameters.conditions.conditions[0].leftValue;
	const notPublished = (/** @type {string} */ error) =>
		new Function('$json', `return (${/^=\{\{ (.*) \}\}$/s.exec(leftValue)?.[1]});`)({ error });
	expect(notPublished('Workflow is not active and cannot be executed.')).toBe(true);
	expect(notPublished('Workflow does not exist.')).toBe(true);
	expect(notPublished('The books refused: not_found')).toBe(false);
	expect(notPublished('Could not reach Stripe (ECONNREFUSED)')).toBe(false);
	expect(targets(check, 0)).toEqual(['No backfill: no published reconciliation']);
	expect(node('No backfill: no published reconciliation').type).toBe('n8n-nodes-base.noOp');
	expect(targets(check, 1)).toEqual(['Stop: the backfill failed']);
	expect(node('Stop: the backfill failed')).toMatchObject({
		type: 'n8n-nodes-base.stopAndError',
		parameters: { errorMessage: "={{ 'The backfill failed: ' + $json.error }}" },
	});
});

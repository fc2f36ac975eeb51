// @ts-check
/**
 * The reconciliation workflow (workflows/reconciliation.json), read as a file, its Code nodes run
 * as n8n runs them: the cursors read from and kept in the workflow's static data (kept only
 * after the books took the records), everything found sent to the books as one list of
 * requests, the books' answers told apart (new, known, mismatch, refused), the run summary and
 * report, and the emails only for statuses new to the books. Run for real in
 * test/e2e/20-reconciliation.e2e.js.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { disputeItems } from '../../nodes/core/webhooks/paymentStatusEvent';
import { PACKAGE_NAME } from '../engine/package-types';

/** @param {string} file */
const load = (file) =>
	JSON.parse(readFileSync(path.join(__dirname, '../../workflows', file), 'utf8'));
const workflow = load('reconciliation.json');
const status = load('payment-status.json');

/** @param {any} json @param {string} name */
const nodeOf = (json, name) => {
	const found = json.nodes.find((/** @type {any} */ n) => n.name === name);
	if (!found) throw new Error(`${json.name} has no node ${name}`);
	return found;
};
/** @param {string} name */
const node = (name) => nodeOf(workflow, name);
/** @param {string} name @param {number} output @returns {string[]} */
const targets = (name, output) =>
	(workflow.connections[name]?.main[output] ?? []).map((/** @type {any} */ c) => c.node);
/** @param {string} name @returns {string[]} every node a run may reach from `name` */
const reachable = (name) => {
	const seen = new Set();
	const queue = [name];
	while (queue.length > 0) {
		const next = /** @type {string} */ (queue.shift());
		for (const output of workflow.connections[next]?.main ?? [])
			for (const c of output)
				if (!seen.has(c.node)) {
					seen.add(c.node);
					queue.push(c.node);
				}
	}
	return [...seen];
};
const settings = Object.fromEntries(
	node('Settings').parameters.assignments.assignments.map((/** @type {any} */ a) => [
		a.name,
		a.value,
	]),
);

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
/**
 * A Code node's code run as n8n runs it: `nodes` holds the items of the nodes that ran,
 * `staticData` the workflow's static data.
 * @param {string} name
 * @param {Record<string, any[]>} nodes
 * @param {any[]} input
 * @param {Record<string, any>} staticData
 * @returns {Promise<Array<{ json: any, pairedItem?: unknown }>>}
 */
async function runCode(name, nodes, input = [], staticData = {}) {
	const $ = (/** @type {string} */ other) => ({
		all: () => {
			if (!(other in nodes)) throw new Error(`${name} reads ${other}, which did not run`);
			return nodes[other];
		},
		first: () => {
			if (!(other in nodes)) throw new Error(`${name} reads ${other}, which did not run`);
			return nodes[other][0];
		},
		isExecuted: other in nodes,
	});
	const $input = { all: () => input, first: () => input[0] };
	const $getWorkflowStaticData = (/** @type {string} */ scope) => {
		if (scope !== 'global') throw new Error(`static data ${scope}`);
		return staticData;
	};
	return await new AsyncFunction(
		'$',
		'$input',
		'$getWorkflowStaticData',
		node(name).parameters.jsCode,
	)($, $input, $getWorkflowStaticData);
}
/** @param {any[]} values */
const itemsOf = (values) => values.map((json) => ({ json }));
/**
 * What "Cursors: read" hands on: the cursors "Cursors: the stored ones" holds.
 * @param {Record<string, any>} cursors
 */
const stored = (cursors) =>
	itemsOf([{ stripeCursor: null, gateway360ChangedTo: null, keptIn: 'the workflow', ...cursors }]);
/**
 * "Cursors: the stored ones" as a call of the workflow as its own sub-workflow runs it, on
 * `data`, the workflow's static data: asked to keep `keep` (null: only read).
 * @param {any} keep @param {Record<string, any>} data
 */
const store = async (keep, data) =>
	(await runCode('Cursors: the stored ones', {}, itemsOf([{ cursors: { keep } }]), data))[0].json;
const SETTINGS = { Settings: itemsOf([{ ...settings, businessName: 'Demo Services Ltd' }]) };

/** A payment record as the webhook path (and Get Many Since) makes it. */
const record = (/** @type {Record<string, any>} */ fields) => ({
	provider: 'stripe',
	kind: 'payment',
	invoiceId: 'inv-1',
	paymentId: 'pi_1',
	checkoutSessionId: null,
	status: 'succeeded',
	amount: { amount: '75.00', currency: 'usd' },
	...fields,
});
const stripeCursorItem = (/** @type {Record<string, any>} */ fields) => ({
	kind: 'reconciliation_cursor',
	provider: 'stripe',
	mode: 'events',
	cursor: { created: 1_800_000_000, eventIds: ['evt_9'] },
	eventsRead: 3,
	complete: true,
	...fields,
});

describe('the workflow', () => {
	test('hourly and by hand, a stable id and name, the settings the payment-status workflow uses', () => {
		expect(workflow).toMatchObject({
			id: 'invPayWf8Reconcile',
			name: 'Invoice payments: reconciliation',
		});
		expect(node('Every hour')).toMatchObject({
			type: 'n8n-nodes-base.scheduleTrigger',
			parameters: { rule: { interval: [{ field: 'hours', hoursInterval: 1 }] } },
		});
		expect(node('Reconcile now').type).toBe('n8n-nodes-base.manualTrigger');
		// n8n was down: caught up as soon as it starts (n8n's own trigger), and on publishing
		expect(node('When n8n starts or this is published')).toMatchObject({
			type: 'n8n-nodes-base.n8nTrigger',
			parameters: { events: ['init', 'activate'] },
		});
		for (const trigger of ['Every hour', 'Reconcile now', 'When n8n starts or this is published'])
			expect(targets(trigger, 0)).toEqual(['Settings']);
		const statusSettings = Object.fromEntries(
			nodeOf(status, 'Settings').parameters.assignments.assignments.map((/** @type {any} */ a) => [
				a.name,
				a.value,
			]),
		);
		for (const field of ['emailSetting', 'failureAddress', 'invoiceMailbox', 'businessName'])
			expect([field, settings[field]]).toEqual([field, statusSettings[field]]);
		expect(settings).toMatchObject({
			booksWorkflowId: 'invPayBooksRest',
			gateway360Connected: true,
			runReportAddress: expect.stringMatching(/@/),
		});
	});

	test('Stripe is read with Event → Get Many Since, again with the open invoices when it says a sweep is needed', () => {
		const read = node('Stripe: events since the cursor');
		expect(read).toMatchObject({
			type: `${PACKAGE_NAME}.stripeInvoicePayment`,
			parameters: { resource: 'event', operation: 'getManySince', invoiceId: "={{ '' }}" },
		});
		const sweep = node('Stripe: sweep the open invoices');
		expect(sweep.parameters).toMatchObject({
			resource: 'event',
			operation: 'getManySince',
			cursor: read.parameters.cursor,
			invoiceId: '={{ $json.id }}',
		});
		expect(targets('Stripe: events since the cursor', 0)).toEqual(['Stripe: sweep needed?']);
		expect(targets('Stripe: sweep needed?', 0)).toEqual(['Books: customers: request']);
		expect(targets('Stripe: sweep needed?', 1)).toEqual(['Stripe: what was found']);
		expect(reachable('Books: customers: request')).toContain('Stripe: sweep the open invoices');
		expect(targets('Stripe: sweep the open invoices', 0)).toEqual(['Stripe: what was found']);
		// no open invoice at all: the sweep still runs and says a sweep is needed
		expect(node('Books: open invoices').alwaysOutputData).toBe(true);
		// the cursor parameter: the stored cursor as JSON, or empty
		const body = /** @type {RegExpExecArray} */ (
			/^=\{\{(.*)\}\}$/s.exec(read.parameters.cursor)
		)[1];
		const cursorOf = (/** @type {any} */ stored) =>
			new Function('$', `return ${body}`)(() => ({
				first: () => ({ json: { stripeCursor: stored } }),
			}));
		expect(cursorOf(null)).toBe('');
		expect(JSON.parse(cursorOf({ created: 5, eventIds: ['evt_1'] }))).toEqual({
			created: 5,
			eventIds: ['evt_1'],
		});
	});

	test('360 Payments, when connected, is read with Find Changed Transactions over the window since its cursor', () => {
		expect(targets('360 Payments connected?', 0)).toEqual([
			'360 Payments: changed since the cursor',
		]);
		expect(targets('360 Payments connected?', 1)).toEqual(['Stripe: events since the cursor']);
		expect(node('360 Payments: changed since the cursor')).toMatchObject({
			type: `${PACKAGE_NAME}.payments360`,
			alwaysOutputData: true,
			parameters: {
				resource: 'transaction',
				operation: 'findChanged',
				changedFrom: "={{ $('Cursors: where the last run stopped').first().json.gateway360From }}",
				changedTo: "={{ $('Cursors: where the last run stopped').first().json.gateway360To }}",
			},
		});
	});

	test('everything found goes to the books in ONE call, and the cursors are kept only after it answered', () => {
		const calls = workflow.nodes.filter(
			(/** @type {any} */ n) => n.type === 'n8n-nodes-base.executeWorkflow',
		);
		// the books are asked to write in one node only, Run once with all items
		expect(
			calls
				.map((/** @type {any} */ n) => n.name)
				.filter((/** @type {string} */ name) => /record|mismatch/i.test(name)),
		).toEqual(['Books: record what was found']);
		expect(targets('Anything for the books?', 0)).toEqual(['Books: record what was found']);
		expect(targets('Books: record what was found', 0)).toEqual(['Books: what the books answered']);
		// the cursors are written only by the store (its call after the books' answer) or, the
		// workflow unpublished, after the failed call: "the store" below
		const keepers = workflow.nodes.filter(
			(/** @type {any} */ n) =>
				n.type === 'n8n-nodes-base.code' && /data\.\w+ =(?!=)/.test(n.parameters.jsCode),
		);
		expect(keepers.map((/** @type {any} */ n) => n.name).sort()).toEqual([
			'Cursors: keep here (unpublished)',
			'Cursors: the stored ones',
		]);
		expect(reachable('Settings')).not.toContain('Cursors: the stored ones');
		expect(reachable('Books: what the books answered')).toContain(
			'Cursors: keep where this run stopped',
		);
		expect(reachable('Books: record what was found: request')).toContain(
			'Cursors: keep where this run stopped',
		);
		for (const before of ['Stripe: events since the cursor', 'Stripe: sweep the open invoices'])
			expect(reachable(before)).toContain('Books: record what was found');
	});

	test("the emails are the payment-status workflow's: the same Invoice Payments Tools operations and Send Email nodes", () => {
		for (const name of [
			'Send Payment Confirmation',
			'Send Payment Failure',
			'Send Payment Mismatch Notice',
		]) {
			expect([name, node(name).parameters, node(name).credentials]).toEqual([
				name,
				nodeOf(status, name).parameters,
				nodeOf(status, name).credentials,
			]);
		}
		const compose = node('Compose payment emails').parameters;
		const statusCompose = nodeOf(status, 'Compose payment emails').parameters;
		expect(Object.keys(compose).sort()).toEqual(Object.keys(statusCompose).sort());
		expect(compose).toMatchObject({
			resource: 'email',
			operation: 'composePaymentEmails',
			statusIsNew: "={{ $('Emails: with their customers').item.json.statusChanged }}",
			emailSetting: statusCompose.emailSetting,
			automaticPaymentMethod: statusCompose.automaticPaymentMethod,
			options: statusCompose.options,
		});
		expect(node('Compose payment mismatch notice').parameters.operation).toBe(
			'composePaymentMismatchNotice',
		);
		expect(targets('Compose payment emails', 0)).toEqual(['Send Payment Confirmation']);
		expect(targets('Compose payment emails', 1)).toEqual(['Send Payment Failure']);
		expect(targets('Anything new?', 0)).toEqual(['Send reconciliation report']);
	});
});

describe('the cursors', () => {
	const NOW = Date.parse('2026-12-07T12:00:00.000Z');
	beforeEach(() => jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate'] }));
	afterEach(() => jest.useRealTimers());

	test('first run: no Stripe cursor (Get Many Since sweeps), 360 Payments from gateway360FirstRunDays back', async () => {
		const [{ json }] = await runCode(
			'Cursors: where the last run stopped',
			SETTINGS,
			stored({ stripeCursor: null, gateway360ChangedTo: null }),
		);
		expect(json).toEqual({
			startedAt: '2026-12-07T12:00:00.000Z',
			stripeCursor: null,
			gateway360From: new Date(NOW - settings.gateway360FirstRunDays * 86_400_000).toISOString(),
			gateway360To: '2026-12-07T12:00:00.000Z',
			gateway360FirstRun: true,
			maxEvents: settings.maxEventsPerRun,
			backfill: null,
		});
	});

	test('later runs: the stored Stripe cursor; 360 Payments from where the last window ended, ten minutes over', async () => {
		const cursors = {
			stripeCursor: { created: 1_800_000_000, eventIds: ['evt_1'] },
			gateway360ChangedTo: '2026-12-07T11:00:00.000Z',
		};
		const [{ json }] = await runCode(
			'Cursors: where the last run stopped',
			SETTINGS,
			stored(cursors),
		);
		expect(json).toMatchObject({
			stripeCursor: cursors.stripeCursor,
			gateway360From: '2026-12-07T10:50:00.000Z',
			gateway360To: '2026-12-07T12:00:00.000Z',
			gateway360FirstRun: false,
		});
	});

	test('kept after the books answered: the cursor Get Many Since gave, the end of the 360 window; a sweep that could not run keeps the old one', async () => {
		const started = {
			'Cursors: where the last run stopped': itemsOf([
				{
					startedAt: '2026-12-07T11:59:00.000Z',
					gateway360From: 'a',
					gateway360To: '2026-12-07T12:00:00.000Z',
					gateway360FirstRun: false,
				},
			]),
		};
		const answered = itemsOf([{ answers: [] }]);
		/** the run's "Cursors: where this run stopped", then the keep call on `data` */
		const finish = async (/** @type {Record<string, any[]>} */ found, /** @type {any} */ data) => {
			const [{ json }] = await runCode(
				'Cursors: where this run stopped',
				{ ...started, ...found },
				answered,
				{},
			);
			return { json, kept: await store(json.keep, data) };
		};
		const data = { stripeCursor: { created: 1, eventIds: [] } };
		const { json, kept } = await finish(
			{
				'Stripe: what was found': itemsOf([record({}), stripeCursorItem({})]),
				'360 Payments: changed since the cursor': itemsOf([{}]),
			},
			data,
		);
		expect(json.keep).toEqual({
			stripeCursor: { created: 1_800_000_000, eventIds: ['evt_9'] },
			gateway360ChangedTo: '2026-12-07T12:00:00.000Z',
		});
		expect(data).toEqual(json.keep);
		// what the Run summary reads next: the run, and the cursors as the store answered them
		const [{ json: summary }] = await runCode(
			'Run summary',
			{ ...SETTINGS, 'Cursors: where this run stopped': itemsOf([json]) },
			itemsOf([kept]),
		);
		expect(summary).toMatchObject({ startedAt: '2026-12-07T11:59:00.000Z', anythingNew: false });
		expect(summary.stripe).toMatchObject({ mode: 'events', eventsRead: 3 });
		expect(summary.cursors).toEqual({
			stripe: data.stripeCursor,
			gateway360ChangedTo: '2026-12-07T12:00:00.000Z',
		});

		// sweep needed, nothing handed in; 360 not connected: nothing moves
		const unmoved = { stripeCursor: { created: 1, eventIds: [] } };
		const sweepNeeded = await finish(
			{
				'Stripe: what was found': itemsOf([
					stripeCursorItem({ mode: 'sweep_needed', cursor: { created: 1, eventIds: [] } }),
				]),
			},
			unmoved,
		);
		expect(sweepNeeded.json.keep).toEqual({});
		expect(unmoved).toEqual({ stripeCursor: { created: 1, eventIds: [] } });

		// after a sweep: the sweep's cursor
		const swept = {};
		await finish(
			{
				'Stripe: what was found': itemsOf([
					stripeCursorItem({ mode: 'sweep', cursor: { created: 99, eventIds: [] } }),
				]),
			},
			swept,
		);
		expect(swept).toEqual({ stripeCursor: { created: 99, eventIds: [] } });
	});

	test('the store: static data read and written only in a call of the workflow as its own sub-workflow, never in the run itself', async () => {
		const writers = workflow.nodes.filter(
			(/** @type {any} */ n) =>
				n.type === 'n8n-nodes-base.code' && n.parameters.jsCode.includes('$getWorkflowStaticData'),
		);
		expect(writers.map((/** @type {any} */ n) => n.name).sort()).toEqual([
			'Cursors: keep here (unpublished)',
			'Cursors: read here (unpublished)',
			'Cursors: the stored ones',
		]);
		// called by the workflow itself, by id, waited for; reached through When Executed by Another
		// Workflow only with a cursors request; the store is the last node of that call
		const CALLER = 'When the payment status is published';
		expect(targets(CALLER, 0)).toEqual(['Cursors or a run?']);
		expect(targets('Cursors or a run?', 0)).toEqual(['Cursors: the stored ones']);
		expect(targets('Cursors or a run?', 1)).toEqual(['Settings']);
		expect(targets('Cursors: the stored ones', 0)).toEqual([]);
		expect(node('Cursors or a run?').parameters.conditions.conditions[0].leftValue).toBe(
			'={{ $json.cursors !== undefined && $json.cursors !== null }}',
		);
		for (const call of ['Cursors: read', 'Cursors: keep where this run stopped']) {
			expect(node(call)).toMatchObject({
				type: 'n8n-nodes-base.executeWorkflow',
				onError: 'continueErrorOutput',
				parameters: {
					source: 'database',
					workflowId: { __rl: true, mode: 'id', value: '={{ $workflow.id }}' },
					mode: 'once',
					options: { waitForSubWorkflow: true },
				},
			});
		}
		expect(targets('Settings', 0)).toEqual(['Cursors: read: request']);
		expect(targets('Cursors: read: request', 0)).toEqual(['Cursors: read']);
		expect(targets('Cursors: read', 0)).toEqual(['Cursors: where the last run stopped']);
		expect(targets('Cursors: read', 1)).toEqual(['Cursors: read here (unpublished)']);
		expect(targets('Cursors: read here (unpublished)', 0)).toEqual([
			'Cursors: where the last run stopped',
		]);
		// the keep only after the books answered, then the summary
		expect(targets('Books: what the books answered', 0)).toContain(
			'Cursors: where this run stopped',
		);
		expect(targets('Cursors: where this run stopped', 0)).toEqual([
			'Cursors: keep where this run stopped: request',
		]);
		expect(targets('Cursors: keep where this run stopped', 0)).toEqual(['Run summary']);
		expect(targets('Cursors: keep where this run stopped', 1)).toEqual([
			'Cursors: keep here (unpublished)',
		]);
		expect(targets('Cursors: keep here (unpublished)', 0)).toEqual(['Run summary']);
		/** a Set node's raw JSON output, evaluated with `json` as $json */
		const request = (/** @type {string} */ name, /** @type {any} */ json) =>
			JSON.parse(
				new Function(
					'$json',
					`return ${/^=\{\{(.*)\}\}$/s.exec(node(name).parameters.jsonOutput)?.[1]}`,
				)(json),
			);
		expect(request('Cursors: read: request', {})).toEqual({ cursors: { keep: null } });
		expect(
			request('Cursors: keep where this run stopped: request', {
				answers: [{}],
				keep: { gateway360ChangedTo: '2026-12-07T12:00:00.000Z' },
			}),
		).toEqual({ cursors: { keep: { gateway360ChangedTo: '2026-12-07T12:00:00.000Z' } } });

		// read: what is stored, nothing written; keep: only the cursors given, checked
		const data = { stripeCursor: { created: 5, eventIds: ['evt_1'] }, other: 1 };
		expect(await store(null, data)).toEqual({
			stripeCursor: { created: 5, eventIds: ['evt_1'] },
			gateway360ChangedTo: null,
			keptIn: 'the workflow',
		});
		expect(data).toEqual({ stripeCursor: { created: 5, eventIds: ['evt_1'] }, other: 1 });
		await store({ gateway360ChangedTo: '2026-12-07T12:00:00.000Z' }, data);
		expect(data).toEqual({
			stripeCursor: { created: 5, eventIds: ['evt_1'] },
			gateway360ChangedTo: '2026-12-07T12:00:00.000Z',
			other: 1,
		});
		await expect(store({ stripeCursor: { created: 'soon' } }, data)).rejects.toThrow(
			/stripeCursor/,
		);
		await expect(store({ gateway360ChangedTo: 'later' }, data)).rejects.toThrow(
			/gateway360ChangedTo/,
		);
		expect(data.stripeCursor).toEqual({ created: 5, eventIds: ['evt_1'] });
	});

	test('a cursor only moves forward: two runs at once (the hourly one and Reconcile now), the one that read less finishing last, keep the further one', async () => {
		const NOT_PUBLISHED = 'Workflow is not active and cannot be executed.';
		const further = {
			stripeCursor: { created: 900, eventIds: ['evt_9'] },
			gateway360ChangedTo: '2026-12-07T12:00:00.000Z',
		};
		const behind = {
			stripeCursor: { created: 500, eventIds: ['evt_5'] },
			gateway360ChangedTo: '2026-12-07T11:00:00.000Z',
		};
		/** the keep through the call (published), or in the run's own execution (unpublished) */
		const keepers = {
			call: (/** @type {any} */ keep, /** @type {any} */ data) => store(keep, data),
			own: (/** @type {any} */ keep, /** @type {any} */ data) =>
				runCode(
					'Cursors: keep here (unpublished)',
					{ 'Cursors: where this run stopped': itemsOf([{ keep }]) },
					itemsOf([{ error: NOT_PUBLISHED }]),
					data,
				),
		};
		for (const keepCursors of Object.values(keepers)) {
			const data = {};
			await keepCursors(further, data);
			await keepCursors(behind, data);
			expect(data).toEqual(further);
			// the same second: the events of both runs at it were read
			await keepCursors({ stripeCursor: { created: 900, eventIds: ['evt_8'] } }, data);
			expect(data.stripeCursor).toEqual({ created: 900, eventIds: ['evt_9', 'evt_8'] });
			await keepCursors({ stripeCursor: { created: 901, eventIds: [] } }, data);
			expect(data.stripeCursor).toEqual({ created: 901, eventIds: [] });
		}
	});

	test('the workflow unpublished, run outside the editor (n8n execute): its own execution keeps them; any other failure of the call stops the run', async () => {
		const NOT_PUBLISHED = 'Workflow is not active and cannot be executed.';
		const data = { stripeCursor: { created: 5, eventIds: [] } };
		const [{ json: read }] = await runCode(
			'Cursors: read here (unpublished)',
			{},
			itemsOf([{ error: NOT_PUBLISHED }]),
			data,
		);
		expect(read).toMatchObject({ stripeCursor: data.stripeCursor, gateway360ChangedTo: null });
		const keep = { stripeCursor: { created: 9, eventIds: ['evt_2'] } };
		await runCode(
			'Cursors: keep here (unpublished)',
			{ 'Cursors: where this run stopped': itemsOf([{ keep }]) },
			itemsOf([{ error: NOT_PUBLISHED }]),
			data,
		);
		expect(data).toEqual(keep);
		for (const name of ['Cursors: read here (unpublished)', 'Cursors: keep here (unpublished)'])
			await expect(
				runCode(
					name,
					{ 'Cursors: where this run stopped': itemsOf([{ keep: {} }]) },
					itemsOf([{ error: 'connect ECONNREFUSED' }]),
					data,
				),
			).rejects.toThrow(/ECONNREFUSED/);
		expect(data).toEqual(keep);
	});
});

describe('a backfill: the payment-status workflow published again', () => {
	const NOW = Date.parse('2026-12-07T12:00:00.000Z');
	const NOW_S = NOW / 1000;
	beforeEach(() => jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate'] }));
	afterEach(() => jest.useRealTimers());
	const CALLER = 'When the payment status is published';
	/** @param {Record<string, any>} backfill */
	const asked = (backfill) => ({
		...SETTINGS,
		[CALLER]: itemsOf([
			{
				backfill: {
					hours: 24,
					maxEvents: 500,
					workflowId: 'invPayWf3Status',
					publishedAt: '2026-12-07T11:59:59.000Z',
					...backfill,
				},
			},
		]),
	});

	test('called by the payment-status workflow (When Executed by Another Workflow, its items as sent) into the same Settings', () => {
		expect(node(CALLER)).toMatchObject({
			type: 'n8n-nodes-base.executeWorkflowTrigger',
			parameters: { inputSource: 'passthrough' },
		});
		expect(targets(CALLER, 0)).toEqual(['Cursors or a run?']);
		expect(targets('Cursors or a run?', 1)).toEqual(['Settings']);
		// the read takes its bound from the cursors, a backfill's or Settings → maxEventsPerRun
		expect(node('Stripe: events since the cursor').parameters.options.maxEvents).toBe(
			"={{ $('Cursors: where the last run stopped').first().json.maxEvents }}",
		);
		// no 360 Payments read in a backfill
		expect(node('360 Payments connected?').parameters.conditions.conditions[0].leftValue).toBe(
			"={{ $('Settings').first().json.gateway360Connected && $json.backfill === null }}",
		);
	});

	test("the window's Stripe events: backfillHours back, at most backfillMaxEvents; never a sweep", async () => {
		const [{ json }] = await runCode('Cursors: where the last run stopped', asked({}), stored({}));
		const from = NOW_S - 24 * 60 * 60;
		expect(json.stripeCursor).toEqual({ created: from, eventIds: [] });
		expect(json.maxEvents).toBe(500);
		expect(json.backfill).toMatchObject({
			hours: 24,
			maxEvents: 500,
			workflowId: 'invPayWf3Status',
			from: '2026-12-06T12:00:00.000Z',
			fromLastRun: false,
		});
	});

	test('from where the last run stopped when that is inside the window; an older cursor is not used', async () => {
		const recent = { created: NOW_S - 3600, eventIds: ['evt_7'] };
		const [{ json }] = await runCode(
			'Cursors: where the last run stopped',
			asked({}),
			stored({ stripeCursor: recent }),
		);
		expect(json.stripeCursor).toEqual(recent);
		expect(json.backfill).toMatchObject({ fromLastRun: true, from: '2026-12-07T11:00:00.000Z' });
		const old = { created: NOW_S - 3 * 86_400, eventIds: ['evt_1'] };
		const [{ json: later }] = await runCode(
			'Cursors: where the last run stopped',
			asked({}),
			stored({ stripeCursor: old }),
		);
		expect(later.stripeCursor).toEqual({ created: NOW_S - 86_400, eventIds: [] });
	});

	test('a window Stripe cannot answer from events, or no bound, is refused before anything is read', async () => {
		for (const bad of [
			{ hours: 0 },
			{ hours: 697 },
			{ hours: 'a day' },
			{ maxEvents: 0 },
			{ maxEvents: 2.5 },
		]) {
			await expect(
				runCode('Cursors: where the last run stopped', asked(bad), stored({})),
			).rejects.toThrow(/Settings → backfill(Hours|MaxEvents)/);
		}
		const [{ json }] = await runCode(
			'Cursors: where the last run stopped',
			asked({ hours: 696 }),
			stored({}),
		);
		expect(json.stripeCursor.created).toBe(NOW_S - 696 * 3600);
	});

	test('the cursors stay as they were; the report says it was a backfill', async () => {
		const data = {
			stripeCursor: { created: 1, eventIds: [] },
			gateway360ChangedTo: '2026-12-07T11:00:00.000Z',
		};
		const [{ json: cursors }] = await runCode(
			'Cursors: where the last run stopped',
			asked({}),
			stored(data),
		);
		const [{ json }] = await runCode(
			'Cursors: where this run stopped',
			{
				'Cursors: where the last run stopped': itemsOf([cursors]),
				'Stripe: what was found': itemsOf([record({}), stripeCursorItem({})]),
			},
			itemsOf([
				{
					answers: [
						{
							provider: 'stripe',
							kind: 'payment',
							operation: 'recordPayment',
							invoiceId: 'inv-1',
							paymentId: 'pi_1',
							status: 'succeeded',
							outcome: 'new',
							statusChanged: true,
							error: null,
							reasons: [],
							payment: record({}),
							invoice: { number: 'INV-1' },
						},
					],
				},
			]),
		);
		expect(json.keep).toEqual({});
		const kept = await store(json.keep, data);
		expect(data).toEqual({
			stripeCursor: { created: 1, eventIds: [] },
			gateway360ChangedTo: '2026-12-07T11:00:00.000Z',
		});
		expect(json.backfill).toMatchObject({ hours: 24 });
		const [{ json: summary }] = await runCode(
			'Run summary',
			{ ...SETTINGS, 'Cursors: where this run stopped': itemsOf([json]) },
			itemsOf([kept]),
		);
		expect(summary).toMatchObject({ anythingNew: true, gateway360: null, backfill: { hours: 24 } });
		expect(summary.stripe).toMatchObject({ mode: 'events', newToTheBooks: 1 });
		expect(summary.subject).toBe('Backfill: 1 new to the books, 0 to look at (Demo Services Ltd)');
		expect(summary.text).toContain('the payment-status workflow was published again');
		expect(summary.text).toContain(
			"Stripe's events from 2026-12-06T12:00:00.000Z (Settings → backfillHours: 24), at most 500.",
		);
		expect(summary.text).toContain('360 Payments: not read by a backfill');
		expect(summary.text).toContain('- Stripe pi_1, invoice INV-1: recorded succeeded');
	});
});

describe('one call to the books', () => {
	test('the records of both providers in one list; a pay link under its session; a dispute kept apart under its id', async () => {
		/** @type {Omit<import('../../nodes/core/webhooks/paymentStatusEvent').DisputeRecord, 'mismatchRecord'>} */
		const dispute = {
			id: 'du_1',
			status: 'needs_response',
			reason: 'fraudulent',
			amount: { amount: '75.00', currency: 'usd', minor: 7500, display: '$75.00' },
			closed: false,
			recordStatus: 'pending',
			reasons: [{ code: 'DISPUTE_OPEN', message: 'The customer disputed 75.00 USD' }],
		};
		const requests = (
			await runCode(
				'Books: record what was found: request',
				{
					'360 Payments: changed since the cursor': itemsOf([
						{ provider: 'gateway360', invoiceId: 'inv-3', paymentId: '9001', status: 'succeeded' },
						{
							provider: 'gateway360',
							invoiceId: 'inv-4',
							paymentId: '9002',
							status: 'refunded',
							refund: {},
						},
					]),
				},
				itemsOf([
					record({}),
					record({
						invoiceId: 'inv-2',
						paymentId: null,
						checkoutSessionId: 'cs_1',
						status: 'requires_action',
					}),
					record({ kind: 'refund', paymentId: 'pi_7' }),
					// as the normaliser tells it (the record the books keep under the dispute's id)
					disputeItems([/** @type {any} */ (record({ paymentId: 'pi_8' }))], dispute)[0],
					stripeCursorItem({}),
				]),
			)
		).map((i) => i.json);
		expect(
			requests.map((r) => [r.operation, r.invoiceId, r.payment.paymentId, r.payment.status, r.ref]),
		).toEqual([
			[
				'recordPayment',
				'inv-1',
				'pi_1',
				'succeeded',
				{ index: 0, provider: 'stripe', kind: 'payment' },
			],
			[
				'recordPayment',
				'inv-2',
				'cs_1',
				'requires_action',
				{ index: 1, provider: 'stripe', kind: 'payment' },
			],
			[
				'recordPayment',
				'inv-1',
				'pi_7',
				'succeeded',
				{ index: 2, provider: 'stripe', kind: 'refund' },
			],
			[
				'keepPaymentMismatch',
				'inv-1',
				'du_1',
				'pending',
				{ index: 3, provider: 'stripe', kind: 'dispute' },
			],
			[
				'recordPayment',
				'inv-3',
				'9001',
				'succeeded',
				{ index: 4, provider: 'gateway360', kind: 'payment' },
			],
			[
				'recordPayment',
				'inv-4',
				'9002',
				'refunded',
				{ index: 5, provider: 'gateway360', kind: 'refund' },
			],
		]);
		expect(requests[3].reasons).toEqual(dispute.reasons);
		expect(requests[3].payment).toMatchObject({
			invoiceId: record({}).invoiceId,
			paymentId: 'du_1',
			status: 'pending',
		});
		// the record as the webhook path sends it, nothing dropped
		expect(requests[0].payment).toEqual(record({}));
	});

	test("nothing found (the 360 node's empty placeholder, the cursor item alone): one item that says so", async () => {
		const out = await runCode(
			'Books: record what was found: request',
			{ '360 Payments: changed since the cursor': itemsOf([{}]) },
			itemsOf([stripeCursorItem({ eventsRead: 0 })]),
		);
		expect(out.map((i) => i.json)).toEqual([{ operation: null, ref: null }]);
		expect(targets('Anything for the books?', 1)).toEqual(['Books: what the books answered']);
	});

	test("the books' answers paired by ref: new, already known, mismatch, refused", async () => {
		const requests = [
			{
				operation: 'recordPayment',
				invoiceId: 'inv-1',
				payment: record({}),
				ref: { index: 0, provider: 'stripe', kind: 'payment' },
			},
			{
				operation: 'recordPayment',
				invoiceId: 'inv-1',
				payment: record({ paymentId: 'pi_2' }),
				ref: { index: 1, provider: 'stripe', kind: 'payment' },
			},
			{
				operation: 'recordPayment',
				invoiceId: 'inv-2',
				payment: record({ paymentId: 'pi_3' }),
				ref: { index: 2, provider: 'gateway360', kind: 'payment' },
			},
			{
				operation: 'recordPayment',
				invoiceId: 'inv-9',
				payment: record({ paymentId: 'pi_4' }),
				ref: { index: 3, provider: 'stripe', kind: 'payment' },
			},
			{
				operation: 'keepPaymentMismatch',
				invoiceId: 'inv-1',
				payment: record({ paymentId: 'du_1' }),
				reasons: [{ code: 'DISPUTE_OPEN', message: 'm' }],
				ref: { index: 4, provider: 'stripe', kind: 'dispute' },
			},
		];
		const invoice = { id: 'inv-1', number: 'INV-1', customerId: 'c1' };
		const answer = (/** @type {number} */ index, /** @type {Record<string, any>} */ fields) => ({
			ref: requests[index].ref,
			error: null,
			invoice,
			payment: requests[index].payment,
			...fields,
		});
		// the answers out of order: paired by ref, not by position
		const answers = [
			answer(1, { statusChanged: false }),
			answer(0, { statusChanged: true }),
			answer(2, {
				error: { code: 'payment_mismatch', reasons: [{ code: 'AMOUNT_MISMATCH', message: 'x' }] },
				statusChanged: true,
			}),
			answer(3, { error: { code: 'not_found', message: 'no invoice inv-9' }, invoice: undefined }),
			answer(4, { statusChanged: true }),
		];
		const [{ json }] = await runCode(
			'Books: what the books answered',
			{
				'Books: record what was found: request': itemsOf(requests),
				'Books: record what was found': itemsOf(answers),
			},
			itemsOf(answers),
		);
		expect(
			json.answers.map((/** @type {any} */ a) => [
				a.paymentId,
				a.provider,
				a.outcome,
				a.statusChanged,
			]),
		).toEqual([
			['pi_1', 'stripe', 'new', true],
			['pi_2', 'stripe', 'known', false],
			['pi_3', 'gateway360', 'mismatch', true],
			['pi_4', 'stripe', 'refused', false],
			['du_1', 'stripe', 'mismatch', true],
		]);
		expect(json.answers[2].reasons).toEqual([{ code: 'AMOUNT_MISMATCH', message: 'x' }]);
		expect(json.answers[4].reasons).toEqual([{ code: 'DISPUTE_OPEN', message: 'm' }]);

		// an answer missing fails the run: the cursors are not kept, the next run reads again
		await expect(
			runCode('Books: what the books answered', {
				'Books: record what was found: request': itemsOf(requests),
				'Books: record what was found': itemsOf(answers.slice(1)),
			}),
		).rejects.toThrow('The books answered 4 of 5 requests');
		// nothing was sent: no answers, one item all the same
		const [{ json: none }] = await runCode('Books: what the books answered', {
			'Books: record what was found: request': itemsOf([{ operation: null, ref: null }]),
		});
		expect(none).toEqual({ answers: [] });
	});
});

describe('the run says what it found', () => {
	const invoice = { id: 'inv-1', number: 'INV-1', customerId: 'c1' };
	const answer = (/** @type {Record<string, any>} */ fields) => ({
		provider: 'stripe',
		kind: 'payment',
		operation: 'recordPayment',
		invoiceId: 'inv-1',
		paymentId: 'pi_1',
		status: 'succeeded',
		outcome: 'new',
		statusChanged: true,
		error: null,
		reasons: [],
		payment: record({}),
		invoice,
		...fields,
	});
	const answers = [
		answer({}),
		answer({ paymentId: 'pi_2', status: 'failed' }),
		answer({ paymentId: 'pi_3', outcome: 'known', statusChanged: false }),
		answer({ paymentId: 'pi_4', kind: 'refund', status: 'refunded' }),
		answer({
			paymentId: 'du_1',
			kind: 'dispute',
			operation: 'keepPaymentMismatch',
			outcome: 'mismatch',
			reasons: [{ code: 'DISPUTE_OPEN', message: 'The customer disputed it <today>.' }],
		}),
		answer({ paymentId: 'pi_5', outcome: 'mismatch', statusChanged: false }),
		answer({ provider: 'gateway360', paymentId: '9001', outcome: 'known', statusChanged: false }),
		answer({
			paymentId: 'pi_6',
			outcome: 'refused',
			statusChanged: false,
			invoice: null,
			invoiceId: 'inv-9',
			error: { code: 'not_found', message: 'no invoice inv-9' },
		}),
	];
	const run = (
		/** @type {any[]} */ list,
		/** @type {any} */ stripe = stripeCursorItem({ eventsRead: 12 }),
	) =>
		runCode(
			'Run summary',
			{
				...SETTINGS,
				'Cursors: where this run stopped': itemsOf([
					{
						answers: list,
						startedAt: '2026-12-07T12:00:00.000Z',
						stripe,
						gateway360: {
							from: '2026-12-07T10:50:00.000Z',
							to: '2026-12-07T12:00:00.000Z',
							firstRun: false,
						},
						keep: {},
					},
				]),
			},
			itemsOf([{ stripeCursor: null, gateway360ChangedTo: null }]),
		);

	test('per provider: events read, new to the books, already known, mismatches; a report when anything was new', async () => {
		const [{ json }] = await run(answers);
		expect(json.stripe).toEqual({
			recordsFound: 7,
			newToTheBooks: 3,
			alreadyKnown: 1,
			mismatches: 2,
			newMismatches: 1,
			refusedByTheBooks: 1,
			mode: 'events',
			eventsRead: 12,
			complete: true,
		});
		expect(json.gateway360).toMatchObject({ recordsFound: 1, newToTheBooks: 0, alreadyKnown: 1 });
		expect(json).toMatchObject({ anythingNew: true, to: settings.runReportAddress });
		expect(json.subject).toBe(
			'Reconciliation: 3 new to the books, 2 to look at (Demo Services Ltd)',
		);
		expect(json.text).toContain(
			'Stripe: 12 events read; 3 new to the books, 1 already known, 2 mismatches, 1 refused.',
		);
		expect(json.text).toContain('- Stripe pi_2, invoice INV-1: recorded failed');
		expect(json.text).toContain('- Stripe pi_4, invoice INV-1: recorded refund, refunded');
		expect(json.text).toContain(
			'- Stripe du_1, invoice INV-1: kept as a dispute: The customer disputed it <today>.',
		);
		expect(json.text).toContain(
			'- Stripe pi_6, invoice inv-9: refused by the books (not_found: no invoice inv-9)',
		);
		// a mismatch the books already kept is not told again
		expect(json.text).not.toContain('pi_5');
		expect(json.html).toContain('disputed it &lt;today&gt;.');
	});

	test('a second run that finds only what the books know: no report', async () => {
		const [{ json }] = await run(
			answers.filter(
				(a) => a.outcome === 'known' || (a.outcome === 'mismatch' && !a.statusChanged),
			),
		);
		expect(json.anythingNew).toBe(false);
		const [{ json: sweep }] = await run(
			[],
			stripeCursorItem({ mode: 'sweep', invoicesSwept: 4, paymentsFound: 2 }),
		);
		expect(sweep.stripe).toMatchObject({
			mode: 'sweep',
			eventsRead: 0,
			invoicesSwept: 4,
			paymentsFound: 2,
		});
		expect(sweep.text).toContain('swept 4 open invoices');
	});

	test('emails only for statuses new to the books: payments to the customer, mismatches and disputes to the team', async () => {
		const tell = (await runCode('Emails: what to tell', {}, itemsOf([{ answers }]))).map(
			(i) => i.json,
		);
		expect(tell.map((t) => [t.tell, t.paymentId])).toEqual([
			['payment', 'pi_1'],
			['payment', 'pi_2'],
			['mismatch', 'du_1'],
		]);
		// each with its customer, paired by ref; a customer the books do not know: none
		const customers = [
			{ ref: 2, error: null, customer: { id: 'c3' } },
			{ ref: 0, error: null, customer: { id: 'c1' } },
			{ ref: 1, error: { code: 'not_found' } },
		];
		const out = await runCode(
			'Emails: with their customers',
			{ 'Emails: what to tell': itemsOf(tell) },
			itemsOf(customers),
		);
		expect(out.map((i) => [i.json.paymentId, i.json.customer.id, i.pairedItem])).toEqual([
			['pi_1', 'c1', { item: 0 }],
			['pi_2', undefined, { item: 1 }],
			['du_1', 'c3', { item: 2 }],
		]);
	});

	test("the sweep reads every customer's open invoices in one call", async () => {
		const out = await runCode(
			'Books: open invoices of each customer: request',
			{},
			itemsOf([{ customers: [{ id: 'c1' }, { id: 'c2' }] }]),
		);
		expect(out.map((i) => i.json)).toEqual([
			{ operation: 'listCustomerInvoices', customerId: 'c1', statuses: ['open'] },
			{ operation: 'listCustomerInvoices', customerId: 'c2', statuses: ['open'] },
		]);
	});
});

// @ts-check
/**
 * The workflows for an admin who installed the package from n8n's Community Nodes page, so has
 * no repository to import from (docs/importing-workflows.md): in a real n8n 2.41.1, a setup
 * workflow (Invoice Payments Tools → Workflow Template → Get Many, n8n's own n8n node → Workflow
 * → Create, three times) creates a books adapter, the reconciliation and the processes calling them,
 * through n8n's public API with the admin's API key. The processes run against that adapter, and
 * a second run creates new copies without touching the first ones or their edited Settings.
 */
import { booksCallerWorkflow, runInServer } from './support/books-caller';
import { clients, loadState } from './support/clients';

const state = loadState();
const { n8n, request, waitFor, api, ok } = clients(state);

const PROCESSES = ['auto-pay-dry-run', 'daily-auto-pay', 'payment-status'];
// the admin's own Stripe credential (made in beforeAll: the local server's key, another ID and
// name than the shipped reference), chosen for every Stripe node
const STRIPE = { id: '', name: 'Stripe (ours)' };

/** The setup workflow an admin builds from the README's four steps. */
function setupWorkflow(n8nApiCredential) {
	expect(STRIPE.id).not.toBe('');
	const tools = (name, x, parameters) => ({
		id: `setup-${x}`,
		name,
		type: 'n8n-nodes-invoice-payments.invoicePaymentsTools',
		typeVersion: 1,
		position: [x, 0],
		parameters: { resource: 'workflowTemplate', operation: 'getMany', ...parameters },
	});
	const create = (name, x) => ({
		id: `setup-${x}`,
		name,
		type: 'n8n-nodes-base.n8n',
		typeVersion: 1,
		position: [x, 0],
		parameters: {
			resource: 'workflow',
			operation: 'create',
			workflowObject: '={{ JSON.stringify($json.workflow) }}',
			requestOptions: {},
		},
		credentials: { n8nApi: n8nApiCredential },
	});
	const next = (node) => ({ main: [[{ node, type: 'main', index: 0 }]] });
	return {
		name: 'e2e: create the invoice payment workflows',
		nodes: [
			{
				id: 'setup-0',
				name: 'Set up',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			tools('Get Books Adapter', 220, { templates: ['books-rest'] }),
			create('Create Books Adapter', 440),
			tools('Get Reconciliation', 660, {
				templates: ['reconciliation'],
				booksWorkflowId: "={{ $('Create Books Adapter').first().json.id }}",
				credentials: { credential: [{ type: 'stripeInvoicePaymentsApi', ...STRIPE }] },
			}),
			create('Create Reconciliation', 880),
			tools('Get Processes', 1100, {
				templates: PROCESSES,
				booksWorkflowId: "={{ $('Create Books Adapter').first().json.id }}",
				reconciliationWorkflowId: "={{ $('Create Reconciliation').first().json.id }}",
				credentials: { credential: [{ type: 'stripeInvoicePaymentsApi', ...STRIPE }] },
			}),
			create('Create Processes', 1320),
		],
		connections: {
			'Set up': next('Get Books Adapter'),
			'Get Books Adapter': next('Create Books Adapter'),
			'Create Books Adapter': next('Get Reconciliation'),
			'Get Reconciliation': next('Create Reconciliation'),
			'Create Reconciliation': next('Get Processes'),
			'Get Processes': next('Create Processes'),
		},
		settings: { executionOrder: 'v1' },
	};
}

const settingsOf = (workflow) =>
	workflow.nodes.find((node) => node.name === 'Settings').parameters.assignments.assignments;
const settingValue = (workflow, name) => settingsOf(workflow).find((a) => a.name === name)?.value;

/** Runs the setup workflow; the workflows it created, by the name they were created under. */
async function runSetup(setupId) {
	const execution = await runInServer({ state, request, waitFor }, setupId, 'Set up');
	expect(execution.status).toBe('success');
	const runData = execution.data.resultData.runData;
	const created = (node) => runData[node][0].data.main[0].map((item) => item.json);
	const [adapter] = created('Create Books Adapter');
	const [reconciliation] = created('Create Reconciliation');
	return { adapter, reconciliation, processes: created('Create Processes') };
}

let setupId = '';
/** @type {{ adapter: any, reconciliation: any, processes: any[] }} */
let first;

beforeAll(async () => {
	const credential = ok(
		await api('POST', '/credentials', {
			name: 'n8n API (e2e)',
			type: 'n8nApi',
			data: { apiKey: state.apiKey, baseUrl: `${state.n8nUrl}/api/v1` },
		}),
		'create the n8n API credential',
	);
	STRIPE.id = ok(
		await api('POST', '/credentials', {
			name: STRIPE.name,
			type: 'stripeInvoicePaymentsApi',
			data: state.credentials.invPayStripeDemo.data,
		}),
		"create the admin's Stripe credential",
	).id;
	setupId = ok(
		await api('POST', '/workflows', setupWorkflow({ id: credential.id, name: credential.name })),
		'create the setup workflow',
	).id;
	first = await runSetup(setupId);
}, 180_000);

test('the setup creates the adapter, then the processes calling it (and the reconciliation) with the chosen credential', async () => {
	expect(first.adapter.name).toBe('Invoice payments: books adapter (REST)');
	expect(first.adapter.id).not.toBe('invPayBooksRest');
	expect(first.reconciliation.name).toBe('Invoice payments: reconciliation');
	expect(settingValue(await n8n.workflow(first.reconciliation.id), 'booksWorkflowId')).toBe(
		first.adapter.id,
	);
	const status = first.processes.find((p) => p.name === 'Invoice payments: payment status');
	expect(settingValue(await n8n.workflow(status.id), 'reconciliationWorkflowId')).toBe(
		first.reconciliation.id,
	);
	expect(first.processes.map((p) => p.name).sort()).toEqual([
		'Invoice payments: auto-pay dry run (tomorrow)',
		'Invoice payments: daily auto-pay',
		'Invoice payments: payment status',
	]);
	for (const created of first.processes) {
		const stored = await n8n.workflow(created.id);
		expect(settingValue(stored, 'booksWorkflowId')).toBe(first.adapter.id);
		const stripeNodes = stored.nodes.filter((node) => node.credentials?.stripeInvoicePaymentsApi);
		expect(stripeNodes.length).toBeGreaterThan(0);
		for (const node of stripeNodes)
			expect(node.credentials.stripeInvoicePaymentsApi).toEqual(STRIPE);
		expect(stored.active).toBe(false);
	}
	// the shipped workflows the stack imported are untouched
	expect(settingValue(await n8n.workflow('invPayWf2AutoPay'), 'booksWorkflowId')).toBe(
		'invPayBooksRest',
	);
});

test('a created process runs against the created adapter once the admin points it at the books and publishes it', async () => {
	const adapter = await n8n.workflow(first.adapter.id);
	settingsOf(adapter).find((a) => a.name === 'booksApiUrl').value = state.booksUrl;
	ok(
		await api('PUT', `/workflows/${adapter.id}`, {
			name: adapter.name,
			nodes: adapter.nodes,
			connections: adapter.connections,
			settings: { executionOrder: 'v1', callerPolicy: 'workflowsFromSameOwner' },
		}),
		'point the adapter at the books',
	);
	const published = ok(await api('POST', `/workflows/${adapter.id}/activate`, {}), 'publish');
	await n8n.published(adapter.id, published.versionId);

	// a caller of the created adapter, as the processes call it: the books answer through it
	const hookPath = `e2e-templates-books-${adapter.id}`;
	const caller = ok(
		await api(
			'POST',
			'/workflows',
			booksCallerWorkflow(adapter.id, hookPath, 'e2e: templates books call'),
		),
		'create the caller',
	);
	const callerPublished = ok(
		await api('POST', `/workflows/${caller.id}/activate`, {}),
		'publish caller',
	);
	await n8n.published(caller.id, callerPublished.versionId);
	const answered = ok(
		await request('POST', n8n.webhook(hookPath), {
			body: { requests: [{ operation: 'listCustomers', ref: 'r1' }] },
		}),
		'call the created adapter',
	);
	expect(answered.answers).toHaveLength(1);
	expect(answered.answers[0].error ?? null).toBeNull();

	const dryRun = first.processes.find((p) =>
		p.name.startsWith('Invoice payments: auto-pay dry run'),
	);
	const before = (await n8n.executions(adapter.id)).length;
	const execution = await runInServer(
		{ state, request, waitFor },
		dryRun.id,
		"Preview tomorrow's auto-pay",
	);
	expect(execution.status).toBe('success');
	expect((await n8n.executions(adapter.id)).length).toBeGreaterThan(before);
}, 180_000);

test("a second run creates new copies: the first ones and the admin's edited Settings stay as they were", async () => {
	const dryRun = first.processes.find((p) =>
		p.name.startsWith('Invoice payments: auto-pay dry run'),
	);
	const edited = await n8n.workflow(dryRun.id);
	settingsOf(edited).find((a) => a.name === 'runReportAddress').value = 'billing@ours.example.com';
	ok(
		await api('PUT', `/workflows/${edited.id}`, {
			name: edited.name,
			nodes: edited.nodes,
			connections: edited.connections,
			settings: { executionOrder: 'v1' },
		}),
		'edit the Settings',
	);

	const second = await runSetup(setupId);
	expect(second.adapter.id).not.toBe(first.adapter.id);
	const firstIds = new Set(first.processes.map((p) => p.id));
	for (const created of second.processes) expect(firstIds.has(created.id)).toBe(false);

	const kept = await n8n.workflow(dryRun.id);
	expect(settingValue(kept, 'runReportAddress')).toBe('billing@ours.example.com');
	expect(settingValue(kept, 'booksWorkflowId')).toBe(first.adapter.id);
	const copy = await n8n.workflow(second.processes.find((p) => p.name === dryRun.name).id);
	expect(settingValue(copy, 'booksWorkflowId')).toBe(second.adapter.id);
	expect(settingValue(copy, 'runReportAddress')).not.toBe('billing@ours.example.com');
}, 180_000);

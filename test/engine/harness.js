// @ts-check
/**
 * The test engine: runs workflow JSON in-process through n8n-core's real WorkflowExecute with
 * this package's nodes and credentials, as n8n tests its own nodes. HTTP goes out for real
 * (to the fake servers on 127.0.0.1), through n8n's own request helpers and our credentials'
 * `authenticate` blocks.
 *
 *   const result = await runWorkflow(workflowJson, { credentials: { stripeInvoicePaymentsApi: {...} }, input: [{...}] });
 *   result.output('Stripe Invoice Payment')        // json of output 0 of the node's last run
 *   result.output('Auto-Pay Scan', 1)              // output 1
 *   result.error                                   // the execution's error, if any
 * options.hooks: n8n lifecycle handlers, e.g. { nodeExecuteBefore(name) {}, nodeExecuteAfter(name) {} }
 */
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import { ICredentialsHelper, NodeHelpers, Workflow, createRunExecutionData } from 'n8n-workflow';

import { credentialClasses, nodeClasses, PACKAGE_NAME } from './package-types';

/** Stands in for n8n-nodes-base's Manual Trigger: emits the items the test hands in. */
class TestManualTrigger {
	description = {
		displayName: 'When clicking ‘Execute workflow’',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Test stand-in for the Manual Trigger',
		defaults: { name: 'Manual Trigger' },
		inputs: [],
		outputs: ['main'],
		properties: [],
	};

	/** @this {import('n8n-workflow').IExecuteFunctions} */
	async execute() {
		return [this.getInputData()];
	}
}

function buildNodeTypes() {
	const types = new Map();
	types.set('n8n-nodes-base.manualTrigger', new TestManualTrigger());
	for (const NodeClass of nodeClasses) {
		const instance = new NodeClass();
		types.set(`${PACKAGE_NAME}.${instance.description.name}`, instance);
	}
	return {
		getByName: (name) => lookup(types, name),
		getByNameAndVersion: (name, version) =>
			NodeHelpers.getVersionedNodeType(lookup(types, name), version),
		getKnownTypes: () => ({}),
	};
}

/**
 * The value, or an error naming what the workflow or node type lacks.
 * @template T
 * @param {T | null | undefined} value
 * @param {string} what
 * @returns {T}
 */
function present(value, what) {
	if (value === null || value === undefined) throw new Error(`The test engine found no ${what}`);
	return value;
}

function lookup(types, name) {
	const type = types.get(name);
	if (!type) throw new Error(`Unknown node type "${name}" in the test engine`);
	return type;
}

/** Resolves `={{$credentials.x}}` templates the way n8n does for generic credentials. */
function resolveTemplate(value, credentials) {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	return value
		.slice(1)
		.replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, key) => String(credentials[key] ?? ''));
}

class TestCredentialsHelper extends ICredentialsHelper {
	constructor(credentials) {
		super();
		this.credentials = credentials;
		this.types = new Map(credentialClasses.map((C) => [new C().name, new C()]));
	}

	getParentTypes() {
		return [];
	}

	async authenticate(credentials, typeName, requestOptions) {
		const type = this.types.get(typeName);
		if (!type?.authenticate) return requestOptions;
		if (typeof type.authenticate === 'function') {
			return await type.authenticate(credentials, requestOptions);
		}
		const { headers = {}, qs = {}, body = {} } = type.authenticate.properties;
		const resolve = (object) =>
			Object.fromEntries(
				Object.entries(object).map(([k, v]) => [k, resolveTemplate(v, credentials)]),
			);
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, ...resolve(headers) },
			qs: Object.keys(qs).length ? { ...requestOptions.qs, ...resolve(qs) } : requestOptions.qs,
			body:
				Object.keys(body).length && typeof requestOptions.body === 'object'
					? { ...requestOptions.body, ...resolve(body) }
					: requestOptions.body,
		};
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	getCredentialsProperties(type) {
		return this.types.get(type)?.properties ?? [];
	}

	async getDecrypted(_additionalData, _nodeCredentials, type) {
		const data = this.credentials[type];
		if (!data) throw new Error(`The test gave no credentials of type "${type}"`);
		return { ...data };
	}

	/** @returns {Promise<import('n8n-workflow').ICredentials>} */
	async getCredentials() {
		throw new Error('not used by the test engine');
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getOAuth2Options() {
		return undefined;
	}

	isCredentialUsableByNode() {
		return true;
	}
}

let executionCounter = 0;

/**
 * The engine's stand-in for n8n's additional data: what n8n-core reads when it runs these
 * workflows, not the whole interface (no database, no runners, no sub-workflows).
 * @param {Record<string, unknown>} data
 * @returns {import('n8n-workflow').IWorkflowExecuteAdditionalData}
 */
const asAdditionalData = (data) =>
	/** @type {import('n8n-workflow').IWorkflowExecuteAdditionalData} */ (
		/** @type {unknown} */ (data)
	);

/**
 * The webhook data a trigger's context reads here (its description, node and workflow), not the
 * whole registration n8n keeps.
 * @param {Record<string, unknown>} data
 * @returns {import('n8n-workflow').IWebhookData}
 */
const asWebhookData = (data) =>
	/** @type {import('n8n-workflow').IWebhookData} */ (/** @type {unknown} */ (data));

/**
 * @typedef {object} RunOptions
 * @property {Record<string, Record<string, unknown>>} [credentials] decrypted data by credential type
 * @property {import('n8n-workflow').IDataObject[]} [input] the Manual Trigger's items
 * @property {import('n8n-workflow').IDataObject} [staticData]
 * @property {import('n8n-workflow').IDataObject} [settings]
 * @property {Record<string, (...args: any[]) => void | Promise<void>>} [hooks] n8n lifecycle
 *   handlers by hook name
 */

/**
 * @param {any} workflowJson a workflow as n8n exports it
 * @param {RunOptions} [options]
 */
export async function runWorkflow(workflowJson, options = {}) {
	const {
		credentials = {},
		input = [{}],
		staticData = {},
		settings = {},
		hooks: extraHooks = {},
	} = options;
	const nodeTypes = buildNodeTypes();
	const workflow = new Workflow({
		id: workflowJson.id ?? 'engine-test',
		name: workflowJson.name,
		nodes: workflowJson.nodes,
		connections: workflowJson.connections,
		nodeTypes,
		staticData,
		settings: { ...workflowJson.settings, ...settings },
		active: false,
	});

	const executionId = String(++executionCounter);
	const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowJson);
	let resolveRun;
	const finished = new Promise((resolve) => (resolveRun = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => resolveRun(run));
	for (const [name, handler] of Object.entries(extraHooks)) {
		hooks.addHandler(/** @type {Parameters<typeof hooks.addHandler>[0]} */ (name), handler);
	}

	const additionalData = asAdditionalData({
		hooks,
		credentialsHelper: new TestCredentialsHelper(credentials),
		executionId,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		currentNodeParameters: undefined,
		variables: {},
		userId: 'engine-test-user',
		executeWorkflow: async () => {
			throw new Error('sub-workflows are not run by the test engine');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('task runners are not used by the test engine');
		},
	});

	const startNode = present(workflow.getStartNode(), 'start node');
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{
					node: startNode,
					data: { main: [input.map((json) => ({ json }))] },
					source: null,
				},
			],
		},
	});

	const workflowExecute = new WorkflowExecute(additionalData, 'manual', runExecutionData);
	try {
		await workflowExecute.processRunExecutionData(workflow);
	} catch (error) {
		// n8n refuses to start a workflow whose parameters have issues (WorkflowHasIssuesError).
		return wrapRun({ status: 'error', data: { resultData: { runData: {}, error } } }, workflow);
	}
	const run = await finished;
	return wrapRun(run, workflow);
}

function wrapRun(run, workflow) {
	const { runData, error } = run.data.resultData;
	return {
		run,
		workflow,
		error,
		status: run.status,
		/** items (with pairedItem) of output `index` of the node's last run */
		items(nodeName, index = 0) {
			const runs = runData[nodeName];
			if (!runs) {
				const nodeErrors = Object.entries(runData)
					.filter(([, r]) => r[0]?.error)
					.map(([name, r]) => `${name}: ${r[0].error.message}`);
				throw new Error(
					`Node "${nodeName}" did not run${nodeErrors.length ? ` (${nodeErrors.join('; ')})` : ''}${error ? ` [${error.message}]` : ''}`,
				);
			}
			const last = runs[runs.length - 1];
			if (last.error) throw last.error;
			return last.data?.main?.[index] ?? [];
		},
		output(nodeName, index = 0) {
			return this.items(nodeName, index).map((item) => item.json);
		},
		nodeError(nodeName) {
			return runData[nodeName]?.[0]?.error;
		},
	};
}

/** A workflow of one Manual Trigger feeding one node of ours. */
export function singleNodeWorkflow(nodeName, type, parameters, credentials = {}) {
	return {
		name: `engine: ${nodeName}`,
		nodes: [
			{
				id: 'trigger',
				name: 'Manual Trigger',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'node',
				name: nodeName,
				type: `${PACKAGE_NAME}.${type}`,
				typeVersion: 1,
				position: [200, 0],
				parameters,
				credentials,
			},
		],
		connections: {
			'Manual Trigger': { main: [[{ node: nodeName, type: 'main', index: 0 }]] },
		},
	};
}

function buildAdditionalData(credentials, extra = {}) {
	return asAdditionalData({
		credentialsHelper: new TestCredentialsHelper(credentials),
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		variables: {},
		userId: 'engine-test-user',
		...extra,
	});
}

function workflowOf(workflowJson, staticData) {
	return new Workflow({
		id: workflowJson.id ?? 'engine-test',
		name: workflowJson.name,
		nodes: workflowJson.nodes,
		connections: workflowJson.connections,
		nodeTypes: buildNodeTypes(),
		staticData,
		settings: workflowJson.settings ?? {},
		active: true,
	});
}

/**
 * Runs a trigger's activation method (checkExists | create | delete) with n8n-core's real
 * HookContext. `staticData` is the workflow's static data object: keep it between calls, as n8n
 * keeps it with the workflow.
 */
export async function runHook(
	workflowJson,
	nodeName,
	method,
	/** @type {{credentials?: RunOptions['credentials'], staticData?: object, webhookBaseUrl?: string}} */
	{ credentials = {}, staticData = {}, webhookBaseUrl } = {},
) {
	const { HookContext } = await import('n8n-core');
	const workflow = workflowOf(workflowJson, staticData);
	const node = present(workflow.getNode(nodeName), `node "${nodeName}"`);
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const additionalData = buildAdditionalData(credentials, webhookBaseUrl ? { webhookBaseUrl } : {});
	const webhookDescription = present(nodeType.description.webhooks, 'webhooks')[0];
	const context = new HookContext(
		workflow,
		node,
		additionalData,
		'trigger',
		'activate',
		asWebhookData({ webhookDescription, node: node.name, workflowId: workflow.id }),
	);
	const webhookMethods = present(nodeType.webhookMethods?.default, 'webhookMethods.default');
	return await webhookMethods[method].call(context);
}

/**
 * Calls a node's `methods.listSearch[method]` (a resource locator's "From List") through
 * n8n-core's real LoadOptionsContext, as the editor does.
 */
export async function runListSearch(
	workflowJson,
	nodeName,
	method,
	/** @type {{filter?: string, paginationToken?: string, credentials?: RunOptions['credentials'], path?: string, currentNodeParameters?: Record<string, unknown>}} */
	{
		filter,
		paginationToken,
		credentials = {},
		path = 'parameters.customer',
		currentNodeParameters,
	} = {},
) {
	const { LoadOptionsContext } = await import('n8n-core');
	const workflow = workflowOf(workflowJson, {});
	const node = present(workflow.getNode(nodeName), `node "${nodeName}"`);
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	// What the editor sends with a picker's request: the node's parameters as they stand.
	const context = new LoadOptionsContext(
		workflow,
		node,
		buildAdditionalData(credentials, { currentNodeParameters }),
		path,
	);
	const listSearch = present(nodeType.methods?.listSearch, 'methods.listSearch');
	return await listSearch[method].call(context, filter, paginationToken);
}

/**
 * Delivers one HTTP request to a trigger's webhook function through n8n-core's real
 * WebhookContext (`request.bodyUnread`: the body is left for the node to read). Returns what
 * the trigger answered itself (status, body) and the items it would start an execution with
 * (`workflowData`, one array per output), or none.
 * @returns {Promise<{statusCode: number | undefined, body: any,
 *   workflowData: import('n8n-workflow').INodeExecutionData[][] | null,
 *   outputs: Array<Array<Record<string, any>>> | null}>} `body`: the JSON the trigger answered;
 *   `outputs`: the json of each output's items
 */
export async function deliverWebhook(
	workflowJson,
	nodeName,
	request,
	{ credentials = {}, staticData = {} } = {},
) {
	const { WebhookContext } = await import('n8n-core');
	const workflow = workflowOf(workflowJson, staticData);
	const node = present(workflow.getNode(nodeName), `node "${nodeName}"`);
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const rawBody = Buffer.isBuffer(request.rawBody)
		? request.rawBody
		: Buffer.from(request.rawBody ?? '');
	const headers = Object.fromEntries(
		Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
	);
	let parsed;
	try {
		parsed = JSON.parse(rawBody.toString('utf8'));
	} catch {
		parsed = {};
	}
	const response = { statusCode: undefined, body: undefined };
	const httpResponse = {
		status(code) {
			response.statusCode = code;
			return this;
		},
		json(body) {
			response.body = body;
			return this;
		},
		send(body) {
			response.body = body;
			return this;
		},
		end() {
			return this;
		},
		setHeader() {
			return this;
		},
	};
	const httpRequest = { headers, rawBody, body: parsed, query: {}, params: {}, method: 'POST' };
	if (request.bodyUnread) {
		// as n8n leaves a version-2 webhook's request of a content type it does not parse
		httpRequest.rawBody = undefined;
		httpRequest.body = {};
		httpRequest.readRawBody = async () => {
			httpRequest.rawBody = rawBody;
		};
	}
	const additionalData = buildAdditionalData(credentials, { httpRequest, httpResponse });
	const context = new WebhookContext(
		workflow,
		node,
		additionalData,
		'webhook',
		asWebhookData({
			webhookDescription: present(nodeType.description.webhooks, 'webhooks')[0],
			node: node.name,
			workflowId: workflow.id,
		}),
		[],
		null,
	);
	const result = await present(nodeType.webhook, 'webhook function').call(context);
	return {
		statusCode: result.noWebhookResponse ? response.statusCode : 200,
		body: response.body,
		workflowData: result.workflowData ?? null,
		outputs: result.workflowData?.map((items) => items.map((item) => item.json)) ?? null,
	};
}

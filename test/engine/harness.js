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
	for (const [name, handler] of Object.entries(extraHooks)) hooks.addHandler(name, handler);

	const additionalData = {
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
	};

	const startNode = workflow.getStartNode();
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
	return {
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
	};
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
	{ credentials = {}, staticData = {}, webhookBaseUrl } = {},
) {
	const { HookContext } = await import('n8n-core');
	const workflow = workflowOf(workflowJson, staticData);
	const node = workflow.getNode(nodeName);
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const additionalData = buildAdditionalData(credentials, webhookBaseUrl ? { webhookBaseUrl } : {});
	const webhookDescription = nodeType.description.webhooks[0];
	const context = new HookContext(workflow, node, additionalData, 'trigger', 'activate', {
		webhookDescription,
		node: node.name,
		workflowId: workflow.id,
	});
	return await nodeType.webhookMethods.default[method].call(context);
}

/**
 * Calls a node's `methods.listSearch[method]` (a resource locator's "From List") through
 * n8n-core's real LoadOptionsContext, as the editor does.
 */
export async function runListSearch(
	workflowJson,
	nodeName,
	method,
	{ filter, paginationToken, credentials = {} } = {},
) {
	const { LoadOptionsContext } = await import('n8n-core');
	const workflow = workflowOf(workflowJson, {});
	const node = workflow.getNode(nodeName);
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const context = new LoadOptionsContext(
		workflow,
		node,
		buildAdditionalData(credentials),
		'parameters.customer',
	);
	return await nodeType.methods.listSearch[method].call(context, filter, paginationToken);
}

/**
 * Delivers one HTTP request to a trigger's webhook function through n8n-core's real
 * WebhookContext (`request.bodyUnread`: the body is left for the node to read). Returns what
 * the trigger answered itself (status, body) and the items it would start an execution with
 * (`workflowData`, one array per output), or none.
 */
export async function deliverWebhook(
	workflowJson,
	nodeName,
	request,
	{ credentials = {}, staticData = {} } = {},
) {
	const { WebhookContext } = await import('n8n-core');
	const workflow = workflowOf(workflowJson, staticData);
	const node = workflow.getNode(nodeName);
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
		{
			webhookDescription: nodeType.description.webhooks[0],
			node: node.name,
			workflowId: workflow.id,
		},
		[],
		null,
	);
	const result = await nodeType.webhook.call(context);
	return {
		statusCode: result.noWebhookResponse ? response.statusCode : 200,
		body: response.body,
		workflowData: result.workflowData ?? null,
		outputs: result.workflowData?.map((items) => items.map((item) => item.json)) ?? null,
	};
}

'use strict';
// @ts-check
/**
 * What the end-to-end tests talk to, over HTTP on 127.0.0.1: n8n's public API (workflows,
 * executions), n8n's CLI (`n8n execute`), and the test hooks of the fakes.
 */
const { execFile } = require('node:child_process');
const { createHmac, randomUUID } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');

const { freePort, n8nEnv } = require('./stack');

const STATE_ENV = 'INVOICE_PAYMENTS_E2E_STATE';

function loadState() {
	const file = process.env[STATE_ENV];
	if (!file || !fs.existsSync(file))
		throw new Error(`No e2e stack: ${STATE_ENV} is not set (run through npm run test:e2e)`);
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * @param {string} method
 * @param {string} url
 * @param {{ headers?: Record<string, string>, body?: unknown, timeoutMs?: number, redirect?: RequestRedirect }} [options]
 *   a string body goes as it is, any other as JSON
 */
async function request(
	method,
	url,
	{ headers = {}, body, timeoutMs = 30_000, redirect = 'manual' } = {},
) {
	const res = await fetch(url, {
		method,
		headers:
			body === undefined || typeof body === 'string'
				? headers
				: { 'content-type': 'application/json', ...headers },
		body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body),
		redirect,
		signal: AbortSignal.timeout(timeoutMs),
	});
	const text = await res.text();
	let json = null;
	try {
		json = text ? JSON.parse(text) : null;
	} catch {
		json = null;
	}
	return { status: res.status, headers: res.headers, text, json };
}

/** Polls `check` until it returns a truthy value (returned), or fails after `timeoutMs`. */
async function waitFor(what, check, { timeoutMs = 30_000, intervalMs = 250 } = {}) {
	const deadline = Date.now() + timeoutMs;
	let last;
	while (Date.now() < deadline) {
		last = await check();
		if (last) return last;
		await sleep(intervalMs);
	}
	throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}

function clients(state) {
	/** A call of n8n's public API with the stack's API key. */
	const api = (method, path, body) =>
		request(method, `${state.n8nUrl}/api/v1${path}`, {
			headers: { 'X-N8N-API-KEY': state.apiKey },
			body,
		});
	/** The answer's JSON, or an error naming `what` with the status and the start of the body. */
	const ok = (res, what) => {
		if (res.status >= 300) throw new Error(`${what}: HTTP ${res.status} ${res.text.slice(0, 500)}`);
		return res.json;
	};

	const n8n = {
		url: state.n8nUrl,
		webhook: (path) => `${state.n8nUrl}/webhook/${path}`,
		async workflow(id) {
			return ok(await api('GET', `/workflows/${id}`), `GET workflow ${id}`);
		},
		/**
		 * Changes a workflow's nodes as an admin does in the editor (`change` edits them in place)
		 * and saves it; n8n republishes the active workflow: waits until that version is live.
		 */
		async editNodes(id, change) {
			const workflow = await n8n.workflow(id);
			change(workflow.nodes, workflow.name);
			const { name, nodes, connections, settings } = workflow;
			const saved = ok(
				await api('PUT', `/workflows/${id}`, {
					name,
					nodes,
					connections,
					settings: { executionOrder: settings.executionOrder, timezone: settings.timezone },
				}),
				`PUT workflow ${id}`,
			);
			await n8n.published(id, saved.versionId);
			return workflow;
		},
		/** Changes fields of a workflow's Settings node; n8n republishes the active workflow. */
		async setSettings(id, values) {
			const workflow = await n8n.editNodes(id, (nodes, workflowName) => {
				const node = nodes.find((n) => n.name === 'Settings');
				for (const [name, value] of Object.entries(values)) {
					const assignment = node.parameters.assignments.assignments.find((a) => a.name === name);
					if (!assignment) throw new Error(`Settings of ${workflowName} has no ${name}`);
					assignment.value = value;
				}
			});
			return workflow.nodes.find((n) => n.name === 'Settings').parameters.assignments.assignments;
		},
		/** Enables or disables a node of a workflow, as its context menu does. */
		async setNodeEnabled(id, nodeName, enabled) {
			return n8n.editNodes(id, (nodes) => {
				const node = nodes.find((n) => n.name === nodeName);
				if (!node) throw new Error(`Workflow ${id} has no node ${nodeName}`);
				if (enabled) delete node.disabled;
				else node.disabled = true;
			});
		},
		/**
		 * n8n 2.x publishes through an outbox, a moment after the API answered: wait until the
		 * version is live (its triggers and webhooks run it).
		 */
		async published(id, versionId, timeoutMs = 30_000) {
			return waitFor(
				`version ${versionId} of ${id} to be live`,
				async () => {
					const res = await request(
						'GET',
						`${state.n8nUrl}/rest/workflows/${id}/publication-status`,
						{ headers: { cookie: state.cookie } },
					);
					const status = ok(res, 'publication status').data;
					return status.status === 'published' && status.liveVersionId === versionId
						? status
						: null;
				},
				{ timeoutMs, intervalMs: 100 },
			);
		},
		async executions(workflowId) {
			const res = ok(
				await api('GET', `/executions?workflowId=${workflowId}&limit=100&includeData=false`),
				'executions',
			);
			return res.data;
		},
		async execution(id) {
			return ok(await api('GET', `/executions/${id}?includeData=true`), `execution ${id}`);
		},
		/** Waits until no execution of the workflow is running and at least `count` have finished. */
		async settled(workflowId, count, timeoutMs = 60_000) {
			return waitFor(
				`${count} finished executions of ${workflowId}`,
				async () => {
					const list = await n8n.executions(workflowId);
					const finished = list.filter(
						(e) => e.finished || ['success', 'error', 'crashed'].includes(e.status),
					);
					const running = list.filter((e) => ['running', 'new', 'waiting'].includes(e.status));
					return finished.length >= count && running.length === 0 ? list : null;
				},
				{ timeoutMs, intervalMs: 500 },
			);
		},
		/** `n8n execute --id` (the workflow's Manual Trigger) in its own process; its run as JSON. */
		async execute(workflowId, { timeoutMs = 180_000 } = {}) {
			const env = n8nEnv(
				{ ...state, ports: { ...state.ports, broker: await freePort() } },
				state.runtime,
			);
			const { stdout, stderr, code } = await new Promise((resolve) => {
				execFile(
					state.runtime.node,
					[state.runtime.n8nBin, 'execute', `--id=${workflowId}`, '--rawOutput'],
					{ env, timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 },
					(error, out, err) =>
						resolve({ stdout: out, stderr: err, code: error ? (error.code ?? 1) : 0 }),
				);
			});
			// --rawOutput: the run as pretty-printed JSON, from a line "{" to a line "}", between log
			// lines (n8n may log after it too, while shutting down)
			const start = /^\{\s*$/m.exec(stdout);
			const end = start ? /^\}\s*$/m.exec(stdout.slice(start.index)) : null;
			const run =
				start && end ? JSON.parse(stdout.slice(start.index, start.index + end.index + 1)) : null;
			if (code !== 0 || !run)
				throw new Error(
					`n8n execute ${workflowId} failed (${code}):\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`,
				);
			return run;
		},
	};

	const stripeKey = state.credentials.invPayStripeDemo.data.secretKey;
	const stripe = {
		url: state.stripeUrl,
		hook: async (method, path, body) =>
			ok(await request(method, `${state.stripeUrl}/_test/${path}`, { body }), `stripe ${path}`),
		ledger: () => stripe.hook('GET', 'ledger'),
		deliveries: async () => (await stripe.hook('GET', 'webhooks/deliveries')).deliveries,
		createCustomer: (params) => stripe.hook('POST', 'customers', params),
		api: async (method, path) =>
			ok(
				await request(method, `${state.stripeUrl}/v1${path}`, {
					headers: { authorization: `Bearer ${stripeKey}` },
				}),
				`stripe ${path}`,
			),
		paymentIntents: async (customer) =>
			(await stripe.api('GET', `/payment_intents?customer=${customer}&limit=100`)).data,
	};

	const books = {
		url: state.booksUrl,
		call: async (method, path, body) =>
			request(method, `${state.booksUrl}${path}`, {
				headers: { authorization: `Bearer ${state.booksToken}` },
				body,
			}),
		reset: async (seed) => ok(await books.call('POST', '/_reset', { seed }), 'books reset'),
		payments: async () => ok(await books.call('GET', '/payments'), 'books payments'),
		invoice: async (id) => ok(await books.call('GET', `/invoices/${id}`), `books invoice ${id}`),
		customer: async (id) => ok(await books.call('GET', `/customers/${id}`), `books customer ${id}`),
	};

	const smtp = {
		messages: async () => ok(await request('GET', `${state.smtpUrl}/messages`), 'smtp messages'),
		clear: async () => request('DELETE', `${state.smtpUrl}/messages`),
	};

	const gateway = {
		url: state.gatewayUrl,
		hook: async (method, path, body) =>
			ok(await request(method, `${state.gatewayUrl}/_test/${path}`, { body }), `gateway ${path}`),
		ledger: () => gateway.hook('GET', 'ledger'),
		/**
		 * A card sale made at the gateway for an invoice, as the Pay Now page makes one (a Visa test
		 * card's token, Direct Post `type=sale`); its transaction id, or an error if not approved.
		 * @param {{ invoiceId: string, customerId: string, invoiceNumber: string, amount: string }} sale
		 */
		async sale({ invoiceId, customerId, invoiceNumber, amount }) {
			const { token } = await gateway.hook('POST', 'tokens', {
				ccnumber: '4111111111111111',
				ccexp: '1230',
				cvv: '123',
			});
			const res = await request('POST', `${state.gatewayUrl}/api/transact.php`, {
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({
					security_key: state.credentials.invPay360Demo001.data.securityKey,
					type: 'sale',
					amount,
					currency: 'USD',
					payment_token: token,
					orderid: invoiceId,
					merchant_defined_field_1: customerId,
					merchant_defined_field_2: invoiceNumber,
				}).toString(),
			});
			const answer = new URLSearchParams(res.text);
			if (answer.get('response') !== '1') throw new Error(`gateway sale: ${res.text}`);
			return /** @type {string} */ (answer.get('transactionid'));
		},
	};

	// Each signer its own secret (the imported credentials), issuer and audience (the pay
	// workflow's Settings, as shipped).
	const paySettings = Object.fromEntries(
		JSON.parse(
			fs.readFileSync(
				path.join(__dirname, '../../../workflows/pay-outstanding-invoices.json'),
				'utf8',
			),
		)
			.nodes.find((node) => node.name === 'Settings')
			.parameters.assignments.assignments.map((a) => [a.name, a.value]),
	);
	const signers = {
		portal: {
			secret: state.credentials.invPayPayerJwt01.data.secret,
			iss: paySettings.portalTokenIssuer,
			aud: paySettings.portalTokenAudience,
		},
		agent: {
			secret: state.credentials.invPayAgentJwt01.data.secret,
			iss: paySettings.agentTokenIssuer,
			aud: paySettings.agentTokenAudience,
		},
	};
	/**
	 * An HS256 JWT as the portal (default) or the agents' app issues it, for five minutes;
	 * `claims` override (undefined drops one), `secret` signs as someone else.
	 */
	const jwt = (claims, { kind = 'portal', secret = signers[kind].secret } = {}) => {
		const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
		const now = Math.floor(Date.now() / 1000);
		const { iss, aud } = signers[kind];
		const payload = { iss, aud, iat: now, exp: now + 300, jti: randomUUID(), ...claims };
		const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
		return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
	};

	return { n8n, stripe, books, smtp, gateway, jwt, request, waitFor, api, ok };
}

module.exports = { clients, loadState, STATE_ENV };

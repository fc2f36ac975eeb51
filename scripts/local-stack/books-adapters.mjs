#!/usr/bin/env node
// After n8n is up (`npm start`): publishes the imported books adapters (n8n runs a
// sub-workflow's published version, docs/books-api.md "Publish the adapter") and, with
// --load-demo-tables, runs the Data Tables setup workflow with its demo data. Data Tables exist
// only inside the n8n server (not under `n8n execute`), so the setup is called as a process
// calls an adapter: a short-lived webhook workflow whose Execute Workflow node runs it, removed
// afterwards with the API key this script made.
//   node scripts/local-stack/books-adapters.mjs --url http://127.0.0.1:5678 --email E \
//     --password P --adapters invPayBooksRest,invPayBooksTables,invPayBooksSetup \
//     [--load-demo-tables invPayBooksSetup]
// Prints one JSON line: the adapters published and what the setup answered.
import { fail, parseArgs } from './args.mjs';

const args = parseArgs(process.argv.slice(2), {
	url: 'string',
	email: 'string',
	password: 'string',
	adapters: 'string',
	'load-demo-tables': 'string',
});
const base = (args.url ?? 'http://127.0.0.1:5678').replace(/\/+$/, '');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function call(method, path, { cookie, apiKey, body } = {}) {
	const res = await fetch(`${base}${path}`, {
		method,
		headers: {
			'content-type': 'application/json',
			...(cookie ? { cookie } : {}),
			...(apiKey ? { 'X-N8N-API-KEY': apiKey } : {}),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
		signal: AbortSignal.timeout(120_000),
	});
	const text = await res.text();
	if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
	return { res, json: text ? JSON.parse(text) : null };
}

async function session() {
	const { res } = await call('POST', '/rest/login', {
		body: { emailOrLdapLoginId: args.email, password: args.password },
	});
	const auth = (res.headers.getSetCookie?.() ?? []).find((c) => c.startsWith('n8n-auth='));
	if (!auth) throw new Error('login: no n8n-auth cookie');
	const cookie = auth.split(';')[0];
	const scopes = (await call('GET', '/rest/api-keys/scopes', { cookie })).json.data;
	const created = (
		await call('POST', '/rest/api-keys', {
			cookie,
			body: { label: `npm start: books adapters ${Date.now()}`, scopes, expiresAt: null },
		})
	).json.data;
	return { cookie, apiKey: created.rawApiKey ?? created.apiKey, apiKeyId: created.id };
}

/** Publishes a workflow and waits until n8n runs that version (2.x publishes a moment later). */
async function publish(id, { cookie, apiKey }) {
	const { json } = await call('POST', `/api/v1/workflows/${id}/activate`, { apiKey, body: {} });
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline) {
		const status = (await call('GET', `/rest/workflows/${id}/publication-status`, { cookie })).json
			.data;
		if (status.status === 'published' && status.liveVersionId === json.versionId) return;
		await sleep(200);
	}
	throw new Error(`workflow ${id} was not published within 30 s`);
}

/** Runs the setup workflow once, through Execute Workflow in the server, with the demo data. */
async function loadDemoTables(setupId, auth) {
	const hookPath = `npm-start-books-setup-${Date.now()}`;
	const { json: harness } = await call('POST', '/api/v1/workflows', {
		apiKey: auth.apiKey,
		body: {
			name: 'npm start: load the demo books into Data Tables',
			nodes: [
				{
					id: 'demo-books-webhook',
					name: 'Load the demo books',
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					position: [0, 0],
					webhookId: hookPath,
					parameters: { httpMethod: 'POST', path: hookPath, responseMode: 'lastNode', options: {} },
				},
				{
					id: 'demo-books-request',
					name: 'Setup request',
					type: 'n8n-nodes-base.set',
					typeVersion: 3.4,
					position: [220, 0],
					parameters: { mode: 'raw', jsonOutput: '{ "loadDemoData": true }', options: {} },
				},
				{
					id: 'demo-books-setup',
					name: 'Books tables setup',
					type: 'n8n-nodes-base.executeWorkflow',
					typeVersion: 1.2,
					position: [440, 0],
					parameters: {
						source: 'database',
						workflowId: { __rl: true, mode: 'id', value: setupId },
						mode: 'once',
						options: { waitForSubWorkflow: true },
					},
				},
			],
			connections: {
				'Load the demo books': { main: [[{ node: 'Setup request', type: 'main', index: 0 }]] },
				'Setup request': { main: [[{ node: 'Books tables setup', type: 'main', index: 0 }]] },
			},
			settings: { executionOrder: 'v1' },
		},
	});
	try {
		await publish(harness.id, auth);
		const { json } = await call('POST', `/webhook/${hookPath}`, { body: {} });
		return json;
	} finally {
		await call('POST', `/api/v1/workflows/${harness.id}/deactivate`, { apiKey: auth.apiKey });
		await removeWhenUnpublished(harness.id, auth);
	}
}

/**
 * Deletes a workflow once n8n has unpublished it: 2.x unpublishes through an outbox too, and
 * answers 409 "still being unpublished" to a delete that comes before.
 */
async function removeWhenUnpublished(id, { apiKey }) {
	const deadline = Date.now() + 30_000;
	for (;;) {
		try {
			await call('DELETE', `/api/v1/workflows/${id}`, { apiKey });
			return;
		} catch (error) {
			if (!/HTTP 409/.test(String(error.message)) || Date.now() > deadline) throw error;
			await sleep(300);
		}
	}
}

try {
	const auth = await session();
	try {
		const adapters = (args.adapters ?? '').split(',').filter(Boolean);
		for (const id of adapters) await publish(id, auth);
		const setupId = args['load-demo-tables'];
		const tables = setupId ? await loadDemoTables(setupId, auth) : null;
		console.log(JSON.stringify({ published: adapters, tables }));
	} finally {
		await call('DELETE', `/rest/api-keys/${auth.apiKeyId}`, { cookie: auth.cookie });
	}
} catch (error) {
	fail(error);
}

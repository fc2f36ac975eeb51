'use strict';
// @ts-check
/**
 * The workflows the webhook bench drives, each its trigger alone (so the executions differ only
 * in the trigger): our Payment Webhook Trigger (Stripe, its own endpoint registered on the Stripe
 * server on activation, every event verified and deduplicated; `options` as the node takes them,
 * e.g. `{ rereadPayment: false }`) and n8n's plain Webhook node (POST, answers as soon as the
 * execution starts, verifies nothing). Created and published through n8n's public API;
 * executions counted through its REST API.
 */
const { randomUUID } = require('node:crypto');

const { clients } = require('../../test/e2e/support/clients');
const { openEndpointSecret } = require('../../nodes/core/webhooks/endpointSecretSeal');
const { PACKAGE_NAME, STRIPE_CREDENTIAL } = require('./n8n-stack');

const TRIGGER_NODE = 'Payment Webhook Trigger';

function ourWorkflow(name, options) {
	return {
		name,
		nodes: [
			{
				id: randomUUID(),
				name: TRIGGER_NODE,
				type: `${PACKAGE_NAME}.paymentWebhookTrigger`,
				typeVersion: 2,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: {
					provider: 'stripe',
					endpointMode: 'automatic',
					options,
				},
				credentials: {
					stripeInvoicePaymentsApi: { id: STRIPE_CREDENTIAL, name: 'Stripe' },
				},
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}

function plainWorkflow(path) {
	return {
		name: 'Bench: plain Webhook',
		nodes: [
			{
				id: randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}

function benchClients(state) {
	const c = clients(state);
	const ok = (res, what) => {
		if (res.status >= 300) throw new Error(`${what}: HTTP ${res.status} ${res.text.slice(0, 500)}`);
		return res.json;
	};
	const api = (method, path, body) =>
		c.request(method, `${state.n8nUrl}/api/v1${path}`, {
			headers: { 'X-N8N-API-KEY': state.apiKey },
			body,
		});

	/** Creates the workflow and publishes it; resolves once its webhooks are live. */
	async function createActive(workflow) {
		const created = ok(await api('POST', '/workflows', workflow), `creating ${workflow.name}`);
		const active = ok(
			await api('POST', `/workflows/${created.id}/activate`, {}),
			`activating ${workflow.name}`,
		);
		await c.n8n.published(created.id, active.versionId);
		return created.id;
	}

	return {
		async ours({ name = 'Bench: Payment Webhook Trigger', options = {} } = {}) {
			const id = await createActive(ourWorkflow(name, options));
			// the trigger made its endpoint on the Stripe server and keeps the signing secret, sealed, in
			// its static data, which n8n saves with the workflow
			const kept = await c.waitFor('the trigger to keep its endpoint secret', async () => {
				const workflow = ok(await api('GET', `/workflows/${id}`), 'GET workflow');
				return workflow.staticData?.[`node:${TRIGGER_NODE}`]?.sealedEndpointSecret
					? workflow.staticData[`node:${TRIGGER_NODE}`]
					: null;
			});
			const endpoints = (await c.stripe.api('GET', '/webhook_endpoints?limit=100')).data;
			const endpoint = endpoints.find((e) => e.id === kept.endpointId);
			if (!endpoint) throw new Error(`the Stripe server has no endpoint ${kept.endpointId}`);
			// sealed with a key derived from the Stripe credential's key (the trigger's own rule)
			const secret = openEndpointSecret({
				sealed: kept.sealedEndpointSecret,
				stripeSecretKey: state.credentials[STRIPE_CREDENTIAL].data.secretKey,
				endpointId: kept.endpointId,
			});
			return { id, url: endpoint.url, secret };
		},
		async plain() {
			const path = `bench-plain-${randomUUID().slice(0, 8)}`;
			const id = await createActive(plainWorkflow(path));
			return { id, url: c.n8n.webhook(path) };
		},
		/** Executions of the workflow: all of them, and those not finished yet. */
		async executions(workflowId) {
			const count = async (filter) => {
				const query = new URLSearchParams({ filter: JSON.stringify(filter), limit: '1' });
				const res = await c.request('GET', `${state.n8nUrl}/rest/executions?${query}`, {
					headers: { cookie: state.cookie },
				});
				return ok(res, 'executions').data.count;
			};
			const [all, unfinished] = await Promise.all([
				count({ workflowId }),
				count({ workflowId, status: ['new', 'running'] }),
			]);
			return { all, unfinished };
		},
		waitFor: c.waitFor,
	};
}

module.exports = { benchClients };

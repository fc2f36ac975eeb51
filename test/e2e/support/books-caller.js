'use strict';
// @ts-check
/**
 * The workflow a test calls a books adapter through, as a process does (docs/books-api.md):
 * a webhook's `requests` as items, n8n's Execute Workflow node running the adapter once with all
 * of them (Run once with all items), the answers in the webhook's response. It runs in the n8n
 * server: `n8n execute`'s process has no Data Tables module.
 */

/**
 * @param {string} workflowId the adapter to call
 * @param {string} hookPath the webhook's path (unique per test file)
 * @param {string} name the workflow's name
 */
function booksCallerWorkflow(workflowId, hookPath, name) {
	return {
		name,
		nodes: [
			{
				id: 'books-call-webhook',
				name: 'Books call',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: hookPath,
				parameters: {
					httpMethod: 'POST',
					path: hookPath,
					responseMode: 'responseNode',
					options: {},
				},
			},
			{
				id: 'books-call-requests',
				name: 'Requests',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: {
					jsCode: "return $('Books call').first().json.body.requests.map((json) => ({ json }));",
				},
			},
			{
				id: 'books-call-adapter',
				name: 'Books',
				type: 'n8n-nodes-base.executeWorkflow',
				typeVersion: 1.2,
				position: [440, 0],
				parameters: {
					source: 'database',
					workflowId: { __rl: true, mode: 'id', value: workflowId },
					mode: 'once',
					options: { waitForSubWorkflow: true },
				},
			},
			{
				id: 'books-call-answers',
				name: 'Answers',
				type: 'n8n-nodes-base.respondToWebhook',
				typeVersion: 1.1,
				position: [660, 0],
				parameters: {
					respondWith: 'json',
					responseBody: '={{ JSON.stringify({ answers: $input.all().map((item) => item.json) }) }}',
					options: {},
				},
			},
		],
		connections: {
			'Books call': { main: [[{ node: 'Requests', type: 'main', index: 0 }]] },
			Requests: { main: [[{ node: 'Books', type: 'main', index: 0 }]] },
			Books: { main: [[{ node: 'Answers', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/**
 * Starts a workflow's manual trigger in the n8n server (as the editor's button does: the Data
 * Tables module lives there, not in `n8n execute`'s process) and waits for the execution's end;
 * the execution with its data.
 * @param {{ state: any, request: any, waitFor: any }} c the e2e clients and the stack's state
 * @param {string} workflowId
 * @param {string} trigger the manual trigger's name
 */
async function runInServer({ state, request, waitFor }, workflowId, trigger) {
	const started = await request('POST', `${state.n8nUrl}/rest/workflows/${workflowId}/run`, {
		headers: { cookie: state.cookie },
		body: { triggerToStartFrom: { name: trigger } },
		timeoutMs: 60_000,
	});
	const executionId = started.json?.data?.executionId;
	if (started.status !== 200 || !executionId)
		throw new Error(`run ${workflowId}: HTTP ${started.status} ${started.text.slice(0, 500)}`);
	return waitFor(
		`execution ${executionId} of ${workflowId}`,
		async () => {
			const res = await request(
				'GET',
				`${state.n8nUrl}/api/v1/executions/${executionId}?includeData=true`,
				{ headers: { 'X-N8N-API-KEY': state.apiKey } },
			);
			if (res.status >= 300)
				throw new Error(`execution ${executionId}: HTTP ${res.status} ${res.text.slice(0, 500)}`);
			return ['success', 'error', 'crashed', 'canceled'].includes(res.json.status)
				? res.json
				: null;
		},
		{ timeoutMs: 120_000, intervalMs: 500 },
	);
}

/**
 * Refunds a payment in full in the local Stripe server, as the business does in Stripe's
 * dashboard: the refund's events then reach the payment-status workflow. The HTTP answer.
 * @param {{ state: any, request: any }} c the e2e clients and the stack's state
 * @param {string} paymentIntentId
 */
function refundInStripe({ state, request }, paymentIntentId) {
	return request('POST', `${state.stripeUrl}/v1/refunds`, {
		headers: {
			authorization: `Bearer ${state.credentials.invPayStripeDemo.data.secretKey}`,
			'content-type': 'application/x-www-form-urlencoded',
		},
		body: new URLSearchParams({ payment_intent: paymentIntentId }).toString(),
	});
}

module.exports = { booksCallerWorkflow, refundInStripe, runInServer };

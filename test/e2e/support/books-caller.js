'use strict';
// @ts-check
/**
 * How a test calls a books adapter as a process does: through the one books-caller workflow
 * (test/fakes/books-caller-workflow.js), which runs in the n8n server (`n8n execute`'s process
 * has no Data Tables module).
 */
const { booksCallerWorkflow } = require('../../fakes/books-caller-workflow');

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

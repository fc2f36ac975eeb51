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

module.exports = { booksCallerWorkflow };

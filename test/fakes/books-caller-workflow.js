'use strict';
// @ts-check
/**
 * The one workflow that calls a books adapter from outside a process (docs/books-api.md): a
 * webhook's body `{ requests: [...] }` as items, n8n's Execute Workflow node running the adapter
 * once with all of them (Run once with all items), `{ answers: [...] }` in the webhook's
 * response. The e2e tests call the books through it (test/e2e/support/books-caller.js), and so
 * does the customer portal of `npm start` (scripts/local-stack/demo-story.mjs), with the books'
 * webhook key.
 */

/**
 * @param {string} adapterWorkflowId the books adapter to call
 * @param {string} hookPath the webhook's path
 * @param {string} name the workflow's name
 * @param {{ id?: string, headerAuthCredential?: { id: string, name: string },
 *   keepSuccessfulExecutions?: boolean }} [options] `headerAuthCredential`: the webhook asks for
 *   that Header Auth credential's key; `keepSuccessfulExecutions: false` for a caller that runs
 *   all day (n8n keeps no data of its successful runs)
 */
function booksCallerWorkflow(adapterWorkflowId, hookPath, name, options = {}) {
	const { id, headerAuthCredential, keepSuccessfulExecutions = true } = options;
	return {
		...(id === undefined ? {} : { id }),
		name,
		nodes: [
			{
				id: 'books-call-webhook',
				name: 'Books call',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: hookPath.replace(/[^A-Za-z0-9-]/g, '-'),
				parameters: {
					httpMethod: 'POST',
					path: hookPath,
					...(headerAuthCredential === undefined ? {} : { authentication: 'headerAuth' }),
					responseMode: 'responseNode',
					options: {},
				},
				...(headerAuthCredential === undefined
					? {}
					: { credentials: { httpHeaderAuth: headerAuthCredential } }),
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
					workflowId: { __rl: true, mode: 'id', value: adapterWorkflowId },
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
		settings: {
			executionOrder: 'v1',
			...(keepSuccessfulExecutions ? {} : { saveDataSuccessExecution: 'none' }),
		},
	};
}

module.exports = { booksCallerWorkflow };

#!/usr/bin/env node
// The demo story of `npm start` (test/fakes/demo-story.js, README "The first ten minutes"):
//   node scripts/local-stack/demo-story.mjs seed --stripe-url http://127.0.0.1:12111
//     seeds the (fresh, in-memory) Stripe test server with the story's customers
//   node scripts/local-stack/demo-story.mjs portal-books-workflow --books-workflow-id ID > file.json
//     the workflow the customer portal reads the books through (imported by `npm start`)
import { pathToFileURL } from 'node:url';

import story from '../../test/fakes/demo-story.js';

import { fail, parseArgs } from './args.mjs';
import { CREDENTIAL_IDS } from './credentials.mjs';

/** The portal reads the books through the books adapter, as the processes do. */
export const PORTAL_BOOKS_WORKFLOW_ID = 'invPayDemoPortalBk';
export const PORTAL_BOOKS_PATH = 'demo-portal/books';

/**
 * A webhook (the books' webhook key, Header Auth) whose body `{ requests: [...] }` goes to the
 * books adapter in one call (Execute Workflow, Run once with all items); it answers
 * `{ answers: [...] }`. The customer portal of the local stack calls it: it works the same on
 * the Data Tables books and the REST books.
 * @param {string} booksWorkflowId
 */
export function portalBooksWorkflow(booksWorkflowId) {
	return {
		id: PORTAL_BOOKS_WORKFLOW_ID,
		name: 'Demo: customer portal reads the books',
		nodes: [
			{
				id: 'demo-portal-books-webhook',
				name: 'Portal asks the books',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: 'demo-portal-books',
				parameters: {
					httpMethod: 'POST',
					path: PORTAL_BOOKS_PATH,
					authentication: 'headerAuth',
					responseMode: 'responseNode',
					options: {},
				},
				credentials: {
					httpHeaderAuth: {
						id: CREDENTIAL_IDS.booksWebhook,
						name: 'Books to n8n webhook key',
					},
				},
			},
			{
				id: 'demo-portal-books-requests',
				name: 'Requests',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: {
					jsCode:
						"return $('Portal asks the books').first().json.body.requests.map((json) => ({ json }));",
				},
			},
			{
				id: 'demo-portal-books-adapter',
				name: 'Books',
				type: 'n8n-nodes-base.executeWorkflow',
				typeVersion: 1.2,
				position: [440, 0],
				parameters: {
					source: 'database',
					workflowId: { __rl: true, mode: 'id', value: booksWorkflowId },
					mode: 'once',
					options: { waitForSubWorkflow: true },
				},
			},
			{
				id: 'demo-portal-books-answers',
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
			'Portal asks the books': { main: [[{ node: 'Requests', type: 'main', index: 0 }]] },
			Requests: { main: [[{ node: 'Books', type: 'main', index: 0 }]] },
			Books: { main: [[{ node: 'Answers', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'none' },
	};
}

async function main() {
	const [command, ...rest] = process.argv.slice(2);
	const args = parseArgs(rest, { 'stripe-url': 'string', 'books-workflow-id': 'string' });
	if (command === 'seed') {
		if (!args['stripe-url']) throw new Error('--stripe-url is required');
		const { customers } = await story.seedStripe(args['stripe-url']);
		const mapped = new Set(story.STORY.mapping.mapped);
		console.log(
			`${customers.length} Stripe customers: ${customers.map((c) => c.name).join(', ')} (${mapped.size} to map by name)`,
		);
	} else if (command === 'portal-books-workflow') {
		if (!args['books-workflow-id']) throw new Error('--books-workflow-id is required');
		process.stdout.write(
			`${JSON.stringify(portalBooksWorkflow(args['books-workflow-id']), null, 2)}\n`,
		);
	} else {
		throw new Error(
			'usage: demo-story.mjs seed --stripe-url URL | portal-books-workflow --books-workflow-id ID',
		);
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	main().catch(fail);
}

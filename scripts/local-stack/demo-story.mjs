#!/usr/bin/env node
// The demo story of `npm start` (test/fakes/demo-story.js, README "The first ten minutes"):
//   node scripts/local-stack/demo-story.mjs seed --stripe-url http://127.0.0.1:12111
//     seeds the (fresh, in-memory) Stripe test server with the story's customers
//   node scripts/local-stack/demo-story.mjs portal-books-workflow --books-workflow-id ID > file.json
//     the workflow the customer portal reads the books through (imported by `npm start`)
import { pathToFileURL } from 'node:url';

import booksCaller from '../../test/fakes/books-caller-workflow.js';
import story from '../../test/fakes/demo-story.js';

import { fail, parseArgs } from './args.mjs';
import { CREDENTIAL_IDS } from './credentials.mjs';

const { booksCallerWorkflow } = booksCaller;

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
	return booksCallerWorkflow(
		booksWorkflowId,
		PORTAL_BOOKS_PATH,
		'Demo: customer portal reads the books',
		{
			id: PORTAL_BOOKS_WORKFLOW_ID,
			headerAuthCredential: { id: CREDENTIAL_IDS.booksWebhook, name: 'Books to n8n webhook key' },
			keepSuccessfulExecutions: false,
		},
	);
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

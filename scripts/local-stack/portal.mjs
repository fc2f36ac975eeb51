#!/usr/bin/env node
// The demo customer portal of the local stack (test/fakes/demo-portal.js), on the books' side:
//   node scripts/local-stack/portal.mjs --port 4020 --n8n-url http://127.0.0.1:5678 \
//     --stripe-url http://127.0.0.1:12111 [--fee-percent 3] \
//     [--mailbox-url http://127.0.0.1:8025/messages]
// It reads the books through the workflow demo-story.mjs makes (the books adapter behind a
// webhook with the books' webhook key), pays through the shipped pay workflow's webhooks with
// the portal's and the agents' demo JWT secrets, and asks the Stripe fake for the add-method
// and customer portal pages; /mailbox shows the SMTP sink's mails. Uses the built package's
// money rules (run `npm run build` first).
import portal from '../../test/fakes/demo-portal.js';

import { fail, parseArgs, stopOnSignal } from './args.mjs';
import { DEMO_SECRETS, STRIPE_DEMO_SECRET_KEY } from './credentials.mjs';
import { PORTAL_BOOKS_PATH } from './demo-story.mjs';

try {
	const args = parseArgs(process.argv.slice(2), {
		port: 'port',
		host: 'string',
		'n8n-url': 'string',
		'stripe-url': 'string',
		'fee-percent': 'string',
		'mailbox-url': 'string',
	});
	for (const required of ['n8n-url', 'stripe-url']) {
		if (args[required] === undefined) throw new Error(`--${required} is required`);
	}
	const server = await portal.startPortal({
		port: args.port ?? 4020,
		host: args.host ?? '127.0.0.1',
		feePercent: args['fee-percent'] ?? '0',
		deps: portal.n8nDeps({
			n8nUrl: args['n8n-url'],
			stripeUrl: args['stripe-url'],
			stripeSecretKey: STRIPE_DEMO_SECRET_KEY,
			booksWebhookKey: DEMO_SECRETS.booksWebhookKey,
			booksPath: PORTAL_BOOKS_PATH,
			portalJwtSecret: DEMO_SECRETS.portalJwtSecret,
			agentJwtSecret: DEMO_SECRETS.agentJwtSecret,
			mailboxUrl: args['mailbox-url'],
		}),
	});
	console.log(`Customer portal: ${server.url}`);
	stopOnSignal(() => server.close());
} catch (error) {
	fail(error);
}

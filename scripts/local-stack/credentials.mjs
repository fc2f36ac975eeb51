#!/usr/bin/env node
// The n8n credentials of the local stack, in `n8n import:credentials` format (plaintext `data`,
// which n8n encrypts on import). Fixed ids, so the bundled workflows can name them.
//   node scripts/local-stack/credentials.mjs --stripe-url http://127.0.0.1:12111 --smtp-port 2525 \
//     --books-token T > credentials.json
import { pathToFileURL } from 'node:url';

import { fail, parseArgs } from './args.mjs';

export const CREDENTIAL_IDS = {
	stripe: 'invPayStripeDemo',
	smtp: 'invPaySmtpSink01',
	books: 'invPayBooksApi01',
};

export const STRIPE_DEMO_SECRET_KEY = 'sk_test_local_demo';

export function localStackCredentials({ stripeUrl, smtpPort, booksToken }) {
	return [
		{
			id: CREDENTIAL_IDS.stripe,
			name: 'Stripe (local test server)',
			type: 'stripeInvoicePaymentsApi',
			data: {
				secretKey: STRIPE_DEMO_SECRET_KEY,
				publishableKey: 'pk_test_local_demo',
				webhookSigningSecret: '',
				apiBaseUrl: stripeUrl,
			},
		},
		{
			id: CREDENTIAL_IDS.smtp,
			name: 'Local SMTP sink',
			type: 'smtp',
			// no user: n8n's Send Email then skips AUTH; the sink offers no TLS
			data: {
				user: '',
				password: '',
				host: '127.0.0.1',
				port: smtpPort,
				secure: false,
				disableStartTls: true,
				hostName: '',
			},
		},
		{
			id: CREDENTIAL_IDS.books,
			name: 'Books API (demo)',
			type: 'httpHeaderAuth',
			data: { name: 'Authorization', value: `Bearer ${booksToken}` },
		},
	];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	try {
		const args = parseArgs(process.argv.slice(2), {
			'stripe-url': 'string',
			'smtp-port': 'port',
			'books-token': 'string',
		});
		for (const required of ['stripe-url', 'smtp-port', 'books-token']) {
			if (args[required] === undefined) throw new Error(`--${required} is required`);
		}
		const credentials = localStackCredentials({
			stripeUrl: args['stripe-url'],
			smtpPort: args['smtp-port'],
			booksToken: args['books-token'],
		});
		process.stdout.write(`${JSON.stringify(credentials, null, 2)}\n`);
	} catch (error) {
		fail(error);
	}
}

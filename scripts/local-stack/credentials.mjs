#!/usr/bin/env node
// The n8n credentials of the local stack, in `n8n import:credentials` format (plaintext `data`,
// which n8n encrypts on import). Fixed ids, so the bundled workflows can name them.
//   node scripts/local-stack/credentials.mjs --stripe-url http://127.0.0.1:12111 --smtp-port 2525 \
//     --books-token T [--gateway360-url http://127.0.0.1:12112] > credentials.json
import { pathToFileURL } from 'node:url';

import { fail, parseArgs } from './args.mjs';

export const CREDENTIAL_IDS = {
	stripe: 'invPayStripeDemo',
	smtp: 'invPaySmtpSink01',
	books: 'invPayBooksApi01',
	// the bundled workflows' other credentials (workflows/*.json name these ids)
	booksWebhook: 'invPayBooksHook1',
	portalJwt: 'invPayPayerJwt01',
	agentJwt: 'invPayAgentJwt01',
	gateway360: 'invPay360Demo001',
	invoiceLinks: 'invPayLinkSign01',
};

export const STRIPE_DEMO_SECRET_KEY = 'sk_test_local_demo';

// Demo values for the local stack only: the fake 360 gateway is started with the same keys.
export const DEMO_SECRETS = {
	booksWebhookKey: 'books-to-n8n-demo-key-5f2c9a71',
	// two signers, two secrets: a portal token can never pass as an agent's
	portalJwtSecret: 'portal-jwt-demo-secret-0c4e8b2d71f5',
	agentJwtSecret: 'agents-app-jwt-demo-secret-4a9d1e63b8c2',
	gateway360SecurityKey: 'demo360-security-key-7d41c0a9e2',
	gateway360TokenKey: 'demo360-tokenkey-3b8e51',
	gateway360SigningKey: 'demo360-webhook-signing-key-9a7f',
	invoiceLinkSecret: 'web-invoice-link-demo-secret-6e0d3f9b27c14a58',
};

export function localStackCredentials({
	stripeUrl,
	smtpPort,
	booksToken,
	gateway360Url = 'http://127.0.0.1:12112',
}) {
	return [
		{
			id: CREDENTIAL_IDS.stripe,
			name: 'Stripe',
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
			name: 'SMTP',
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
			name: 'Books API',
			type: 'httpHeaderAuth',
			data: { name: 'Authorization', value: `Bearer ${booksToken}` },
		},
		{
			// what the books send when they call the workflows' webhooks
			id: CREDENTIAL_IDS.booksWebhook,
			name: 'Books to n8n webhook key',
			type: 'httpHeaderAuth',
			data: { name: 'X-Books-Webhook-Key', value: DEMO_SECRETS.booksWebhookKey },
		},
		{
			// verifies the tokens the customers' portal issues (HS256, sub = books caller id)
			id: CREDENTIAL_IDS.portalJwt,
			name: 'Portal tokens',
			type: 'jwtAuth',
			data: { keyType: 'passphrase', secret: DEMO_SECRETS.portalJwtSecret, algorithm: 'HS256' },
		},
		{
			// verifies the tokens the agents' app issues, with a secret of its own
			id: CREDENTIAL_IDS.agentJwt,
			name: "Agents' app tokens",
			type: 'jwtAuth',
			data: { keyType: 'passphrase', secret: DEMO_SECRETS.agentJwtSecret, algorithm: 'HS256' },
		},
		{
			id: CREDENTIAL_IDS.gateway360,
			name: '360 Payments',
			type: 'payments360Api',
			data: {
				securityKey: DEMO_SECRETS.gateway360SecurityKey,
				tokenKey: DEMO_SECRETS.gateway360TokenKey,
				gatewayBaseUrl: gateway360Url,
				webhookSigningKey: DEMO_SECRETS.gateway360SigningKey,
			},
		},
		{
			id: CREDENTIAL_IDS.invoiceLinks,
			name: 'Web invoice links',
			type: 'invoiceLinkSigningApi',
			data: { secret: DEMO_SECRETS.invoiceLinkSecret, previousSecret: '' },
		},
	];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	try {
		const args = parseArgs(process.argv.slice(2), {
			'stripe-url': 'string',
			'smtp-port': 'port',
			'books-token': 'string',
			'gateway360-url': 'string',
		});
		for (const required of ['stripe-url', 'smtp-port', 'books-token']) {
			if (args[required] === undefined) throw new Error(`--${required} is required`);
		}
		const credentials = localStackCredentials({
			stripeUrl: args['stripe-url'],
			smtpPort: args['smtp-port'],
			booksToken: args['books-token'],
			gateway360Url: args['gateway360-url'],
		});
		process.stdout.write(`${JSON.stringify(credentials, null, 2)}\n`);
	} catch (error) {
		fail(error);
	}
}

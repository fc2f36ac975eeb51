#!/usr/bin/env node
// The 360 Payments test gateway for the local stack, with the demo keys of the local stack's
// "360 Payments" credential (credentials.mjs):
//   node scripts/local-stack/gateway360.mjs --port 12112 [--webhook-url URL]
// Its webhooks are signed by the built package (run `npm run build` first).
import gateway from '../../test/fakes/gateway360-server.js';

import { fail, parseArgs, stopOnSignal } from './args.mjs';
import { DEMO_SECRETS } from './credentials.mjs';

try {
	const args = parseArgs(process.argv.slice(2), {
		port: 'port',
		host: 'string',
		'webhook-url': 'string',
	});
	const server = await gateway.startGateway360Server({
		port: args.port ?? 12112,
		host: args.host ?? '127.0.0.1',
		securityKeys: [DEMO_SECRETS.gateway360SecurityKey],
		tokenKeys: [DEMO_SECRETS.gateway360TokenKey],
		signingKey: DEMO_SECRETS.gateway360SigningKey,
		...(args['webhook-url'] ? { webhookUrl: args['webhook-url'] } : {}),
	});
	console.log(`360 Payments gateway: ${server.url}`);
	stopOnSignal(() => server.close());
} catch (error) {
	fail(error);
}

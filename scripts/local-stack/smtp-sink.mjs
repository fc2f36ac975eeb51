#!/usr/bin/env node
// SMTP sink for the local stack: `node scripts/local-stack/smtp-sink.mjs --port 2525 --http-port 8025`
// accepts every mail on --port and shows them at http://127.0.0.1:<http-port>/messages.
import sink from '../../test/fakes/smtp-sink.js';

import { fail, parseArgs, stopOnSignal } from './args.mjs';

try {
	const args = parseArgs(process.argv.slice(2), {
		port: 'port',
		'http-port': 'port',
		host: 'string',
	});
	const server = await sink.startSmtpSink({
		smtpPort: args.port ?? 2525,
		httpPort: args['http-port'] ?? 8025,
		host: args.host ?? '127.0.0.1',
	});
	console.log(
		`SMTP sink: smtp://${args.host ?? '127.0.0.1'}:${server.smtpPort}, messages at ${server.httpUrl}/messages`,
	);
	stopOnSignal(() => server.close());
} catch (error) {
	fail(error);
}

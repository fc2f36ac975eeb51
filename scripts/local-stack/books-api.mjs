#!/usr/bin/env node
// The demo books API (docs/books-api.md) for the local stack:
//   node scripts/local-stack/books-api.mjs --port 4010 [--token T] [--time-zone Europe/Berlin]
//     [--seed demo|empty|file.json] [--today YYYY-MM-DD]
// The token defaults to $BOOKS_API_TOKEN (no token: no auth), the time zone to $BOOKS_TIME_ZONE
// or UTC.
import { readFileSync } from 'node:fs';

import books from '../../test/fakes/books-api.js';

import { fail, parseArgs, stopOnSignal } from './args.mjs';

try {
	const args = parseArgs(process.argv.slice(2), {
		port: 'port',
		host: 'string',
		token: 'string',
		'time-zone': 'string',
		seed: 'string',
		today: 'string',
	});
	const seed =
		args.seed && !['demo', 'empty'].includes(args.seed)
			? JSON.parse(readFileSync(args.seed, 'utf8'))
			: args.seed;
	const server = await books.startBooksApi({
		port: args.port ?? 4010,
		host: args.host ?? '127.0.0.1',
		token: args.token ?? process.env.BOOKS_API_TOKEN ?? null,
		timeZone: args['time-zone'] ?? process.env.BOOKS_TIME_ZONE ?? 'UTC',
		seed,
		today: args.today ?? null,
	});
	console.log(`Books API: ${server.url} (${server.state().invoices.length} invoices)`);
	stopOnSignal(() => server.close());
} catch (error) {
	fail(error);
}

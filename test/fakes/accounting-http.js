'use strict';
// @ts-check
/**
 * What the local accounting fakes (quickbooks-server.js, xero-server.js) share and neither
 * provider defines: reading a body, answering, counting requests in sliding windows, issuing
 * refresh-token grants, and listening on the loopback. The providers' own rules (limits, error
 * bodies, idempotency) live in each fake with the page they follow named.
 */
const http = require('node:http');
const { randomBytes } = require('node:crypto');

const MAX_BODY_BYTES = 1024 * 1024;

class BodyTooLarge extends Error {}

/** @param {import('node:http').IncomingMessage} req @returns {Promise<string>} */
function readBody(req, maxBytes = MAX_BODY_BYTES) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size > maxBytes) {
				reject(new BodyTooLarge('Body too large'));
				req.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/** @param {import('node:http').ServerResponse} res */
function send(res, status, body, headers = {}) {
	const text = typeof body === 'string' ? body : JSON.stringify(body);
	res.writeHead(status, {
		'content-type':
			typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
		'content-length': Buffer.byteLength(text),
		...headers,
	});
	res.end(text);
}

/** Arrival times let through within `windowMs`; `count()` prunes the old ones. */
class SlidingWindow {
	constructor(windowMs) {
		this.windowMs = windowMs;
		/** @type {number[]} */
		this.arrivals = [];
	}

	count(now) {
		while (this.arrivals.length && this.arrivals[0] <= now - this.windowMs) this.arrivals.shift();
		return this.arrivals.length;
	}

	/** Milliseconds until the oldest arrival leaves the window (0 when there is room). */
	waitMs(now) {
		return this.arrivals.length ? Math.max(0, this.arrivals[0] + this.windowMs - now) : 0;
	}

	take(now) {
		this.arrivals.push(now);
	}
}

/** The windows of one scope (a realm, a tenant), made on first use. */
function windowsOf(map, key, spans) {
	if (!map.has(key)) {
		map.set(key, {
			inFlight: 0,
			windows: Object.fromEntries(
				Object.entries(spans).map(([name, ms]) => [name, new SlidingWindow(ms)]),
			),
		});
	}
	return map.get(key);
}

/**
 * OAuth 2.0 refresh-token grants (RFC 6749 section 6) as both providers' token endpoints answer
 * them: a refresh token is exchanged for a new access token (and a new refresh token), which the
 * fake then accepts; the old access token keeps working until revoked.
 */
class TokenIssuer {
	/** @param {Set<string>} accessTokens @param {string[]} refreshTokens */
	constructor(accessTokens, refreshTokens, prefix) {
		this.accessTokens = accessTokens;
		this.refreshTokens = new Set(refreshTokens);
		this.prefix = prefix;
		this.grants = 0;
	}

	/** @param {URLSearchParams} form @returns {{status: number, body: object}} */
	grant(form) {
		if (form.get('grant_type') !== 'refresh_token') {
			return { status: 400, body: { error: 'unsupported_grant_type' } };
		}
		const refreshToken = form.get('refresh_token') || '';
		if (!this.refreshTokens.has(refreshToken))
			return { status: 400, body: { error: 'invalid_grant' } };
		this.refreshTokens.delete(refreshToken);
		const accessToken = `${this.prefix}_at_${randomBytes(12).toString('hex')}`;
		const nextRefresh = `${this.prefix}_rt_${randomBytes(12).toString('hex')}`;
		this.accessTokens.add(accessToken);
		this.refreshTokens.add(nextRefresh);
		this.grants++;
		return {
			status: 200,
			body: {
				access_token: accessToken,
				refresh_token: nextRefresh,
				token_type: 'Bearer',
				expires_in: 1800,
			},
		};
	}
}

function bearerOf(req) {
	const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization || '');
	return match ? match[1] : '';
}

/**
 * Listens on the loopback and closes with its sockets.
 * @param {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => unknown} handler
 */
async function listen(handler, port, host) {
	const sockets = new Set();
	const server = http.createServer(handler);
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await /** @type {Promise<void>} */ (
		new Promise((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, host, () => {
				server.off('error', reject);
				resolve();
			});
		})
	);
	const boundPort = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
	return {
		port: boundPort,
		url: `http://${host}:${boundPort}`,
		close: () =>
			/** @type {Promise<void>} */ (
				new Promise((resolve) => {
					for (const socket of sockets) socket.destroy();
					server.close(() => resolve());
				})
			),
	};
}

/** A currency's minor-unit exponent for the fakes' sums (the books' own decimals rule). */
const ZERO_DECIMAL = ['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'UGX', 'XAF', 'XOF'];
const decimalsOf = (currency) => (ZERO_DECIMAL.includes(String(currency).toUpperCase()) ? 0 : 2);
/** The providers' JSON numbers as integer minor units and back, so sums are exact. */
const toMinor = (amount, currency) => Math.round(Number(amount) * 10 ** decimalsOf(currency));
const fromMinor = (minor, currency) => minor / 10 ** decimalsOf(currency);

/**
 * A fake's HTTP surface on the loopback: its API (paths `apiPath` matches; the first group is
 * the rest of the path), the OAuth token endpoint at `tokenPath`, and test hooks
 * (`{ 'POST /_test/reset': (body) => answer }`, JSON in and out); anything else is 404. What the
 * API throws is answered by `errorAnswer(error)` ({ status, body }).
 * @param {{
 *   apiPath: RegExp,
 *   handleApi: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, url: URL, rest: string) => Promise<unknown>,
 *   tokenPath: string,
 *   issuer: TokenIssuer,
 *   testRoutes: Record<string, (body: any) => unknown>,
 *   errorAnswer: (error: unknown) => { status: number, body: unknown },
 *   port: number,
 *   host: string,
 * }} surface
 */
function serveFake({ apiPath, handleApi, tokenPath, issuer, testRoutes, errorAnswer, port, host }) {
	return listen(
		async (req, res) => {
			try {
				const url = new URL(/** @type {string} */ (req.url), 'http://fake');
				const api = apiPath.exec(url.pathname);
				if (api) return await handleApi(req, res, url, api[1]);
				if (url.pathname === tokenPath && req.method === 'POST') {
					const grant = issuer.grant(new URLSearchParams(await readBody(req)));
					return send(res, grant.status, grant.body);
				}
				const test = testRoutes[`${req.method} ${url.pathname}`];
				if (test) {
					const raw = req.method === 'POST' ? await readBody(req) : '';
					return send(res, 200, await test(raw ? JSON.parse(raw) : {}));
				}
				send(res, 404, { error: `No route ${req.method} ${url.pathname}` });
			} catch (error) {
				if (res.headersSent) return;
				if (error instanceof BodyTooLarge) return send(res, 413, { error: error.message });
				const { status, body } = errorAnswer(error);
				send(res, status, body);
			}
		},
		port,
		host,
	);
}

/**
 * The demo books' data (test/fakes/books-api.js owns it), for a fake to serve in its own shapes:
 * the same customers and invoices whichever adapter the processes run against.
 * @param {{ today?: string | null, timeZone?: string }} [options]
 */
async function booksDemoData(options = {}) {
	const { startBooksApi } = require('./books-api');
	const books = await startBooksApi({ seed: 'demo', ...options });
	try {
		return books.state();
	} finally {
		await books.close();
	}
}

/**
 * Runs a fake from the command line: `--port N --host H --access-token T --refresh-token R
 * --today YYYY-MM-DD --time-zone Z --no-limits --latency ms`, plus the fake's own `flags`
 * (`{ '--realm-id': 'realmId' }`). Prints the URL on a line of its own (what the e2e stack waits
 * for) and serves until SIGTERM or SIGINT.
 * @param {(options: any) => Promise<{ url: string, close: () => Promise<void> }>} start
 * @param {Record<string, string>} flags
 */
function runStandalone(start, flags = {}) {
	const argv = process.argv.slice(2);
	/** @type {Record<string, any>} */
	const options = {};
	const lists = { '--access-token': 'accessTokens', '--refresh-token': 'refreshTokens' };
	const values = {
		'--port': 'port',
		'--host': 'host',
		'--today': 'today',
		'--time-zone': 'timeZone',
		...flags,
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--no-limits') options.limits = null;
		else if (arg === '--latency') options.latencyMs = Number(argv[++i]);
		else if (lists[arg]) (options[lists[arg]] ??= []).push(argv[++i]);
		else if (values[arg]) options[values[arg]] = argv[++i];
		else {
			console.error(`Unknown argument: ${arg}`);
			process.exit(2);
		}
	}
	if (options.port !== undefined) options.port = Number(options.port);
	start(options).then(
		(fake) => {
			console.log(fake.url);
			const stop = () => fake.close().then(() => process.exit(0));
			process.on('SIGTERM', stop);
			process.on('SIGINT', stop);
		},
		(error) => {
			console.error(error.message);
			process.exit(1);
		},
	);
}

/**
 * For tests: a fake started as its own process (`node <script> --port 0 ...args`), its URL read
 * from the line it prints; `stop()` ends it by its pid.
 * @param {string} script @param {string[]} args
 */
async function startStandaloneFake(script, args) {
	const { spawn } = require('node:child_process');
	const { once } = require('node:events');
	const child = spawn(process.execPath, [script, '--port', '0', ...args], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const [chunk] = await once(/** @type {import('node:stream').Readable} */ (child.stdout), 'data');
	return {
		url: String(chunk).trim(),
		stop: async () => {
			child.kill('SIGTERM');
			await once(child, 'exit');
		},
	};
}

module.exports = {
	BodyTooLarge,
	booksDemoData,
	SlidingWindow,
	TokenIssuer,
	bearerOf,
	decimalsOf,
	fromMinor,
	listen,
	readBody,
	runStandalone,
	send,
	serveFake,
	startStandaloneFake,
	toMinor,
	windowsOf,
};

'use strict';
// @ts-check
/**
 * An SMTP sink: accepts every mail (enough of RFC 5321 for nodemailer, which n8n's Send Email
 * node uses), keeps it in memory and serves it as JSON over HTTP, so tests and people can read
 * what a workflow sent.
 *
 *   const sink = await startSmtpSink({ smtpPort: 0, httpPort: 0 });
 *   sink.smtpPort; sink.httpUrl; sink.messages(); await sink.waitForMessages(1); sink.clear();
 *   await sink.close();
 *
 * HTTP: GET /messages (oldest first), GET /messages/:id, DELETE /messages, GET /health.
 * No TLS (STARTTLS is not offered; n8n's SMTP credential has SSL/TLS off), AUTH PLAIN and LOGIN
 * accepted blindly (the user name is kept, never the password).
 */
const http = require('node:http');
const net = require('node:net');
const { randomUUID } = require('node:crypto');

const MAX_LINE = 4096; // RFC 5321 allows 512 for commands; nodemailer's stay far below
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
const MAX_RECIPIENTS = 100;
const MAX_STORED = 1000; // oldest dropped first, so a long demo session cannot grow without bound

// ---- MIME: just enough to show subject, addresses, text and html of what nodemailer writes ----

function decodeQuotedPrintable(text) {
	const bytes = [];
	const soft = text.replace(/=\r?\n/g, '');
	for (let i = 0; i < soft.length; i++) {
		const hex = soft.slice(i + 1, i + 3);
		if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
			bytes.push(parseInt(hex, 16));
			i += 2;
		} else {
			bytes.push(...Buffer.from(soft[i], 'utf8'));
		}
	}
	return Buffer.from(bytes);
}

/** RFC 2047 encoded words (`=?UTF-8?Q?...?=`, `=?UTF-8?B?...?=`) in a header value. */
function decodeEncodedWords(value) {
	return value
		.replace(/\?=\s+=\?/g, '?==?') // whitespace between adjacent encoded words is dropped
		.replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, charset, encoding, text) => {
			const bytes =
				encoding.toUpperCase() === 'B'
					? Buffer.from(text, 'base64')
					: decodeQuotedPrintable(text.replace(/_/g, ' '));
			return new TextDecoder(charset.toLowerCase() === 'utf8' ? 'utf-8' : charset).decode(bytes);
		});
}

/** Splits a MIME entity into its unfolded headers (lower-case names) and raw body. */
function splitEntity(raw) {
	const match = /\r?\n\r?\n/.exec(raw);
	const head = match ? raw.slice(0, match.index) : raw;
	const body = match ? raw.slice(match.index + match[0].length) : '';
	const headers = {};
	for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
		const colon = line.indexOf(':');
		if (colon <= 0) continue;
		const name = line.slice(0, colon).trim().toLowerCase();
		const value = decodeEncodedWords(line.slice(colon + 1).trim());
		headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
	}
	return { headers, body };
}

function headerParam(value, name) {
	const match = new RegExp(`;\\s*${name}\\s*=\\s*("([^"]*)"|[^;\\s]+)`, 'i').exec(value || '');
	return match ? (match[2] ?? match[1]) : null;
}

function decodeBody(body, headers) {
	const encoding = (headers['content-transfer-encoding'] || '').toLowerCase();
	const bytes =
		encoding === 'base64'
			? Buffer.from(body.replace(/\s+/g, ''), 'base64')
			: encoding === 'quoted-printable'
				? decodeQuotedPrintable(body)
				: Buffer.from(body, 'utf8');
	const charset = headerParam(headers['content-type'], 'charset') || 'utf-8';
	try {
		return { text: new TextDecoder(charset).decode(bytes), size: bytes.length };
	} catch {
		return { text: bytes.toString('latin1'), size: bytes.length };
	}
}

/** Walks the MIME tree: the first text/plain and text/html parts, and the attachments. */
function readParts(raw, found, depth = 0) {
	const { headers, body } = splitEntity(raw);
	const contentType = (headers['content-type'] || 'text/plain').split(';')[0].trim().toLowerCase();
	const boundary = headerParam(headers['content-type'], 'boundary');
	if (contentType.startsWith('multipart/') && boundary && depth < 5) {
		// the line break before a delimiter belongs to the delimiter (RFC 2046 5.1.1)
		const escaped = boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		const parts = body.split(new RegExp(`(?:^|\\r?\\n)--${escaped}`)).slice(1);
		for (const part of parts) {
			if (part.startsWith('--')) break; // the closing delimiter
			readParts(part.replace(/^\r?\n/, ''), found, depth + 1);
		}
		return;
	}
	const disposition = headers['content-disposition'] || '';
	const filename =
		headerParam(disposition, 'filename') || headerParam(headers['content-type'], 'name');
	const decoded = decodeBody(body, headers);
	if (/^attachment/i.test(disposition) || filename) {
		found.attachments.push({ filename, contentType, size: decoded.size });
	} else if (contentType === 'text/plain' && found.text === null) {
		found.text = decoded.text.replace(/\r\n/g, '\n');
	} else if (contentType === 'text/html' && found.html === null) {
		found.html = decoded.text.replace(/\r\n/g, '\n');
	}
}

function parseMessage(raw) {
	const { headers } = splitEntity(raw);
	const found = { text: null, html: null, attachments: [] };
	readParts(raw, found);
	return {
		subject: headers.subject ?? null,
		from: headers.from ?? null,
		to: headers.to ?? null,
		cc: headers.cc ?? null,
		replyTo: headers['reply-to'] ?? null,
		date: headers.date ?? null,
		messageId: headers['message-id'] ?? null,
		headers,
		...found,
	};
}

// ---- SMTP ----

/** The address inside `MAIL FROM:<a@b>` / `RCPT TO:<a@b>` (parameters after it ignored). */
function pathArgument(argument, keyword) {
	const match = new RegExp(`^${keyword}:\\s*<([^>]*)>`, 'i').exec(argument);
	if (match) return match[1];
	const bare = new RegExp(`^${keyword}:\\s*(\\S+)`, 'i').exec(argument);
	return bare ? bare[1] : null;
}

function smtpSession(socket, store, hostname) {
	let greeted = false;
	let transaction = null; // { from, to[] }
	let mode = 'command'; // command | data | auth-plain | auth-login-user | auth-login-pass
	let authUser = null;
	let dataLines = [];
	let dataBytes = 0;
	let buffer = '';

	const reply = (text) => {
		if (!socket.destroyed) socket.write(`${text}\r\n`);
	};

	const finishData = () => {
		const raw = dataLines.join('\r\n');
		const tooBig = dataBytes > MAX_MESSAGE_BYTES;
		const envelope = transaction;
		dataLines = [];
		dataBytes = 0;
		transaction = null;
		mode = 'command';
		if (tooBig) return reply('552 5.3.4 Message too big');
		const message = store.add({
			envelope: { from: envelope.from, to: envelope.to },
			auth: authUser === null ? null : { user: authUser },
			raw,
		});
		reply(`250 2.0.0 OK: queued as ${message.id}`);
	};

	const command = (line) => {
		const space = line.indexOf(' ');
		const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase();
		const argument = space === -1 ? '' : line.slice(space + 1).trim();
		switch (verb) {
			case 'EHLO':
				greeted = true;
				transaction = null;
				return reply(
					[
						`250-${hostname} greets ${argument || 'client'}`,
						'250-PIPELINING',
						'250-8BITMIME',
						'250-SMTPUTF8',
						`250-SIZE ${MAX_MESSAGE_BYTES}`,
						'250 AUTH PLAIN LOGIN',
					].join('\r\n'),
				);
			case 'HELO':
				greeted = true;
				transaction = null;
				return reply(`250 ${hostname}`);
			case 'AUTH': {
				const [mechanism, initial] = argument.split(/\s+/);
				if (/^PLAIN$/i.test(mechanism)) {
					if (initial) return acceptPlain(initial);
					mode = 'auth-plain';
					return reply('334 ');
				}
				if (/^LOGIN$/i.test(mechanism)) {
					if (initial) return acceptLoginUser(initial);
					mode = 'auth-login-user';
					return reply(`334 ${Buffer.from('Username:').toString('base64')}`);
				}
				return reply('504 5.5.4 Unrecognized authentication type');
			}
			case 'MAIL': {
				if (!greeted) return reply('503 5.5.1 Send HELO/EHLO first');
				if (transaction) return reply('503 5.5.1 Nested MAIL command');
				const from = pathArgument(argument, 'FROM');
				if (from === null) return reply('501 5.5.4 Syntax: MAIL FROM:<address>');
				transaction = { from, to: [] };
				return reply('250 2.1.0 OK');
			}
			case 'RCPT': {
				if (!transaction) return reply('503 5.5.1 Need MAIL command');
				const to = pathArgument(argument, 'TO');
				if (!to) return reply('501 5.5.4 Syntax: RCPT TO:<address>');
				if (transaction.to.length >= MAX_RECIPIENTS) return reply('452 4.5.3 Too many recipients');
				transaction.to.push(to);
				return reply('250 2.1.5 OK');
			}
			case 'DATA':
				if (!transaction || transaction.to.length === 0) {
					return reply('503 5.5.1 Need RCPT command');
				}
				mode = 'data';
				return reply('354 End data with <CR><LF>.<CR><LF>');
			case 'RSET':
				transaction = null;
				return reply('250 2.0.0 OK');
			case 'NOOP':
				return reply('250 2.0.0 OK');
			case 'VRFY':
				return reply('252 2.5.2 Cannot VRFY user, but will accept message');
			case 'QUIT':
				reply(`221 2.0.0 ${hostname} closing connection`);
				return socket.end();
			default:
				return reply('500 5.5.2 Command not recognized');
		}
	};

	const acceptPlain = (encoded) => {
		// authzid \0 authcid \0 password: keep the user, drop the password
		const parts = Buffer.from(encoded, 'base64').toString('utf8').split('\0');
		authUser = parts[1] ?? null;
		mode = 'command';
		reply('235 2.7.0 Authentication successful');
	};
	const acceptLoginUser = (encoded) => {
		authUser = Buffer.from(encoded, 'base64').toString('utf8');
		mode = 'auth-login-pass';
		reply(`334 ${Buffer.from('Password:').toString('base64')}`);
	};

	const line = (text) => {
		switch (mode) {
			case 'data':
				if (text === '.') return finishData();
				dataBytes += Buffer.byteLength(text) + 2;
				// dot-stuffing (RFC 5321 4.5.2); past the size limit only count, to answer 552
				if (dataBytes <= MAX_MESSAGE_BYTES)
					dataLines.push(text.startsWith('.') ? text.slice(1) : text);
				return;
			case 'auth-plain':
				return text === '*' ? cancelAuth() : acceptPlain(text);
			case 'auth-login-user':
				return text === '*' ? cancelAuth() : acceptLoginUser(text);
			case 'auth-login-pass':
				mode = 'command';
				return text === '*' ? cancelAuth() : reply('235 2.7.0 Authentication successful');
			default:
				return command(text);
		}
	};
	const cancelAuth = () => {
		mode = 'command';
		authUser = null;
		reply('501 5.0.0 Authentication canceled');
	};

	socket.setEncoding('utf8');
	socket.on('data', (chunk) => {
		buffer += chunk;
		let end;
		while ((end = buffer.indexOf('\n')) !== -1) {
			const text = buffer.slice(0, end).replace(/\r$/, '');
			buffer = buffer.slice(end + 1);
			line(text);
		}
		if (buffer.length > MAX_LINE && mode !== 'data') {
			buffer = '';
			reply('500 5.5.6 Line too long');
		}
	});
	socket.on('error', () => {}); // a client that hangs up mid-session is not the sink's problem
	socket.setTimeout(5 * 60 * 1000, () => socket.destroy());
	reply(`220 ${hostname} ESMTP smtp-sink ready`);
}

function createStore() {
	const messages = [];
	const waiters = new Set();
	return {
		add({ envelope, auth, raw }) {
			const message = {
				id: randomUUID(),
				receivedAt: new Date().toISOString(),
				envelope,
				auth,
				...parseMessage(raw),
				size: Buffer.byteLength(raw),
				raw,
			};
			messages.push(message);
			if (messages.length > MAX_STORED) messages.shift();
			for (const waiter of waiters) waiter();
			return message;
		},
		list: () => messages.slice(),
		get: (id) => messages.find((message) => message.id === id),
		clear() {
			messages.length = 0;
		},
		onAdd(fn) {
			waiters.add(fn);
			return () => waiters.delete(fn);
		},
	};
}

function sendJson(res, status, body) {
	const text = body === undefined ? '' : JSON.stringify(body, null, 2);
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'content-length': Buffer.byteLength(text),
	});
	res.end(text);
}

function httpHandler(store) {
	return (req, res) => {
		const { pathname } = new URL(req.url, 'http://sink');
		req.resume();
		if (pathname === '/health' && req.method === 'GET') return sendJson(res, 200, { ok: true });
		if (pathname === '/messages') {
			if (req.method === 'GET') return sendJson(res, 200, store.list());
			if (req.method === 'DELETE') {
				store.clear();
				res.writeHead(204);
				return res.end();
			}
			return sendJson(res, 405, { error: 'Use GET or DELETE' });
		}
		const one = /^\/messages\/([^/]+)$/.exec(pathname);
		if (one && req.method === 'GET') {
			const message = store.get(decodeURIComponent(one[1]));
			return message
				? sendJson(res, 200, message)
				: sendJson(res, 404, { error: 'No such message' });
		}
		return sendJson(res, 404, {
			error: 'Not found: GET /messages, GET /messages/:id, DELETE /messages',
		});
	};
}

function listen(server, port, host) {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve(server.address().port);
		});
	});
}

function closeServer(server, sockets) {
	for (const socket of sockets) socket.destroy();
	return /** @type {Promise<void>} */ (new Promise((resolve) => server.close(() => resolve())));
}

async function startSmtpSink({
	smtpPort = 0,
	httpPort = 0,
	host = '127.0.0.1',
	hostname = 'smtp-sink.local',
} = {}) {
	const store = createStore();
	const sockets = new Set();
	const track = (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	};
	const smtpServer = net.createServer((socket) => {
		track(socket);
		smtpSession(socket, store, hostname);
	});
	const httpServer = http.createServer(httpHandler(store));
	httpServer.on('connection', track);

	const boundSmtpPort = await listen(smtpServer, smtpPort, host);
	let boundHttpPort;
	try {
		boundHttpPort = await listen(httpServer, httpPort, host);
	} catch (error) {
		await closeServer(smtpServer, sockets);
		throw error;
	}

	return {
		smtpPort: boundSmtpPort,
		httpPort: boundHttpPort,
		httpUrl: `http://${host}:${boundHttpPort}`,
		messages: () => store.list(),
		clear: () => store.clear(),
		/** Resolves with the stored messages once there are at least `count` (rejects after timeoutMs). */
		waitForMessages(count = 1, timeoutMs = 5000) {
			return new Promise((resolve, reject) => {
				const check = () => {
					if (store.list().length < count) return false;
					done();
					resolve(store.list());
					return true;
				};
				const timer = setTimeout(() => {
					done();
					reject(
						new Error(
							`Expected ${count} message(s) within ${timeoutMs} ms, got ${store.list().length}`,
						),
					);
				}, timeoutMs);
				const unsubscribe = store.onAdd(check);
				const done = () => {
					clearTimeout(timer);
					unsubscribe();
				};
				check();
			});
		},
		close: () => Promise.all([closeServer(smtpServer, sockets), closeServer(httpServer, sockets)]),
	};
}

module.exports = { startSmtpSink, parseMessage };

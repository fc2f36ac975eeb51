// @ts-check
import net from 'node:net';

import { startSmtpSink } from './smtp-sink';

/**
 * A hand-written SMTP client: sends each command, waits for the complete (possibly multi-line)
 * reply and returns its lines, so a test can check every step of the dialogue.
 */
async function connect(port) {
	const socket = net.connect(port, '127.0.0.1');
	socket.setEncoding('utf8');
	let buffer = '';
	let waiting = null;
	const tryResolve = () => {
		if (!waiting) return;
		const lines = buffer.split('\r\n');
		// a reply ends with a line "NNN text" (no dash after the code)
		const last = lines.findIndex((line) => /^\d{3}( |$)/.test(line));
		if (last === -1) return;
		const reply = lines.slice(0, last + 1);
		buffer = lines.slice(last + 1).join('\r\n');
		const resolve = waiting;
		waiting = null;
		resolve(reply);
	};
	socket.on('data', (chunk) => {
		buffer += chunk;
		tryResolve();
	});
	const nextReply = () =>
		new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`No SMTP reply; got ${buffer}`)), 2000);
			waiting = (reply) => {
				clearTimeout(timer);
				resolve(reply);
			};
			tryResolve();
		});
	await new Promise((resolve, reject) => {
		socket.once('connect', resolve);
		socket.once('error', reject);
	});
	const greeting = await nextReply();
	return {
		greeting,
		async send(line) {
			socket.write(`${line}\r\n`);
			return nextReply();
		},
		async sendRaw(text) {
			socket.write(text);
			return nextReply();
		},
		closed: () => new Promise((resolve) => socket.once('close', resolve)),
		destroy: () => socket.destroy(),
	};
}

const code = (reply) => Number(reply[reply.length - 1].slice(0, 3));

async function getJson(url, init) {
	const res = await fetch(url, init);
	return { status: res.status, body: res.status === 204 ? null : await res.json() };
}

describe('SMTP sink', () => {
	let sink;
	const clients = [];

	beforeAll(async () => {
		sink = await startSmtpSink({ smtpPort: 0, httpPort: 0 });
	});

	afterEach(async () => {
		while (clients.length) clients.pop().destroy();
		await fetch(`${sink.httpUrl}/messages`, { method: 'DELETE' });
	});

	afterAll(async () => {
		await sink.close();
	});

	async function client() {
		const c = await connect(sink.smtpPort);
		clients.push(c);
		return c;
	}

	test('takes a multipart mail as nodemailer writes it and serves it back over HTTP', async () => {
		const c = await client();
		expect(code(c.greeting)).toBe(220);

		const ehlo = await c.send('EHLO n8n.local');
		expect(code(ehlo)).toBe(250);
		expect(ehlo).toContain('250 AUTH PLAIN LOGIN');
		expect(ehlo.join('\n')).not.toMatch(/STARTTLS/);

		const credentials = Buffer.from('\0demo\0secret').toString('base64');
		expect(code(await c.send(`AUTH PLAIN ${credentials}`))).toBe(235);
		expect(code(await c.send('MAIL FROM:<billing@books.example.com> BODY=8BITMIME'))).toBe(250);
		expect(code(await c.send('RCPT TO:<ap@acme.example.com>'))).toBe(250);
		expect(code(await c.send('RCPT TO:<cc@acme.example.com>'))).toBe(250);
		expect(code(await c.send('RCPT TO:<hidden@acme.example.com>'))).toBe(250);
		expect(code(await c.send('DATA'))).toBe(354);

		const boundary = '--_NmP-boundary';
		const body = [
			'From: Books <billing@books.example.com>',
			'To: ap@acme.example.com',
			'Cc: cc@acme.example.com',
			'Subject: =?UTF-8?Q?Payment_received_=E2=80=93_INV-2001?=',
			'Message-ID: <abc@books.example.com>',
			'MIME-Version: 1.0',
			`Content-Type: multipart/alternative; boundary="${boundary}"`,
			'',
			`--${boundary}`,
			'Content-Type: text/plain; charset=utf-8',
			'Content-Transfer-Encoding: quoted-printable',
			'',
			'Thank you: 250,00 =E2=82=AC received for invoice INV-2001.=',
			' Caf=C3=A9 Lumi=C3=A8re',
			'..a line that began with a dot',
			`--${boundary}`,
			'Content-Type: text/html; charset=utf-8',
			'Content-Transfer-Encoding: base64',
			'',
			Buffer.from('<p>Thank you</p>').toString('base64'),
			`--${boundary}--`,
			'.',
			'',
		].join('\r\n');
		const queued = await c.sendRaw(body);
		expect(code(queued)).toBe(250);
		expect(code(await c.send('QUIT'))).toBe(221);

		const { status, body: messages } = await getJson(`${sink.httpUrl}/messages`);
		expect(status).toBe(200);
		expect(messages).toHaveLength(1);
		const [message] = messages;
		expect(queued[0]).toContain(message.id);
		expect(message.envelope).toEqual({
			from: 'billing@books.example.com',
			to: ['ap@acme.example.com', 'cc@acme.example.com', 'hidden@acme.example.com'],
		});
		expect(message.auth).toEqual({ user: 'demo' });
		expect(JSON.stringify(message)).not.toContain('secret');
		expect(message.subject).toBe('Payment received – INV-2001');
		expect(message.from).toBe('Books <billing@books.example.com>');
		expect(message.to).toBe('ap@acme.example.com');
		expect(message.cc).toBe('cc@acme.example.com');
		expect(message.text).toBe(
			'Thank you: 250,00 € received for invoice INV-2001. Café Lumière\n.a line that began with a dot',
		);
		expect(message.html).toBe('<p>Thank you</p>');

		const one = await getJson(`${sink.httpUrl}/messages/${message.id}`);
		expect(one.body.subject).toBe(message.subject);
		expect(sink.messages()).toHaveLength(1);
	});

	test('enforces the command order and keeps nothing from a reset transaction', async () => {
		const c = await client();
		expect(code(await c.send('MAIL FROM:<a@example.com>'))).toBe(503);
		expect(code(await c.send('HELO client'))).toBe(250);
		expect(code(await c.send('RCPT TO:<b@example.com>'))).toBe(503);
		expect(code(await c.send('DATA'))).toBe(503);
		expect(code(await c.send('MAIL FROM:<a@example.com>'))).toBe(250);
		expect(code(await c.send('RCPT TO:<b@example.com>'))).toBe(250);
		expect(code(await c.send('RSET'))).toBe(250);
		expect(code(await c.send('DATA'))).toBe(503);
		expect(code(await c.send('NOOP'))).toBe(250);
		expect(code(await c.send('STARTTLS'))).toBe(500);
		// AUTH LOGIN, answered blindly
		expect(await c.send('AUTH LOGIN')).toEqual([
			`334 ${Buffer.from('Username:').toString('base64')}`,
		]);
		expect(code(await c.send(Buffer.from('demo').toString('base64')))).toBe(334);
		expect(code(await c.send(Buffer.from('pw').toString('base64')))).toBe(235);
		// a plain text mail with no MIME headers
		expect(code(await c.send('MAIL FROM:<>'))).toBe(250);
		expect(code(await c.send('RCPT TO:<b@example.com>'))).toBe(250);
		expect(code(await c.send('DATA'))).toBe(354);
		expect(code(await c.sendRaw('Subject: plain\r\n\r\nhello\r\n.\r\n'))).toBe(250);
		expect(code(await c.send('QUIT'))).toBe(221);
		await c.closed();

		const [message] = sink.messages();
		expect(sink.messages()).toHaveLength(1);
		expect(message.envelope).toEqual({ from: '', to: ['b@example.com'] });
		expect(message.subject).toBe('plain');
		expect(message.text).toBe('hello');
		expect(message.html).toBeNull();
	});

	test('DELETE /messages empties the sink and waitForMessages sees the next mail', async () => {
		const c = await client();
		await c.send('EHLO x');
		await c.send('MAIL FROM:<a@example.com>');
		await c.send('RCPT TO:<b@example.com>');
		await c.send('DATA');
		const waiting = sink.waitForMessages(1, 2000);
		await c.sendRaw('Subject: one\r\n\r\nbody\r\n.\r\n');
		expect((await waiting)[0].subject).toBe('one');

		const cleared = await getJson(`${sink.httpUrl}/messages`, { method: 'DELETE' });
		expect(cleared.status).toBe(204);
		expect((await getJson(`${sink.httpUrl}/messages`)).body).toEqual([]);
		expect((await getJson(`${sink.httpUrl}/messages/nope`)).status).toBe(404);
		await expect(sink.waitForMessages(1, 50)).rejects.toThrow('Expected 1 message(s)');
	});
});

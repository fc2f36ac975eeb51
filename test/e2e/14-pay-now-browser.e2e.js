// @ts-check
/**
 * The Pay Now page in a real browser: Debian's Chromium driven by playwright-core.
 *
 * A stand-in for n8n serves the two webhooks of a Pay Now workflow, each running our node
 * in-process through the test engine: GET /webhook/pay-now?invoice=... answers the page made by
 * Create Pay Now Page (with the CSP sandbox header n8n puts on webhook HTML), and
 * POST /webhook/pay-now/charge runs Charge Token with the posted token, and the amount and the
 * customer's email from the books (never from the post), and answers the payment record as
 * JSON. The customer types a test card into the gateway's card fields, presses Pay Now, and the
 * gateway's ledger is checked.
 *
 * Needs: `apt-get install -y chromium` (/usr/bin/chromium) and the playwright-core package.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';

import { getHtmlSandboxCSP } from 'n8n-core';

import { runWorkflow, singleNodeWorkflow } from '../engine/harness';
import { startGateway360Server } from '../fakes/gateway360-server';

const CHROMIUM = '/usr/bin/chromium';
const SECURITY_KEY = 'browser-security-key-91c2d7e4a0';
const TOKEN_KEY = 'brwpub-91c2d7-e4a0b3-55f1c8';
const BOOKS = { 'INV-2001': '125.00', 'INV-2002': '80.00', 'INV-2003': '60.00' };
// Paid meanwhile another way (a Stripe payment, as the workflow finds when it claims the invoice):
// the workflow answers 409 with a message written for the customer, and charges nothing.
const PAID_ELSEWHERE = {
	'INV-2003': 'Invoice INV-2003 is already paid; nothing was charged to this card.',
};
const BOOKS_CUSTOMER_EMAIL = 'payer@example.com';

let gateway;
let n8n;
let browser;
const posts = [];

const credentials = () => ({
	payments360Api: {
		securityKey: SECURITY_KEY,
		tokenKey: TOKEN_KEY,
		gatewayBaseUrl: gateway.url,
		webhookSigningKey: '',
	},
});

async function runNode(parameters, input) {
	const workflow = singleNodeWorkflow('360', 'payments360', parameters, {
		payments360Api: { id: '1', name: '360' },
	});
	const result = await runWorkflow(workflow, { credentials: credentials(), input });
	return result.error ? { error: result.error } : { output: result.output('360') };
}

function readBody(req) {
	return new Promise((resolve) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
	});
}

/** The two webhooks of a Pay Now workflow, as n8n would answer them. */
async function startN8nStandIn() {
	const server = createServer(async (req, res) => {
		const url = new URL(/** @type {string} */ (req.url), 'http://127.0.0.1');
		const cors = { 'Access-Control-Allow-Origin': '*' };
		if (req.method === 'GET' && url.pathname === '/webhook/pay-now') {
			const invoice = url.searchParams.get('invoice');
			const { output, error } = await runNode(
				{
					resource: 'payNowPage',
					operation: 'create',
					invoiceNumber: '={{ $json.invoice }}',
					amount: '={{ $json.amount }}',
					currency: 'usd',
					customerEmail: BOOKS_CUSTOMER_EMAIL,
					postUrl: `${n8n.url}/webhook/pay-now/charge`,
				},
				[{ invoice, amount: BOOKS[invoice] }],
			);
			if (error) {
				res.writeHead(500, { 'Content-Type': 'text/plain' });
				return res.end(error.message);
			}
			res.writeHead(200, {
				'Content-Type': 'text/html; charset=utf-8',
				'Content-Security-Policy': getHtmlSandboxCSP(),
			});
			return res.end(output[0].html);
		}
		if (req.method === 'POST' && url.pathname === '/webhook/pay-now/charge') {
			const raw = await readBody(req);
			posts.push({ raw, origin: req.headers.origin ?? null });
			const body = Object.fromEntries(new URLSearchParams(raw));
			if (PAID_ELSEWHERE[body.invoice_number]) {
				res.writeHead(409, { 'Content-Type': 'application/json', ...cors });
				return res.end(
					JSON.stringify({
						status: 'refused',
						failure: { code: 'ALREADY_PAID', message: PAID_ELSEWHERE[body.invoice_number] },
					}),
				);
			}
			const { output, error } = await runNode(
				{
					resource: 'transaction',
					operation: 'charge',
					// the books' invoice id is the gateway's order id; this test's books use the number as id
					invoiceId: '={{ $json.invoice_number }}',
					customerId: 'cust-1001',
					invoiceNumber: '={{ $json.invoice_number }}',
					amount: '={{ $json.booksAmount }}',
					currency: 'usd',
					paymentToken: '={{ $json.payment_token }}',
					customerEmail: BOOKS_CUSTOMER_EMAIL,
				},
				[{ ...body, booksAmount: BOOKS[body.invoice_number] }],
			);
			res.writeHead(error ? 500 : 200, { 'Content-Type': 'application/json', ...cors });
			return res.end(JSON.stringify(error ? { message: error.message } : output[0]));
		}
		res.writeHead(404);
		return res.end();
	});
	await /** @type {Promise<void>} */ (
		new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
	);
	return {
		url: `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`,
		close: () =>
			new Promise((resolve) => {
				server.close(resolve);
				server.closeAllConnections();
			}),
	};
}

beforeAll(async () => {
	if (!existsSync(CHROMIUM)) {
		throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install -y chromium`);
	}
	const { chromium } = require('playwright-core');
	gateway = await startGateway360Server({ securityKeys: [SECURITY_KEY], tokenKeys: [TOKEN_KEY] });
	n8n = await startN8nStandIn();
	// launch() starts Chromium with a new, empty profile of its own.
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
}, 60_000);

afterAll(async () => {
	await browser?.close();
	await n8n?.close();
	await gateway?.close();
});

async function enterCard(page, number) {
	await page.frameLocator('#ccnumber iframe').locator('input').fill(number);
	await page.frameLocator('#ccexp iframe').locator('input').fill('12/34');
	await page.frameLocator('#cvv iframe').locator('input').fill('123');
}

test('pay an invoice: a decline is shown and retried, then Pay Now charges once', async () => {
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(`${n8n.url}/webhook/pay-now?invoice=INV-2001`);

	// The invoice is shown pre-filled and cannot be edited.
	const invoiceField = page.locator('#invoice-number');
	await expect(invoiceField.inputValue()).resolves.toBe('INV-2001');
	await expect(invoiceField.getAttribute('readonly')).resolves.toBe('');
	await expect(page.locator('#amount').inputValue()).resolves.toBe('$125.00');
	await expect(page.locator('#amount').isEditable()).resolves.toBe(false);

	// The card fields are the gateway's frames, loaded with the token key.
	await page.frameLocator('#ccnumber iframe').locator('input').waitFor();
	expect(
		page.frames().filter((frame) => frame.url().startsWith(`${gateway.url}/token/field`)),
	).toHaveLength(3);

	// A declined card: a clear error, Pay Now can be pressed again, nothing charged.
	await enterCard(page, '4000000000000002');
	await page.getByRole('button', { name: 'Pay Now' }).click();
	const error = page.getByRole('alert');
	await error.waitFor({ state: 'visible' });
	await expect(error.textContent()).resolves.toMatch(
		/^DECLINE\. Check the card details or use another card/,
	);
	await expect(page.getByRole('button', { name: 'Pay Now' }).isEnabled()).resolves.toBe(true);
	expect(gateway.ledger.chargesFor('INV-2001')).toBe(0);

	// A good card, and an impatient double click.
	await enterCard(page, '4111111111111111');
	await page.getByRole('button', { name: 'Pay Now' }).dblclick();
	await page.locator('#pay-success').waitFor({ state: 'visible' });
	await expect(page.locator('#pay-success').textContent()).resolves.toMatch(
		/Invoice INV-2001 is paid: \$125\.00\.\s*Reference: \d+/,
	);

	expect(gateway.ledger.chargesFor('INV-2001')).toBe(1);
	expect(gateway.ledger.salesFor('INV-2001')[0]).toMatchObject({ amount: '125.00', voided: false });

	// Only tokens reached "n8n": no card number, from the sandboxed (opaque-origin) page.
	const charges = posts.filter((post) => post.raw.includes('invoice_number=INV-2001'));
	expect(charges).toHaveLength(2);
	for (const post of charges) {
		expect(post.raw).not.toMatch(/4111111111111111|4000000000000002|cvv|ccexp/);
		expect(post.raw).toMatch(/payment_token=[0-9a-f-]{30,}/);
		expect(post.raw).toMatch(/card_number=4[01]{5}\*{6}\d{4}/);
		expect(post.origin).toBe('null');
	}
	// The page itself never held the card number: only the gateway's frames did.
	expect(await page.content()).not.toContain('4111111111111111');
	await context.close();
}, 60_000);

test('an invalid card number never leaves the browser: a field error, no post, no charge', async () => {
	const before = posts.length;
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(`${n8n.url}/webhook/pay-now?invoice=INV-2002`);
	await page.frameLocator('#ccnumber iframe').locator('input').waitFor();
	await enterCard(page, '4111111111111112');
	await page.getByRole('button', { name: 'Pay Now' }).click();
	const error = page.getByRole('alert');
	await error.waitFor({ state: 'visible' });
	await expect(error.textContent()).resolves.toBe('Card number is invalid');
	expect(posts.length).toBe(before);
	expect(gateway.ledger.chargesFor('INV-2002')).toBe(0);
	await context.close();
}, 60_000);

test('an invoice paid another way meanwhile: the page says so in the words the workflow wrote, nothing charged', async () => {
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(`${n8n.url}/webhook/pay-now?invoice=INV-2003`);
	await page.frameLocator('#ccnumber iframe').locator('input').waitFor();
	await enterCard(page, '4111111111111111');
	await page.getByRole('button', { name: 'Pay Now' }).click();
	const error = page.getByRole('alert');
	await error.waitFor({ state: 'visible' });
	await expect(error.textContent()).resolves.toBe(PAID_ELSEWHERE['INV-2003']);
	expect(gateway.ledger.chargesFor('INV-2003')).toBe(0);
	await context.close();
}, 60_000);

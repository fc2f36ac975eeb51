// @ts-check
/**
 * README "The first ten minutes", followed as written: `npm start` itself (scripts/start.sh, on
 * free ports and its own n8n folder, beside the suite's stack), then each step of the tour in
 * order: the workflows run as the editor's buttons run them (their manual triggers, in the n8n
 * server), the mailbox read, the payment pages and the customer portal used in headless
 * Chromium as a person uses them. Each test is one step and checks what the README says you
 * will see there. The portal's screenshots go to docs/screenshots/.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { STORY } from '../fakes/demo-story';
import { launchChromium } from './support/browser';
import { startProcess, stopProcesses, waitForLog } from './support/processes';
import { REPO, freePort } from './support/stack';

jest.setTimeout(180_000);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const SCREENSHOTS = path.join(REPO, 'docs/screenshots');

/** @type {Record<string, number>} */
const ports = {};
/** @type {ReturnType<typeof startProcess> | null} */
let npmStart = null;
let localDir = '';
let cookie = '';
let apiKey = '';
let booksKey = '';
/** @type {import('playwright-core').Browser | null} */
let browser = null;
/** @type {import('playwright-core').BrowserContext | null} */
let context = null;
/** @type {import('playwright-core').Page} */
let page;
/** the day the run scanned as (the auto-pay report's subject) */
let scanDay = '';

const n8nUrl = () => `http://127.0.0.1:${ports.n8n}`;
const portalUrl = () => `http://127.0.0.1:${ports.portal}`;
const mailboxUrl = () => `http://127.0.0.1:${ports.smtpHttp}/messages`;

async function waitFor(what, check, { timeoutMs = 60_000, intervalMs = 300 } = {}) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const found = await check();
		if (found) return found;
		await sleep(intervalMs);
	}
	throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}

/**
 * @param {string} method @param {string} url
 * @param {{ body?: unknown, headers?: Record<string, string> }} [options]
 */
async function http(method, url, { body, headers = {} } = {}) {
	const res = await fetch(url, {
		method,
		headers: { 'content-type': 'application/json', ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
		signal: AbortSignal.timeout(60_000),
	});
	const text = await res.text();
	let json = null;
	try {
		json = text ? JSON.parse(text) : null;
	} catch {
		// not JSON
	}
	return { status: res.status, json, text, res };
}

async function api(method, route, body) {
	const res = await http(method, `${n8nUrl()}/api/v1${route}`, {
		body,
		headers: { 'X-N8N-API-KEY': apiKey },
	});
	if (res.status >= 300) throw new Error(`${method} ${route}: HTTP ${res.status} ${res.text}`);
	return res.json;
}

/** Presses a workflow's manual trigger as the editor's Execute workflow does; its execution. */
async function runWorkflow(workflowId, trigger) {
	const started = await http('POST', `${n8nUrl()}/rest/workflows/${workflowId}/run`, {
		headers: { cookie },
		body: { triggerToStartFrom: { name: trigger } },
	});
	const executionId = started.json?.data?.executionId;
	if (!executionId) throw new Error(`run ${workflowId}: HTTP ${started.status} ${started.text}`);
	return waitFor(
		`execution ${executionId}`,
		async () => {
			const execution = await api('GET', `/executions/${executionId}?includeData=true`);
			return ['success', 'error', 'crashed', 'canceled'].includes(execution.status)
				? execution
				: null;
		},
		{ timeoutMs: 120_000, intervalMs: 500 },
	);
}

/** The items of each output of a node in an execution. */
const outputs = (execution, node) =>
	execution.data.resultData.runData[node][0].data.main.map((items) =>
		(items ?? []).map((item) => item.json),
	);

/** @returns {Promise<any[]>} */
const mailbox = async () => (await http('GET', mailboxUrl())).json;
const subjects = async () => (await mailbox()).map((m) => m.subject);
const mail = (subject) =>
	waitFor(`the email "${subject}"`, async () =>
		(await mailbox()).find((m) =>
			subject instanceof RegExp ? subject.test(m.subject) : m.subject === subject,
		),
	);

/** The books, asked as the portal asks them (the books adapter behind the webhook npm start made). */
async function books(request) {
	const res = await http('POST', `${n8nUrl()}/webhook/demo-portal/books`, {
		headers: { 'X-Books-Webhook-Key': booksKey },
		body: { requests: [request] },
	});
	if (res.status !== 200) throw new Error(`books: HTTP ${res.status} ${res.text}`);
	return res.json.answers[0];
}
const invoice = async (id) => (await books({ operation: 'getInvoice', invoiceId: id })).invoice;

/** The portal's invoice rows as a person reads them: "INV-2004 | 2026-12-14 | $480.50 | ..." */
async function portalRows() {
	return page.locator('tr[data-invoice]').evaluateAll((rows) =>
		rows.map((row) =>
			[...row.querySelectorAll('td')]
				.map((cell) => (cell.textContent ?? '').trim())
				.filter(Boolean)
				.join(' | '),
		),
	);
}
const rowOf = async (number) => (await portalRows()).find((row) => row.startsWith(`${number} |`));

async function signIn(name) {
	await page.goto(portalUrl());
	await page.getByRole('button', { name: `Sign in as ${name}` }).click();
	await page.waitForLoadState();
}

beforeAll(async () => {
	for (const name of ['n8n', 'broker', 'stripe', 'smtp', 'smtpHttp', 'books', 'gateway', 'portal'])
		ports[name] = await freePort();
	localDir = mkdtempSync(path.join(os.tmpdir(), 'first-ten-minutes-'));
	const env = {
		...process.env,
		N8N_PORT: String(ports.n8n),
		N8N_RUNNERS_BROKER_PORT: String(ports.broker),
		LOCAL_STRIPE_PORT: String(ports.stripe),
		LOCAL_SMTP_PORT: String(ports.smtp),
		LOCAL_SMTP_HTTP_PORT: String(ports.smtpHttp),
		LOCAL_BOOKS_PORT: String(ports.books),
		LOCAL_GATEWAY360_PORT: String(ports.gateway),
		LOCAL_PORTAL_PORT: String(ports.portal),
		N8N_LOCAL_DIR: localDir,
	};
	// jest's own settings are not a person's shell (n8n refuses NODE_ENV=test)
	for (const name of ['NODE_ENV', 'NODE_OPTIONS', 'JEST_WORKER_ID']) delete env[name];
	npmStart = startProcess('npm start', 'bash', [path.join(REPO, 'scripts/start.sh')], {
		env,
		cwd: REPO,
		logFile: path.join(localDir, 'npm-start.log'),
	});
	await waitForLog(npmStart, /Ctrl-C stops n8n and the local stack/, 900_000);

	const login = await http('POST', `${n8nUrl()}/rest/login`, {
		body: { emailOrLdapLoginId: 'demo@example.com', password: 'Demo-Payments-1' },
	});
	expect(login.status).toBe(200);
	cookie =
		(login.res.headers.getSetCookie?.() ?? [])
			.find((c) => c.startsWith('n8n-auth='))
			?.split(';')[0] ?? '';
	const scopes = (await http('GET', `${n8nUrl()}/rest/api-keys/scopes`, { headers: { cookie } }))
		.json.data;
	const created = (
		await http('POST', `${n8nUrl()}/rest/api-keys`, {
			headers: { cookie },
			body: { label: 'e2e 22', scopes, expiresAt: null },
		})
	).json.data;
	apiKey = created.rawApiKey ?? created.apiKey;
	const credentials = JSON.parse(
		execFileSync(
			process.execPath,
			[
				path.join(REPO, 'scripts/local-stack/credentials.mjs'),
				'--stripe-url',
				'http://127.0.0.1:1',
				'--smtp-port',
				'1',
				'--books-token',
				'x',
			],
			{ encoding: 'utf8' },
		),
	);
	booksKey = credentials.find((c) => c.id === 'invPayBooksHook1').data.value;
	browser = await launchChromium();
	context = await browser.newContext();
	page = await context.newPage();
}, 960_000);

afterAll(async () => {
	await context?.close();
	await browser?.close();
	if (npmStart) {
		// as Ctrl-C: start.sh stops everything it started, newest first
		const started = [...readFileSync(npmStart.logFile, 'utf8').matchAll(/: pid (\d+) \(log:/g)].map(
			(m) => Number(m[1]),
		);
		await stopProcesses([npmStart.pid], 60_000);
		await stopProcesses(started, 5_000);
	}
	if (localDir) rmSync(localDir, { recursive: true, force: true });
}, 120_000);

test('1. npm start: n8n is running with the package loaded, and what to try', () => {
	const log = readFileSync(/** @type {any} */ (npmStart).logFile, 'utf8');
	expect(log).toContain('n8n is running with n8n-nodes-invoice-payments loaded');
	expect(log).toContain('What to try');
	expect(log).toContain(`Portal        ${portalUrl()}`);
	expect(log).toMatch(/demo story: 5 Stripe customers/);
});

test('2. log in: the workflows, the live ones published, the demo books and an unlinked Stripe', async () => {
	const workflows = (await api('GET', '/workflows?limit=100')).data;
	const live = (name) => workflows.find((w) => w.name === name)?.active;
	expect(live('Invoice payments: payment status')).toBe(true);
	expect(live('Invoice payments: pay outstanding invoices (portal and agents)')).toBe(true);
	expect(live('Invoice payments: web invoice with Pay Now')).toBe(true);
	for (const name of [
		'Invoice payments: daily auto-pay',
		'Invoice payments: auto-pay dry run (tomorrow)',
		'Invoice payments: card expiry check (pre-dunning)',
		'Invoice payments: reconciliation',
		'Invoice payments: customer mapping sync',
	])
		expect([name, live(name)]).toEqual([name, false]);
	const tables = (await api('GET', '/data-tables?limit=100')).data;
	const invoices = tables.find((t) => t.name === 'invoice_payments_invoices');
	expect((await api('GET', `/data-tables/${invoices.id}/rows?limit=250`)).data).toHaveLength(12);
	const customers = (await books({ operation: 'listCustomers' })).customers;
	expect(customers).toHaveLength(5);
	expect(customers.every((c) => c.stripeCustomerId === null)).toBe(true);
});

test('3. the customer mapping sync: 3 mapped, Northwind Traders unmatched, Café Lumière SARL ambiguous', async () => {
	const run = await runWorkflow('invPayWf1Mapping', 'Generate mappings now');
	expect(run.status).toBe('success');
	const [mapped, , unmatched, ambiguous] = outputs(run, 'Customer Mapping: generate by exact name');
	expect(mapped.map((d) => d.name)).toEqual([
		'Acme Plumbing Ltd',
		'Brightside Dental',
		'Kumo Design KK',
	]);
	expect(unmatched.map((d) => d.name)).toEqual(['Northwind Traders']);
	expect(ambiguous.map((d) => [d.name, d.candidates.length])).toEqual([['Café Lumière SARL', 2]]);
	expect(mapped.map((d) => d.booksCustomerId)).toEqual(STORY.mapping.mapped);
	// the Stripe ids are in the books
	const customers = (await books({ operation: 'listCustomers' })).customers;
	expect(
		customers
			.filter((c) => c.stripeCustomerId)
			.map((c) => c.id)
			.sort(),
	).toEqual(STORY.mapping.mapped);
});

test("4. today's auto-pay: charge 3, skipped 5; INV-2001 paid with the fee, INV-2003 declined, INV-2007 needs 3-D Secure", async () => {
	const run = await runWorkflow('invPayWf2AutoPay', 'Run auto-pay now');
	expect(run.status).toBe('success');
	const [charge, skipped, [summary]] = outputs(run, 'Auto-Pay Scan');
	expect([charge.length, skipped.length]).toEqual([3, 5]);
	scanDay = summary.scanDay;
	expect(Object.fromEntries(skipped.map((i) => [i.id, i.autoPay.reason]))).toEqual(
		STORY.autoPay.skipped,
	);
	const [payments] = outputs(run, 'Stripe: charge the automatic payment method');
	expect(
		payments.map((p) => [p.invoiceId, p.status, p.amount.display, p.fee.display, p.total.display]),
	).toEqual([
		['inv-2001', 'succeeded', '$250.00', '$7.50', '$257.50'],
		['inv-2003', 'failed', '$1,250.00', '$37.50', '$1,287.50'],
		['inv-2007', 'requires_action', '¥15,000', '¥450', '¥15,450'],
	]);
	expect(payments[0].paymentMethod.label).toBe('Visa •••• 4242');
	expect(payments[1].failure.message).toBe('Your card was declined.');
});

test('5. the emails: the confirmation, the 3-D Secure request with its link, the run report', async () => {
	const report = await mail(`Auto-pay run ${scanDay}: 1 paid, 2 failed, 5 skipped`);
	for (const [id, reason] of Object.entries(STORY.autoPay.skipped))
		expect(report.text).toContain(`- ${id} - ${reason} - `);
	expect(report.text).toContain('- inv-2003 - failed - $1,287.50 - Your card was declined.');
	const confirmation = await mail('Payment Confirmation: invoice INV-2001');
	expect(confirmation.to).toBe('office@acme-plumbing.example.com');
	const kumo = await mail('Payment Failure: invoice INV-2007');
	expect(kumo.to).toBe('hello@kumo-design.example.com');
	expect(kumo.text).toContain('Your bank needs you to confirm this payment');
	expect(kumo.text).toMatch(/Complete the payment: http:\/\/127\.0\.0\.1:\d+\/checkout\/cs_/);
	// three, and none to Brightside: its first decline is retried silently
	expect((await subjects()).sort()).toEqual(
		[
			`Auto-pay run ${scanDay}: 1 paid, 2 failed, 5 skipped`,
			'Payment Confirmation: invoice INV-2001',
			'Payment Failure: invoice INV-2007',
		].sort(),
	);
	// the demo mailbox, as a person reads it
	await page.goto(`${portalUrl()}/mailbox`);
	const listed = await page.locator('tr[data-mail] a').allTextContents();
	expect(listed.sort()).toEqual((await subjects()).sort());
	await page.getByRole('link', { name: 'Payment Failure: invoice INV-2007' }).click();
	const email = page.frameLocator('iframe[title=email]');
	await expect(email.getByText('Complete the payment').first().isVisible()).resolves.toBe(true);
	await page.screenshot({ path: path.join(SCREENSHOTS, 'email-3-d-secure.png'), fullPage: true });
});

test('6. the customer confirms the payment: the payment-status workflow records INV-2007 paid and confirms it', async () => {
	const kumo = await mail('Payment Failure: invoice INV-2007');
	const link = /Complete the payment: (\S+)/.exec(kumo.text)?.[1] ?? '';
	await page.goto(link);
	await expect(page.locator('h1').textContent()).resolves.toBe('Fake Checkout: Pay ¥15,450 jpy');
	await expect(page.locator('select[name=payment_method]').inputValue()).resolves.toBe(
		'pm_card_visa',
	);
	await page.getByRole('button', { name: 'Pay ¥15,450 jpy' }).click();
	await mail('Payment Confirmation: invoice INV-2007');
	expect(await invoice('inv-2007')).toMatchObject({ status: 'paid', paymentStatus: 'paid' });
});

test("7. the dry run: tomorrow's run would retry INV-2003; nothing charged", async () => {
	const run = await runWorkflow('invPayWf6DryRun', "Preview tomorrow's auto-pay");
	expect(run.status).toBe('success');
	const preview = await mail(/^Auto-pay preview for /);
	expect(preview.subject).toMatch(
		/^Auto-pay preview for \d{4}-\d\d-\d\d: 1 to charge \(\$1,250\.00\), 5 skipped$/,
	);
	expect(preview.text).toContain('- inv-2003 - cust-1002 - $1,250.00 - Visa •••• 0341');
	expect(await invoice('inv-2003')).toMatchObject({ paymentStatus: 'failed', balance: '1250.00' });
});

test('8. the portal: Sam sees the invoices with the fee, changes the card (INV-2003 paid at once), pays INV-2004, opens the web invoice', async () => {
	await signIn('Sam Portal');
	await expect(page.locator('h1').textContent()).resolves.toBe('Invoices of Brightside Dental');
	await expect(page.locator('#automatic-method').textContent()).resolves.toBe('Visa •••• 0341');
	expect(await rowOf('INV-2003')).toMatch(
		/^INV-2003 \| [\d-]+ \| \$1,250\.00 \| \$37\.50 \| \$1,287\.50 \| Payment failed \|/,
	);
	expect(await rowOf('INV-2004')).toMatch(
		/^INV-2004 \| [\d-]+ \| \$480\.50 \| \$14\.42 \| \$494\.92 \| Open \|/,
	);
	expect(await rowOf('INV-2005')).toMatch(
		/^INV-2005 \| [\d-]+ \| \$75\.00 \| \$2\.25 \| \$77\.25 \| Open \|/,
	);
	await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-invoices.png'), fullPage: true });

	// change the automatic payment method on Stripe's customer portal page
	await page.getByRole('button', { name: 'Change the automatic payment method' }).click();
	await expect(page.locator('h1').textContent()).resolves.toBe(
		'Fake customer portal: update payment method',
	);
	await page.locator('select[name=payment_method]').selectOption('pm_card_visa');
	await page.getByRole('button', { name: 'Save' }).click();
	await page.waitForURL(`${portalUrl()}/payment-method-changed`);
	await expect(page.locator('.notice').first().textContent()).resolves.toBe(
		'Your automatic payment method is updated.',
	);
	await waitFor('INV-2003 paid on the new card', async () => {
		await page.goto(`${portalUrl()}/invoices`);
		return (await rowOf('INV-2003'))?.includes('| Paid');
	});
	await expect(page.locator('#automatic-method').textContent()).resolves.toBe('Visa •••• 4242');
	await mail('Payment Confirmation: invoice INV-2003');

	// pay one invoice on the automatic card
	await page.getByRole('button', { name: 'Pay INV-2004' }).click();
	await expect(page.locator('.notice').textContent()).resolves.toBe('INV-2004: paid');
	expect(await rowOf('INV-2004')).toMatch(/\| Paid$/);
	await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-paid.png'), fullPage: true });

	// the web invoice's Pay Now page, from the portal
	const row = page.locator('tr[data-invoice="inv-2005"]');
	await row.getByRole('button', { name: 'Web invoice (Pay Now)' }).click();
	await page.waitForURL(/\/webhook\/invoice-payments\/web-invoice\?invoice=inv-2005/);
	await expect(page.locator('#invoice-number').inputValue()).resolves.toBe('INV-2005');
	await page.frameLocator('#ccnumber iframe').locator('input').fill('4111111111111111');
	await page.frameLocator('#ccexp iframe').locator('input').fill('12/34');
	await page.frameLocator('#cvv iframe').locator('input').fill('123');
	await page.locator('#pay-button').click();
	await page.locator('#pay-success').waitFor({ state: 'visible', timeout: 30_000 });
	await expect(page.locator('#pay-success').textContent()).resolves.toContain(
		'Invoice INV-2005 is paid',
	);
	await waitFor(
		'INV-2005 paid in the books',
		async () => (await invoice('inv-2005')).status === 'paid',
	);
});

test('9. the agent: Dana takes a payment for INV-2002 over a payment page (Pending, then Paid); Lee is refused in plain words', async () => {
	await page.goto(`${portalUrl()}/invoices`);
	await page.getByRole('button', { name: 'Sign out' }).click();
	await signIn('Dana Agent');
	await expect(page.locator('h1').textContent()).resolves.toBe('Agent: take a manual payment');
	await page.locator('select[name=customer]').selectOption({ label: 'Acme Plumbing Ltd' });
	await page.getByRole('button', { name: 'Show invoices' }).click();
	await page.locator('input[name=invoiceIds][value=inv-2002]').check();
	await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-agent.png'), fullPage: true });
	// Stripe's confirmation held back a moment (as a slow webhook would be), to see Pending
	const stripeHook = (route, body) =>
		http('POST', `http://127.0.0.1:${ports.stripe}/_test/webhooks/${route}`, { body });
	await stripeHook('mode', { hold: true });
	try {
		await page.getByRole('button', { name: 'Take payment' }).click();
		await expect(page.locator('h1').textContent()).resolves.toBe('Fake Checkout: Pay $101.97 usd');
		await page.getByRole('button', { name: 'Pay $101.97 usd' }).click();
		await page.waitForURL(/\/agent\?customer=cust-1001&notice=/);
		await expect(page.locator('.notice').textContent()).resolves.toBe(
			"Paid on the payment page: waiting for Stripe's confirmation",
		);
		expect(await rowOf('INV-2002')).toMatch(
			/^INV-2002 \| [\d-]+ \| \$99\.00 \| \$2\.97 \| \$101\.97 \| Pending$/,
		);
		expect(await invoice('inv-2002')).toMatchObject({ status: 'open' });
	} finally {
		await stripeHook('mode', { hold: false });
		await stripeHook('flush', {});
	}
	await waitFor('INV-2002 paid', async () => {
		await page.goto(`${portalUrl()}/agent?customer=cust-1001`);
		return (await rowOf('INV-2002'))?.includes('| Paid');
	});

	await page.getByRole('button', { name: 'Sign out' }).click();
	await signIn('Lee Agent');
	await page.locator('select[name=customer]').selectOption({ label: 'Acme Plumbing Ltd' });
	await page.getByRole('button', { name: 'Show invoices' }).click();
	await page.locator('input[name=invoiceIds][value=inv-2011]').check();
	await page.getByRole('button', { name: 'Take payment' }).click();
	await expect(page.locator('.error').textContent()).resolves.toBe(
		'Not paid: You do not have the "Can Receive Manual Stripe Payments" permission',
	);
	expect(await invoice('inv-2011')).toMatchObject({ status: 'open', paymentStatus: 'unpaid' });
});

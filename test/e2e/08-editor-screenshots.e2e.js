// @ts-check
/**
 * Each shipped workflow opened in the n8n editor (headless Chromium, signed in as the owner):
 * every node is drawn as the type it is, none as an unknown node ("Install this node"), none
 * with a warning (missing credential, invalid parameter). The screenshots are the README's:
 * docs/screenshots/<workflow file>.png.
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import { launchChromium } from './support/browser';
import { clients, loadState } from './support/clients';

const state = loadState();
const { n8n } = clients(state);
const WORKFLOWS_DIR = path.join(__dirname, '../../workflows');
const SCREENSHOTS = path.join(__dirname, '../../docs/screenshots');
const shipped = readdirSync(WORKFLOWS_DIR)
	.filter((file) => file.endsWith('.json'))
	.sort()
	.map((file) => ({
		file,
		json: JSON.parse(readFileSync(path.join(WORKFLOWS_DIR, file), 'utf8')),
	}));
let browser;
let context;
let page;

beforeAll(async () => {
	mkdirSync(SCREENSHOTS, { recursive: true });
	browser = await launchChromium();
	context = await browser.newContext({
		viewport: { width: 1680, height: 920 },
		deviceScaleFactor: 1,
	});
	page = await context.newPage();
	await page.goto(`${n8n.url}/signin`);
	await page
		.locator('input[type="email"], input[name="emailOrLdapLoginId"]')
		.first()
		.fill(state.owner.email);
	await page.locator('input[type="password"]').first().fill(state.owner.password);
	await page.locator('button[type="submit"], [data-test-id="form-submit-button"]').first().click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });
}, 120_000);

afterAll(async () => {
	await context?.close();
	await browser?.close();
});

test.each(shipped.map(({ file, json }) => [json.name, file, json]))(
	'%s (%s) opens with every node known',
	async (_, file, json) => {
		await page.goto(`${n8n.url}/workflow/${json.id}`);
		const drawn = page.locator('[data-node-type]');
		const nodes = json.nodes.filter((node) => node.type !== 'n8n-nodes-base.stickyNote');
		await page.waitForFunction(
			(count) => document.querySelectorAll('[data-node-type]').length >= count,
			nodes.length,
			{ timeout: 60_000 },
		);
		// let the canvas settle (fit view, icons)
		await page.waitForTimeout(1500);
		// n8n opens its "Production Checklist" over the canvas the first time a published workflow is shown
		const checklist = page.getByText('Production Checklist', { exact: true });
		if (await checklist.isVisible()) {
			await page.keyboard.press('Escape');
			await checklist.waitFor({ state: 'hidden', timeout: 10_000 });
		}

		const types = await drawn.evaluateAll((elements) =>
			elements.map((e) => e.getAttribute('data-node-type')),
		);
		for (const node of nodes) expect(types).toContain(node.type);
		const names = await drawn.evaluateAll((elements) =>
			elements.map((e) => e.getAttribute('data-node-name')),
		);
		expect(names.sort()).toEqual(expect.arrayContaining(nodes.map((node) => node.name).sort()));

		const body = await page.locator('body').innerText();
		expect(body).not.toMatch(/Install this node|not currently installed|type \([^)]*\) is unknown/);
		expect(await page.locator('[data-test-id="canvas-node-status-warning"]').count()).toBe(0);

		const target = path.join(SCREENSHOTS, file.replace(/\.json$/, '.png'));
		await page.screenshot({ path: target });
		expect(statSync(target).size).toBeGreaterThan(20_000);
	},
);

/**
 * Each node of the package opened on its main operation, as a user opens it in a shipped
 * workflow: its parameters panel (light theme) is the README's picture of the node,
 * docs/screenshots/node-<node>.png, and shows the parameters named as the copy test holds them.
 */
const NODE_PANELS = [
	['Stripe Invoice Payment', 'web-invoice-pay-now.json', 'Stripe: pay link', 'Invoice ID'],
	['Auto-Pay Scan', 'daily-auto-pay.json', 'Auto-Pay Scan', 'Business Time Zone Name or ID'],
	[
		'Customer Mapping',
		'customer-mapping-sync.json',
		'Customer Mapping: sync to Stripe',
		'Create If Missing',
	],
	['360 Payments', 'web-invoice-pay-now.json', '360 Payments: charge the card', 'Payment Token'],
	['Payment Webhook Trigger', 'payment-status.json', 'Payment Webhook Trigger', 'Webhook Endpoint'],
	['Invoice Payments Tools', 'daily-auto-pay.json', 'Compose payment emails', 'Payment Record'],
];

test.each(NODE_PANELS)(
	'the %s node opens on its main operation (%s → %s)',
	async (nodeTitle, file, nodeName, parameter) => {
		const workflow = shipped.find((w) => w.file === file);
		const stored = workflow?.json.nodes.find((/** @type {any} */ n) => n.name === nodeName);
		if (!workflow || !stored) throw new Error(`no node ${nodeName} in ${file}`);
		// the workflow first: n8n shows its Production Checklist over a published workflow the
		// first time it is opened, and Escape would also close the node's panel
		await page.goto(`${n8n.url}/workflow/${workflow.json.id}`);
		await page.locator(`[data-node-name="${nodeName}"]`).first().waitFor({ timeout: 60_000 });
		await page.waitForTimeout(1000);
		const checklist = page.getByText('Production Checklist', { exact: true });
		if (await checklist.isVisible()) {
			await page.keyboard.press('Escape');
			await checklist.waitFor({ state: 'hidden', timeout: 10_000 });
		}
		// then the node's panel from its address, as a link to the node opens it
		await page.goto(`${n8n.url}/workflow/${workflow.json.id}/${stored.id}`);
		const parameters = page.locator('[data-test-id="ndv"] [data-test-id="node-parameters"]');
		await parameters.waitFor({ timeout: 30_000 });
		await parameters
			.getByText(parameter, { exact: true })
			.filter({ visible: true })
			.first()
			.waitFor({ timeout: 30_000 });
		// shown again over the panel: closed by its own button (Escape would close the panel)
		if (await checklist.isVisible()) {
			await page.locator('[data-test-id="suggested-actions-close"]').first().click();
			await checklist.waitFor({ state: 'hidden', timeout: 10_000 });
		}
		await page.waitForTimeout(500);
		const target = path.join(
			SCREENSHOTS,
			`node-${nodeTitle.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.png`,
		);
		await page.screenshot({ path: target });
		expect(statSync(target).size).toBeGreaterThan(20_000);
	},
);

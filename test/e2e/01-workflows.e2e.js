// @ts-check
/**
 * Every shipped workflow imported with `n8n import:workflow` into a real n8n, published, with
 * one Settings node, its books calls as labelled HTTP Request nodes, and every webhook that takes
 * or starts a payment refusing an unauthenticated request.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { clients, loadState } from './support/clients';

const state = loadState();
const { n8n, request, stripe, books } = clients(state);
const shipped = readdirSync(path.join(__dirname, '../../workflows'))
	.filter((file) => file.endsWith('.json'))
	.map((file) => JSON.parse(readFileSync(path.join(__dirname, '../../workflows', file), 'utf8')));

test('the six shipped workflows are imported and published', async () => {
	expect(shipped.map((w) => w.name).sort()).toEqual([
		'Invoice payments: auto-pay dry run (tomorrow)',
		'Invoice payments: customer mapping sync',
		'Invoice payments: daily auto-pay',
		'Invoice payments: pay outstanding invoices (portal and agents)',
		'Invoice payments: payment status',
		'Invoice payments: web invoice with Pay Now',
	]);
	for (const workflow of shipped) {
		const live = await n8n.workflow(workflow.id);
		expect(live).toMatchObject({ name: workflow.name, active: true });
		expect(live.activeVersionId).toBe(live.versionId);
		// every node of the file is there, none replaced or dropped on import
		expect(live.nodes.map((node) => node.name).sort()).toEqual(
			workflow.nodes.map((node) => node.name).sort(),
		);
		const settings = live.nodes.filter((node) => node.name === 'Settings');
		expect(settings).toHaveLength(1);
		expect(
			settings[0].parameters.assignments.assignments.find((a) => a.name === 'booksApiUrl').value,
		).toBe(state.booksUrl);
	}
});

test('the payment-status trigger registered its own Stripe endpoint at the production URL', async () => {
	const endpoints = (await stripe.api('GET', '/webhook_endpoints')).data;
	expect(endpoints).toHaveLength(1);
	expect(endpoints[0].url).toMatch(
		new RegExp(`^${state.n8nUrl}/webhook/[0-9a-f-]+/payment-status$`),
	);
	expect(endpoints[0].enabled_events).toEqual(
		expect.arrayContaining([
			'payment_intent.succeeded',
			'payment_intent.payment_failed',
			'checkout.session.completed',
		]),
	);
});

test.each([
	['POST', 'invoice-payments/pay', 401, 'the portal payment webhook (no token)'],
	['POST', 'invoice-payments/agents/pay', 401, "the agents' payment webhook (no token)"],
	['POST', 'invoice-payments/web-invoice/link', 403, 'issuing a web invoice link (no books key)'],
	[
		'POST',
		'invoice-payments/books/customer-changed',
		403,
		'the books customer sync (no books key)',
	],
	['GET', 'invoice-payments/web-invoice', 401, 'opening a web invoice without a signed link'],
	['POST', 'invoice-payments/web-invoice/pay', 401, 'paying a web invoice without a signed link'],
])('%s %s without credentials answers %i: %s', async (method, hookPath, status) => {
	const before = (await books.payments()).length;
	const res = await request(
		method,
		n8n.webhook(hookPath),
		method === 'POST'
			? { body: { payAll: true, invoiceId: 'inv-2004', customerId: 'cust-1001' } }
			: {},
	);
	expect(res.status).toBe(status);
	expect((await books.payments()).length).toBe(before);
});

// @ts-check
/**
 * The accounting books adapters (workflows/books/books-quickbooks.json, books-xero.json): their
 * shape (n8n's OAuth2 credential types, the API base URL from Settings, batching and paging that
 * keep each API's rate limit), and what they answer, run against the local QuickBooks Online and
 * Xero servers. n8n-nodes-base is not part of the engine harness, so the test runs the adapters'
 * own Code nodes as n8n does (the same `$('Node')` reads) and performs their HTTP Request node's
 * requests as configured: its URL, query, headers and pagination expressions are the workflow's
 * own, evaluated here; the credential adds `Authorization: Bearer <access token>` as n8n's OAuth2
 * does. Proven in a real n8n: docs/books-adapters.md says what is left.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { startQuickBooksServer } from '../fakes/quickbooks-server';
import { guidOf, startXeroServer } from '../fakes/xero-server';

const DIR = path.join(__dirname, '../../workflows/books');
const load = (file) => JSON.parse(readFileSync(path.join(DIR, file), 'utf8'));
const TODAY = '2026-03-10';

/** An n8n expression (`={{ ... }}` parts in a string) evaluated with `$`, `$json`, `$pageCount`, `$response`. */
function evaluate(value, scope) {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	const run = (expression) =>
		new Function('$', '$json', '$pageCount', '$response', `return (${expression});`)(
			scope.$,
			scope.$json,
			scope.$pageCount,
			scope.$response,
		);
	const whole = /^=\{\{([\s\S]*)\}\}$/.exec(value.trim());
	if (whole && !whole[1].includes('{{')) return run(whole[1]);
	return value.slice(1).replace(/\{\{([\s\S]*?)\}\}/g, (_, expression) => String(run(expression)));
}

/**
 * Runs an adapter on `requests`: trigger, Settings (its values overridden by `settings`), the
 * plan, the HTTP reads against a fake, the answers. Returns the answers' json, or throws what
 * the workflow throws (a failed call).
 * @param {any} workflow @param {object[]} requests
 * @param {{ settings: Record<string, string>, accessToken: string, sent?: URL[] }} options
 */
async function runAdapter(workflow, requests, { settings, accessToken, sent = [] }) {
	const byName = new Map(workflow.nodes.map((node) => [node.name, node]));
	const next = (name) => workflow.connections[name]?.main?.[0]?.[0]?.node;
	const outputs = {};
	const $ = (name) => {
		if (!outputs[name]) throw new Error(`No output of ${name} yet`);
		return { all: () => outputs[name], first: () => outputs[name][0] };
	};
	let name = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.executeWorkflowTrigger').name;
	outputs[name] = requests.map((json) => ({ json }));
	for (name = next(name); name; name = next(name)) {
		const node = byName.get(name);
		if (node.type === 'n8n-nodes-base.set') {
			const values = Object.fromEntries(
				node.parameters.assignments.assignments.map((a) => [a.name, a.value]),
			);
			outputs[name] = [{ json: { ...values, ...settings } }];
		} else if (node.type === 'n8n-nodes-base.code') {
			const run = new Function('$', `return (async () => {\n${node.parameters.jsCode}\n})();`);
			outputs[name] = await run($);
		} else if (node.type === 'n8n-nodes-base.httpRequest') {
			const input = outputs[workflow.nodes.find((n) => next(n.name) === name).name];
			outputs[name] = await httpNode(node, input, { $, accessToken, sent });
		} else {
			throw new Error(`The test does not run ${node.type}`);
		}
	}
	return outputs['Answer Requests'].map((item) => item.json);
}

/** An HTTP Request node (v4.2) as configured: one request per page per input item. */
async function httpNode(node, input, { $, accessToken, sent }) {
	const p = node.parameters;
	const pagination = p.options.pagination?.pagination;
	const items = [];
	for (const [itemIndex, item] of input.entries()) {
		const scope = { $, $json: item.json, $pageCount: 0, $response: {} };
		for (;;) {
			const url = new URL(evaluate(p.url, scope));
			const qs =
				p.specifyQuery === 'json'
					? JSON.parse(evaluate(p.jsonQuery, scope))
					: Object.fromEntries(
							p.queryParameters.parameters.map((q) => [q.name, evaluate(q.value, scope)]),
						);
			for (const parameter of pagination?.parameters.parameters ?? []) {
				if (parameter.type === 'qs') qs[parameter.name] = evaluate(parameter.value, scope);
			}
			for (const [key, value] of Object.entries(qs)) url.searchParams.set(key, String(value));
			/** @type {Record<string, string>} */
			const headers = { authorization: `Bearer ${accessToken}` };
			for (const h of p.headerParameters.parameters) headers[h.name] = evaluate(h.value, scope);
			sent.push(url);
			const res = await fetch(url, { method: p.method, headers });
			const body = await res.json();
			if (res.status < 200 || res.status >= 300) {
				throw new Error(`${node.name}: ${res.status} ${JSON.stringify(body)}`);
			}
			items.push({ json: body, pairedItem: { item: itemIndex } });
			scope.$response = { body, statusCode: res.status };
			scope.$pageCount++;
			if (!pagination || evaluate(pagination.completeExpression, scope)) break;
		}
	}
	return items;
}

/**
 * Starts a fake for the describe block (the demo seed before each test) and returns how to run
 * the adapter against it: `run(requests, sent?)`.
 * @param {object} workflow
 * @param {() => Promise<{ reset: (o: object) => Promise<unknown>, close: () => Promise<void> }>} start
 * @param {() => Record<string, string>} settingsOf
 * @param {string} accessToken
 */
function againstFake(workflow, start, settingsOf, accessToken) {
	/** @type {{ reset: (o: object) => Promise<unknown>, close: () => Promise<void> }} */
	let fake;
	beforeAll(async () => {
		fake = await start();
	});
	afterAll(async () => fake.close());
	beforeEach(async () => {
		await fake.reset({ seed: 'demo' });
	});
	/** @param {object[]} requests @param {URL[]} [sent] */
	return (requests, sent = []) =>
		runAdapter(workflow, requests, { settings: settingsOf(), accessToken, sent });
}

const adapters = [
	{
		file: 'books-quickbooks.json',
		credentialType: 'quickBooksOAuth2Api',
		// Intuit: 500 requests a minute, 10 a second, 10 at once per realm
		limits: { perMinute: 500, perSecond: 10, concurrent: 10 },
	},
	{
		file: 'books-xero.json',
		credentialType: 'xeroOAuth2Api',
		// Xero: 60 calls a minute, 5 at once per tenant
		limits: { perMinute: 60, perSecond: 60, concurrent: 5 },
	},
];

describe.each(adapters)('$file', ({ file, credentialType, limits }) => {
	const workflow = load(file);
	const byName = new Map(workflow.nodes.map((node) => [node.name, node]));
	const http = workflow.nodes.filter((node) => node.type === 'n8n-nodes-base.httpRequest');

	test('starts with When Executed by Another Workflow, all data accepted, then one Settings', () => {
		const trigger = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.executeWorkflowTrigger');
		expect(trigger.parameters.inputSource).toBe('passthrough');
		const settings = byName.get(workflow.connections[trigger.name].main[0][0].node);
		expect(settings.name).toBe('Settings');
		expect(settings.executeOnce).toBe(true);
		expect(settings.parameters.assignments.assignments.map((a) => a.name)).toContain('baseUrl');
		expect(workflow.settings.executionOrder).toBe('v1');
	});

	test("talks to the API only through HTTP Request with n8n's own OAuth2 credential type, at the Settings' base URL", () => {
		expect(http.length).toBeGreaterThan(0);
		for (const node of http) {
			expect(node.parameters.authentication).toBe('predefinedCredentialType');
			expect(node.parameters.nodeCredentialType).toBe(credentialType);
			expect(Object.keys(node.credentials)).toEqual([credentialType]);
			expect(node.parameters.url.startsWith("={{ $('Settings').first().json.baseUrl }}")).toBe(
				true,
			);
			const headers = Object.fromEntries(
				node.parameters.headerParameters.parameters.map((h) => [h.name, h.value]),
			);
			expect(headers.accept).toBe('application/json');
		}
	});

	test('batches and paces its requests under the rate limit, whatever the number of invoices', () => {
		for (const node of http) {
			const { batchSize, batchInterval } = node.parameters.options.batching.batch;
			const interval = node.parameters.options.pagination.pagination.requestInterval;
			// at most batchSize requests at once, one batch per interval; pages one per requestInterval
			expect(batchSize).toBeLessThanOrEqual(limits.concurrent);
			expect((batchSize * 60_000) / batchInterval).toBeLessThanOrEqual(limits.perMinute);
			expect((batchSize * 1000) / batchInterval).toBeLessThanOrEqual(limits.perSecond);
			expect(60_000 / interval).toBeLessThanOrEqual(limits.perMinute);
		}
	});
});

describe('the QuickBooks Online adapter against the local QuickBooks server', () => {
	const workflow = load('books-quickbooks.json');
	/** @type {Awaited<ReturnType<typeof startQuickBooksServer>>} */
	let qbo;
	const run = againstFake(
		workflow,
		async () => (qbo = await startQuickBooksServer({ today: TODAY, limits: 'documented' })),
		() => ({ baseUrl: qbo.url, realmId: qbo.realmId }),
		'qbo_test_token',
	);

	test('answers each request in order: recurring open invoices, an invoice, a customer, the books saying no', async () => {
		const answers = await run([
			{ operation: 'listOpenRecurringInvoices', ref: 'a' },
			{ operation: 'getInvoice', invoiceId: '2007', ref: 'b' },
			{ operation: 'getInvoice', invoiceId: '9999', ref: 'c' },
			{ operation: 'getCustomer', customerId: '1001' },
			{ operation: 'getInvoice' },
			{ operation: 'listCustomerInvoices', customerId: '1002', statuses: ['open'] },
			{ operation: 'teleport' },
		]);
		expect(answers.map((a) => [a.operation, a.ref, a.error?.code ?? null])).toEqual([
			['listOpenRecurringInvoices', 'a', null],
			['getInvoice', 'b', null],
			['getInvoice', 'c', 'not_found'],
			['getCustomer', null, null],
			['getInvoice', null, 'invalid_input'],
			['listCustomerInvoices', null, null],
			['teleport', null, 'unknown_operation'],
		]);
		expect(answers[0].invoices.map((i) => i.number)).toEqual([
			'INV-2001',
			'INV-2002',
			'INV-2003',
			'INV-2006',
			'INV-2007',
			'INV-2009',
			'INV-2010',
			'INV-2012',
		]);
		expect(answers[1].invoice).toEqual({
			id: '2007',
			number: 'INV-2007',
			customerId: '1004',
			currency: 'JPY',
			total: '15000',
			balance: '15000',
			createdAt: '2026-03-03',
			dueDate: TODAY,
			recurringInvoiceId: '304',
			status: 'open',
			paymentStatus: 'unpaid',
			sentToProvider: true,
		});
		expect(answers[3].customer).toMatchObject({
			id: '1001',
			name: 'Acme Plumbing Ltd',
			accountsEmail: 'ap@acme-plumbing.example.com',
			address: { line1: '12 Water Lane', city: 'Springfield', postalCode: '62701', country: 'US' },
		});
		expect(answers[5].invoices.map((i) => [i.number, i.balance])).toEqual([
			['INV-2003', '1250.00'],
			['INV-2004', '480.50'],
			['INV-2005', '75.00'],
		]);
	});

	test('reads 2,500 open invoices in pages of 1,000 and 150 invoices by id in two queries', async () => {
		const Invoice = Array.from({ length: 2500 }, (_, i) => ({
			Id: String(i + 1),
			SyncToken: '0',
			DocNumber: `N-${i + 1}`,
			TxnDate: '2026-03-01',
			DueDate: TODAY,
			CustomerRef: { value: '1' },
			CurrencyRef: { value: 'USD' },
			TotalAmt: 10,
			Balance: 10,
			RecurDataRef: { value: '7' },
			EmailStatus: 'EmailSent',
			LinkedTxn: [],
		}));
		await qbo.reset({ seed: { Customer: [{ Id: '1', DisplayName: 'One' }], Invoice } });
		const sent = [];
		const ids = Array.from({ length: 150 }, (_, i) => ({
			operation: 'getInvoice',
			invoiceId: String(i + 1),
		}));
		const answers = await run([{ operation: 'listOpenRecurringInvoices' }, ...ids], sent);
		expect(answers[0].invoices).toHaveLength(2500);
		expect(answers.slice(1).every((a) => a.invoice && a.error === null)).toBe(true);
		const queries = sent.map((url) => url.searchParams.get('query'));
		expect(queries).toHaveLength(5);
		expect(queries[0]).toBe(
			"select * from Invoice where Balance > '0' STARTPOSITION 1 MAXRESULTS 1000",
		);
		expect(queries[2]).toMatch(/STARTPOSITION 2001 MAXRESULTS 1000$/);
		expect(sent.every((url) => url.searchParams.get('minorversion') === '75')).toBe(true);
		expect(qbo.stats.http429).toBe(0);
	});

	test('fails the call, naming what is not built, when asked to record', async () => {
		await expect(
			run([{ operation: 'getInvoice', invoiceId: '2001' }, { operation: 'recordPayment' }]),
		).rejects.toThrow(/cannot answer recordPayment yet/);
	});

	test('fails the call when QuickBooks refuses the token', async () => {
		await expect(
			runAdapter(workflow, [{ operation: 'listCustomers' }], {
				settings: { baseUrl: qbo.url, realmId: qbo.realmId },
				accessToken: 'expired',
			}),
		).rejects.toThrow(/401/);
	});
});

describe('the Xero adapter against the local Xero server', () => {
	const workflow = load('books-xero.json');
	/** @type {Awaited<ReturnType<typeof startXeroServer>>} */
	let xero;
	const run = againstFake(
		workflow,
		async () => (xero = await startXeroServer({ today: TODAY, limits: 'documented' })),
		() => ({ baseUrl: xero.url, tenantId: xero.tenantId }),
		'xero_test_token',
	);

	test('answers each request in order from AUTHORISED invoices, contacts and the books saying no', async () => {
		const answers = await run([
			{ operation: 'listOpenRecurringInvoices', ref: 1 },
			{ operation: 'getInvoice', invoiceId: guidOf('inv-2006') },
			{ operation: 'getInvoice', invoiceId: guidOf('inv-0000') },
			{ operation: 'getCustomer', customerId: guidOf('cust-1001') },
			{ operation: 'listCustomerInvoices', customerId: guidOf('cust-1005'), statuses: ['paid'] },
			{ operation: 'listCustomers' },
		]);
		expect(answers.map((a) => [a.operation, a.ref, a.error?.code ?? null])).toEqual([
			['listOpenRecurringInvoices', 1, null],
			['getInvoice', null, null],
			['getInvoice', null, 'not_found'],
			['getCustomer', null, null],
			['listCustomerInvoices', null, null],
			['listCustomers', null, null],
		]);
		expect(answers[0].invoices.map((i) => i.number)).toEqual([
			'INV-2001',
			'INV-2002',
			'INV-2003',
			'INV-2006',
			'INV-2007',
			'INV-2009',
			'INV-2010',
			'INV-2012',
		]);
		expect(answers[1].invoice).toEqual({
			id: guidOf('inv-2006'),
			number: 'INV-2006',
			customerId: guidOf('cust-1003'),
			currency: 'EUR',
			total: '640.00',
			balance: '640.00',
			createdAt: '2026-03-09',
			dueDate: '2026-03-17',
			recurringInvoiceId: guidOf('rec-303'),
			status: 'open',
			paymentStatus: 'unpaid',
			sentToProvider: true,
		});
		expect(answers[3].customer).toMatchObject({
			name: 'Acme Plumbing Ltd',
			accountsEmail: 'ap@acme-plumbing.example.com',
			accountsCcEmail: 'controller@acme-plumbing.example.com',
			phone: '+1 555 0101',
		});
		expect(answers[4].invoices.map((i) => i.number)).toEqual(['INV-2008']);
		expect(answers[5].customers).toHaveLength(5);
	});

	test('pages 250 AUTHORISED invoices 100 at a time and reads 120 by id fifty at a time, under the minute limit', async () => {
		const Invoices = Array.from({ length: 250 }, (_, i) => ({
			Type: 'ACCREC',
			InvoiceID: guidOf(`n-${i}`),
			InvoiceNumber: `N-${i}`,
			Contact: { ContactID: guidOf('c') },
			Status: 'AUTHORISED',
			AmountDue: 10,
			Total: 10,
			CurrencyCode: 'USD',
			DateString: '2026-03-01T00:00:00',
			DueDateString: `${TODAY}T00:00:00`,
			RepeatingInvoiceID: guidOf('r'),
			LineItems: [],
			Payments: [],
		}));
		await xero.reset({ seed: { Contacts: [], Invoices } });
		const sent = [];
		const ids = Invoices.slice(0, 120).map((i) => ({
			operation: 'getInvoice',
			invoiceId: i.InvoiceID,
		}));
		const answers = await run([{ operation: 'listOpenRecurringInvoices' }, ...ids], sent);
		expect(answers[0].invoices).toHaveLength(250);
		expect(answers.slice(1).every((a) => a.invoice)).toBe(true);
		expect(sent.map((url) => url.searchParams.get('page'))).toEqual(['1', '2', '3', '1', '1', '1']);
		expect(sent.every((url) => url.pathname === '/api.xro/2.0/Invoices')).toBe(true);
		expect(xero.stats.http429).toBe(0);
		expect(xero.requests.every((r) => r.tenantId === xero.tenantId)).toBe(true);
	});

	test('fails the call, naming what is not built, when asked to record', async () => {
		await expect(
			run([{ operation: 'setStripeCustomerId', customerId: 'x', stripeCustomerId: 'cus_1' }]),
		).rejects.toThrow(/cannot answer setStripeCustomerId yet/);
	});

	test('fails the call when Xero refuses the tenant', async () => {
		await expect(
			runAdapter(workflow, [{ operation: 'listCustomers' }], {
				settings: { baseUrl: xero.url, tenantId: guidOf('someone-else') },
				accessToken: 'xero_test_token',
			}),
		).rejects.toThrow(/403/);
	});
});

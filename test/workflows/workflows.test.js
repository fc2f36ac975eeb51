// @ts-check
/**
 * The shipped workflows, read as files: what every admin imports must hold together before n8n
 * ever sees it (the e2e tests then run them in a real n8n). Parameters of this package's nodes
 * are checked against the nodes' own descriptions, so a renamed parameter cannot silently
 * leave a workflow behind.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { nodeClasses, PACKAGE_NAME } from '../engine/package-types';
import { booksCalls } from './books-calls';

const DIR = path.join(__dirname, '../../workflows');
const workflows = readdirSync(DIR)
	.filter((file) => file.endsWith('.json'))
	.sort()
	.map((file) => ({ file, json: JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) }));
/** The shipped workflow in `file` (a name in workflows/), as JSON. */
const shipped = (file) => {
	const found = workflows.find((workflow) => workflow.file === file);
	if (!found) throw new Error(`No shipped workflow ${file}`);
	return found.json;
};
const ourTypes = new Map(
	nodeClasses
		.map((C) => new C())
		.map((node) => [`${PACKAGE_NAME}.${node.description.name}`, node.description]),
);
const TRIGGERS = [
	'n8n-nodes-base.manualTrigger',
	'n8n-nodes-base.scheduleTrigger',
	'n8n-nodes-base.webhook',
	`${PACKAGE_NAME}.paymentWebhookTrigger`,
];
// the local stack's credentials (ids and names the workflows reference)
const stackCredentials = JSON.parse(
	execFileSync(
		process.execPath,
		[
			path.join(__dirname, '../../scripts/local-stack/credentials.mjs'),
			'--stripe-url',
			'http://127.0.0.1:1',
			'--smtp-port',
			'1',
			'--books-token',
			't',
		],
		{
			encoding: 'utf8',
		},
	),
);

const cases = workflows.map(({ file, json }) => [file, json]);

test('eight workflows, each with a stable id and name', () => {
	expect(workflows.map((w) => w.file)).toEqual([
		'auto-pay-dry-run.json',
		'card-expiry-check.json',
		'customer-mapping-sync.json',
		'daily-auto-pay.json',
		'pay-outstanding-invoices.json',
		'payment-status.json',
		'reconciliation.json',
		'web-invoice-pay-now.json',
	]);
	for (const { json } of workflows) {
		expect(json.id).toMatch(/^[A-Za-z0-9]{1,21}$/);
		expect(json.name).toMatch(/^Invoice payments: /);
		expect(json.settings.executionOrder).toBe('v1');
	}
	expect(new Set(workflows.map((w) => w.json.id)).size).toBe(8);
});

describe.each(cases)('%s', (file, json) => {
	const byName = new Map(json.nodes.map((node) => [node.name, node]));
	const targets = (name) => (json.connections[name]?.main ?? []).flat().map((c) => c.node);

	test('connections join nodes that exist; node names and ids are unique', () => {
		expect(byName.size).toBe(json.nodes.length);
		expect(new Set(json.nodes.map((n) => n.id)).size).toBe(json.nodes.length);
		for (const [from, { main }] of Object.entries(json.connections)) {
			expect(byName.has(from)).toBe(true);
			for (const connection of main.flat()) expect(byName.has(connection.node)).toBe(true);
		}
	});

	test('one Settings node, the first node after every trigger', () => {
		const settings = json.nodes.filter((node) => node.name === 'Settings');
		expect(settings).toHaveLength(1);
		expect(settings[0].type).toBe('n8n-nodes-base.set');
		const triggers = json.nodes.filter((node) => TRIGGERS.includes(node.type));
		expect(triggers.length).toBeGreaterThan(0);
		for (const trigger of triggers)
			expect(new Set(targets(trigger.name))).toEqual(new Set(['Settings']));
	});

	test('Settings holds exactly the values its nodes read, each choice with the same default in every workflow', () => {
		const settingsNode = byName.get('Settings');
		const settings = settingsNode.parameters.assignments.assignments;
		const values = Object.fromEntries(settings.map((a) => [a.name, a.value]));
		// a choice several workflows read has one default everywhere
		const SHARED_DEFAULTS = {
			takePaymentOn: 'dueDate',
			timeZone: '={{ $now.zoneName }}',
			currency: 'usd',
			feePercent: '0',
			paymentMethodTypes: '={{ ["card"] }}',
			allowedManualPaymentMethodTypes: '={{ [] }}',
			emailSetting: 'successesAndFailures',
			failureAddress: expect.stringMatching(/^[^@\s]+@[^@\s]+$/),
			addMethodPolicy: 'show',
			booksWorkflowId: 'invPayBooksRest',
		};
		for (const [name, value] of Object.entries(SHARED_DEFAULTS))
			if (name in values) expect([name, values[name]]).toEqual([name, value]);
		// the books: the adapter the workflow calls (docs/books-api.md)
		if (json.nodes.some((node) => node.type === 'n8n-nodes-base.executeWorkflow'))
			expect(values.booksWorkflowId).toBe('invPayBooksRest');
		// every field a node reads from Settings exists
		const used = new Set(
			[...JSON.stringify(json.nodes).matchAll(/\$\('Settings'\)\.first\(\)\.json\.(\w+)/g)].map(
				(m) => m[1],
			),
		);
		for (const field of used) expect([field, field in values]).toEqual([field, true]);
		// and every field there is read by some node (an expression or a Code node; notes do not
		// count): an admin sets nothing that changes nothing
		const readers = JSON.stringify(
			json.nodes.filter(
				(node) => node !== settingsNode && node.type !== 'n8n-nodes-base.stickyNote',
			),
		);
		const unread = settings
			.map((a) => a.name)
			.filter((name) => !new RegExp(`\\b${name}\\b`).test(readers));
		expect(unread).toEqual([]);
	});

	test('every talk with the books is one labelled call of the books adapter Settings names, or one HTTP Request with the books credential', () => {
		// (the payment-status workflow's backfill calls the reconciliation, not the books:
		// test/workflows/payment-status-backfill.test.js; the reconciliation calls itself for its
		// cursors: test/workflows/reconciliation.test.js)
		const calls = json.nodes.filter(
			(node) =>
				node.type === 'n8n-nodes-base.executeWorkflow' &&
				node.parameters.workflowId.value !==
					"={{ $('Settings').first().json.reconciliationWorkflowId }}" &&
				node.parameters.workflowId.value !== '={{ $workflow.id }}',
		);
		for (const node of calls) {
			expect(node.name).toMatch(/^Books: /);
			// Run once with all items, waiting for the answers (docs/books-api.md, "Calling it")
			expect(node.parameters).toEqual({
				source: 'database',
				workflowId: {
					__rl: true,
					mode: 'id',
					value: "={{ $('Settings').first().json.booksWorkflowId }}",
				},
				mode: 'once',
				options: { waitForSubWorkflow: true },
			});
		}
		// "Your system:" nodes call the admin's own system, not the books (test/workflows/recovery.test.js)
		const http = json.nodes.filter(
			(node) =>
				node.type === 'n8n-nodes-base.httpRequest' && !node.name.startsWith('Your system: '),
		);
		expect(http.length + calls.length).toBeGreaterThan(0);
		for (const node of http) {
			expect(node.name).toMatch(/^Books: /);
			expect(node.parameters.url).toMatch(
				/^=\{\{ \$\('Settings'\)\.first\(\)\.json\.booksApiUrl \}\}\//,
			);
			expect(node.parameters).toMatchObject({
				authentication: 'genericCredentialType',
				genericAuthType: 'httpHeaderAuth',
			});
			expect(node.credentials).toEqual({
				httpHeaderAuth: { id: 'invPayBooksApi01', name: 'Books API' },
			});
		}
	});

	test('credentials are referenced by the names and ids the local stack imports', () => {
		const known = new Map(stackCredentials.map((c) => [c.id, c]));
		for (const node of json.nodes) {
			for (const [type, reference] of Object.entries(node.credentials ?? {})) {
				expect(known.get(reference.id)).toMatchObject({ type, name: reference.name });
			}
		}
	});

	test('webhooks that take or start a payment are authenticated: a credential, or a signed link checked first', () => {
		for (const node of json.nodes.filter((n) => n.type === 'n8n-nodes-base.webhook')) {
			if (node.parameters.authentication !== 'none') {
				expect(['headerAuth', 'jwtAuth']).toContain(node.parameters.authentication);
				expect(Object.keys(node.credentials)).toEqual([
					node.parameters.authentication === 'jwtAuth' ? 'jwtAuth' : 'httpHeaderAuth',
				]);
				continue;
			}
			// only the web invoice's own pages go without: their signed link is verified before anything else
			expect(node.parameters.path).toMatch(/^invoice-payments\/web-invoice(\/pay)?$/);
			const verifier = json.nodes.find(
				(n) =>
					n.type === `${PACKAGE_NAME}.invoicePaymentsTools` &&
					n.parameters.operation === 'verify' &&
					JSON.stringify(n.parameters).includes(`$('${node.name}')`),
			);
			expect(verifier).toBeDefined();
			expect(
				json.connections['Which request?'].main.some((out) =>
					out.some((c) => c.node === verifier.name),
				),
			).toBe(true);
		}
	});

	test("this package's nodes use only parameters their descriptions define", () => {
		for (const node of json.nodes.filter((n) => n.type.startsWith(`${PACKAGE_NAME}.`))) {
			const description = ourTypes.get(node.type);
			expect(description).toBeDefined();
			// the properties shown for this node's resource and operation
			const shown = description.properties.filter((property) =>
				['resource', 'operation'].every((on) => {
					const allowed = property.displayOptions?.show?.[on];
					return (
						!allowed || node.parameters[on] === undefined || allowed.includes(node.parameters[on])
					);
				}),
			);
			for (const [key, value] of Object.entries(node.parameters)) {
				const property = shown.find((p) => p.name === key);
				expect([node.name, key, property !== undefined]).toEqual([node.name, key, true]);
				if (property.type === 'collection') {
					const options = new Set(property.options.map((o) => o.name));
					for (const option of Object.keys(value))
						expect([node.name, key, option, options.has(option)]).toEqual([
							node.name,
							key,
							option,
							true,
						]);
				}
				if (property.type === 'options' && !String(value).startsWith('=')) {
					expect([node.name, key, property.options.map((o) => o.value)]).toEqual([
						node.name,
						key,
						expect.arrayContaining([value]),
					]);
				}
			}
		}
	});

	test('sticky notes explain the setup and link the books contract', () => {
		const notes = json.nodes
			.filter((n) => n.type === 'n8n-nodes-base.stickyNote')
			.map((n) => n.parameters.content);
		expect(notes.some((content) => /\*\*Setup\*\*/.test(content))).toBe(true);
		expect(notes.some((content) => content.includes('docs/books-api.md'))).toBe(true);
	});
});

describe('auto-pay dry run', () => {
	const byFile = Object.fromEntries(workflows.map(({ file, json }) => [file, json]));
	const dryRun = byFile['auto-pay-dry-run.json'];
	const daily = byFile['daily-auto-pay.json'];
	const scanOf = (json) => json.nodes.find((n) => n.type === `${PACKAGE_NAME}.autoPayScan`);

	test('charges nothing and records nothing: no payment node, no write to the books', () => {
		const types = dryRun.nodes.map((n) => n.type);
		expect(types).not.toContain(`${PACKAGE_NAME}.stripeInvoicePayment`);
		expect(types).not.toContain(`${PACKAGE_NAME}.payments360`);
		for (const node of dryRun.nodes.filter((n) => n.type === 'n8n-nodes-base.httpRequest'))
			expect(node.parameters.method).toBe('GET');
	});

	test("scans as the daily run does, as of tomorrow's run", () => {
		const { asOf, ...rest } = scanOf(dryRun).parameters;
		expect(asOf).toBe("={{ $('Settings').first().json.previewRunAt }}");
		expect(rest).toEqual(scanOf(daily).parameters);
		expect(scanOf(daily).parameters.asOf).toBeUndefined();
		// the same books request feeds both scans, its answer's invoices one item each
		const books = (json, part) =>
			json.nodes.find((n) => n.name === `Books: read open recurring invoices: ${part}`);
		expect(books(dryRun, 'request').parameters).toEqual(books(daily, 'request').parameters);
		expect(books(daily, 'request').parameters.jsonOutput).toContain(
			"operation: 'listOpenRecurringInvoices'",
		);
		for (const json of [dryRun, daily]) {
			expect(books(json, 'invoices')).toMatchObject({
				type: 'n8n-nodes-base.splitOut',
				parameters: { fieldToSplitOut: 'invoices' },
				// no open invoice: the scan gets an empty placeholder item, and the run still reports
				alwaysOutputData: true,
			});
			expect(booksCalls(json).targets('Books: read open recurring invoices', 0)).toEqual([
				scanOf(json).name,
			]);
		}
		// tomorrow at the daily trigger's hour
		const hour = daily.nodes.find((n) => n.type === 'n8n-nodes-base.scheduleTrigger').parameters
			.rule.interval[0].triggerAtHour;
		const previewRunAt = dryRun.nodes
			.find((n) => n.name === 'Settings')
			.parameters.assignments.assignments.find((a) => a.name === 'previewRunAt').value;
		expect(previewRunAt).toBe(
			`={{ $now.plus({ days: 1 }).set({ hour: ${hour}, minute: 0, second: 0, millisecond: 0 }).toISO() }}`,
		);
	});
});

describe('daily auto-pay', () => {
	const daily = shipped('daily-auto-pay.json');
	const node = (name) => daily.nodes.find((n) => n.name === name);
	// a books call (its request, the call, its check) read as one step
	const { targets } = booksCalls(daily);

	test('an invoice paid in Stripe but open in the books is recorded in the books from Stripe', () => {
		const scan = daily.nodes.find((n) => n.type === `${PACKAGE_NAME}.autoPayScan`).name;
		const [filter] = targets(scan, 1).filter((name) => node(name).type === 'n8n-nodes-base.filter');
		const [condition] = node(filter).parameters.conditions.conditions;
		const body = /** @type {RegExpExecArray} */ (/^=\{\{(.*)\}\}$/s.exec(condition.leftValue))[1];
		const passes = new Function('$json', `return ${body}`);
		const skipped = (autoPay) => ({ id: 'INV-1', autoPay: { action: 'skip', ...autoPay } });
		// only a succeeded PaymentIntent the scan found in Stripe, not the books' own "Paid"
		expect(passes(skipped({ reason: 'ALREADY_PAID', paymentId: 'pi_1' }))).toBe(true);
		expect(passes(skipped({ reason: 'ALREADY_PAID' }))).toBe(false);
		expect(passes(skipped({ reason: 'PAYMENT_PENDING', paymentId: 'pi_2' }))).toBe(false);
		expect(condition.operator).toMatchObject({ type: 'boolean', operation: 'true' });

		const [read] = targets(filter, 0);
		expect(node(read)).toMatchObject({
			type: `${PACKAGE_NAME}.stripeInvoicePayment`,
			parameters: {
				resource: 'payment',
				operation: 'get',
				findBy: 'paymentId',
				paymentId: { __rl: true, mode: 'id', value: '={{ $json.autoPay.paymentId }}' },
			},
		});
		// into the same books step (and emails) as a charge made by this run
		expect(targets(read, 0)).toEqual(['Books: record the payment']);
		expect(targets('Stripe: charge the automatic payment method', 0)).toEqual([
			'Charged: to the books',
		]);
		// and each payment into the run report's records (test/workflows/report-records.test.js)
		expect(targets('Charged: to the books', 0)).toEqual([
			'Books: record the payment',
			'Run report: every record',
		]);
	});
});

describe('web invoice with Pay Now: the 360 Payments charge', () => {
	const web = shipped('web-invoice-pay-now.json');
	const node = (name) => web.nodes.find((n) => n.name === name);
	const books = booksCalls(web);
	const { targets } = books;
	const charge = web.nodes.find(
		(n) => n.type === `${PACKAGE_NAME}.payments360` && n.parameters.operation === 'charge',
	);

	test('the gateway gets the invoice ID, its customer and its balance from the books, not from the post', () => {
		// the invoice the books answered for the signed link, as "Can it still be paid?" passes it
		// on, then its customer (test/workflows/pay-now-customer-email.test.js)
		expect(targets('Can it still be paid?', 0)).toEqual(['Books: read the customer']);
		// then one of two charges, by whether Stripe takes payments too (pay-now-stripe-claim.test.js)
		expect(targets(targets('Books: read the customer', 0)[0], 1)).toEqual([charge.name]);
		const still = "$('Can it still be paid?').item.json";
		expect(charge.parameters).toMatchObject({
			invoiceId: `={{ ${still}.invoiceId }}`,
			invoiceNumber: `={{ ${still}.number }}`,
			customerId: `={{ ${still}.customerId }}`,
			amount: `={{ ${still}.balance }}`,
			currency: `={{ ${still}.currency }}`,
		});
		// only the single-use token comes from the page's post (and, among the options, the
		// card's category, which only decides whether the surcharge applies:
		// pay-now-customer-email.test.js)
		const fromPost = Object.entries(charge.parameters)
			.filter(([, value]) => JSON.stringify(value).includes("$('Web invoice: pay')"))
			.map(([key]) => key);
		expect(fromPost).toEqual(['paymentToken', 'options']);
	});

	test('the payments the books hold are read before the balance and handed to the charge', () => {
		// read first: a sale recorded after this read is not skipped by the guard, and one
		// recorded before it is already off the balance read next
		const [payments] = targets('Check the link of the payment', 0);
		expect(books.request(payments)).toBe(
			"operation: 'listInvoicePayments', invoiceId: $json.invoiceId",
		);
		expect(targets(payments, 0)).toEqual(['Books: read the invoice to pay']);
		expect(charge.parameters.options.recordedPaymentIds).toBe(
			`={{ $('${payments}').item.json.payments.map((payment) => payment.paymentId) }}`,
		);
	});

	test('a refused charge answers the page without its details, then fails the run for the admin', () => {
		expect(charge.onError).toBe('continueErrorOutput');
		const [respond] = targets(charge.name, 1);
		expect(node(respond).parameters.responseBody).not.toContain('$json.error');
		expect(targets(respond, 0).map((name) => node(name))).toEqual([
			expect.objectContaining({
				type: 'n8n-nodes-base.stopAndError',
				parameters: { errorMessage: '={{ $json.error }}' },
			}),
		]);
	});
});

describe('payment status', () => {
	const status = shipped('payment-status.json');
	const node = (name) => status.nodes.find((n) => n.name === name);
	const books = booksCalls(status);
	const { targets } = books;
	/** Every node a run may reach from `name`'s output `output` (a books call one step). */
	const reachable = (name, output) => {
		const seen = new Set();
		const queue = targets(name, output);
		while (queue.length > 0) {
			const next = /** @type {string} */ (queue.shift());
			if (seen.has(next)) continue;
			seen.add(next);
			(status.connections[next]?.main ?? []).forEach((_, index) =>
				queue.push(...targets(next, index)),
			);
		}
		return [...seen];
	};
	const trigger = status.nodes.find((n) => n.type === `${PACKAGE_NAME}.paymentWebhookTrigger`);
	const router = node('Payment or new payment method?');
	const ruleOutput = (kind) =>
		router.parameters.rules.values.findIndex(
			(rule) => rule.conditions.conditions[0].rightValue === kind,
		);

	test('every output of the trigger, Refunded included, is followed', () => {
		const outputs = ourTypes.get(trigger.type).outputNames;
		expect(outputs).toContain('Refunded');
		expect(status.connections[trigger.name].main).toHaveLength(outputs.length);
		outputs.forEach((_, index) => expect(targets(trigger.name, index)).toEqual(['Settings']));
	});

	test('a refund is recorded in the books against its invoice, under its payment id, and emails nobody', () => {
		const rule = router.parameters.rules.values[ruleOutput('refund')];
		expect(rule.conditions.conditions[0]).toMatchObject({
			// the event of whichever trigger ran (a 360 Payments chargeback: its Disputed output)
			leftValue:
				"={{ ($('Payment Webhook Trigger').isExecuted ? $('Payment Webhook Trigger') : $('360 Payments Webhook Trigger')).item.json.kind }}",
			operator: { type: 'string', operation: 'equals' },
		});
		// checked against its invoice as a payment is (test/workflows/payment-mismatch.test.js),
		// then parted from the payments by its kind
		expect(targets(router.name, ruleOutput('refund'))).toEqual(
			targets(router.name, ruleOutput('payment')),
		);
		const split = node('Payment or refund?');
		expect(split.parameters.conditions.conditions[0]).toMatchObject({
			leftValue: "={{ $('Payment Webhook Trigger').item.json.kind === 'refund' }}",
			operator: { type: 'boolean', operation: 'true' },
		});
		expect(targets(split.name, 0)).toEqual(['Books: record the refund']);
		expect(books.request('Books: record the refund')).toBe(
			books.request('Books: record the payment'),
		);
		// nothing after it: no "Payment Confirmation" (nor any email, nor a Stripe call) for a refund
		expect(reachable(split.name, 0)).toEqual(['Books: record the refund']);
		// and a refund never takes the payment branch, where the emails are
		expect(ruleOutput('payment')).not.toBe(ruleOutput('refund'));
		expect(reachable(split.name, 1)).toContain('Send Payment Confirmation');
	});
});

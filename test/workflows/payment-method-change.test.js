// @ts-check
/**
 * The payment-status workflow's Payment Method Changed branch, read as a file: when a customer's
 * automatic payment method changes, that customer's open recurring invoices are read from the
 * books, scanned and charged as the daily auto-pay scans and charges them (the same nodes with
 * the same parameters, so the same decisions, idempotency keys and claim protocol), then recorded
 * and emailed as the daily run records and emails them. Run for real in
 * test/e2e/15-method-update-retry.e2e.js.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { TRIGGER_OUTPUT_NAMES } from '../../nodes/core/webhooks/paymentMethodChange';
import { PACKAGE_NAME } from '../engine/package-types';
import { booksCalls } from './books-calls';

/** @param {string} file */
const read = (file) =>
	JSON.parse(readFileSync(path.join(__dirname, '../../workflows', file), 'utf8'));
const status = read('payment-status.json');
const daily = read('daily-auto-pay.json');
/** @param {any} workflow @param {string} name */
const nodeOf = (workflow, name) => workflow.nodes.find((/** @type {any} */ n) => n.name === name);
/** @param {string} name */
const node = (name) => nodeOf(status, name);
/** @param {string} name @param {number} output @returns {string[]} */
const calls = booksCalls(status);
const { targets } = calls;
/** @param {string} from @returns {string[]} every node a run may reach from `from` */
const reachable = (from) => {
	const seen = new Set();
	const queue = [from];
	while (queue.length > 0) {
		const next = /** @type {string} */ (queue.shift());
		if (seen.has(next)) continue;
		seen.add(next);
		(status.connections[next]?.main ?? []).forEach((/** @type {unknown} */ _, output) =>
			queue.push(...targets(next, output)),
		);
	}
	seen.delete(from);
	return [...seen];
};

const TRIGGER = 'Payment Webhook Trigger';
const router = node('Payment or new payment method?');
const ruleOutput = (/** @type {string} */ kind) =>
	router.parameters.rules.values.findIndex(
		(/** @type {any} */ rule) => rule.conditions.conditions[0].rightValue === kind,
	);
const BRANCH = targets(router.name, ruleOutput('payment_method_changed'));

/** Each node of the daily auto-pay the branch runs again, and its name in the branch. */
const AS_IN_THE_DAILY_RUN = {
	'Books: read open recurring invoices': 'Books: open recurring invoices of the customer',
	'Auto-Pay Scan': 'Auto-Pay Scan: retry on the new method',
	'Stripe: charge the automatic payment method': 'Stripe: charge the new automatic method',
	'Books: record the payment': 'Books: record the retried payment',
	'Books: read the customer': 'Books: the customer of the retried payment',
	'Failed: offer a new payment method?': 'Retry failed: offer a new payment method?',
	'Stripe: add-method link': 'Stripe: add-method link after the retry',
	'Compose payment emails': 'Compose retried payment emails',
};

/** The books steps of the branch: calls of the books adapter, and what each asks. */
const BOOKS_REQUESTS = {
	'Books: open recurring invoices of the customer': `operation: 'listCustomerInvoices', customerId: $('${TRIGGER}').item.json.booksCustomerId, statuses: ['open']`,
	'Books: record the retried payment':
		"operation: 'recordPayment', invoiceId: $json.invoiceId, payment: { ...$json, paymentId: $json.paymentId ?? $json.checkoutSessionId }",
	'Books: the customer of the retried payment':
		"operation: 'getCustomer', customerId: $('Books: record the retried payment').item.json.invoice.customerId",
};
/**
 * A daily node's parameters as the branch must hold them: references to its nodes renamed; the
 * daily run reads the recorded payment from its customer answer's `ref` (the record's answer it
 * carried), the branch from the record's answer itself.
 */
function inBranch(/** @type {any} */ parameters) {
	let text = JSON.stringify(parameters);
	for (const [from, to] of Object.entries(AS_IN_THE_DAILY_RUN))
		text = text.split(`$('${from}')`).join(`$('${to}')`);
	text = text
		.split("$('Books: the customer of the retried payment').item.json.ref.")
		.join("$('Books: record the retried payment').item.json.");
	return JSON.parse(text);
}

test("the trigger's Payment Method Changed output leads through Settings to the branch, by the record's kind", () => {
	const output = TRIGGER_OUTPUT_NAMES.indexOf('Payment Method Changed');
	expect(output).toBe(6);
	expect(targets(TRIGGER, output)).toEqual(['Settings']);
	const rule = router.parameters.rules.values[ruleOutput('payment_method_changed')];
	expect(rule.conditions.conditions[0]).toMatchObject({
		// the event of whichever trigger ran (a 360 Payments chargeback: its Disputed output)
		leftValue: `={{ ($('${TRIGGER}').isExecuted ? $('${TRIGGER}') : $('360 Payments Webhook Trigger')).item.json.kind }}`,
		operator: { type: 'string', operation: 'equals' },
	});
	expect(BRANCH).toEqual(['Books: open recurring invoices of the customer']);
	expect(calls.isCall(BRANCH[0])).toBe(true);
	// the rules before it keep their outputs (payment, new payment method, refund)
	expect(['payment', 'payment_method_added', 'refund'].map(ruleOutput)).toEqual([0, 1, 2]);
});

test("the customer's open recurring invoices are read from the books by the books customer the change names", () => {
	// the customer's open invoices; the scan keeps the recurring ones (Recurring Only)
	expect(calls.request(BRANCH[0])).toBe(BOOKS_REQUESTS[BRANCH[0]]);
	expect(node('Auto-Pay Scan: retry on the new method').parameters.recurringOnly).toBe(true);
	// no open invoice: nothing runs after it (no report to send, unlike the daily run)
	expect(node(BRANCH[0]).alwaysOutputData).toBeUndefined();
	expect(node(`${BRANCH[0]}: invoices`).alwaysOutputData).toBeUndefined();
});

test('every node of the branch is the daily run’s, with the same parameters (the scan as of now, without a run summary)', () => {
	for (const [dailyName, name] of Object.entries(AS_IN_THE_DAILY_RUN)) {
		const original = nodeOf(daily, dailyName);
		const copy = node(name);
		if (name in BOOKS_REQUESTS) {
			// both calls of the books adapter; what each asks: its request
			expect([name, calls.request(name)]).toEqual([name, BOOKS_REQUESTS[name]]);
			expect([name, copy.parameters]).toEqual([name, original.parameters]);
			continue;
		}
		expect([name, copy.type, copy.typeVersion]).toEqual([
			name,
			original.type,
			original.typeVersion,
		]);
		expect([name, copy.onError]).toEqual([name, original.onError]);
		expect([name, copy.credentials]).toEqual([name, original.credentials]);
		const expected = inBranch(original.parameters);
		if (dailyName === 'Auto-Pay Scan') delete expected.options.addRunSummary;
		expect([name, copy.parameters]).toEqual([name, expected]);
	}
	const scan = node('Auto-Pay Scan: retry on the new method');
	expect(scan.parameters.checkStripe).toBe(true);
	// As Of empty: the moment the change arrives
	expect(scan.parameters.asOf ?? '').toBe('');
});

test('the Settings the branch reads hold the daily run’s values', () => {
	/** @param {any} workflow */
	const settingsOf = (workflow) =>
		Object.fromEntries(
			nodeOf(workflow, 'Settings').parameters.assignments.assignments.map(
				(/** @type {any} */ a) => [a.name, a.value],
			),
		);
	const ours = settingsOf(status);
	const theirs = settingsOf(daily);
	const read = new Set(
		[
			...JSON.stringify(Object.values(AS_IN_THE_DAILY_RUN).map(node)).matchAll(
				/\$\('Settings'\)\.first\(\)\.json\.(\w+)/g,
			),
		].map((m) => m[1]),
	);
	expect(read).toContain('catchUpDays');
	for (const field of read) {
		expect([field, ours[field]]).toEqual([field, theirs[field]]);
	}
});

test('the scan charges only through Charge Scanned Invoice; each payment goes to the books, then the same emails, one payment per invoice', () => {
	const scan = 'Auto-Pay Scan: retry on the new method';
	const charge = 'Stripe: charge the new automatic method';
	expect(targets(BRANCH[0], 0)).toEqual([scan]);
	// Charge only: a skipped invoice waits for its day (the daily run, or the next change)
	expect(status.connections[scan].main).toHaveLength(1);
	expect(targets(scan, 0)).toEqual([charge]);
	expect(node(charge).parameters).toMatchObject({
		resource: 'payment',
		operation: 'chargeAutoPay',
		autoPayDecision: '={{ $json.autoPay }}',
	});
	expect(targets(charge, 0)).toEqual(['Books: record the retried payment']);
	expect(targets(charge, 1)).toEqual(['Not charged: left to the daily run']);
	expect(targets('Books: record the retried payment', 0)).toEqual([
		'Books: the customer of the retried payment',
	]);
	expect(targets('Books: the customer of the retried payment', 0)).toEqual([
		'Retry failed: offer a new payment method?',
	]);
	expect(targets('Retry failed: offer a new payment method?', 0)).toEqual([
		'Stripe: add-method link after the retry',
	]);
	expect(targets('Retry failed: offer a new payment method?', 1)).toEqual([
		'Compose retried payment emails',
	]);
	expect(targets('Stripe: add-method link after the retry', 0)).toEqual([
		'Compose retried payment emails',
	]);
	// the same Send Email nodes as every status the webhook reports
	expect(targets('Compose retried payment emails', 0)).toEqual(['Send Payment Confirmation']);
	expect(targets('Compose retried payment emails', 1)).toEqual(['Send Payment Failure']);
	expect(targets('Compose payment emails', 0)).toEqual(['Send Payment Confirmation']);

	// Stripe is asked only to charge what the scan decided and, after a failure, for a link
	const stripeCalls = reachable(router.name)
		.filter((name) => reachable(BRANCH[0]).includes(name) || name === BRANCH[0])
		.map(node)
		.filter((n) => n.type === `${PACKAGE_NAME}.stripeInvoicePayment`)
		.map((n) => `${n.parameters.resource}.${n.parameters.operation}`);
	expect(stripeCalls.sort()).toEqual(['payment.chargeAutoPay', 'paymentMethod.createAddLink']);
	// and the branch never joins the webhook's own payment path (its records are our charges)
	expect(reachable(BRANCH[0])).not.toContain('Does the payment match its invoice?');
	expect(reachable(BRANCH[0])).not.toContain('Books: record the payment');
});

// @ts-check
/**
 * The payment-status workflow, read as a file: a record names its invoice from the payment's
 * metadata, which whoever made the payment wrote, so no record reaches the books' payments
 * before Invoice Payments Tools → Payment Record → Match Invoice said it matches the invoice,
 * its payments, its customer and the Stripe customer mapped to it. A mismatch is kept apart in
 * the books and told to the failure address, never to the customer. (Run for real in
 * test/e2e/05-payment-status.e2e.js.)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { PACKAGE_NAME } from '../engine/package-types';
import { booksCalls } from './books-calls';

const status = JSON.parse(
	readFileSync(path.join(__dirname, '../../workflows/payment-status.json'), 'utf8'),
);
const node = (name) => status.nodes.find((n) => n.name === name);
const calls = booksCalls(status);
const { targets } = calls;
/** Every node a run may reach from `name`'s output `output`, not going through `closed` outputs. */
const reachable = (name, output, closed = []) => {
	const seen = new Set();
	const queue = targets(name, output);
	while (queue.length > 0) {
		const next = /** @type {string} */ (queue.shift());
		if (seen.has(next)) continue;
		seen.add(next);
		(status.connections[next]?.main ?? []).forEach((links, index) => {
			if (closed.some(([from, out]) => from === next && out === index)) return;
			queue.push(...targets(next, index));
		});
	}
	return [...seen];
};
const TRIGGER = "$('Payment Webhook Trigger').item.json";
const router = node('Payment or new payment method?');
const ruleOutput = (kind) =>
	router.parameters.rules.values.findIndex(
		(rule) => rule.conditions.conditions[0].rightValue === kind,
	);
const check = status.nodes.find(
	(n) =>
		n.type === `${PACKAGE_NAME}.invoicePaymentsTools` && n.parameters.operation === 'matchInvoice',
);
const MATCHES = 0;
const MISMATCH = 1;
/** A call of the books adapter asking for `operation`. */
const asks = (operation) => (name) =>
	calls.isCall(name) && calls.request(name).startsWith(`operation: '${operation}'`);
const emailNodes = (names) =>
	names.filter((name) => node(name).type === 'n8n-nodes-base.emailSend');

test('no payment or refund reaches the books as paying its invoice but through Matches', () => {
	expect(check).toBeDefined();
	for (const kind of ['payment', 'refund']) {
		const all = reachable(router.name, ruleOutput(kind));
		expect(all).toContain(check.name);
		const recorders = all.filter(asks('recordPayment'));
		expect(recorders.sort()).toEqual(['Books: record the payment', 'Books: record the refund']);
		// with Matches closed, none of them is reached
		const unchecked = reachable(router.name, ruleOutput(kind), [[check.name, MATCHES]]);
		expect(unchecked.filter(asks('recordPayment'))).toEqual([]);
	}
	// what is checked is what is recorded
	for (const name of ['Books: record the payment', 'Books: record the refund']) {
		expect(calls.request(name)).toBe(
			`operation: 'recordPayment', invoiceId: ${TRIGGER}.invoiceId, payment: $('${check.name}').item.json.record`,
		);
	}
	expect(check.parameters.paymentRecord).toBe(
		`={{ { ...${TRIGGER}, paymentId: ${TRIGGER}.paymentId ?? ${TRIGGER}.checkoutSessionId } }}`,
	);
});

test('the check reads the invoice, its payments, its customer and the Stripe customer mapped to it, in that order', () => {
	const [readInvoice] = targets(router.name, ruleOutput('payment'));
	expect(calls.request(readInvoice)).toBe(
		`operation: 'getInvoice', invoiceId: ${TRIGGER}.invoiceId`,
	);
	const [readPayments] = targets(readInvoice, 0);
	// an invoice without payments is an empty list, still one answer
	expect(calls.request(readPayments)).toBe(
		`operation: 'listInvoicePayments', invoiceId: $('${readInvoice}').item.json.invoice.id`,
	);
	const [readCustomer] = targets(readPayments, 0);
	expect(calls.request(readCustomer)).toBe(
		`operation: 'getCustomer', customerId: $('${readInvoice}').item.json.invoice.customerId`,
	);
	const [mapping] = targets(readCustomer, 0);
	expect(node(mapping)).toMatchObject({
		type: `${PACKAGE_NAME}.customerMapping`,
		parameters: { resource: 'mapping', operation: 'get', booksCustomerId: '={{ $json.id }}' },
	});
	expect(targets(mapping, 0)).toEqual([check.name]);
	expect(check.parameters).toMatchObject({
		resource: 'paymentRecord',
		invoice: `={{ $('${readInvoice}').item.json.invoice }}`,
		recordedPayments: `={{ $('${readPayments}').item.json.payments }}`,
		// unmapped: '' (none mapped), so no Stripe customer matches
		stripeCustomerId: "={{ $json.stripeCustomerId ?? '' }}",
	});
});

test('a mismatch is kept in the books apart from the payments and told to the failure address only', () => {
	const [keep] = targets(check.name, MISMATCH);
	expect(calls.request(keep)).toBe(
		"operation: 'keepPaymentMismatch', invoiceId: $('Books: read the invoice').item.json.invoice.id, payment: $json.record, reasons: $json.reasons",
	);
	const [compose] = targets(keep, 0);
	expect(node(compose).parameters).toMatchObject({
		resource: 'email',
		operation: 'composePaymentMismatchNotice',
		paymentRecord: `={{ $('${check.name}').item.json.record }}`,
		reasons: `={{ $('${check.name}').item.json.reasons }}`,
		// once per status of the payment, as the books say
		statusIsNew: '={{ $json.statusChanged }}',
		failureAddress: "={{ $('Settings').first().json.failureAddress }}",
	});
	expect(targets(compose, 1)).toEqual([]);
	const [send] = targets(compose, 0);
	expect(node(send).parameters).toMatchObject({
		toEmail: '={{ $json.to }}',
		subject: '={{ $json.subject }}',
	});
	expect(node(send).parameters.options.ccEmail).toBeUndefined();
	expect(node(send).parameters.options.bccEmail).toBeUndefined();
	// nothing on that branch counts the payment, reads Stripe or writes to the customer
	const branch = reachable(check.name, MISMATCH);
	expect(branch).toEqual([keep, compose, send]);
	expect(emailNodes(reachable(check.name, MATCHES))).not.toContain(send);
});

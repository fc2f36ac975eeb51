// @ts-check
/**
 * The web invoice's Pay Now path, read as a file: the page is in the customer's hands, so of
 * what it posts only the single-use card token is used. The email the gateway gets is the
 * invoice's own customer's, read from the books after the link was checked, the same address
 * the page showed; a posted `customer_email` is ignored. (Run for real in
 * test/e2e/07-web-invoice.e2e.js.)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { PACKAGE_NAME } from '../engine/package-types';
import { booksCalls } from './books-calls';

const web = JSON.parse(
	readFileSync(path.join(__dirname, '../../workflows/web-invoice-pay-now.json'), 'utf8'),
);
const node = (name) => web.nodes.find((n) => n.name === name);
const calls = booksCalls(web);
const { targets } = calls;
const reachable = (name) => {
	const seen = new Set();
	const queue = (web.connections[name]?.main ?? []).flat().map((l) => l.node);
	while (queue.length > 0) {
		const next = queue.shift();
		if (seen.has(next)) continue;
		seen.add(next);
		for (const links of web.connections[next]?.main ?? []) queue.push(...links.map((l) => l.node));
	}
	return [...seen];
};
const charge = web.nodes.find(
	(n) => n.type === `${PACKAGE_NAME}.payments360` && n.parameters.operation === 'charge',
);
const POST = "$('Web invoice: pay')";
/** An n8n expression `={{ ... }}` as a function of `$` (node name -> { item: { json } }). */
const evaluate = (expression, nodes) => {
	const body = /** @type {RegExpExecArray} */ (/^=\{\{(.*)\}\}$/s.exec(expression))[1];
	return new Function('$', `return ${body}`)((name) => ({ item: { json: nodes[name] } }));
};

test("the gateway gets the email of the invoice's customer as the books have it", () => {
	const email = charge.parameters.customerEmail;
	expect(email).not.toContain(POST);
	// read after the link was checked and the invoice read, for the invoice's own customer
	const [reader] = targets('Can it still be paid?', 0);
	// then one of two charges, by whether Stripe takes payments too (pay-now-stripe-claim.test.js)
	expect(targets(targets(reader, 0)[0], 1)).toEqual([charge.name]);
	expect(calls.request(reader)).toBe("operation: 'getCustomer', customerId: $json.customerId");
	expect(charge.parameters.customerId).toBe(
		"={{ $('Can it still be paid?').item.json.customerId }}",
	);
	// the address the Pay Now page showed: accounts email first, else the customer's email
	const page = web.nodes.find(
		(n) => n.type === `${PACKAGE_NAME}.payments360` && n.parameters.resource === 'payNowPage',
	);
	expect(email).toBe(
		page.parameters.customerEmail.replaceAll(
			"$('Books: read the customer for the page')",
			`$('${reader}')`,
		),
	);
	const post = { body: { payment_token: 'tok_1', customer_email: 'someone@elsewhere.example' } };
	const books = (customer) => ({
		'Web invoice: pay': post,
		[reader]: { operation: 'getCustomer', ref: null, error: null, customer },
	});
	expect(
		evaluate(email, books({ accountsEmail: 'ap@acme.example', email: 'office@acme.example' })),
	).toBe('ap@acme.example');
	expect(evaluate(email, books({ accountsEmail: null, email: 'office@acme.example' }))).toBe(
		'office@acme.example',
	);
	expect(evaluate(email, books({ accountsEmail: null, email: null }))).toBe('');
});

test('of the post, only the card token is read anywhere on the Pay Now path', () => {
	const path = reachable('Check the link of the payment');
	expect(path).toContain(charge.name);
	const readers = path
		.map(node)
		.filter((n) => JSON.stringify(n.parameters).includes(POST))
		.map((n) => [
			n.name,
			Object.keys(n.parameters).filter((key) => JSON.stringify(n.parameters[key]).includes(POST)),
		]);
	// both charges: with and without the claim in Stripe (pay-now-stripe-claim.test.js)
	const charges = web.nodes.filter(
		(n) => n.type === charge.type && n.parameters.operation === 'charge',
	);
	expect(charges).toHaveLength(2);
	expect(readers.sort()).toEqual(charges.map((n) => [n.name, ['paymentToken', 'options']]).sort());
	expect(charge.parameters.paymentToken).toBe(`={{ ${POST}.item.json.body.payment_token ?? '' }}`);
	// and, among the options, only the card's category: it can only decide whether the surcharge
	// (a fee on the payer, off by default) applies, never an amount, an invoice or a customer;
	// a payer who says "debit" of a credit card saves the fee, which card rules require unknown
	// cards to be spared anyway
	for (const n of charges) {
		const fromPost = Object.entries(n.parameters.options)
			.filter(([, value]) => JSON.stringify(value).includes(POST))
			.map(([key]) => key);
		expect([n.name, fromPost]).toEqual([n.name, ['cardCategory']]);
		expect(n.parameters.options.cardCategory).toBe(
			`={{ ${POST}.item.json.body.card_category ?? '' }}`,
		);
	}
});

test('the 360 Payments surcharge is off as shipped, and the page shows the fee only when the charge may take it', () => {
	const settings = Object.fromEntries(
		node('Settings').parameters.assignments.assignments.map((a) => [a.name, a.value]),
	);
	expect(settings.surchargeCreditCards).toBe(false);
	const S = "$('Settings').first().json";
	for (const n of web.nodes.filter(
		(candidate) => candidate.type === charge.type && candidate.parameters.operation === 'charge',
	)) {
		expect(n.parameters.options.surchargeCreditCards).toBe(`={{ ${S}.surchargeCreditCards }}`);
		expect(n.parameters.feePercent).toBe(`={{ ${S}.feePercent }}`);
	}
	const pageFee = node('360 Payments: Pay Now page').parameters.feePercent;
	const feeShown = (surchargeCreditCards) =>
		new Function('$', `return ${/^=\{\{(.*)\}\}$/s.exec(pageFee)?.[1]}`)(() => ({
			first: () => ({ json: { surchargeCreditCards, feePercent: '3' } }),
		}));
	expect(feeShown(false)).toBe('0');
	expect(feeShown(true)).toBe('3');
});

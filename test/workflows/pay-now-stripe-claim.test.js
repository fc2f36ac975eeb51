// @ts-check
/**
 * The web invoice's Pay Now path while Stripe also takes payments (issue 17: one charge per
 * invoice across every path), read as a file. A node's credential cannot follow a runtime value,
 * so the workflow holds two Charge Token nodes: Settings → stripeConnected picks the one that
 * claims the invoice in Stripe first (it carries the Stripe credential) or the one that charges
 * as before (no Stripe credential). Both feed the same books step, answers and error path. A
 * Stripe payment that already holds the invoice is recorded in the books and the page is told,
 * plainly, that nothing was charged. (Run for real in test/e2e/07-web-invoice.e2e.js.)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { nodeClasses, PACKAGE_NAME } from '../engine/package-types';
import { booksCalls } from './books-calls';

const web = JSON.parse(
	readFileSync(path.join(__dirname, '../../workflows/web-invoice-pay-now.json'), 'utf8'),
);
const node = (name) => web.nodes.find((n) => n.name === name);
const { targets } = booksCalls(web);
const charges = web.nodes.filter(
	(n) => n.type === `${PACKAGE_NAME}.payments360` && n.parameters.operation === 'charge',
);
const claiming = charges.find((n) => n.parameters.claimInStripe === true);
const plain = charges.find((n) => n !== claiming);
const payments360 = nodeClasses
	.map((C) => new C().description)
	.find((description) => `${PACKAGE_NAME}.${description.name}` === plain.type);
const settings = Object.fromEntries(
	node('Settings').parameters.assignments.assignments.map((a) => [a.name, a]),
);
/**
 * An n8n expression `={{ ... }}` evaluated with `$` (node name -> its item and first item, from
 * `nodes`) and `$json`.
 */
const evaluate = (expression, nodes, json = {}) => {
	const body = /** @type {RegExpExecArray} */ (/^=\{\{(.*)\}\}$/s.exec(expression))[1];
	return new Function('$', '$json', `return ${body}`)(
		(name) => ({ item: { json: nodes[name] }, first: () => ({ json: nodes[name] }) }),
		json,
	);
};
const condition = (ifNode) => ifNode.parameters.conditions.conditions;

/** What n8n shows of the node's credentials for its parameters (displayOptions show / hide). */
const credentialsShown = (n) => {
	const value = (name) =>
		n.parameters[name] ?? payments360.properties.find((p) => p.name === name)?.default;
	const matches = (rules = {}) =>
		Object.entries(rules).every(([name, values]) => values.includes(value(name)));
	return payments360.credentials
		.filter(({ displayOptions }) => {
			const { show, hide } = displayOptions ?? {};
			if (show && !matches(show)) return false;
			return !(hide && Object.keys(hide).some((name) => hide[name].includes(value(name))));
		})
		.map((c) => c.name)
		.sort();
};

/** A 360 Payments Charge Token answer that is a Stripe pay link holding the invoice. */
const payLinkHolder = {
	provider: 'stripe',
	invoiceId: 'inv-7',
	status: 'pending',
	paymentId: null,
	checkoutSessionId: 'cs_test_holder',
	nextActionUrl: 'https://checkout.stripe.com/c/pay/cs_test_holder',
	existingPayment: true,
	guard: {
		reason: 'PAYMENT_PENDING',
		message: 'Invoice inv-7 has an open pay link (cs_test_holder)',
	},
};
const stripePaid = {
	provider: 'stripe',
	invoiceId: 'inv-7',
	status: 'succeeded',
	paymentId: 'pi_holder',
	checkoutSessionId: null,
	existingPayment: true,
	guard: {
		reason: 'ALREADY_PAID',
		message: 'Invoice inv-7 already has a succeeded payment (pi_holder)',
	},
};
const charged = {
	provider: 'gateway360',
	invoiceId: 'inv-7',
	status: 'succeeded',
	paymentId: '7000000042',
	existingPayment: false,
	stripeClaimId: 'pi_claim',
};
const still = { invoiceId: 'inv-7', number: 'INV-7' };

test('Settings → stripeConnected picks the charge that claims the invoice in Stripe first', () => {
	expect(charges.map((n) => n.name).sort()).toEqual([
		'360 Payments: charge the card',
		'360 Payments: charge the card, claiming it in Stripe',
	]);
	// the flag the one-provider rule reads on the page's path, a boolean
	expect(settings.stripeConnected).toMatchObject({ type: 'boolean', value: true });
	expect(node('Online payment provider').parameters.stripeConnected).toBe(
		"={{ $('Settings').first().json.stripeConnected }}",
	);
	const [route] = targets('Books: read the customer', 0);
	expect(node(route).type).toBe('n8n-nodes-base.if');
	const [flag] = condition(node(route));
	expect(flag.operator).toMatchObject({ type: 'boolean', operation: 'true' });
	// strict: a flag that is not a boolean stops the run before anything is charged
	expect(node(route).parameters.conditions.options.typeValidation).toBe('strict');
	for (const stripeConnected of [true, false]) {
		expect(evaluate(flag.leftValue, { Settings: { stripeConnected } })).toBe(stripeConnected);
	}
	expect(targets(route, 0)).toEqual([claiming.name]);
	expect(targets(route, 1)).toEqual([plain.name]);
	// whatever gateway360Connected says now: a page opened before 360 Payments was switched off
	// is still charged through it, and still claimed in Stripe when Stripe takes payments
	expect(flag.leftValue).not.toContain('gateway360Connected');
});

test('the two charges are the same request; only the claim and its Stripe credential differ', () => {
	const { claimInStripe, ...rest } = claiming.parameters;
	expect(claimInStripe).toBe(true);
	expect(rest).toEqual(plain.parameters);
	expect(plain.parameters.claimInStripe).toBeUndefined();
	expect(claiming.onError).toBe(plain.onError);
	// the Stripe account of the workflow's own pay links, and the same gateway
	expect(claiming.credentials).toEqual({
		payments360Api: plain.credentials.payments360Api,
		stripeInvoicePaymentsApi: node('Stripe: pay link').credentials.stripeInvoicePaymentsApi,
	});
	// each carries exactly the credentials n8n shows for its parameters: with only 360 Payments
	// connected, no Stripe credential is needed
	for (const n of charges) expect(credentialsShown(n)).toEqual(Object.keys(n.credentials).sort());
	expect(credentialsShown(plain)).toEqual(['payments360Api']);
});

test('both charges lead to the same books step, answers and error path', () => {
	const [outcome] = targets(claiming.name, 0);
	for (const n of charges) {
		expect(targets(n.name, 0)).toEqual([outcome]);
		expect(targets(n.name, 1)).toEqual(['Respond: payment error']);
	}
	expect(node(outcome).type).toBe('n8n-nodes-base.noOp');
	expect(targets(outcome, 0)).toEqual(['Books: record the payment']);
	// only one of the two runs: no later node names either, they read the outcome
	const later = web.nodes.filter((n) => !charges.includes(n));
	for (const n of charges) {
		expect(later.filter((l) => JSON.stringify(l.parameters).includes(`$('${n.name}')`))).toEqual(
			[],
		);
	}
});

test('the books get the payment under its id, or a pay link under its Checkout Session id', () => {
	// one recordPayment request of the books adapter, for the invoice still payable
	const { jsonOutput } = node('Books: record the payment: request').parameters;
	const request = (record) =>
		JSON.parse(evaluate(jsonOutput, { 'Can it still be paid?': still }, record));
	expect(request(charged)).toMatchObject({ operation: 'recordPayment', invoiceId: 'inv-7' });
	const posted = (record) => request(record).payment;
	expect(posted(charged)).toMatchObject({ provider: 'gateway360', paymentId: '7000000042' });
	expect(posted(stripePaid)).toMatchObject({ provider: 'stripe', paymentId: 'pi_holder' });
	expect(posted(payLinkHolder)).toMatchObject({
		paymentId: 'cs_test_holder',
		checkoutSessionId: 'cs_test_holder',
		invoiceId: 'inv-7',
	});
});

test('a Stripe payment holding the invoice is answered plainly: nothing charged, no details', () => {
	const [held] = targets('Books: record the payment', 0);
	const [isStripe] = condition(node(held));
	const holdsIt = (record) =>
		evaluate(isStripe.leftValue, { 'Charge outcome': record }) === isStripe.rightValue;
	expect(isStripe.operator).toMatchObject({ type: 'string', operation: 'equals' });
	expect([stripePaid, payLinkHolder, charged].map(holdsIt)).toEqual([true, true, false]);

	const [elsewhere] = targets(held, 0);
	const answer = node(elsewhere).parameters;
	expect(answer.options.responseCode).toBe(409);
	const body = (record) =>
		evaluate(answer.responseBody, { 'Charge outcome': record, 'Can it still be paid?': still });
	expect(JSON.parse(body(stripePaid))).toEqual({
		status: 'refused',
		failure: {
			code: 'ALREADY_PAID',
			message: 'Invoice INV-7 is already paid; nothing was charged to this card.',
		},
	});
	expect(JSON.parse(body(payLinkHolder))).toEqual({
		status: 'refused',
		failure: {
			code: 'PAYMENT_PENDING',
			message:
				'A payment for invoice INV-7 is already under way; nothing was charged to this card.',
		},
	});
	// the page holder learns nothing of the other payment: no id, no pay link
	expect(body(payLinkHolder)).not.toMatch(/cs_|pi_|https:/);

	// this card's payment: the charge's answer, as before
	const [result] = targets(held, 1);
	expect(result).toBe('Respond: payment result');
	expect(
		JSON.parse(evaluate(node(result).parameters.responseBody, { 'Charge outcome': charged })),
	).toEqual(charged);
	// a Stripe payment the books hear of first here is emailed from here, once (statusChanged)
	expect(targets(elsewhere, 0)).toEqual(['Compose payment emails']);
	expect(targets(result, 0)).toEqual(['Compose payment emails']);
});

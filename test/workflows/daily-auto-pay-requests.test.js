// @ts-check
/**
 * The daily auto-pay, read as a file: the pay step charges the Auto-Pay Scan's decision as it
 * stands, and nothing after it reads Stripe again per invoice for what the charge already knows
 * (docs/stripe-limits.md). Run for real in test/e2e/03-daily-auto-pay.e2e.js and measured by
 * bench/daily-run.bench.js.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { PACKAGE_NAME } from '../engine/package-types';

const daily = JSON.parse(
	readFileSync(path.join(__dirname, '../../workflows/daily-auto-pay.json'), 'utf8'),
);
const node = (name) => daily.nodes.find((n) => n.name === name);
const stripeNodes = daily.nodes.filter((n) => n.type === `${PACKAGE_NAME}.stripeInvoicePayment`);

test('the scan feeds Charge Scanned Invoice with its decision, Check Stripe on', () => {
	expect(node('Auto-Pay Scan').parameters.checkStripe).toBe(true);
	expect(daily.connections['Auto-Pay Scan'].main[0].map((l) => l.node)).toEqual([
		'Stripe: charge the automatic payment method',
	]);
	const charge = node('Stripe: charge the automatic payment method').parameters;
	expect(charge).toMatchObject({
		resource: 'payment',
		operation: 'chargeAutoPay',
		autoPayDecision: '={{ $json.autoPay }}',
	});
	// nothing the decision holds is handed in again beside it
	for (const parameter of ['invoiceId', 'customer', 'balance', 'amount', 'currency', 'howToPay'])
		expect(charge).not.toHaveProperty(parameter);
});

test('per invoice, Stripe is read only to charge, to read a payment the books miss, and for an add-method link after a failure', () => {
	const perInvoice = stripeNodes.map(
		(n) => `${n.name}: ${n.parameters.resource}.${n.parameters.operation}`,
	);
	expect(perInvoice.sort()).toEqual([
		'Stripe: add-method link: paymentMethod.createAddLink',
		'Stripe: charge the automatic payment method: payment.chargeAutoPay',
		'Stripe: read the payment: payment.get',
	]);
	// the email's method label is the payment record's, the link's customer the record's Stripe
	// customer: the record as the books answered it, carried by the customer read as its ref
	expect(node('Books: read the customer: request').parameters.jsonOutput).toContain(
		'ref: { payment: $json.payment, invoice: $json.invoice, statusChanged: $json.statusChanged }',
	);
	expect(node('Compose payment emails').parameters.automaticPaymentMethod).toContain(
		"$('Books: read the customer').item.json.ref.payment.paymentMethod",
	);
	expect(node('Stripe: add-method link').parameters.customer).toMatchObject({
		mode: 'id',
		value: "={{ $('Books: read the customer').item.json.ref.payment.customer.providerId }}",
	});
});

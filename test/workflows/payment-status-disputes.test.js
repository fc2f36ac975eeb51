// @ts-check
/**
 * The payment-status workflow's dispute branch, read as a file: a Stripe dispute (the Payment
 * Webhook Trigger's Disputed output) and a 360 Payments chargeback (the 360 Payments Webhook
 * Trigger's Disputed output, NMI's chargeback.batch.complete) take the same nodes: kept on the
 * invoice as a mismatch with the record the normaliser made, then one notice per dispute status.
 * Run for real in test/e2e/05-payment-status.e2e.js (Stripe) and
 * test/e2e/25-gateway360-chargeback.e2e.js (360 Payments).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import {
	DISPUTED_OUTPUT,
	TRIGGER_OUTPUT_NAMES,
} from '../../nodes/core/webhooks/paymentMethodChange';
import { PACKAGE_NAME } from '../engine/package-types';

const status = JSON.parse(
	readFileSync(path.join(__dirname, '../../workflows/payment-status.json'), 'utf8'),
);
/** @param {string} name */
const node = (name) => {
	const found = status.nodes.find((/** @type {any} */ n) => n.name === name);
	if (!found) throw new Error(`no node ${name}`);
	return found;
};
/** @param {string} name @param {number} output @returns {string[]} */
const targets = (name, output) =>
	(status.connections[name]?.main[output] ?? []).map((/** @type {any} */ c) => c.node);
const STRIPE = 'Payment Webhook Trigger';
const GATEWAY = '360 Payments Webhook Trigger';
const DISPUTED = TRIGGER_OUTPUT_NAMES.indexOf(DISPUTED_OUTPUT);

/**
 * An n8n expression of the workflow (`={{ ... }}`) evaluated with `$` answering for the nodes
 * that ran, each with one item.
 * @param {string} expression @param {Record<string, any>} ran
 */
function evaluate(expression, ran) {
	const body = /** @type {RegExpExecArray} */ (/^=\{\{(.*)\}\}$/s.exec(expression))[1];
	const $ = (/** @type {string} */ name) => ({
		isExecuted: name in ran,
		get item() {
			if (!(name in ran)) throw new Error(`${name} did not run`);
			return { json: ran[name] };
		},
		first: () => {
			if (!(name in ran)) throw new Error(`${name} did not run`);
			return { json: ran[name] };
		},
	});
	return new Function('$', '$json', `return ${body}`)($, ran.$json ?? {});
}

const chargeback = {
	kind: 'dispute',
	provider: 'gateway360',
	invoiceId: 'inv-7',
	dispute: {
		mismatchRecord: { provider: 'gateway360', paymentId: 'chargeback:9001:20261207:3000' },
		reasons: [{ code: 'DISPUTE_LOST', message: '10.4: Other Fraud' }],
	},
};
const stripeDispute = {
	kind: 'dispute',
	provider: 'stripe',
	invoiceId: 'inv-1',
	dispute: {
		mismatchRecord: { provider: 'stripe', paymentId: 'dp_1' },
		reasons: [{ code: 'DISPUTE_OPEN', message: 'fraudulent' }],
	},
};

test('a 360 Payments Webhook Trigger, its Disputed output alone wired, into the same Settings as Stripe', () => {
	expect(DISPUTED).toBe(7);
	const gateway = node(GATEWAY);
	expect(gateway).toMatchObject({
		type: `${PACKAGE_NAME}.paymentWebhookTrigger`,
		parameters: { provider: 'gateway360' },
		credentials: { payments360Api: { name: '360 Payments' } },
	});
	expect(gateway.webhookId).toEqual(expect.any(String));
	expect(gateway.webhookId).not.toBe(node(STRIPE).webhookId);
	// sales, refunds and voids are recorded by the runs that take them and the reconciliation
	for (let output = 0; output < TRIGGER_OUTPUT_NAMES.length; output++)
		expect([output, targets(GATEWAY, output)]).toEqual([
			output,
			output === DISPUTED ? ['Settings'] : [],
		]);
	expect(targets(STRIPE, DISPUTED)).toEqual(['Settings']);
	// not a publish: on to the router
	expect(
		evaluate(
			node('Webhook event or published again?').parameters.rules.values[0].conditions.conditions[0]
				.leftValue,
			{ [GATEWAY]: chargeback },
		),
	).toBe(true);
});

test("the router sends either trigger's dispute to the dispute branch, and only a dispute", () => {
	const router = node('Payment or new payment method?');
	const rules = router.parameters.rules.values;
	const first = (/** @type {Record<string, any>} */ ran) =>
		rules.findIndex((/** @type {any} */ rule) =>
			rule.conditions.conditions.every(
				(/** @type {any} */ c) => evaluate(c.leftValue, ran) === c.rightValue,
			),
		);
	for (const ran of [{ [GATEWAY]: chargeback }, { [STRIPE]: stripeDispute }]) {
		const output = first(ran);
		expect(targets('Payment or new payment method?', output)).toEqual([
			'Books: keep the dispute: request',
		]);
	}
	expect(first({ [STRIPE]: { kind: 'payment' } })).not.toBe(first({ [GATEWAY]: chargeback }));
});

test('kept with the record the normaliser made, one notice per dispute status, for either trigger', () => {
	const request = node('Books: keep the dispute: request').parameters.jsonOutput;
	const notice = node('Compose dispute notice').parameters;
	/** @type {Array<[string, typeof chargeback]>} */
	const cases = [
		[GATEWAY, chargeback],
		[STRIPE, stripeDispute],
	];
	for (const [trigger, event] of cases) {
		expect(JSON.parse(evaluate(request, { [trigger]: event }))).toEqual({
			operation: 'keepPaymentMismatch',
			invoiceId: event.invoiceId,
			payment: event.dispute.mismatchRecord,
			reasons: event.dispute.reasons,
		});
		expect(evaluate(notice.paymentRecord, { [trigger]: event })).toEqual(
			event.dispute.mismatchRecord,
		);
		expect(evaluate(notice.reasons, { [trigger]: event })).toEqual(event.dispute.reasons);
	}
	// told only when the status is new to the books
	expect(notice.statusIsNew).toBe('={{ $json.statusChanged }}');
	expect(targets('Books: keep the dispute', 0)).toEqual(['Books: keep the dispute: done?']);
	expect(targets('Books: keep the dispute: done?', 0)).toEqual(['Compose dispute notice']);
	expect(targets('Compose dispute notice', 0)).toEqual(['Send Payment Mismatch Notice']);
});

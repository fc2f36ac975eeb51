// @ts-check
/**
 * Invoice Payments Tools → Books Ledger → Apply Payment Record inside n8n's real
 * WorkflowExecute: parameters as the Data Tables adapter gives them (expressions over the item),
 * the records of one run applied in order, pairedItem kept, bad input failing with the item and
 * the parameter named, or carried as data with Continue On Fail.
 */
import { runWorkflow, singleNodeWorkflow } from './harness';

const PARAMETERS = {
	resource: 'booksLedger',
	operation: 'applyPaymentRecord',
	paymentRecord: '={{ $json.payment }}',
	invoice: '={{ $json.invoice }}',
	payments: '={{ $json.payments }}',
	mismatches: '={{ $json.mismatches }}',
	samePaymentElsewhere: '={{ $json.samePaymentElsewhere }}',
	stripeCustomerId: '={{ $json.stripeCustomerId }}',
	reasons: '={{ $json.reasons }}',
};

const invoice = {
	id: 'inv-2001',
	number: 'INV-2001',
	customerId: 'cust-1001',
	currency: 'USD',
	total: '250.00',
	balance: '250.00',
	status: 'open',
	paymentStatus: 'unpaid',
	dueDate: '2026-03-09',
};
const record = (paymentId, status, amount = '250.00') => ({
	provider: 'stripe',
	paymentId,
	status,
	customer: { booksId: 'cust-1001', providerId: 'cus_A' },
	amount: { amount, currency: 'usd' },
	fee: { amount: '0.00', currency: 'usd' },
});
/** A request as the Data Tables adapter prepares it from the tables it read. */
const request = (payment, extra = {}) => ({
	payment,
	invoice,
	payments: [],
	mismatches: [],
	samePaymentElsewhere: [],
	stripeCustomerId: 'cus_A',
	...extra,
});

const run = (input, onError) => {
	const workflow = singleNodeWorkflow('Ledger', 'invoicePaymentsTools', PARAMETERS);
	if (onError) Object.assign(workflow.nodes[1], { onError });
	return runWorkflow(workflow, { input });
};

test('the records of one run, in order: stored once per payment, the invoice following them, a mismatch kept apart', async () => {
	const result = await run([
		request(record('pi_1', 'processing')),
		request(record('pi_1', 'succeeded')),
		request(record('pi_2', 'succeeded')),
		request(record('pi_3', 'processing'), {
			reasons: [{ code: 'CUSTOMER_MISMATCH', message: 'Of another customer' }],
		}),
	]);
	const items = result.items('Ledger');
	expect(items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
	const [processing, succeeded, second, kept] = items.map((item) => /** @type {any} */ (item.json));
	expect(processing).toMatchObject({
		list: 'payments',
		created: true,
		statusChanged: true,
		previousStatus: null,
		invoice: { paymentStatus: 'pending', balance: '250.00', dueDate: '2026-03-09' },
		record: { invoiceId: 'inv-2001', paymentId: 'pi_1', status: 'processing' },
		reasons: [],
	});
	expect(succeeded).toMatchObject({
		list: 'payments',
		created: false,
		statusChanged: true,
		previousStatus: 'processing',
		invoice: { paymentStatus: 'paid', balance: '0.00', status: 'paid' },
	});
	expect(succeeded.record.history.map((entry) => entry.status)).toEqual([
		'processing',
		'succeeded',
	]);
	// the first one paid the invoice in this run: a second payment pays nothing of it
	expect(second).toMatchObject({ list: 'mismatches', invoice: { balance: '0.00' } });
	expect(second.reasons.map((reason) => reason.code)).toEqual(['ALREADY_PAID']);
	expect(kept).toMatchObject({
		list: 'mismatches',
		record: { reasons: [{ code: 'CUSTOMER_MISMATCH' }] },
		statusChanged: true,
	});
});

test('a Stripe customer other than the one the books hold for the customer does not pay the invoice', async () => {
	const result = await run([request(record('pi_1', 'succeeded'), { stripeCustomerId: 'cus_B' })]);
	expect(result.output('Ledger')[0]).toMatchObject({
		list: 'mismatches',
		reasons: [{ code: 'STRIPE_CUSTOMER_MISMATCH' }],
		invoice: { paymentStatus: 'unpaid' },
	});
});

test('a bad record fails the node naming the item and the parameter', async () => {
	const result = await run([
		request(record('pi_1', 'succeeded')),
		request({ ...record('pi_2', 'succeeded'), amount: { amount: '2,50', currency: 'usd' } }),
	]);
	expect(result.error?.message).toMatch(/^Item 1: invalid "Payment Record": amount must be/);
});

test('with Continue On Fail a refused record is data with its code; the others go on', async () => {
	const result = await run(
		[
			request({ ...record('pi_1', 'refunded') }),
			request(record('pi_2', 'succeeded')),
			{ ...request(record('pi_3', 'succeeded')), payments: 'not a list' },
			// keeping a mismatch names why: an empty list of reasons is refused, never matched
			request(record('pi_4', 'succeeded'), { reasons: [] }),
		],
		'continueRegularOutput',
	);
	const items = result.items('Ledger');
	expect(items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
	expect(items[0].json).toEqual({
		error: expect.stringContaining('Item 0: invalid "Payment Record"'),
		code: 'invalid_refund',
	});
	expect(items[1].json).toMatchObject({ list: 'payments', invoice: { paymentStatus: 'paid' } });
	expect(items[2].json).toEqual({
		error: expect.stringContaining('Item 2: invalid "Payment Records"'),
		code: null,
	});
	expect(items[3].json).toEqual({
		error: expect.stringContaining('Item 3: invalid "Mismatch Reasons"'),
		code: 'invalid_reasons',
	});
});

// @ts-check
/**
 * Every operation of the books contract (docs/books-api.md "The contract of the books
 * sub-workflow"), in three calls over the demo books, that every adapter must answer alike: the
 * workflow-shape test runs the adapters' own code on it, the e2e test runs the adapters in a
 * real n8n. Answers are compared without what differs by nature (timestamps, sentences).
 */

/** The operations the contract names; docs/books-api.md's table lists the same. */
const OPERATIONS = [
	'listOpenRecurringInvoices',
	'listCustomerInvoices',
	'getInvoice',
	'listCustomers',
	'getCustomer',
	'setStripeCustomerId',
	'recordPayment',
	'keepPaymentMismatch',
	'listInvoicePayments',
	'listInvoicePaymentMismatches',
	'getCaller',
	'setInvoiceCollection',
];

const usd = (amount) => ({ amount, currency: 'usd' });
/** A payment of Acme's INV-2001 named by its Stripe customer only (mapped in the same call). */
const acme = (paymentId, status, extra = {}) => ({
	provider: 'stripe',
	paymentId,
	status,
	customer: { booksId: null, providerId: 'cus_A' },
	amount: usd('250.00'),
	fee: usd('0.00'),
	...extra,
});
const brightside = (invoiceId, paymentId, amount) => ({
	provider: 'stripe',
	paymentId,
	status: 'succeeded',
	customer: { booksId: 'cust-1002', providerId: null },
	amount: usd(amount),
	fee: usd('0.00'),
});

/** The daily run's end action "mark in the books" (docs/recovery.md, "End actions"). */
const COLLECTION = {
	state: 'retries_exhausted',
	since: '2026-03-09',
	firstFailureDay: '2026-02-23',
	lastPaymentId: 'pi_last_decline',
	message: 'The retry schedule ended on 2026-03-09',
};

/** @type {Array<Array<Record<string, unknown>>>} */
const CALLS = [
	[
		{ operation: 'listOpenRecurringInvoices', ref: 'open recurring' },
		{ operation: 'listCustomerInvoices', customerId: 'cust-1002', ref: 7 },
		{ operation: 'listCustomerInvoices', customerId: 'cust-1005', statuses: ['paid'] },
		{ operation: 'getInvoice', invoiceId: 'inv-2001' },
		{ operation: 'getInvoice', invoiceId: 'inv-9999' },
		{ operation: 'listCustomers' },
		{ operation: 'getCustomer', customerId: 'cust-1003' },
		{ operation: 'getCustomer' },
		{ operation: 'listInvoicePayments', invoiceId: 'inv-2009' },
		{ operation: 'listInvoicePaymentMismatches', invoiceId: 'inv-2001' },
		{ operation: 'getCaller', callerId: 'portal-501' },
		{ operation: 'getCaller', callerId: 'nobody' },
		{ operation: 'chargeEveryone', ref: { why: 'no such operation' } },
	],
	[
		{ operation: 'setStripeCustomerId', customerId: 'cust-1001', stripeCustomerId: 'cus_A' },
		{ operation: 'recordPayment', invoiceId: 'inv-2001', payment: acme('pi_1', 'processing') },
		{ operation: 'recordPayment', invoiceId: 'inv-2001', payment: acme('pi_1', 'succeeded') },
		{ operation: 'getInvoice', invoiceId: 'inv-2001' },
		{
			operation: 'recordPayment',
			invoiceId: 'inv-2003',
			payment: brightside('inv-2003', 'pi_cheap', '1.00'),
		},
		{
			operation: 'keepPaymentMismatch',
			invoiceId: 'inv-2004',
			payment: { ...brightside('inv-2004', 'pi_kept', '480.50'), status: 'processing' },
			reasons: [{ code: 'CUSTOMER_MISMATCH', message: 'Of another customer' }],
		},
		{
			operation: 'recordPayment',
			invoiceId: 'inv-2005',
			payment: { ...brightside('inv-2005', 'pi_bad', '75.00'), amount: usd('2,50') },
		},
		{ operation: 'recordPayment', invoiceId: 'inv-9999', payment: acme('pi_9', 'succeeded') },
		{ operation: 'listInvoicePayments', invoiceId: 'inv-2001' },
		{ operation: 'setStripeCustomerId', customerId: 'cust-9999', stripeCustomerId: 'cus_Z' },
		{ operation: 'setInvoiceCollection', invoiceId: 'inv-2005', collection: COLLECTION },
		{
			operation: 'setInvoiceCollection',
			invoiceId: 'inv-2005',
			collection: { since: '2026-03-09' },
		},
		{ operation: 'setInvoiceCollection', invoiceId: 'inv-9999', collection: COLLECTION },
		{ operation: 'getInvoice', invoiceId: 'inv-2005' },
	],
	[
		{ operation: 'recordPayment', invoiceId: 'inv-2001', payment: acme('pi_1', 'succeeded') },
		{ operation: 'recordPayment', invoiceId: 'inv-2001', payment: acme('pi_1', 'processing') },
		{
			operation: 'recordPayment',
			invoiceId: 'inv-2003',
			payment: brightside('inv-2003', 'pi_cheap', '1250.00'),
		},
		{
			operation: 'recordPayment',
			invoiceId: 'inv-2001',
			payment: acme('pi_1', 'refunded', {
				refund: { amountRefunded: usd('250.00'), amountKept: usd('0.00') },
			}),
		},
		{ operation: 'listInvoicePaymentMismatches', invoiceId: 'inv-2003' },
		{ operation: 'getCustomer', customerId: 'cust-1001' },
		{ operation: 'listOpenRecurringInvoices' },
	],
];

/** The books after the scenario, read back through an adapter. */
const STATE_CALL = [
	{ operation: 'listCustomers' },
	...['inv-2001', 'inv-2003', 'inv-2004'].flatMap((invoiceId) => [
		{ operation: 'getInvoice', invoiceId },
		{ operation: 'listInvoicePayments', invoiceId },
		{ operation: 'listInvoicePaymentMismatches', invoiceId },
	]),
	{ operation: 'getInvoice', invoiceId: 'inv-2005' },
];

/** An answer without what differs by nature between adapters: timestamps and sentences. */
function comparable(answer) {
	return JSON.parse(
		JSON.stringify(answer, (key, value) =>
			['recordedAt', 'updatedAt', 'at', 'message'].includes(key) ? undefined : value,
		),
	);
}

/** What the calls must answer, whatever the adapter: the points a reader checks first. */
function expectContract(calls, expect) {
	const [reads, writes, replays] = calls;
	expect(reads.map((a) => a.operation)).toEqual(CALLS[0].map((r) => r.operation));
	expect(reads.map((a) => a.ref)).toEqual(CALLS[0].map((r) => r.ref ?? null));
	expect(reads[0].invoices.map((i) => i.id)).toEqual([
		'inv-2001',
		'inv-2002',
		'inv-2003',
		'inv-2006',
		'inv-2007',
		'inv-2009',
		'inv-2010',
		'inv-2012',
	]);
	expect(reads[1].invoices.map((i) => i.id)).toEqual(['inv-2003', 'inv-2004', 'inv-2005']);
	expect(reads[2].invoices.map((i) => i.id)).toEqual(['inv-2008']);
	expect(reads[3]).toMatchObject({ error: null, invoice: { id: 'inv-2001', balance: '250.00' } });
	expect(reads.map((a) => a.error && a.error.code)).toEqual([
		null,
		null,
		null,
		null,
		'not_found',
		null,
		null,
		'invalid_input',
		null,
		null,
		null,
		'not_found',
		'unknown_operation',
	]);
	expect(reads[5].customers).toHaveLength(5);
	expect(reads[8].payments.map((p) => p.paymentId)).toEqual(['pi_demo_2009_processing']);
	expect(reads[10].caller).toMatchObject({
		id: 'portal-501',
		active: true,
		customerId: 'cust-1001',
	});

	expect(writes.map((a) => a.error && a.error.code)).toEqual([
		null,
		null,
		null,
		null,
		'payment_mismatch',
		null,
		'invalid_input',
		'not_found',
		null,
		'not_found',
		null,
		'invalid_input',
		'not_found',
		null,
	]);
	expect(writes[10].invoice).toMatchObject({ id: 'inv-2005', collection: COLLECTION });
	expect(typeof writes[10].invoice.collection.updatedAt).toBe('string');
	// a later read of the same call sees it, and nothing else of the invoice moved
	expect(writes[13].invoice).toEqual(writes[10].invoice);
	expect(writes[13].invoice).toMatchObject({ balance: '75.00', status: 'open' });
	expect(writes[0].customer).toMatchObject({ id: 'cust-1001', stripeCustomerId: 'cus_A' });
	expect(writes[1]).toMatchObject({ created: true, statusChanged: true, previousStatus: null });
	expect(writes[2]).toMatchObject({
		created: false,
		statusChanged: true,
		previousStatus: 'processing',
		invoice: { paymentStatus: 'paid', balance: '0.00', status: 'paid' },
	});
	expect(writes[3].invoice).toMatchObject({ paymentStatus: 'paid', balance: '0.00' });
	expect(writes[4].error.reasons.map((r) => r.code)).toEqual(['AMOUNT_MISMATCH']);
	expect(writes[4]).toMatchObject({ created: true, invoice: { paymentStatus: 'unpaid' } });
	expect(writes[5]).toMatchObject({
		created: true,
		payment: { paymentId: 'pi_kept', reasons: [{ code: 'CUSTOMER_MISMATCH' }] },
	});
	expect(writes[8].payments.map((p) => [p.paymentId, p.status])).toEqual([['pi_1', 'succeeded']]);

	expect(replays.map((a) => a.error && a.error.code)).toEqual([
		null,
		null,
		'payment_mismatch',
		null,
		null,
		null,
		null,
	]);
	expect(replays[0]).toMatchObject({ created: false, statusChanged: false });
	expect(replays[1]).toMatchObject({ statusChanged: false, payment: { status: 'succeeded' } });
	expect(replays[2].error.reasons.map((r) => r.code)).toEqual(['KEPT_AS_MISMATCH']);
	expect(replays[3]).toMatchObject({
		statusChanged: true,
		previousStatus: 'succeeded',
		payment: { status: 'refunded' },
		invoice: { status: 'open', paymentStatus: 'unpaid', balance: '250.00' },
	});
	expect(replays[4].mismatches.map((p) => p.paymentId)).toEqual(['pi_cheap']);
	expect(replays[5].customer.stripeCustomerId).toBe('cus_A');
	expect(replays[6].invoices.map((i) => i.id)).toContain('inv-2001');
}

module.exports = { OPERATIONS, COLLECTION, CALLS, STATE_CALL, comparable, expectContract };

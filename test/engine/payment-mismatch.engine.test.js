// @ts-check
/**
 * Invoice Payments Tools' payment-mismatch operations inside n8n's real WorkflowExecute, given
 * their parameters as the payment-status workflow gives them: Payment Record → Match Invoice
 * routes each record to Matches or Mismatch (a webhook's records of one payment added up
 * together), Email → Compose Payment Mismatch Notice makes the failure address's notice.
 */
import { money } from '../../nodes/core/money/money';
import { runWorkflow, singleNodeWorkflow } from './harness';

/** One Invoice Payments Tools node; `onError` as the node's settings say, e.g. continueRegularOutput. */
const run = (parameters, input, onError) => {
	const workflow = singleNodeWorkflow('Tools', 'invoicePaymentsTools', parameters);
	if (onError) workflow.nodes[1].onError = onError;
	return runWorkflow(workflow, { input });
};
const usd = (minor) => money(minor, 'usd');

/** What the payment-status workflow hands the check: the trigger's record and the books' reads. */
const event = (invoiceId, customerId, amountMinor, extra = {}) => ({
	record: {
		provider: 'stripe',
		kind: 'payment',
		invoiceId,
		paymentId: 'pi_1',
		status: 'succeeded',
		customer: { booksId: 'cust-1001', providerId: 'cus_A' },
		amount: usd(amountMinor),
		fee: usd(0),
		total: usd(amountMinor),
		paymentAmount: usd(amountMinor),
		invoiceIds: [invoiceId],
		...extra,
	},
	invoice: {
		id: invoiceId,
		number: invoiceId.toUpperCase(),
		customerId,
		currency: 'USD',
		balance: '250.00',
	},
	payments: { body: /** @type {object[]} */ ([]) },
	mapping: { stripeCustomerId: customerId === 'cust-1001' ? 'cus_A' : 'cus_B' },
});

const match = {
	resource: 'paymentRecord',
	operation: 'matchInvoice',
	paymentRecord: '={{ $json.record }}',
	invoice: '={{ $json.invoice }}',
	recordedPayments: '={{ $json.payments.body }}',
	stripeCustomerId: "={{ $json.mapping.stripeCustomerId ?? '' }}",
};

describe('Payment Record > Match Invoice', () => {
	test("the invoice's own payment matches; a $1 payment and another customer's do not, each saying why", async () => {
		const result = await run(match, [
			event('inv-2001', 'cust-1001', 25000),
			event('inv-2002', 'cust-1001', 100, { paymentId: 'pi_2' }),
			event('inv-2003', 'cust-1002', 25000, { paymentId: 'pi_3' }),
		]);
		expect(result.error).toBeUndefined();
		const [matches, mismatches] = [0, 1].map((output) => result.items('Tools', output));
		expect(matches.map((i) => [i.json.invoiceId, i.json.matches, i.pairedItem])).toEqual([
			['inv-2001', true, { item: 0 }],
		]);
		expect(matches[0].json.record).toMatchObject({ paymentId: 'pi_1', kind: 'payment' });
		expect(
			mismatches.map((i) => [i.json.invoiceId, i.json.reasons.map((r) => r.code), i.pairedItem]),
		).toEqual([
			['inv-2002', ['AMOUNT_MISMATCH'], { item: 1 }],
			['inv-2003', ['CUSTOMER_MISMATCH', 'STRIPE_CUSTOMER_MISMATCH'], { item: 2 }],
		]);
		expect(mismatches[0].json.message).toBe(
			"It pays $1.00, less than the invoice's balance $250.00: a partial payment is not recorded as paying the invoice",
		);
		expect(mismatches[1].json.record.paymentId).toBe('pi_3');
	});

	test("a combined payment's records are added up: lines claiming more than it took are all mismatches", async () => {
		const line = (invoiceId, amountMinor) =>
			event(invoiceId, 'cust-1001', amountMinor, {
				paymentAmount: usd(25000),
				invoiceIds: ['inv-a', 'inv-b'],
			});
		const result = await run(match, [line('inv-a', 25000), line('inv-b', 25000)]);
		expect(result.output('Tools', 0)).toEqual([]);
		expect(result.output('Tools', 1).map((v) => v.message)).toEqual([
			'The payment took $250.00, but its invoice lines add up to $500.00',
			'The payment took $250.00, but its invoice lines add up to $500.00',
		]);
	});

	test('a later report of a payment the books counted matches what they recorded, not the balance left', async () => {
		const later = event('inv-2001', 'cust-1001', 25000);
		later.invoice.balance = '0.00';
		later.payments.body = [{ paymentId: 'pi_1', amount: usd(25000), status: 'succeeded' }];
		const result = await run(match, [later]);
		expect(result.output('Tools', 0).map((v) => v.matches)).toEqual([true]);
	});

	test('a record that cannot be read fails the node naming the item and the parameter', async () => {
		const broken = event('inv-2001', 'cust-1001', 25000);
		// not a money value: what the books' record reader must refuse
		/** @type {any} */ (broken.record).amount = { amount: '2,50', currency: 'usd' };
		const result = await run(match, [event('inv-2001', 'cust-1001', 25000), broken]);
		expect(result.error?.message).toBe(
			'Item 1: invalid "Payment Record": Amount "2,50" is not a decimal number such as "125.00"',
		);
		const noInvoice = await run({ ...match, invoice: '={{ $json.nothing }}' }, [broken]);
		expect(noInvoice.error?.message).toMatch(/^Item 0: invalid "Invoice": /);
	});

	test('with Continue On Fail a record that cannot be read goes to Mismatch with its error, never to Matches', async () => {
		const broken = event('inv-2001', 'cust-1001', 25000);
		broken.record.status = 'paid';
		const result = await run(
			match,
			[broken, event('inv-2001', 'cust-1001', 25000)],
			'continueRegularOutput',
		);
		expect(result.items('Tools', 0).map((i) => i.pairedItem)).toEqual([{ item: 1 }]);
		expect(result.output('Tools', 1)).toEqual([
			{
				matches: false,
				error: expect.stringMatching(/^Item 0: invalid "Payment Record": .*status "paid"/),
				record: expect.objectContaining({ status: 'paid' }),
			},
		]);
	});
});

describe('Email > Compose Payment Mismatch Notice', () => {
	const notice = {
		resource: 'email',
		operation: 'composePaymentMismatchNotice',
		paymentRecord: '={{ $json.payment }}',
		reasons: '={{ $json.payment.reasons }}',
		statusIsNew: '={{ $json.statusChanged }}',
		failureAddress: 'team@business.example.com',
		invoiceNumber: 'INV-2001',
		customerName: 'Acme Plumbing Ltd',
		options: { businessName: 'Business Ltd' },
	};
	// What "Books: keep the payment mismatch" answers: the kept record with its reasons.
	const kept = (statusChanged) => ({
		payment: {
			...event('inv-2001', 'cust-1001', 100).record,
			reasons: [{ code: 'AMOUNT_MISMATCH', message: 'It pays $1.00, less than the balance' }],
		},
		created: statusChanged,
		statusChanged,
	});

	test('a new status gets the notice on its output; one told already goes to No Email', async () => {
		const result = await run(notice, [kept(true), kept(false)]);
		expect(result.error).toBeUndefined();
		const [notices, none] = [0, 1].map((output) => result.items('Tools', output));
		expect(notices.map((i) => [i.json.to, i.json.subject, i.pairedItem])).toEqual([
			[
				'team@business.example.com',
				'Payment Mismatch: invoice INV-2001 (Acme Plumbing Ltd)',
				{ item: 0 },
			],
		]);
		expect(notices[0].json.text).toContain('- It pays $1.00, less than the balance');
		expect(none.map((i) => [i.json.reason, i.pairedItem])).toEqual([
			['ALREADY_NOTIFIED', { item: 1 }],
		]);
	});

	test('a failure address that is not one address fails the node naming it', async () => {
		const result = await run({ ...notice, failureAddress: 'a@x.example.com, b@x.example.com' }, [
			kept(true),
		]);
		expect(result.error?.message).toMatch(/^Item 0: invalid "Failure Address": /);
	});
});

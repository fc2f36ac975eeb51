// @ts-check
/**
 * Invoice Payments Tools version 2: the run report and the auto-pay preview read their records
 * from their input items (Records From, as n8n's Aggregate reads "all input items"), so a
 * workflow wires the branches in (a Merge node where they meet) instead of writing expressions
 * into other nodes. Version 1 reads the lists in its parameters exactly as before: the same
 * records give the same email either way.
 */
import { money } from '../../nodes/core/money/money';
import { paymentIdempotencyKey } from '../../nodes/core/payments/idempotency';
import { runWorkflow, singleNodeWorkflow } from './harness';

const TO = 'team@business.example.com';

/** @param {Record<string, unknown>} parameters @param {import('n8n-workflow').IDataObject[]} input @param {number} version */
const run = (parameters, input, version) => {
	const workflow = singleNodeWorkflow('Tools', 'invoicePaymentsTools', parameters);
	workflow.nodes[1].typeVersion = version;
	return runWorkflow(workflow, { input });
};

const summary = {
	scanDay: '2026-11-26',
	timeZone: 'America/Chicago',
	takePaymentOn: 'dueDate',
	invoices: 5,
	charged: 3,
	skipped: 2,
	skippedByReason: { NOT_DUE_YET: 1, RETRY_SCHEDULED: 1 },
	chargeTotals: { usd: { currency: 'usd', count: 3, amountMinor: 37500, amount: '375.00' } },
};

const decision = (invoiceId, fields) => ({ id: invoiceId, autoPay: { invoiceId, ...fields } });
const skip = (invoiceId, reason) =>
	decision(invoiceId, { action: 'skip', reason, message: `${reason} message` });
const charge = (invoiceId) =>
	decision(invoiceId, {
		action: 'charge',
		customerId: 'cust-1',
		amountMinor: 12500,
		currency: 'usd',
		paymentDay: '2026-11-26',
		daysLate: 0,
		paymentMethod: { id: 'pm_1', label: 'Visa •••• 4242' },
	});
const payment = (invoiceId, status) => ({
	provider: 'stripe',
	invoiceId,
	paymentId: `pi_${invoiceId}`,
	status,
	amount: money(12500, 'usd'),
	fee: money(0, 'usd'),
	total: money(12500, 'usd'),
	failure:
		status === 'failed' ? { code: 'card_declined', message: 'Your card was declined.' } : null,
	existingPayment: false,
});

const skips = [skip('inv-4', 'NOT_DUE_YET'), skip('inv-5', 'RETRY_SCHEDULED')];
const payments = [payment('inv-1', 'succeeded'), payment('inv-2', 'failed')];
const failedCharge = { ...charge('inv-3'), error: 'Stripe answered 500' };

const report = {
	resource: 'email',
	operation: 'composeRunReport',
	reportAddress: TO,
	retryPolicy: true,
	options: { businessName: 'Demo Services Ltd' },
};
const preview = {
	resource: 'email',
	operation: 'composeAutoPayPreview',
	reportAddress: TO,
	retryPolicy: true,
};

describe('Compose Run Report', () => {
	test('version 2 reads the run from its input items: the same email as version 1 from its lists', async () => {
		// what a Merge (Append) of the scan's Run Summary and Skipped outputs and the charge node's
		// two outputs hands on
		const items = [...payments, failedCharge, ...skips, summary];
		const fromItems = await run(report, items, 2);
		const [email] = fromItems.items('Tools');
		expect(email.json).toMatchObject({
			to: TO,
			subject: 'Auto-pay run 2026-11-26: 1 paid, 2 failed, 2 skipped',
			counts: { invoices: 5, charged: 3, succeeded: 1, failed: 2, other: 0, skipped: 2 },
		});
		expect(email.json.text).toContain('- inv-3 - error - Stripe answered 500');
		expect(email.json.text).toContain('- inv-5 - RETRY_SCHEDULED - RETRY_SCHEDULED message');
		expect(email.pairedItem).toEqual(items.map((_, item) => ({ item })));

		// version 1, as the daily run wired it: expressions handing the same records as lists
		const fromLists = await run(
			{
				...report,
				runSummary: '={{ $json.summary }}',
				payments: '={{ $json.payments }}',
				skippedInvoices: '={{ $json.skipped }}',
			},
			[
				{
					summary,
					payments: [...payments, { invoiceId: 'inv-3', error: 'Stripe answered 500' }],
					skipped: skips,
				},
			],
			1,
		);
		const [v1] = fromLists.items('Tools');
		expect(email.json).toEqual(v1.json);
	});

	test('version 1 reads only its lists, whatever its input items are (its stored workflows)', async () => {
		const result = await run(
			{ ...report, runSummary: '={{ {} }}', skippedInvoices: '={{ [] }}' },
			[...payments, ...skips, summary],
			1,
		);
		expect(result.items('Tools')[0].json.counts).toEqual({
			invoices: 0,
			charged: 0,
			succeeded: 0,
			failed: 0,
			other: 0,
			skipped: 0,
		});
	});

	test('version 2 still takes lists when Records From says so', async () => {
		const result = await run(
			{
				...report,
				recordsFrom: 'parameters',
				runSummary: '={{ $json.summary }}',
				payments: '={{ $json.payments }}',
				skippedInvoices: '={{ $json.skipped }}',
			},
			[{ summary, payments, skipped: skips }],
			2,
		);
		expect(result.items('Tools')[0].json.subject).toBe(
			'Auto-pay run 2026-11-26: 1 paid, 1 failed, 2 skipped',
		);
	});

	test('a run with nothing charged reports from the summary and the skips alone', async () => {
		const result = await run(report, [...skips, summary], 2);
		expect(result.items('Tools')[0].json.subject).toBe(
			'Auto-pay run 2026-11-26: 0 paid, 0 failed, 2 skipped',
		);
	});

	test('an item that is no record of the run fails naming the item and Records From', async () => {
		const result = await run(report, [summary, skips[0], charge('inv-1')], 2);
		expect(result.error?.message).toBe(
			`Item 2: invalid "Records From": An invoice the scan would charge, not the payment of its charge: this node takes the Auto-Pay Scan's Run Summary and Skipped items, and the charge node's payment records and errors. Check which branches reach it`,
		);
	});
});

describe('Compose Auto-Pay Preview', () => {
	test('version 2 reads the scan from its input items: the same email as version 1 from its lists', async () => {
		const charges = [charge('inv-1'), charge('inv-2'), charge('inv-3')];
		const [email] = (await run(preview, [summary, ...charges, ...skips], 2)).items('Tools');
		expect(email.json).toMatchObject({
			subject: 'Auto-pay preview for 2026-11-26: 3 to charge ($375.00), 2 skipped',
			counts: { invoices: 5, wouldCharge: 3, skipped: 2 },
		});
		expect(email.json.text).toContain('- inv-2 - cust-1 - $125.00 - Visa •••• 4242');

		const [v1] = (
			await run(
				{
					...preview,
					runSummary: '={{ $json.summary }}',
					chargeInvoices: '={{ $json.charges }}',
					skippedInvoices: '={{ $json.skipped }}',
				},
				[{ summary, charges, skipped: skips }],
				1,
			)
		).items('Tools');
		expect(email.json).toEqual(v1.json);
	});

	test('a payment reaching the preview fails naming its item', async () => {
		const result = await run(preview, [summary, charge('inv-1'), payment('inv-1', 'succeeded')], 2);
		expect(result.error?.message).toMatch(
			/^Item 2: invalid "Records From": A payment \(the preview charges nothing\): /,
		);
	});
});

describe('List parameters take a list as well as text', () => {
	test('Retry Days After the First Failure: an expression giving a list of numbers reads as "2, 4"', async () => {
		// the first failure of the run of 2026-11-23: its retry is that day plus the first day listed
		const idempotencyKey = paymentIdempotencyKey({
			provider: 'stripe',
			purpose: 'autopay',
			invoiceIds: ['inv-1'],
			amountMinor: 12500,
			currency: 'usd',
			day: '2026-11-23',
		});
		const email = (retryScheduleDays) =>
			run(
				{
					resource: 'email',
					operation: 'composePaymentEmails',
					paymentRecord: '={{ $json.payment }}',
					statusIsNew: true,
					emailSetting: 'successesAndFailures',
					failureAddress: TO,
					invoiceNumber: 'INV-1',
					customerName: 'Acme Plumbing Ltd',
					customerEmail: 'office@acme.example.com',
					updatePaymentMethodUrl: 'https://pay.example.com/add/cs_1',
					options: { retryPolicy: true, silentFirstRetry: false, retryScheduleDays },
				},
				[{ payment: { ...payment('inv-1', 'failed'), idempotencyKey }, days: [4, 2] }],
				2,
			);
		const fromList = await email('={{ $json.days }}');
		const fromText = await email('2, 4');
		expect(fromList.error).toBeUndefined();
		const [failure] = fromList.output('Tools', 1);
		expect(failure.text).toContain(
			'We will try again automatically on Wednesday, November 25, 2026.',
		);
		expect(failure).toEqual(fromText.output('Tools', 1)[0]);
		// and a list holding something that is no day is bad input naming the parameter
		const bad = await email('={{ [2, "soon"] }}');
		expect(bad.error?.message).toBe(
			'Item 0: invalid "Retry Days After the First Failure": Retry day "soon" is not a whole number of days from 1 to 60',
		);
	});
});

// @ts-check
/**
 * The email operations' recovery parameters inside n8n's real WorkflowExecute, given as the daily
 * auto-pay gives them (from Settings): Compose Payment Emails silent on a first failure a retry
 * follows, the retry notice and the Last Payment Notice on the failure output; Compose Run Report
 * and Compose Auto-Pay Preview with the recovery figures; a bad schedule names its parameter.
 */
import { money } from '../../nodes/core/money/money';
import { paymentIdempotencyKey } from '../../nodes/core/payments/idempotency';
import { runWorkflow, singleNodeWorkflow } from './harness';

const run = (parameters, input) =>
	runWorkflow(singleNodeWorkflow('Tools', 'invoicePaymentsTools', parameters, {}), { input });

const autopayKey = (invoiceId, day) =>
	paymentIdempotencyKey({
		provider: 'stripe',
		purpose: 'autopay',
		invoiceIds: [invoiceId],
		amountMinor: 10000,
		currency: 'usd',
		day,
	});

const failed = (invoiceId, extra = {}) => ({
	provider: 'stripe',
	invoiceId,
	paymentId: `pi_${invoiceId}`,
	status: 'failed',
	amount: money(10000, 'usd'),
	fee: money(0, 'usd'),
	total: money(10000, 'usd'),
	paymentMethod: { id: 'pm_1', label: 'Visa •••• 4242' },
	failure: {
		code: 'card_declined',
		declineCode: 'insufficient_funds',
		message: 'Your card has insufficient funds.',
	},
	idempotencyKey: autopayKey(invoiceId, '2026-11-23'),
	nextActionUrl: null,
	...extra,
});

const emailParameters = (options) => ({
	resource: 'email',
	operation: 'composePaymentEmails',
	paymentRecord: '={{ $json.payment }}',
	statusIsNew: true,
	emailSetting: 'successesAndFailures',
	failureAddress: 'team@business.example.com',
	invoiceNumber: '={{ $json.number }}',
	customerName: 'Acme Plumbing Ltd',
	customerEmail: 'office@acme.example.com',
	updatePaymentMethodUrl: 'https://pay.example.com/add/cs_1',
	options: { businessName: 'Business Ltd', ...options },
});

const records = [
	// day 0: the first failure, the schedule retries it tomorrow
	{ number: 'INV-1', payment: failed('inv-1') },
	// a retry that failed, more to come
	{
		number: 'INV-2',
		payment: failed('inv-2', {
			idempotencyKey: autopayKey('inv-2', '2026-11-24'),
			recovery: { nextTryDay: '2026-11-26', retriesLeft: 5, lastTry: false },
		}),
	},
	// a retry that failed, the next one is the last
	{
		number: 'INV-3',
		payment: failed('inv-3', {
			idempotencyKey: autopayKey('inv-3', '2026-12-03'),
			recovery: { nextTryDay: '2026-12-07', retriesLeft: 1, lastTry: false },
		}),
	},
];

describe('Email > Compose Payment Emails with the retry policy', () => {
	const SETTINGS = { retryPolicy: true, retryScheduleDays: '1, 3, 5, 7, 10, 14' };

	test('silent first retry (its default): the first failure on No Email, the notices on Failure', async () => {
		const result = await run(emailParameters(SETTINGS), records);
		expect(result.error).toBeUndefined();
		const [confirmations, failures, none] = [0, 1, 2].map((i) => result.items('Tools', i));
		expect(confirmations).toEqual([]);
		expect(none.map((i) => [i.json.invoiceId, i.json.reason, i.pairedItem])).toEqual([
			['inv-1', 'SILENT_FIRST_RETRY', { item: 0 }],
		]);
		expect(failures.map((i) => [i.json.subject, i.json.template, i.pairedItem])).toEqual([
			['Payment Failure: invoice INV-2', 'Payment Failure', { item: 1 }],
			['Last Payment Notice: invoice INV-3', 'Last Payment Notice', { item: 2 }],
		]);
		expect(failures[0].json.text).toContain(
			'Reason: Your bank declined the payment for lack of funds (insufficient_funds).',
		);
		expect(failures[0].json.text).toContain(
			'We will try again automatically on Thursday, November 26, 2026.',
		);
		expect(failures[1].json.text).toContain(
			'We will make one last automatic try on Monday, December 7, 2026.',
		);
	});

	test('Silent First Retry off: the first failure is emailed with its first retry day', async () => {
		const result = await run(emailParameters({ ...SETTINGS, silentFirstRetry: false }), [
			records[0],
		]);
		const [failure] = result.output('Tools', 1);
		expect(failure.subject).toBe('Payment Failure: invoice INV-1');
		expect(failure.text).toContain(
			'We will try again automatically on Tuesday, November 24, 2026.',
		);
	});

	test('the retry policy off (the default): the failure emails as before', async () => {
		const result = await run(emailParameters({}), records);
		expect(result.output('Tools', 1).map((e) => e.subject)).toEqual([
			'Payment Failure: invoice INV-1',
			'Payment Failure: invoice INV-2',
			'Payment Failure: invoice INV-3',
		]);
		expect(result.output('Tools', 1)[0].text).toContain(
			'Reason: Your card has insufficient funds.',
		);
	});

	test('a bad schedule fails the node naming the item and the parameter', async () => {
		const result = await run(emailParameters({ retryPolicy: true, retryScheduleDays: '0, 2' }), [
			records[0],
		]);
		expect(result.error?.message).toBe(
			'Item 0: invalid "Retry Days After the First Failure": Retry day "0" is not a whole number of days from 1 to 60',
		);
	});
});

describe('Email > Compose Run Report and Compose Auto-Pay Preview with the retry policy', () => {
	test('the run report counts the recovery and names the end action', async () => {
		const result = await run(
			{
				resource: 'email',
				operation: 'composeRunReport',
				reportAddress: 'team@business.example.com',
				runSummary: '={{ $json.summary }}',
				payments: '={{ $json.payments }}',
				skippedInvoices: '={{ $json.skipped }}',
				retryPolicy: true,
				endAction: 'webhook',
			},
			[
				{
					summary: { scanDay: '2026-11-26', invoices: 4 },
					payments: [
						{
							...failed('inv-1'),
							status: 'succeeded',
							failure: null,
							recovery: { methodChanged: false },
						},
						records[1].payment,
					],
					skipped: [
						{
							id: 'inv-5',
							autoPay: {
								action: 'skip',
								invoiceId: 'inv-5',
								reason: 'RETRY_SCHEDULED',
								message: 'later',
							},
						},
						{
							id: 'inv-6',
							autoPay: {
								action: 'skip',
								invoiceId: 'inv-6',
								reason: 'RETRIES_EXHAUSTED',
								message: 'ended',
							},
						},
					],
				},
			],
		);
		const [report] = result.output('Tools');
		expect(report.recovery).toMatchObject({
			failed: 1,
			recovered: { byRetry: 1, byMethodUpdate: 0 },
			stillInSchedule: 2,
			exhausted: 1,
			recoveredTotals: { usd: { amount: '100.00', count: 1 } },
		});
		expect(report.text).toContain('Money recovered: $100.00');
		expect(report.text).toContain(
			'Retries exhausted (sent to your system):\n- inv-6 - RETRIES_EXHAUSTED - ended',
		);
	});

	test("the preview reads each Charge item's recovery", async () => {
		const result = await run(
			{
				resource: 'email',
				operation: 'composeAutoPayPreview',
				reportAddress: 'team@business.example.com',
				runSummary: '={{ $json.summary }}',
				chargeInvoices: '={{ $json.charge }}',
				skippedInvoices: '={{ $json.skipped }}',
				retryPolicy: true,
			},
			[
				{
					summary: { scanDay: '2026-11-24', invoices: 1 },
					charge: [
						{
							id: 'inv-1',
							autoPay: {
								action: 'charge',
								invoiceId: 'inv-1',
								customerId: 'cust-1',
								amountMinor: 9900,
								currency: 'usd',
								recovery: { firstFailureDay: '2026-11-23', lastTry: false, methodChanged: false },
							},
						},
					],
					skipped: [],
				},
			],
		);
		const [preview] = result.output('Tools');
		expect(preview.recovery.retried).toEqual({ bySchedule: 1, byMethodUpdate: 0 });
		expect(preview.text).toContain('- inv-1 - cust-1 - $99.00 - retry (failing since 2026-11-23)');
		expect(preview.text).toContain('($99.00 at stake)');
	});
});

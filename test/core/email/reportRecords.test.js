// @ts-check
/**
 * The records of a run report and an auto-pay preview read from input items: each record says
 * what it is (nodes/core/email/reportRecords.ts).
 */
import { SKIP_REASONS } from '../../../nodes/core/autopay/types';
import { RunTally } from '../../../nodes/core/autopay/summary';
import {
	ReportRecordError,
	reportRecordKind,
	sortReportRecords,
} from '../../../nodes/core/email/reportRecords';
import { composeRunReport } from '../../../nodes/core/email';
import { money } from '../../../nodes/core/money/money';

/** A Run Summary as the Auto-Pay Scan makes it (its own tally). */
function runSummary() {
	const tally = new RunTally(SKIP_REASONS);
	tally.recordCharge('usd', 12500);
	tally.recordSkip('NOT_DUE_YET');
	return tally.summary({ scanDay: '2026-11-26', timeZone: 'UTC', takePaymentOn: 'dueDate' });
}

const skipped = (invoiceId, reason) => ({
	id: invoiceId,
	amount: '80.00',
	autoPay: { action: 'skip', invoiceId, reason, message: `${reason} message` },
});

const charge = (invoiceId) => ({
	id: invoiceId,
	autoPay: {
		action: 'charge',
		invoiceId,
		customerId: 'cust-1',
		amountMinor: 12500,
		currency: 'usd',
		paymentDay: '2026-11-20',
		daysLate: 6,
		paymentMethod: { id: 'pm_1', label: 'Visa •••• 4242' },
		recovery: { firstFailureDay: '2026-11-19', methodChanged: false, lastTry: false },
	},
});

const payment = (invoiceId, status) => ({
	provider: 'stripe',
	invoiceId,
	paymentId: `pi_${invoiceId}`,
	status,
	total: money(12500, 'usd'),
	failure: status === 'failed' ? { code: 'card_declined', message: 'Declined.' } : null,
	existingPayment: false,
});

/** The charge node's error output: its input item (the Charge item) with the error's message. */
const chargeError = (invoiceId, message) => ({ ...charge(invoiceId), error: message });

test('each record says what it is', () => {
	expect(reportRecordKind(runSummary())).toBe('summary');
	expect(reportRecordKind(skipped('inv-2', 'NOT_DUE_YET'))).toBe('skip');
	expect(reportRecordKind(skipped('inv-2', 'NOT_DUE_YET').autoPay)).toBe('skip');
	expect(reportRecordKind(charge('inv-1'))).toBe('charge');
	expect(reportRecordKind(payment('inv-1', 'succeeded'))).toBe('payment');
	expect(reportRecordKind(chargeError('inv-1', 'Stripe is down'))).toBe('error');
	expect(reportRecordKind({ error: 'Stripe is down' })).toBe('error');
	expect(reportRecordKind({})).toBe('none');
	// an error field that is empty is no error: the record is what else it carries
	expect(reportRecordKind({ ...payment('inv-1', 'failed'), error: null })).toBe('payment');
	// a summary carried by a scan item is that item's decision, not a second summary
	expect(reportRecordKind({ ...runSummary(), autoPay: { action: 'charge' } })).toBe('charge');
	expect(reportRecordKind({ id: 'inv-9', balance: '10.00' })).toBeNull();
	expect(reportRecordKind([payment('inv-1', 'succeeded')])).toBeNull();
	expect(reportRecordKind('inv-1')).toBeNull();
});

test('the run report takes the summary, the skips, the payments and the errors, in their order', () => {
	const summary = runSummary();
	const records = sortReportRecords(
		[
			payment('inv-1', 'succeeded'),
			skipped('inv-2', 'NOT_DUE_YET'),
			{},
			chargeError('inv-3', 'Stripe is down'),
			{ error: { message: 'No invoice named' } },
			payment('inv-4', 'failed'),
			summary,
		],
		'runReport',
	);
	expect(records.summary).toBe(summary);
	expect(records.skipped).toEqual([
		{ invoiceId: 'inv-2', reason: 'NOT_DUE_YET', message: 'NOT_DUE_YET message' },
	]);
	expect(records.payments.map((p) => [p.invoiceId, p.status, p.error])).toEqual([
		['inv-1', 'succeeded', undefined],
		['inv-3', undefined, 'Stripe is down'],
		[undefined, undefined, 'No invoice named'],
		['inv-4', 'failed', undefined],
	]);
	expect(records.charges).toEqual([]);
	// the report counts the error as failed and names its invoice
	const report = composeRunReport({ ...records, to: 'team@business.example.com' });
	expect(report.counts).toMatchObject({ charged: 4, succeeded: 1, failed: 3, skipped: 1 });
	expect(report.subject).toBe('Auto-pay run 2026-11-26: 1 paid, 3 failed, 1 skipped');
	expect(report.text).toContain('- inv-3 - error - Stripe is down');
});

test("the preview takes the summary, the scan's charges with their recovery, and the skips", () => {
	const records = sortReportRecords(
		[charge('inv-1'), skipped('inv-2', 'RETRY_SCHEDULED'), runSummary()],
		'autoPayPreview',
	);
	expect(records.charges).toEqual([
		{
			invoiceId: 'inv-1',
			customerId: 'cust-1',
			amountMinor: 12500,
			currency: 'usd',
			paymentDay: '2026-11-20',
			daysLate: 6,
			paymentMethod: { id: 'pm_1', label: 'Visa •••• 4242' },
			recovery: { firstFailureDay: '2026-11-19', methodChanged: false, lastTry: false },
		},
	]);
	expect(records.skipped.map((s) => s.reason)).toEqual(['RETRY_SCHEDULED']);
	expect(records.payments).toEqual([]);
	expect(records.summary).toMatchObject({ scanDay: '2026-11-26', invoices: 2 });
});

test('a record the report does not take names its place and what the report takes', () => {
	/** @param {unknown[]} records @param {'runReport' | 'autoPayPreview'} report */
	const refusal = (records, report) => {
		try {
			sortReportRecords(records, report);
		} catch (error) {
			expect(error).toBeInstanceOf(ReportRecordError);
			return { index: error.index, field: error.field, message: error.message };
		}
		throw new Error('not refused');
	};
	expect(refusal([runSummary(), { id: 'inv-9', balance: '10.00' }], 'runReport')).toEqual({
		index: 1,
		field: 'recordsFrom',
		message:
			"Not a record of an auto-pay run: this node takes the Auto-Pay Scan's Run Summary and Skipped items, and the charge node's payment records and errors. Check which branches reach it",
	});
	// the scan's Charge output wired to the report instead of the charge node's
	expect(refusal([charge('inv-1')], 'runReport').message).toMatch(
		/^An invoice the scan would charge, not the payment of its charge: /,
	);
	expect(refusal([charge('inv-1'), payment('inv-1', 'succeeded')], 'autoPayPreview')).toMatchObject(
		{ index: 1, message: expect.stringMatching(/^A payment \(the preview charges nothing\)/) },
	);
	expect(
		refusal([runSummary(), skipped('inv-2', 'NOT_DUE_YET'), runSummary()], 'runReport'),
	).toMatchObject({ index: 2, message: expect.stringMatching(/^A second Run Summary/) });
	expect(refusal([null], 'autoPayPreview').index).toBe(0);
});

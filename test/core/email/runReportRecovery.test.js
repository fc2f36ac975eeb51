// @ts-check
/** The recovery figures of the run report and the auto-pay preview (docs/recovery.md, "Figures"). */
import { composeAutoPayPreview, composeRunReport } from '../../../nodes/core/email';
import { money } from '../../../nodes/core/money/money';
import { paymentIdempotencyKey } from '../../../nodes/core/payments/idempotency';

const autopayKey = (invoiceId, day) =>
	paymentIdempotencyKey({
		provider: 'stripe',
		purpose: 'autopay',
		invoiceIds: [invoiceId],
		amountMinor: 100,
		currency: 'usd',
		day,
	});

/** @param {string} invoiceId @param {string} status @param {Record<string, unknown>} rest */
const payment = (invoiceId, status, rest = {}) => ({
	invoiceId,
	paymentId: `pi_${invoiceId}`,
	status,
	total: money(10000, 'usd'),
	idempotencyKey: autopayKey(invoiceId, '2026-11-26'),
	paymentMethod: { id: 'pm_1', label: 'Visa •••• 4242' },
	...rest,
});

const run = {
	summary: { scanDay: '2026-11-26', timeZone: 'America/Chicago', invoices: 7 },
	payments: [
		payment('inv-1', 'succeeded', {
			recovery: { methodChanged: false, firstFailureDay: '2026-11-23' },
		}),
		payment('inv-2', 'succeeded', {
			recovery: { methodChanged: true },
			total: money(4999, 'eur'),
		}),
		payment('inv-3', 'failed', {
			failure: { code: 'card_declined', declineCode: 'insufficient_funds', message: 'x' },
		}),
		payment('inv-4', 'failed', {
			failure: { code: 'card_declined', declineCode: 'lost_card', message: 'x' },
		}),
	],
	skipped: [
		{ invoiceId: 'inv-5', reason: 'RETRY_SCHEDULED', message: 'next try on 2026-11-28' },
		{
			invoiceId: 'inv-6',
			reason: 'RETRIES_EXHAUSTED',
			message: 'the schedule ended on 2026-11-25',
		},
		{ invoiceId: 'inv-7', reason: 'NOT_DUE_YET', message: 'due later' },
	],
	to: 'team@business.example.com',
};

test('the run report: failed, recovered by retry and by method update, in schedule, exhausted, money per currency', () => {
	const report = composeRunReport({
		...run,
		retryPolicy: { retryPolicy: true },
		endAction: 'markInBooks',
	});
	expect(report.recovery).toMatchObject({
		failed: 2,
		recovered: { byRetry: 1, byMethodUpdate: 1 },
		// inv-3 (a first soft decline) and inv-5; inv-4's lost card is never retried
		stillInSchedule: 2,
		exhausted: 1,
	});
	expect(report.text).toContain(
		'Recovery: 2 failed, 2 recovered (by retry 1, by method update 1), 2 still in the retry schedule, 1 retries exhausted',
	);
	expect(report.text).toContain('Money recovered: €49.99, $100.00');
	expect(report.text).toContain(
		'Retries exhausted (marked in the books):\n- inv-6 - RETRIES_EXHAUSTED - the schedule ended on 2026-11-25',
	);
	// the subject keeps its shape
	expect(report.subject).toBe('Auto-pay run 2026-11-26: 2 paid, 2 failed, 3 skipped');
});

test('the end action reads as said; leave open by default; another value is refused by name', () => {
	expect(composeRunReport({ ...run, retryPolicy: { retryPolicy: true } }).text).toContain(
		'Retries exhausted (left open):',
	);
	expect(
		composeRunReport({ ...run, retryPolicy: { retryPolicy: true }, endAction: 'webhook' }).text,
	).toContain('Retries exhausted (sent to your system):');
	expect(() =>
		composeRunReport({
			...run,
			retryPolicy: { retryPolicy: true },
			endAction: /** @type {any} */ ('delete'),
		}),
	).toThrow(expect.objectContaining({ field: 'endAction' }));
});

test('no retry policy: no recovery figures, the report as before', () => {
	for (const retryPolicy of [undefined, { retryPolicy: false }]) {
		const report = composeRunReport({ ...run, retryPolicy });
		expect(report.recovery).toBeUndefined();
		expect(report.text).not.toContain('Recovery:');
	}
});

test('the preview: what the run would retry and what is at stake, per currency', () => {
	const preview = composeAutoPayPreview({
		summary: { scanDay: '2026-11-27', invoices: 4 },
		charges: [
			{
				invoiceId: 'inv-1',
				amountMinor: 10000,
				currency: 'usd',
				recovery: { firstFailureDay: '2026-11-23', lastTry: false },
			},
			{
				invoiceId: 'inv-2',
				amountMinor: 2500,
				currency: 'usd',
				recovery: { firstFailureDay: '2026-11-13', lastTry: true },
			},
			{ invoiceId: 'inv-3', amountMinor: 700, currency: 'eur', recovery: { methodChanged: true } },
			{ invoiceId: 'inv-4', amountMinor: 100, currency: 'usd' },
		],
		skipped: [{ invoiceId: 'inv-5', reason: 'RETRY_SCHEDULED', message: 'later' }],
		to: 'team@business.example.com',
		retryPolicy: { retryPolicy: true },
	});
	expect(preview.recovery).toMatchObject({
		retried: { bySchedule: 2, byMethodUpdate: 1 },
		recovered: { byRetry: 0, byMethodUpdate: 0 },
		stillInSchedule: 1,
		exhausted: 0,
	});
	expect(preview.text).toContain(
		'Recovery: would retry 2 by the schedule and 1 after a method update (€7.00, $125.00 at stake), 1 still in the retry schedule, 0 retries exhausted',
	);
	expect(preview.text).toContain('- inv-1 - ? - $100.00 - retry (failing since 2026-11-23)');
	expect(preview.text).toContain('- inv-2 - ? - $25.00 - last retry (failing since 2026-11-13)');
	expect(preview.text).toContain('- inv-3 - ? - €7.00 - retry: the automatic method changed');
});

// @ts-check
import { failureOutlook } from '../../../nodes/core/autopay/failureOutlook';
import { paymentIdempotencyKey } from '../../../nodes/core/payments/idempotency';

const DAY_0 = '2026-11-23';
const autopayKey = (day) =>
	paymentIdempotencyKey({
		provider: 'stripe',
		purpose: 'autopay',
		invoiceIds: ['INV-7'],
		amountMinor: 10000,
		currency: 'usd',
		day,
	});

/** @param {Record<string, unknown>} overrides */
const failed = (overrides = {}) =>
	/** @type {any} */ ({
		invoiceId: 'INV-7',
		paymentId: 'pi_1',
		status: 'failed',
		paymentMethod: { id: 'pm_1', label: 'Visa •••• 4242' },
		failure: { code: 'card_declined', declineCode: 'insufficient_funds' },
		idempotencyKey: autopayKey(DAY_0),
		...overrides,
	});

const ON = { retryPolicy: true };

test("a first failure on a soft decline: the retry policy's first retry day, every retry still to come", () => {
	expect(failureOutlook(failed(), ON)).toEqual({
		kind: 'retry',
		nextTryDay: '2026-11-24',
		retriesLeft: 6,
		firstFailure: true,
	});
	expect(failureOutlook(failed(), { retryPolicy: true, retryScheduleDays: '4, 9' })).toEqual({
		kind: 'retry',
		nextTryDay: '2026-11-27',
		retriesLeft: 2,
		firstFailure: true,
	});
	// a schedule of one day: that one retry is the last
	expect(failureOutlook(failed(), { retryPolicy: true, retryScheduleDays: [2] })).toMatchObject({
		nextTryDay: '2026-11-25',
		retriesLeft: 1,
	});
});

test('a hard decline is never retried; authentication_required waits for the customer', () => {
	expect(
		failureOutlook(failed({ failure: { code: 'card_declined', declineCode: 'lost_card' } }), ON),
	).toMatchObject({ kind: 'never', ban: { signal: 'decline_code', code: 'lost_card' } });
	expect(
		failureOutlook(failed({ failure: { code: 'authentication_required', declineCode: null } }), ON),
	).toEqual({ kind: 'customer' });
	// a retry that hits a hard decline ends there, whatever its recovery said before
	expect(
		failureOutlook(
			failed({
				failure: { code: 'card_declined', declineCode: 'stolen_card' },
				recovery: { nextTryDay: '2026-11-26', retriesLeft: 4, lastTry: false },
			}),
			ON,
		),
	).toMatchObject({ kind: 'never' });
});

test("a retry: its recovery says what follows; the last try's failure ends the schedule", () => {
	const retry = (recovery) => failed({ idempotencyKey: autopayKey('2026-11-24'), recovery });
	expect(
		failureOutlook(retry({ nextTryDay: '2026-11-26', retriesLeft: 5, lastTry: false }), ON),
	).toEqual({ kind: 'retry', nextTryDay: '2026-11-26', retriesLeft: 5, firstFailure: false });
	expect(
		failureOutlook(retry({ nextTryDay: '2026-12-07', retriesLeft: 1, lastTry: false }), ON),
	).toMatchObject({ kind: 'retry', retriesLeft: 1 });
	expect(failureOutlook(retry({ nextTryDay: null, retriesLeft: 0, lastTry: true }), ON)).toEqual({
		kind: 'ended',
	});
	// a charge made because the method changed starts a fresh schedule if it fails: not a first
	// failure of the invoice, so never silent
	expect(
		failureOutlook(
			retry({ nextTryDay: '2026-11-25', retriesLeft: 6, lastTry: false, methodChanged: true }),
			ON,
		),
	).toMatchObject({ kind: 'retry', firstFailure: false });
});

test('no outlook: policy off, not failed, or not a charge of the daily auto-pay', () => {
	expect(failureOutlook(failed(), { retryPolicy: false })).toBeUndefined();
	expect(failureOutlook(failed({ status: 'succeeded' }), ON)).toBeUndefined();
	expect(failureOutlook(failed({ status: 'requires_action' }), ON)).toBeUndefined();
	expect(failureOutlook(failed({ idempotencyKey: 'invpay-manual-2026-11-23-abc' }), ON)).toBe(
		undefined,
	);
	expect(failureOutlook(failed({ idempotencyKey: null }), ON)).toBeUndefined();
});

test('a bad schedule is refused naming the setting', () => {
	expect(() => failureOutlook(failed(), { retryPolicy: true, retryScheduleDays: '0, 3' })).toThrow(
		expect.objectContaining({ field: 'retryScheduleDays' }),
	);
});

// @ts-check
import { recoveryFigures } from '../../../nodes/core/autopay/summary';
import { Money } from '../../../nodes/core/money/money';

/** @typedef {import('../../../nodes/core/autopay/summary').RecoveryCharge} RecoveryCharge */

/**
 * @param {RecoveryCharge['outcome']} outcome
 * @param {Partial<RecoveryCharge>} [rest]
 * @returns {RecoveryCharge}
 */
const charge = (outcome, rest = {}) => ({
	outcome,
	recovery: null,
	total: null,
	retryFollows: false,
	...rest,
});

test('a run with no retries and no failures: every figure 0, no money', () => {
	expect(
		recoveryFigures([charge('succeeded', { total: Money.of(100, 'usd') })], ['NOT_DUE_YET']),
	).toEqual({
		failed: 0,
		retried: { bySchedule: 0, byMethodUpdate: 0 },
		recovered: { byRetry: 0, byMethodUpdate: 0 },
		stillInSchedule: 0,
		exhausted: 0,
		recoveredTotals: {},
		retriedTotals: {},
	});
});

test('failed, recovered by retry and by method update, still in schedule, exhausted, money per currency', () => {
	const figures = recoveryFigures(
		[
			// a first charge that failed, the schedule tries it again
			charge('failed', { total: Money.of(5000, 'usd'), retryFollows: true }),
			// a first charge with a hard decline: failed, never retried
			charge('failed', { total: Money.of(700, 'usd') }),
			// retries that took the money
			charge('succeeded', { recovery: { methodChanged: false }, total: Money.of(10000, 'usd') }),
			charge('succeeded', { recovery: { methodChanged: false }, total: Money.of(2550, 'usd') }),
			charge('succeeded', { recovery: { methodChanged: true }, total: Money.of(15000, 'jpy') }),
			charge('succeeded', { recovery: { methodChanged: false }, total: Money.of(1230, 'kwd') }),
			// a retry that failed again, with a try to come
			charge('failed', {
				recovery: { methodChanged: false },
				total: Money.of(900, 'eur'),
				retryFollows: true,
			}),
			// a retry still processing: retried, not recovered yet
			charge('other', { recovery: {}, total: Money.of(100, 'eur') }),
			// a plain first charge
			charge('succeeded', { total: Money.of(99999, 'usd') }),
		],
		['RETRY_SCHEDULED', 'RETRY_SCHEDULED', 'RETRIES_EXHAUSTED', 'DO_NOT_RETRY', 'NOT_DUE_YET'],
	);
	expect(figures).toMatchObject({
		failed: 3,
		retried: { bySchedule: 5, byMethodUpdate: 1 },
		recovered: { byRetry: 3, byMethodUpdate: 1 },
		stillInSchedule: 4,
		exhausted: 1,
	});
	// exact sums in each currency's own minor units, in currency order
	expect(figures.recoveredTotals).toEqual({
		jpy: { currency: 'jpy', count: 1, amountMinor: 15000, amount: '15000' },
		kwd: { currency: 'kwd', count: 1, amountMinor: 1230, amount: '1.230' },
		usd: { currency: 'usd', count: 2, amountMinor: 12550, amount: '125.50' },
	});
	expect(Object.keys(figures.retriedTotals)).toEqual(['eur', 'jpy', 'kwd', 'usd']);
	expect(figures.retriedTotals.eur).toMatchObject({ count: 2, amountMinor: 1000, amount: '10.00' });
});

test('a retry whose total is unknown is counted, its money left out', () => {
	const figures = recoveryFigures([charge('succeeded', { recovery: {} })], []);
	expect(figures.recovered.byRetry).toBe(1);
	expect(figures.recoveredTotals).toEqual({});
});

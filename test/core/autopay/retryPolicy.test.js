// @ts-check
import { BusinessCalendar, epochDay } from '../../../nodes/core/autopay/dates';
import { judgeRetry, networkCap, readRetrySchedule } from '../../../nodes/core/autopay/retryPolicy';
import { properties } from '../../../nodes/AutoPayScan/description';
import { DEFAULT_RETRY_POLICY, DEFAULT_RETRY_SCHEDULE_DAYS } from '../../../nodes/core/defaults';
import { CoreInputError } from '../../../nodes/core/errors';
import { paymentIdempotencyKey } from '../../../nodes/core/payments/idempotency';
import { createScan, decline, FACTS, INVOICE, SETTINGS, VISA } from './fixtures';

/** @typedef {import('../../../nodes/core/autopay/types').StripePaymentFact} StripePaymentFact */
/** @typedef {import('../../../nodes/core/autopay/types').CustomerFacts} CustomerFacts */

const STRIPE = { ...SETTINGS, checkStripe: true };
const SOFT = { code: 'card_declined', declineCode: 'insufficient_funds' };

/** The auto-pay key of INV-7 for a day, exactly as the scan makes it. */
const autopayKey = (day, paymentMethod) =>
	paymentIdempotencyKey({
		provider: 'stripe',
		purpose: 'autopay',
		invoiceIds: ['INV-7'],
		amountMinor: 12500,
		currency: 'usd',
		day,
		...(paymentMethod ? { paymentMethod } : {}),
	});

/**
 * A failed auto-pay attempt of INV-7 made for `day`, on pm_1 unless said.
 * @param {string} id
 * @param {string} day
 * @param {Partial<import('../../../nodes/core/payments/declines').Decline>} [signals]
 * @param {string} [method]
 * @returns {StripePaymentFact}
 */
const failed = (id, day, signals = SOFT, method = 'pm_1') => ({
	id,
	status: 'requires_payment_method',
	invoiceIds: ['INV-7'],
	...decline(signals, method),
	idempotencyKey: autopayKey(day),
});

/** @param {StripePaymentFact[]} payments newest first @returns {CustomerFacts} */
const withPayments = (payments) => ({ ...FACTS, payments });

/** The decision of INV-7 as of `asOf` with these payments (due on the oldest failure's day). */
const decide = (asOf, payments, settings = {}) => {
	const oldest = payments[payments.length - 1]?.idempotencyKey?.slice(15, 25) ?? '2026-11-23';
	const invoice = { ...INVOICE, dueDate: oldest < '2026-11-23' ? oldest : '2026-11-23' };
	return createScan({ ...STRIPE, asOf, ...settings }).classify(invoice, withPayments(payments));
};

const at = (day) => `${day}T09:00:00+01:00`;

describe('the schedule setting', () => {
	test('the node shows the defaults of defaults.ts', () => {
		const options = /** @type {any[]} */ (
			properties.find((property) => property.name === 'options')?.options
		);
		const option = (name) => options.find((o) => o.name === name);
		expect(option('retryPolicy').default).toBe(DEFAULT_RETRY_POLICY);
		expect(option('retryScheduleDays').default).toBe(DEFAULT_RETRY_SCHEDULE_DAYS.join(', '));
	});

	test.each([
		[undefined, [1, 3, 5, 7, 10, 14]],
		[
			[14, 1, 3, 3],
			[1, 3, 14],
		],
		[
			['2', ' 4 '],
			[2, 4],
		],
		[[60], [60]],
		['1, 3,5', [1, 3, 5]],
		['', [1, 3, 5, 7, 10, 14]],
	])('%j reads as %j', (given, days) => {
		expect(readRetrySchedule(given)).toEqual({ days, lastDay: days[days.length - 1] });
	});

	test.each([[[]], [[0]], [[61]], [[1.5]], [['x']], ['1;3'], ['1, 3, x'], [[null]]])(
		'%j is refused, naming the setting',
		(given) => {
			expect(() => readRetrySchedule(given)).toThrow(CoreInputError);
			// a bad setting on purpose
			const retryScheduleDays = /** @type {any} */ (given);
			expect(() => createScan({ ...STRIPE, retryScheduleDays })).toThrow(
				expect.objectContaining({ field: 'retryScheduleDays' }),
			);
		},
	);
});

// One decline on pm_1 the day before: what the policy does with each kind of decline.
/** @type {Array<[string, Partial<import('../../../nodes/core/payments/declines').Decline>, string]>} */
// prettier-ignore
const DECLINES = [
	['insufficient_funds', { code: 'card_declined', declineCode: 'insufficient_funds' }, 'charge'],
	['generic_decline', { code: 'card_declined', declineCode: 'generic_decline' }, 'charge'],
	['processing_error (no decline code)', { code: 'processing_error' }, 'charge'],
	['try_again_later advice', { code: 'card_declined', declineCode: 'generic_decline', adviceCode: 'try_again_later' }, 'charge'],
	['issuer_not_available', { code: 'card_declined', declineCode: 'issuer_not_available' }, 'charge'],
	['expired_card (soft: the saved card may be refreshed)', { code: 'expired_card', declineCode: 'expired_card' }, 'charge'],
	['do_not_honor', { code: 'card_declined', declineCode: 'do_not_honor' }, 'charge'],
	['Mastercard advice 02 (try later)', { code: 'card_declined', declineCode: 'generic_decline', networkAdviceCode: '02', cardBrand: 'mastercard' }, 'charge'],
	['authentication_required', { code: 'authentication_required', declineCode: 'authentication_required' }, 'page'],
	['authentication_required as a decline code', { code: 'card_declined', declineCode: 'authentication_required' }, 'page'],
	['confirm_card_data advice', { code: 'card_declined', declineCode: 'generic_decline', adviceCode: 'confirm_card_data' }, 'page'],
	['lost_card (rule 17 owns it)', { code: 'card_declined', declineCode: 'lost_card' }, 'DO_NOT_RETRY'],
	['stolen_card', { code: 'card_declined', declineCode: 'stolen_card' }, 'DO_NOT_RETRY'],
	['do_not_try_again advice', { code: 'card_declined', declineCode: 'generic_decline', adviceCode: 'do_not_try_again' }, 'DO_NOT_RETRY'],
	['Mastercard advice 03', { code: 'card_declined', declineCode: 'generic_decline', networkAdviceCode: '03', cardBrand: 'mastercard' }, 'DO_NOT_RETRY'],
	['Mastercard advice 21', { code: 'card_declined', declineCode: 'generic_decline', networkAdviceCode: '21', cardBrand: 'mastercard' }, 'DO_NOT_RETRY'],
	['Visa category 1 (46, closed)', { code: 'card_declined', declineCode: 'generic_decline', networkDeclineCode: '46', cardBrand: 'visa' }, 'DO_NOT_RETRY'],
];

describe('decline codes -> decision (declined yesterday, today is retry day 1)', () => {
	test.each(DECLINES)('%s: %s', (_, signals, expected) => {
		const decision = decide(at('2026-11-23'), [failed('pi_1', '2026-11-22', signals)]);
		const page = decision.action === 'charge' && decision.howToPay === 'payLink';
		expect(page ? 'page' : decision.action === 'charge' ? 'charge' : decision.reason).toBe(
			expected,
		);
		if (expected === 'page') {
			expect(decision.recovery).toMatchObject({
				decidedBy: 'customer-action',
				nextTryDay: '2026-11-25',
				retriesLeft: 5,
				lastTry: false,
			});
		}
	});
});

// A decline only the customer can resolve: never off-session; a page on each retry day.
describe('authentication_required: a page for the customer on retry days, never off-session', () => {
	const AUTH = { code: 'authentication_required', declineCode: 'authentication_required' };

	/** the claim of the page made on `day` (canceled once the page expired unpaid) */
	const page = (id, day) => ({
		id,
		status: 'canceled',
		invoiceIds: ['INV-7'],
		idempotencyKey: autopayKey(day),
		payLinkClaim: true,
	});

	test('a retry day with no page since: a page (the day missed is made up once)', () => {
		const decision = decide(at('2026-11-24'), [failed('pi_1', '2026-11-22', AUTH)]);
		expect(decision).toMatchObject({ action: 'charge', howToPay: 'payLink' });
	});

	test('a day between retry days: ACTION_REQUIRED, naming the day of the next page', () => {
		const payments = [page('pi_page1', '2026-11-23'), failed('pi_1', '2026-11-22', AUTH)];
		const decision = decide(at('2026-11-24'), payments);
		expect(decision).toMatchObject({
			action: 'skip',
			reason: 'ACTION_REQUIRED',
			paymentId: 'pi_1',
			recovery: { decidedBy: 'customer-action', nextTryDay: '2026-11-25' },
		});
		expect(decision.message).toMatch(
			/^Invoice INV-7 is not charged off-session: its last payment pi_1 was declined on pm_1 with .* only the customer can resolve, by paying on the page they were sent \(a new page is sent on 2026-11-25\) or setting another automatic payment method$/,
		);
	});

	test('the last retry day: the last page; after it, the schedule ends', () => {
		const last = decide(at('2026-11-30'), [failed('pi_1', '2026-11-16', AUTH)]);
		// that page's day is tried: the same day again waits for the customer
		const sent = decide(at('2026-11-30'), [
			page('pi_page6', '2026-11-30'),
			failed('pi_1', '2026-11-16', AUTH),
		]);
		expect(sent).toMatchObject({ action: 'skip', reason: 'ACTION_REQUIRED' });
		expect(sent.message).toContain('(no further page is sent)');
		expect(last).toMatchObject({
			action: 'charge',
			howToPay: 'payLink',
			recovery: { decidedBy: 'customer-action', lastTry: true, nextTryDay: null },
		});
		const after = decide(at('2026-12-01'), [
			page('pi_page6', '2026-11-30'),
			failed('pi_1', '2026-11-16', AUTH),
		]);
		expect(after).toMatchObject({ action: 'skip', reason: 'RETRIES_EXHAUSTED' });
	});

	test('a soft decline is charged off-session: no page', () => {
		const decision = decide(at('2026-11-23'), [
			failed('pi_1', '2026-11-22', { code: 'card_declined', declineCode: 'insufficient_funds' }),
		]);
		expect(decision).toMatchObject({ action: 'charge' });
		expect(decision).not.toHaveProperty('howToPay');
	});
});

// First failure on 2026-11-01 (day 0); one try on each retry day it reached before `today`.
describe('schedule days (default 1, 3, 5, 7, 10, 14 after the first failure)', () => {
	const START = epochDay(2026, 11, 1);
	const dayText = (offset) => new Date((START + offset) * 86_400_000).toISOString().slice(0, 10);
	/** tries made on each retry day before `offset`, newest first */
	const history = (offset) =>
		[0, 1, 3, 5, 7, 10, 14]
			.filter((day) => day < offset)
			.map((day) => failed(`pi_${day}`, dayText(day)))
			.reverse();
	// prettier-ignore
	const TABLE = [
		[0, 'RETRY_SCHEDULED', 1], [1, 'charge', 3], [2, 'RETRY_SCHEDULED', 3], [3, 'charge', 5],
		[4, 'RETRY_SCHEDULED', 5], [5, 'charge', 7], [6, 'RETRY_SCHEDULED', 7], [7, 'charge', 10],
		[8, 'RETRY_SCHEDULED', 10], [9, 'RETRY_SCHEDULED', 10], [10, 'charge', 14],
		[13, 'RETRY_SCHEDULED', 14], [14, 'charge', null], [15, 'RETRIES_EXHAUSTED', null],
	];
	test.each(TABLE)('day %i: %s, next try day %s', (offset, expected, next) => {
		// day 0's failure is made on day 0 itself; "today" has no try yet unless offset 0
		const payments = offset === 0 ? [failed('pi_0', dayText(0))] : history(offset);
		const decision = decide(at(dayText(offset)), payments);
		expect(decision.action === 'charge' ? 'charge' : decision.reason).toBe(expected);
		expect(decision.recovery?.nextTryDay).toBe(next === null ? null : dayText(next));
		expect(decision.recovery?.firstFailureDay).toBe('2026-11-01');
		expect(decision.recovery?.scheduleEndDay).toBe('2026-11-15');
		if (expected === 'RETRY_SCHEDULED') {
			expect(decision.message).toBe(
				`Invoice INV-7 is not charged today: the retry schedule (days 1, 3, 5, 7, 10, 14 after the first failure on 2026-11-01) tries it next on ${dayText(/** @type {number} */ (next))}; its last payment ${payments[0].id} was declined on pm_1 with decline code insufficient_funds`,
			);
		}
		if (expected === 'RETRIES_EXHAUSTED') {
			expect(decision.message).toBe(
				'Invoice INV-7 is not charged again: the retry schedule (days 1, 3, 5, 7, 10, 14 after the first failure on 2026-11-01) ended on 2026-11-15; its last payment pi_14 was declined on pm_1 with decline code insufficient_funds; it is charged once customer C-1 has another automatic payment method',
			);
			expect(decision.recovery).toMatchObject({ decidedBy: 'schedule', retriesLeft: 0 });
		}
	});

	test('the try of a day is made once: a second run that day waits for the next retry day', () => {
		const decision = decide(at('2026-11-04'), [...history(4), failed('pi_3', dayText(3))]);
		expect(decision).toMatchObject({ action: 'skip', reason: 'RETRY_SCHEDULED' });
		const again = decide(at('2026-11-04'), [failed('pi_3b', dayText(3)), ...history(3)]);
		expect(again).toMatchObject({
			reason: 'RETRY_SCHEDULED',
			recovery: { nextTryDay: dayText(5) },
		});
	});

	test('a charge says which try it is: retries left after it, and the last one', () => {
		expect(decide(at(dayText(1)), history(1)).recovery).toMatchObject({
			attempts: 1,
			retriesLeft: 5,
			lastTry: false,
			methodChanged: false,
			lastDecline: { paymentId: 'pi_0', day: '2026-11-01', declineCode: 'insufficient_funds' },
		});
		expect(decide(at(dayText(14)), history(14)).recovery).toMatchObject({
			attempts: 6,
			retriesLeft: 0,
			lastTry: true,
			nextTryDay: null,
		});
	});

	test('a custom schedule', () => {
		const settings = { retryScheduleDays: [2, 4] };
		expect(decide(at('2026-11-24'), [failed('pi_1', '2026-11-23')], settings).reason).toBe(
			'RETRY_SCHEDULED',
		);
		expect(decide(at('2026-11-25'), [failed('pi_1', '2026-11-23')], settings).action).toBe(
			'charge',
		);
		expect(
			decide(
				at('2026-11-28'),
				[failed('pi_2', '2026-11-27'), failed('pi_1', '2026-11-23')],
				settings,
			).reason,
		).toBe('RETRIES_EXHAUSTED');
	});
});

describe('network caps', () => {
	test.each([
		['card', epochDay(2026, 3, 31), 15],
		['card', epochDay(2026, 4, 30), 15],
		['card', epochDay(2026, 5, 1), 20],
		['card', epochDay(2026, 11, 23), 20],
		['us_bank_account', epochDay(2026, 11, 23), 2],
	])('%s on %s: %i reattempts', (type, day, reattempts) => {
		expect(networkCap(type, day).reattempts).toBe(reattempts);
	});

	// A daily schedule over 25 days: the cap, not the schedule, ends it.
	const DAILY = Array.from({ length: 25 }, (_, i) => i + 1);
	/** @param {number} year @param {number} month first failure on the 1st, one try a day after */
	const dailyTries = (year, month, tries) => {
		const start = epochDay(year, month, 1);
		const day = (offset) => new Date((start + offset) * 86_400_000).toISOString().slice(0, 10);
		return {
			payments: Array.from({ length: tries }, (_, i) => failed(`pi_${i}`, day(i))).reverse(),
			today: day(tries),
		};
	};
	test.each([
		// before May 2026: 15 reattempts; the 16th is refused
		[2026, 3, 15, 'charge'],
		[2026, 3, 16, 'RETRIES_EXHAUSTED'],
		// the April 2026 rules: 20
		[2026, 11, 16, 'charge'],
		[2026, 11, 20, 'charge'],
		[2026, 11, 21, 'RETRIES_EXHAUSTED'],
	])('first failure %i-%i, %i attempts so far: %s', (year, month, tries, expected) => {
		const { payments, today } = dailyTries(year, month, tries);
		const decision = decide(at(today), payments, { retryScheduleDays: DAILY });
		expect(decision.action === 'charge' ? 'charge' : decision.reason).toBe(expected);
		if (expected === 'RETRIES_EXHAUSTED') {
			const cap = year === 2026 && month < 5 ? 15 : 20;
			expect(decision.message).toContain(
				`${cap} retries reached the card networks' limit of ${cap} reattempts in 30 days`,
			);
			expect(decision.recovery).toMatchObject({ decidedBy: 'network-cap', nextTryDay: null });
		}
	});

	test('a retry just under the cap is the last one', () => {
		const { payments, today } = dailyTries(2026, 11, 20);
		expect(decide(at(today), payments, { retryScheduleDays: DAILY }).recovery).toMatchObject({
			retriesLeft: 0,
			lastTry: true,
		});
	});

	test('a bank debit is presented again at most twice', () => {
		const DUE_17 = { ...INVOICE, dueDate: '2026-11-17' };
		const bank = { id: 'pm_1', label: 'US bank account •••• 6789', type: 'us_bank_account' };
		const facts = (payments) => ({ ...FACTS, automaticPaymentMethod: bank, payments });
		const scan = (asOf) => createScan({ ...STRIPE, asOf });
		const two = [
			failed('pi_2', '2026-11-20'),
			failed('pi_1', '2026-11-18'),
			failed('pi_0', '2026-11-17'),
		];
		expect(scan(at('2026-11-23')).classify(DUE_17, facts(two)).reason).toBe('RETRIES_EXHAUSTED');
		expect(scan(at('2026-11-20')).classify(DUE_17, facts(two.slice(1))).action).toBe('charge');
	});
});

describe('time zones around midnight', () => {
	test.each([
		// the failure's day is the business day its auto-pay key names
		['Europe/Berlin', '2026-11-23T23:59:00+01:00', 'RETRY_SCHEDULED'],
		['Europe/Berlin', '2026-11-24T00:00:00+01:00', 'charge'],
		['America/Chicago', '2026-11-24T05:59:00Z', 'RETRY_SCHEDULED'],
		['America/Chicago', '2026-11-24T06:00:00Z', 'charge'],
	])('failed on 2026-11-23 (%s), as of %s: %s', (timeZone, asOf, expected) => {
		const decision = decide(asOf, [failed('pi_1', '2026-11-23')], { timeZone });
		expect(decision.action === 'charge' ? 'charge' : decision.reason).toBe(expected);
	});

	test.each([
		// a failure with no auto-pay key (an agent's payment): the business day Stripe created it
		['Europe/Berlin', Date.UTC(2026, 10, 22, 22, 59) / 1000, 'charge'], // 23:59 on the 22nd
		['Europe/Berlin', Date.UTC(2026, 10, 22, 23, 0) / 1000, 'RETRY_SCHEDULED'], // 00:00 on the 23rd
		['Asia/Tokyo', Date.UTC(2026, 10, 22, 14, 59) / 1000, 'charge'],
		['Asia/Tokyo', Date.UTC(2026, 10, 22, 15, 0) / 1000, 'RETRY_SCHEDULED'],
	])('%s, created %i: %s on the 23rd', (timeZone, created, expected) => {
		const asOf = timeZone === 'Asia/Tokyo' ? '2026-11-23T09:00:00+09:00' : at('2026-11-23');
		const { idempotencyKey, ...payment } = failed('pi_1', '2026-11-01');
		const decision = decide(asOf, [{ ...payment, created }], { timeZone });
		expect(decision.action === 'charge' ? 'charge' : decision.reason).toBe(expected);
	});

	test("the key's day wins over created (a run with As Of in the past)", () => {
		const payment = { ...failed('pi_1', '2026-11-22'), created: Date.UTC(2026, 11, 7) / 1000 };
		expect(decide(at('2026-11-23'), [payment]).action).toBe('charge');
	});

	test('the key day and the scan keep one format (idempotency.ts keyPrefix)', () => {
		const calendar = new BusinessCalendar('Europe/Berlin');
		const verdict = judgeRetry([failed('pi_1', '2026-11-22')], VISA, {
			schedule: readRetrySchedule(undefined),
			calendar,
			today: epochDay(2026, 11, 23),
		});
		expect(verdict?.recovery.lastDecline.day).toBe('2026-11-22');
	});
});

describe('the method changed since the failure', () => {
	const NEW = { id: 'pm_new', label: 'Mastercard •••• 4444', type: 'card' };
	const facts = (payments) => ({ ...FACTS, automaticPaymentMethod: NEW, payments });

	test('the same day as the failure: charged at once, under a key of its own', () => {
		const payments = [failed('pi_1', '2026-11-23')];
		const decision = createScan(STRIPE).classify(INVOICE, facts(payments));
		expect(decision).toMatchObject({
			action: 'charge',
			paymentMethod: NEW,
			recovery: {
				decidedBy: 'method-changed',
				methodChanged: true,
				attempts: 1,
				firstFailureDay: '2026-11-23',
				nextTryDay: '2026-11-24',
				retriesLeft: 6,
				lastTry: false,
				scheduleEndDay: '2026-12-07',
				lastDecline: { paymentId: 'pi_1', paymentMethodId: 'pm_1' },
			},
		});
		// the failed attempt was made under the plain key of today: the new one must differ
		expect(payments[0].idempotencyKey).toBe(autopayKey('2026-11-23'));
		expect(decision.idempotencyKey).toBe(autopayKey('2026-11-23', 'pm_new'));
		expect(decision.idempotencyKey).not.toBe(payments[0].idempotencyKey);
		// two runs that day give the same key
		expect(createScan(STRIPE).classify(INVOICE, facts(payments)).idempotencyKey).toBe(
			decision.idempotencyKey,
		);
	});

	test('first charges and scheduled retries keep the plain key (pinned across releases)', () => {
		expect(createScan(STRIPE).classify(INVOICE, FACTS).idempotencyKey).toBe(
			autopayKey('2026-11-23'),
		);
		const retry = decide(at('2026-11-24'), [failed('pi_1', '2026-11-23')]);
		expect(retry.idempotencyKey).toBe(autopayKey('2026-11-24'));
	});

	test('with the policy off, a new method still gets a key of its own', () => {
		const scan = createScan({ ...STRIPE, retryPolicy: false });
		const decision = scan.classify(INVOICE, facts([failed('pi_1', '2026-11-23')]));
		expect(decision.idempotencyKey).toBe(autopayKey('2026-11-23', 'pm_new'));
		expect(Object.keys(decision)).not.toContain('recovery');
	});

	test('the new method failing too starts its own schedule', () => {
		const payments = [
			failed('pi_2', '2026-11-23', SOFT, 'pm_new'),
			failed('pi_1', '2026-11-23', SOFT, 'pm_1'),
		];
		const decision = createScan(STRIPE).classify(INVOICE, facts(payments));
		expect(decision).toMatchObject({
			reason: 'RETRY_SCHEDULED',
			paymentId: 'pi_2',
			recovery: { attempts: 2, nextTryDay: '2026-11-24' },
		});
	});

	test('outside the catch-up window too', () => {
		const late = { ...INVOICE, dueDate: '2026-11-13' };
		const scan = createScan(STRIPE);
		expect(scan.needsCustomerFacts(late)).toBe(true);
		expect(scan.classify(late, facts([failed('pi_1', '2026-11-13')])).action).toBe('charge');
	});
});

describe('the catch-up window does not end a schedule', () => {
	const due = (dueDate) => ({ ...INVOICE, dueDate });

	test.each([
		// [due, failures (day), expected]: window 3 days, schedule up to day 14
		['2026-11-13', [], 'OUTSIDE_CATCH_UP_WINDOW'],
		[
			'2026-11-13',
			['2026-11-13', '2026-11-14', '2026-11-16', '2026-11-18', '2026-11-20'],
			'charge',
		], // day 10
		[
			'2026-11-13',
			['2026-11-13', '2026-11-14', '2026-11-16', '2026-11-18', '2026-11-20', '2026-11-23'],
			'RETRY_SCHEDULED',
		],
		['2026-11-06', ['2026-11-09'], 'charge'], // failed on its last window day: day 14, the last try
		['2026-11-06', ['2026-11-08'], 'RETRIES_EXHAUSTED'], // day 15: the schedule has ended
		['2026-11-05', ['2026-11-08'], 'OUTSIDE_CATCH_UP_WINDOW'], // beyond 3 + 14 days: rule 8, no read
	])('due %s, failed on %j: %s', (dueDate, days, expected) => {
		const payments = days.map((day, i) => failed(`pi_${i}`, day)).reverse();
		const scan = createScan(STRIPE);
		const decision = scan.classify(due(dueDate), withPayments(payments));
		expect(decision.action === 'charge' ? 'charge' : decision.reason).toBe(expected);
	});

	test('needsCustomerFacts: within the window plus the schedule, a Stripe read; beyond, none', () => {
		const scan = createScan(STRIPE);
		expect(scan.needsCustomerFacts(due('2026-11-06'))).toBe(true);
		expect(scan.needsCustomerFacts(due('2026-11-05'))).toBe(false);
		const off = createScan({ ...STRIPE, retryPolicy: false });
		expect(off.needsCustomerFacts(due('2026-11-19'))).toBe(false);
		expect(off.needsCustomerFacts(due('2026-11-20'))).toBe(true);
	});

	test('without Check Stripe the window is as before', () => {
		const scan = createScan(SETTINGS);
		expect(scan.classify(due('2026-11-19')).reason).toBe('OUTSIDE_CATCH_UP_WINDOW');
	});
});

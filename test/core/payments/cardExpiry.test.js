// @ts-check
import {
	cardGoodThrough,
	checkCardExpiry,
	nextDueDay,
	readCardExpiry,
	readPaymentDays,
} from '../../../nodes/core/payments/cardExpiry';

test('a card is good through the last day of its expiry month (leap years included)', () => {
	expect(cardGoodThrough({ expMonth: 12, expYear: 2026 })).toBe('2026-12-31');
	expect(cardGoodThrough({ expMonth: 2, expYear: 2028 })).toBe('2028-02-29');
	expect(cardGoodThrough({ expMonth: 2, expYear: 2027 })).toBe('2027-02-28');
	expect(cardGoodThrough({ expMonth: 4, expYear: 2027 })).toBe('2027-04-30');
});

test("Stripe's exp_month and exp_year are read; anything else is no card expiry", () => {
	expect(readCardExpiry({ exp_month: 3, exp_year: 2027 })).toEqual({ expMonth: 3, expYear: 2027 });
	for (const card of [
		null,
		undefined,
		{},
		{ exp_month: 13, exp_year: 2027 },
		{ exp_month: 0, exp_year: 2027 },
		{ exp_month: '3', exp_year: 2027 },
		{ exp_month: 3, exp_year: 27 },
	])
		expect(readCardExpiry(/** @type {any} */ (card))).toBeNull();
});

test('the next due day: the earliest payment day of the open recurring invoices, today once it has passed', () => {
	expect(nextDueDay(['2027-01-15', '2026-12-20', '2027-02-15'], '2026-12-01')).toBe('2026-12-20');
	expect(nextDueDay(['2026-11-20', '2027-01-15'], '2026-12-01')).toBe('2026-12-01');
	expect(nextDueDay([], '2026-12-01')).toBeNull();
	expect(() => nextDueDay(['2026-13-01'], '2026-12-01')).toThrow(
		expect.objectContaining({ field: 'paymentDays' }),
	);
	expect(() => nextDueDay([], '2026-02-30')).toThrow(expect.objectContaining({ field: 'asOf' }));
});

// [card expiry, payment days, today, expires before the next due day]
/** @type {Array<[[number, number], string[], string, boolean]>} */
// prettier-ignore
const CASES = [
	// good through 2026-12-31; due 2027-01-05: expired by then
	[[12, 2026], ['2027-01-05'], '2026-12-01', true],
	// due on the last good day: the charge still passes
	[[12, 2026], ['2026-12-31'], '2026-12-01', false],
	[[1, 2027], ['2027-01-05'], '2026-12-01', false],
	// already expired, an invoice overdue: due today, expired today
	[[11, 2026], ['2026-11-28'], '2026-12-01', true],
	// the earliest invoice decides
	[[12, 2026], ['2027-03-01', '2026-12-15'], '2026-12-01', false],
	// nothing due: no notice
	[[12, 2026], [], '2026-12-01', false],
];

test.each(CASES)(
	'card %j, payment days %j, on %s: expires before the next due day %s',
	([expMonth, expYear], days, today, expected) => {
		expect(checkCardExpiry({ expMonth, expYear }, days, today).expiresBeforeNextDueDay).toBe(
			expected,
		);
	},
);

test('the check says through when the card is good and when it is next due', () => {
	expect(checkCardExpiry({ expMonth: 12, expYear: 2026 }, ['2027-01-05'], '2026-12-01')).toEqual({
		goodThrough: '2026-12-31',
		nextDueDay: '2027-01-05',
		expiresBeforeNextDueDay: true,
	});
});

test('Payment Days: a list or its JSON text; empty is none; anything else is refused by name', () => {
	expect(readPaymentDays(['2026-12-20'])).toEqual(['2026-12-20']);
	expect(readPaymentDays('["2026-12-20"]')).toEqual(['2026-12-20']);
	for (const empty of ['', '  ', null, undefined]) expect(readPaymentDays(empty)).toEqual([]);
	for (const bad of ['2026-12-20', '{"a":1}', 42, { day: '2026-12-20' }])
		expect(() => readPaymentDays(bad)).toThrow(expect.objectContaining({ field: 'paymentDays' }));
});

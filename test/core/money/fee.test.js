// @ts-check
import {
	feeBreakdown,
	feeFor,
	formatFeePercent,
	parseFeePercent,
} from '../../../nodes/core/money/fee';
import { CoreInputError } from '../../../nodes/core/errors';
import { seededRandom, randomInt } from '../../support/random';

describe('parseFeePercent', () => {
	test.each([
		['2.9', 29_000],
		['0', 0],
		['100', 1_000_000],
		['3.1234', 31_234],
		['3.12340', 31_234],
		[2.5, 25_000],
		['', 0],
		[undefined, 0],
	])('%p -> %i millionths', (value, rate) => {
		expect(parseFeePercent(value)).toBe(rate);
	});

	test.each([
		['100.0001', 'Fee percentage "100.0001" is above 100'],
		['101', 'Fee percentage "101" is above 100'],
		['-1', 'Fee percentage "-1" is not a number from 0 to 100'],
		['2.91234', 'Fee percentage "2.91234" has more than 4 decimals'],
		['abc', 'Fee percentage "abc" is not a number from 0 to 100'],
		['3%', 'Fee percentage "3%" is not a number from 0 to 100'],
	])('%p is refused: %s', (value, message) => {
		expect(() => parseFeePercent(value, 'processingFeePercent')).toThrow(
			expect.objectContaining({ message, field: 'processingFeePercent' }),
		);
		expect(() => parseFeePercent(value)).toThrow(CoreInputError);
	});

	test('formats back', () => {
		expect(formatFeePercent(29_000)).toBe('2.9%');
		expect(formatFeePercent(1_000_000)).toBe('100%');
		expect(formatFeePercent(31_234)).toBe('3.1234%');
	});
});

describe('feeFor rounds half up in minor units', () => {
	test.each([
		[10000, '2.9', 'usd', 290],
		[1050, '10', 'usd', 105],
		[5, '10', 'usd', 1], // 0.5 -> 1 (half up)
		[4, '10', 'usd', 0], // 0.4 -> 0
		[15, '10', 'usd', 2], // 1.5 -> 2
		[1234, '3.5', 'jpy', 43], // 43.19
		[1000, '3.5', 'jpy', 35],
		[10, '5', 'jpy', 1], // 0.5 -> 1
		[5130, '2.9', 'kwd', 150], // 148.77 -> 150
		[4986, '2.9', 'kwd', 140], // 144.594 -> 140 (not 145 -> 150)
		[5000, '0.1', 'kwd', 10], // 5 -> step 10 -> 10 (half up)
		[99_999_999, '100', 'usd', 99_999_999],
		[12345, '0.0001', 'usd', 0],
		[12345, '0', 'usd', 0],
	])('%i %s%% %s -> %i', (amount, percent, currency, fee) => {
		expect(feeFor(amount, parseFeePercent(percent), currency)).toBe(fee);
	});
});

describe('feeBreakdown', () => {
	test('one line per invoice, totals are the sums', () => {
		const breakdown = feeBreakdown(
			[
				{ invoiceId: 'INV-1', amountMinor: 10000 },
				{ invoiceId: 'INV-2', amountMinor: 2550 },
			],
			parseFeePercent('2.9'),
			'usd',
		);
		expect(breakdown.lines).toEqual([
			{ invoiceId: 'INV-1', amountMinor: 10000, feeMinor: 290, totalMinor: 10290 },
			{ invoiceId: 'INV-2', amountMinor: 2550, feeMinor: 74, totalMinor: 2624 },
		]);
		expect(breakdown).toMatchObject({ amountMinor: 12550, feeMinor: 364, totalMinor: 12914 });
	});

	// Property: for any invoices and rate, each fee is the exact half-up rounding of
	// amount * rate (checked independently with BigInt rationals), and the lines sum to the total.
	test.each(['usd', 'jpy', 'kwd'])('property over 1,000 random batches in %s', (currency) => {
		const random = seededRandom(20261123);
		const step = currency === 'kwd' ? 10 : 1;
		const broken = [];
		for (let run = 0; run < 1000; run++) {
			const count = randomInt(random, 1, 40);
			const invoices = Array.from({ length: count }, (_, i) => ({
				invoiceId: `INV-${i}`,
				amountMinor: randomInt(random, 1, 2_000_000) * step,
			}));
			const rate = randomInt(random, 0, 1_000_000);
			const breakdown = feeBreakdown(invoices, rate, currency);
			let total = 0;
			for (const [i, line] of breakdown.lines.entries()) {
				const exactTimes2e6 = BigInt(invoices[i].amountMinor) * BigInt(rate); // exact fee * 1e6
				const lower = BigInt(line.feeMinor) * 1_000_000n - BigInt(step) * 500_000n;
				const upper = BigInt(line.feeMinor) * 1_000_000n + BigInt(step) * 500_000n;
				const halfUp = exactTimes2e6 >= lower && exactTimes2e6 < upper;
				if (
					!halfUp ||
					line.feeMinor % step !== 0 ||
					line.totalMinor !== line.amountMinor + line.feeMinor
				) {
					broken.push({ run, line, rate });
				}
				total += line.totalMinor;
			}
			if (breakdown.totalMinor !== total || total !== breakdown.amountMinor + breakdown.feeMinor) {
				broken.push({ run, total: breakdown.totalMinor });
			}
		}
		expect(broken).toEqual([]);
	});
});

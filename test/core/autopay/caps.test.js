// @ts-check
import { currencyCapsFromRows, parseCurrencyCaps } from '../../../nodes/core/autopay/caps';
import { readScanSettings } from '../../../nodes/core/autopay/settings';

test.each([
	['usd=5000, jpy=600000', { usd: '5000', jpy: '600000' }],
	['EUR: 45.50;gbp=10', { eur: '45.50', gbp: '10' }],
	['', undefined],
	[undefined, undefined],
])('%p', (text, caps) => {
	expect(parseCurrencyCaps(text, 'maxPerInvoice')).toEqual(caps);
});

test('a malformed cap names the field', () => {
	expect(() => parseCurrencyCaps('usd 5000', 'maxTotalPerRun')).toThrow(
		expect.objectContaining({
			field: 'maxTotalPerRun',
			message: '"usd 5000" is not a currency cap such as "usd=5000"',
		}),
	);
});

describe("version 2's rows: a currency and an amount each", () => {
	test('give the caps the typed text gives, read alike by the scan settings', () => {
		const rows = [
			{ currency: 'usd', amount: 5000 },
			{ currency: 'JPY', amount: 600000 },
		];
		expect(currencyCapsFromRows(rows, 'maxPerInvoice')).toEqual({ usd: 5000, jpy: 600000 });
		const read = (caps) =>
			readScanSettings({
				takePaymentOn: 'dueDate',
				timeZone: 'UTC',
				asOf: '2026-11-23T07:00:00Z',
				maxPerInvoice: caps,
			}).maxPerInvoice;
		expect(read(currencyCapsFromRows(rows, 'maxPerInvoice'))).toEqual(
			read(parseCurrencyCaps('usd=5000, jpy=600000', 'maxPerInvoice')),
		);
		expect(read(currencyCapsFromRows([{ currency: 'usd', amount: 12.5 }], 'x'))?.get('usd')).toBe(
			1250,
		);
	});

	test.each([[undefined], [[]]])('%p: no cap', (rows) => {
		expect(currencyCapsFromRows(rows, 'maxPerInvoice')).toBeUndefined();
	});

	test.each([
		[[{ amount: 5 }], 'maxTotalPerRun', 'Row 1 has no currency: pick one, or delete the row'],
		[
			[
				{ currency: 'eur', amount: 5 },
				{ currency: ' EUR ', amount: 6 },
			],
			'maxTotalPerRun',
			'EUR is given twice: keep one row per currency',
		],
		[
			[{ currency: 'eur', amount: '' }],
			'maxTotalPerRun.eur',
			'Row 1 has no amount: enter the largest amount in EUR, such as 5000',
		],
		// n8n fills an Amount left empty with its default, 0
		[
			[{ currency: 'eur', amount: 0 }],
			'maxTotalPerRun.eur',
			'Row 1 has no amount: enter the largest amount in EUR, such as 5000',
		],
	])('%p is refused, naming the field', (rows, field, message) => {
		expect(() => currencyCapsFromRows(rows, 'maxTotalPerRun')).toThrow(
			expect.objectContaining({ field, message }),
		);
	});
});

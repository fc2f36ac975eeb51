// @ts-check
import { parseCurrencyCaps } from '../../../nodes/core/autopay/caps';

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

// @ts-check
import {
	MAX_AMOUNT_MINOR,
	assertChargeable,
	currencyRules,
	formatAmount,
	formatMoney,
	money,
	parseAmount,
	parseCurrencyCode,
	supportedCurrencies,
} from '../../../nodes/core/money/money';
import { CoreInputError } from '../../../nodes/core/errors';

function inputError(fn) {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(CoreInputError);
		return error;
	}
	throw new Error('expected a CoreInputError');
}

describe('currency rules', () => {
	test.each([
		['usd', 2, 1],
		['JPY', 0, 1],
		['krw', 0, 1],
		['kwd', 3, 10],
		['bhd', 3, 10],
		['isk', 2, 100],
		['eur', 2, 1],
	])('%s has exponent %i and step %i', (code, exponent, step) => {
		expect(currencyRules(code)).toMatchObject({ exponent, step });
	});

	test('unknown and missing currencies are refused, naming the field', () => {
		expect(inputError(() => currencyRules('xyz')).message).toBe(
			'Currency "xyz" is not one Stripe charges in',
		);
		expect(inputError(() => currencyRules('', 'invoiceCurrency')).field).toBe('invoiceCurrency');
		expect(inputError(() => currencyRules(undefined)).field).toBe('currency');
	});

	test('lists more than 130 currencies, lowercase', () => {
		const list = supportedCurrencies();
		expect(list.length).toBeGreaterThan(130);
		expect(list.every((code) => /^[a-z]{3}$/.test(code))).toBe(true);
	});
});

describe('parseAmount', () => {
	test.each([
		['1250.00', 'usd', 125000],
		['1250', 'usd', 125000],
		['0.5', 'usd', 50],
		[' 19.99 ', 'eur', 1999],
		['1250', 'jpy', 1250],
		['1250.0', 'jpy', 1250],
		['5.120', 'kwd', 5120],
		['5.12', 'kwd', 5120],
		// exact, never rounded to Stripe's step (assertChargeable refuses what Stripe cannot take)
		['5.125', 'kwd', 5125],
		['5.124', 'kwd', 5124],
		['0.005', 'bhd', 5],
		['5', 'isk', 500],
		['5.5', 'isk', 550],
		[12.5, 'usd', 1250],
		[1000, 'jpy', 1000],
		['+3.10', 'usd', 310],
		['999999.99', 'usd', 99999999],
	])('%p %s -> %i minor units', (value, currency, minor) => {
		expect(parseAmount(value, currency)).toBe(minor);
	});

	test.each([
		['12.345', 'usd', 'Amount "12.345" has more decimals than USD allows (2)'],
		['1250.5', 'jpy', 'Amount "1250.5" has more decimals than JPY allows (0)'],
		['5.1234', 'kwd', 'Amount "5.1234" has more decimals than KWD allows (3)'],
		['-5.00', 'usd', 'Amount "-5.00" is negative'],
		['1,250.00', 'usd', 'Amount "1,250.00" is not a decimal number such as "125.00"'],
		['12.', 'usd', 'Amount "12." is not a decimal number such as "125.00"'],
		['abc', 'usd', 'Amount "abc" is not a decimal number such as "125.00"'],
		['1e3', 'usd', 'Amount "1e3" is not a decimal number such as "125.00"'],
		[0.1 + 0.2, 'usd', 'Amount "0.30000000000000004" has more decimals than USD allows (2)'],
		[Number.NaN, 'usd', 'Amount NaN is not a number'],
		[null, 'usd', 'An amount is required as a decimal string such as "125.00"'],
		['99999999999999999999', 'usd', 'Amount "99999999999999999999" is too large'],
	])('%p %s is refused: %s', (value, currency, message) => {
		const error = inputError(() => parseAmount(value, currency, 'balance'));
		expect(error.message).toBe(message);
		expect(error.field).toBe('balance');
	});
});

describe('formatting', () => {
	test.each([
		[125000, 'usd', '1250.00', '$1,250.00'],
		[1250, 'jpy', '1250', '¥1,250'],
		[5130, 'kwd', '5.130', 'KWD 5.130'],
		[5, 'usd', '0.05', '$0.05'],
		[0, 'eur', '0.00', '€0.00'],
		[500, 'isk', '5.00', 'ISK 5'],
		[-1999, 'usd', '-19.99', '-$19.99'],
	])('%i %s -> %s / %s', (minor, currency, decimal, display) => {
		expect(formatAmount(minor, currency)).toBe(decimal);
		expect(formatMoney(minor, currency).replace(/\u00a0/g, ' ')).toBe(display);
	});

	test('each locale and currency keeps its own format, however often and in whatever order asked', () => {
		/** @type {Array<[number, string, string, string]>} */
		const asked = [
			[123456, 'eur', 'de-DE', '1.234,56 €'],
			[123456, 'eur', 'en-US', '€1,234.56'],
			[123456, 'EUR', 'de-DE', '1.234,56 €'],
			[123456, 'usd', 'de-DE', '1.234,56 $'],
			[5130, 'kwd', 'en-US', 'KWD 5.130'],
			[500, 'isk', 'en-US', 'ISK 5'],
		];
		for (const round of [1, 2]) {
			for (const [minor, currency, locale, display] of round === 1 ? asked : [...asked].reverse()) {
				expect(formatMoney(minor, currency, locale).replace(/\u00a0/g, ' ')).toBe(display);
			}
		}
	});

	test('money() carries every form of one sum', () => {
		expect(money(125000, 'USD')).toEqual({
			amount: '1250.00',
			minor: 125000,
			currency: 'usd',
			display: '$1,250.00',
		});
	});

	test('parse then format is the identity for canonical strings', () => {
		for (const [text, currency] of [
			['0.50', 'usd'],
			['1250', 'jpy'],
			['12.340', 'kwd'],
		]) {
			expect(formatAmount(parseAmount(text, currency), currency)).toBe(text);
		}
	});
});

describe('assertChargeable', () => {
	test.each([
		[50, 'usd'],
		[30, 'gbp'],
		[50, 'jpy'],
		[MAX_AMOUNT_MINOR, 'usd'],
		[1, 'krw'],
		[10, 'kwd'],
	])('%i %s can be charged', (minor, currency) => {
		expect(() => assertChargeable(minor, currency)).not.toThrow();
	});

	test.each([
		[0, 'usd', 'Amount 0.00 USD must be more than zero'],
		[-100, 'usd', 'Amount -1.00 USD must be more than zero'],
		[49, 'usd', "Amount 0.49 USD is below Stripe's minimum charge of 0.50 USD"],
		[49, 'jpy', "Amount 49 JPY is below Stripe's minimum charge of 50 JPY"],
		[17499, 'huf', "Amount 174.99 HUF is below Stripe's minimum charge of 175.00 HUF"],
		[
			MAX_AMOUNT_MINOR + 1,
			'usd',
			"Amount 1000000.00 USD is above Stripe's maximum of 999999.99 USD (eight digits)",
		],
		[
			100_000_000,
			'jpy',
			"Amount 100000000 JPY is above Stripe's maximum of 99999999 JPY (eight digits)",
		],
		[
			5125,
			'kwd',
			'Amount 5.125 KWD cannot be charged or refunded exactly: Stripe takes KWD only in steps of 0.010 and money is never rounded here; use 5.120 or 5.130 and settle the difference in the books',
		],
		[
			150,
			'isk',
			'Amount 1.50 ISK cannot be charged or refunded exactly: Stripe takes ISK only in steps of 1.00 and money is never rounded here; use 1.00 or 2.00 and settle the difference in the books',
		],
	])('%i %s is refused: %s', (minor, currency, message) => {
		expect(inputError(() => assertChargeable(minor, currency)).message).toBe(message);
	});
});

describe('exact money: what Stripe cannot charge exactly is refused, never rounded', () => {
	// Stripe takes the three-decimal currencies only in steps of 0.010 (the last digit 0).
	test.each(['kwd', 'bhd', 'jod', 'omr', 'tnd'])(
		'12.345 %s is refused with both amounts Stripe could take',
		(currency) => {
			const code = currency.toUpperCase();
			const minor = parseAmount('12.345', currency, 'balance');
			expect(minor).toBe(12345);
			const error = inputError(() => assertChargeable(minor, currency, 'balance'));
			expect(error.field).toBe('balance');
			expect(error.message).toBe(
				`Amount 12.345 ${code} cannot be charged or refunded exactly: Stripe takes ${code} only in steps of 0.010 and money is never rounded here; use 12.340 or 12.350 and settle the difference in the books`,
			);
		},
	);

	test.each(['kwd', 'bhd', 'jod', 'omr', 'tnd'])(
		'12.340 and 12.35 %s are charged as they are',
		(currency) => {
			for (const [text, minor] of /** @type {Array<[string, number]>} */ ([
				['12.340', 12340],
				['12.35', 12350],
			])) {
				expect(parseAmount(text, currency)).toBe(minor);
				expect(() => assertChargeable(minor, currency)).not.toThrow();
			}
		},
	);

	test.each([
		['100.5', 'jpy'],
		['100.5', 'krw'],
		['100.01', 'vnd'],
		[100.5, 'jpy'],
	])('zero-decimal %p %s is refused, never rounded', (value, currency) => {
		const error = inputError(() => parseAmount(value, currency, 'balance'));
		expect(error.message).toBe(
			`Amount "${value}" has more decimals than ${currency.toUpperCase()} allows (0)`,
		);
	});

	test('ISK, shown without decimals, is refused with decimals Stripe cannot take', () => {
		expect(inputError(() => assertChargeable(parseAmount('5.5', 'isk'), 'isk')).message).toMatch(
			/^Amount 5\.50 ISK cannot be charged or refunded exactly: Stripe takes ISK only in steps of 1\.00 .*use 5\.00 or 6\.00/,
		);
		expect(() => assertChargeable(parseAmount('5', 'isk'), 'isk')).not.toThrow();
	});

	test('a fee on an exact amount keeps the total exact', () => {
		// the fee is rounded to the step (fee.ts), so an exact amount plus its fee stays exact
		expect(() => assertChargeable(12340 + 360, 'kwd')).not.toThrow();
	});
});

describe('parseCurrencyCode', () => {
	test.each([
		['usd', 'usd'],
		['USD', 'usd'],
		['Kwd', 'kwd'],
	])('%p is %s', (value, code) => {
		expect(parseCurrencyCode(value)).toBe(code);
	});

	test.each([' usd', 'usd ', 'u sd', 'usd\n', 'usd\u0000', '\tusd', 'us\u200bd'])(
		'%p holds whitespace or a control character: refused, not trimmed',
		(value) => {
			const error = inputError(() => parseCurrencyCode(value, 'currency'));
			expect(error.field).toBe('currency');
			expect(error.message).toBe(
				`Currency ${JSON.stringify(value)} holds whitespace or a control character: enter the three-letter ISO 4217 code alone, such as USD`,
			);
		},
	);

	test('an unknown or missing code is refused as currencyRules refuses it', () => {
		expect(inputError(() => parseCurrencyCode('xyz')).message).toBe(
			'Currency "xyz" is not one Stripe charges in',
		);
		expect(inputError(() => parseCurrencyCode('', 'defaultCurrency')).field).toBe(
			'defaultCurrency',
		);
	});
});

describe('Money: an amount that carries its currency', () => {
	const { Money, CurrencyMismatchError } = require('../../../nodes/core/money/money');

	test('sums and comparisons of one currency', () => {
		const total = Money.sum('usd', [
			Money.of(1250, 'USD'),
			Money.of(36, 'usd'),
			Money.of(1, 'usd'),
		]);
		expect(total).toMatchObject({ minor: 1287, currency: 'usd' });
		expect(total.minus(Money.of(87, 'usd')).equals(Money.of(1200, 'usd'))).toBe(true);
		expect(Money.of(5, 'jpy').compare(Money.of(7, 'jpy'))).toBe(-1);
		expect(Money.sum('eur', []).toValue()).toEqual({
			amount: '0.00',
			minor: 0,
			currency: 'eur',
			display: '€0.00',
		});
	});

	test.each([
		['add', (a, b) => a.plus(b)],
		['subtract', (a, b) => a.minus(b)],
		['compare', (a, b) => a.compare(b)],
	])('to %s USD and JPY is a type error, whatever the amounts', (operation, act) => {
		const act2 = () => act(Money.of(100, 'usd'), Money.of(100, 'jpy'));
		expect(act2).toThrow(CurrencyMismatchError);
		expect(act2).toThrow(TypeError);
		expect(act2).toThrow(`Cannot ${operation} USD and JPY`);
		// @ts-expect-error -- USD and JPY in one sum: the type error this test shows at run time too
		expect(() => Money.sum('usd', [Money.of(1, 'usd'), Money.of(1, 'jpy')])).toThrow(
			CurrencyMismatchError,
		);
	});

	test('only whole minor units of a currency Stripe charges in', () => {
		expect(() => Money.of(1.5, 'usd')).toThrow(RangeError);
		expect(() => Money.of(100, 'xyz')).toThrow('Currency "xyz" is not one Stripe charges in');
	});
});

// @ts-check
import { CoreInputError } from '../../../nodes/core/errors';
import {
	assertInvoiceAmount,
	chargeableBreakdown,
	readCurrency,
	readHowToPay,
	readIdempotencyKey,
	readInvoiceAmount,
	readInvoiceId,
	readPayInvoiceInput,
	readPaymentOptions,
	readReceiptEmail,
	readRedirectUrl,
} from '../../../nodes/core/payments/paymentInput';

function inputError(fn) {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(CoreInputError);
		return error;
	}
	throw new Error('expected a CoreInputError');
}

describe('readInvoiceId', () => {
	test.each([
		['INV-1042', 'INV-1042'],
		['  INV-1042 ', 'INV-1042'],
		[1042, '1042'],
		['x'.repeat(200), 'x'.repeat(200)],
	])('%p is %p', (value, id) => {
		expect(readInvoiceId(value)).toBe(id);
	});

	test.each([
		['', 'An invoice ID is required: map the ID of the invoice in the books'],
		['   ', 'An invoice ID is required: map the ID of the invoice in the books'],
		[undefined, 'An invoice ID is required: map the ID of the invoice in the books'],
		[{ id: 'INV-1' }, 'The invoice ID must be text, not object'],
		[
			'__proto__',
			'Invoice ID "__proto__" is a name every JavaScript object reserves: use the invoice\'s real ID from the books',
		],
		[
			'constructor',
			'Invoice ID "constructor" is a name every JavaScript object reserves: use the invoice\'s real ID from the books',
		],
		[
			'prototype',
			'Invoice ID "prototype" is a name every JavaScript object reserves: use the invoice\'s real ID from the books',
		],
		[
			'hasOwnProperty',
			'Invoice ID "hasOwnProperty" is a name every JavaScript object reserves: use the invoice\'s real ID from the books',
		],
		[
			'INV-1\n',
			'Invoice ID "INV-1\\n" holds a control or invisible character (a line break, tab or formatting mark): enter it without them',
		],
		[
			'INV\u00001',
			'Invoice ID "INV\\u00001" holds a control or invisible character (a line break, tab or formatting mark): enter it without them',
		],
		[
			'INV-\u202e1',
			'Invoice ID "INV-\u202e1" holds a control or invisible character (a line break, tab or formatting mark): enter it without them',
		],
		[
			'INV\u200b-1',
			'Invoice ID "INV\u200b-1" holds a control or invisible character (a line break, tab or formatting mark): enter it without them',
		],
		[
			'x'.repeat(501),
			"An invoice ID of 501 characters is longer than a Stripe metadata value (500), where the payment records its invoices: use the invoice's ID or number from the books",
		],
		[
			'x'.repeat(201),
			`Invoice id "${'x'.repeat(201)}" cannot be stored in Stripe metadata (empty, over 200 characters, or containing "," or "/")`,
		],
		[
			'A,B',
			'Invoice id "A,B" cannot be stored in Stripe metadata (empty, over 200 characters, or containing "," or "/")',
		],
	])('%p is refused', (value, message) => {
		const error = inputError(() => readInvoiceId(value));
		expect(error.field).toBe('invoiceId');
		expect(error.message).toBe(message);
	});
});

describe('readCurrency', () => {
	test('an empty currency is the default one, checked under its own name', () => {
		expect(readCurrency('', 'eur')).toBe('eur');
		expect(readCurrency(undefined, 'EUR')).toBe('eur');
		expect(readCurrency('KWD', 'eur')).toBe('kwd');
		expect(inputError(() => readCurrency('', 'eur ')).field).toBe('defaultCurrency');
	});

	test.each(['usd ', ' usd', 'u sd', 'usd\r\n', 'usd\u0000', ' '])('%p is refused', (value) => {
		const error = inputError(() => readCurrency(value, 'usd'));
		expect(error.field).toBe('currency');
		expect(error.message).toMatch(
			/holds whitespace or a control character: enter the three-letter ISO 4217 code alone, such as USD$/,
		);
	});
});

describe('readInvoiceAmount: exact money', () => {
	test.each(['kwd', 'bhd', 'jod', 'omr', 'tnd'])(
		'a balance of 12.345 %s is refused, naming the balance',
		(currency) => {
			const error = inputError(() =>
				readInvoiceAmount({ invoiceId: 'INV-1', currency, balance: '12.345' }),
			);
			expect(error.field).toBe('balance');
			expect(error.message).toMatch(
				/^Amount 12\.345 [A-Z]{3} cannot be charged or refunded exactly: .*use 12\.340 or 12\.350/,
			);
		},
	);

	test('12.340 of a 12.345 KWD balance, as a partial payment, is what is charged', () => {
		expect(
			readInvoiceAmount({
				invoiceId: 'INV-1',
				currency: 'kwd',
				balance: '12.345',
				amount: '12.340',
				allowPartialPayment: true,
			}),
		).toEqual({ balanceMinor: 12345, amountMinor: 12340, amountField: 'amount' });
	});

	test('an amount Stripe cannot take exactly names the Amount parameter', () => {
		const error = inputError(() =>
			readInvoiceAmount({
				invoiceId: 'INV-1',
				currency: 'kwd',
				balance: '20.000',
				amount: '12.345',
				allowPartialPayment: true,
			}),
		);
		expect(error.field).toBe('amount');
	});

	test('JPY "100.5" is refused, never rounded', () => {
		const error = inputError(() =>
			readInvoiceAmount({ invoiceId: 'INV-1', currency: 'jpy', balance: '100.5' }),
		);
		expect([error.field, error.message]).toEqual([
			'balance',
			'Amount "100.5" has more decimals than JPY allows (0)',
		]);
	});

	test.each([
		[{ balance: '0.00' }, 'balance', 'Amount 0.00 for invoice INV-1 must be more than zero'],
		[
			{ balance: '100.00', amount: '50.00' },
			'amount',
			'Amount 50.00 for invoice INV-1 is not its balance 100.00: only full payments are allowed (pay the balance, or allow partial payment)',
		],
		[
			{ balance: '100.00', amount: '140.00', allowPartialPayment: true },
			'amount',
			'Amount 140.00 for invoice INV-1 is more than its balance 100.00',
		],
		[
			{ balance: '100.00', amount: '0', allowPartialPayment: true },
			'amount',
			'Amount 0.00 for invoice INV-1 must be more than zero',
		],
	])('%p is refused', (change, field, message) => {
		const error = inputError(() =>
			readInvoiceAmount({ invoiceId: 'INV-1', currency: 'usd', ...change }),
		);
		expect([error.field, error.message]).toEqual([field, message]);
	});

	test('assertInvoiceAmount holds for amounts already in minor units', () => {
		expect(() =>
			assertInvoiceAmount({ invoiceId: 'A', amountMinor: 5125, balanceMinor: 5125 }, 'kwd', false),
		).toThrow(/cannot be charged or refunded exactly/);
		expect(() =>
			assertInvoiceAmount({ invoiceId: 'A', amountMinor: 5120 }, 'kwd', false),
		).not.toThrow();
	});
});

describe('readRedirectUrl', () => {
	test.each([
		'https://books.example/paid',
		'https://books.example/paid?session={CHECKOUT_SESSION_ID}',
		'http://127.0.0.1:5678/webhook/pay?invoice=INV-1',
		'http://[::1]:8080/paid',
	])('%s is kept as written', (url) => {
		expect(readRedirectUrl(url, 'successUrl')).toBe(url);
	});

	test('empty is none, unless the address is required', () => {
		expect(readRedirectUrl('', 'successUrl')).toBeUndefined();
		expect(readRedirectUrl(undefined, 'cancelUrl')).toBeUndefined();
		const error = inputError(() =>
			readRedirectUrl(' ', 'returnUrl', 'the page the customer goes back to'),
		);
		expect([error.field, error.message]).toEqual([
			'returnUrl',
			'A URL is required: the page the customer goes back to',
		]);
	});

	test.each([
		[
			'javascript:alert(1)',
			'"javascript:alert(1)" is not a web address (javascript:): enter one that starts with https://',
		],
		[
			'JavaScript:alert(1)',
			'"JavaScript:alert(1)" is not a web address (javascript:): enter one that starts with https://',
		],
		[
			'data:text/html,<b>paid</b>',
			'"data:text/html,<b>paid</b>" is not a web address (data:): enter one that starts with https://',
		],
		[
			'java\nscript:alert(1)',
			'URL "java\\nscript:alert(1)" holds whitespace or a control character: enter the address alone',
		],
		[
			'http://books.example/paid',
			'"http://books.example/paid" uses http: Stripe sends the customer there, so it must use https (http only for 127.0.0.1, this machine)',
		],
		[
			'http://localhost:5678/paid',
			'"http://localhost:5678/paid" uses http: Stripe sends the customer there, so it must use https (http only for 127.0.0.1, this machine)',
		],
		[
			'ftp://books.example/paid',
			'"ftp://books.example/paid" is not a web address (ftp:): enter one that starts with https://',
		],
		[
			'/invoices/paid',
			'"/invoices/paid" is not an absolute URL: enter one that starts with https://',
		],
		[
			'https://books.example/a b',
			'URL "https://books.example/a b" holds whitespace or a control character: enter the address alone',
		],
		[
			'https://admin:hunter2@books.example/paid',
			'The URL holds a user name or password: leave them out of the address',
		],
	])('%p is refused', (url, message) => {
		const error = inputError(() => readRedirectUrl(url, 'successUrl'));
		expect([error.field, error.message]).toEqual(['successUrl', message]);
	});
});

describe('readReceiptEmail and readIdempotencyKey', () => {
	test('one address, trimmed; empty is none', () => {
		expect(readReceiptEmail(' pay@acme.example ')).toBe('pay@acme.example');
		expect(readReceiptEmail('')).toBeUndefined();
	});

	test.each([
		[
			'pay@acme.example\r\nBcc: all@evil.example',
			'Receipt email "pay@acme.example\\r\\nBcc: all@evil.example" holds a line break or control character: enter one address such as name@example.com',
		],
		[
			'pay@acme.example\n',
			'Receipt email "pay@acme.example\\n" holds a line break or control character: enter one address such as name@example.com',
		],
		[
			'pay@acme.example, boss@acme.example',
			'"pay@acme.example, boss@acme.example" is not one email address: enter one such as name@example.com',
		],
		['not an email', '"not an email" is not one email address: enter one such as name@example.com'],
	])('%p is refused', (value, message) => {
		const error = inputError(() => readReceiptEmail(value));
		expect([error.field, error.message]).toEqual(['receiptEmail', message]);
	});

	test('a key by hand is 1 to 255 visible ASCII characters', () => {
		expect(readIdempotencyKey('invpay-autopay-2026-11-23-abc')).toBe(
			'invpay-autopay-2026-11-23-abc',
		);
		expect(readIdempotencyKey('')).toBeUndefined();
		for (const bad of ['k'.repeat(256), 'two words', 'key\r\nX-Evil: 1', 'clé']) {
			expect(inputError(() => readIdempotencyKey(bad)).field).toBe('idempotencyKey');
		}
	});
});

describe('readPaymentOptions and readHowToPay', () => {
	test('defaults: manual, full payments, no receipt, no URLs', () => {
		expect(readPaymentOptions({})).toEqual({
			purpose: 'manual',
			allowPartialPayment: false,
			useStripeReceiptEmails: false,
			receiptEmail: undefined,
			idempotencyKey: undefined,
			checkoutUrls: { successUrl: undefined, cancelUrl: undefined },
			guardLookbackDays: undefined,
		});
	});

	test('the receipt email is checked only when Stripe receipts are on', () => {
		expect(readPaymentOptions({ receiptEmail: 'x\r\ny' }).receiptEmail).toBeUndefined();
		expect(
			inputError(() =>
				readPaymentOptions({ useStripeReceiptEmails: true, receiptEmail: 'x@y.example\r\n' }),
			).field,
		).toBe('receiptEmail');
	});

	test.each([
		[{ purpose: 'refund' }, 'purpose'],
		[{ allowPartialPayment: 'yes' }, 'allowPartialPayment'],
		[{ guardLookbackDays: 0 }, 'guardLookbackDays'],
		[{ guardLookbackDays: -45 }, 'guardLookbackDays'],
		[{ guardLookbackDays: 4.5 }, 'guardLookbackDays'],
		[{ guardLookbackDays: 'soon' }, 'guardLookbackDays'],
		[{ cancelUrl: 'javascript:history.back()' }, 'cancelUrl'],
		[{ successUrl: 'http://books.example/' }, 'successUrl'],
		[{ idempotencyKey: 'a\nb' }, 'idempotencyKey'],
	])('%p is refused', (options, field) => {
		expect(inputError(() => readPaymentOptions(options)).field).toBe(field);
	});

	test('how to pay', () => {
		expect(readHowToPay('automatic', undefined)).toEqual({ kind: 'automatic' });
		expect(readHowToPay('savedMethod', ' pm_123 ')).toEqual({
			kind: 'savedMethod',
			paymentMethodId: 'pm_123',
		});
		expect(inputError(() => readHowToPay('savedMethod', 'card_123')).field).toBe('paymentMethodId');
		expect(inputError(() => readHowToPay('cash', undefined)).field).toBe('howToPay');
	});
});

describe('readPayInvoiceInput', () => {
	const values = (change = {}) => ({
		invoiceId: 'INV-7',
		currency: 'usd',
		defaultCurrency: 'usd',
		balance: '100.00',
		amount: '',
		feePercent: '2.9',
		howToPay: 'automatic',
		options: { purpose: 'autopay' },
		...change,
	});

	test('a valid item, with its fee line', () => {
		const input = readPayInvoiceInput(values());
		expect(input).toMatchObject({
			invoiceId: 'INV-7',
			currency: 'usd',
			balanceMinor: 10000,
			amountMinor: 10000,
			feeRate: 29_000,
			how: { kind: 'automatic' },
			purpose: 'autopay',
		});
	});

	test.each([
		[
			{ balance: '0.48' },
			'balance',
			"Amount 0.49 USD (0.48 plus the processing fee of 0.01) is below Stripe's minimum charge of 0.50 USD",
		],
		[
			{ balance: '0.49', feePercent: '0' },
			'balance',
			"Amount 0.49 USD is below Stripe's minimum charge of 0.50 USD",
		],
		[
			{ balance: '999999.00' },
			'balance',
			"Amount 1028998.97 USD (999999.00 plus the processing fee of 28999.97) is above Stripe's maximum of 999999.99 USD (eight digits)",
		],
		[
			{ balance: '100.00', amount: '0.10', options: { allowPartialPayment: true } },
			'amount',
			"Amount 0.10 USD is below Stripe's minimum charge of 0.50 USD",
		],
		[
			{ currency: '', defaultCurrency: 'us' },
			'defaultCurrency',
			'Currency "us" is not one Stripe charges in',
		],
		[{ feePercent: '101' }, 'feePercent', 'Fee percentage "101" is above 100'],
	])('%p is refused', (change, field, message) => {
		const error = inputError(() => readPayInvoiceInput(values(change)));
		expect([error.field, error.message]).toEqual([field, message]);
	});

	test("a combined payment that cannot fit in one payment's metadata is refused before any request", () => {
		const invoices = Array.from({ length: 200 }, (_, i) => ({
			invoiceId: `${'I'.repeat(100)}-${i}`,
			amountMinor: 1000,
		}));
		expect(inputError(() => chargeableBreakdown(invoices, 0, 'usd', 'balance')).message).toMatch(
			/^200 invoices do not fit in one Stripe payment's metadata/,
		);
	});
});

// @ts-check
/**
 * A batch never half-fails: every item's own input is checked before the first request of the
 * execution. Items 0, 1 and 2 are valid and item 3 is not: without Continue On Fail the node
 * fails naming item 3 and the parameter as the user sees it, with no request sent and nothing
 * charged; with it, items 0-2 are paid and item 3 carries its error.
 */
import { runNode, startStripe } from './stripe-node';

const NODE = 'stripeInvoicePayment';

let stripe;
beforeAll(async () => {
	stripe = await startStripe();
});
afterAll(async () => {
	await stripe.close();
});

let counter = 0;
function mappedCustomer() {
	const booksId = `IN-C-${++counter}`;
	stripe.createCustomer({
		name: `Input customer ${booksId}`,
		email: `${booksId.toLowerCase()}@example.com`,
		metadata: { books_customer_id: booksId },
		defaultPaymentMethod: 'pm_card_visa',
	});
	return booksId;
}

/** @returns {import('n8n-workflow').IDataObject} */
const invoice = (customerId, extra = {}) => ({
	invoiceId: `IN-${++counter}`,
	customerId,
	balance: '40.00',
	currency: 'usd',
	...extra,
});

// Every parameter the cases below reach comes from the item.
const payParams = (extra = {}) => ({
	resource: 'payment',
	operation: 'payInvoice',
	invoiceId: '={{ $json.invoiceId }}',
	customer: { __rl: true, mode: 'mapping', value: '={{ $json.customerId }}' },
	balance: '={{ $json.balance }}',
	amount: '={{ $json.amount ?? "" }}',
	currency: '={{ $json.currency }}',
	feePercent: '0',
	howToPay: 'automatic',
	options: {
		purpose: 'autopay',
		useStripeReceiptEmails: '={{ $json.receiptEmail !== undefined }}',
		receiptEmail: '={{ $json.receiptEmail ?? "" }}',
		successUrl: '={{ $json.successUrl ?? "" }}',
	},
	settings: { timeZone: 'America/Chicago' },
	...extra,
});

const charges = () => stripe.ledger.allCharges().length;

/** @type {Array<[string, Record<string, string>, string, string]>} */
const BAD_INPUTS = [
	[
		'an empty invoice id',
		{ invoiceId: '' },
		'Invoice ID',
		'An invoice ID is required: map the ID of the invoice in the books',
	],
	[
		'a __proto__ invoice id',
		{ invoiceId: '__proto__' },
		'Invoice ID',
		'Invoice ID "__proto__" is a name every JavaScript object reserves: use the invoice\'s real ID from the books',
	],
	[
		'a constructor invoice id',
		{ invoiceId: 'constructor' },
		'Invoice ID',
		'Invoice ID "constructor" is a name every JavaScript object reserves: use the invoice\'s real ID from the books',
	],
	[
		'an invoice id longer than a Stripe metadata value',
		{ invoiceId: 'I'.repeat(501) },
		'Invoice ID',
		"An invoice ID of 501 characters is longer than a Stripe metadata value (500), where the payment records its invoices: use the invoice's ID or number from the books",
	],
	[
		'an invoice id with a line break',
		{ invoiceId: 'INV-9\r\nX' },
		'Invoice ID',
		'Invoice ID "INV-9\\r\\nX" holds a control or invisible character (a line break, tab or formatting mark): enter it without them',
	],
	[
		'a currency with whitespace',
		{ currency: 'usd ' },
		'Currency Name or ID',
		'Currency "usd " holds whitespace or a control character: enter the three-letter ISO 4217 code alone, such as USD',
	],
	[
		'a currency with a control character',
		{ currency: 'us\u0000d' },
		'Currency Name or ID',
		'Currency "us\\u0000d" holds whitespace or a control character: enter the three-letter ISO 4217 code alone, such as USD',
	],
	[
		'a receipt email with CR/LF',
		{ receiptEmail: 'pay@acme.example\r\nBcc: all@evil.example' },
		'Receipt Email',
		'Receipt email "pay@acme.example\\r\\nBcc: all@evil.example" holds a line break or control character: enter one address such as name@example.com',
	],
	[
		'a javascript: success URL',
		{ successUrl: 'javascript:alert(document.cookie)' },
		'Success URL',
		'"javascript:alert(document.cookie)" is not a web address (javascript:): enter one that starts with https://',
	],
	[
		'an http success URL',
		{ successUrl: 'http://books.example/paid' },
		'Success URL',
		'"http://books.example/paid" uses http: Stripe sends the customer there, so it must use https (http only for 127.0.0.1, this machine)',
	],
	[
		'a KWD balance Stripe cannot charge exactly',
		{ balance: '12.345', currency: 'kwd' },
		'Invoice Balance',
		'Amount 12.345 KWD cannot be charged or refunded exactly: Stripe takes KWD only in steps of 0.010 and money is never rounded here; use 12.340 or 12.350 and settle the difference in the books',
	],
	[
		'a JPY balance with decimals',
		{ balance: '100.5', currency: 'jpy' },
		'Invoice Balance',
		'Amount "100.5" has more decimals than JPY allows (0)',
	],
	[
		'an amount that is not the balance',
		{ amount: '10.00' },
		'Amount',
		'Amount 10.00 for invoice ${invoiceId} is not its balance 40.00: only full payments are allowed (pay the balance, or allow partial payment)',
	],
];

describe.each(BAD_INPUTS)('Pay Invoice: item 3 has %s', (_, bad, label, message) => {
	const batch = () => {
		const customerId = mappedCustomer();
		const items = [
			invoice(customerId),
			invoice(customerId),
			invoice(customerId),
			invoice(customerId, bad),
		];
		const expected = `Item 3: invalid "${label}": ${message.replace('${invoiceId}', String(items[3].invoiceId))}`;
		return { items, expected };
	};

	test('without Continue On Fail the node fails before any request; nothing is charged', async () => {
		const { items, expected } = batch();
		const requests = stripe.stats.requests;
		const charged = charges();
		const result = await runNode(stripe, NODE, payParams(), items);
		expect(result.error.name).toBe('NodeOperationError');
		expect(result.error.message).toBe(expected);
		expect(stripe.stats.requests).toBe(requests);
		expect(charges()).toBe(charged);
	});

	test('with Continue On Fail items 0-2 are charged and item 3 carries its error', async () => {
		const { items, expected } = batch();
		const result = await runNode(stripe, NODE, payParams(), items, {
			onError: 'continueRegularOutput',
		});
		const output = result.output('Node');
		expect(output.slice(0, 3).map((record) => [record.invoiceId, record.status])).toEqual(
			items.slice(0, 3).map((item) => [item.invoiceId, 'succeeded']),
		);
		expect(output[3].error).toBe(expected);
		for (const item of items.slice(0, 3)) expect(stripe.ledger.chargesFor(item.invoiceId)).toBe(1);
		expect(
			stripe.ledger.allCharges().filter((charge) => charge.invoiceIds.includes(items[3].invoiceId)),
		).toEqual([]);
	});
});

describe('Pay Invoice: what is valid goes through', () => {
	test('12.340 KWD is charged exactly, and 12.340 of a 12.345 balance as a partial payment', async () => {
		const customerId = mappedCustomer();
		const exact = invoice(customerId, { balance: '12.340', currency: 'kwd' });
		const partial = invoice(customerId, { balance: '12.345', amount: '12.340', currency: 'kwd' });
		const params = payParams({ options: { purpose: 'autopay', allowPartialPayment: true } });
		const records = (await runNode(stripe, NODE, params, [exact, partial])).output('Node');
		expect(records.map((record) => [record.status, record.amount.amount])).toEqual([
			['succeeded', '12.340'],
			['succeeded', '12.340'],
		]);
		for (const record of records) {
			expect(
				stripe.ledger.allCharges().find((charge) => charge.paymentIntentId === record.paymentId)
					.amount,
			).toBe(12340);
		}
	});

	test('a pay link may send the customer back to this machine over http', async () => {
		const customerId = mappedCustomer();
		const successUrl = 'http://127.0.0.1:5678/webhook/paid?session={CHECKOUT_SESSION_ID}';
		const [record] = (
			await runNode(stripe, NODE, payParams({ howToPay: 'payLink' }), [
				invoice(customerId, { successUrl }),
			])
		).output('Node');
		expect(record).toMatchObject({ status: 'pending', existingPayment: false });
		const session = await (
			await fetch(`${stripe.url}/v1/checkout/sessions/${record.checkoutSessionId}`, {
				headers: { Authorization: 'Bearer sk_test_engine_4242secret' },
			})
		).json();
		expect(session.success_url).toBe(successUrl);
	});

	test('a receipt email is sent to Stripe as given', async () => {
		const customerId = mappedCustomer();
		const [record] = (
			await runNode(stripe, NODE, payParams(), [
				invoice(customerId, { receiptEmail: 'accounts@acme.example' }),
			])
		).output('Node');
		const intent = await (
			await fetch(`${stripe.url}/v1/payment_intents/${record.paymentId}`, {
				headers: { Authorization: 'Bearer sk_test_engine_4242secret' },
			})
		).json();
		expect(intent.receipt_email).toBe('accounts@acme.example');
	});
});

describe('Pay Invoices Together: one bad item stops the payment before any request', () => {
	const togetherParams = (extra = {}) =>
		payParams({ operation: 'payInvoicesTogether', amount: undefined, ...extra });

	test.each([
		[
			'a KWD balance Stripe cannot charge exactly',
			'kwd',
			{ balance: '12.345' },
			'Invoice Balance',
			/^Amount 12\.345 KWD cannot be charged or refunded exactly: /,
		],
		[
			'a __proto__ invoice id',
			'usd',
			{ invoiceId: '__proto__' },
			'Invoice ID',
			/^Invoice ID "__proto__" is a name every JavaScript object reserves/,
		],
		[
			'a currency with a control character',
			'usd',
			{ currency: 'usd\n' },
			'Currency Name or ID',
			/^Currency "usd\\n" holds whitespace or a control character/,
		],
	])('item 3 has %s', async (_, currency, bad, label, message) => {
		const customerId = mappedCustomer();
		const items = [0, 1, 2].map(() => invoice(customerId, { currency, balance: '40.000' }));
		items.push(invoice(customerId, { currency, balance: '40.000', ...bad }));
		const requests = stripe.stats.requests;
		const charged = charges();

		const failed = await runNode(stripe, NODE, togetherParams(), items);
		expect(failed.error.name).toBe('NodeOperationError');
		expect(failed.error.message.startsWith(`Item 3: invalid "${label}": `)).toBe(true);
		expect(failed.error.message.slice(`Item 3: invalid "${label}": `.length)).toMatch(message);
		expect(stripe.stats.requests).toBe(requests);

		// With Continue On Fail the payment covers all four invoices: each carries the error.
		const continued = await runNode(stripe, NODE, togetherParams(), items, {
			onError: 'continueRegularOutput',
		});
		expect(continued.output('Node').map((item) => item.error)).toEqual(
			items.map(() => failed.error.message),
		);
		expect(stripe.stats.requests).toBe(requests);
		expect(charges()).toBe(charged);
	});

	test('a bad success URL of the payment names item 0, before any request', async () => {
		const customerId = mappedCustomer();
		const items = [0, 1, 2, 3].map(() => invoice(customerId));
		items[0].successUrl = 'javascript:void(0)';
		const requests = stripe.stats.requests;
		const result = await runNode(stripe, NODE, togetherParams({ howToPay: 'payLink' }), items);
		expect(result.error.message).toBe(
			'Item 0: invalid "Success URL": "javascript:void(0)" is not a web address (javascript:): enter one that starts with https://',
		);
		expect(stripe.stats.requests).toBe(requests);
	});

	test('a refusal after the reads goes to the error output, every invoice named', async () => {
		const customerId = mappedCustomer();
		const items = [invoice(customerId), invoice(customerId)];
		// The first invoice already has an open pay link: the combined payment is refused.
		const [link] = (
			await runNode(stripe, NODE, payParams({ howToPay: 'payLink' }), [items[0]])
		).output('Node');
		expect(link.status).toBe('pending');
		const result = await runNode(stripe, NODE, togetherParams(), items, {
			onError: 'continueErrorOutput',
		});
		const errors = result.output('Node', 1);
		expect(errors).toHaveLength(2);
		for (const item of errors) {
			expect(item.error).toMatch(/^Item 0: Invoice IN-\d+ has an open pay link/);
		}
		expect(result.output('Node', 0)).toEqual([]);
		expect(stripe.ledger.chargesFor(items[1].invoiceId)).toBe(0);
	});
});

describe('Refund: every item is checked before the first refund', () => {
	const refundParams = {
		resource: 'payment',
		operation: 'refund',
		paymentId: '={{ $json.paymentId }}',
		amount: '={{ $json.amount }}',
		reason: 'requested_by_customer',
	};

	async function paidPayments(count, balance = '40.00', currency = 'usd') {
		const customerId = mappedCustomer();
		const items = Array.from({ length: count }, () => invoice(customerId, { balance, currency }));
		const records = (await runNode(stripe, NODE, payParams(), items)).output('Node');
		return records.map((record) => record.paymentId);
	}

	test.each([
		[
			'an amount that is not a number',
			'USD',
			'all',
			'Amount "all" is not a decimal number such as "125.00"',
		],
		[
			'a KWD amount Stripe cannot refund exactly',
			'KWD',
			'1.005',
			'Amount 1.005 KWD cannot be charged or refunded exactly: Stripe takes KWD only in steps of 0.010 and money is never rounded here; use 1.000 or 1.010 and settle the difference in the books',
		],
	])('item 3 has %s', async (_, currency, badAmount, message) => {
		const balance = currency === 'KWD' ? '40.000' : '40.00';
		const paymentIds = await paidPayments(4, balance, currency.toLowerCase());
		const items = paymentIds.map((paymentId, index) => ({
			paymentId,
			amount: index === 3 ? badAmount : '5',
		}));
		const refunds = () => stripe.stats.byRoute['POST /v1/refunds'] ?? 0;
		const before = refunds();

		const failed = await runNode(stripe, NODE, refundParams, items);
		expect(failed.error.message).toBe(`Item 3: invalid "Amount": ${message}`);
		expect(refunds()).toBe(before);

		const continued = (
			await runNode(stripe, NODE, refundParams, items, { onError: 'continueRegularOutput' })
		).output('Node');
		expect(continued.slice(0, 3).map((refund) => [refund.paymentId, refund.status])).toEqual(
			paymentIds.slice(0, 3).map((paymentId) => [paymentId, 'succeeded']),
		);
		expect(continued[3].error).toBe(`Item 3: invalid "Amount": ${message}`);
		expect(refunds()).toBe(before + 3);
	});
});

describe('Links: URLs are checked before the first request', () => {
	test.each([
		[
			'Create Add-Method Link',
			{
				resource: 'paymentMethod',
				operation: 'createAddLink',
				policy: 'show',
				successUrl: '={{ $json.url }}',
			},
			'Success URL',
		],
		[
			'Customer Portal link',
			{ resource: 'portal', operation: 'createLink', returnUrl: '={{ $json.url }}' },
			'Return URL',
		],
	])('%s: item 3 with a javascript: URL sends nothing', async (_, params, label) => {
		const customerId = mappedCustomer();
		const items = [0, 1, 2, 3].map((index) => ({
			url: index === 3 ? 'javascript:alert(1)' : 'https://portal.example/back',
		}));
		const requests = stripe.stats.requests;
		const result = await runNode(
			stripe,
			NODE,
			{ ...params, customer: { __rl: true, mode: 'mapping', value: customerId } },
			items,
		);
		expect(result.error.message).toBe(
			`Item 3: invalid "${label}": "javascript:alert(1)" is not a web address (javascript:): enter one that starts with https://`,
		);
		expect(stripe.stats.requests).toBe(requests);
	});
});

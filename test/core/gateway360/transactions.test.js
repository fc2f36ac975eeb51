// @ts-check
import { CoreInputError } from '../../../nodes/core/errors';
import {
	cardLabel,
	gatewayDateToIso,
	listTransactions,
	readTransactions,
	summarizeTransaction,
	toGatewayDate,
	transactionRecord,
	transactionView,
} from '../../../nodes/core/gateway360/transactions';
import { Gateway360Transport } from '../../../nodes/core/gateway360/transport';
import { parseXml } from '../../../nodes/core/gateway360/xml';

function action(actionType, amount, success = true, extra = {}) {
	return {
		actionType,
		amount,
		date: '20261101120000',
		success,
		responseCode: success ? '100' : '200',
		responseText: success ? 'SUCCESS' : 'DECLINE',
		processorResponseCode: null,
		...extra,
	};
}

/** @returns {import('../../../nodes/core/gateway360/transactions').GatewayTransaction} */
function tx(condition, actions, extra = {}) {
	return {
		transactionId: '7000000001',
		orderId: 'INV-1',
		condition,
		currency: 'usd',
		email: null,
		orderDescription: null,
		authorizationCode: null,
		cardNumber: '4xxxxxxxxxxx1111',
		cardType: 'visa',
		surcharge: null,
		customerId: null,
		invoiceNumber: null,
		chargeKey: null,
		originalTransactionId: null,
		reversalTransactionIds: [],
		actions,
		...extra,
	};
}

describe('summarizeTransaction: the gateway in our vocabulary', () => {
	test.each([
		[
			'approved sale, unsettled',
			tx('pendingsettlement', [action('sale', '10.00')]),
			{ kind: 'payment', status: 'succeeded', holdsMoney: true, voidable: true, refundable: false },
		],
		[
			'approved sale, settled',
			tx('complete', [action('sale', '10.00'), action('settle', '10.00')]),
			{ status: 'succeeded', holdsMoney: true, voidable: false, refundable: true },
		],
		[
			'declined sale',
			tx('failed', [action('sale', '10.00', false)]),
			{ status: 'failed', holdsMoney: false, voidable: false, refundable: false },
		],
		[
			'voided sale',
			tx('canceled', [action('sale', '10.00'), action('void', '10.00')]),
			{ status: 'canceled', holdsMoney: false, voidable: false },
		],
		[
			'pending (eCheck)',
			tx('pending', [action('sale', '10.00')]),
			{ status: 'processing', holdsMoney: true },
		],
		['in progress', tx('in_progress', [action('sale', '10.00')]), { status: 'processing' }],
		[
			'abandoned',
			tx('abandoned', [action('sale', '10.00')]),
			{ status: 'canceled', holdsMoney: false },
		],
		[
			'unknown condition',
			tx('unknown', [action('sale', '10.00')]),
			{ status: 'pending', holdsMoney: false },
		],
		[
			'auth not captured',
			tx('pendingsettlement', [action('auth', '10.00')]),
			{ status: 'processing', holdsMoney: true, chargedMinor: 1000 },
		],
		// NMI's condition of an auth awaiting capture: a hold, which a void releases
		[
			'auth awaiting capture (pending)',
			tx('pending', [action('auth', '10.00')]),
			{ status: 'processing', holdsMoney: true, voidable: true, refundable: false },
		],
		[
			'auth voided before capture',
			tx('canceled', [action('auth', '10.00'), action('void', '10.00')]),
			{ status: 'canceled', holdsMoney: false, voidable: false },
		],
		[
			'auth captured, unsettled',
			tx('pendingsettlement', [action('auth', '10.00'), action('capture', '10.00')]),
			{ status: 'succeeded', holdsMoney: true, voidable: true },
		],
		[
			'sale pending (eCheck) is not voided as a hold',
			tx('pending', [action('sale', '10.00')]),
			{ voidable: false },
		],
		[
			'auth captured in part',
			tx('pendingsettlement', [action('auth', '10.00'), action('capture', '6.00')]),
			{ status: 'succeeded', chargedMinor: 600 },
		],
		[
			'fully refunded',
			tx('complete', [action('sale', '10.00'), action('refund', '10.00')]),
			{ status: 'refunded', refundedMinor: 1000, holdsMoney: false, refundable: false },
		],
		[
			'partly refunded',
			tx('complete', [
				action('sale', '10.00'),
				action('refund', '4.00'),
				action('refund', '1.00', false),
			]),
			{ refundedMinor: 400, holdsMoney: true, refundable: true },
		],
		[
			'refund transaction',
			tx('pendingsettlement', [action('refund', '4.00')]),
			{ kind: 'refund', status: 'canceled', chargedMinor: 400, holdsMoney: false },
		],
		[
			'validate',
			tx('complete', [action('validate', '0.00')]),
			{ kind: 'other', status: 'succeeded', holdsMoney: false },
		],
	])('%s', (_, transaction, expected) => {
		expect(summarizeTransaction(transaction)).toMatchObject(expected);
	});

	test('a decline carries the gateway reason', () => {
		const summary = summarizeTransaction(
			tx('failed', [
				action('sale', '10.00', false, {
					responseCode: '202',
					responseText: 'Insufficient funds',
					processorResponseCode: '51',
				}),
			]),
		);
		expect(summary.failure).toEqual({
			code: '202',
			declineCode: '51',
			message: 'Insufficient funds',
		});
	});

	test('the surcharge is the fee line of the record', () => {
		const record = transactionRecord(
			tx('complete', [action('sale', '102.90')], { surcharge: '2.90' }),
		);
		expect(record).toMatchObject({
			provider: 'gateway360',
			invoiceId: 'INV-1',
			paymentId: '7000000001',
			status: 'succeeded',
			amount: { amount: '100.00', minor: 10000 },
			fee: { amount: '2.90', minor: 290 },
			total: { amount: '102.90', minor: 10290, display: '$102.90' },
			paymentMethod: { id: null, label: 'Visa •••• 1111' },
			failure: null,
		});
	});

	test('a refund is in the record: in part the payment still succeeded, in full it is refunded', () => {
		const part = transactionRecord(
			tx('complete', [action('sale', '102.90'), action('refund', '30.00')], { surcharge: '2.90' }),
		);
		expect(part).toMatchObject({
			status: 'succeeded',
			total: { amount: '102.90' },
			refund: { amountRefunded: { amount: '30.00' }, amountKept: { amount: '72.90' } },
		});
		const full = transactionRecord(
			tx('complete', [action('sale', '10.00'), action('refund', '4.00'), action('refund', '6.00')]),
		);
		expect(full).toMatchObject({
			status: 'refunded',
			refund: { amountRefunded: { amount: '10.00' }, amountKept: { amount: '0.00' } },
		});
		expect(transactionRecord(tx('complete', [action('sale', '10.00')])).refund).toBeNull();
	});

	test('the view adds condition, refunds and actions', () => {
		const view = transactionView(
			tx('complete', [action('sale', '10.00'), action('refund', '4.00')]),
		);
		expect(view.transaction).toMatchObject({
			condition: 'complete',
			refunded: { amount: '4.00' },
			leftToRefund: { amount: '6.00' },
			refundable: true,
			voidable: false,
			occurredAt: '2026-11-01T12:00:00Z',
		});
		expect(view.transaction.actions.map((a) => a.type)).toEqual(['sale', 'refund']);
	});
});

test.each([
	['4xxxxxxxxxxx1111', 'visa', 'Visa •••• 1111'],
	['5xxxxxxxxxxx4444', 'mastercard', 'Mastercard •••• 4444'],
	[null, 'amex', 'American Express'],
	['3xxxxxxxxxx0005', null, 'Card •••• 0005'],
])('cardLabel(%p, %p) is %p', (number, type, label) => {
	expect(cardLabel(number, type)).toEqual({ id: null, label });
});

test('cardLabel is null without card details', () => {
	expect(cardLabel(null, null)).toBeNull();
});

describe('dates', () => {
	test.each([
		['20261101120000', '2026-11-01T12:00:00Z'],
		['20261301120000', null],
		['20260230120000', null],
		['2026110112000', null],
		[null, null],
	])('gatewayDateToIso(%p) is %p', (value, iso) => {
		expect(gatewayDateToIso(value)).toBe(iso);
	});

	test.each([
		['2026-11-01T00:00:00', 'America/Chicago', '20261101050000'],
		['2026-11-01T00:00:00Z', 'America/Chicago', '20261101000000'],
		['2026-11-01', 'Europe/Berlin', '20261031230000'],
	])('toGatewayDate(%p in %s) is %s UTC', (value, zone, expected) => {
		expect(toGatewayDate(value, zone, 'startDate')).toBe(expected);
	});

	test.each([[''], ['yesterday'], [undefined]])('toGatewayDate refuses %p by field', (value) => {
		expect(() => toGatewayDate(value, 'UTC', 'startDate')).toThrow(CoreInputError);
	});
});

describe('readTransactions', () => {
	test("a transaction without an id is not the gateway's answer", () => {
		expect(() =>
			readTransactions(
				parseXml('<nm_response><transaction><order_id>1</order_id></transaction></nm_response>'),
			),
		).toThrow(/no <transaction_id>/);
	});

	test('the currency defaults to the one given', () => {
		const [transaction] = readTransactions(
			parseXml(
				'<nm_response><transaction><transaction_id>1</transaction_id></transaction></nm_response>',
			),
			'eur',
		);
		expect(transaction).toMatchObject({ currency: 'eur', condition: 'unknown', actions: [] });
	});

	test('our sales carry the customer, the invoice number and (on a hold) the request key as merchant-defined fields 1, 2, 3', () => {
		const xml = (fields) =>
			`<nm_response><transaction><transaction_id>1</transaction_id><order_id>inv-1</order_id>${fields}</transaction></nm_response>`;
		const [ours] = readTransactions(
			parseXml(
				xml(
					'<merchant_defined_field id="2">INV-1</merchant_defined_field><merchant_defined_field id="1"> cust-1 </merchant_defined_field><merchant_defined_field id="3">other</merchant_defined_field>',
				),
			),
		);
		expect(ours).toMatchObject({
			orderId: 'inv-1',
			customerId: 'cust-1',
			invoiceNumber: 'INV-1',
			chargeKey: 'other',
		});
		expect(transactionRecord(ours).customer).toEqual({ booksId: 'cust-1', providerId: null });
		const [elsewhere] = readTransactions(
			parseXml(xml('<merchant_defined_field id="1"></merchant_defined_field>')),
		);
		expect(elsewhere).toMatchObject({ customerId: null, invoiceNumber: null, chargeKey: null });
		expect(() =>
			readTransactions(
				parseXml(
					xml(
						'<merchant_defined_field id="1">a</merchant_defined_field><merchant_defined_field id="1">b</merchant_defined_field>',
					),
				),
			),
		).toThrow("A transaction in the gateway's answer has merchant-defined field 1 twice");
	});
});

describe('listTransactions paging', () => {
	const page = (from, count) =>
		`<nm_response>${Array.from({ length: count }, (_, i) => `<transaction><transaction_id>${from + i}</transaction_id></transaction>`).join('')}</nm_response>`;

	function pagedHttp(pages) {
		const bodies = [];
		const http = async (request) => {
			bodies.push(request.body);
			const number = Number(new URLSearchParams(request.body).get('page_number'));
			return { statusCode: 200, body: pages[number] ?? page(0, 0) };
		};
		return { http, bodies };
	}
	const transport = (http) =>
		new Gateway360Transport({ http, baseUrl: 'https://gw.test', sleep: async () => {} });

	test('reads pages of 100 until a short page', async () => {
		const { http, bodies } = pagedHttp([page(1, 100), page(101, 100), page(201, 7)]);
		const found = await listTransactions(transport(http), { orderId: 'INV-1' });
		expect(found).toHaveLength(207);
		expect(bodies).toEqual(
			[0, 1, 2].map((n) => `order_id=INV-1&result_limit=100&page_number=${n}`),
		);
	});

	test('stops at the limit', async () => {
		const { http, bodies } = pagedHttp([page(1, 100), page(101, 100), page(201, 100)]);
		const found = await listTransactions(transport(http), {}, { limit: 150 });
		expect(found.map((t) => t.transactionId).slice(-1)).toEqual(['150']);
		expect(bodies).toHaveLength(2);
	});

	test('a gateway that ignores paging is detected, not looped on', async () => {
		const { http } = pagedHttp([page(1, 100), page(1, 100)]);
		await expect(listTransactions(transport(http), {})).rejects.toThrow(
			/repeated transaction 1 on query page 1/,
		);
	});
});

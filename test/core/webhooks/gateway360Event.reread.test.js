// @ts-check
// 360 Payments events told by the gateway's transaction as it is now ("Re-read payment").
import { CoreInputError } from '../../../nodes/core/errors';
import { Gateway360Transport } from '../../../nodes/core/gateway360/transport';
import {
	currentGatewayTransaction,
	gateway360EventTransactionId,
	normaliseGateway360Event,
} from '../../../nodes/core/webhooks/gateway360Event';

function action(actionType, amount, success = true) {
	return {
		actionType,
		amount,
		date: '20261101120000',
		success,
		responseCode: success ? '100' : '200',
		responseText: success ? 'SUCCESS' : 'DECLINE',
		processorResponseCode: success ? null : '05',
	};
}

const tx = (condition, actions, extra = {}) => ({
	transactionId: '7000000001',
	orderId: 'WEB-1',
	condition,
	currency: 'usd',
	email: null,
	orderDescription: null,
	authorizationCode: null,
	cardNumber: '4xxxxxxxxxxx1111',
	cardType: 'visa',
	surcharge: null,
	customerId: 'cust-1',
	invoiceNumber: 'WEB-1',
	chargeKey: null,
	originalTransactionId: null,
	reversalTransactionIds: [],
	actions,
	...extra,
});

/** The event the gateway sends; its body may claim anything: the transaction decides. */
const event = (type, body = {}) => ({
	event_id: `ev-${type}`,
	event_type: type,
	event_body: {
		transaction_id: '7000000001',
		order_id: 'WEB-CLAIMED',
		action: { amount: '999.00', date: '20261101121500' },
		...body,
	},
});

const sale = tx('complete', [action('sale', '125.00'), action('settle', '125.00')]);

describe('which events are read back', () => {
	test.each([
		['transaction.sale.success', '7000000001'],
		['transaction.refund.success', '7000000001'],
		['transaction.void.success', '7000000001'],
		['transaction.sale.failure', '7000000001'],
		['transaction.auth.success', '7000000001'],
		// ignored whatever the gateway says: nothing to read
		['transaction.sale.unknown', null],
		['transaction.refund.failure', null],
		['transaction.void.failure', null],
		['transaction.validate.success', null],
		['customer.created', null],
	])('%s -> %s', (type, expected) => {
		expect(gateway360EventTransactionId(event(type))).toBe(expected);
	});

	test('an event naming no transaction reads nothing', () => {
		expect(
			gateway360EventTransactionId(event('transaction.sale.success', { transaction_id: '  ' })),
		).toBeNull();
	});
});

describe('normaliseGateway360Event with the current transaction', () => {
	const told = (type, transaction, body) =>
		normaliseGateway360Event(event(type, body), { currentTransaction: transaction });

	test("a sale: the invoice, amount and customer are the gateway's, not the body's", () => {
		const result = told('transaction.sale.success', sale);
		expect(result.stateKey).toBe('gateway360:7000000001:succeeded:');
		expect(result.events).toEqual([
			expect.objectContaining({
				provider: 'gateway360',
				kind: 'payment',
				status: 'succeeded',
				statusFamily: 'succeeded',
				invoiceId: 'WEB-1',
				invoiceIds: ['WEB-1'],
				paymentId: '7000000001',
				total: expect.objectContaining({ amount: '125.00' }),
				paymentAmount: expect.objectContaining({ amount: '125.00' }),
				customer: { booksId: 'cust-1', providerId: null },
				paymentMethod: { id: null, label: 'Visa •••• 1111' },
				refund: null,
				eventId: 'ev-transaction.sale.success',
				occurredAt: '2026-11-01T12:15:00.000Z',
				livemode: true,
			}),
		]);
	});

	test('a late sale event of a payment since refunded in part reports the refund, not a payment', () => {
		const refunded = tx('complete', [
			action('sale', '125.00'),
			action('refund', '25.00'),
			action('refund', '50.00'),
		]);
		const [record] = told('transaction.sale.success', refunded).events;
		expect(record).toMatchObject({
			kind: 'refund',
			status: 'succeeded',
			statusFamily: 'refunded',
			refund: { amountRefunded: { amount: '75.00' }, amountKept: { amount: '50.00' } },
		});
	});

	test('refund events report the total refunded; each new total is a new state, the same total told again is not', () => {
		const once = tx('complete', [action('sale', '125.00'), action('refund', '25.00')]);
		const twice = tx('complete', [
			action('sale', '125.00'),
			action('refund', '25.00'),
			action('refund', '100.00'),
		]);
		const first = told('transaction.refund.success', once);
		const second = told('transaction.refund.success', twice);
		expect(first.stateKey).toBe('gateway360:7000000001:refund:2500');
		expect(second.stateKey).toBe('gateway360:7000000001:refund:12500');
		expect(first.events[0]).toMatchObject({
			status: 'succeeded',
			refund: { amountRefunded: { amount: '25.00' }, amountKept: { amount: '100.00' } },
		});
		expect(second.events[0]).toMatchObject({
			status: 'refunded',
			statusFamily: 'refunded',
			refund: { amountRefunded: { amount: '125.00' }, amountKept: { amount: '0.00' } },
		});
		// the first refund's event replayed after the second: the present, the same state as the second
		expect(
			told('transaction.refund.success', twice, { action: { amount: '25.00' } }).stateKey,
		).toBe(second.stateKey);
	});

	test('a refund event whose transaction shows nothing refunded still says so on Refunded', () => {
		const [record] = told('transaction.refund.success', sale).events;
		expect(record).toMatchObject({
			kind: 'refund',
			statusFamily: 'refunded',
			status: 'succeeded',
			refund: { amountRefunded: { amount: '0.00' }, amountKept: { amount: '125.00' } },
		});
	});

	test("a declined sale is failed, with the gateway's codes", () => {
		const declined = tx('failed', [action('sale', '125.00', false)]);
		const [record] = told('transaction.sale.failure', declined).events;
		expect(record).toMatchObject({
			status: 'failed',
			statusFamily: 'failed',
			failure: { code: '200', declineCode: '05', message: 'DECLINE' },
		});
	});

	test('a replayed auth event of a hold since captured reports the capture', () => {
		const captured = tx('pendingsettlement', [
			action('auth', '125.00'),
			action('capture', '125.00'),
		]);
		const result = told('transaction.auth.success', captured);
		expect(result.events[0]).toMatchObject({ status: 'succeeded', statusFamily: 'succeeded' });
		expect(result.stateKey).toBe('gateway360:7000000001:succeeded:');
	});

	test('a void is canceled', () => {
		const voided = tx('canceled', [action('sale', '125.00'), action('void', '125.00')]);
		expect(told('transaction.void.success', voided).events[0]).toMatchObject({
			status: 'canceled',
			statusFamily: 'canceled',
		});
	});

	test.each([
		[
			'a sale without an order ID',
			tx('complete', [action('sale', '5.00')], { orderId: null }),
			'no_invoice',
		],
		[
			'a credit (a refund transaction of its own)',
			tx('complete', [action('refund', '5.00')]),
			'no_invoice',
		],
		['a card check', tx('complete', [action('validate', '0.00')]), 'no_invoice'],
		[
			'a condition the gateway calls unknown',
			tx('unknown', [action('sale', '5.00')]),
			'payment_pending',
		],
	])('%s: ignored (%s)', (_, transaction, reason) => {
		expect(told('transaction.sale.success', transaction)).toEqual({
			events: [],
			ignored: reason,
			stateKey: null,
		});
	});

	test('the event type still decides what is ignored outright', () => {
		expect(told('transaction.sale.unknown', sale).ignored).toBe('unknown_outcome');
		expect(told('transaction.refund.failure', sale).ignored).toBe('reversal_failed');
	});

	test("a transaction other than the event's is refused", () => {
		expect(() =>
			told('transaction.sale.success', { ...sale, transactionId: '7000000002' }),
		).toThrow(CoreInputError);
	});

	test("livemode is the shell's to say", () => {
		const result = normaliseGateway360Event(event('transaction.sale.success'), {
			currentTransaction: sale,
			livemode: false,
		});
		expect(result.events[0].livemode).toBe(false);
	});
});

describe('currentGatewayTransaction', () => {
	const xml = `<nm_response><transaction><transaction_id>7000000001</transaction_id><order_id>WEB-1</order_id><condition>complete</condition><action><action_type>sale</action_type><amount>125.00</amount><success>1</success></action></transaction></nm_response>`;
	const transport = (http) =>
		new Gateway360Transport({ http, baseUrl: 'https://gw.test', sleep: async () => {} });

	test('the transaction the gateway has', async () => {
		const found = await currentGatewayTransaction(
			transport(async () => ({ statusCode: 200, body: xml })),
			'7000000001',
		);
		expect(found).toMatchObject({ transactionId: '7000000001', orderId: 'WEB-1' });
	});

	test('none such, or an id that cannot be one: null (acknowledged, ignored)', async () => {
		const empty = transport(async () => ({ statusCode: 200, body: '<nm_response></nm_response>' }));
		expect(await currentGatewayTransaction(empty, '7000000009')).toBeNull();
		expect(await currentGatewayTransaction(empty, 'not an id!')).toBeNull();
	});

	test('a gateway that fails is thrown: the shell answers 500 and the gateway retries', async () => {
		const failing = transport(async () => ({ statusCode: 503, body: 'down' }));
		await expect(currentGatewayTransaction(failing, '7000000001')).rejects.toThrow();
		const refused = transport(async () => {
			throw Object.assign(new Error('connection failed'), { code: 'ECONNREFUSED' });
		});
		await expect(currentGatewayTransaction(refused, '7000000001')).rejects.toThrow();
	});
});

// @ts-check
// Refunds and chargebacks in both shapes NMI's Query API reports them
// (https://docs.nmi.com/reference/query-1): an action on the sale, or a transaction of its own
// with a negative amount naming the sale in original_transaction_id.
import {
	foldReversals,
	getTransaction,
	listTransactions,
	readTransactions,
	summarizeTransaction,
	transactionRecord,
} from '../../../nodes/core/gateway360/transactions';
import { Gateway360Transport } from '../../../nodes/core/gateway360/transport';
import { parseXml } from '../../../nodes/core/gateway360/xml';

const actionXml = (type, amount, date = '20261101120000') =>
	`<action><amount>${amount}</amount><action_type>${type}</action_type><date>${date}</date><success>1</success><response_code>100</response_code><response_text>SUCCESS</response_text></action>`;

const transactionXml = ({ id, order = 'inv-1', condition = 'complete', original = '', actions }) =>
	`<transaction><transaction_id>${id}</transaction_id><condition>${condition}</condition><order_id>${order}</order_id><currency>USD</currency>${original ? `<original_transaction_id>${original}</original_transaction_id>` : ''}${actions.join('')}</transaction>`;

const answer = (...transactions) => `<nm_response>${transactions.join('')}</nm_response>`;
const read = (xml) => readTransactions(parseXml(xml));

const SALE = transactionXml({
	id: '100',
	actions: [actionXml('sale', '50.00'), actionXml('settle', '50.00', '20261101230000')],
});
const SALE_REFUND_APPENDED = transactionXml({
	id: '100',
	actions: [
		actionXml('sale', '50.00'),
		actionXml('settle', '50.00', '20261101230000'),
		actionXml('refund', '20.00', '20261105090000'),
	],
});
const REFUND_OF_ITS_OWN = transactionXml({
	id: '101',
	original: '100',
	condition: 'pendingsettlement',
	actions: [actionXml('refund', '-20.00', '20261105090000')],
});

describe('a refund reported as a transaction of its own, with a negative amount', () => {
	test('reads as a refund of 20.00, not an error', () => {
		const [refund] = read(answer(REFUND_OF_ITS_OWN));
		expect(refund.originalTransactionId).toBe('100');
		expect(summarizeTransaction(refund)).toMatchObject({
			kind: 'refund',
			status: 'canceled',
			chargedMinor: 2000,
		});
	});

	test('counts against its sale: the sale is refunded in part, then in full', () => {
		const [sale, refund] = foldReversals(read(answer(SALE, REFUND_OF_ITS_OWN)));
		expect(sale.reversalTransactionIds).toEqual(['101']);
		expect(refund.transactionId).toBe('101');
		expect(transactionRecord(sale)).toMatchObject({
			paymentId: '100',
			status: 'succeeded',
			refund: {
				amountRefunded: { amount: '20.00', currency: 'usd' },
				amountKept: { amount: '30.00', currency: 'usd' },
			},
		});
		const rest = transactionXml({
			id: '102',
			original: '100',
			actions: [actionXml('refund', '-30.00', '20261106090000')],
		});
		const [whole] = foldReversals(read(answer(SALE, REFUND_OF_ITS_OWN, rest)));
		expect(summarizeTransaction(whole)).toMatchObject({ status: 'refunded', holdsMoney: false });
	});

	test('without original_transaction_id, the only approved payment of its order is the one', () => {
		const orphan = REFUND_OF_ITS_OWN.replace(
			'<original_transaction_id>100</original_transaction_id>',
			'',
		);
		const [sale] = foldReversals(read(answer(SALE, orphan)));
		expect(summarizeTransaction(sale).refundedMinor).toBe(2000);
		// two payments in the order: which one it reverses is not guessed
		const other = SALE.replace('<transaction_id>100<', '<transaction_id>99<');
		const [first, second] = foldReversals(read(answer(other, SALE, orphan)));
		expect(summarizeTransaction(first).refundedMinor).toBe(0);
		expect(summarizeTransaction(second).refundedMinor).toBe(0);
	});

	test('told both ways (an action on the sale and a transaction of its own), it counts once', () => {
		const [sale] = foldReversals(read(answer(SALE_REFUND_APPENDED, REFUND_OF_ITS_OWN)));
		expect(summarizeTransaction(sale).refundedMinor).toBe(2000);
		expect(sale.reversalTransactionIds).toEqual(['101']);
	});
});

describe('chargebacks', () => {
	test('a chargeback on the sale is money back, flagged as a chargeback', () => {
		const [sale] = read(
			answer(
				transactionXml({
					id: '100',
					actions: [actionXml('sale', '50.00'), actionXml('chargeback', '50.00', '20261120100000')],
				}),
			),
		);
		const record = transactionRecord(sale);
		expect(record).toMatchObject({
			status: 'refunded',
			refund: { amountRefunded: { amount: '50.00' }, amountKept: { amount: '0.00' } },
			chargeback: { amount: { amount: '50.00', currency: 'usd' }, at: '2026-11-20T10:00:00Z' },
		});
		expect(transactionRecord(read(answer(SALE))[0])).not.toHaveProperty('chargeback');
	});

	test('a return reported on its own folds into its sale like a refund', () => {
		const returned = transactionXml({
			id: '103',
			original: '100',
			actions: [actionXml('return', '-50.00', '20261120100000')],
		});
		const [sale] = foldReversals(read(answer(SALE, returned)));
		expect(transactionRecord(sale)).toMatchObject({
			status: 'refunded',
			chargeback: { amount: { amount: '50.00' } },
		});
	});
});

test('livemode is what the caller knows of test mode, true when unknown', () => {
	const [sale] = read(answer(SALE));
	expect(transactionRecord(sale).livemode).toBe(true);
	expect(transactionRecord(sale, { livemode: false }).livemode).toBe(false);
});

describe('reading through the transport', () => {
	/** A gateway answering by the query's filters from a fixed set of transactions. */
	function gateway(byId, byOrder) {
		const bodies = [];
		const http = async (request) => {
			const fields = new URLSearchParams(request.body);
			bodies.push(request.body);
			const id = fields.get('transaction_id');
			return { statusCode: 200, body: answer(...(id ? [byId[id]] : byOrder)) };
		};
		return {
			bodies,
			transport: new Gateway360Transport({
				http,
				baseUrl: 'https://gw.test',
				sleep: async () => {},
			}),
		};
	}

	test('Get of a sale refunded by a transaction of its own reads it refunded (one more query, by order)', async () => {
		const { transport, bodies } = gateway({ 100: SALE }, [SALE, REFUND_OF_ITS_OWN]);
		const sale = await getTransaction(transport, '100');
		expect(summarizeTransaction(sale).refundedMinor).toBe(2000);
		expect(bodies).toEqual([
			'transaction_id=100&result_limit=100&page_number=0',
			'order_id=inv-1&result_limit=100&page_number=0',
		]);
	});

	test('a list folds what it read', async () => {
		const { transport } = gateway({}, [SALE, REFUND_OF_ITS_OWN]);
		const [sale] = await listTransactions(transport, { orderId: 'inv-1' });
		expect(transactionRecord(sale).refund?.amountRefunded.amount).toBe('20.00');
	});
});

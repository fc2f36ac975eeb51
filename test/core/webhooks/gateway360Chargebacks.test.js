// @ts-check
/**
 * NMI's chargeback.batch.complete (https://docs.nmi.dev/reference/chargeback-events) read and
 * told as Disputed items, without n8n and without a gateway: the transactions are given.
 */
import { CoreInputError } from '../../../nodes/core/errors';
import {
	gateway360Chargebacks,
	normaliseGateway360Chargebacks,
	normaliseGateway360Event,
} from '../../../nodes/core/webhooks/gateway360Event';

const batch = (chargebacks, extra = {}) => ({
	event_id: 'evt-cb-1',
	event_type: 'chargeback.batch.complete',
	event_body: {
		merchant: { id: '1', name: 'M' },
		processor: { id: 'p', name: 'P', type: 'cc' },
		count: chargebacks.length,
		chargeback_amount: '0.00',
		chargebacks,
		...extra,
	},
});

/** A settled sale of `orderId`, charged back `chargedBack` (decimal). */
const sale = (transactionId, orderId, amount, chargedBack) => ({
	transactionId,
	orderId,
	condition: 'complete',
	currency: 'usd',
	email: null,
	orderDescription: null,
	authorizationCode: '123456',
	cardNumber: '4xxxxxxxxxxx1111',
	cardType: 'visa',
	surcharge: null,
	customerId: 'cust-1',
	invoiceNumber: null,
	chargeKey: null,
	originalTransactionId: null,
	reversalTransactionIds: [],
	actions: [
		{
			actionType: 'sale',
			amount,
			date: '20260301120000',
			success: true,
			responseCode: '100',
			responseText: 'SUCCESS',
			processorResponseCode: '00',
		},
		...(chargedBack
			? [
					{
						actionType: 'chargeback',
						amount: chargedBack,
						date: '20260329000000',
						success: true,
						responseCode: '100',
						responseText: 'Chargeback',
						processorResponseCode: null,
					},
				]
			: []),
	],
});

test('reads each chargeback: transaction, M/D/YYYY date, amount, reason', () => {
	expect(
		gateway360Chargebacks(
			batch([
				{ id: '111', date: '3/29/2020', amount: '11.11', reason: '101: Introductory chargeback' },
				{ id: '112', date: '13/40/2020', amount: '1.00' },
			]),
		),
	).toEqual([
		{
			transactionId: '111',
			date: '2020-03-29T00:00:00.000Z',
			amount: '11.11',
			reason: '101: Introductory chargeback',
		},
		{ transactionId: '112', date: null, amount: '1.00', reason: null },
	]);
});

test.each([
	['no list', { chargebacks: undefined }, 'event_body.chargebacks'],
	[
		'an entry without a transaction',
		{ chargebacks: [{ amount: '1.00' }] },
		'event_body.chargebacks[0]',
	],
	['an entry without an amount', { chargebacks: [{ id: '1' }] }, 'event_body.chargebacks[0]'],
])('a batch with %s is bad input naming the field', (_, body, field) => {
	const event = batch([], body);
	let error;
	try {
		gateway360Chargebacks(event);
	} catch (caught) {
		error = caught;
	}
	expect(error).toBeInstanceOf(CoreInputError);
	expect(error.field).toBe(field);
});

test("each chargeback of an invoice payment is one Disputed item: the sale's record, kept under the chargeback", () => {
	const event = batch([
		{ id: '500', date: '3/29/2026', amount: '25.00', reason: '13.1: Not Received' },
		{ id: '501', date: '3/29/2026', amount: '5.00' },
		{ id: '502', date: '3/29/2026', amount: '5.00' },
	]);
	const result = normaliseGateway360Chargebacks(
		event,
		new Map([
			['500', /** @type {any} */ (sale('500', 'INV-500', '100.00', '25.00'))],
			// a sale with no order: no invoice of ours
			['501', /** @type {any} */ (sale('501', null, '5.00', '5.00'))],
			['502', null],
		]),
	);
	expect(result.events).toHaveLength(1);
	expect(result.events[0]).toMatchObject({
		provider: 'gateway360',
		kind: 'dispute',
		statusFamily: 'disputed',
		invoiceId: 'INV-500',
		paymentId: '500',
		status: 'succeeded',
		refund: { amountRefunded: { amount: '25.00' }, amountKept: { amount: '75.00' } },
		occurredAt: '2026-03-29T00:00:00.000Z',
		livemode: true,
		dispute: {
			id: 'chargeback:500:2026-03-29:2500',
			status: 'chargeback',
			reason: '13.1: Not Received',
			amount: { amount: '25.00', currency: 'usd' },
			closed: false,
			recordStatus: 'pending',
			reasons: [
				{ code: 'CHARGEBACK', message: expect.stringContaining('25.00 USD of payment 500') },
			],
			mismatchRecord: {
				invoiceId: 'INV-500',
				paymentId: 'chargeback:500:2026-03-29:2500',
				status: 'pending',
				total: { amount: '100.00' },
			},
		},
	});
	expect(result.stateKey).toBe('gateway360:chargeback:500:2026-03-29:2500');
});

test('nothing of ours: no_invoice; without the transactions read: dispute_payment_unknown', () => {
	const event = batch([{ id: '600', date: '3/29/2026', amount: '5.00' }]);
	expect(normaliseGateway360Chargebacks(event, new Map([['600', null]]))).toMatchObject({
		events: [],
		ignored: 'no_invoice',
	});
	expect(normaliseGateway360Chargebacks(event, null)).toMatchObject({
		events: [],
		ignored: 'dispute_payment_unknown',
	});
	// the transaction event normaliser never takes a chargeback batch for a payment
	expect(normaliseGateway360Event(event).ignored).toBe('unhandled_event_type');
});

test('a test-mode batch gives livemode false', () => {
	const event = batch([{ id: '700', date: '3/29/2026', amount: '5.00' }], {
		features: { is_test_mode: true },
	});
	const result = normaliseGateway360Chargebacks(
		event,
		new Map([['700', /** @type {any} */ (sale('700', 'INV-700', '5.00', '5.00'))]]),
	);
	expect(result.events[0]).toMatchObject({ livemode: false, status: 'refunded' });
});

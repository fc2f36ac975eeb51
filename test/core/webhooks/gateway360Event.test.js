// @ts-check
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { encodeInvoiceMetadata } from '../../../nodes/core/payments/invoiceMetadata';
import {
	normaliseGateway360Event,
	parseGateway360Event,
} from '../../../nodes/core/webhooks/gateway360Event';
import {
	signGateway360Payload,
	verifyGateway360Signature,
} from '../../../nodes/core/webhooks/gateway360Signature';
import {
	STATUS_FAMILY_OUTPUTS,
	eventsByOutput,
} from '../../../nodes/core/webhooks/paymentStatusEvent';
import { normaliseStripeEvent } from '../../../nodes/core/webhooks/stripeEvent';

const fixtures = JSON.parse(
	readFileSync(path.resolve(__dirname, '../../../../shared/stripe/fixtures3.json'), 'utf8'),
).resources;

/** An item of Stripe's sample PaymentIntent, succeeded, paying one invoice. */
function stripeItem() {
	const intent = {
		...fixtures.payment_intent,
		status: 'succeeded',
		amount: 12360,
		currency: 'usd',
		last_payment_error: null,
		metadata: encodeInvoiceMetadata([{ invoiceId: 'INV-1001', amountMinor: 12000, feeMinor: 360 }]),
	};
	return normaliseStripeEvent({
		...fixtures.event,
		type: 'payment_intent.succeeded',
		data: { object: intent },
	}).events[0];
}

describe('360 Payments events', () => {
	const KEY = 'gw360-key';
	let eventCount = 0;

	function gatewayEvent(type, body = {}, action = {}) {
		eventCount++;
		return {
			event_id: `e0c1-${eventCount}`,
			event_type: type,
			event_body: {
				transaction_id: '10000000001',
				order_id: 'INV-1001',
				currency: 'USD',
				surcharge: '3.60',
				customerid: 'C-42',
				customer_vault_id: 'vault-77',
				card: { cc_number: '4xxxxxxxxxxx1111', cc_type: 'visa' },
				...body,
				action: {
					action_type: type.split('.')[1],
					amount: '123.60',
					date: '20261123150405',
					response_code: '100',
					response_text: 'SUCCESS',
					...action,
				},
			},
		};
	}

	/** Signed with our gateway scheme, verified, parsed, normalised. */
	function deliverGateway(event, options) {
		const raw = JSON.stringify(event);
		const header = signGateway360Payload(raw, KEY, `nonce-${event.event_id}`);
		expect(
			verifyGateway360Signature({ rawBody: Buffer.from(raw), header, signingKey: KEY }).ok,
		).toBe(true);
		const parsed = parseGateway360Event(Buffer.from(raw));
		expect(parsed.ok).toBe(true);
		return normaliseGateway360Event(
			/** @type {Extract<typeof parsed, { ok: true }>} */ (parsed).event,
			options,
		);
	}

	test('sale success: the same record shape as Stripe, with the surcharge as the fee', () => {
		const event = gatewayEvent('transaction.sale.success');
		const result = deliverGateway(event);
		expect(result.ignored).toBeNull();
		expect(result.events).toEqual([
			{
				provider: 'gateway360',
				kind: 'payment',
				eventId: event.event_id,
				eventType: 'transaction.sale.success',
				status: 'succeeded',
				statusFamily: 'succeeded',
				invoiceId: 'INV-1001',
				invoiceIds: ['INV-1001'],
				customer: { booksId: 'C-42', providerId: 'vault-77' },
				paymentId: '10000000001',
				combinedPaymentId: null,
				currency: 'usd',
				amount: { amount: '120.00', minor: 12000, currency: 'usd', display: '$120.00' },
				fee: { amount: '3.60', minor: 360, currency: 'usd', display: '$3.60' },
				total: { amount: '123.60', minor: 12360, currency: 'usd', display: '$123.60' },
				paymentAmount: { amount: '123.60', minor: 12360, currency: 'usd', display: '$123.60' },
				paymentMethod: { id: null, label: 'Visa •••• 1111' },
				paymentMethodId: null,
				checkoutSessionId: null,
				idempotencyKey: null,
				failure: null,
				refund: null,
				nextActionUrl: null,
				occurredAt: '2026-11-23T15:04:05.000Z',
				livemode: true,
			},
		]);
		expect(result.stateKey).toBe('gateway360:10000000001:succeeded:');
		// The keys of a Stripe record are all there: one shape for both providers.
		const stripeKeys = Object.keys(stripeItem()).sort();
		expect(Object.keys(result.events[0]).sort()).toEqual(stripeKeys);
	});

	test('sale failure carries the gateway code, processor code and text', () => {
		const event = gatewayEvent(
			'transaction.sale.failure',
			{},
			{
				response_code: '202',
				response_text: 'Insufficient funds',
				processor_response_code: '51',
			},
		);
		const [record] = deliverGateway(event).events;
		expect(record).toMatchObject({
			status: 'failed',
			statusFamily: 'failed',
			failure: { code: '202', declineCode: '51', message: 'Insufficient funds' },
		});
	});

	test.each([
		['transaction.capture.success', 'succeeded', 'payment'],
		['transaction.capture.failure', 'failed', 'payment'],
		['transaction.auth.success', 'processing', 'payment'],
		['transaction.auth.failure', 'failed', 'payment'],
		['transaction.void.success', 'canceled', 'payment'],
	])('%s -> %s (%s)', (type, status, kind) => {
		const result = deliverGateway(gatewayEvent(type));
		expect(result.events[0]).toMatchObject({ status, statusFamily: status, kind, refund: null });
		const output = STATUS_FAMILY_OUTPUTS.findIndex((entry) => entry.family === status);
		expect(eventsByOutput(result.events)[output]).toHaveLength(1);
	});

	test('transaction.refund.success goes to Refunded as Stripe refunds do, never Succeeded or Canceled', () => {
		const result = deliverGateway(
			gatewayEvent('transaction.refund.success', {}, { amount: '50.00' }),
		);
		// The gateway's event names this refund only: what the payment keeps is not known.
		expect(result.events[0]).toMatchObject({
			kind: 'refund',
			status: 'succeeded',
			statusFamily: 'refunded',
			refund: { amountRefunded: { amount: '50.00', minor: 5000 }, amountKept: null },
		});
		const counts = eventsByOutput(result.events).map((items) => items.length);
		expect(counts).toEqual([0, 0, 0, 0, 0, 1]);
	});

	test('a refund reports the amount refunded, with no fee split, and each refund is its own state', () => {
		const first = deliverGateway(
			gatewayEvent('transaction.refund.success', {}, { amount: '50.00' }),
		);
		const second = deliverGateway(
			gatewayEvent('transaction.refund.success', {}, { amount: '20.00' }),
		);
		expect(first.events[0]).toMatchObject({
			amount: { minor: 5000 },
			fee: { minor: 0 },
			total: { minor: 5000 },
		});
		expect(first.stateKey).not.toBe(second.stateKey);
	});

	test.each([
		['transaction.refund.failure', 'reversal_failed'],
		['transaction.void.failure', 'reversal_failed'],
		['transaction.sale.unknown', 'unknown_outcome'],
		['transaction.validate.success', 'unhandled_event_type'],
		['transaction.credit.success', 'unhandled_event_type'],
		['recurring.subscription.add', 'unhandled_event_type'],
		['transaction.sale.success.extra', 'unhandled_event_type'],
	])('%s is ignored (%s)', (type, reason) => {
		expect(deliverGateway(gatewayEvent(type))).toEqual({
			events: [],
			ignored: reason,
			stateKey: null,
		});
	});

	test('a transaction without an invoice is ignored', () => {
		expect(deliverGateway(gatewayEvent('transaction.sale.success', { order_id: '' })).ignored).toBe(
			'no_invoice',
		);
		expect(
			deliverGateway(gatewayEvent('transaction.sale.success', { order_id: undefined })).ignored,
		).toBe('no_invoice');
	});

	test('currency, livemode and optional fields fall back as documented', () => {
		const event = gatewayEvent(
			'transaction.sale.success',
			{
				currency: undefined,
				surcharge: undefined,
				customerid: undefined,
				customer_vault_id: undefined,
				card: undefined,
			},
			{ date: '20261399250000', amount: '125' },
		);
		const [record] = deliverGateway(event, { livemode: false, defaultCurrency: 'EUR' }).events;
		expect(record).toMatchObject({
			currency: 'eur',
			amount: { amount: '125.00', minor: 12500, currency: 'eur' },
			fee: { minor: 0 },
			customer: { booksId: null, providerId: null },
			paymentMethod: null,
			occurredAt: null,
			livemode: false,
		});
		expect(
			deliverGateway(gatewayEvent('transaction.sale.success', { currency: undefined })).events[0]
				.currency,
		).toBe('usd');
	});

	test('unreadable amounts and a missing transaction id are bad input (the 400 case)', () => {
		const cases = [
			[gatewayEvent('transaction.sale.success', {}, { amount: 'abc' }), 'event_body.action.amount'],
			[
				gatewayEvent('transaction.sale.success', {}, { amount: undefined }),
				'event_body.action.amount',
			],
			[gatewayEvent('transaction.sale.success', { surcharge: '-1' }), 'event_body.surcharge'],
			[gatewayEvent('transaction.sale.success', { surcharge: '500.00' }), 'event_body.surcharge'],
			[
				gatewayEvent('transaction.sale.success', { transaction_id: '' }),
				'event_body.transaction_id',
			],
			[gatewayEvent('transaction.sale.success', { currency: 'XYZ' }), 'currency'],
		];
		for (const [event, field] of cases) {
			expect(() => deliverGateway(event)).toThrow(
				expect.objectContaining({ name: 'CoreInputError', field }),
			);
		}
	});
});

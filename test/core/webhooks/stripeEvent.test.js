// @ts-check
import { readFileSync } from 'node:fs';
import path from 'node:path';

import Stripe from 'stripe';

import { CoreInputError } from '../../../nodes/core/errors';
import { encodeInvoiceMetadata } from '../../../nodes/core/payments/invoiceMetadata';
import { createEventDeduplicator } from '../../../nodes/core/webhooks/eventDeduplicator';
import {
	STATUS_FAMILY_OUTPUTS,
	eventsByOutput,
	statusFamily,
} from '../../../nodes/core/webhooks/paymentStatusEvent';
import {
	STRIPE_WEBHOOK_EVENTS,
	normaliseStripeEvent,
	parseStripeEvent,
	stripeEventPaymentIntentId,
} from '../../../nodes/core/webhooks/stripeEvent';
import { verifyStripeSignature } from '../../../nodes/core/webhooks/stripeSignature';

const fixtures = JSON.parse(
	readFileSync(path.resolve(__dirname, '../../../../shared/stripe/fixtures3.json'), 'utf8'),
).resources;

const SECRET = 'whsec_normalise_test';
const T = 1_795_000_000;
const PI_ID = fixtures.payment_intent.id;

const oneInvoice = encodeInvoiceMetadata(
	[{ invoiceId: 'INV-1001', amountMinor: 12000, feeMinor: 360 }],
	{
		books_customer_id: 'C-42',
	},
);

/** Stripe's sample PaymentIntent carrying our metadata, in the state a test needs. */
function paymentIntent(overrides = {}) {
	return {
		...fixtures.payment_intent,
		status: 'succeeded',
		amount: 12360,
		currency: 'usd',
		customer: 'cus_Q1',
		payment_method: 'pm_1',
		latest_charge: 'ch_1',
		last_payment_error: null,
		next_action: null,
		metadata: oneInvoice,
		...overrides,
	};
}

let eventNumber = 0;
function stripeEvent(type, object, overrides = {}) {
	eventNumber++;
	return {
		...fixtures.event,
		id: `evt_test_${eventNumber}`,
		type,
		created: T,
		livemode: false,
		request: { id: 'req_1', idempotency_key: 'invpay-autopay-2026-11-23-abc' },
		data: { object },
		...overrides,
	};
}

/** Over the wire: serialised, signed by the stripe package, verified and parsed by our core. */
function deliver(event) {
	const payload = JSON.stringify(event);
	const header = Stripe.webhooks.generateTestHeaderString({
		payload,
		secret: SECRET,
		timestamp: T,
	});
	const verdict = verifyStripeSignature({
		rawBody: Buffer.from(payload),
		header,
		secrets: [SECRET],
		nowSeconds: T,
	});
	expect(verdict.ok).toBe(true);
	const parsed = parseStripeEvent(Buffer.from(payload));
	expect(parsed.ok).toBe(true);
	return /** @type {Extract<typeof parsed, { ok: true }>} */ (parsed).event;
}

const normalise = (event, current) => normaliseStripeEvent(deliver(event), current);

/** Stripe's sample charge, captured in full for the payment, `refundedMinor` of it refunded. */
function refundedCharge(refundedMinor, overrides = {}) {
	const amount = overrides.amount ?? 12360;
	return {
		...fixtures.charge,
		id: 'ch_1',
		amount,
		amount_captured: amount,
		amount_refunded: refundedMinor,
		refunded: refundedMinor === amount,
		captured: true,
		status: 'succeeded',
		customer: 'cus_Q1',
		payment_intent: PI_ID,
		payment_method: 'pm_1',
		metadata: oneInvoice,
		...overrides,
	};
}

/** Stripe's sample refund of our PaymentIntent. */
function stripeRefund(amount, overrides = {}) {
	return { ...fixtures.refund, amount, charge: 'ch_1', payment_intent: PI_ID, ...overrides };
}

/** The PaymentIntent as the trigger re-reads it: latest_charge expanded. */
function refundedIntent(refundedMinor, overrides = {}) {
	const intent = paymentIntent(overrides);
	return {
		...intent,
		latest_charge: refundedCharge(refundedMinor, {
			amount: intent.amount,
			metadata: intent.metadata,
		}),
	};
}

describe('Stripe payment_intent events', () => {
	test('succeeded, one invoice: one record with the invoice line, customer and event facts', () => {
		const result = normalise(stripeEvent('payment_intent.succeeded', paymentIntent()));
		expect(result.ignored).toBeNull();
		expect(result.events).toHaveLength(1);
		const [event] = result.events;
		expect(event).toMatchObject({
			provider: 'stripe',
			kind: 'payment',
			eventType: 'payment_intent.succeeded',
			status: 'succeeded',
			statusFamily: 'succeeded',
			paymentId: PI_ID,
			combinedPaymentId: null,
			invoiceId: 'INV-1001',
			invoiceIds: ['INV-1001'],
			customer: { booksId: 'C-42', providerId: 'cus_Q1' },
			currency: 'usd',
			amount: { amount: '120.00', minor: 12000, currency: 'usd', display: '$120.00' },
			fee: { amount: '3.60', minor: 360 },
			total: { amount: '123.60', minor: 12360 },
			paymentAmount: { minor: 12360 },
			failure: null,
			nextActionUrl: null,
			occurredAt: '2026-11-18T11:06:40.000Z',
			livemode: false,
			paymentMethodId: 'pm_1',
			// neither the method nor the charge expanded: the method is known by its id alone
			paymentMethod: { id: 'pm_1', label: 'pm_1' },
			idempotencyKey: 'invpay-autopay-2026-11-23-abc',
			checkoutSessionId: null,
		});
		expect(event.eventId).toMatch(/^evt_test_/);
		expect(result.stateKey).toBe(`stripe:${PI_ID}:succeeded:`);
	});

	test('a combined payment of 3 invoices gives 3 records, each with its own line', () => {
		const lines = [
			{ invoiceId: 'INV-1', amountMinor: 10000, feeMinor: 300 },
			{ invoiceId: 'INV-2', amountMinor: 2550, feeMinor: 77 },
			{ invoiceId: 'INV-3', amountMinor: 99, feeMinor: 3 },
		];
		const intent = paymentIntent({
			amount: 13029,
			metadata: encodeInvoiceMetadata(lines, { books_customer_id: 'C-7' }),
		});
		const { events } = normalise(stripeEvent('payment_intent.succeeded', intent));
		expect(events.map((event) => event.invoiceId)).toEqual(['INV-1', 'INV-2', 'INV-3']);
		events.forEach((event, index) => {
			expect(event.amount?.minor).toBe(lines[index].amountMinor);
			expect(event.fee?.minor).toBe(lines[index].feeMinor);
			expect(event.total?.minor).toBe(lines[index].amountMinor + lines[index].feeMinor);
			expect(event.paymentId).toBe(PI_ID);
			expect(event.combinedPaymentId).toBe(PI_ID);
			expect(event.invoiceIds).toEqual(['INV-1', 'INV-2', 'INV-3']);
			expect(event.paymentAmount?.minor).toBe(13029);
			expect(event.customer).toEqual({ booksId: 'C-7', providerId: 'cus_Q1' });
		});
		expect(events.reduce((sum, event) => sum + Number(event.total?.minor), 0)).toBe(intent.amount);
		const outputs = eventsByOutput(events);
		expect(outputs.map((items) => items.length)).toEqual([3, 0, 0, 0, 0, 0]);
	});

	test('one invoice without lines in metadata is charged the whole payment, fee 0', () => {
		const intent = paymentIntent({ amount: 4200, metadata: { invoice_id: 'INV-5' } });
		const [event] = normalise(stripeEvent('payment_intent.succeeded', intent)).events;
		expect(event).toMatchObject({ invoiceId: 'INV-5', amount: { minor: 4200 }, fee: { minor: 0 } });
		expect(event.customer.booksId).toBeNull();
	});

	test('payment_failed carries code, decline code and message from last_payment_error', () => {
		const intent = paymentIntent({
			status: 'requires_payment_method',
			latest_charge: 'ch_failed_1',
			last_payment_error: {
				type: 'card_error',
				code: 'card_declined',
				decline_code: 'insufficient_funds',
				message: 'Your card has insufficient funds.',
			},
		});
		const result = normalise(stripeEvent('payment_intent.payment_failed', intent));
		expect(result.events[0]).toMatchObject({
			status: 'failed',
			statusFamily: 'failed',
			failure: {
				code: 'card_declined',
				declineCode: 'insufficient_funds',
				message: 'Your card has insufficient funds.',
			},
		});
		expect(eventsByOutput(result.events)[1]).toHaveLength(1);
		// A failed state belongs to its attempt: a later attempt's failure is another state.
		expect(result.stateKey).toBe(`stripe:${PI_ID}:failed:ch_failed_1`);
	});

	test('a failure without Stripe details still says the payment failed', () => {
		const intent = paymentIntent({
			status: 'requires_payment_method',
			last_payment_error: { type: 'card_error' },
		});
		const [event] = normalise(stripeEvent('payment_intent.payment_failed', intent)).events;
		expect(event.failure).toEqual({ code: null, declineCode: null, message: 'The payment failed' });
	});

	test('requires_action carries the URL the customer must visit', () => {
		const url = 'https://hooks.stripe.com/3d_secure_2/hosted?merchant=acct_1&payment_intent=pi_1';
		const intent = paymentIntent({
			status: 'requires_action',
			next_action: {
				type: 'redirect_to_url',
				redirect_to_url: { url, return_url: 'https://books.example/return' },
			},
		});
		const result = normalise(stripeEvent('payment_intent.requires_action', intent));
		expect(result.events[0]).toMatchObject({
			status: 'requires_action',
			nextActionUrl: url,
			failure: null,
		});
		expect(eventsByOutput(result.events)[3]).toHaveLength(1);
	});

	test('requires_action with hosted instructions (bank transfer) carries that page', () => {
		const url = 'https://payments.stripe.com/bank_transfers/instructions/test_123';
		const intent = paymentIntent({
			status: 'requires_action',
			next_action: {
				type: 'display_bank_transfer_instructions',
				display_bank_transfer_instructions: {
					hosted_instructions_url: url,
					type: 'us_bank_transfer',
				},
			},
		});
		expect(
			normalise(stripeEvent('payment_intent.requires_action', intent)).events[0].nextActionUrl,
		).toBe(url);
		// The SDK-only 3-D Secure flow has no URL to hand out.
		const sdk = paymentIntent({
			status: 'requires_action',
			next_action: { type: 'use_stripe_sdk', use_stripe_sdk: {} },
		});
		expect(
			normalise(stripeEvent('payment_intent.requires_action', sdk)).events[0].nextActionUrl,
		).toBeNull();
	});

	test.each([
		['payment_intent.processing', 'processing', 2],
		['payment_intent.canceled', 'canceled', 4],
	])('%s goes to the %s output', (type, status, output) => {
		const result = normalise(stripeEvent(type, paymentIntent({ status })));
		expect(result.events[0].status).toBe(status);
		expect(eventsByOutput(result.events)[output]).toHaveLength(1);
	});

	test('an expanded payment method or charge gives the method label', () => {
		const card = { id: 'pm_card', type: 'card', card: { brand: 'visa', last4: '4242' } };
		const [withMethod] = normalise(
			stripeEvent('payment_intent.succeeded', paymentIntent({ payment_method: card })),
		).events;
		expect(withMethod.paymentMethod).toEqual({ id: 'pm_card', label: 'Visa •••• 4242' });
		expect(withMethod.paymentMethodId).toBe('pm_card');
		const charge = {
			id: 'ch_9',
			payment_method_details: { type: 'card', card: { brand: 'mastercard', last4: '4444' } },
		};
		const [withCharge] = normalise(
			stripeEvent('payment_intent.succeeded', paymentIntent({ latest_charge: charge })),
		).events;
		expect(withCharge.paymentMethod).toEqual({ id: 'pm_1', label: 'Mastercard •••• 4444' });
	});

	test('a payment not made for invoices is ignored', () => {
		const result = normalise(
			stripeEvent('payment_intent.succeeded', paymentIntent({ metadata: {} })),
		);
		expect(result).toEqual({ events: [], ignored: 'no_invoice', stateKey: null });
	});

	test("Stripe's sample event (plan.created) is not a payment-status event", () => {
		const result = normalise(fixtures.event);
		expect(result).toEqual({ events: [], ignored: 'unhandled_event_type', stateKey: null });
		expect(normalise(stripeEvent('payment_intent.created', paymentIntent())).ignored).toBe(
			'unhandled_event_type',
		);
	});

	test('livemode and a missing request are read from the event', () => {
		const [event] = normalise(
			stripeEvent('payment_intent.succeeded', paymentIntent(), { livemode: true, request: null }),
		).events;
		expect(event.livemode).toBe(true);
		expect(event.idempotencyKey).toBeNull();
	});
});

describe('Re-read payment: the current PaymentIntent decides', () => {
	test('out-of-order pair: succeeded, then an older processing event -> both succeeded', () => {
		const succeededNow = paymentIntent({ status: 'succeeded' });
		const newer = stripeEvent('payment_intent.succeeded', succeededNow, { created: T + 60 });
		const older = stripeEvent(
			'payment_intent.processing',
			paymentIntent({ status: 'processing' }),
			{ created: T },
		);

		const first = normalise(newer, succeededNow);
		const second = normalise(older, succeededNow);
		expect(first.events[0].status).toBe('succeeded');
		expect(second.events[0].status).toBe('succeeded');
		expect(second.events[0].eventType).toBe('payment_intent.processing');
		expect(eventsByOutput(second.events)[0]).toHaveLength(1);
		// Both report the same state: a state deduplicator lets the shell emit it once.
		expect(second.stateKey).toBe(first.stateKey);
		const states = createEventDeduplicator({ now: () => 0 });
		expect(states.seen(/** @type {string} */ (first.stateKey))).toBe(false);
		expect(states.seen(/** @type {string} */ (second.stateKey))).toBe(true);

		// Without the re-read the late event would move the payment back to processing.
		expect(normalise(older).events[0].status).toBe('processing');
	});

	test('an old failure arriving after a successful retry reports succeeded, without a failure', () => {
		const now = paymentIntent({ status: 'succeeded', last_payment_error: null });
		const failedEarlier = paymentIntent({
			status: 'requires_payment_method',
			last_payment_error: { code: 'card_declined', message: 'Your card was declined.' },
		});
		const [event] = normalise(
			stripeEvent('payment_intent.payment_failed', failedEarlier),
			now,
		).events;
		expect(event).toMatchObject({ status: 'succeeded', failure: null });
	});

	test('amounts and invoice lines come from the re-read payment', () => {
		const updated = paymentIntent({
			amount: 20600,
			metadata: encodeInvoiceMetadata([
				{ invoiceId: 'INV-1001', amountMinor: 10000, feeMinor: 300 },
				{ invoiceId: 'INV-1002', amountMinor: 10000, feeMinor: 300 },
			]),
		});
		const { events } = normalise(
			stripeEvent('payment_intent.processing', paymentIntent({ status: 'processing' })),
			updated,
		);
		expect(events.map((event) => [event.invoiceId, event.total?.minor])).toEqual([
			['INV-1001', 10300],
			['INV-1002', 10300],
		]);
	});

	test('a re-read payment still waiting for the customer emits nothing', () => {
		const waiting = paymentIntent({ status: 'requires_payment_method', last_payment_error: null });
		const result = normalise(
			stripeEvent('payment_intent.canceled', paymentIntent({ status: 'canceled' })),
			waiting,
		);
		expect(result).toEqual({ events: [], ignored: 'payment_pending', stateKey: null });
		expect(statusFamily('pending')).toBeNull();
	});

	test('a claim canceled before any charge (a racer lost) is no payment: nothing emitted', () => {
		const claim = paymentIntent({
			status: 'canceled',
			latest_charge: null,
			metadata: { ...oneInvoice, invoice_claim: 'charge' },
		});
		const event = stripeEvent('payment_intent.canceled', claim);
		expect(normalise(event)).toEqual({ events: [], ignored: 'claim_released', stateKey: null });
		expect(normalise(event, claim)).toEqual({
			events: [],
			ignored: 'claim_released',
			stateKey: null,
		});
		// a payment made through a claim and canceled after a charge attempt is a canceled payment
		const attempted = { ...claim, latest_charge: 'ch_1' };
		expect(
			normalise(stripeEvent('payment_intent.canceled', attempted), attempted).events[0].status,
		).toBe('canceled');
	});

	test('a re-read of another payment is refused', () => {
		const event = stripeEvent('payment_intent.succeeded', paymentIntent());
		expect(() => normalise(event, paymentIntent({ id: 'pi_someone_else' }))).toThrow(
			CoreInputError,
		);
		expect(() => normalise(event, paymentIntent({ id: 'pi_someone_else' }))).toThrow(
			expect.objectContaining({ field: 'currentPaymentIntent' }),
		);
		expect(() => normalise(event, { id: PI_ID })).toThrow(CoreInputError);
	});

	test('stripeEventPaymentIntentId names the PaymentIntent to fetch', () => {
		expect(
			stripeEventPaymentIntentId(deliver(stripeEvent('payment_intent.succeeded', paymentIntent()))),
		).toBe(PI_ID);
		const session = { ...fixtures['checkout.session'], payment_intent: 'pi_from_session' };
		expect(
			stripeEventPaymentIntentId(deliver(stripeEvent('checkout.session.completed', session))),
		).toBe('pi_from_session');
		const setup = { ...fixtures['checkout.session'], mode: 'setup', payment_intent: null };
		expect(
			stripeEventPaymentIntentId(deliver(stripeEvent('checkout.session.completed', setup))),
		).toBeNull();
		expect(
			stripeEventPaymentIntentId(
				deliver(stripeEvent('setup_intent.succeeded', fixtures.setup_intent)),
			),
		).toBeNull();
	});
});

describe('Stripe Checkout and SetupIntent events', () => {
	function session(overrides = {}) {
		return {
			...fixtures['checkout.session'],
			status: 'complete',
			payment_status: 'paid',
			amount_total: 12360,
			currency: 'usd',
			customer: 'cus_Q1',
			metadata: oneInvoice,
			...overrides,
		};
	}

	test.each([
		['checkout.session.completed', { payment_status: 'paid' }, 'succeeded'],
		['checkout.session.completed', { payment_status: 'no_payment_required' }, 'succeeded'],
		['checkout.session.completed', { payment_status: 'unpaid' }, 'processing'],
		['checkout.session.async_payment_succeeded', { payment_status: 'paid' }, 'succeeded'],
		['checkout.session.async_payment_failed', { payment_status: 'unpaid' }, 'failed'],
	])('%s %j -> %s, from the session metadata', (type, changes, status) => {
		const result = normalise(stripeEvent(type, session(changes)));
		expect(result.events).toHaveLength(1);
		expect(result.events[0]).toMatchObject({
			status,
			statusFamily: status,
			invoiceId: 'INV-1001',
			total: { minor: 12360 },
			fee: { minor: 360 },
			paymentId: fixtures['checkout.session'].payment_intent,
			checkoutSessionId: fixtures['checkout.session'].id,
			customer: { booksId: 'C-42', providerId: 'cus_Q1' },
		});
		if (status === 'failed') {
			expect(result.events[0].failure?.message).toBe('The asynchronous payment failed');
		}
	});

	describe('checkout.session.expired: the page is canceled under the session id', () => {
		const combined = encodeInvoiceMetadata(
			[
				{ invoiceId: 'INV-A', amountMinor: 6000, feeMinor: 180 },
				{ invoiceId: 'INV-B', amountMinor: 2500, feeMinor: 75 },
			],
			{ books_customer_id: 'C-42' },
		);
		// Stripe makes the PaymentIntent of a payment-mode session only when the customer confirms.
		const expired = (overrides = {}) =>
			session({
				status: 'expired',
				payment_status: 'unpaid',
				payment_intent: null,
				url: null,
				amount_total: 8755,
				metadata: combined,
				...overrides,
			});

		test('one canceled record per invoice, paymentId = the session id, lines from the session', () => {
			const object = expired();
			const result = normalise(stripeEvent('checkout.session.expired', object));
			expect(result.ignored).toBeNull();
			expect(
				result.events.map((event) => [
					event.invoiceId,
					event.amount?.minor,
					event.fee?.minor,
					event.total?.minor,
				]),
			).toEqual([
				['INV-A', 6000, 180, 6180],
				['INV-B', 2500, 75, 2575],
			]);
			for (const event of result.events) {
				expect(event).toMatchObject({
					kind: 'payment',
					provider: 'stripe',
					eventType: 'checkout.session.expired',
					status: 'canceled',
					statusFamily: 'canceled',
					paymentId: object.id,
					combinedPaymentId: object.id,
					checkoutSessionId: object.id,
					invoiceIds: ['INV-A', 'INV-B'],
					paymentAmount: { minor: 8755, currency: 'usd' },
					customer: { booksId: 'C-42', providerId: 'cus_Q1' },
					paymentMethod: null,
					failure: null,
					nextActionUrl: null,
				});
			}
			expect(result.stateKey).toBe(`stripe:${object.id}:canceled:`);
			expect(eventsByOutput(result.events).map((output) => output.length)).toEqual([
				0, 0, 0, 0, 2, 0,
			]);
		});

		test('one invoice: the record the pay link was kept under, canceled', () => {
			const object = expired({ amount_total: 12360, metadata: oneInvoice });
			const [event] = normalise(stripeEvent('checkout.session.expired', object)).events;
			expect(event).toMatchObject({
				invoiceId: 'INV-1001',
				paymentId: object.id,
				combinedPaymentId: null,
				total: { minor: 12360 },
				fee: { minor: 360 },
			});
		});

		test('a PaymentIntent made by a failed try on the page changes nothing: no re-read', () => {
			const object = expired({ payment_intent: 'pi_tried_on_the_page' });
			const event = stripeEvent('checkout.session.expired', object);
			expect(stripeEventPaymentIntentId(deliver(event))).toBeNull();
			const result = normalise(event);
			expect(result.events.map((e) => [e.paymentId, e.status])).toEqual([
				[object.id, 'canceled'],
				[object.id, 'canceled'],
			]);
		});

		test('an expired session without amount or currency cannot be read', () => {
			expect(() =>
				normalise(stripeEvent('checkout.session.expired', expired({ currency: null }))),
			).toThrow(CoreInputError);
		});
	});

	test('with the re-read PaymentIntent the session reports the payment as it is now', () => {
		const current = paymentIntent({ status: 'succeeded' });
		const result = normalise(
			stripeEvent('checkout.session.completed', session({ payment_status: 'unpaid' })),
			current,
		);
		expect(result.events[0]).toMatchObject({ status: 'succeeded', paymentMethodId: 'pm_1' });
		// The same state as payment_intent.succeeded for that payment: emitted once by the shell.
		expect(result.stateKey).toBe(
			normalise(stripeEvent('payment_intent.succeeded', current), current).stateKey,
		);
	});

	test('invoice lines come from the PaymentIntent metadata, else from the session', () => {
		const intentLines = encodeInvoiceMetadata([
			{ invoiceId: 'INV-A', amountMinor: 6000, feeMinor: 180 },
			{ invoiceId: 'INV-B', amountMinor: 6000, feeMinor: 180 },
		]);
		const withLines = paymentIntent({ metadata: intentLines });
		const fromIntent = normalise(stripeEvent('checkout.session.completed', session()), withLines);
		expect(fromIntent.events.map((event) => event.invoiceId)).toEqual(['INV-A', 'INV-B']);
		const bare = paymentIntent({ metadata: {} });
		const fromSession = normalise(stripeEvent('checkout.session.completed', session()), bare);
		expect(fromSession.events.map((event) => event.invoiceId)).toEqual(['INV-1001']);
	});

	test('a payment-mode session without amount or currency cannot be read', () => {
		expect(() =>
			normalise(stripeEvent('checkout.session.completed', session({ currency: null }))),
		).toThrow(CoreInputError);
	});

	test('setup mode: the customer added a payment method (on Succeeded, no invoice), told by the SetupIntent', () => {
		const setupIntent = {
			...fixtures.setup_intent,
			id: 'seti_1',
			status: 'succeeded',
			customer: 'cus_Q1',
			payment_method: { id: 'pm_new', type: 'card', card: { brand: 'amex', last4: '0005' } },
			metadata: { books_customer_id: 'C-42' },
		};
		// As Stripe sends it, the session names its SetupIntent by ID: the method it saved is not
		// there, so it is not told from the session, nor does the session take the SetupIntent's
		// state before the SetupIntent's own event (which carries the method) can tell it.
		const byId = session({
			mode: 'setup',
			payment_intent: null,
			payment_status: 'no_payment_required',
			setup_intent: 'seti_1',
			metadata: { books_customer_id: 'C-42' },
		});
		const fromSession = normalise(stripeEvent('checkout.session.completed', byId));
		expect(fromSession).toMatchObject({ events: [], ignored: 'method_told_by_setup_intent' });
		expect(fromSession.stateKey ?? null).toBeNull();

		const fromSetupIntent = normalise(stripeEvent('setup_intent.succeeded', setupIntent));
		expect(fromSetupIntent.events).toEqual([
			expect.objectContaining({
				kind: 'payment_method_added',
				status: 'succeeded',
				statusFamily: 'succeeded',
				setupIntentId: 'seti_1',
				paymentMethodId: 'pm_new',
				paymentMethod: expect.objectContaining({
					id: 'pm_new',
					label: 'American Express •••• 0005',
				}),
				customer: { booksId: 'C-42', providerId: 'cus_Q1' },
				invoiceId: null,
				invoiceIds: [],
				amount: null,
				paymentId: null,
			}),
		]);
		expect(eventsByOutput(fromSetupIntent.events)[0]).toHaveLength(1);

		// A session carrying its SetupIntent expanded tells the method, under the same state.
		const expanded = normalise(
			stripeEvent('checkout.session.completed', { ...byId, setup_intent: setupIntent }),
		);
		expect(expanded.events[0]).toMatchObject({
			kind: 'payment_method_added',
			paymentMethodId: 'pm_new',
			setupIntentId: 'seti_1',
			checkoutSessionId: byId.id,
		});
		expect(expanded.stateKey).toBe(fromSetupIntent.stateKey);
	});

	test("a SetupIntent without a customer (Stripe's sample) saves nothing for the books", () => {
		expect(normalise(stripeEvent('setup_intent.succeeded', fixtures.setup_intent)).ignored).toBe(
			'no_customer',
		);
	});

	test('subscription sessions and async events of setup sessions are not ours', () => {
		expect(
			normalise(stripeEvent('checkout.session.completed', session({ mode: 'subscription' })))
				.ignored,
		).toBe('unhandled_checkout_mode');
		expect(
			normalise(
				stripeEvent('checkout.session.expired', session({ mode: 'setup', payment_intent: null })),
			).ignored,
		).toBe('unhandled_event_type');
	});

	test('the endpoint subscribes to every event type handled', () => {
		for (const type of STRIPE_WEBHOOK_EVENTS) {
			const refundEvent = type === 'charge.refunded' || type.startsWith('refund.');
			const object = type.startsWith('payment_intent.')
				? paymentIntent({
						status:
							type === 'payment_intent.payment_failed' ? 'requires_payment_method' : 'succeeded',
					})
				: type.startsWith('setup_intent.')
					? { ...fixtures.setup_intent, customer: 'cus_Q1' }
					: type === 'charge.refunded'
						? refundedCharge(12360)
						: type.startsWith('refund.')
							? stripeRefund(12360)
							: session();
			const current = refundEvent ? refundedIntent(12360) : undefined;
			expect(normalise(stripeEvent(type, object), current).ignored).toBeNull();
		}
	});
});

describe('Stripe refunds', () => {
	const refundOutput = STATUS_FAMILY_OUTPUTS.findIndex((output) => output.family === 'refunded');

	test('the refund events name the PaymentIntent to re-read', () => {
		expect(stripeEventPaymentIntentId(stripeEvent('charge.refunded', refundedCharge(100)))).toBe(
			PI_ID,
		);
		for (const type of ['refund.created', 'refund.updated', 'refund.failed']) {
			expect(stripeEventPaymentIntentId(stripeEvent(type, stripeRefund(100)))).toBe(PI_ID);
		}
		expect(
			stripeEventPaymentIntentId(
				stripeEvent('refund.created', stripeRefund(100, { payment_intent: null })),
			),
		).toBeNull();
	});

	test('a full refund: status refunded, all of the total refunded, on Refunded only', () => {
		const result = normalise(
			stripeEvent('charge.refunded', refundedCharge(12360)),
			refundedIntent(12360),
		);
		expect(result.ignored).toBeNull();
		expect(result.events).toHaveLength(1);
		expect(result.events[0]).toMatchObject({
			kind: 'refund',
			status: 'refunded',
			statusFamily: 'refunded',
			invoiceId: 'INV-1001',
			paymentId: PI_ID,
			total: { minor: 12360 },
			refund: {
				amountRefunded: { amount: '123.60', minor: 12360, currency: 'usd' },
				amountKept: { amount: '0.00', minor: 0 },
			},
			failure: null,
		});
		expect(result.stateKey).toBe(`stripe:${PI_ID}:refund:12360`);
		const counts = eventsByOutput(result.events).map((items) => items.length);
		expect(counts).toEqual([0, 0, 0, 0, 0, 1]);
		expect(refundOutput).toBe(5);
	});

	test('a partial refund keeps status succeeded, says what went back and what is kept', () => {
		const result = normalise(
			stripeEvent('charge.refunded', refundedCharge(5000)),
			refundedIntent(5000),
		);
		expect(result.events[0]).toMatchObject({
			kind: 'refund',
			status: 'succeeded',
			statusFamily: 'refunded',
			refund: { amountRefunded: { minor: 5000 }, amountKept: { amount: '73.60', minor: 7360 } },
		});
		expect(eventsByOutput(result.events)[0]).toHaveLength(0);
	});

	test('a combined payment: the refund fills its invoices in metadata order', () => {
		const lines = [
			{ invoiceId: 'INV-1', amountMinor: 10000, feeMinor: 300 },
			{ invoiceId: 'INV-2', amountMinor: 2550, feeMinor: 77 },
			{ invoiceId: 'INV-3', amountMinor: 99, feeMinor: 3 },
		];
		const combined = {
			amount: 13029,
			metadata: encodeInvoiceMetadata(lines, { books_customer_id: 'C-7' }),
		};
		// INV-1's share (103.00) and 1.00 of INV-2's
		const result = normalise(
			stripeEvent('refund.created', stripeRefund(10400)),
			refundedIntent(10400, combined),
		);
		expect(
			result.events.map((event) => [
				event.invoiceId,
				event.status,
				event.refund?.amountRefunded.minor,
				event.refund?.amountKept?.minor,
				event.combinedPaymentId,
			]),
		).toEqual([
			['INV-1', 'refunded', 10300, 0, PI_ID],
			['INV-2', 'succeeded', 100, 2527, PI_ID],
			['INV-3', 'succeeded', 0, 102, PI_ID],
		]);
		expect(eventsByOutput(result.events)[refundOutput]).toHaveLength(3);
		// Refunded in full, every invoice is refunded in full.
		const full = normalise(
			stripeEvent('charge.refunded', refundedCharge(13029)),
			refundedIntent(13029, combined),
		);
		expect(full.events.map((event) => event.status)).toEqual(['refunded', 'refunded', 'refunded']);
		expect(full.events.map((event) => event.refund?.amountKept?.minor)).toEqual([0, 0, 0]);
	});

	test('refund.created and charge.refunded of one refund are one state; a second refund is another', () => {
		const created = normalise(
			stripeEvent('refund.created', stripeRefund(5000)),
			refundedIntent(5000),
		);
		const charged = normalise(
			stripeEvent('charge.refunded', refundedCharge(5000)),
			refundedIntent(5000),
		);
		const second = normalise(
			stripeEvent('charge.refunded', refundedCharge(7000)),
			refundedIntent(7000),
		);
		expect(created.stateKey).toBe(charged.stateKey);
		expect(second.stateKey).toBe(`stripe:${PI_ID}:refund:7000`);
		const dedup = createEventDeduplicator({ now: () => 0 });
		expect(
			[created, charged, second].map((result) =>
				dedup.seen(/** @type {string} */ (result.stateKey)),
			),
		).toEqual([false, true, false]);
	});

	test('a failed refund reports the money kept again: succeeded, nothing refunded, on Refunded', () => {
		const result = normalise(
			stripeEvent('refund.failed', stripeRefund(5000, { status: 'failed' })),
			refundedIntent(0),
		);
		expect(result.events[0]).toMatchObject({
			kind: 'refund',
			status: 'succeeded',
			statusFamily: 'refunded',
			refund: { amountRefunded: { minor: 0 }, amountKept: { minor: 12360 } },
		});
		expect(result.stateKey).toBe(`stripe:${PI_ID}:refund:0`);
	});

	test('a late payment_intent.succeeded re-read after a full refund reports the refund, not a payment', () => {
		const late = normalise(
			stripeEvent('payment_intent.succeeded', paymentIntent()),
			refundedIntent(12360),
		);
		const refund = normalise(
			stripeEvent('charge.refunded', refundedCharge(12360)),
			refundedIntent(12360),
		);
		expect(late.events[0]).toMatchObject({
			kind: 'refund',
			status: 'refunded',
			statusFamily: 'refunded',
		});
		expect(late.stateKey).toBe(refund.stateKey);
		// re-read with nothing refunded: a plain payment, refund null
		const paid = normalise(
			stripeEvent('payment_intent.succeeded', paymentIntent()),
			refundedIntent(0),
		);
		expect(paid.events[0]).toMatchObject({ kind: 'payment', status: 'succeeded', refund: null });
		expect(paid.stateKey).toBe(`stripe:${PI_ID}:succeeded:`);
	});

	test('without the re-read: charge.refunded is read from the charge; a refund alone is not enough', () => {
		const result = normalise(stripeEvent('charge.refunded', refundedCharge(12360)));
		expect(result.events[0]).toMatchObject({
			kind: 'refund',
			status: 'refunded',
			paymentId: PI_ID,
			invoiceId: 'INV-1001',
			customer: { booksId: 'C-42', providerId: 'cus_Q1' },
			paymentMethod: { label: 'Visa •••• 4242' },
			refund: { amountRefunded: { minor: 12360 }, amountKept: { minor: 0 } },
		});
		for (const type of ['refund.created', 'refund.updated', 'refund.failed']) {
			expect(normalise(stripeEvent(type, stripeRefund(100))).ignored).toBe('refund_state_unknown');
		}
	});

	test('a refund of a payment not made for invoices is ignored', () => {
		const result = normalise(
			stripeEvent('charge.refunded', refundedCharge(100, { metadata: {} })),
			refundedIntent(100, { metadata: {} }),
		);
		expect(result.ignored).toBe('no_invoice');
	});
});

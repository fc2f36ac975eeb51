// @ts-check
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { parseFeePercent } from '../../../nodes/core/money/fee';
import { encodeInvoiceMetadata } from '../../../nodes/core/payments/invoiceMetadata';
import {
	PAYMENT_STATUSES,
	blocksNewCharge,
	buildPaymentRecord,
} from '../../../nodes/core/payments/paymentRecord';
import { payInvoices } from '../../../nodes/core/stripe/payInvoices';
import {
	paymentRecordsFromIntent,
	refundsByInvoice,
} from '../../../nodes/core/stripe/paymentIntentRecords';
import { StripeTransport } from '../../../nodes/core/stripe/transport';
import {
	STRIPE_WEBHOOK_EVENTS,
	normaliseStripeEvent,
	parseStripeEvent,
	stripeEventPaymentIntentId,
} from '../../../nodes/core/webhooks/stripeEvent';
import { verifyStripeSignature } from '../../../nodes/core/webhooks/stripeSignature';
import { startStripeServer } from '../../fakes/stripe-server';

const fixtures = JSON.parse(
	readFileSync(path.resolve(__dirname, '../../../../shared/stripe/fixtures3.json'), 'utf8'),
).resources;

const LINES = [
	{ invoiceId: 'INV-1', amountMinor: 10000, feeMinor: 300 },
	{ invoiceId: 'INV-2', amountMinor: 2550, feeMinor: 77 },
	{ invoiceId: 'INV-3', amountMinor: 99, feeMinor: 3 },
];
const COMBINED_TOTAL = 13029;

/** Stripe's sample PaymentIntent, succeeded, with `latest_charge` expanded and `refunded` of it back. */
function intent({ lines = [LINES[0]], refunded = 0, expanded = true, status = 'succeeded' } = {}) {
	const amount = lines.reduce((sum, line) => sum + line.amountMinor + line.feeMinor, 0);
	const charge = {
		...fixtures.charge,
		id: 'ch_1',
		amount,
		amount_captured: amount,
		amount_refunded: refunded,
		refunded: refunded === amount,
		status: 'succeeded',
	};
	return {
		...fixtures.payment_intent,
		id: 'pi_1',
		status,
		amount,
		amount_received: amount,
		currency: 'usd',
		customer: 'cus_1',
		payment_method: 'pm_1',
		last_payment_error: null,
		next_action: null,
		latest_charge: expanded ? charge : 'ch_1',
		metadata: encodeInvoiceMetadata(lines, { books_customer_id: 'C-1' }),
	};
}

const summary = (records) =>
	records.map((record) => [
		record.invoiceId,
		record.status,
		record.refund && record.refund.amountRefunded.minor,
		record.refund && record.refund.amountKept.minor,
	]);

describe('payment records from a PaymentIntent: refunds', () => {
	test('refunded is one of the statuses, and does not block paying the invoice again', () => {
		expect(PAYMENT_STATUSES).toContain('refunded');
		expect(blocksNewCharge('refunded')).toBe(false);
		expect(blocksNewCharge('succeeded')).toBe(true);
	});

	test('nothing refunded: succeeded, refund null', () => {
		expect(summary(paymentRecordsFromIntent(intent()))).toEqual([
			['INV-1', 'succeeded', null, null],
		]);
	});

	test('a full refund: refunded, all of the total back, nothing kept', () => {
		const [record] = paymentRecordsFromIntent(intent({ refunded: 10300 }));
		expect(record).toMatchObject({
			status: 'refunded',
			total: { minor: 10300 },
			refund: {
				amountRefunded: { amount: '103.00', minor: 10300, currency: 'usd', display: '$103.00' },
				amountKept: { amount: '0.00', minor: 0, currency: 'usd' },
			},
		});
	});

	test('a partial refund: still succeeded, with what went back and what is kept', () => {
		const [record] = paymentRecordsFromIntent(intent({ refunded: 2500 }));
		expect(record).toMatchObject({
			status: 'succeeded',
			refund: { amountRefunded: { amount: '25.00' }, amountKept: { amount: '78.00', minor: 7800 } },
		});
	});

	test('the charge not expanded: the refund is not known, so the record says nothing of it', () => {
		expect(summary(paymentRecordsFromIntent(intent({ refunded: 10300, expanded: false })))).toEqual(
			[['INV-1', 'succeeded', null, null]],
		);
	});

	test('a payment that did not succeed has no refund, whatever its charge says', () => {
		const canceled = intent({ refunded: 10300, status: 'canceled' });
		expect(summary(paymentRecordsFromIntent(canceled))).toEqual([
			['INV-1', 'canceled', null, null],
		]);
	});

	test('a combined payment: the refund goes to its invoices in metadata order', () => {
		const records = paymentRecordsFromIntent(intent({ lines: LINES, refunded: 10400 }));
		// every invoice of a payment money went back from says what went back of it, nothing included
		expect(summary(records)).toEqual([
			['INV-1', 'refunded', 10300, 0],
			['INV-2', 'succeeded', 100, 2527],
			['INV-3', 'succeeded', 0, 102],
		]);
		expect(records.every((record) => record.combinedPaymentId === 'pi_1')).toBe(true);
		const full = paymentRecordsFromIntent(intent({ lines: LINES, refunded: COMBINED_TOTAL }));
		expect(full.map((record) => record.status)).toEqual(['refunded', 'refunded', 'refunded']);
	});
});

describe('refundsByInvoice', () => {
	const state = (refunded, full = false) => ({
		amountRefundedMinor: refunded,
		amountCapturedMinor: COMBINED_TOTAL,
		full,
	});

	test('every amount from nothing to all: shares in order, never more than a share, sums kept', () => {
		for (let refunded = 0; refunded <= COMBINED_TOTAL; refunded += 31) {
			const split = refundsByInvoice(LINES, state(refunded));
			expect(split.reduce((sum, entry) => sum + entry.refundedMinor, 0)).toBe(refunded);
			split.forEach((entry, index) => {
				const share = LINES[index].amountMinor + LINES[index].feeMinor;
				expect(entry.refundedMinor + entry.keptMinor).toBe(share);
				expect(entry.full).toBe(entry.keptMinor === 0);
				// a later invoice gets something only once every earlier one is refunded in full
				if (entry.refundedMinor > 0)
					expect(split.slice(0, index).every((earlier) => earlier.full)).toBe(true);
			});
		}
	});

	test('Stripe says the charge is refunded in full: every share is, whatever the lines sum to', () => {
		const split = refundsByInvoice(LINES, {
			amountRefundedMinor: 5000,
			amountCapturedMinor: 5000,
			full: true,
		});
		expect(split.map((entry) => entry.full)).toEqual([true, true, true]);
	});
});

/**
 * One builder: the record the charge path gives the books (payInvoices, Get, Cancel:
 * `paymentRecordsFromIntent`) and the record the payment-status webhook gives them for the same
 * PaymentIntent (the trigger's re-read) are the same record, field for field. The books update a
 * record by payment id, so any field the two disagree on flips with every write.
 */
describe('the charge path and the webhook path give the same record of a PaymentIntent', () => {
	const KEY = 'invpay-autopay-2026-11-23-0123456789abcdef0123456789abcdef01234567';
	const RECORD_KEYS = Object.keys(
		buildPaymentRecord({
			provider: 'stripe',
			invoiceId: 'x',
			currency: 'usd',
			amountMinor: 1,
			feeMinor: 0,
			status: 'pending',
		}),
	);
	/** The payment record inside a webhook's item (which adds where the event came from). */
	const recordOf = (item) => Object.fromEntries(RECORD_KEYS.map((key) => [key, item[key]]));

	const EVENT_BY_STATUS = {
		succeeded: 'payment_intent.succeeded',
		requires_payment_method: 'payment_intent.payment_failed',
		requires_action: 'payment_intent.requires_action',
		processing: 'payment_intent.processing',
		canceled: 'payment_intent.canceled',
	};

	/**
	 * The webhook path: a signed event of Stripe's sample shape, over the wire and parsed, whose
	 * PaymentIntent the trigger re-reads (`intent`). Stripe names in `request` the API request
	 * that caused the event: for our charges, the confirm (`<key>-claim1-confirm`), not the key
	 * the payment was made with.
	 */
	function throughWebhook(intent, type = EVENT_BY_STATUS[intent.status]) {
		const event = {
			...fixtures.event,
			id: 'evt_paths',
			type,
			livemode: intent.livemode,
			request: { id: 'req_paths', idempotency_key: `${KEY}-claim1-confirm` },
			data: { object: intent },
		};
		const parsed = parseStripeEvent(Buffer.from(JSON.stringify(event)));
		expect(parsed.ok).toBe(true);
		const result = normaliseStripeEvent(
			/** @type {Extract<typeof parsed, { ok: true }>} */ (parsed).event,
			JSON.parse(JSON.stringify(intent)),
		);
		expect(result.ignored).toBeNull();
		return result.events.map(recordOf);
	}

	const ONE = { invoiceId: 'INV-P1', amountMinor: 10000, feeMinor: 300 };
	const amountOf = (lines) =>
		lines.reduce((sum, line) => sum + line.amountMinor + line.feeMinor, 0);
	const chargeOf = (amount, refunded = 0) => ({
		...fixtures.charge,
		id: 'ch_paths',
		amount,
		amount_captured: amount,
		amount_refunded: refunded,
		refunded: refunded === amount,
		status: 'succeeded',
		payment_intent: 'pi_paths',
	});

	/** Stripe's sample PaymentIntent carrying what this package writes on its payments. */
	function sample(overrides = {}, lines = [ONE]) {
		return {
			...fixtures.payment_intent,
			id: 'pi_paths',
			customer: 'cus_paths',
			amount: amountOf(lines),
			currency: 'usd',
			metadata: encodeInvoiceMetadata(lines, { books_customer_id: 'C-P', idempotency_key: KEY }),
			...overrides,
		};
	}
	const succeeded = (overrides = {}, lines = [ONE]) =>
		sample(
			{
				status: 'succeeded',
				last_payment_error: null,
				next_action: null,
				payment_method: 'pm_paths',
				latest_charge: chargeOf(amountOf(lines)),
				...overrides,
			},
			lines,
		);
	const waitingFor = (nextAction) =>
		sample({
			status: 'requires_action',
			last_payment_error: null,
			payment_method: 'pm_paths',
			next_action: nextAction,
		});
	const THREE = [
		{ invoiceId: 'INV-P1', amountMinor: 10000, feeMinor: 300 },
		{ invoiceId: 'INV-P2', amountMinor: 2550, feeMinor: 77 },
		{ invoiceId: 'INV-P3', amountMinor: 99, feeMinor: 3 },
	];

	test.each([
		[
			"Stripe's sample as it is: an attempt failed (requires_payment_method, last_payment_error)",
			sample(),
		],
		['succeeded, the method known from the charge (payment_method not expanded)', succeeded()],
		[
			'succeeded, the method expanded',
			succeeded({ payment_method: { ...fixtures.payment_method, id: 'pm_paths' } }),
		],
		['succeeded, nothing expanded', succeeded({ latest_charge: 'ch_paths' })],
		[
			'requires_action: 3-D Secure on a redirect',
			waitingFor({
				type: 'redirect_to_url',
				redirect_to_url: {
					url: 'https://hooks.stripe.com/3d_secure/pi_paths',
					return_url: 'https://books.example/back',
				},
			}),
		],
		[
			'requires_action: an OXXO voucher to pay',
			waitingFor({
				type: 'oxxo_display_details',
				oxxo_display_details: {
					expires_after: 1795000000,
					hosted_voucher_url: 'https://payments.stripe.com/oxxo/voucher/test_1',
					number: '12345678901234657890123456789012',
				},
			}),
		],
		[
			'requires_action: bank transfer instructions',
			waitingFor({
				type: 'display_bank_transfer_instructions',
				display_bank_transfer_instructions: {
					hosted_instructions_url: 'https://payments.stripe.com/bank_transfers/instructions/test_1',
					type: 'us_bank_transfer',
				},
			}),
		],
		[
			'requires_action: 3-D Secure in Stripe.js only (no page)',
			waitingFor({ type: 'use_stripe_sdk', use_stripe_sdk: {} }),
		],
		[
			'declined, Stripe giving an empty message',
			sample({
				status: 'requires_payment_method',
				latest_charge: 'ch_paths',
				last_payment_error: {
					type: 'card_error',
					code: 'card_declined',
					decline_code: 'generic_decline',
					message: '',
				},
			}),
		],
		[
			'processing (a bank debit settling)',
			sample({
				status: 'processing',
				last_payment_error: null,
				next_action: null,
				payment_method: 'pm_paths',
				latest_charge: 'ch_paths',
			}),
		],
		[
			'canceled after a declined attempt',
			sample({
				status: 'canceled',
				latest_charge: 'ch_paths',
				last_payment_error: {
					type: 'card_error',
					code: 'card_declined',
					message: 'Your card was declined.',
				},
			}),
		],
		[
			'one invoice named without amounts (made by hand)',
			{
				...succeeded(),
				metadata: { invoice_id: 'INV-P1', books_customer_id: 'C-P', idempotency_key: KEY },
			},
		],
		[
			'one invoice whose line gives a fee but no amount',
			succeeded({}, [{ invoiceId: 'INV-P1', amountMinor: 0, feeMinor: 300 }]),
		],
		['a combined payment', succeeded({}, THREE)],
		[
			'a combined payment, part of it refunded',
			succeeded({ latest_charge: chargeOf(amountOf(THREE), 10400) }, THREE),
		],
		[
			'a payment refunded in full',
			succeeded({ latest_charge: chargeOf(amountOf([ONE]), amountOf([ONE])) }),
		],
	])('%s', (_, payment) => {
		const charged = paymentRecordsFromIntent(payment, { idempotencyKey: KEY });
		expect(charged.length).toBeGreaterThan(0);
		expect(throughWebhook(payment)).toEqual(charged);
		// the books' check: what an invoice's record says it was paid adds up to what moved
		expect(charged.reduce((sum, record) => sum + record.total.minor, 0)).toBe(payment.amount);
	});

	test('what the one builder decided, field by field', () => {
		const [voucher] = paymentRecordsFromIntent(
			waitingFor({
				type: 'oxxo_display_details',
				oxxo_display_details: { hosted_voucher_url: 'https://payments.stripe.com/oxxo/voucher/v1' },
			}),
		);
		expect(voucher.nextActionUrl).toBe('https://payments.stripe.com/oxxo/voucher/v1');
		// a page is handed out only while the payment waits for the customer
		const [done] = paymentRecordsFromIntent(
			succeeded({
				next_action: {
					type: 'redirect_to_url',
					redirect_to_url: { url: 'https://hooks.stripe.com/old' },
				},
			}),
		);
		expect(done.nextActionUrl).toBeNull();
		// one invoice with a fee but no amount: the payment is all the invoice's, fee 0
		const [feeOnly] = paymentRecordsFromIntent(
			succeeded({}, [{ invoiceId: 'INV-P1', amountMinor: 0, feeMinor: 300 }]),
		);
		expect([feeOnly.amount.minor, feeOnly.fee.minor, feeOnly.total.minor]).toEqual([300, 0, 300]);
		// a failure always says why; an old attempt's error is no failure of a payment that went on
		const [declined] = paymentRecordsFromIntent(
			sample({
				status: 'requires_payment_method',
				last_payment_error: { code: 'card_declined', message: '' },
			}),
		);
		expect(declined.failure).toEqual({
			code: 'card_declined',
			declineCode: null,
			message: 'The payment failed',
		});
		const [retried] = paymentRecordsFromIntent(
			sample({
				status: 'processing',
				last_payment_error: { code: 'card_declined', message: 'Your card was declined.' },
			}),
		);
		expect(retried.failure).toBeNull();
		// the method by its charge when not expanded, by its id when nothing says more
		expect(paymentRecordsFromIntent(succeeded())[0].paymentMethod).toEqual({
			id: 'pm_paths',
			label: 'Visa •••• 4242',
		});
		expect(
			paymentRecordsFromIntent(succeeded({ latest_charge: 'ch_paths' }))[0].paymentMethod,
		).toEqual({ id: 'pm_paths', label: 'pm_paths' });
		// the key the payment was made with, whatever key the caller or an event names
		expect(
			paymentRecordsFromIntent(succeeded(), { idempotencyKey: 'another-request' })[0]
				.idempotencyKey,
		).toBe(KEY);
		const foreign = { ...succeeded(), metadata: encodeInvoiceMetadata([ONE]) };
		expect(
			paymentRecordsFromIntent(foreign, { idempotencyKey: 'the-request' })[0].idempotencyKey,
		).toBe('the-request');
	});

	describe('PaymentIntents of the local Stripe server', () => {
		const SECRET_KEY = 'sk_test_record_paths_0001';
		let stripe;
		let receiver;
		let signingSecret;
		const deliveries = [];

		beforeAll(async () => {
			stripe = await startStripeServer({ secretKeys: [SECRET_KEY] });
			receiver = http.createServer((request, response) => {
				const chunks = [];
				request.on('data', (chunk) => chunks.push(chunk));
				request.on('end', () => {
					deliveries.push({
						header: request.headers['stripe-signature'],
						rawBody: Buffer.concat(chunks),
					});
					response.writeHead(200).end();
				});
			});
			await new Promise((resolve) => receiver.listen(0, '127.0.0.1', () => resolve(undefined)));
			const endpoint = await transport().request('POST', '/v1/webhook_endpoints', {
				params: {
					url: `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (receiver.address()).port}/hook`,
					enabled_events: STRIPE_WEBHOOK_EVENTS,
				},
			});
			signingSecret = endpoint.secret;
		});
		afterAll(async () => {
			await new Promise((resolve) => receiver.close(resolve));
			await stripe.close();
		});

		function transport() {
			return new StripeTransport({
				http: async ({ method, url, headers, body }) => {
					const response = await fetch(url, {
						method,
						headers: { ...headers, Authorization: `Bearer ${SECRET_KEY}` },
						body,
					});
					return {
						statusCode: response.status,
						headers: Object.fromEntries(response.headers),
						body: await response.text(),
					};
				},
				baseUrl: stripe.url,
				sleep: async () => {},
			});
		}

		let counter = 0;
		/**
		 * @param {number[]} amounts
		 * @param {{ paymentMethod?: string }} [options]
		 * @returns {Parameters<typeof payInvoices>[1]}
		 */
		function request(amounts, { paymentMethod = 'pm_card_visa' } = {}) {
			counter++;
			const customer = stripe.createCustomer({
				name: `Paths ${counter}`,
				metadata: { books_customer_id: `C-${counter}` },
				defaultPaymentMethod: paymentMethod,
			});
			return {
				invoices: amounts.map((amountMinor, index) => ({
					invoiceId: `INV-F${counter}-${index + 1}`,
					amountMinor,
				})),
				currency: 'usd',
				stripeCustomerId: customer.id,
				booksCustomerId: `C-${counter}`,
				feeRate: parseFeePercent('3'),
				how: { kind: 'automatic' },
				allowedPaymentMethodTypes: ['card'],
				idempotencyKey: `invpay-autopay-2026-11-23-paths-${counter}`,
				purpose: 'autopay',
				nowSeconds: Math.floor(Date.now() / 1000),
			};
		}

		/** What the trigger emits for the last event of `type` about `intentId`: verified, parsed, re-read. */
		async function webhookRecords(type, intentId) {
			await stripe.webhooks.idle();
			const events = deliveries.map((delivery) => {
				const verdict = verifyStripeSignature({
					rawBody: delivery.rawBody,
					header: delivery.header,
					secrets: [signingSecret],
					nowSeconds: Math.floor(Date.now() / 1000),
				});
				expect(verdict.ok).toBe(true);
				const parsed = parseStripeEvent(delivery.rawBody);
				return /** @type {Extract<typeof parsed, { ok: true }>} */ (parsed).event;
			});
			const event = events
				.filter((e) => e.type === type && stripeEventPaymentIntentId(e) === intentId)
				.pop();
			expect(event).toBeDefined();
			const current = await transport().request('GET', `/v1/payment_intents/${intentId}`, {
				params: { expand: ['payment_method', 'latest_charge'] },
			});
			return normaliseStripeEvent(
				/** @type {NonNullable<typeof event>} */ (event),
				current,
			).events.map(recordOf);
		}

		test('a charge on the automatic card: the run records what the webhook then reports', async () => {
			const { records } = await payInvoices(transport(), request([12000]));
			expect(records).toHaveLength(1);
			expect(records[0]).toMatchObject({
				status: 'succeeded',
				paymentMethod: { label: 'Visa •••• 4242' },
			});
			expect(await webhookRecords('payment_intent.succeeded', records[0].paymentId)).toEqual(
				records.map(recordOf),
			);
		});

		test('three invoices in one charge: the same three records', async () => {
			const { records } = await payInvoices(transport(), request([12000, 2550, 99]));
			expect(records).toHaveLength(3);
			expect(await webhookRecords('payment_intent.succeeded', records[0].paymentId)).toEqual(
				records.map(recordOf),
			);
		});

		test('a declined charge: the same failure', async () => {
			stripe.declineNextCharges(1, 'insufficientFunds');
			const { records } = await payInvoices(transport(), request([5000]));
			expect(records[0]).toMatchObject({
				status: 'failed',
				failure: { declineCode: 'insufficient_funds' },
			});
			expect(await webhookRecords('payment_intent.payment_failed', records[0].paymentId)).toEqual(
				records.map(recordOf),
			);
		});

		test('part of a combined payment refunded: Get and the refund webhook agree', async () => {
			const { records } = await payInvoices(transport(), request([10000, 2550, 99]));
			const intentId = records[0].paymentId;
			await transport().request('POST', '/v1/refunds', {
				params: { payment_intent: intentId, amount: 10400 },
				idempotencyKey: `refund-${intentId}`,
			});
			// Get: the PaymentIntent read as the Get operation reads it
			const read = await transport().request('GET', `/v1/payment_intents/${intentId}`, {
				params: { expand: ['payment_method', 'latest_charge'] },
			});
			const got = paymentRecordsFromIntent(read);
			expect(got.map((record) => record.status)).toEqual(['refunded', 'succeeded', 'succeeded']);
			expect(await webhookRecords('charge.refunded', intentId)).toEqual(got);
		});
	});
});

// @ts-check
import { encodeInvoiceMetadata } from '../../../nodes/core/payments/invoiceMetadata';
import { payInvoices } from '../../../nodes/core/stripe/payInvoices';
import {
	findBlockingPayment,
	openPayLinkSentence,
	openPayLinks,
} from '../../../nodes/core/stripe/paymentGuards';
import { StripeTransport } from '../../../nodes/core/stripe/transport';

const BASE_URL = 'https://api.stripe.test';
const EXPIRES = 1_790_000_000;
const UNTIL = '2026-09-21T14:13:20.000Z';

const ok = (body) => ({ statusCode: 200, headers: {}, body: JSON.stringify(body) });
const page = (data, hasMore = false) =>
	ok({ object: 'list', url: '/v1/x', has_more: hasMore, data });

/** A StripeTransport over `answer(method, pathWithQuery)`; records every request line. */
function transportFor(answer) {
	const calls = [];
	const transport = new StripeTransport({
		http: async (request) => {
			const url = new URL(request.url);
			const line = `${request.method} ${url.pathname}${url.search}`;
			calls.push(line);
			return answer(request.method, url.pathname, url.searchParams, line, request.body);
		},
		baseUrl: BASE_URL,
		sleep: async () => {},
		random: () => 0.5,
	});
	return { transport, calls };
}

const lines = (...ids) => ids.map((invoiceId) => ({ invoiceId, amountMinor: 5000, feeMinor: 0 }));

/**
 * A Checkout Session with only the fields the guards read (any: Stripe's type names every field).
 * @returns {any}
 */
function session(id, ids, extra = {}) {
	return {
		id,
		object: 'checkout.session',
		mode: 'payment',
		status: 'open',
		customer: 'cus_1',
		currency: 'usd',
		expires_at: EXPIRES,
		livemode: false,
		url: `https://checkout.test/${id}`,
		metadata: encodeInvoiceMetadata(lines(...ids), {
			books_customer_id: 'B-1',
			idempotency_key: `key-${id}`,
		}),
		...extra,
	};
}

/**
 * A PaymentIntent with only the fields the guards read (any: Stripe's type names every field).
 * @returns {any}
 */
function intent(id, status, ids) {
	return {
		id,
		object: 'payment_intent',
		status,
		amount: 5000,
		currency: 'usd',
		customer: 'cus_1',
		livemode: false,
		metadata: encodeInvoiceMetadata(lines(...ids)),
	};
}

describe('openPayLinks', () => {
	test("lists the customer's open Checkout Sessions over every page", async () => {
		const { transport, calls } = transportFor((method, path, query) =>
			query.get('starting_after')
				? page([session('cs_3', ['INV-3'])])
				: page([session('cs_1', ['INV-1']), session('cs_2', ['INV-2'])], true),
		);
		const links = await openPayLinks(transport, 'cus_1');
		expect(links.map((link) => link.id)).toEqual(['cs_1', 'cs_2', 'cs_3']);
		expect(calls).toEqual([
			'GET /v1/checkout/sessions?limit=100&customer=cus_1&status=open',
			'GET /v1/checkout/sessions?limit=100&customer=cus_1&status=open&starting_after=cs_2',
		]);
	});
});

describe('findBlockingPayment with open pay links', () => {
	test('the sentence names the session and when it stops taking payments', () => {
		expect(openPayLinkSentence('cs_test_a1', EXPIRES)).toBe(
			`has an open pay link (Checkout Session cs_test_a1, open until ${UNTIL})`,
		);
	});

	test.each([
		['an open payment-mode session covering the invoice', [session('cs_1', ['INV-1'])], ['INV-1']],
		[
			'a combined link covering two of the three invoices',
			[session('cs_1', ['INV-1', 'INV-3', 'INV-9'])],
			['INV-1', 'INV-3'],
		],
		[
			'the first covering link, newest first',
			[session('cs_2', ['INV-8']), session('cs_1', ['INV-1']), session('cs_0', ['INV-2'])],
			['INV-1'],
		],
	])('%s blocks PAYMENT_PENDING', (_, links, covered) => {
		const blocking = /** @type {NonNullable<ReturnType<typeof findBlockingPayment>>} */ (
			findBlockingPayment([], ['INV-1', 'INV-2', 'INV-3'], links)
		);
		expect(blocking).toMatchObject({ reason: 'PAYMENT_PENDING', invoiceIds: covered });
		expect(blocking.what).toBe(
			`has an open pay link (Checkout Session ${blocking.session?.id}, open until ${UNTIL})`,
		);
		expect(blocking.intent).toBeUndefined();
	});

	test.each([
		['an expired session', session('cs_1', ['INV-1'], { status: 'expired' })],
		['a setup-mode session', session('cs_1', ['INV-1'], { mode: 'setup' })],
		['a session for other invoices', session('cs_1', ['INV-7'])],
		['a session without invoice metadata', session('cs_1', ['INV-1'], { metadata: {} })],
	])('%s does not block', (_, link) => {
		expect(findBlockingPayment([], ['INV-1'], [link])).toBeUndefined();
	});

	test('a completed session: its payment decides; paid after the payments were read, it blocks', () => {
		const paid = session('cs_1', ['INV-1'], { status: 'complete', payment_intent: 'pi_checkout' });
		const failed = {
			...intent('pi_checkout', 'requires_payment_method', ['INV-1']),
			last_payment_error: { code: 'card_declined' },
		};
		expect(findBlockingPayment([failed], ['INV-1'], [paid])).toBeUndefined();
		expect(findBlockingPayment([], ['INV-1'], [paid])).toMatchObject({
			reason: 'PAYMENT_PENDING',
			session: { id: 'cs_1' },
			what: 'has a pay link paid a moment ago (Checkout Session cs_1)',
		});
	});

	test('a page made for a claim holds its invoices only once the claim is turned into it', () => {
		/** @param {string} status @param {string | null} [cancellation_reason] */
		const claim = (status, cancellation_reason = null) => ({
			...intent('pi_claim', status, ['INV-1']),
			last_payment_error: null,
			cancellation_reason,
			metadata: { ...encodeInvoiceMetadata(lines('INV-1')), invoice_claim: 'pay_link' },
		});
		const page = session('cs_1', ['INV-1'], {
			metadata: { ...session('cs_1', ['INV-1']).metadata, claim_id: 'pi_claim' },
		});
		expect(
			findBlockingPayment([claim('requires_payment_method')], ['INV-1'], [page]),
		).toBeUndefined();
		expect(
			findBlockingPayment([claim('canceled', 'duplicate')], ['INV-1'], [page]),
		).toBeUndefined();
		expect(findBlockingPayment([claim('canceled', 'abandoned')], ['INV-1'], [page])).toMatchObject({
			session: { id: 'cs_1' },
		});
		// its claim not in the read (older than it): the page may have reached a customer
		expect(findBlockingPayment([], ['INV-1'], [page])).toMatchObject({ session: { id: 'cs_1' } });
	});

	test('a blocking PaymentIntent comes first; a canceled one gives way to the open link', () => {
		const link = session('cs_1', ['INV-1']);
		expect(
			findBlockingPayment([intent('pi_1', 'succeeded', ['INV-1'])], ['INV-1'], [link]),
		).toMatchObject({
			reason: 'ALREADY_PAID',
			intent: { id: 'pi_1' },
			what: 'already has a succeeded payment (pi_1)',
		});
		expect(
			findBlockingPayment([intent('pi_1', 'canceled', ['INV-1'])], ['INV-1'], [link]),
		).toMatchObject({
			reason: 'PAYMENT_PENDING',
			session: { id: 'cs_1' },
		});
	});
});

describe('payInvoices over an open pay link', () => {
	const request = (how, invoiceIds = ['INV-1'], idempotencyKey = 'key-today') => ({
		invoices: invoiceIds.map((invoiceId) => ({ invoiceId, amountMinor: 5000 })),
		currency: 'usd',
		stripeCustomerId: 'cus_1',
		booksCustomerId: 'B-1',
		feeRate: 0,
		how,
		allowedPaymentMethodTypes: ['card'],
		idempotencyKey,
		purpose: 'manual',
		nowSeconds: EXPIRES - 3600,
	});

	/**
	 * Stripe with one open pay link for INV-1 and INV-2; creating anything is recorded. A claim
	 * (an unconfirmed PaymentIntent) is listed once made, and canceled as asked.
	 */
	function stripeWithLink(link = session('cs_open', ['INV-1', 'INV-2'])) {
		const claims = [];
		return transportFor((method, path, query, line, body) => {
			if (method === 'GET' && path === '/v1/payment_intents') return page(claims);
			if (method === 'GET' && path === '/v1/checkout/sessions') return page([link]);
			if (method === 'POST' && path === '/v1/payment_intents') {
				const sent = new URLSearchParams(body);
				const claim = {
					...intent('pi_claim', 'requires_payment_method', ['INV-1']),
					created: EXPIRES - 3600,
					last_payment_error: null,
				};
				claim.metadata.invoice_claim = sent.get('metadata[invoice_claim]');
				claims.push(claim);
				return ok(claim);
			}
			if (method === 'POST' && path === '/v1/payment_intents/pi_claim/cancel') {
				Object.assign(claims[0], {
					status: 'canceled',
					cancellation_reason: new URLSearchParams(body).get('cancellation_reason'),
				});
				return ok(claims[0]);
			}
			if (method === 'POST' && path === '/v1/checkout/sessions')
				return ok(session('cs_new', ['INV-1']));
			throw new Error(`unexpected ${method} ${path}`);
		});
	}

	test.each([
		['automatic', { kind: 'automatic' }],
		['saved method', { kind: 'savedMethod', paymentMethodId: 'pm_1' }],
		['pay link', { kind: 'payLink' }],
	])(
		'%s: the link covers every invoice asked for: reported pending, nothing sent',
		async (_, how) => {
			const { transport, calls } = stripeWithLink();
			const outcome = await payInvoices(transport, request(how, ['INV-2', 'INV-1']));
			expect(outcome.existingPayment).toBe(true);
			expect(outcome.records).toEqual([
				expect.objectContaining({
					invoiceId: 'INV-1',
					status: 'pending',
					paymentId: null,
					checkoutSessionId: 'cs_open',
					nextActionUrl: 'https://checkout.test/cs_open',
					customer: { booksId: 'B-1', providerId: 'cus_1' },
					amount: expect.objectContaining({ minor: 5000, currency: 'usd' }),
					guard: {
						reason: 'PAYMENT_PENDING',
						message: `Invoice INV-1 has an open pay link (Checkout Session cs_open, open until ${UNTIL}); nothing new was charged`,
					},
				}),
				expect.objectContaining({
					invoiceId: 'INV-2',
					guard: expect.objectContaining({ reason: 'PAYMENT_PENDING' }),
				}),
			]);
			expect(calls.filter((call) => call.startsWith('POST'))).toEqual([]);
		},
	);

	test.each([
		['automatic', { kind: 'automatic' }],
		['pay link', { kind: 'payLink' }],
	])(
		'%s: the link covers some of the invoices: refused, no second link, no charge',
		async (_, how) => {
			const { transport, calls } = stripeWithLink(session('cs_open', ['INV-1']));
			const refusal = payInvoices(transport, request(how, ['INV-1', 'INV-5']));
			await expect(refusal).rejects.toThrow(
				`Invoice INV-1 has an open pay link (Checkout Session cs_open, open until ${UNTIL}); pay the other invoices without it`,
			);
			await expect(refusal).rejects.toMatchObject({ name: 'PaymentRefusedError' });
			expect(calls.filter((call) => call.startsWith('POST'))).toEqual([]);
		},
	);

	test("a link made with the request's own key is its earlier answer: the same key replays it", async () => {
		const { transport, calls } = stripeWithLink(
			session('cs_open', ['INV-1'], {
				metadata: encodeInvoiceMetadata(lines('INV-1'), { idempotency_key: 'key-today' }),
			}),
		);
		const outcome = await payInvoices(transport, request({ kind: 'payLink' }));
		expect(outcome.existingPayment).toBe(false);
		// its claim, the page made for it, the claim turned into the page
		expect(calls.filter((call) => call.startsWith('POST'))).toEqual([
			'POST /v1/payment_intents',
			'POST /v1/checkout/sessions',
			'POST /v1/payment_intents/pi_claim/cancel',
		]);
	});
});

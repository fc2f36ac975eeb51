// @ts-check
/**
 * Charge Token claiming the invoice in Stripe first (chargeWithStripeClaim.ts), step by step,
 * against the local Stripe server and the local 360 gateway over HTTP: claim, hold, turn,
 * capture; blocked, declined, a racer taking the claim, a capture that fails; killed between
 * any two steps. The ledgers of both servers are the judge of the money taken.
 */
import { CoreInputError } from '../../../nodes/core/errors';
import { parseFeePercent } from '../../../nodes/core/money/fee';
import {
	chargeTokenClaimingStripe,
	gateway360ChargeKey,
} from '../../../nodes/core/gateway360/chargeWithStripeClaim';
import { Gateway360ApiError } from '../../../nodes/core/gateway360/errors';
import { Gateway360Transport } from '../../../nodes/core/gateway360/transport';
import { payInvoices } from '../../../nodes/core/stripe/payInvoices';
import { StripeReadCache } from '../../../nodes/core/stripe/readCache';
import { StripeTransport } from '../../../nodes/core/stripe/transport';
import { normaliseStripeEvent } from '../../../nodes/core/webhooks/stripeEvent';
import { startGateway360Server } from '../../fakes/gateway360-server';
import { nodeHttp } from '../../fakes/gateway360/node-http';
import { startStripeServer } from '../../fakes/stripe-server';

const STRIPE_KEY = 'sk_test_gateway360_claims_01';
const GATEWAY_KEY = 'core-claim-security-key-000001';

let stripe;
let gateway;
beforeAll(async () => {
	[stripe, gateway] = await Promise.all([
		startStripeServer({ secretKeys: [STRIPE_KEY] }),
		startGateway360Server({ securityKeys: [GATEWAY_KEY] }),
	]);
});
afterAll(async () => {
	await Promise.all([stripe.close(), gateway.close()]);
});

/** Waits of the protocol, shortened (the clock that matters is Stripe's). */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50)));

/**
 * @param {{ before(step: string): unknown, after(step: string): unknown }} script
 * @returns {import('../../../nodes/core/stripe/transport').StripeHttp}
 */
function stripeHttp(script) {
	return async ({ method, url, headers, body }) => {
		const step = `${method} ${new URL(url).pathname.replace(/\/(pi|cs)_\w+/, '/$1_…')}`;
		await script.before(step);
		const response = await fetch(url, {
			method,
			headers: { ...headers, Authorization: `Bearer ${STRIPE_KEY}` },
			body,
		});
		const answer = {
			statusCode: response.status,
			headers: Object.fromEntries(response.headers),
			body: await response.text(),
		};
		await script.after(step);
		return answer;
	};
}

function gatewayHttp(script) {
	const send = nodeHttp(GATEWAY_KEY);
	return async (request) => {
		const step = `gateway ${new URLSearchParams(request.body ?? '').get('type') ?? 'query'}`;
		await script.before(step);
		const scripted = script.answer(step);
		const answer = scripted ? { statusCode: 200, body: scripted } : await send(request);
		await script.after(step);
		return answer;
	};
}

/**
 * Both transports, sharing one script of steps. `dieAt`: the process dies before request
 * dieAt + 1, or (`lostAnswer`) right after request dieAt was committed. `before` / `after`:
 * what else happens at a step (a racer, a hold gone).
 */
function transports({
	dieAt = Infinity,
	lostAnswer = false,
	before = {},
	after = {},
	answers = {},
} = {}) {
	const steps = [];
	let died = false;
	const die = () => {
		died = true;
		throw new Error('killed');
	};
	const script = {
		async before(step) {
			if (died || steps.length >= dieAt) die();
			steps.push(step);
			await before[step]?.();
		},
		async after(step) {
			if (lostAnswer && steps.length === dieAt) die();
			await after[step]?.();
		},
		// a gateway answer given by the test instead of sending the request (once)
		answer(step) {
			const body = answers[step];
			delete answers[step];
			return body;
		},
	};
	const stripeTransport = new StripeTransport({
		http: stripeHttp(script),
		baseUrl: stripe.url,
		sleep,
		maxNetworkRetries: 0,
	});
	const gatewayTransport = new Gateway360Transport({
		http: gatewayHttp(script),
		baseUrl: gateway.url,
		sleep: async () => {},
	});
	return { stripeTransport, gatewayTransport, steps, died: () => died };
}

/** A plain Stripe transport for the test's own moves (a racer, a look at the claim). */
const plainStripe = () =>
	new StripeTransport({
		http: stripeHttp({ before() {}, after() {} }),
		baseUrl: stripe.url,
		sleep,
	});

let counter = 0;
/** A books customer mapped to a Stripe customer with a saved card, and one open invoice. */
function newInvoice({ ccnumber = '4111111111111111' } = {}) {
	const booksId = `G-${++counter}`;
	const customer = stripe.createCustomer({
		name: booksId,
		metadata: { books_customer_id: booksId },
		defaultPaymentMethod: 'pm_card_visa',
	});
	return {
		stripeCustomerId: customer.id,
		request: {
			invoiceId: `gi-${counter}`,
			invoiceNumber: `GI-${counter}`,
			customerId: booksId,
			amountMinor: 4000,
			feeMinor: 120,
			// the fee is a surcharge: charged on a credit card with surcharging on
			surchargeCreditCards: true,
			cardCategory: /** @type {const} */ ('credit'),
			currency: 'usd',
			paymentToken: gateway.createToken({ ccnumber }),
		},
	};
}

function charge360(inv, t = transports()) {
	const side = {
		transport: t.stripeTransport,
		reads: new StripeReadCache(t.stripeTransport),
		nowSeconds: Math.floor(Date.now() / 1000),
	};
	return chargeTokenClaimingStripe(t.gatewayTransport, side, inv.request, inv.stripeCustomerId);
}

/** Stripe's own path for the same invoice: an agent charging the automatic method. */
/** A Stripe path's refusal of an invoice a turned 360 claim holds (Stripe has no record of it to report). */
const PAID_THROUGH_360 = /was paid through 360 Payments \(claim pi_\w+\); nothing was charged$/;

function payInStripe(
	inv,
	key = `agent-${inv.request.invoiceId}-${++counter}`,
	transport = plainStripe(),
) {
	return payInvoices(transport, {
		invoices: [{ invoiceId: inv.request.invoiceId, amountMinor: 4000 }],
		currency: 'usd',
		stripeCustomerId: inv.stripeCustomerId,
		booksCustomerId: inv.request.customerId,
		feeRate: parseFeePercent('3'),
		how: { kind: 'automatic' },
		allowedPaymentMethodTypes: ['card'],
		idempotencyKey: key,
		purpose: 'manual',
		nowSeconds: Math.floor(Date.now() / 1000),
	});
}

/** Money taken for the invoice: Stripe's succeeded charges plus the gateway's sales and captured holds. */
const moneyTaken = (inv) =>
	stripe.ledger.chargesFor(inv.request.invoiceId) +
	gateway.ledger.chargesFor(inv.request.invoiceId);

async function claimsOf(inv) {
	const list = await plainStripe().request('GET', '/v1/payment_intents', {
		params: { customer: inv.stripeCustomerId },
	});
	return list.data.filter((intent) => intent.metadata.invoice_claim === 'gateway360');
}

describe('claimed, held, turned, captured', () => {
	test('the money is taken once, at the gateway, only after the claim was turned; then every Stripe path refuses the invoice', async () => {
		const inv = newInvoice();
		const t = transports();
		const outcome = await charge360(inv, t);
		expect(outcome).toMatchObject({
			existingPayment: false,
			voidedTransactionId: null,
			claimId: expect.stringMatching(/^pi_/),
		});
		expect(outcome.record).toMatchObject({
			provider: 'gateway360',
			invoiceId: inv.request.invoiceId,
			status: 'succeeded',
			total: { minor: 4120 },
			fee: { minor: 120 },
			customer: { booksId: inv.request.customerId },
			paymentMethod: { label: 'Visa •••• 1111' },
			idempotencyKey: gateway360ChargeKey(inv.request),
		});
		expect(moneyTaken(inv)).toBe(1);
		expect(gateway.ledger.salesFor(inv.request.invoiceId)).toEqual([
			expect.objectContaining({
				transactionId: outcome.record.paymentId,
				type: 'auth',
				captured: true,
				amount: '41.20',
			}),
		]);
		// the claim first, the hold, the turn (the compare-and-set), and only then the capture
		expect(t.steps).toEqual([
			'gateway query',
			'POST /v1/payment_intents',
			'GET /v1/payment_intents',
			'GET /v1/checkout/sessions',
			'gateway auth',
			'POST /v1/payment_intents/pi_…/cancel',
			'gateway capture',
			'gateway query',
		]);
		const [claim] = await claimsOf(inv);
		expect(claim).toMatchObject({
			id: outcome.claimId,
			status: 'canceled',
			cancellation_reason: 'abandoned',
			amount: 4120,
			currency: 'usd',
			payment_method: null,
			latest_charge: null,
			metadata: {
				invoice_claim: 'gateway360',
				invoice_id: inv.request.invoiceId,
				invoice_lines: '4000/120',
				books_customer_id: inv.request.customerId,
				idempotency_key: gateway360ChargeKey(inv.request),
			},
		});
		// the hold carries the request's key, so a re-run finds it
		const [hold] = gateway.transactions().filter((tx) => tx.orderId === inv.request.invoiceId);
		expect(hold.merchantDefinedFields).toEqual({
			1: inv.request.customerId,
			2: inv.request.invoiceNumber,
			3: gateway360ChargeKey(inv.request),
		});

		// Stripe has no record of that payment to report: a Stripe path is refused, naming it.
		await expect(payInStripe(inv)).rejects.toThrow(
			`Invoice ${inv.request.invoiceId} was paid through 360 Payments (claim ${claim.id}); nothing was charged`,
		);
		expect(moneyTaken(inv)).toBe(1);

		// Its cancellation is no canceled payment: the Payment Webhook Trigger ignores it.
		/** @type {Parameters<typeof normaliseStripeEvent>[0]} */
		const event = {
			id: 'evt_claim_turned',
			object: 'event',
			type: 'payment_intent.canceled',
			created: claim.created,
			livemode: false,
			data: { object: claim },
		};
		expect(normaliseStripeEvent(event, claim)).toEqual({
			events: [],
			ignored: 'claim_released',
			stateKey: null,
		});
	});

	test('a re-run of the same charge (the same token) charges nothing more and answers with the payment', async () => {
		const inv = newInvoice();
		const first = await charge360(inv);
		const again = await charge360(inv);
		expect(again.record).toMatchObject({ status: 'succeeded', paymentId: first.record.paymentId });
		expect(moneyTaken(inv)).toBe(1);
	});

	test('a second card entry (a new token) finds the invoice paid at the gateway: nothing charged', async () => {
		const inv = newInvoice();
		const first = await charge360(inv);
		const second = await charge360({
			...inv,
			request: {
				...inv.request,
				paymentToken: gateway.createToken({ ccnumber: '5431111111111111' }),
			},
		});
		expect(second).toMatchObject({
			existingPayment: true,
			record: { paymentId: first.record.paymentId, guard: { reason: 'ALREADY_PAID' } },
		});
		expect(moneyTaken(inv)).toBe(1);
		expect(gateway.ledger.salesFor(inv.request.invoiceId)).toHaveLength(1);
	});

	test('the same token sent twice at once (a double click): one hold, one capture, both answers name it', async () => {
		const inv = newInvoice();
		const [a, b] = await Promise.all([charge360(inv), charge360(inv)]);
		expect(moneyTaken(inv)).toBe(1);
		expect(a.record.paymentId).toBe(b.record.paymentId);
		expect([a.record.status, b.record.status]).toEqual(['succeeded', 'succeeded']);
	});
	test('a second page of the invoice while the first is being captured: refused, nothing held; once captured, that payment is the answer', async () => {
		const inv = newInvoice();
		// the first charge stops right after turning its claim, before its capture
		const first = transports({ dieAt: 6, lostAnswer: true });
		await expect(charge360(inv, first)).rejects.toBeDefined();
		expect(first.steps.at(-1)).toBe('POST /v1/payment_intents/pi_…/cancel');
		const [turned] = (await claimsOf(inv)).filter(
			(claim) => claim.cancellation_reason === 'abandoned',
		);
		const second = {
			...inv,
			request: {
				...inv.request,
				paymentToken: gateway.createToken({ ccnumber: '5431111111111111' }),
			},
		};
		await expect(charge360(second)).rejects.toThrow(
			`Invoice ${inv.request.invoiceId} is being paid by another request at this moment (claim ${turned.id}); nothing was charged: try again in a few minutes`,
		);
		expect(gateway.ledger.salesFor(inv.request.invoiceId)).toHaveLength(1);
		const finished = await charge360(inv);
		expect(finished.record.status).toBe('succeeded');
		expect(await charge360(second)).toMatchObject({
			existingPayment: true,
			record: { paymentId: finished.record.paymentId },
		});
		expect(moneyTaken(inv)).toBe(1);
	});
});

describe('the invoice held on the Stripe side: nothing at the gateway', () => {
	test('a succeeded Stripe payment: its record, ALREADY_PAID, no request to charge the card', async () => {
		const inv = newInvoice();
		const paid = await payInStripe(inv);
		const t = transports();
		const outcome = await charge360(inv, t);
		expect(outcome.existingPayment).toBe(true);
		expect(outcome.record).toMatchObject({
			provider: 'stripe',
			paymentId: paid.records[0].paymentId,
			status: 'succeeded',
			guard: {
				reason: 'ALREADY_PAID',
				message: `Invoice ${inv.request.invoiceId} already has a succeeded payment (${paid.records[0].paymentId}); nothing was charged at 360 Payments`,
			},
		});
		expect(
			t.steps.filter((step) => step.startsWith('gateway') && step !== 'gateway query'),
		).toEqual([]);
		expect(gateway.ledger.salesFor(inv.request.invoiceId)).toEqual([]);
		expect(moneyTaken(inv)).toBe(1);
	});

	test('an open pay link: PAYMENT_PENDING naming the page', async () => {
		const inv = newInvoice();
		const link = await payInvoices(plainStripe(), {
			invoices: [{ invoiceId: inv.request.invoiceId, amountMinor: 4000 }],
			currency: 'usd',
			stripeCustomerId: inv.stripeCustomerId,
			booksCustomerId: inv.request.customerId,
			feeRate: 0,
			how: { kind: 'payLink' },
			allowedPaymentMethodTypes: ['card'],
			idempotencyKey: `link-${inv.request.invoiceId}`,
			purpose: 'paylink',
			nowSeconds: Math.floor(Date.now() / 1000),
		});
		const outcome = await charge360(inv);
		expect(outcome).toMatchObject({
			existingPayment: true,
			record: {
				provider: 'stripe',
				status: 'pending',
				checkoutSessionId: link.records[0].checkoutSessionId,
				guard: { reason: 'PAYMENT_PENDING' },
			},
		});
		expect(gateway.ledger.salesFor(inv.request.invoiceId)).toEqual([]);
	});

	test('a 360 claim turned into a charge this gateway shows nothing of: refused for a person to look at, nothing charged', async () => {
		const inv = newInvoice();
		// made by Charge Token on another gateway account, say
		const api = plainStripe();
		const made = await api.request('POST', '/v1/payment_intents', {
			params: {
				amount: 4120,
				currency: 'usd',
				customer: inv.stripeCustomerId,
				metadata: {
					invoice_claim: 'gateway360',
					invoice_id: inv.request.invoiceId,
					invoice_ids: inv.request.invoiceId,
					invoice_lines: '4000/120',
					invoice_count: '1',
					idempotency_key: 'invpay-gateway360-charge-elsewhere',
				},
			},
		});
		await api.request('POST', `/v1/payment_intents/${made.id}/cancel`, {
			params: { cancellation_reason: 'abandoned' },
		});
		await expect(charge360(inv)).rejects.toThrow(
			`Invoice ${inv.request.invoiceNumber} is held in Stripe as paid through 360 Payments (claim ${made.id}), but this gateway shows no payment of that charge for order ${inv.request.invoiceId}. Nothing was charged.`,
		);
		expect(gateway.ledger.salesFor(inv.request.invoiceId)).toEqual([]);
	});

	test('an amount Stripe cannot hold, or an invoice ID its metadata cannot carry, fails before any request', async () => {
		const inv = newInvoice();
		const t = transports();
		await expect(
			charge360({ ...inv, request: { ...inv.request, amountMinor: 30, feeMinor: 0 } }, t),
		).rejects.toThrow(
			new CoreInputError('amount', "Amount 0.30 USD is below Stripe's minimum charge of 0.50 USD"),
		);
		await expect(
			charge360({ ...inv, request: { ...inv.request, invoiceId: 'gi,2' } }, t),
		).rejects.toThrow(CoreInputError);
		expect(t.steps).toEqual([]);
	});
});

describe('the card at the gateway', () => {
	test('a declined hold: a failed record, the claim given up, the invoice payable by Stripe', async () => {
		const inv = newInvoice({ ccnumber: '4000000000000002' });
		const outcome = await charge360(inv);
		expect(outcome.record).toMatchObject({
			status: 'failed',
			failure: { code: '200', message: 'DECLINE' },
		});
		const [claim] = await claimsOf(inv);
		expect(claim).toMatchObject({ status: 'canceled', cancellation_reason: 'duplicate' });
		expect((await payInStripe(inv)).records[0].status).toBe('succeeded');
		expect(moneyTaken(inv)).toBe(1);
	});

	test("a racer cancels the claim between the hold and the turn: the hold is voided and the racer's payment named", async () => {
		const inv = newInvoice();
		/** @type {any} the racer's payInvoices outcome, once it has run */
		let racer;
		const t = transports({
			after: {
				// Right after the hold: a Stripe request whose claim came first in Stripe's order
				// cancels this claim and charges the invoice.
				'gateway auth': async () => {
					const [claim] = await claimsOf(inv);
					await plainStripe().request('POST', `/v1/payment_intents/${claim.id}/cancel`, {
						params: { cancellation_reason: 'duplicate' },
					});
					racer = await payInStripe(inv);
				},
			},
		});
		const outcome = await charge360(inv, t);
		expect(racer.records[0].status).toBe('succeeded');
		const [hold] = gateway.ledger.salesFor(inv.request.invoiceId);
		expect(hold).toMatchObject({ type: 'auth', voided: true, captured: false });
		expect(outcome).toMatchObject({
			existingPayment: true,
			voidedTransactionId: hold.transactionId,
			record: {
				provider: 'stripe',
				paymentId: racer.records[0].paymentId,
				guard: { reason: 'ALREADY_PAID' },
			},
		});
		expect(outcome.record.guard?.message).toBe(
			`Invoice ${inv.request.invoiceId} already has a succeeded payment (${racer.records[0].paymentId}); nothing was charged at 360 Payments; this payment's hold ${hold.transactionId} was released`,
		);
		expect(t.steps).not.toContain('gateway capture');
		expect(moneyTaken(inv)).toBe(1);
	});

	test('a capture the gateway refuses after the turn: an error saying what it leaves; a retry of the run captures the hold, once', async () => {
		const inv = newInvoice();
		const t = transports({
			answers: {
				'gateway capture':
					'response=3&responsetext=Processor%20unavailable&response_code=301&transactionid=&type=capture',
			},
		});
		const failure = await charge360(inv, t).catch((error) => error);
		expect(failure).toMatchObject({
			kind: 'capture_failed',
			responseCode: '301',
			message: expect.stringMatching(
				/^The capture of hold \d+ failed \(Processor unavailable\); nothing was taken\./,
			),
		});
		expect(moneyTaken(inv)).toBe(0);
		await expect(payInStripe(inv)).rejects.toThrow(PAID_THROUGH_360);
		const retried = await charge360(inv);
		expect(retried.record).toMatchObject({ status: 'succeeded', paymentId: failure.transactionId });
		expect(moneyTaken(inv)).toBe(1);
		expect((await charge360(inv)).record.paymentId).toBe(failure.transactionId);
		expect(moneyTaken(inv)).toBe(1);
	});

	test('a capture that fails because the hold is gone: the retry says so; a new card entry is charged once, with a claim of its own', async () => {
		const inv = newInvoice();
		const t = transports({
			before: {
				// the hold is gone when the capture arrives (voided at the gateway, or expired)
				'gateway capture': async () => {
					const [hold] = gateway.ledger.salesFor(inv.request.invoiceId);
					await new Gateway360Transport({
						http: nodeHttp(GATEWAY_KEY),
						baseUrl: gateway.url,
						sleep: async () => {},
					}).transact({ type: 'void', transactionid: hold.transactionId });
				},
			},
		});
		const failure = await charge360(inv, t).catch((error) => error);
		const [hold] = gateway.ledger.salesFor(inv.request.invoiceId);
		const [claim] = await claimsOf(inv);
		expect(failure).toBeInstanceOf(Gateway360ApiError);
		expect(failure).toMatchObject({
			kind: 'capture_failed',
			responseCode: '300',
			transactionId: hold.transactionId,
		});
		expect(failure.message).toBe(
			`The capture of hold ${hold.transactionId} failed (Transaction cannot be captured); nothing was taken. Invoice ${inv.request.invoiceNumber} stays held in Stripe as paid through 360 Payments (claim ${claim.id}): retry this run to capture the hold; if the hold is gone, the customer pays again with a new card entry`,
		);
		expect(claim).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
		// The Stripe side keeps the invoice: no Stripe path charges it.
		await expect(payInStripe(inv)).rejects.toThrow(PAID_THROUGH_360);
		await expect(charge360(inv)).rejects.toThrow(
			/has no hold of this payment left to capture \(voided or expired\): nothing was charged/,
		);
		expect(moneyTaken(inv)).toBe(0);
		// The turned claim pays nothing (its hold is gone): another card entry looks past it.
		const again = {
			...inv,
			request: {
				...inv.request,
				paymentToken: gateway.createToken({ ccnumber: '5431111111111111' }),
			},
		};
		const paid = await charge360(again);
		expect(paid).toMatchObject({
			existingPayment: false,
			record: { status: 'succeeded' },
			claimId: expect.not.stringMatching(claim.id),
		});
		expect(moneyTaken(inv)).toBe(1);
		await expect(payInStripe(inv)).rejects.toThrow(PAID_THROUGH_360);
		expect(moneyTaken(inv)).toBe(1);
	});

	test('a 360 payment refunded in full pays nothing: the invoice is charged again through 360, once; Stripe still refuses it', async () => {
		const inv = newInvoice();
		const first = await charge360(inv);
		gateway.settle();
		const gatewayApi = new Gateway360Transport({
			http: nodeHttp(GATEWAY_KEY),
			baseUrl: gateway.url,
			sleep: async () => {},
		});
		expect(
			await gatewayApi.transact({
				type: 'refund',
				transactionid: /** @type {string} */ (first.record.paymentId),
			}),
		).toMatchObject({ response: 1 });
		// A second page of the reopened invoice, and the auto-pay, at once.
		const again = {
			...inv,
			request: {
				...inv.request,
				paymentToken: gateway.createToken({ ccnumber: '4111111111111111' }),
			},
		};
		const [second, autoPay] = await Promise.all([
			charge360(again),
			payInStripe(inv).catch((error) => error),
		]);
		expect(second).toMatchObject({ existingPayment: false, record: { status: 'succeeded' } });
		expect(second.claimId).not.toBe(first.claimId);
		expect(autoPay.message).toMatch(PAID_THROUGH_360);
		expect(stripe.ledger.chargesFor(inv.request.invoiceId)).toBe(0);
		const sales = gateway.ledger.salesFor(inv.request.invoiceId);
		expect(sales.map((sale) => [sale.transactionId, sale.captured, sale.refunded])).toEqual([
			[first.record.paymentId, true, '41.20'],
			[second.record.paymentId, true, '0.00'],
		]);
		// A third card entry: paid, by the second payment.
		const third = {
			...inv,
			request: {
				...inv.request,
				paymentToken: gateway.createToken({ ccnumber: '4111111111111111' }),
			},
		};
		expect(await charge360(third)).toMatchObject({
			existingPayment: true,
			record: { paymentId: second.record.paymentId },
		});
	});
});

describe('killed between two steps', () => {
	let healthySteps;
	beforeAll(async () => {
		const t = transports();
		await charge360(newInvoice(), t);
		healthySteps = t.steps.length;
	});

	/** Every kill point: before each request, and right after each (committed, the answer lost). */
	const killPoints = () =>
		Array.from({ length: healthySteps + 1 }, (_, dieAt) => [
			...(dieAt < healthySteps ? [{ dieAt, lostAnswer: false }] : []),
			...(dieAt > 0 ? [{ dieAt, lostAnswer: true }] : []),
		]).flat();

	/**
	 * The killed run: an error, or (killed only in the last read, after the capture) the payment,
	 * whose record is made from the capture's answer.
	 */
	async function killedRun(inv, kill) {
		const killed = transports(kill);
		const outcome = await charge360(inv, killed).catch((error) => error);
		expect(killed.died()).toBe(true);
		if (!(outcome instanceof Error)) {
			// the last request sent (before it, or its answer lost) is that read
			const lastSent = kill.lostAnswer ? kill.dieAt : kill.dieAt + 1;
			expect([lastSent, outcome.record.status]).toEqual([healthySteps, 'succeeded']);
		}
		return outcome;
	}

	test('a re-run of the same charge finishes it: one capture, never a second sale', async () => {
		expect(healthySteps).toBe(8);
		for (const kill of killPoints()) {
			const inv = newInvoice();
			await killedRun(inv, kill);
			const rerun = await charge360(inv);
			expect([kill, rerun.record.status, moneyTaken(inv)]).toEqual([kill, 'succeeded', 1]);
			expect(gateway.ledger.salesFor(inv.request.invoiceId)).toHaveLength(1);
		}
	}, 60_000);

	test('a Stripe path after the kill: never a second charge; held only until the claim is stale, or until the re-run', async () => {
		for (const kill of killPoints()) {
			const inv = newInvoice();
			await killedRun(inv, kill);
			// Minutes later (Stripe's clock): an agent charges the invoice in Stripe.
			stripe.advanceClock(301);
			/** @type {{ records?: unknown, refused?: string }} the outcome, or the refusal's message */
			const inStripe = await payInStripe(inv).then(
				(outcome) => outcome,
				(error) => ({ refused: error.message }),
			);
			expect([kill, moneyTaken(inv) <= 1]).toEqual([kill, true]);
			if (inStripe.refused) {
				// The killed charge got as far as turning its claim (or capturing): Stripe refuses the invoice.
				expect(inStripe.refused).toMatch(
					/was paid through 360 Payments \(claim pi_\w+\); nothing was charged$/,
				);
			} else {
				// Its claim was open or lost: stale now, the Stripe path cancels it and charges.
				expect([kill, stripe.ledger.chargesFor(inv.request.invoiceId)]).toEqual([kill, 1]);
			}
			// The re-run finishes the killed charge: captures only if its claim was turned, else releases its hold.
			const rerun = await charge360(inv);
			expect([kill, moneyTaken(inv)]).toEqual([kill, 1]);
			if (!inStripe.refused) {
				expect(rerun).toMatchObject({
					existingPayment: true,
					record: { provider: 'stripe', guard: { reason: 'ALREADY_PAID' } },
				});
				expect(gateway.ledger.salesFor(inv.request.invoiceId).every((sale) => !sale.captured)).toBe(
					true,
				);
			}
		}
	}, 120_000);

	test('a claim of a charge killed a moment ago holds its invoice: a Stripe path waits, then charges nothing', async () => {
		const inv = newInvoice();
		// killed right after its claim was made (the gateway read, the claim): open, nothing held
		await expect(charge360(inv, transports({ dieAt: 2, lostAnswer: true }))).rejects.toBeDefined();
		stripe.advanceClock(2);
		const [claim] = await claimsOf(inv);
		const answer = await payInStripe(inv).then(
			(outcome) => outcome.records[0].guard?.message,
			(error) => error.message,
		);
		expect(answer).toContain(`is being paid by another request at this moment (claim ${claim.id})`);
		expect(moneyTaken(inv)).toBe(0);
		// the re-run (within the claim's 5 minutes) pays it
		expect((await charge360(inv)).record.status).toBe('succeeded');
		expect(moneyTaken(inv)).toBe(1);
	}, 60_000);
});

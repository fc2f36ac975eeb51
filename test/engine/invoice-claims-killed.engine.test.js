// @ts-check
/**
 * A payment killed between any two of its steps (the process gone: what Stripe committed stays,
 * nothing more is sent), against the local Stripe server: its re-run finishes it with one charge,
 * and another path is never blocked for ever by the half-done claim (docs/money-safety.md).
 * Kill points: before each request the payment sends, and after each (committed at Stripe, the
 * answer lost with the process).
 */
import { payInvoices } from '../../nodes/core/stripe/payInvoices';
import { StripeTransport } from '../../nodes/core/stripe/transport';
import { SECRET_KEY, startStripe } from './stripe-node';

let stripe;
beforeAll(async () => {
	stripe = await startStripe();
});
afterAll(async () => {
	await stripe.close();
});

/** A transport to the local server that dies before request `dieAt + 1`, or right after `dieAt` when `lostAnswer`. */
function transport({ dieAt = Infinity, lostAnswer = false } = {}) {
	let sent = 0;
	/** @type {import('../../nodes/core/stripe/transport').StripeHttp} */
	const http = async ({ method, url, headers, body }) => {
		if (sent >= dieAt) throw new Error('killed');
		sent++;
		const response = await fetch(url, {
			method,
			headers: { ...headers, Authorization: `Bearer ${SECRET_KEY}` },
			body,
		});
		const text = await response.text();
		if (lostAnswer && sent === dieAt) throw new Error('killed after the request was committed');
		return {
			statusCode: response.status,
			headers: Object.fromEntries(response.headers),
			body: text,
		};
	};
	const t = new StripeTransport({
		http,
		baseUrl: stripe.url,
		sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 50))),
		maxNetworkRetries: 0,
	});
	return { transport: t, sent: () => sent };
}

let counter = 0;
function newInvoice() {
	const booksId = `K-${++counter}`;
	const customer = stripe.createCustomer({
		name: booksId,
		metadata: { books_customer_id: booksId },
		defaultPaymentMethod: 'pm_card_visa',
	});
	return { customerId: customer.id, booksId, invoiceId: `KI-${counter}` };
}

function request(inv, how, idempotencyKey) {
	return {
		invoices: [{ invoiceId: inv.invoiceId, amountMinor: 4000, balanceMinor: 4000 }],
		currency: 'usd',
		stripeCustomerId: inv.customerId,
		booksCustomerId: inv.booksId,
		feeRate: 0,
		how: { kind: how },
		allowedPaymentMethodTypes: ['card'],
		idempotencyKey,
		purpose: how === 'payLink' ? 'paylink' : 'autopay',
		nowSeconds: Math.floor(Date.now() / 1000),
	};
}

const charges = (inv) => stripe.ledger.chargesFor(inv.invoiceId);

/** How many requests a whole, healthy payment of this kind sends. */
async function stepsOf(how) {
	const inv = newInvoice();
	const healthy = transport();
	await payInvoices(healthy.transport, request(inv, how, `steps-${how}-${inv.invoiceId}`));
	return healthy.sent();
}

describe.each(['automatic', 'payLink'])('%s payment killed between its steps', (how) => {
	test('re-run with the same key: it finishes, one charge (or one pay link), never two', async () => {
		const steps = await stepsOf(how);
		expect(steps).toBeGreaterThanOrEqual(4);
		for (let dieAt = 0; dieAt <= steps; dieAt++) {
			for (const lostAnswer of [false, true]) {
				// killed before request dieAt + 1 (0 .. steps - 1), or right after request dieAt (1 .. steps)
				if (lostAnswer ? dieAt === 0 : dieAt === steps) continue;
				const inv = newInvoice();
				const key = `rerun-${how}-${inv.invoiceId}`;
				await expect(
					payInvoices(transport({ dieAt, lostAnswer }).transport, request(inv, how, key)),
				).rejects.toThrow(/killed/);
				const { records } = await payInvoices(transport().transport, request(inv, how, key));
				expect(charges(inv)).toBeLessThanOrEqual(1);
				if (how === 'automatic') {
					expect([dieAt, lostAnswer, records[0].status]).toEqual([dieAt, lostAnswer, 'succeeded']);
					expect(charges(inv)).toBe(1);
				} else {
					expect([dieAt, lostAnswer, records[0].status]).toEqual([dieAt, lostAnswer, 'pending']);
					const paid = stripe.completeCheckoutSession(records[0].checkoutSessionId);
					expect(paid.paymentIntent.status).toBe('succeeded');
					expect(charges(inv)).toBe(1);
				}
			}
		}
	}, 120_000);

	test('another path after the kill: never a second charge; a half-done claim holds only until it is stale', async () => {
		const steps = await stepsOf(how);
		for (let dieAt = 1; dieAt <= steps; dieAt++) {
			const inv = newInvoice();
			await expect(
				payInvoices(
					transport({ dieAt, lostAnswer: true }).transport,
					request(inv, how, `killed-${inv.invoiceId}`),
				),
			).rejects.toThrow(/killed/);
			// Minutes later (Stripe's clock): an agent charges the invoice.
			stripe.advanceClock(301);
			const { records, existingPayment } = await payInvoices(
				transport().transport,
				request(inv, 'automatic', `agent-${inv.invoiceId}`),
			);
			expect(charges(inv)).toBeLessThanOrEqual(1);
			if (existingPayment) {
				// the killed payment got as far as taking the money, or handing out its pay link
				expect(records[0].guard?.reason).toMatch(/^(ALREADY_PAID|PAYMENT_PENDING)$/);
			} else {
				expect(records[0].status).toBe('succeeded');
				expect(charges(inv)).toBe(1);
			}
		}
	}, 120_000);
});

test('a claim of a payment killed a moment ago holds its invoice: another path waits, then is refused, nothing charged', async () => {
	const inv = newInvoice();
	// killed right after its claim was made (first look: payments, pay links; the customer's
	// automatic method; the claim): the claim is open, nothing charged
	await expect(
		payInvoices(
			transport({ dieAt: 4, lostAnswer: true }).transport,
			request(inv, 'automatic', `k-${inv.invoiceId}`),
		),
	).rejects.toThrow(/killed/);
	// Two seconds later (of the same second, the smaller id would go first: Stripe's order of claims).
	stripe.advanceClock(2);
	const agent = payInvoices(
		transport().transport,
		request(inv, 'automatic', `agent-${inv.invoiceId}`),
	);
	await expect(agent).rejects.toThrow(
		new RegExp(
			`^Invoice ${inv.invoiceId} is being paid by another request at this moment \\(claim pi_\\w+\\); nothing was charged: try again in a few minutes$`,
		),
	);
	expect(charges(inv)).toBe(0);
	// five minutes on, the half-done claim is stale: the next request cancels it and charges
	stripe.advanceClock(301);
	const { records } = await payInvoices(
		transport().transport,
		request(inv, 'automatic', `agent-${inv.invoiceId}`),
	);
	expect(records[0].status).toBe('succeeded');
	expect(charges(inv)).toBe(1);
}, 60_000);

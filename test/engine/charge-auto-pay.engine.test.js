// @ts-check
/**
 * Charge Auto-Pay Invoice: the daily run's pay step charges what the Auto-Pay Scan decided,
 * re-deriving nothing (no customer mapped or read again, no amount parsed again), and judges each
 * claim on reads of the whole account shared by the claims of the moment (docs/stripe-limits.md),
 * so its requests grow with pages, not customers. The local Stripe server counts the requests.
 */
import {
	CHARGE_AUTO_PAY_PARAMS,
	newRacer,
	runNode,
	scannedCharge,
	startStripe,
} from './stripe-node';

const NODE = 'stripeInvoicePayment';

let stripe;
beforeAll(async () => {
	stripe = await startStripe();
});
afterAll(async () => {
	await stripe.close();
});

/**
 * @param {import('n8n-workflow').IDataObject[]} items
 * @param {Record<string, unknown>} [extra]
 * @param {string | null} [onError] null: the node stops on an error
 */
async function charge(items, extra = {}, onError = 'continueRegularOutput') {
	const result = await runNode(stripe, NODE, { ...CHARGE_AUTO_PAY_PARAMS, ...extra }, items, {
		onError,
	});
	return { records: result.error ? [] : result.output('Node'), error: result.error };
}

/** Requests by route since `before` (a copy of stats.byRoute). */
function requestsSince(before) {
	/** @type {Record<string, number>} */
	const now = stripe.stats.byRoute;
	return Object.fromEntries(
		Object.keys(now)
			.map((route) => /** @type {[string, number]} */ ([route, now[route] - (before[route] ?? 0)]))
			.filter(([, count]) => count > 0),
	);
}

const sum = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);

describe('charging the scan decisions of many customers', () => {
	const CUSTOMERS = 120;
	test(`${CUSTOMERS} customers of one invoice each: one claim and one confirm per invoice, the account read in shared pages, nothing looked up again`, async () => {
		const racers = Array.from({ length: CUSTOMERS }, () => newRacer(stripe, 'CA'));
		const items = racers.map((r) => ({ autoPay: scannedCharge(r, r.invoice, 'daily') }));
		const before = { ...stripe.stats.byRoute };
		const { records, error } = await charge(items, { feePercent: '3' });
		expect(error).toBeUndefined();
		expect(records).toHaveLength(CUSTOMERS);
		for (const [i, record] of records.entries()) {
			expect(record).toMatchObject({
				invoiceId: racers[i].invoice.invoiceId,
				status: 'succeeded',
				amount: { minor: 4000, currency: 'usd' },
				fee: { minor: 120 },
				paymentMethod: { id: racers[i].savedMethod, label: 'Visa ending 4242' },
				existingPayment: false,
			});
		}
		for (const r of racers) expect(stripe.ledger.chargesFor(r.invoice.invoiceId)).toBe(1);

		const requests = requestsSince(before);
		const claims = requests['POST /v1/payment_intents'];
		const confirms = Object.entries(requests)
			.filter(([route]) => /^POST \/v1\/payment_intents\/[^/]+\/confirm$/.test(route))
			.reduce((n, [, count]) => n + count, 0);
		expect(claims).toBe(CUSTOMERS);
		expect(confirms).toBe(CUSTOMERS);
		// No customer mapped, read or searched: the decision named the customer and the method.
		expect(Object.keys(requests).filter((route) => /customers/.test(route))).toEqual([]);
		// The reads grow with the run's length, not with its customers: far fewer than the two lists
		// per customer a per-customer read would send.
		const reads =
			(requests['GET /v1/payment_intents'] ?? 0) + (requests['GET /v1/checkout/sessions'] ?? 0);
		expect(reads).toBeLessThan(CUSTOMERS / 2);
		console.log(
			`charge auto-pay, ${CUSTOMERS} customers: ${sum(requests)} requests ${JSON.stringify(requests)}`,
		);
	}, 120_000);
});

describe('what the scan decided is checked before the first request', () => {
	const racer = () => newRacer(stripe, 'CB');
	/** @type {Array<[string, (r: ReturnType<typeof racer>) => import('n8n-workflow').IDataObject | undefined, RegExp]>} */
	const cases = [
		[
			'a skip decision',
			(r) => ({ action: 'skip', reason: 'NOT_DUE_YET', invoiceId: r.invoice.invoiceId }),
			/not a charge decision \(NOT_DUE_YET\): connect the Auto-Pay Scan's Charge output/,
		],
		['no decision at all', () => undefined, /missing: map the autoPay field/],
		[
			'a decision made without Check Stripe',
			(r) => ({
				...scannedCharge(r, r.invoice),
				stripeCustomerId: undefined,
				paymentMethod: undefined,
			}),
			/without Check Stripe/,
		],
		[
			'an amount that is not whole minor units',
			(r) => ({ ...scannedCharge(r, r.invoice), amountMinor: 40.5 }),
			/amountMinor 40.5, not a whole number of minor units/,
		],
		[
			"a customer id that is not Stripe's",
			(r) => ({ ...scannedCharge(r, r.invoice), stripeCustomerId: 'C-17' }),
			/"C-17" is not a Stripe customer ID/,
		],
		[
			"a payment method id that is not Stripe's",
			(r) => ({ ...scannedCharge(r, r.invoice), paymentMethod: { id: '4242', label: 'Visa' } }),
			/paymentMethod.id "4242", not a Stripe payment method ID/,
		],
		[
			'no idempotency key',
			(r) => ({ ...scannedCharge(r, r.invoice), idempotencyKey: '' }),
			/has no idempotencyKey/,
		],
	];
	test.each(cases)(
		'%s: the node fails naming the item and the Auto-Pay Decision; nothing is sent',
		async (_, decision, message) => {
			const good = racer();
			const bad = racer();
			const requestsBefore = stripe.stats.requests;
			const { error } = await charge(
				[{ autoPay: scannedCharge(good, good.invoice) }, { autoPay: decision(bad) }],
				{},
				null,
			);
			expect(error?.message).toMatch(/^Item 1: invalid "Auto-Pay Decision": /);
			expect(error.message).toMatch(message);
			expect(stripe.stats.requests).toBe(requestsBefore);
		},
	);
});

describe('an invoice paid since the scan', () => {
	test('is reported with the payment that paid it; nothing new is charged', async () => {
		const r = newRacer(stripe, 'CC');
		// An agent paid it between the scan and the pay step.
		const agent = await charge([{ autoPay: scannedCharge(r, r.invoice, 'agent') }]);
		expect(agent.records[0].status).toBe('succeeded');
		const { records } = await charge([{ autoPay: scannedCharge(r, r.invoice, 'daily') }]);
		expect(records[0]).toMatchObject({
			invoiceId: r.invoice.invoiceId,
			existingPayment: true,
			paymentId: agent.records[0].paymentId,
			guard: { reason: 'ALREADY_PAID' },
		});
		expect(stripe.ledger.chargesFor(r.invoice.invoiceId)).toBe(1);
	});
});

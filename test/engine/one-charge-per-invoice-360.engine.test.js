// @ts-check
/**
 * One charge per invoice across both providers (docs/360-payments.md, "Charge Token while Stripe
 * is also connected"): 360 Payments Charge Token with "Claim the Invoice in Stripe First" against
 * every path of the Stripe node, and against itself (two pages of the invoice, two cards),
 * released together. The local Stripe server answers in 150-300 ms and the local gateway in
 * 50-150 ms, drawn per request, so racers' requests cross; each racer sets off within its first
 * 900 ms (drawn per racer), so that either may make its claim first: Charge Token has fewer
 * steps before its claim than the Stripe paths and would otherwise nearly always lead. Each pair is repeated 30 times, each
 * race on its own customer and invoice, all 30 at once. The judges are the two ledgers: money
 * taken for an invoice = Stripe's succeeded charges + the gateway's sales and captured holds,
 * at most 1.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { startGateway360Server } from '../fakes/gateway360-server';
import { runWorkflow, singleNodeWorkflow } from './harness';
import { newRacer, payInvoiceParams, runNode, startStripe, stripeCredentials } from './stripe-node';

const REPETITIONS = 30;
const SET_OFF_WITHIN_MS = 900;
const STRIPE_LATENCY_MS = [150, 300];
const GATEWAY_LATENCY_MS = [50, 150];
const SECURITY_KEY = 'race-security-key-0c5f3e9a71';
const TOKEN_KEY = 'racepub-0c5f3e-9a7122-bb01cc';

let stripe;
let gateway;
beforeAll(async () => {
	[stripe, gateway] = await Promise.all([
		startStripe(),
		startGateway360Server({ securityKeys: [SECURITY_KEY], tokenKeys: [TOKEN_KEY] }),
	]);
	stripe.setLatency(STRIPE_LATENCY_MS);
	gateway.setLatency(GATEWAY_LATENCY_MS);
});
afterAll(async () => {
	await Promise.all([stripe.close(), gateway.close()]);
});

const race = () => newRacer(stripe, 'R360');

/** What one racer did: its output records (or its error), for the checks. */
function outcomeOf(result, name) {
	const records = result.output(name);
	return { records, error: records.find((r) => r.error)?.error ?? result.error?.message ?? null };
}

async function stripePath(parameters, items) {
	const result = await runNode(stripe, 'stripeInvoicePayment', parameters, items, {
		onError: 'continueRegularOutput',
	});
	return outcomeOf(result, 'Node');
}

const payParams = (howToPay, purpose, extra = {}) =>
	payInvoiceParams({ howToPay, options: { purpose }, ...extra });

/** The Pay Now workflow's charge of the invoice's balance, with a card entered on its page. */
async function charge360(r) {
	const workflow = singleNodeWorkflow(
		'360',
		'payments360',
		{
			resource: 'transaction',
			operation: 'charge',
			invoiceId: '={{ $json.invoiceId }}',
			invoiceNumber: '={{ $json.invoiceId }}',
			customerId: '={{ $json.customerId }}',
			amount: '={{ $json.balance }}',
			currency: '={{ $json.currency }}',
			paymentToken: '={{ $json.token }}',
			feePercent: '0',
			claimInStripe: true,
		},
		{
			payments360Api: { id: '1', name: '360 Payments (local gateway)' },
			stripeInvoicePaymentsApi: { id: '2', name: 'Stripe (local test server)' },
		},
	);
	workflow.nodes[1].onError = 'continueRegularOutput';
	const result = await runWorkflow(workflow, {
		credentials: {
			payments360Api: {
				securityKey: SECURITY_KEY,
				tokenKey: TOKEN_KEY,
				gatewayBaseUrl: gateway.url,
			},
			...stripeCredentials(stripe),
		},
		input: [{ ...r.invoice, token: gateway.createToken({ ccnumber: '4111111111111111' }) }],
	});
	return outcomeOf(result, '360');
}

/** The paths that take money for one invoice; `payLinkPaid` is a pay link the customer completes at once. */
const PATHS = {
	gateway360: charge360,
	autoPay: (r) => stripePath(payParams('automatic', 'autopay'), [r.invoice]),
	agentAutomatic: (r) => stripePath(payParams('automatic', 'manual'), [r.invoice]),
	agentSavedMethod: (r) =>
		stripePath(payParams('savedMethod', 'manual', { paymentMethodId: r.savedMethod }), [r.invoice]),
	payLinkPaid: async (r) => {
		const outcome = await stripePath(payParams('payLink', 'manual'), [r.invoice]);
		const [link] = outcome.records;
		if (link?.checkoutSessionId && !link.existingPayment && link.status === 'pending') {
			outcome.completed = stripe.completeCheckoutSession(link.checkoutSessionId);
		}
		return outcome;
	},
	// the portal's "pay all": this invoice and another of the customer's, in one payment
	payTogether: (r) =>
		stripePath({ ...payParams('automatic', 'manual'), operation: 'payInvoicesTogether' }, [
			r.invoice,
			r.other(),
		]),
};

/** 360 Charge Token against every path, itself included; then three at once. */
const RACERS = [
	...Object.keys(PATHS).map((other) => ['gateway360', other]),
	['gateway360', 'autoPay', 'payLinkPaid'],
].map((paths) => /** @type {[string, string[]]} */ ([paths.join(' + '), paths]));

/** Money taken for the invoice: Stripe's succeeded charges and the gateway's sales and captured holds. */
const moneyTaken = (invoiceId) =>
	stripe.ledger.chargesFor(invoiceId) + gateway.ledger.chargesFor(invoiceId);

/**
 * A racer that did not take the money says who holds the invoice, or refuses (a claim still
 * deciding; a combined payment that lost one of its invoices; a card whose hold was released).
 */
function expectAccountedFor(outcome, invoiceId) {
	if (outcome.error) {
		expect(outcome.error).toMatch(
			new RegExp(
				`Invoice ${invoiceId}\\b.*(pay the other invoices without it|try again|pay again|was paid through 360 Payments)`,
			),
		);
		return;
	}
	const record = outcome.records.find((r) => r.invoiceId === invoiceId);
	expect(record).toBeDefined();
	if (record.existingPayment) {
		expect(record.guard.reason).toMatch(/^(ALREADY_PAID|PAYMENT_PENDING|ACTION_REQUIRED)$/);
		expect(record.paymentId ?? record.checkoutSessionId).toMatch(/^(pi_|cs_|\d+$)/);
	}
}

const tally = {};

describe('360 Payments Charge Token and every path, at the same moment', () => {
	// Groups run five at a time (jest's maxConcurrency).
	test.concurrent.each(RACERS)(
		`%s, ${REPETITIONS} races: money is taken at most once for the invoice`,
		async (name, paths) => {
			const races = Array.from({ length: REPETITIONS }, () => race());
			const setOff = (path, r) =>
				sleep(Math.random() * SET_OFF_WITHIN_MS).then(() => PATHS[path](r));
			const outcomes = await Promise.all(
				races.map((r) => Promise.all(paths.map((path) => setOff(path, r)))),
			);
			const perInvoice = races.map((r) => moneyTaken(r.invoice.invoiceId));
			expect(Math.max(...perInvoice)).toBeLessThanOrEqual(1);
			races.forEach((r, i) =>
				outcomes[i].forEach((outcome) => expectAccountedFor(outcome, r.invoice.invoiceId)),
			);
			// No hold is left on a card: every hold at the gateway was captured or released.
			races.forEach((r) => {
				const holds = gateway.ledger
					.salesFor(r.invoice.invoiceId)
					.filter((sale) => !sale.captured && !sale.voided);
				expect(holds).toEqual([]);
			});
			// Unpaid only when a pay link holds the invoice, or a racer refused and the other gave way.
			races.forEach((r, i) => {
				if (perInvoice[i] === 1) return;
				const held = outcomes[i].some((o) =>
					o.records.some((rec) => rec.invoiceId === r.invoice.invoiceId && rec.checkoutSessionId),
				);
				const refused = outcomes[i].some((o) => o.error);
				expect(held || refused).toBe(true);
			});
			tally[name] = {
				races: REPETITIONS,
				paidOnce: perInvoice.filter((n) => n === 1).length,
				paidAtGateway: races.filter((r) => gateway.ledger.chargesFor(r.invoice.invoiceId) === 1)
					.length,
				// holds taken, then released because a racer took the claim first
				holdsReleased: outcomes
					.flat()
					.filter(
						(o) =>
							o.records.some((rec) => rec.voidedTransactionId) ||
							/hold \d+ was released/.test(o.error ?? ''),
					).length,
				maxMoneyTakenPerInvoice: Math.max(...perInvoice),
			};
		},
		120_000,
	);
});

afterAll(() => {
	// The figures for the closing note and docs/360-payments.md (npm test prints them).
	console.log(
		`one charge per invoice with 360 Payments, races (Stripe ${STRIPE_LATENCY_MS.join('-')} ms, gateway ${GATEWAY_LATENCY_MS.join('-')} ms):\n${JSON.stringify(tally, null, 1)}`,
	);
});

// @ts-check
/**
 * One charge per invoice, whatever runs at the same moment (docs/money-safety.md): every pair of
 * the paths that can take money for an invoice, started together against the local Stripe server
 * with wide latency (150-300 ms per request, drawn per request, so racers' requests cross), each
 * pair repeated 30 times; then four at once. The ledger of the server is the judge: no invoice
 * may have two succeeded charges. Each race runs on its own customer and invoice, so the 30 runs
 * of a pair go at once.
 */
import {
	CHARGE_AUTO_PAY_PARAMS,
	newRacer,
	payInvoiceParams,
	runNode,
	scannedCharge,
	startStripe,
} from './stripe-node';

const NODE = 'stripeInvoicePayment';
const REPETITIONS = 30;
const LATENCY_MS = [150, 300];

let stripe;
beforeAll(async () => {
	stripe = await startStripe();
	stripe.setLatency(LATENCY_MS);
});
afterAll(async () => {
	await stripe.close();
});

const race = () => newRacer(stripe, 'R');

function payParams(howToPay, purpose, extra = {}) {
	return payInvoiceParams({ howToPay, options: { purpose }, ...extra });
}

/** What one racer did: its output records (or its error), for the report and the checks. */
async function run(parameters, items) {
	const result = await runNode(stripe, NODE, parameters, items, {
		onError: 'continueRegularOutput',
	});
	const records = result.output('Node');
	return { records, error: records.find((r) => r.error)?.error ?? result.error?.message ?? null };
}

/**
 * The paths that take money for one invoice. Each returns what it did; `payLinkPaid` is a pay
 * link the customer completes as soon as they have it.
 */
const PATHS = {
	autoPay: (r) => run(payParams('automatic', 'autopay'), [r.invoice]),
	// the daily workflow's pay step: the scan's decision, judged on reads of the whole account
	scannedAutoPay: (r) => run(CHARGE_AUTO_PAY_PARAMS, [{ autoPay: scannedCharge(r, r.invoice) }]),
	agentAutomatic: (r) => run(payParams('automatic', 'manual'), [r.invoice]),
	agentSavedMethod: (r) =>
		run(payParams('savedMethod', 'manual', { paymentMethodId: r.savedMethod }), [r.invoice]),
	payLinkPaid: async (r) => {
		const outcome = await run(payParams('payLink', 'manual'), [r.invoice]);
		const [link] = outcome.records;
		if (link?.checkoutSessionId && !link.existingPayment) {
			// Two requests of the same link (the same idempotency key) hand out the same page: the
			// second customer finds it paid already. Any other refusal is a failure of the test.
			try {
				outcome.completed = stripe.completeCheckoutSession(link.checkoutSessionId);
			} catch (error) {
				if (!/status: complete/.test(error.message)) throw error;
			}
		}
		return outcome;
	},
	// the portal's "pay all": this invoice and another of the customer's, in one payment
	payTogether: (r) =>
		run({ ...payParams('automatic', 'manual'), operation: 'payInvoicesTogether' }, [
			r.invoice,
			r.other(),
		]),
};
const NAMES = Object.keys(PATHS);

/** Every pair of paths, each path against itself too. */
const PAIRS = NAMES.flatMap((a, i) => NAMES.slice(i).map((b) => [a, b]));

/** Money taken for the invoice: succeeded charges in the ledger, and payments still settling. */
function moneyTaken(invoiceId) {
	return stripe.ledger.chargesFor(invoiceId);
}

/** A racer that did not take the money says who holds the invoice, or refuses the whole payment. */
function expectAccountedFor(outcome, invoiceId) {
	if (outcome.error) {
		expect(outcome.error).toMatch(
			new RegExp(`Invoice ${invoiceId}\\b.*(pay the other invoices without it|try again)`),
		);
		return;
	}
	const record = outcome.records.find((r) => r.invoiceId === invoiceId);
	expect(record).toBeDefined();
	if (record.existingPayment) {
		expect(record.guard.reason).toMatch(/^(ALREADY_PAID|PAYMENT_PENDING|ACTION_REQUIRED)$/);
		expect(record.paymentId ?? record.checkoutSessionId).toMatch(/^(pi|cs)_/);
	}
}

const tally = {};

// Pairs run five at a time (jest's maxConcurrency): each race is on its own customer and invoice.
describe('every pair of paths at the same moment', () => {
	test.concurrent.each(PAIRS)(
		`%s and %s, ${REPETITIONS} races: money is taken at most once for the invoice`,
		async (first, second) => {
			const races = Array.from({ length: REPETITIONS }, () => race());
			const outcomes = await Promise.all(
				races.map((r) => Promise.all([PATHS[first](r), PATHS[second](r)])),
			);
			const perInvoice = races.map((r) => moneyTaken(r.invoice.invoiceId));
			expect(Math.max(...perInvoice)).toBeLessThanOrEqual(1);
			races.forEach((r, i) =>
				outcomes[i].forEach((outcome) => expectAccountedFor(outcome, r.invoice.invoiceId)),
			);
			// Whatever the interleaving, the invoice ends paid once or held by a pay link the racers named.
			races.forEach((r, i) => {
				if (perInvoice[i] === 1) return;
				const held = outcomes[i].some((o) =>
					o.records.some(
						(rec) =>
							rec.invoiceId === r.invoice.invoiceId &&
							(rec.checkoutSessionId || rec.status === 'pending'),
					),
				);
				const refused = outcomes[i].some((o) => o.error);
				expect(held || refused).toBe(true);
			});
			tally[`${first} + ${second}`] = {
				races: REPETITIONS,
				paidOnce: perInvoice.filter((n) => n === 1).length,
				maxChargesPerInvoice: Math.max(...perInvoice),
			};
		},
		120_000,
	);
});

describe('four requests at once', () => {
	test(`${REPETITIONS} races of auto-pay, the daily run's scanned charge, pay all and a pay link the customer pays: money taken at most once`, async () => {
		const races = Array.from({ length: REPETITIONS }, () => race());
		await Promise.all(
			races.map((r) =>
				Promise.all([
					PATHS.autoPay(r),
					PATHS.scannedAutoPay(r),
					PATHS.payTogether(r),
					PATHS.payLinkPaid(r),
				]),
			),
		);
		const perInvoice = races.map((r) => moneyTaken(r.invoice.invoiceId));
		expect(Math.max(...perInvoice)).toBeLessThanOrEqual(1);
		expect(stripe.ledger.duplicates()).toEqual([]);
		tally['autoPay + scannedAutoPay + payTogether + payLinkPaid'] = {
			races: REPETITIONS,
			paidOnce: perInvoice.filter((n) => n === 1).length,
			maxChargesPerInvoice: Math.max(...perInvoice),
		};
	}, 120_000);
});

afterAll(() => {
	// The figures for the closing note and docs/money-safety.md (npm test prints them).
	console.log(
		`one charge per invoice, races (${LATENCY_MS.join('-')} ms latency):\n${JSON.stringify(tally, null, 1)}`,
	);
});

// @ts-check
/**
 * Auto-pay throughput: 2,000 invoices through the Stripe Invoice Payment node (test engine)
 * against the local Stripe server in its own process, with 100 ms added latency and Stripe's
 * documented live limits (`--limits live`: 100 requests/s in all, 25/s per endpoint, 20/s for
 * searches; docs/stripe-limits.md); the node's global budget set to a live key's 100/s. Baseline
 * in the same run: the same work one request at a time (concurrency 1), as n8n processes items in
 * a plain node. Bound (the floor): the slowest budget's requests / its limit, per endpoint and
 * for all requests together.
 */
import {
	ENDPOINT_REQUESTS_PER_SECOND,
	GLOBAL_REQUESTS_PER_SECOND,
	SEARCH_REQUESTS_PER_SECOND,
} from '../nodes/core/stripe/rateLimits';
import { runNode, startStripeProcess } from '../test/engine/stripe-node';
import { record } from './report';

const INVOICES = 2000;
const CUSTOMERS = 200;
const LATENCY_MS = 100;
const LIMIT_RPS = GLOBAL_REQUESTS_PER_SECOND.live;

/**
 * The floor in seconds: each budget's requests over its limit; the largest binds.
 * @param {Record<string, number>} byRoute requests by route
 */
function floorOf(byRoute) {
	const total = Object.values(byRoute).reduce((a, b) => a + b, 0);
	const searches = Object.entries(byRoute)
		.filter(([endpoint]) => /^GET .*\/search$/.test(endpoint))
		.reduce((sum, [, n]) => sum + n, 0);
	/** @type {Array<[string, number]>} */
	const budgets = [
		['global', total / LIMIT_RPS],
		['search', searches / SEARCH_REQUESTS_PER_SECOND],
		...Object.entries(byRoute).map(
			/** @returns {[string, number]} */ ([endpoint, n]) => [
				endpoint,
				n / ENDPOINT_REQUESTS_PER_SECOND,
			],
		),
	];
	const [boundBy, seconds] = budgets.reduce((most, next) => (next[1] > most[1] ? next : most));
	return { boundBy, seconds };
}

async function payAll(prefix, concurrency) {
	const server = await startStripeProcess(['--latency', String(LATENCY_MS), '--limits', 'live']);
	try {
		const customers = [];
		for (let i = 0; i < CUSTOMERS; i++) {
			customers.push(
				await server.call('POST', 'customers', {
					name: `Bench ${i}`,
					metadata: { books_customer_id: `BC-${i}` },
					defaultPaymentMethod: 'pm_card_visa',
				}),
			);
		}
		const input = Array.from({ length: INVOICES }, (_, i) => ({
			invoiceId: `${prefix}-${i}`,
			stripeCustomerId: customers[i % CUSTOMERS].id,
			balance: '49.00',
		}));
		await server.call('POST', 'stats/reset');
		const started = Date.now();
		const result = await runNode(
			server,
			'stripeInvoicePayment',
			{
				resource: 'payment',
				operation: 'payInvoice',
				invoiceId: '={{ $json.invoiceId }}',
				customer: { __rl: true, mode: 'id', value: '={{ $json.stripeCustomerId }}' },
				balance: '={{ $json.balance }}',
				currency: 'usd',
				howToPay: 'automatic',
				options: { purpose: 'autopay' },
				settings: { timeZone: 'UTC', concurrency, requestsPerSecond: LIMIT_RPS },
			},
			input,
			{ onError: 'continueRegularOutput' },
		);
		const seconds = (Date.now() - started) / 1000;
		const records = result.output('Node');
		const stats = await server.call('GET', 'stats');
		const ledger = await server.call('GET', 'ledger');
		return {
			seconds,
			requests: stats.requests,
			byRoute: stats.byRoute,
			http429: stats.http429,
			http429ByReason: stats.http429ByReason,
			failures: records.filter((r) => r.status !== 'succeeded').length,
			duplicates: ledger.duplicates.length,
			charges: ledger.charges.length,
		};
	} finally {
		await server.close();
	}
}

test('auto-pay throughput against the limit', async () => {
	const ours = await payAll('OURS', 16);
	const baseline = await payAll('BASE', 1);
	const floor = floorOf(ours.byRoute);
	const boundS = floor.seconds;
	record('autopay', {
		invoices: INVOICES,
		latencyMs: LATENCY_MS,
		limits: 'live',
		limitRps: LIMIT_RPS,
		requests: ours.requests,
		byRoute: ours.byRoute,
		boundS: Math.round(boundS * 100) / 100,
		boundBy: floor.boundBy,
		oursS: Math.round(ours.seconds * 100) / 100,
		baselineS: Math.round(baseline.seconds * 100) / 100,
		achievedRps: Math.round((ours.requests / ours.seconds) * 10) / 10,
		ratioToBound: Math.round((ours.seconds / boundS) * 100) / 100,
		speedupVsBaseline: Math.round((baseline.seconds / ours.seconds) * 10) / 10,
		http429: ours.http429,
		http429ByReason: ours.http429ByReason,
		failures: ours.failures,
		duplicates: ours.duplicates,
		baselineFailures: baseline.failures,
	});
	expect(ours.charges).toBe(INVOICES);
});

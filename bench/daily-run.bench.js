// @ts-check
'use strict';
/**
 * The daily run (issue 19): the shipped daily auto-pay workflow (workflows/daily-auto-pay.json)
 * in a real n8n 2.41.1, run as an admin runs it ("Run auto-pay now", as the editor's Execute
 * workflow sends it), against books of N open recurring invoices of N customers (one each), all
 * due today, each customer mapped to a Stripe customer (metadata `books_customer_id`) whose
 * automatic payment method is a card that succeeds (pm_card_visa). The local Stripe server runs
 * in its own process with 100 ms latency and enforces Stripe's documented limits
 * (https://docs.stripe.com/rate-limits; test/fakes/stripe/limits.js): one row with the live
 * limits (100/s global), one with the sandbox limits (25/s global). Per endpoint 25/s, search 20/s
 * in both. The credential holds a test key in both rows; a test key makes our nodes assume the
 * sandbox global, so in the live row the bench tells them the live one through each node's own
 * Requests per Second setting (see `toldTheGlobalLimit`), as an admin with a live key needs not.
 *
 * Measured: wall time from the run request to the execution's end (the seeding before is not),
 * Stripe requests in all and by endpoint, 429s by reason, charges and duplicate charges (the
 * server's ledger), invoices paid and failed (the books) and skipped (the run report), the emails
 * the SMTP sink received, requests per invoice charged, and the floor: the time the limits allow
 * for the requests made, max(total / global limit, each endpoint's requests / its limit, search
 * requests / the search limit), with wall / floor; beside it the simple floor N / 25 s
 * (the charges alone at the charge endpoint's limit); the requests each step sent (the scan, the
 * charge, the rest: the server's per-tenth counts over each node's run), and the claim protocol's
 * own (each winning claim's confirm and the charge step's claim reads) named apart, with the
 * requests per invoice beyond them. The requests counted are all the server saw,
 * those it answered 429 included. Nothing asserts a timing; the bench fails if any invoice is
 * charged twice, if any of the N is not paid in the books, or if the run does not succeed.
 *
 * Each row on a fresh stack (bench/support/n8n-stack.js): n8n, this package from `npm pack` of
 * dist, the Stripe server, the books (test/fakes/books-api.js, own process), the SMTP sink (here).
 *
 *   npm run bench -- daily-run            (after `npm run build`; also with the other benches)
 *   node bench/daily-run.bench.js         (alone, outside jest)
 *   BENCH_DAILY_INVOICES=2000             invoices (= customers); rows of another N are recorded
 *                                         as dailyRun-n<N>, dailyRunSandbox-n<N>
 *   BENCH_DAILY_ROWS=live,sandbox         which rows
 *   BENCH_DAILY_TIMEOUT_S                 how long a run may take (default max(600, N) s)
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { clients } = require('../test/e2e/support/clients');
const { killProcessesNow } = require('../test/e2e/support/processes');
const { seedFor } = require('../test/e2e/support/seed');
const { REPO } = require('../test/e2e/support/stack');
const { PRESETS } = require('../test/fakes/stripe/limits');
const { record } = require('./report');
const { round } = require('./support/load');
const { PACKAGE_NAME, log, startBenchStack, stopBenchStack } = require('./support/n8n-stack');

const DEFAULT_INVOICES = 2000;
const INVOICES = Number(process.env.BENCH_DAILY_INVOICES || DEFAULT_INVOICES);
const TIMEOUT_MS = 1000 * Number(process.env.BENCH_DAILY_TIMEOUT_S || Math.max(600, INVOICES));
const LATENCY_MS = 100;
const PREFIX = 'dr';
const WORKFLOW_FILE = path.join(REPO, 'workflows', 'daily-auto-pay.json');
const REST_ADAPTER_FILE = path.join(REPO, 'workflows', 'books', 'books-rest.json');
const TRIGGER = 'Run auto-pay now';
const FINISHED = ['success', 'error', 'crashed', 'canceled'];
const STRIPE_CREDENTIAL_TYPE = 'stripeInvoicePaymentsApi';
const SEED_CHUNK = 250; // Stripe customers per POST /_test/seed (the server takes 1 MB bodies)
const ROWS = [
	{ section: 'dailyRun', limits: 'live' },
	{ section: 'dailyRunSandbox', limits: 'sandbox' },
].filter(({ limits }) =>
	(process.env.BENCH_DAILY_ROWS || 'live,sandbox').split(',').includes(limits),
);

/** The books: N customers, each one open recurring invoice due today, amounts 10.00..99.99. */
function booksSeed({ timeZone }) {
	const keys = Array.from({ length: INVOICES }, (_, i) => i + 1);
	return seedFor(PREFIX, timeZone, {
		customers: keys.map((n) => ({ key: `c${n}`, name: `Daily Customer ${n}` })),
		invoices: keys.map((n) => ({
			key: `i${n}`,
			customer: `c${n}`,
			total: `${10 + (n % 90)}.${String((n * 37) % 100).padStart(2, '0')}`,
			due: 0,
		})),
	}).seed;
}

/**
 * Per node type of this package, the collection parameter holding its Requests per Second
 * setting (null: the node has none), read from the built descriptions (what n8n loads).
 */
function requestsPerSecondHolders() {
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
	const holders = {};
	for (const file of pkg.n8n.nodes) {
		for (const NodeType of Object.values(require(path.join(REPO, file)))) {
			if (typeof NodeType !== 'function') continue;
			const { name, properties } = new NodeType().description;
			const holder = properties.find(
				(p) => p.type === 'collection' && p.options?.some((o) => o.name === 'requestsPerSecond'),
			);
			holders[`${PACKAGE_NAME}.${name}`] = holder?.name ?? null;
		}
	}
	return holders;
}

/**
 * The workflow with every node of this package that talks to Stripe told `requestsPerSecond` in
 * its Requests per Second setting (the only change to what ships); `told` says, per such node,
 * what it was told, or that it has no such setting and keeps its default for the key.
 */
function toldTheGlobalLimit(workflow, requestsPerSecond) {
	const holders = requestsPerSecondHolders();
	const told = {};
	const stripeNodes = workflow.nodes.filter(
		(n) => n.type.startsWith(`${PACKAGE_NAME}.`) && n.credentials?.[STRIPE_CREDENTIAL_TYPE],
	);
	for (const node of stripeNodes) {
		const holder = holders[node.type];
		if (holder === undefined) throw new Error(`${node.type} is not a node this package declares`);
		if (holder) {
			node.parameters[holder] = { ...node.parameters[holder], requestsPerSecond };
			told[node.name] = `${holder}.requestsPerSecond = ${requestsPerSecond}`;
		} else {
			told[node.name] = 'no Requests per Second setting: the default for a test key';
		}
	}
	return told;
}

/** The shipped workflow as the e2e stack imports it (it reaches the books through the REST adapter). */
function dailyAutoPay(requestsPerSecond, told) {
	const workflow = JSON.parse(fs.readFileSync(WORKFLOW_FILE, 'utf8'));
	if (requestsPerSecond) Object.assign(told, toldTheGlobalLimit(workflow, requestsPerSecond));
	return workflow;
}

/** The REST books adapter the daily run calls (Settings → booksWorkflowId), pointed at these books. */
function restBooksAdapter({ booksUrl }) {
	const workflow = JSON.parse(fs.readFileSync(REST_ADAPTER_FILE, 'utf8'));
	const settings = workflow.nodes.find((n) => n.name === 'Settings');
	settings.parameters.assignments.assignments.find((a) => a.name === 'booksApiUrl').value =
		booksUrl;
	return workflow;
}

/** One Stripe customer per books customer, mapped by metadata, a card that succeeds as default. */
async function seedStripe(c, books) {
	const customers = books.customers.map((customer) => ({
		name: customer.name,
		email: customer.email,
		metadata: { books_customer_id: customer.id },
		defaultPaymentMethod: 'pm_card_visa',
	}));
	for (let i = 0; i < customers.length; i += SEED_CHUNK)
		await c.stripe.hook('POST', 'seed', { customers: customers.slice(i, i + SEED_CHUNK) });
}

/**
 * Counts what the sink received since the last call and empties it (one synchronous step: no
 * mail arrives in between). Called often: the sink keeps only its latest 1,000 messages.
 */
function mailCounter(sink) {
	const counts = { confirmations: 0, failures: 0, runReports: 0, other: 0 };
	const runReports = [];
	const drain = () => {
		const batch = sink.messages();
		sink.clear();
		for (const message of batch) {
			const subject = message.subject ?? '';
			if (subject.startsWith('Payment Confirmation')) counts.confirmations++;
			else if (subject.startsWith('Payment Failure')) counts.failures++;
			else if (subject.startsWith('Auto-pay run')) {
				counts.runReports++;
				runReports.push(subject);
			} else counts.other++;
		}
		return counts;
	};
	return { drain, counts, runReports };
}

/** The time Stripe's limits allow for the requests made, and the limit that sets it. */
function floorOf(byRoute, requests, limits) {
	const isSearch = (route) => route.startsWith('GET ') && route.endsWith('/search');
	const searches = Object.entries(byRoute)
		.filter(([route]) => isSearch(route))
		.reduce((sum, [, count]) => sum + count, 0);
	/** @type {Array<[string, number]>} */
	const terms = [
		['global', requests / limits.global],
		['search', searches / limits.search],
		...Object.entries(byRoute).map(
			([route, count]) =>
				/** @type {[string, number]} */ ([
					route,
					count / (isSearch(route) ? Math.min(limits.endpoint, limits.search) : limits.endpoint),
				]),
		),
	];
	const [binding, seconds] = terms.reduce((max, term) => (term[1] > max[1] ? term : max));
	return { seconds, binding };
}

const SCAN_NODE = 'Auto-Pay Scan';
const CHARGE_NODE = 'Stripe: charge the automatic payment method';
const CONFIRM_ROUTE = 'POST /v1/payment_intents/:id/confirm';

/**
 * The Stripe requests each node sent, by route: the server's requests per tenth of a second summed
 * over the node's own run (n8n's startTime + executionTime, rounded out to whole tenths), the rest
 * under `other`. Both processes read the same clock.
 */
function requestsByNode(byRouteByTenth, runData, nodes) {
	const windows = nodes.map((node) => {
		const run = runData[node]?.[0];
		if (!run) return [node, 0, -1];
		const from = Math.floor(run.startTime / 100);
		return [node, from, Math.ceil((run.startTime + (run.executionTime ?? 0)) / 100)];
	});
	const byNode = Object.fromEntries([...nodes, 'other'].map((node) => [node, {}]));
	for (const [tenth, routes] of Object.entries(byRouteByTenth)) {
		const at = Number(tenth);
		const node = windows.find(([, from, to]) => at >= from && at <= to)?.[0] ?? 'other';
		for (const [route, count] of Object.entries(routes))
			byNode[node][route] = (byNode[node][route] ?? 0) + count;
	}
	return byNode;
}

const sumOf = (byRoute) => Object.values(byRoute).reduce((sum, count) => sum + count, 0);

/**
 * The claim protocol's own requests (docs/money-safety.md): the confirm of each claim that won and
 * the account reads the charge node makes to judge its claims (every GET it sends); named apart
 * so the requests per invoice the protocol does not need can be read beside them.
 */
function protocolRequests(chargeNodeRequests) {
	const claimReads = Object.entries(chargeNodeRequests)
		.filter(([route]) => route.startsWith('GET '))
		.reduce((sum, [, count]) => sum + count, 0);
	return { confirms: chargeNodeRequests[CONFIRM_ROUTE] ?? 0, claimReads };
}

async function benchDailyRun({ section, limits: preset }) {
	const limits = PRESETS[preset];
	// a test key makes the nodes assume the sandbox global: only a higher one needs telling
	const tellNodes = limits.global > PRESETS.sandbox.global ? limits.global : null;
	const told = {};
	/** @type {ReturnType<typeof booksSeed> | null} */
	let books = null;
	const stack = await startBenchStack({
		n8nSettings: { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' },
		stripeArgs: ['--latency', String(LATENCY_MS), '--limits', preset],
		booksSeed: (state) => {
			books = booksSeed(state);
			return books;
		},
		smtp: true,
		workflows: (state) => [restBooksAdapter(state), dailyAutoPay(tellNodes, told)],
	});
	const killAll = () => {
		killProcessesNow(stack.allPids);
		fs.rmSync(stack.root, { recursive: true, force: true });
	};
	process.once('exit', killAll);
	try {
		const c = clients(stack);
		const { id: workflowId } = JSON.parse(fs.readFileSync(WORKFLOW_FILE, 'utf8'));
		const seeded = Date.now();
		await seedStripe(c, books);
		log(`${INVOICES} Stripe customers seeded (${((Date.now() - seeded) / 1000).toFixed(1)} s)`);
		const mails = mailCounter(stack.smtpSink);
		mails.drain();
		await c.stripe.hook('POST', 'stats/reset');

		const loadBefore = os.loadavg()[0];
		const requestedAt = Date.now();
		const started = await c.request('POST', `${stack.n8nUrl}/rest/workflows/${workflowId}/run`, {
			headers: { cookie: stack.cookie },
			body: { triggerToStartFrom: { name: TRIGGER } },
			timeoutMs: 60_000,
		});
		const executionId = started.json?.data?.executionId;
		if (started.status !== 200 || !executionId)
			throw new Error(`run: HTTP ${started.status} ${started.text.slice(0, 500)}`);
		log(`${section}: execution ${executionId} started, ${INVOICES} invoices, ${preset} limits`);
		let lastLog = Date.now();
		let pollsRefused = 0;
		const execution = await c.waitFor(
			`execution ${executionId} to finish`,
			async () => {
				mails.drain();
				let res;
				try {
					res = await c.request('GET', `${stack.n8nUrl}/api/v1/executions/${executionId}`, {
						headers: { 'X-N8N-API-KEY': stack.apiKey },
						timeoutMs: 60_000,
					});
				} catch (error) {
					// n8n busy with a node of 2,000 items resets a poll's socket or lets it time out
					// now and then: ask again
					const busy = error.name === 'TypeError' || error.name === 'TimeoutError';
					if (!busy || ++pollsRefused > 100) throw error;
					return null;
				}
				// n8n answers 503 "Database is not ready!" while a ping of its busy SQLite times out
				if (res.status === 503 && ++pollsRefused <= 100) return null;
				if (res.status !== 200) throw new Error(`execution: HTTP ${res.status}`);
				if (Date.now() - lastLog > 30_000) {
					lastLog = Date.now();
					const stats = await c.stripe.hook('GET', 'stats');
					log(
						`${section}: ${((lastLog - requestedAt) / 1000).toFixed(0)} s, ${stats.requests} Stripe requests`,
					);
				}
				return FINISHED.includes(res.json.status) ? res.json : null;
			},
			{ timeoutMs: TIMEOUT_MS, intervalMs: 1000 },
		);
		const wallS = (Date.parse(execution.stoppedAt) - requestedAt) / 1000;
		const emails = { ...mails.drain() };
		// where the run's time went: each node's own executionTime, as n8n recorded it
		const withData = await c.request(
			'GET',
			`${stack.n8nUrl}/api/v1/executions/${executionId}?includeData=true`,
			{ headers: { 'X-N8N-API-KEY': stack.apiKey }, timeoutMs: 120_000 },
		);
		const runData = withData.json?.data?.resultData?.runData ?? {};
		const nodeSeconds = Object.fromEntries(
			Object.entries(runData)
				.map(
					([node, runs]) =>
						/** @type {[string, number]} */ ([
							node,
							round(runs.reduce((sum, run) => sum + (run.executionTime ?? 0), 0) / 1000, 1),
						]),
				)
				.filter(([, seconds]) => seconds >= 0.5)
				.sort((a, b) => b[1] - a[1]),
		);

		const stats = await c.stripe.hook('GET', 'stats');
		const ledger = await c.stripe.ledger();
		const invoices = (await c.books.call('GET', '/invoices')).json.filter((i) =>
			i.id.startsWith(`${PREFIX}-`),
		);
		const records = (await c.books.payments()).filter((r) => r.invoiceId.startsWith(`${PREFIX}-`));
		const ours = ledger.charges.filter((charge) =>
			charge.invoiceIds.some((id) => id.startsWith(`${PREFIX}-`)),
		);
		const duplicates = ledger.duplicates.filter((id) => id.startsWith(`${PREFIX}-`));
		const paid = invoices.filter((i) => i.paymentStatus === 'paid').length;
		const failed = records.filter((r) => r.status === 'failed').length;
		const report = mails.runReports.at(-1) ?? '';
		const skipped = Number(/(\d+) skipped/.exec(report)?.[1] ?? NaN);
		const floor = floorOf(stats.byRoute, stats.requests, limits);
		const byNode = requestsByNode(stats.byRouteByTenth, runData, [SCAN_NODE, CHARGE_NODE]);
		const protocol = protocolRequests(byNode[CHARGE_NODE]);
		const beyondProtocol = stats.requests - protocol.confirms - protocol.claimReads;
		const simpleFloorS = INVOICES / limits.endpoint;

		// set by the stack's booksSeed callback, which TypeScript does not follow
		const seededBooks = /** @type {ReturnType<typeof booksSeed> | null} */ (books);
		if (!seededBooks) throw new Error('the bench stack did not seed the books');
		const results = {
			n8n: '2.41.1',
			invoices: INVOICES,
			customers: seededBooks.customers.length,
			latencyMs: LATENCY_MS,
			stripeLimits: { preset, ...limits },
			credentialKey: 'test (sk_test_)',
			nodesRequestsPerSecond: tellNodes ? told : 'not set: the default for a test key',
			run: `POST /rest/workflows/${workflowId}/run from "${TRIGGER}"`,
			executionStatus: execution.status,
			wallS: round(wallS, 1),
			executionS: round(
				(Date.parse(execution.stoppedAt) - Date.parse(execution.startedAt)) / 1000,
				1,
			),
			nodeSeconds,
			requests: stats.requests,
			requestsByRoute: stats.byRoute,
			http429: stats.http429,
			http429ByReason: stats.http429ByReason,
			http429Percent: stats.requests ? round((100 * stats.http429) / stats.requests, 2) : 0,
			charges: ours.length,
			duplicateCharges: duplicates.length,
			paidInBooks: paid,
			failed,
			skipped,
			runReport: report,
			emails,
			requestsPerCharge: ours.length ? round(stats.requests / ours.length, 2) : null,
			requestsByNode: Object.fromEntries(
				Object.entries(byNode).map(([node, routes]) => [node, { all: sumOf(routes), ...routes }]),
			),
			protocolRequests: protocol,
			requestsPerChargeBeyondProtocol: ours.length ? round(beyondProtocol / ours.length, 3) : null,
			floorS: round(floor.seconds, 1),
			floorSetBy: floor.binding,
			ratioToFloor: round(wallS / floor.seconds, 2),
			simpleFloorS: round(simpleFloorS, 1),
			ratioToSimpleFloor: round(wallS / simpleFloorS, 2),
			maxPerSlidingSecond: stats.maxPerSlidingSecond,
			maxInFlight: stats.maxInFlight,
			// the machine's 1-minute load average at the run's start and end (other work on it)
			loadAvg1: [round(loadBefore, 2), round(os.loadavg()[0], 2)],
		};
		record(INVOICES === DEFAULT_INVOICES ? section : `${section}-n${INVOICES}`, results);

		const chargedOnce = new Set(ours.flatMap((charge) => charge.invoiceIds));
		const problems = [
			...(execution.status === 'success' ? [] : [`the run ended ${execution.status}`]),
			...(duplicates.length
				? [`${duplicates.length} invoices charged twice: ${duplicates.slice(0, 5)}`]
				: []),
			...(paid === INVOICES
				? []
				: [`${INVOICES - paid} of ${INVOICES} invoices not paid in the books`]),
			...(chargedOnce.size === INVOICES
				? []
				: [`${INVOICES - chargedOnce.size} invoices never charged`]),
		];
		if (problems.length) throw new Error(`${section}: ${problems.join('; ')}`);
		return results;
	} finally {
		process.removeListener('exit', killAll);
		await stopBenchStack(stack, {
			keepLogsIn: path.join(REPO, 'test-output', 'bench-logs', `daily-run-${section}`),
		});
	}
}

if (typeof test === 'function') {
	test.each(ROWS)(
		'daily run: the shipped daily auto-pay in n8n against Stripe limits ($limits)',
		async (row) => {
			const results = await benchDailyRun(row);
			expect(results.paidInBooks).toBe(INVOICES);
			expect(results.duplicateCharges).toBe(0);
		},
	);
} else {
	// alone, under node: `node bench/daily-run.bench.js`
	const stop = () => process.exit(130); // the 'exit' handler stops what was started
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
	(async () => {
		for (const row of ROWS) await benchDailyRun(row);
	})().then(
		() => process.exit(0),
		(error) => {
			process.stderr.write(`${error.stack ?? error}\n`);
			process.exit(1);
		},
	);
}

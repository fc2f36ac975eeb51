'use strict';
// @ts-check
/**
 * Webhook throughput in a real n8n 2.41.1 (Node 24, this package installed from `npm pack`, the
 * local Stripe server), three workflows active on the same n8n, each its trigger alone:
 *   ours          our Payment Webhook Trigger as shipped (Stripe, its own endpoint; every event's
 *                 signature verified, its id deduplicated, its payment re-read from Stripe)
 *   oursNoReread  the same with the option Re-Read Payment off (verify, deduplicate, normalise)
 *   plain         n8n's Webhook node (POST, answers once the execution started, verifies nothing)
 *
 * Load: signed `payment_intent.succeeded` events (Stripe's sample event and PaymentIntent, a new
 * event id and a new payment each, `Stripe-Signature: t=..,v1=..`), CONCURRENCY in flight over
 * keep-alive sockets to 127.0.0.1, closed loop. After a warm-up of each, every workflow gets
 * SECONDS of load in two halves, in the order plain, ours, oursNoReread, oursNoReread, ours,
 * plain (a drift of the machine's load weighs on all alike); before the next half, n8n finishes
 * every execution started (the time that takes is the drain). Recorded per workflow: 2xx answers
 * per second of load, latency p50/p90/p99 of the 2xx answers, executions started, the n8n
 * process's CPU per event (load and drain), and the load average. Nothing asserts a timing.
 *
 * All of it twice, each on a fresh n8n, one setting apart (SETTINGS below): n8n builds an
 * expression sandbox (an isolated-vm isolate, ~40 ms of CPU here) for every execution, and for
 * every webhook request to a trigger other than its own Webhook node, whether or not an
 * expression is evaluated; with N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true it builds one only
 * when an expression is evaluated. Recorded as `webhook` (lazy, what the README recommends and
 * `npm start` runs) and `webhookN8nDefaults`.
 *
 *   npm run bench -- webhook          (after `npm run build`; also with the other benches)
 *   node bench/webhook.bench.js       (alone, outside jest)
 *   BENCH_WEBHOOK_SECONDS=20 BENCH_WEBHOOK_CONCURRENCY=8 (the defaults)
 *   N8N_EXPRESSION_ENGINE=legacy      (n8n's older expression engine, for both settings)
 *
 * n8n's own Stripe Trigger is not driven: its API base is fixed to https://api.stripe.com (no
 * credential field moves it), so it cannot register its endpoint on the local server, and this
 * bench talks to 127.0.0.1 only.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { killProcessesNow } = require('../test/e2e/support/processes');
const { REPO } = require('../test/e2e/support/stack');
const { record } = require('./report');
const { benchClients } = require('./support/bench-workflows');
const { drive, round, summarise } = require('./support/load');
const { log, startBenchStack, stopBenchStack } = require('./support/n8n-stack');
const { eventSource, seedPaymentIntents } = require('./support/stripe-events');

const SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS || 20);
const CONCURRENCY = Number(process.env.BENCH_WEBHOOK_CONCURRENCY || 8);
const WARMUP_SECONDS = 3;
const DRAIN_TIMEOUT_MS = 300_000;
const CLOCK_TICKS = 100; // USER_HZ on Linux: /proc/<pid>/stat counts CPU time in 1/100 s
const NAMES = ['plain', 'ours', 'oursNoReread'];
const SETTINGS = [
	{ section: 'webhook', n8nSettings: { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' } },
	{ section: 'webhookN8nDefaults', n8nSettings: { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'false' } },
];
const SCHEDULE = [...NAMES, ...[...NAMES].reverse()];

/** User + system CPU seconds of one process so far (/proc/<pid>/stat fields 14 and 15). */
function cpuSeconds(pid) {
	const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** What an answer says: the execution started (any other 2xx), or why not. */
function classify(status, text) {
	let body = null;
	try {
		body = JSON.parse(text);
	} catch {
		// not JSON: n8n's own answer to a started execution may be plain text
	}
	if (body?.duplicate) return 'duplicate';
	if (body?.duplicateState) return 'duplicateState';
	if (body?.ignored) return `ignored:${body.ignored}`;
	if (status >= 200 && status < 300) return 'started';
	return body?.reason ? `http${status}:${body.reason}` : `http${status}`;
}

async function benchWebhooks({ section, n8nSettings }) {
	const stack = await startBenchStack({ n8nSettings });
	// if the process ends before the `finally` (a signal, process.exit), nothing is left behind
	const killAll = () => {
		killProcessesNow(stack.allPids);
		fs.rmSync(stack.root, { recursive: true, force: true });
	};
	process.once('exit', killAll);
	try {
		const n8n = benchClients(stack);
		const workflows = {
			plain: await n8n.plain(),
			ours: await n8n.ours(),
			oursNoReread: await n8n.ours({
				name: 'Bench: Payment Webhook Trigger, no re-read',
				options: { rereadPayment: false },
			}),
		};
		for (const name of NAMES) log(`${name}: ${workflows[name].url}`);

		const intents = await seedPaymentIntents(stack.stripeUrl, 0, 4000);
		// each workflow its own event ids; the plain one ignores the signature
		const targets = Object.fromEntries(
			NAMES.map((name) => {
				const secret = workflows[name].secret ?? workflows.ours.secret;
				const events = eventSource({ secret, paymentIntentIds: intents, prefix: name.slice(0, 5) });
				return [name, { ...workflows[name], events }];
			}),
		);

		const segment = async (name, seconds) => {
			const target = targets[name];
			const cpu = { n8n: cpuSeconds(stack.pids.n8n), stripe: cpuSeconds(stack.pids.stripe) };
			const executionsBefore = (await n8n.executions(target.id)).all;
			const load = await drive({
				url: target.url,
				seconds,
				concurrency: CONCURRENCY,
				nextRequest: target.events.next,
				classify,
			});
			const drainStarted = Date.now();
			const { all } = await n8n.waitFor(
				'every execution to finish',
				async () => {
					const executions = await n8n.executions(target.id);
					return executions.unfinished === 0 ? executions : null;
				},
				{ timeoutMs: DRAIN_TIMEOUT_MS, intervalMs: 100 },
			);
			const run = {
				...load,
				drainSeconds: (Date.now() - drainStarted) / 1000,
				executions: all - executionsBefore,
				n8nCpuSeconds: cpuSeconds(stack.pids.n8n) - cpu.n8n,
				stripeCpuSeconds: cpuSeconds(stack.pids.stripe) - cpu.stripe,
				loadAvg1: os.loadavg()[0],
			};
			log(
				`${name}: ${run.ok} 2xx in ${run.seconds.toFixed(1)} s (${(run.ok / run.seconds).toFixed(1)}/s), ` +
					`${run.executions} executions, drain ${run.drainSeconds.toFixed(1)} s, load ${run.loadAvg1.toFixed(2)}`,
			);
			return run;
		};

		let fastest = 0;
		for (const name of NAMES) {
			const warm = await segment(name, WARMUP_SECONDS);
			fastest = Math.max(fastest, warm.ok / warm.seconds);
		}
		// every event its own payment: enough for the measured runs at twice the warm-up pace
		const used = Math.max(
			...NAMES.map((name) => intents.length - targets[name].events.remaining()),
		);
		const wanted = Math.ceil(2 * SECONDS * fastest) + 1000 - (intents.length - used);
		if (wanted > 0)
			intents.push(...(await seedPaymentIntents(stack.stripeUrl, intents.length, wanted)));

		const loadBefore = os.loadavg();
		const measured = [];
		for (const name of SCHEDULE) measured.push({ name, run: await segment(name, SECONDS / 2) });
		const loadAfter = os.loadavg();

		const figures = {};
		for (const name of NAMES) {
			const runs = measured.filter((m) => m.name === name).map((m) => m.run);
			const sum = (field) => runs.reduce((total, run) => total + run[field], 0);
			const summary = summarise(runs);
			figures[name] = {
				...summary,
				executions: sum('executions'),
				drainSeconds: round(sum('drainSeconds'), 2),
				// the pace n8n keeps up, executions included: answers / (load time + drain time)
				sustainedPerS: round(summary.ok / (summary.seconds + sum('drainSeconds'))),
				n8nCpuMsPerEvent: round((sum('n8nCpuSeconds') * 1000) / summary.ok, 1),
				stripeCpuMsPerEvent: round((sum('stripeCpuSeconds') * 1000) / summary.ok, 1),
			};
		}
		const { ours, oursNoReread: bare, plain } = figures;
		const results = {
			n8n: '2.41.1',
			expressionEngine: process.env.N8N_EXPRESSION_ENGINE || 'vm (n8n default)',
			n8nSettings,
			seconds: SECONDS,
			concurrency: CONCURRENCY,
			warmupSeconds: WARMUP_SECONDS,
			order: SCHEDULE.join(', '),
			oursEventsPerS: ours.eventsPerS,
			plainEventsPerS: plain.eventsPerS,
			ratio: round(ours.eventsPerS / plain.eventsPerS, 2),
			oursP50Ms: ours.p50Ms,
			oursP99Ms: ours.p99Ms,
			plainP50Ms: plain.p50Ms,
			plainP99Ms: plain.p99Ms,
			oursNoRereadEventsPerS: bare.eventsPerS,
			ratioNoReread: round(bare.eventsPerS / plain.eventsPerS, 2),
			oursNoRereadP50Ms: bare.p50Ms,
			oursNoRereadP99Ms: bare.p99Ms,
			oursP90Ms: ours.p90Ms,
			oursNoRereadP90Ms: bare.p90Ms,
			plainP90Ms: plain.p90Ms,
			oursSustainedPerS: ours.sustainedPerS,
			oursNoRereadSustainedPerS: bare.sustainedPerS,
			plainSustainedPerS: plain.sustainedPerS,
			drainSeconds: {
				ours: ours.drainSeconds,
				oursNoReread: bare.drainSeconds,
				plain: plain.drainSeconds,
			},
			n8nCpuMsPerEvent: {
				ours: ours.n8nCpuMsPerEvent,
				oursNoReread: bare.n8nCpuMsPerEvent,
				plain: plain.n8nCpuMsPerEvent,
			},
			stripeServerCpuMsPerEvent: ours.stripeCpuMsPerEvent,
			answers2xx: { ours: ours.ok, oursNoReread: bare.ok, plain: plain.ok },
			executionsStarted: {
				ours: ours.executions,
				oursNoReread: bare.executions,
				plain: plain.executions,
			},
			outcomes: { ours: ours.outcomes, oursNoReread: bare.outcomes, plain: plain.outcomes },
			errors: { ours: ours.errors, oursNoReread: bare.errors, plain: plain.errors },
			loadAvgBefore: loadBefore.map((l) => round(l, 2)),
			loadAvgAfter: loadAfter.map((l) => round(l, 2)),
			loadAvg1AfterEachHalf: measured.map((m) => `${m.name} ${m.run.loadAvg1.toFixed(2)}`),
			stripeTrigger:
				'not run: its API base is fixed to https://api.stripe.com; the bench talks to 127.0.0.1 only',
		};
		// figures under another engine are kept beside the default engine's, not over them
		record(
			process.env.N8N_EXPRESSION_ENGINE
				? `${section}-${process.env.N8N_EXPRESSION_ENGINE}`
				: section,
			results,
		);
		return results;
	} finally {
		process.removeListener('exit', killAll);
		await stopBenchStack(stack, { keepLogsIn: path.join(REPO, 'test-output', 'bench-logs') });
	}
}

if (typeof test === 'function') {
	test.each(SETTINGS)(
		'webhook throughput: our Payment Webhook Trigger beside n8n plain Webhook ($section)',
		async (settings) => {
			const results = await benchWebhooks(settings);
			expect(results.answers2xx.ours).toBeGreaterThan(0);
			expect(results.answers2xx.plain).toBeGreaterThan(0);
		},
	);
} else {
	// alone, under node: `node bench/webhook.bench.js`
	const stop = () => process.exit(130); // the 'exit' handler stops what was started
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
	(async () => {
		for (const settings of SETTINGS) await benchWebhooks(settings);
	})().then(
		() => process.exit(0),
		(error) => {
			process.stderr.write(`${error.stack ?? error}\n`);
			process.exit(1);
		},
	);
}

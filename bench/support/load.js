'use strict';
// @ts-check
/**
 * A closed-loop HTTP load generator: `concurrency` workers, each sending its next request as soon
 * as the previous one answered, over keep-alive sockets to one URL on 127.0.0.1, until a
 * deadline. Bounded: no request starts after the deadline and each has a timeout, so a run ends
 * at most `seconds + timeoutMs` after it started. Latency is per request, from the start of its
 * write to the end of its response body.
 */
const http = require('node:http');

function send(agent, url, { headers, body }, timeoutMs) {
	return new Promise((resolve) => {
		const started = process.hrtime.bigint();
		const done = (status, text, error) =>
			resolve({ status, text, error, ms: Number(process.hrtime.bigint() - started) / 1e6 });
		const req = http.request(
			url,
			{
				method: 'POST',
				agent,
				headers: { ...headers, 'content-length': Buffer.byteLength(body) },
				timeout: timeoutMs,
			},
			(res) => {
				const chunks = [];
				res.on('data', (chunk) => chunks.push(chunk));
				res.on('end', () => done(res.statusCode, Buffer.concat(chunks).toString('utf8')));
				res.on('error', (error) => done(0, '', error.message));
			},
		);
		req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
		req.on('error', (error) => done(0, '', error.message));
		req.end(body);
	});
}

/**
 * One run: elapsed seconds, 2xx count, 2xx latencies (ms), tallies by status, outcome and error.
 * @typedef {object} LoadRun
 * @property {number} seconds
 * @property {number} ok
 * @property {number[]} latencies
 * @property {Record<string, number>} statuses
 * @property {Record<string, number>} outcomes
 * @property {Record<string, number>} errors
 */

const count = (tally, key) => {
	tally[key] = (tally[key] ?? 0) + 1;
};

/**
 * Drives `url` for `seconds` with `concurrency` requests in flight. `nextRequest()` gives
 * `{ headers, body }` of the next request; `classify(status, text)` names each answer's outcome.
 * Returns the raw run: elapsed seconds, 2xx count, 2xx latencies (ms), tallies by status,
 * outcome and error.
 */
async function drive({ url, seconds, concurrency, nextRequest, classify, timeoutMs = 10_000 }) {
	const target = new URL(url);
	if (target.hostname !== '127.0.0.1') throw new Error(`load only goes to 127.0.0.1, not ${url}`);
	const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
	/** @type {LoadRun} */
	const run = { seconds: 0, ok: 0, latencies: [], statuses: {}, outcomes: {}, errors: {} };
	const started = performance.now();
	const deadline = started + seconds * 1000;
	const worker = async () => {
		while (performance.now() < deadline) {
			const result = await send(agent, target, nextRequest(), timeoutMs);
			count(run.statuses, result.status);
			count(run.outcomes, classify(result.status, result.text));
			if (result.error) count(run.errors, result.error);
			if (result.status >= 200 && result.status < 300) {
				run.ok++;
				run.latencies.push(result.ms);
			}
		}
	};
	try {
		await Promise.all(Array.from({ length: concurrency }, worker));
	} finally {
		agent.destroy();
	}
	run.seconds = (performance.now() - started) / 1000;
	return run;
}

/**
 * `value` to `digits` decimals; null (a percentile of no latencies) stays null.
 * @overload
 * @param {number} value
 * @param {number} [digits]
 * @returns {number}
 */
/**
 * @overload
 * @param {number | null} value
 * @param {number} [digits]
 * @returns {number | null}
 */
/**
 * @param {number | null} value
 * @param {number} [digits]
 */
function round(value, digits = 1) {
	return value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits;
}

function percentile(sorted, p) {
	if (sorted.length === 0) return null;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function mergeTallies(tallies) {
	const merged = {};
	for (const tally of tallies) {
		for (const [key, n] of Object.entries(tally)) merged[key] = (merged[key] ?? 0) + n;
	}
	return merged;
}

/**
 * Several runs against the same URL as one: 2xx per second of run time, latency percentiles.
 * @param {LoadRun[]} runs
 */
function summarise(runs) {
	const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
	const ok = runs.reduce((sum, run) => sum + run.ok, 0);
	const latencies = runs.flatMap((run) => run.latencies).sort((a, b) => a - b);
	return {
		seconds: round(seconds, 2),
		ok,
		eventsPerS: round(ok / seconds),
		p50Ms: round(percentile(latencies, 50)),
		p90Ms: round(percentile(latencies, 90)),
		p99Ms: round(percentile(latencies, 99)),
		maxMs: round(latencies.at(-1) ?? null),
		statuses: mergeTallies(runs.map((run) => run.statuses)),
		outcomes: mergeTallies(runs.map((run) => run.outcomes)),
		errors: mergeTallies(runs.map((run) => run.errors)),
	};
}

module.exports = { drive, summarise, round };

// @ts-check
import { GLOBAL_BUDGET, createRequestLimiter } from '../../nodes/core/rateLimiter';
import {
	ENDPOINT_REQUESTS_PER_SECOND,
	GLOBAL_REQUESTS_PER_SECOND,
	PAYMENT_INTENT_UPDATES_PER_HOUR,
	SEARCH_BUDGET,
	SEARCH_REQUESTS_PER_SECOND,
	budgetHit,
	defaultRequestsPerSecond,
	stripeEndpoint,
	stripeRequestBudgets,
	updatedPaymentIntent,
} from '../../nodes/core/stripe/rateLimits';
import { ROUTES } from '../fakes/stripe/routes';
import { PRESETS } from '../fakes/stripe/limits';

/**
 * Virtual time: `sleep` registers a timer, `run` fires timers in time order (after letting all
 * pending promise work finish) until the awaited promise settles. No real waiting.
 */
function virtualClock() {
	let time = 0;
	let sequence = 0;
	const timers = [];
	const flush = () => new Promise((resolve) => setImmediate(resolve));
	const clock = {
		now: () => time,
		sleep: (ms) =>
			new Promise((resolve) => {
				timers.push({ at: time + Math.max(0, ms), sequence: sequence++, resolve });
			}),
		pendingTimers: () => timers.length,
		async run(promise, maxTimers = 100000) {
			let settled = false;
			promise.then(
				() => (settled = true),
				() => (settled = true),
			);
			for (let fired = 0; ; fired++) {
				await flush();
				if (settled) return promise;
				if (timers.length === 0) throw new Error('deadlock: nothing pending and not settled');
				if (fired >= maxTimers) throw new Error('too many timers');
				timers.sort((a, b) => a.at - b.at || a.sequence - b.sequence);
				const timer = timers.shift();
				time = timer.at;
				timer.resolve();
			}
		},
	};
	return clock;
}

/** Deterministic pseudo-random durations (xorshift). */
function durations(count, min, max, seed = 42) {
	let x = seed;
	return Array.from({ length: count }, () => {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		return min + (Math.abs(x) % (max - min + 1));
	});
}

function maxStartsInAnyWindow(starts) {
	const sorted = [...starts].sort((a, b) => a - b);
	let most = 0;
	let left = 0;
	for (let right = 0; right < sorted.length; right++) {
		while (sorted[right] - sorted[left] >= 1000) left++;
		most = Math.max(most, right - left + 1);
	}
	return most;
}

describe('createRequestLimiter', () => {
	test('500 tasks: never more than R starts in any 1 s window, never more than N in flight, FIFO', async () => {
		const clock = virtualClock();
		const limiterSleeps = [];
		const limiter = createRequestLimiter({
			requestsPerSecond: 25,
			maxInFlight: 10,
			now: clock.now,
			sleep: (ms) => {
				limiterSleeps.push(ms);
				return clock.sleep(ms);
			},
		});
		const taskTimes = durations(500, 20, 400);
		const starts = [];
		const startOrder = [];
		let inFlight = 0;
		let mostInFlight = 0;

		const all = Promise.all(
			taskTimes.map((ms, index) =>
				limiter.run(async () => {
					starts.push(clock.now());
					startOrder.push(index);
					inFlight++;
					mostInFlight = Math.max(mostInFlight, inFlight);
					await clock.sleep(ms);
					inFlight--;
					return index * 2;
				}),
			),
		);
		const results = await clock.run(all);

		expect(results).toEqual(taskTimes.map((_ms, index) => index * 2));
		expect(starts).toHaveLength(500);
		expect(maxStartsInAnyWindow(starts)).toBe(25);
		// Both limits bind in this run: bursts fill all 10 slots, the rate caps the total.
		expect(mostInFlight).toBe(10);
		expect(limiter.stats).toEqual({ maxInFlightSeen: mostInFlight, started: 500, backOffs: 0 });
		expect(startOrder).toEqual(taskTimes.map((_ms, index) => index));
		// Fixed windows, as a server may count them, see no more than R either.
		const perSecond = new Map();
		for (const t of starts)
			perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
		expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(25);
		// Not needlessly slow: 10 slots can do ~45 tasks/s here, so the rate decides and 500
		// starts at 25 per 1.1 s (the guard band) need just under 22 s (plus at most one task's
		// length of slot waiting).
		expect(Math.max(...starts)).toBeLessThan(22000 + 400);
		// No polling: every limiter sleep is a real wait, and there are fewer than tasks.
		expect(limiterSleeps.every((ms) => ms > 0)).toBe(true);
		expect(limiterSleeps.length).toBeLessThan(500);
	});

	test('instant tasks: R per 1.1 s (the guard band), paced a fifth of R per 0.22 s', async () => {
		const clock = virtualClock();
		const limiter = createRequestLimiter({
			requestsPerSecond: 10,
			maxInFlight: 100,
			now: clock.now,
			sleep: clock.sleep,
		});
		const starts = [];
		const all = Promise.all(
			Array.from({ length: 25 }, () => limiter.run(async () => starts.push(clock.now()))),
		);
		await clock.run(all);
		const paced = (from) => [0, 220, 440, 660, 880].flatMap((t) => [from + t, from + t]);
		expect(starts).toEqual([...paced(0), ...paced(1100), 2200, 2200, 2420, 2420, 2640]);
	});

	test('the window slides: a start waits exactly until the oldest start is 1.1 s old', async () => {
		const clock = virtualClock();
		const limiter = createRequestLimiter({
			requestsPerSecond: 2,
			maxInFlight: 10,
			now: clock.now,
			sleep: clock.sleep,
		});
		const starts = [];
		const task = () => limiter.run(async () => starts.push(clock.now()));
		const flow = (async () => {
			await task(); // t=0
			await clock.sleep(600);
			await task(); // t=600
			await task(); // must wait until 1100 (0 + 1.1 s)
			await task(); // must wait until 1700 (600 + 1.1 s)
		})();
		await clock.run(flow);
		expect(starts).toEqual([0, 600, 1100, 1700]);
	});

	test('maxInFlight 1 runs tasks one after another, in order', async () => {
		const clock = virtualClock();
		const limiter = createRequestLimiter({
			requestsPerSecond: 100,
			maxInFlight: 1,
			now: clock.now,
			sleep: clock.sleep,
		});
		const log = [];
		const all = Promise.all(
			[300, 100, 200].map((ms, i) =>
				limiter.run(async () => {
					log.push(`start ${i} @${clock.now()}`);
					await clock.sleep(ms);
					log.push(`end ${i} @${clock.now()}`);
				}),
			),
		);
		await clock.run(all);
		expect(log).toEqual([
			'start 0 @0',
			'end 0 @300',
			'start 1 @300',
			'end 1 @400',
			'start 2 @400',
			'end 2 @600',
		]);
		expect(limiter.stats.maxInFlightSeen).toBe(1);
	});

	test('a caller queueing again after its task ends goes behind those already waiting', async () => {
		const clock = virtualClock();
		const limiter = createRequestLimiter({
			requestsPerSecond: 100,
			maxInFlight: 1,
			now: clock.now,
			sleep: clock.sleep,
		});
		const order = [];
		const first = limiter
			.run(async () => order.push('a1'))
			.then(() => limiter.run(async () => order.push('a2')));
		const second = limiter.run(async () => order.push('b'));
		await clock.run(Promise.all([first, second]));
		expect(order).toEqual(['a1', 'b', 'a2']);
	});

	test('a failing task rejects its caller and frees its slot; a synchronous throw too', async () => {
		const clock = virtualClock();
		const limiter = createRequestLimiter({
			requestsPerSecond: 10,
			maxInFlight: 1,
			now: clock.now,
			sleep: clock.sleep,
		});
		const failing = limiter.run(async () => {
			throw new Error('declined');
		});
		const throwing = limiter.run(() => {
			throw new Error('sync');
		});
		const next = limiter.run(async () => 'ran');
		await expect(clock.run(failing)).rejects.toThrow('declined');
		await expect(clock.run(throwing)).rejects.toThrow('sync');
		await expect(clock.run(next)).resolves.toBe('ran');
		expect(limiter.stats.started).toBe(3);
	});

	test('a limiter left idle starts the next burst at once', async () => {
		const clock = virtualClock();
		const limiter = createRequestLimiter({
			requestsPerSecond: 3,
			maxInFlight: 3,
			now: clock.now,
			sleep: clock.sleep,
		});
		const starts = [];
		const burst = () =>
			Promise.all([1, 2, 3].map(() => limiter.run(async () => starts.push(clock.now()))));
		await clock.run(burst());
		await clock.run(clock.sleep(5000));
		await clock.run(burst());
		// 3/s paces one start per 0.22 s.
		expect(starts).toEqual([0, 220, 440, 5440, 5660, 5880]);
		expect(clock.pendingTimers()).toBe(0);
	});

	test.each([
		[{ requestsPerSecond: 0, maxInFlight: 1 }],
		[{ requestsPerSecond: 2.5, maxInFlight: 1 }],
		[{ requestsPerSecond: 25, maxInFlight: 0 }],
		[{ requestsPerSecond: 25, maxInFlight: NaN }],
	])('rejects %j', (options) => {
		expect(() => createRequestLimiter({ ...options, sleep: async () => {} })).toThrow(RangeError);
	});
});

/** Most starts in any 1 s window, per key of `starts` ({key: [times]}). */
function mostPerWindow(starts) {
	return Object.fromEntries(
		Object.entries(starts).map(([key, times]) => [key, maxStartsInAnyWindow(times)]),
	);
}

/** A limiter on the virtual clock; `sleep` defaults to the clock's. */
function limiterOn(clock, requestsPerSecond, maxInFlight = 100, sleep = clock.sleep) {
	return createRequestLimiter({ requestsPerSecond, maxInFlight, now: clock.now, sleep });
}

const budget = (key, limit, windowMs = 1000) => ({ key, limit, windowMs });

describe('several budgets', () => {
	test('a task takes a slot in the global budget and in each budget it names', async () => {
		const clock = virtualClock();
		const limiter = limiterOn(clock, 5, 100);
		/** @type {Record<'a' | 'b' | 'all', number[]>} */
		const starts = { a: [], b: [], all: [] };
		/** @type {Record<'a' | 'b', number[]>} */
		const order = { a: [], b: [] };
		const taskTimes = durations(60, 10, 300);
		const all = Promise.all(
			taskTimes.map((ms, index) => {
				const key = index % 3 === 0 ? 'b' : 'a';
				return limiter.run(async () => {
					starts[key].push(clock.now());
					starts.all.push(clock.now());
					order[key].push(index);
					await clock.sleep(ms);
				}, [budget(key, 3)]);
			}),
		);
		await clock.run(all);
		const most = mostPerWindow(starts);
		expect(most).toMatchObject({ a: 3, all: 5 });
		expect(most.b).toBeLessThanOrEqual(3);
		// FIFO within each budget.
		expect(order.a).toEqual([...order.a].sort((x, y) => x - y));
		expect(order.b).toEqual([...order.b].sort((x, y) => x - y));
		expect(limiter.stats.started).toBe(60);
	});

	test('a full endpoint does not hold back tasks for other endpoints queued after it', async () => {
		const clock = virtualClock();
		const limiter = limiterOn(clock, 100, 100);
		const log = [];
		const tasks = [];
		for (let i = 0; i < 6; i++) {
			tasks.push(
				limiter.run(async () => log.push(`create @${clock.now()}`), [budget('create', 2)]),
			);
		}
		tasks.push(limiter.run(async () => log.push(`read @${clock.now()}`), [budget('read', 2)]));
		await clock.run(Promise.all(tasks));
		// 2/s: one start per 0.22 s, two per 1.1 s; the read, queued last, goes at once.
		expect(log).toEqual([
			'create @0',
			'read @0',
			'create @220',
			'create @1100',
			'create @1320',
			'create @2200',
			'create @2420',
		]);
	});

	test("the daily run's three endpoints all stay busy: 25/s each, 75/s together on a live key", async () => {
		const clock = virtualClock();
		const limiter = limiterOn(clock, defaultRequestsPerSecond('sk_live_x'), 200);
		const requests = [
			['POST', '/v1/payment_intents'],
			['POST', '/v1/payment_intents/pi_3Nq1A/confirm'],
			['GET', '/v1/payment_intents'],
		];
		const starts = {};
		const all = [];
		// Interleaved as a batch of invoices makes them: create, confirm, list, create, ...
		for (let i = 0; i < 150; i++) {
			const [method, path] = requests[i % 3];
			const confirmPath = path.replace('pi_3Nq1A', `pi_${i}X`);
			const endpoint = stripeEndpoint(method, confirmPath);
			all.push(
				limiter.run(
					async () => {
						(starts[endpoint] ??= []).push(clock.now());
						await clock.sleep(100);
					},
					stripeRequestBudgets(method, confirmPath),
				),
			);
		}
		await clock.run(Promise.all(all));
		expect(mostPerWindow(starts)).toEqual({
			'POST /v1/payment_intents': 25,
			'POST /v1/payment_intents/:id/confirm': 25,
			'GET /v1/payment_intents': 25,
		});
		for (const times of Object.values(starts)) {
			// All three start at once, 5 each per 0.22 s (paced), 25 each in the first 1.1 s.
			expect(times.filter((t) => t === 0)).toHaveLength(5);
			expect(times.filter((t) => t < 1100)).toHaveLength(25);
		}
		// 50 of each at 25 per 1.1 s: done within two windows.
		expect(Math.max(...Object.values(starts).flat())).toBeLessThan(2200);
	});

	test('searches share one 20/s budget across search endpoints, on top of their endpoint', async () => {
		const clock = virtualClock();
		const limiter = limiterOn(clock, 100, 100);
		/** @type {{ search: number[] }} */
		const starts = { search: [] };
		const paths = ['/v1/customers/search', '/v1/payment_intents/search'];
		await clock.run(
			Promise.all(
				Array.from({ length: 50 }, (_, i) =>
					limiter.run(
						async () => starts.search.push(clock.now()),
						stripeRequestBudgets('GET', paths[i % 2]),
					),
				),
			),
		);
		expect(mostPerWindow(starts)).toEqual({ search: SEARCH_REQUESTS_PER_SECOND });
	});

	test('one budget named twice by a task takes one slot', async () => {
		const clock = virtualClock();
		const limiter = limiterOn(clock, 10, 10);
		const starts = [];
		await clock.run(
			Promise.all(
				[1, 2].map(() =>
					limiter.run(async () => starts.push(clock.now()), [budget('x', 10), budget('x', 10)]),
				),
			),
		);
		expect(starts).toEqual([0, 0]);
	});

	test('no polling: every sleep is a real wait, fewer sleeps than tasks', async () => {
		const clock = virtualClock();
		const sleeps = [];
		const limiter = limiterOn(clock, 10, 4, (ms) => {
			sleeps.push(ms);
			return clock.sleep(ms);
		});
		const taskTimes = durations(200, 5, 250, 7);
		await clock.run(
			Promise.all(
				taskTimes.map((ms, i) =>
					limiter.run(() => clock.sleep(ms), [budget(`endpoint ${i % 4}`, 3)]),
				),
			),
		);
		expect(sleeps.every((ms) => ms > 0)).toBe(true);
		expect(sleeps.length).toBeLessThan(200);
		expect(clock.pendingTimers()).toBe(0);
	});

	test('a budget spec that is not a whole positive limit and window is refused', async () => {
		const limiter = createRequestLimiter({
			requestsPerSecond: 1,
			maxInFlight: 1,
			sleep: async () => {},
		});
		await expect(limiter.run(async () => 1, [budget('x', 0)])).rejects.toThrow(RangeError);
		await expect(limiter.run(async () => 1, [budget('y', 2, 0.5)])).rejects.toThrow(RangeError);
		await expect(limiter.run(async () => 1)).resolves.toBe(1);
	});
});

describe('backing off after a 429', () => {
	/**
	 * Callers keep budgets `keys` (8 per window each) full for `windows` windows of 1.1 s; at each
	 * `[time, key]` of `refusals` the limiter hears of a 429 on that budget, as a response arriving
	 * mid-burst. Returns each budget's start times.
	 */
	async function keepFull(limiter, clock, keys, windows, refusals) {
		const starts = Object.fromEntries(keys.map((key) => [key, []]));
		const end = windows * 1100;
		const caller = async (key) => {
			for (;;) {
				const at = await limiter.run(async () => clock.now(), [budget(key, 8)]);
				if (at >= end) return;
				starts[key].push(at);
			}
		};
		const heard = refusals.map(([time, key]) => clock.sleep(time).then(() => limiter.backOff(key)));
		await clock.run(
			Promise.all([
				...heard,
				...keys.flatMap((key) => Array.from({ length: 10 }, () => caller(key))),
			]),
		);
		return starts;
	}

	/** Starts in each window [k*1100, (k+1)*1100). */
	const perWindow = (times, windows) =>
		Array.from(
			{ length: windows },
			(_, k) => times.filter((t) => t >= k * 1100 && t < (k + 1) * 1100).length,
		);

	/** Every start kept the limit of its moment: at most `limitAt(t)` starts in the 1.1 s up to it. */
	function expectWithin(times, limitAt) {
		for (const t of times) {
			const inWindow = times.filter((other) => other > t - 1100 && other <= t).length;
			expect(inWindow).toBeLessThanOrEqual(limitAt(t));
		}
	}

	/** The design: halved at `cutAt` for one window, then a quarter of the limit back per window. */
	const recovering = (limit, cut, cutAt) => (t) =>
		t < cutAt
			? limit
			: Math.min(limit, cut + Math.floor((t - cutAt) / 1100) * Math.ceil(limit / 4));

	test('only the budget hit slows: halved for a window, then a quarter of its limit back per window', async () => {
		const clock = virtualClock();
		const limiter = limiterOn(clock, 100);
		// Two 429s of the same burst: the second changes nothing.
		const starts = await keepFull(limiter, clock, ['hit', 'other'], 8, [
			[500, 'hit'],
			[600, 'hit'],
		]);
		expect(perWindow(starts.other, 8)).toEqual([8, 8, 8, 8, 8, 8, 8, 8]);
		expectWithin(starts.hit, recovering(8, 4, 500));
		const hit = perWindow(starts.hit, 8);
		expect(Math.min(...hit)).toBeLessThanOrEqual(6);
		expect(hit.slice(-4)).toEqual([8, 8, 8, 8]);
		expect(limiter.stats.backOffs).toBe(1);
	});

	test('a back-off of the global budget slows every endpoint together', async () => {
		const clock = virtualClock();
		const limiter = limiterOn(clock, 12);
		const starts = await keepFull(limiter, clock, ['a', 'b'], 6, [[500, GLOBAL_BUDGET]]);
		const together = [...starts.a, ...starts.b].sort((x, y) => x - y);
		expectWithin(together, recovering(12, 6, 500));
		expect(Math.min(...perWindow(together, 6))).toBeLessThanOrEqual(9);
		expect(perWindow(together, 6).slice(-2)).toEqual([12, 12]);
		// Oldest first across endpoints: neither is starved.
		for (const n of [...perWindow(starts.a, 6), ...perWindow(starts.b, 6)]) {
			expect(n).toBeGreaterThanOrEqual(3);
		}
	});

	test('429s a window apart cut again from where recovery got to; an unknown budget is ignored', async () => {
		const clock = virtualClock();
		const limiter = limiterOn(clock, 100);
		const starts = await keepFull(limiter, clock, ['hot'], 6, [
			[500, 'hot'],
			[1600, 'hot'],
			[2700, 'hot'],
			[3800, 'hot'],
			[3900, 'never-used'],
		]);
		// 8 -> 4; +2 = 6 -> 3; +2 = 5 -> 2; +2 = 4 -> 2: a 429 a window holds it near a quarter.
		const limitAt = (t) => (t < 500 ? 8 : t < 1600 ? 4 : t < 2700 ? 3 : 2);
		expectWithin(
			starts.hot.filter((t) => t < 4900),
			limitAt,
		);
		expect(perWindow(starts.hot, 6).slice(2, 4)).toEqual([2, 2]);
		expect(limiter.stats.backOffs).toBe(4);
	});

	test('a cut never goes below 1', async () => {
		const clock = virtualClock();
		const limiter = limiterOn(clock, 1);
		const starts = await keepFull(limiter, clock, ['x'], 3, [[0, GLOBAL_BUDGET]]);
		expect(perWindow(starts.x, 3)).toEqual([1, 1, 1]);
	});
});

describe("Stripe's documented limits (stripe/rateLimits.ts)", () => {
	test('the numbers of https://docs.stripe.com/rate-limits, as the local Stripe server enforces them', () => {
		expect(GLOBAL_REQUESTS_PER_SECOND).toEqual({
			live: PRESETS.live.global,
			sandbox: PRESETS.sandbox.global,
		});
		for (const preset of [PRESETS.live, PRESETS.sandbox]) {
			expect(preset).toEqual({
				global: preset.global,
				endpoint: ENDPOINT_REQUESTS_PER_SECOND,
				search: SEARCH_REQUESTS_PER_SECOND,
				paymentIntentUpdatesPerHour: PAYMENT_INTENT_UPDATES_PER_HOUR,
			});
		}
	});

	test.each([
		['POST', '/v1/payment_intents', 'POST /v1/payment_intents'],
		['GET', '/v1/payment_intents', 'GET /v1/payment_intents'],
		['GET', '/v1/payment_intents/pi_3MtwBwLkdIwHu7ix28a3tqPa', 'GET /v1/payment_intents/:id'],
		['POST', '/v1/payment_intents/pi_1/confirm', 'POST /v1/payment_intents/:id/confirm'],
		['get', '/v1/customers/search', 'GET /v1/customers/search'],
		[
			'GET',
			'/v1/customers/cus_NffrFeUfNV2Hib/payment_methods',
			'GET /v1/customers/:id/payment_methods',
		],
		['GET', '/v1/payment_methods/pm_card_visa', 'GET /v1/payment_methods/:id'],
		[
			'GET',
			'/v1/checkout/sessions/cs_test_a1b2/line_items',
			'GET /v1/checkout/sessions/:id/line_items',
		],
		['POST', '/v1/billing_portal/sessions', 'POST /v1/billing_portal/sessions'],
		['DELETE', '/v1/webhook_endpoints/we_1Mr5jU', 'DELETE /v1/webhook_endpoints/:id'],
	])('%s %s is the endpoint %s', (method, path, endpoint) => {
		expect(stripeEndpoint(method, path)).toBe(endpoint);
	});

	test('every route of the local Stripe server is named as its stats.byRoute names it', () => {
		const ids = ['ch_3MmlLrLkdIwHu7ix0snN0B15', 'cus_NffrFeUfNV2Hib', 'pm_card_visa'];
		for (const route of ROUTES) {
			for (const id of ids) {
				expect(stripeEndpoint(route.method, route.pattern.replace(/:id/g, id))).toBe(route.key);
			}
		}
	});

	test('budgets: the endpoint always, the search budget for searches, the PaymentIntent for its updates', () => {
		const keys = (method, path) =>
			stripeRequestBudgets(method, path).map((b) => [b.key, b.limit, b.windowMs]);
		expect(keys('GET', '/v1/customers/cus_1')).toEqual([['GET /v1/customers/:id', 25, 1000]]);
		expect(keys('GET', '/v1/customers/search')).toEqual([
			['GET /v1/customers/search', 25, 1000],
			[SEARCH_BUDGET, 20, 1000],
		]);
		expect(keys('POST', '/v1/payment_intents/pi_9Z/cancel')).toEqual([
			['POST /v1/payment_intents/:id/cancel', 25, 1000],
			['payment_intent pi_9Z', 1000, 3_600_000],
		]);
		expect(keys('GET', '/v1/payment_intents/pi_9Z')).toHaveLength(1);
		expect(updatedPaymentIntent('POST', '/v1/payment_intents')).toBeUndefined();
		expect(updatedPaymentIntent('POST', '/v1/payment_intents/pi_9Z')).toBe('pi_9Z');
	});

	test.each([
		['global-rate', 'POST', '/v1/payment_intents', undefined, GLOBAL_BUDGET],
		['global-concurrency', 'GET', '/v1/customers/cus_1', undefined, GLOBAL_BUDGET],
		[
			'endpoint-rate',
			'POST',
			'/v1/payment_intents/pi_1/confirm',
			undefined,
			'POST /v1/payment_intents/:id/confirm',
		],
		['endpoint-concurrency', 'GET', '/v1/payment_intents', undefined, 'GET /v1/payment_intents'],
		['endpoint-rate', 'GET', '/v1/customers/search', undefined, SEARCH_BUDGET],
		[
			'resource-specific',
			'POST',
			'/v1/payment_intents/pi_1/confirm',
			undefined,
			'payment_intent pi_1',
		],
		['resource-specific', 'POST', '/v1/customers/cus_1', undefined, 'POST /v1/customers/:id'],
		[undefined, 'GET', '/v1/balance', 'rate_limit', GLOBAL_BUDGET],
		[undefined, 'POST', '/v1/payment_intents/pi_1/confirm', 'lock_timeout', undefined],
	])('a 429 %s on %s %s (code %s) backs off %s', (reason, method, path, code, hit) => {
		expect(budgetHit(reason, method, path, code)).toBe(hit);
	});
});

describe('defaultRequestsPerSecond', () => {
	test.each([
		['sk_live_51Habc', 100],
		['rk_live_51Habc', 100],
		['sk_test_51Habc', 25],
		['rk_test_51Habc', 25],
		['pk_live_51Habc', 25],
		['', 25],
		['live_sk_live_', 25],
	])('%j -> %i', (key, expected) => {
		expect(defaultRequestsPerSecond(key)).toBe(expected);
	});
});

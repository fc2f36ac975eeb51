import { createRequestLimiter, defaultRequestsPerSecond } from '../../nodes/core/rateLimiter';

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
		expect(limiter.stats).toEqual({ maxInFlightSeen: mostInFlight, started: 500 });
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

	test('instant tasks start in exact bursts of R per 1.1 s (the guard band)', async () => {
		const clock = virtualClock();
		const limiter = createRequestLimiter({
			requestsPerSecond: 5,
			maxInFlight: 100,
			now: clock.now,
			sleep: clock.sleep,
		});
		const starts = [];
		const all = Promise.all(
			Array.from({ length: 12 }, () => limiter.run(async () => starts.push(clock.now()))),
		);
		await clock.run(all);
		expect(starts).toEqual([0, 0, 0, 0, 0, 1100, 1100, 1100, 1100, 1100, 2200, 2200]);
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

	test('a limiter left idle lets the next burst start at once', async () => {
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
		expect(starts).toEqual([0, 0, 0, 5000, 5000, 5000]);
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

export interface RequestLimiter {
	run<T>(task: () => Promise<T>): Promise<T>;
}

export interface RequestLimiterStats {
	maxInFlightSeen: number;
	started: number;
}

export interface RequestLimiterOptions {
	requestsPerSecond: number;
	maxInFlight: number;
	sleep: (ms: number) => Promise<void>;
	now?: () => number;
}

// Stripe counts requests when they ARRIVE; network and event-loop jitter bunch arrivals, so
// starts are spread over a slightly longer window than the one the limit is counted in.
const WINDOW_MS = 1000;
const GUARD_MS = 100;
const SPREAD_MS = WINDOW_MS + GUARD_MS;

interface QueuedTask {
	task: () => Promise<unknown>;
	resolve: (value: unknown) => void;
	reject: (reason: unknown) => void;
}

/**
 * Shares one request budget between everything a node execution sends to a provider.
 *
 * Stripe limits an account to 100 requests/s in live mode and 25/s in test mode and answers
 * 429 above that; a node paying hundreds of invoices would hit it at once, and every 429 costs
 * a backoff. So at most `requestsPerSecond` tasks START in any sliding 1.1-second window (which
 * also keeps every fixed 1-second window a server may count within the limit), and at most
 * `maxInFlight` run at once. Tasks start in the order they were queued. When the window is
 * full the limiter sleeps exactly until its oldest start leaves the window (one timer at a
 * time, through the handed-in `sleep`), never polls.
 */
export function createRequestLimiter(
	opts: RequestLimiterOptions,
): RequestLimiter & { stats: RequestLimiterStats } {
	const { requestsPerSecond, maxInFlight, sleep } = opts;
	const now = opts.now ?? Date.now;
	if (!Number.isInteger(requestsPerSecond) || requestsPerSecond < 1) {
		throw new RangeError(`requestsPerSecond must be a whole number >= 1, got ${requestsPerSecond}`);
	}
	if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
		throw new RangeError(`maxInFlight must be a whole number >= 1, got ${maxInFlight}`);
	}

	const stats: RequestLimiterStats = { maxInFlightSeen: 0, started: 0 };
	const queue: QueuedTask[] = [];
	// Start times inside the current window, oldest first; never longer than requestsPerSecond.
	const recentStarts: number[] = [];
	let inFlight = 0;
	let waking = false;

	// The slot is freed (and the next queued task started) before the caller sees the result,
	// so a caller queueing again at once lines up behind those already waiting.
	const settle =
		<V>(settleCaller: (value: V) => void) =>
		(value: V): void => {
			inFlight -= 1;
			pump();
			settleCaller(value);
		};

	const start = (entry: QueuedTask, at: number): void => {
		recentStarts.push(at);
		inFlight += 1;
		stats.started += 1;
		stats.maxInFlightSeen = Math.max(stats.maxInFlightSeen, inFlight);
		// new Promise turns a synchronous throw of the task into a rejection.
		void new Promise<unknown>((resolve) => resolve(entry.task())).then(
			settle(entry.resolve),
			settle(entry.reject),
		);
	};

	const wake = (): void => {
		waking = false;
		pump();
	};

	function pump(): void {
		while (queue.length > 0 && inFlight < maxInFlight) {
			const at = now();
			while (recentStarts.length > 0 && recentStarts[0] <= at - SPREAD_MS) recentStarts.shift();
			if (recentStarts.length >= requestsPerSecond) {
				if (!waking) {
					waking = true;
					void sleep(recentStarts[0] + SPREAD_MS - at).then(wake, wake);
				}
				return;
			}
			start(queue.shift() as QueuedTask, at);
		}
	}

	return {
		stats,
		run<T>(task: () => Promise<T>): Promise<T> {
			return new Promise<T>((resolve, reject) => {
				queue.push({ task, resolve: resolve as (value: unknown) => void, reject });
				pump();
			});
		},
	};
}

/** Whether a Stripe secret or restricted key is a live-mode key (`sk_live_`, `rk_live_`). */
export function isLiveKey(secretKey: string): boolean {
	return /^(?:sk|rk)_live_/.test(secretKey);
}

/**
 * Stripe's documented rate limit for the key's mode: 100 requests/s live, 25 test. An unknown
 * key shape gets the lower one, which can only slow a run down, never cause 429s.
 */
export function defaultRequestsPerSecond(secretKey: string): number {
	return isLiveKey(secretKey) ? 100 : 25;
}

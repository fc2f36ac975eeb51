/** A budget a request takes a slot in: at most `limit` starts in any window of `windowMs`. */
export interface BudgetSpec {
	/** Names the budget; requests naming the same key share it (e.g. one Stripe endpoint). */
	key: string;
	limit: number;
	windowMs: number;
}

export interface RequestLimiter {
	/**
	 * Runs `task` once it may start: a slot free in the global budget and in each of `budgets`
	 * (created on first use with the spec's limit), and fewer than `maxInFlight` tasks running.
	 */
	run<T>(task: () => Promise<T>, budgets?: BudgetSpec[]): Promise<T>;
	/**
	 * The provider refused a request over the budget `key` (GLOBAL_BUDGET or one named in `run`):
	 * that budget, and no other, slows down for a while. An unknown key is ignored.
	 */
	backOff(key: string): void;
}

export interface RequestLimiterStats {
	maxInFlightSeen: number;
	started: number;
	/** Back-offs that cut a budget (those of a burst already cut are not counted). */
	backOffs: number;
}

export interface RequestLimiterOptions {
	/** The global budget: starts per second over every request. */
	requestsPerSecond: number;
	maxInFlight: number;
	sleep: (ms: number) => Promise<void>;
	now?: () => number;
}

/** The budget every request takes a slot in. */
export const GLOBAL_BUDGET = 'global';

// Servers count requests when they ARRIVE; network and event-loop jitter bunch arrivals, so
// starts are spread over a slightly longer window than the one the limit is counted in.
const GUARD_MS = 100;
// A budget's starts are also paced: at most a fifth of its limit in any fifth of its window. A
// whole second's budget sent at once leaves the process over tens of milliseconds on a busy
// host and arrives bunched with the next window's first requests; paced, arrival jitter stays
// within the guard band (and a token-bucket limiter sees no burst).
const PACING_PARTS = 5;
const SECOND_MS = 1000;
// After a back-off the budget runs at half its limit for one window (1.1 s for a per-second
// budget), then regains a quarter of its limit per window: a 429 means something else spends the
// account's budget right now, so our share halves, and probing back over a few seconds finds
// what is left without a storm of 429s or a run left slow by one 429. Further 429s within a
// window of a cut came from the same burst and cut nothing more.
const RECOVERY_STEPS = 4;

interface Budget {
	key: string;
	limit: number;
	/** The window plus the guard band. */
	spreadMs: number;
	/** Start times still inside the spread window, oldest first. */
	starts: number[];
	/** The limit after the last back-off, and when it was cut. */
	cut?: { limit: number; at: number };
}

interface Waiting {
	task: () => Promise<unknown>;
	resolve: (value: unknown) => void;
	reject: (reason: unknown) => void;
	budgets: Budget[];
	/** Arrival order: among the tasks that may start, the oldest goes first. */
	sequence: number;
}

function wholeNumber(name: string, value: number): void {
	if (!Number.isInteger(value) || value < 1) {
		throw new RangeError(`${name} must be a whole number >= 1, got ${value}`);
	}
}

function newBudget({ key, limit, windowMs }: BudgetSpec): Budget {
	wholeNumber(`limit of budget ${key}`, limit);
	wholeNumber(`window of budget ${key}`, windowMs);
	return { key, limit, spreadMs: windowMs + GUARD_MS, starts: [] };
}

/** The budget's limit now: its own, or while recovering from a back-off, less. */
function limitAt(budget: Budget, at: number): number {
	const { cut } = budget;
	if (!cut) return budget.limit;
	const windows = Math.floor((at - cut.at) / budget.spreadMs);
	const step = Math.ceil(budget.limit / RECOVERY_STEPS);
	const limit = cut.limit + windows * step;
	if (limit < budget.limit) return limit;
	budget.cut = undefined;
	return budget.limit;
}

/** When `limit` starts fit in the last `spreadMs`: `at`, or when the deciding start leaves it. */
function slotAt(starts: number[], limit: number, spreadMs: number, at: number): number {
	if (starts.length < limit) return at;
	return Math.max(at, starts[starts.length - limit] + spreadMs);
}

/** When the budget has a free slot, in its window and in its pacing part of it. */
function freeAt(budget: Budget, at: number): number {
	const { starts, spreadMs } = budget;
	while (starts.length > 0 && starts[0] <= at - spreadMs) starts.shift();
	const limit = limitAt(budget, at);
	return Math.max(
		slotAt(starts, limit, spreadMs, at),
		slotAt(starts, Math.ceil(limit / PACING_PARTS), spreadMs / PACING_PARTS, at),
	);
}

/**
 * Shares a provider's request budgets between everything a node execution sends to it.
 *
 * Stripe limits an account's requests per second globally AND per endpoint (see
 * stripe/rateLimits.ts) and answers 429 above that; a node paying hundreds of invoices would hit
 * them at once, and every 429 costs a backoff. So a task starts only when the global budget and
 * each budget it names have a free slot: at most `limit` starts in any sliding window of the
 * budget's length plus 0.1 s (which also keeps every fixed window a server may count within the
 * limit), paced at most a fifth of that in a fifth of the window, and at most `maxInFlight` tasks
 * run at once. Within a budget tasks start in the order
 * they were queued, but a task waiting for a full budget never holds back one that does not
 * need it: a full `POST /v1/payment_intents` leaves reads and confirms going. When nothing can
 * start, the limiter sleeps exactly until the earliest moment something can (one timer for that
 * moment, through the handed-in `sleep`), never polls.
 */
export function createRequestLimiter(
	opts: RequestLimiterOptions,
): RequestLimiter & { stats: RequestLimiterStats } {
	const { requestsPerSecond, maxInFlight, sleep } = opts;
	const now = opts.now ?? Date.now;
	wholeNumber('requestsPerSecond', requestsPerSecond);
	wholeNumber('maxInFlight', maxInFlight);

	const stats: RequestLimiterStats = { maxInFlightSeen: 0, started: 0, backOffs: 0 };
	const global = newBudget({ key: GLOBAL_BUDGET, limit: requestsPerSecond, windowMs: SECOND_MS });
	const budgets = new Map<string, Budget>([[GLOBAL_BUDGET, global]]);
	const budgetFor = (spec: BudgetSpec): Budget => {
		const known = budgets.get(spec.key);
		if (known) return known;
		const budget = newBudget(spec);
		budgets.set(spec.key, budget);
		return budget;
	};
	const queueKey = (needed: Budget[]): string => needed.map((budget) => budget.key).join('\n');
	// One FIFO per set of budgets: tasks needing the same budgets start in order among themselves.
	const queues = new Map<string, Waiting[]>();
	// Times the pending sleeps end; a new one is set only for an earlier moment.
	const wakes: number[] = [];
	let inFlight = 0;
	let sequence = 0;

	// The slot is freed (and the next queued task started) before the caller sees the result,
	// so a caller queueing again at once lines up behind those already waiting.
	const settle =
		<V>(settleCaller: (value: V) => void) =>
		(value: V): void => {
			inFlight -= 1;
			pump();
			settleCaller(value);
		};

	const start = (entry: Waiting, at: number): void => {
		for (const budget of entry.budgets) budget.starts.push(at);
		inFlight += 1;
		stats.started += 1;
		stats.maxInFlightSeen = Math.max(stats.maxInFlightSeen, inFlight);
		// new Promise turns a synchronous throw of the task into a rejection.
		void new Promise<unknown>((resolve) => resolve(entry.task())).then(
			settle(entry.resolve),
			settle(entry.reject),
		);
	};

	const wakeAt = (time: number, at: number): void => {
		if (wakes.length > 0 && Math.min(...wakes) <= time) return;
		wakes.push(time);
		const wake = (): void => {
			wakes.splice(wakes.indexOf(time), 1);
			pump();
		};
		void sleep(time - at).then(wake, wake);
	};

	function pump(): void {
		while (queues.size > 0 && inFlight < maxInFlight) {
			const at = now();
			let next: Waiting[] | undefined;
			let earliest = Number.POSITIVE_INFINITY;
			for (const queue of queues.values()) {
				const head = queue[0];
				const ready = Math.max(...head.budgets.map((budget) => freeAt(budget, at)));
				if (ready > at) earliest = Math.min(earliest, ready);
				else if (!next || head.sequence < next[0].sequence) next = queue;
			}
			if (!next) {
				wakeAt(earliest, at);
				return;
			}
			const entry = next.shift() as Waiting;
			if (next.length === 0) queues.delete(queueKey(entry.budgets));
			start(entry, at);
		}
	}

	return {
		stats,
		run<T>(task: () => Promise<T>, specs: BudgetSpec[] = []): Promise<T> {
			return new Promise<T>((resolve, reject) => {
				const needed = [global];
				for (const spec of specs) {
					const budget = budgetFor(spec);
					if (!needed.includes(budget)) needed.push(budget);
				}
				const key = queueKey(needed);
				const queue = queues.get(key) ?? [];
				queue.push({
					task,
					resolve: resolve as (value: unknown) => void,
					reject,
					budgets: needed,
					sequence: sequence++,
				});
				queues.set(key, queue);
				pump();
			});
		},
		backOff(key: string): void {
			const budget = budgets.get(key);
			if (!budget) return;
			const at = now();
			// The 429s of one burst were all sent under the old limit: cut once per window.
			if (budget.cut && at - budget.cut.at < budget.spreadMs) return;
			budget.cut = { limit: Math.max(1, Math.floor(limitAt(budget, at) / 2)), at };
			stats.backOffs += 1;
		},
	};
}

// @ts-check
'use strict';
/**
 * Stripe's documented rate limits (https://docs.stripe.com/rate-limits, as of 2026), enforced
 * the way Stripe counts them: per account, requests per second.
 *
 * - global: every /v1 request; 100/s live, 25/s in a sandbox (test mode);
 * - endpoint: each named operation on its own, 25/s unless stated otherwise. Stripe names an
 *   endpoint by method and path with ids folded: `POST /v1/payment_intents` and
 *   `GET /v1/payment_intents/{id}` are two endpoints, and reads of different ids count against the
 *   same one. The fake names them by its route table (`GET /v1/payment_intents/:id`), the same
 *   names its `stats.byRoute` uses;
 * - search: the Search API (`GET /v1/<resource>/search`), 20 reads/s across all searches;
 * - paymentIntentUpdatesPerHour: 1,000 update requests per PaymentIntent per hour (every POST to
 *   `/v1/payment_intents/{id}` or one of its actions).
 *
 * A request over a limit is answered 429 with `Stripe-Rate-Limited-Reason` (global-rate,
 * endpoint-rate or resource-specific) and does not run; it takes no slot in any window, so only
 * requests let through count. Stripe sends no Retry-After. 0 = that limit off.
 */

const PRESETS = {
	live: { global: 100, endpoint: 25, search: 20, paymentIntentUpdatesPerHour: 1000 },
	sandbox: { global: 25, endpoint: 25, search: 20, paymentIntentUpdatesPerHour: 1000 },
};
const NO_LIMITS = { global: 0, endpoint: 0, search: 0, paymentIntentUpdatesPerHour: 0 };
const REASONS = {
	global: 'global-rate',
	endpoint: 'endpoint-rate',
	search: 'endpoint-rate',
	paymentIntent: 'resource-specific',
};

const SECOND_MS = 1000;
const HOUR_MS = 3600 * 1000;

/** `'live'`, `'sandbox'`, or `{global, endpoint, search, paymentIntentUpdatesPerHour}` (missing = off). */
function limitsFrom(spec) {
	if (spec === undefined || spec === null || spec === '' || spec === 'none')
		return { ...NO_LIMITS };
	if (typeof spec === 'string') {
		if (!PRESETS[spec]) throw new Error(`Unknown limits preset "${spec}" (live or sandbox)`);
		return { ...PRESETS[spec] };
	}
	const limits = { ...NO_LIMITS };
	for (const key of Object.keys(NO_LIMITS)) limits[key] = Number(spec[key]) || 0;
	return limits;
}

/** Arrival times let through, pruned to the window; `full` when `limit` of them are inside it. */
class Window {
	constructor(windowMs) {
		this.windowMs = windowMs;
		this.arrivals = [];
	}

	full(limit, now) {
		const { arrivals } = this;
		while (arrivals.length && arrivals[0] <= now - this.windowMs) arrivals.shift();
		return limit > 0 && arrivals.length >= limit;
	}

	take(now) {
		this.arrivals.push(now);
	}
}

class RateLimits {
	// each replaced by set()
	global = new Window(SECOND_MS);
	search = new Window(SECOND_MS);
	/** @type {Map<string, Window>} */
	endpoints = new Map();
	/** @type {Map<string, Window>} */
	paymentIntents = new Map();

	constructor(spec) {
		this.set(spec);
	}

	/** Replaces the limits and forgets every window. */
	set(spec) {
		this.limits = limitsFrom(spec);
		this.global = new Window(SECOND_MS);
		this.search = new Window(SECOND_MS);
		this.endpoints = new Map();
		this.paymentIntents = new Map();
		return { ...this.limits };
	}

	setGlobal(rps) {
		this.limits.global = Number(rps) || 0;
		this.global = new Window(SECOND_MS);
	}

	/**
	 * Lets the request through (taking its slot in each window it counts against) or returns the
	 * `Stripe-Rate-Limited-Reason` it is refused with.
	 * @param {string} endpoint e.g. 'POST /v1/payment_intents/:id/confirm'
	 * @param {string|undefined} paymentIntent the PaymentIntent id a POST updates, if any
	 */
	admit(endpoint, paymentIntent, now) {
		const { limits } = this;
		/** @type {Array<[keyof typeof REASONS, Window, number]>} */
		const windows = [['global', this.global, limits.global]];
		let endpointWindow = this.endpoints.get(endpoint);
		if (!endpointWindow) {
			endpointWindow = new Window(SECOND_MS);
			this.endpoints.set(endpoint, endpointWindow);
		}
		windows.push(['endpoint', endpointWindow, limits.endpoint]);
		if (isSearch(endpoint)) windows.push(['search', this.search, limits.search]);
		if (paymentIntent && limits.paymentIntentUpdatesPerHour > 0) {
			let paymentIntentWindow = this.paymentIntents.get(paymentIntent);
			if (!paymentIntentWindow) {
				paymentIntentWindow = new Window(HOUR_MS);
				this.paymentIntents.set(paymentIntent, paymentIntentWindow);
			}
			windows.push(['paymentIntent', paymentIntentWindow, limits.paymentIntentUpdatesPerHour]);
		}
		const over = windows.find(([, window, limit]) => window.full(limit, now));
		if (over) return REASONS[over[0]];
		for (const [, window] of windows) window.take(now);
		return null;
	}
}

function isSearch(endpoint) {
	return endpoint.startsWith('GET ') && endpoint.endsWith('/search');
}

/** The PaymentIntent a request updates: a POST to /v1/payment_intents/{id} or one of its actions. */
function updatedPaymentIntent(method, pathname) {
	if (method !== 'POST') return undefined;
	const m = /^\/v1\/payment_intents\/([^/]+)(?:\/[^/]+)?$/.exec(pathname);
	return m ? decodeURIComponent(m[1]) : undefined;
}

module.exports = { PRESETS, RateLimits, limitsFrom, updatedPaymentIntent };

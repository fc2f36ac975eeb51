// Types only: rateLimiter.ts re-exports this module's key helpers for the package's index.
import type { BudgetSpec, GLOBAL_BUDGET } from '../rateLimiter';

/**
 * Stripe's API rate limits, the one place their numbers live. Source: Stripe's rate-limits page
 * (https://docs.stripe.com/rate-limits, as of 2026). Limits are per account and counted when
 * requests arrive; a request counts against the global limit AND its endpoint's.
 */
export const STRIPE_RATE_LIMITS_SOURCE = 'https://docs.stripe.com/rate-limits';

/** Every request of the account: 100/s in live mode, 25/s in a sandbox (test mode). */
export const GLOBAL_REQUESTS_PER_SECOND = { live: 100, sandbox: 25 } as const;

/** Each named endpoint (method + path, ids folded) on its own, unless stated otherwise. */
export const ENDPOINT_REQUESTS_PER_SECOND = 25;

/** The Search API (`GET /v1/<resource>/search`): one budget for all search endpoints. */
export const SEARCH_REQUESTS_PER_SECOND = 20;

/** Update requests to one PaymentIntent (POST to it or one of its actions) per hour. */
export const PAYMENT_INTENT_UPDATES_PER_HOUR = 1000;

/** The values of `Stripe-Rate-Limited-Reason` on a 429: which limit the request hit. */
export const RATE_LIMITED_REASONS = [
	'global-rate',
	'global-concurrency',
	'endpoint-rate',
	'endpoint-concurrency',
	'resource-specific',
] as const;

export type RateLimitedReason = (typeof RATE_LIMITED_REASONS)[number];

const SECOND_MS = 1000;
const HOUR_MS = 3600 * SECOND_MS;

/** The limiter's budget shared by all searches. */
export const SEARCH_BUDGET = 'search';
const GLOBAL: typeof GLOBAL_BUDGET = 'global';

/** Whether a Stripe secret or restricted key is a live-mode key (`sk_live_`, `rk_live_`). */
export function isLiveKey(secretKey: string): boolean {
	return /^(?:sk|rk)_live_/.test(secretKey);
}

/**
 * The global limit for the key's mode. An unknown key shape gets the sandbox one, which can only
 * slow a run down, never cause 429s.
 */
export function defaultRequestsPerSecond(secretKey: string): number {
	return isLiveKey(secretKey)
		? GLOBAL_REQUESTS_PER_SECOND.live
		: GLOBAL_REQUESTS_PER_SECOND.sandbox;
}

// Test-mode ids that are plain words (pm_card_visa, tok_visa): their prefixes are no resource's.
const WORD_LIKE_ID = /^(?:pm|tok|src|card|ba|cus|pi|seti|cs|ch|re|evt|we|in|sub|txn|price|prod)_/;

/**
 * An id, not a resource or action name: Stripe's ids end in random base62 (so hold a digit or a
 * capital), names are lowercase words joined by `_`.
 */
function isIdSegment(segment: string): boolean {
	return !/^[a-z]+(?:_[a-z]+)*$/.test(segment) || WORD_LIKE_ID.test(segment);
}

/**
 * The endpoint a request counts against, as Stripe names it: method and path with every id
 * folded to `:id`, e.g. `POST /v1/payment_intents/:id/confirm`, `GET /v1/customers/search`.
 * Reads of different PaymentIntents are one endpoint; the list `GET /v1/payment_intents` is another.
 */
export function stripeEndpoint(method: string, path: string): string {
	const [pathname] = path.split('?');
	const folded = pathname
		.split('/')
		.map((segment, index) => (index > 1 && isIdSegment(segment) ? ':id' : segment))
		.join('/');
	return `${method.toUpperCase()} ${folded}`;
}

function isSearch(method: string, path: string): boolean {
	return method.toUpperCase() === 'GET' && /^\/v1\/(?:[^/?]+\/)+search(?:\?|$)/.test(path);
}

/** The PaymentIntent a request updates: a POST to `/v1/payment_intents/{id}` or one of its actions. */
export function updatedPaymentIntent(method: string, path: string): string | undefined {
	if (method.toUpperCase() !== 'POST') return undefined;
	const id = /^\/v1\/payment_intents\/([^/?]+)(?:\/[^/?]+)?(?:\?|$)/.exec(path)?.[1];
	return id !== undefined && isIdSegment(id) ? id : undefined;
}

function paymentIntentBudget(id: string): string {
	return `payment_intent ${id}`;
}

/** The budgets besides the global one that a request takes a slot in. */
export function stripeRequestBudgets(method: string, path: string): BudgetSpec[] {
	const budgets: BudgetSpec[] = [
		{ key: stripeEndpoint(method, path), limit: ENDPOINT_REQUESTS_PER_SECOND, windowMs: SECOND_MS },
	];
	if (isSearch(method, path)) {
		budgets.push({ key: SEARCH_BUDGET, limit: SEARCH_REQUESTS_PER_SECOND, windowMs: SECOND_MS });
	}
	const paymentIntent = updatedPaymentIntent(method, path);
	if (paymentIntent !== undefined) {
		budgets.push({
			key: paymentIntentBudget(paymentIntent),
			limit: PAYMENT_INTENT_UPDATES_PER_HOUR,
			windowMs: HOUR_MS,
		});
	}
	return budgets;
}

/**
 * The budget a 429 says was hit, to back off that one and no other: the global one for
 * global-*, the endpoint's for endpoint-* (for a search, the search budget: at 20/s it binds
 * before the endpoint's 25), the PaymentIntent's for resource-specific on an update of one (else
 * the endpoint's). A 429 naming no reason is taken as the global limit, except `lock_timeout`:
 * that is one object busy with another request, no budget of ours.
 */
export function budgetHit(
	reason: string | undefined,
	method: string,
	path: string,
	errorCode?: string,
): string | undefined {
	if (reason?.startsWith('endpoint-')) {
		return isSearch(method, path) ? SEARCH_BUDGET : stripeEndpoint(method, path);
	}
	if (reason === 'resource-specific') {
		const paymentIntent = updatedPaymentIntent(method, path);
		return paymentIntent === undefined
			? stripeEndpoint(method, path)
			: paymentIntentBudget(paymentIntent);
	}
	if (reason === undefined && errorCode === 'lock_timeout') return undefined;
	return GLOBAL;
}

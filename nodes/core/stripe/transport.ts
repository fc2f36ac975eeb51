import { randomUUID } from 'node:crypto';

import type { BudgetSpec, RequestLimiter } from '../rateLimiter';
import { CoreInputError } from '../errors';
import { StripeApiError, StripeConnectionError, redactSecrets } from './errors';
import { encodeForm } from './form';
import type { StripeParams, StripeParamsInput } from './form';
import { budgetHit, stripeRequestBudgets } from './rateLimits';

export const STRIPE_API_VERSION = '2026-10-28.endive';

export type StripeMethod = 'GET' | 'POST' | 'DELETE';

export interface StripeHttpRequest {
	method: StripeMethod;
	url: string;
	headers: Record<string, string>;
	body?: string;
}

export interface StripeHttpResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	/** The raw text, or JSON already parsed by the HTTP layer. */
	body: unknown;
}

/**
 * Sends one HTTP request and adds the Authorization header itself: the transport never holds
 * the secret key. Resolves for every HTTP status; rejects only when no answer arrived
 * (ECONNRESET, ECONNREFUSED, ETIMEDOUT, socket hang up...).
 */
export type StripeHttp = (request: StripeHttpRequest) => Promise<StripeHttpResponse>;

export interface StripeTransportOptions {
	http: StripeHttp;
	/** e.g. `https://api.stripe.com`; paths such as `/v1/customers` are appended. */
	baseUrl: string;
	sleep: (ms: number) => Promise<void>;
	/** Clock for HTTP-date `Retry-After` values. */
	now?: () => number;
	/** Source of backoff jitter in [0, 1). */
	random?: () => number;
	/**
	 * Retries after the first attempt; default 3 (stripe-node's own default is 2): unattended
	 * auto-pay runs gain more from riding out a short outage than from failing fast.
	 */
	maxNetworkRetries?: number;
	/**
	 * One limiter shared by every transport of a node execution: each request takes a slot in
	 * the global budget and its endpoint's (stripe/rateLimits.ts); a 429 backs off the one hit.
	 */
	limiter?: RequestLimiter;
}

export interface StripeRequestOptions {
	/** StripeParams or a `Stripe.*Params` object from the stripe package's types. */
	params?: StripeParamsInput;
	/** POST only. Without one, a random key is made per call and kept across its retries. */
	idempotencyKey?: string;
}

export interface StripeTransportStats {
	/** HTTP attempts sent, retries included. */
	requests: number;
	retries: number;
	http429: number;
	/** Answers Stripe replayed from an earlier request with the same idempotency key. */
	replayed: number;
}

const DEFAULT_MAX_NETWORK_RETRIES = 3;
const INITIAL_RETRY_DELAY_MS = 500;
const MAX_RETRY_DELAY_MS = 5000;
/** A server may ask for a longer pause than our backoff; beyond this the run would stall. */
export const MAX_RETRY_AFTER_MS = 60_000;
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
/** stripe-node retries these once even with retries off: the request most likely never arrived. */
const CONNECTION_CLOSED_CODES = ['ECONNRESET', 'EPIPE'];

type Headers = StripeHttpResponse['headers'];

function header(headers: Headers, name: string): string | undefined {
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() === name) return Array.isArray(value) ? value.join(', ') : value;
	}
	return undefined;
}

/**
 * stripe-node's retry rule, plus 429: Stripe's own `Stripe-Should-Retry` decides when present;
 * otherwise conflicts (409), rate limiting (429) and server errors (5xx) are retried, other
 * answers are final. stripe-node leaves a 429 without the header alone; we retry it because the
 * request budget is shared with other integrations and a short wait usually clears it, and every
 * POST carries an idempotency key so a retry can never act twice.
 */
export function shouldRetryResponse(statusCode: number, headers: Headers): boolean {
	const advice = header(headers, 'stripe-should-retry');
	if (advice === 'false') return false;
	if (advice === 'true') return true;
	return statusCode === 409 || statusCode === 429 || statusCode >= 500;
}

/**
 * Wait before retry number `retry` (1 for the first): 0.5 s doubling to a 5 s cap, with
 * stripe-node's jitter (a random factor in [0.5, 1]) and its floor of 0.5 s. A `Retry-After`
 * the server sent wins when it is longer, capped at MAX_RETRY_AFTER_MS.
 */
export function retryDelayMs(retry: number, random: number, retryAfterMs?: number): number {
	const base = Math.min(INITIAL_RETRY_DELAY_MS * 2 ** (retry - 1), MAX_RETRY_DELAY_MS);
	const backoff = Math.max(INITIAL_RETRY_DELAY_MS, base * (0.5 + random / 2));
	if (retryAfterMs === undefined) return backoff;
	return Math.max(backoff, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

/** `Retry-After` as delta-seconds or an HTTP date, in ms from `nowMs`. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	const text = value.trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
	// HTTP dates spell out the weekday and month; a bare '-1' must not parse as a year.
	const date = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
	return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function requestIdOf(
	headers: Headers,
	error: Record<string, unknown> | undefined,
): string | undefined {
	const fromHeader = header(headers, 'request-id');
	if (fromHeader) return fromHeader;
	const logUrl = error?.request_log_url;
	return typeof logUrl === 'string' ? /req_[0-9A-Za-z]+/.exec(logUrl)?.[0] : undefined;
}

function parseBody(body: unknown): { ok: true; value: unknown } | { ok: false } {
	if (typeof body === 'string') {
		try {
			return { ok: true, value: JSON.parse(body) };
		} catch {
			return { ok: false };
		}
	}
	return typeof body === 'object' && body !== null ? { ok: true, value: body } : { ok: false };
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function afterAttempts(attempts: number): string {
	return attempts > 1 ? ` (gave up after ${attempts} attempts)` : '';
}

function toApiError(response: StripeHttpResponse, attempts: number): StripeApiError {
	const { statusCode, headers } = response;
	const parsed = parseBody(response.body);
	const error = parsed.ok && isRecord(parsed.value) ? parsed.value.error : undefined;
	if (isRecord(error)) {
		const message = text(error.message) ?? `Stripe answered HTTP ${statusCode}`;
		return new StripeApiError({
			message: redactSecrets(message) + afterAttempts(attempts),
			statusCode,
			type: text(error.type) ?? 'api_error',
			code: text(error.code),
			declineCode: text(error.decline_code),
			adviceCode: text(error.advice_code),
			param: text(error.param),
			requestId: requestIdOf(headers, error),
			docUrl: text(error.doc_url),
			paymentIntent: error.payment_intent,
			raw: error,
			attempts,
		});
	}
	// OAuth endpoints answer `{ error: 'invalid_grant', error_description: '...' }`.
	if (typeof error === 'string' && parsed.ok && isRecord(parsed.value)) {
		const description = text(parsed.value.error_description) ?? error;
		return new StripeApiError({
			message: redactSecrets(description) + afterAttempts(attempts),
			statusCode,
			type: error,
			requestId: requestIdOf(headers, undefined),
			raw: parsed.value,
			attempts,
		});
	}
	const what = parsed.ok ? 'an answer without an error object' : 'a body that is not JSON';
	return new StripeApiError({
		message: `Stripe answered HTTP ${statusCode} with ${what}${afterAttempts(attempts)}`,
		statusCode,
		type: 'api_error',
		requestId: requestIdOf(headers, undefined),
		raw: undefined,
		attempts,
	});
}

function systemCode(failure: unknown): string | undefined {
	if (!isRecord(failure)) return undefined;
	if (typeof failure.code === 'string') return failure.code;
	// A shell may wrap the socket error (n8n's errors keep it as `cause`).
	return isRecord(failure.cause) && typeof failure.cause.code === 'string'
		? failure.cause.code
		: undefined;
}

/** Only a code and a redacted message survive: the HTTP library's error may hold the headers. */
function describeConnectionFailure(failure: unknown): { code?: string; detail: string } {
	const code = systemCode(failure);
	const message = failure instanceof Error ? failure.message : String(failure);
	const detail = redactSecrets(message).slice(0, 200);
	return { code, detail: code && !detail.includes(code) ? `${code}: ${detail}` : detail };
}

function validatePath(path: string): void {
	// Ids are interpolated into paths by callers: refuse anything that could leave the API path.
	const valid =
		/^\/[^/]/.test(path) &&
		!/[?#\s\p{Cc}]/u.test(path) &&
		!path.split('/').some((segment) => /^\.{1,2}$/.test(segment.replace(/%2e/gi, '.')));
	if (!valid) {
		throw new CoreInputError(
			'path',
			`Stripe request path must be an API path like /v1/customers, got "${path.slice(0, 100)}"`,
		);
	}
}

function validateIdempotencyKey(key: string): void {
	if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
		throw new CoreInputError(
			'idempotencyKey',
			`Idempotency key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters long (Stripe's limit), got ${key.length}`,
		);
	}
	if (!/^[\x20-\x7e]+$/.test(key)) {
		throw new CoreInputError(
			'idempotencyKey',
			'Idempotency key must contain printable ASCII characters only (it is sent as a header)',
		);
	}
}

interface ListPage<T> {
	object?: string;
	data?: T[];
	has_more?: boolean;
	next_page?: string | null;
}

/**
 * Every request to Stripe's v1 API goes through here: pinned API version, form encoding,
 * an idempotency key on every POST, stripe-node's retry rule with backoff, the shared rate
 * limiter, and Stripe's errors mapped to StripeApiError.
 */
export class StripeTransport {
	readonly stats: StripeTransportStats = { requests: 0, retries: 0, http429: 0, replayed: 0 };

	private readonly http: StripeHttp;

	private readonly baseUrl: string;

	private readonly sleep: (ms: number) => Promise<void>;

	private readonly now: () => number;

	private readonly random: () => number;

	private readonly maxNetworkRetries: number;

	private readonly limiter?: RequestLimiter;

	constructor(options: StripeTransportOptions) {
		const maxNetworkRetries = options.maxNetworkRetries ?? DEFAULT_MAX_NETWORK_RETRIES;
		if (!Number.isInteger(maxNetworkRetries) || maxNetworkRetries < 0) {
			throw new RangeError(
				`maxNetworkRetries must be a whole number >= 0, got ${maxNetworkRetries}`,
			);
		}
		this.http = options.http;
		this.baseUrl = options.baseUrl.replace(/\/+$/, '');
		this.sleep = options.sleep;
		this.now = options.now ?? Date.now;
		this.random = options.random ?? Math.random;
		this.maxNetworkRetries = maxNetworkRetries;
		this.limiter = options.limiter;
	}

	/** Waits with the shell's sleep: for protocols that must wait on Stripe (invoiceClaims.ts). */
	wait(ms: number): Promise<void> {
		return this.sleep(ms);
	}

	/** A number in [0, 1) from the transport's jitter source, to spread waits of racers apart. */
	jitter(): number {
		return this.random();
	}

	async request<T>(
		method: StripeMethod,
		path: string,
		options: StripeRequestOptions = {},
	): Promise<T> {
		return (await this.requestWithReplay<T>(method, path, options)).value;
	}

	/**
	 * `request`, telling also whether Stripe replayed the first answer to this idempotency key
	 * (`Idempotent-Replayed: true`): that answer shows the object as it was then, not now.
	 */
	async requestWithReplay<T>(
		method: StripeMethod,
		path: string,
		options: StripeRequestOptions = {},
	): Promise<{ value: T; replayed: boolean }> {
		validatePath(path);
		const form = options.params ? encodeForm(options.params) : '';
		const headers: Record<string, string> = {
			Accept: 'application/json',
			'Stripe-Version': STRIPE_API_VERSION,
		};
		let url = this.baseUrl + path;
		let body: string | undefined;
		if (method === 'POST') {
			const key = options.idempotencyKey ?? `n8n-invoice-payments-${randomUUID()}`;
			validateIdempotencyKey(key);
			headers['Content-Type'] = 'application/x-www-form-urlencoded';
			headers['Idempotency-Key'] = key;
			body = form;
		} else {
			if (options.idempotencyKey !== undefined) {
				throw new CoreInputError(
					'idempotencyKey',
					`Stripe ignores idempotency keys on ${method}; send them with POST only`,
				);
			}
			if (form) url += `?${form}`;
		}
		const request: StripeHttpRequest = { method, url, headers, body };
		const budgets = stripeRequestBudgets(method, path);

		for (let attempt = 1; ; attempt++) {
			const outcome = await this.attempt(request, budgets);
			const canRetry =
				attempt <= this.maxNetworkRetries ||
				(attempt === 1 &&
					'failure' in outcome &&
					CONNECTION_CLOSED_CODES.includes(outcome.code ?? ''));

			if ('failure' in outcome) {
				if (!canRetry) {
					throw new StripeConnectionError(
						`Could not reach Stripe: ${outcome.failure}${afterAttempts(attempt)}`,
						outcome.code,
						attempt,
					);
				}
				await this.backOff(attempt, undefined);
				continue;
			}

			const { response } = outcome;
			if (response.statusCode === 429) this.backOffBudgetHit(response, method, path);
			if (response.statusCode >= 200 && response.statusCode < 300) {
				const replayed = header(response.headers, 'idempotent-replayed') === 'true';
				if (replayed) this.stats.replayed += 1;
				const parsed = parseBody(response.body);
				if (!parsed.ok) throw toApiError(response, attempt);
				return { value: parsed.value as T, replayed };
			}
			if (!canRetry || !shouldRetryResponse(response.statusCode, response.headers)) {
				throw toApiError(response, attempt);
			}
			await this.backOff(
				attempt,
				parseRetryAfter(header(response.headers, 'retry-after'), this.now()),
			);
		}
	}

	/**
	 * Every item of a list (`has_more` + `starting_after`) or search (`next_page` + `page`)
	 * endpoint, fetched 100 per page unless `params.limit` says otherwise.
	 */
	async *listAll<T>(path: string, params: StripeParamsInput = {}): AsyncGenerator<T> {
		let cursor: StripeParams = {};
		const seenCursors = new Set<string>();
		for (;;) {
			const page = await this.request<ListPage<T>>('GET', path, {
				params: { limit: 100, ...params, ...cursor },
			});
			if (!isRecord(page) || !Array.isArray(page.data)) {
				throw malformedPage(path, 'has no data array');
			}
			yield* page.data;
			if (page.has_more !== true) return;

			if (page.object === 'search_result') {
				if (typeof page.next_page !== 'string' || page.next_page === '') {
					throw malformedPage(path, 'has more results but no next_page');
				}
				cursor = { page: page.next_page };
			} else {
				const last = page.data[page.data.length - 1] as { id?: unknown } | undefined;
				if (typeof last?.id !== 'string') {
					throw malformedPage(path, 'has more items but no last id');
				}
				cursor = { starting_after: last.id };
			}
			// A server repeating a cursor would otherwise make this loop forever.
			const token = JSON.stringify(cursor);
			if (seenCursors.has(token)) throw malformedPage(path, 'repeats a page it already returned');
			seenCursors.add(token);
		}
	}

	/**
	 * Stripe names the limit a 429 hit in `Stripe-Rate-Limited-Reason`
	 * (https://docs.stripe.com/rate-limits): the limiter slows that budget alone, so a full
	 * endpoint does not slow the others and a busy account does not stall on one endpoint.
	 */
	private backOffBudgetHit(response: StripeHttpResponse, method: string, path: string): void {
		if (!this.limiter) return;
		const parsed = parseBody(response.body);
		const error = parsed.ok && isRecord(parsed.value) ? parsed.value.error : undefined;
		const code = isRecord(error) ? text(error.code) : undefined;
		const reason = header(response.headers, 'stripe-rate-limited-reason');
		const budget = budgetHit(reason, method, path, code);
		if (budget !== undefined) this.limiter.backOff(budget);
	}

	private async attempt(
		request: StripeHttpRequest,
		budgets: BudgetSpec[],
	): Promise<{ response: StripeHttpResponse } | { failure: string; code?: string }> {
		// Each try gets its own copy: retries reuse `request`, whatever the HTTP layer adds to it.
		const send = () => {
			this.stats.requests += 1;
			return this.http({ ...request, headers: { ...request.headers } });
		};
		try {
			const response = await (this.limiter ? this.limiter.run(send, budgets) : send());
			if (response.statusCode === 429) this.stats.http429 += 1;
			return { response };
		} catch (failure) {
			const { code, detail } = describeConnectionFailure(failure);
			return { failure: detail, code };
		}
	}

	private async backOff(attempt: number, retryAfterMs: number | undefined): Promise<void> {
		this.stats.retries += 1;
		await this.sleep(retryDelayMs(attempt, this.random(), retryAfterMs));
	}
}

function malformedPage(path: string, problem: string): StripeApiError {
	return new StripeApiError({
		message: `Stripe list ${path} ${problem}`,
		statusCode: 200,
		type: 'api_error',
		raw: undefined,
		attempts: 1,
	});
}

import { CoreInputError } from '../errors';
import {
	Gateway360ApiError,
	Gateway360ConnectionError,
	describeConnectionFailure,
	redactGatewaySecrets,
} from './errors';
import { parseRetryAfter } from '../stripe/transport';
import type { GatewayFields } from './form';
import { encodeGatewayForm, parseGatewayForm } from './form';
import type { XmlElement } from './xml';
import { childText, parseXml } from './xml';

/**
 * The transport of the 360 Payments adapter (an NMI-style gateway):
 *   POST {base}/api/transact.php  form in, URL-encoded answer out (sale, refund, void, validate)
 *   POST {base}/api/query.php     form in, XML out
 *   GET  {base}/token/Collect.js  the browser's card form (only read by the connection check)
 *
 * The shell hands in `http`, which adds `security_key` to the body itself (n8n's credential
 * `authenticate`): neither this code nor its callers ever hold the key.
 *
 * transact.php is never retried: the gateway has no idempotency keys, so a repeated sale could
 * charge twice. A lost answer becomes an error that says the outcome is unknown; the charge
 * guard (charge.ts) then finds an approved sale before charging again. query.php only reads and
 * is retried on connection failures and 5xx/429 answers (`queryRetryDelayMs`): a 429 is never
 * retried at once, and its `Retry-After` (RFC 9110 section 10.2.3: seconds or an HTTP date) is
 * honoured; one longer than MAX_RETRY_AFTER_MS is not waited for: the error says when to retry.
 */

export interface Gateway360HttpRequest {
	method: 'GET' | 'POST';
	url: string;
	headers: Record<string, string>;
	/** the form, without the security key (POST only) */
	body?: string;
	/** the shell adds the security key to POSTs that carry this flag */
	authenticate: boolean;
}

export interface Gateway360HttpResponse {
	statusCode: number;
	body: string;
	headers?: Record<string, string | string[] | undefined>;
}

/** Resolves for every HTTP status; rejects only when no answer arrived (with a `code`). */
export type Gateway360Http = (request: Gateway360HttpRequest) => Promise<Gateway360HttpResponse>;

export interface Gateway360TransportOptions {
	http: Gateway360Http;
	/** e.g. `https://secure.example-gateway.com`, as set in the credential */
	baseUrl: string;
	sleep: (ms: number) => Promise<void>;
	/** retries of a query after the first attempt (default 2) */
	maxQueryRetries?: number;
}

/** `response` of transact.php: 1 approved, 2 declined, 3 error. */
export type TransactResponse = 1 | 2 | 3;

export interface TransactAnswer {
	response: TransactResponse;
	responseText: string;
	responseCode: string;
	transactionId: string | null;
	authCode: string | null;
	avsResponse: string | null;
	cvvResponse: string | null;
	orderId: string | null;
	type: string | null;
}

export interface GatewayEndpoints {
	baseUrl: string;
	origin: string;
	transactUrl: string;
	queryUrl: string;
	collectJsUrl: string;
}

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The gateway's endpoints from the credential's base URL. HTTPS only (the security key travels
 * in the body), except for a gateway on this machine (a local test gateway).
 */
export function gatewayEndpoints(baseUrl: unknown, field = 'gatewayBaseUrl'): GatewayEndpoints {
	const text = typeof baseUrl === 'string' ? baseUrl.trim().replace(/\/+$/, '') : '';
	if (text === '') {
		throw new CoreInputError(
			field,
			'The 360 Payments credential has no Gateway Base URL: set the address of your gateway (from 360 Payments), e.g. https://secure.<your-gateway>.com',
		);
	}
	const url = URL.canParse(text) ? new URL(text) : null;
	if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
		throw new CoreInputError(field, `Gateway Base URL "${text}" is not an http(s) address`);
	}
	if (url.protocol === 'http:' && !LOOPBACK_HOST.test(url.hostname)) {
		throw new CoreInputError(
			field,
			`Gateway Base URL "${text}" must use https: the security key is sent to it`,
		);
	}
	if (url.search || url.hash || url.username || url.password) {
		throw new CoreInputError(
			field,
			'Gateway Base URL must not contain a query, a fragment or user information',
		);
	}
	const base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
	return {
		baseUrl: base,
		origin: url.origin,
		transactUrl: `${base}/api/transact.php`,
		queryUrl: `${base}/api/query.php`,
		collectJsUrl: `${base}/token/Collect.js`,
	};
}

const QUERY_RETRY_DELAYS_MS = [250, 1000, 2000];
/** A 429 without `Retry-After` waits at least this long: the gateway asked us to slow down. */
const RATE_LIMITED_MIN_DELAY_MS = 1000;
/** The longest `Retry-After` a query waits for; a longer one fails with the time to retry. */
export const MAX_RETRY_AFTER_MS = 30_000;

/**
 * The wait before query retry number `attempt` (0 for the first retry): a connection failure or
 * a 5xx after 250, 1000, 2000 ms; a 429 after its `Retry-After` when given (never less than the
 * backoff), else after at least RATE_LIMITED_MIN_DELAY_MS; null when `Retry-After` asks for more
 * than MAX_RETRY_AFTER_MS (not retried).
 */
export function queryRetryDelayMs(
	attempt: number,
	response: { statusCode: number; headers?: Gateway360HttpResponse['headers'] } | null,
	nowMs: number,
): number | null {
	const backoff = QUERY_RETRY_DELAYS_MS[Math.min(attempt, QUERY_RETRY_DELAYS_MS.length - 1)];
	if (response?.statusCode !== 429) return backoff;
	const retryAfter = parseRetryAfter(headerValue(response.headers, 'retry-after'), nowMs);
	if (retryAfter !== undefined && retryAfter > MAX_RETRY_AFTER_MS) return null;
	return Math.max(backoff, retryAfter ?? RATE_LIMITED_MIN_DELAY_MS);
}

function headerValue(headers: Gateway360HttpResponse['headers'], name: string): string | undefined {
	if (!headers) return undefined;
	const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
	const value = key === undefined ? undefined : headers[key];
	return Array.isArray(value) ? value[0] : value;
}
const AUTH_FAILURE = /authentication failed|invalid (api |security )?key|invalid username/i;

function responseField(fields: Record<string, string>, name: string): string | null {
	const value = fields[name]?.trim();
	return value ? value : null;
}

function connectionCode(failure: unknown): string | undefined {
	if (typeof failure !== 'object' || failure === null) return undefined;
	const record = failure as { code?: unknown; cause?: { code?: unknown } };
	if (typeof record.code === 'string') return record.code;
	return typeof record.cause?.code === 'string' ? record.cause.code : undefined;
}

export class Gateway360Transport {
	readonly endpoints: GatewayEndpoints;

	/** HTTP attempts sent, retries included (for tests and stats) */
	requests = 0;

	private readonly http: Gateway360Http;

	private readonly sleep: (ms: number) => Promise<void>;

	private readonly maxQueryRetries: number;

	constructor(options: Gateway360TransportOptions) {
		this.endpoints = gatewayEndpoints(options.baseUrl);
		this.http = options.http;
		this.sleep = options.sleep;
		this.maxQueryRetries = Math.min(options.maxQueryRetries ?? 2, QUERY_RETRY_DELAYS_MS.length);
	}

	/**
	 * One transact.php call. Resolves for approved, declined and error answers alike (the caller
	 * decides what a decline or an error means); rejects when no readable answer arrived.
	 */
	async transact(fields: GatewayFields): Promise<TransactAnswer> {
		const body = encodeGatewayForm(fields);
		const response = await this.send(
			{
				method: 'POST',
				url: this.endpoints.transactUrl,
				headers: formHeaders(),
				body,
				authenticate: true,
			},
			true,
		);
		if (response.statusCode !== 200) {
			throw new Gateway360ApiError({
				message: `The gateway answered HTTP ${response.statusCode} to a ${fields.type ?? 'transact'} request; whether it acted is unknown: check the transaction list before trying again`,
				kind: 'http_status',
				statusCode: response.statusCode,
				outcomeUnknown: true,
			});
		}
		const answer = parseGatewayForm(response.body);
		const code = Number(answer.response);
		if (code !== 1 && code !== 2 && code !== 3) {
			throw new Gateway360ApiError({
				message: `The gateway's answer has no valid "response" (1, 2 or 3)`,
				kind: 'unreadable_answer',
				outcomeUnknown: true,
			});
		}
		return {
			response: code,
			responseText: redactGatewaySecrets(answer.responsetext ?? ''),
			responseCode: responseField(answer, 'response_code') ?? '',
			transactionId: responseField(answer, 'transactionid'),
			authCode: responseField(answer, 'authcode'),
			avsResponse: responseField(answer, 'avsresponse'),
			cvvResponse: responseField(answer, 'cvvresponse'),
			orderId: responseField(answer, 'orderid'),
			type: responseField(answer, 'type'),
		};
	}

	/** One query.php call; the root `<nm_response>` element of the answer. */
	async query(filters: GatewayFields): Promise<XmlElement> {
		const body = encodeGatewayForm(filters);
		const request: Gateway360HttpRequest = {
			method: 'POST',
			url: this.endpoints.queryUrl,
			headers: formHeaders(),
			body,
			authenticate: true,
		};
		for (let attempt = 0; ; attempt++) {
			const canRetry = attempt < this.maxQueryRetries;
			const outcome = await this.send(request, false).then(
				(response) => ({ response }),
				(failure: unknown) => ({ failure }),
			);
			const response = 'response' in outcome ? outcome.response : null;
			if (!response) {
				if (!canRetry) throw (outcome as { failure: unknown }).failure;
			} else if (response.statusCode === 200) {
				return readQueryAnswer(response.body);
			} else if (!canRetry || !retryableStatus(response.statusCode)) {
				throw queryStatusError(response, null);
			}
			const delay = queryRetryDelayMs(attempt, response, Date.now());
			if (delay === null && response) throw queryStatusError(response, 'too_long');
			await this.sleep(delay ?? 0);
		}
	}

	/** GET of the public Collect.js (no key): proves the base URL serves the browser form. */
	async fetchCollectJs(): Promise<Gateway360HttpResponse> {
		return await this.send(
			{ method: 'GET', url: this.endpoints.collectJsUrl, headers: {}, authenticate: false },
			false,
		);
	}

	private async send(
		request: Gateway360HttpRequest,
		outcomeUnknownOnFailure: boolean,
	): Promise<Gateway360HttpResponse> {
		this.requests += 1;
		return await this.http({ ...request, headers: { ...request.headers } }).then(
			(response) => response,
			(failure: unknown) => {
				const code = connectionCode(failure) ?? 'ECONNECTION';
				// A refused connection never reached the gateway: nothing can have happened.
				const unknown = outcomeUnknownOnFailure && code !== 'ECONNREFUSED';
				throw new Gateway360ConnectionError(
					`Could not reach the 360 Payments gateway (${describeConnectionFailure(code)})${unknown ? '; whether it acted is unknown: check the transaction list before trying again' : ''}`,
					code,
					unknown,
				);
			},
		);
	}
}

function formHeaders(): Record<string, string> {
	return { 'Content-Type': 'application/x-www-form-urlencoded', Accept: '*/*' };
}

function queryStatusError(
	response: Gateway360HttpResponse,
	retryAfter: 'too_long' | null,
): Gateway360ApiError {
	const wait = headerValue(response.headers, 'retry-after');
	const advice =
		response.statusCode === 429 && wait
			? retryAfter === 'too_long'
				? `: too many requests; it asks to wait (Retry-After ${wait}) longer than ${MAX_RETRY_AFTER_MS / 1000} s, so try again later`
				: `: too many requests (Retry-After ${wait})`
			: response.statusCode === 429
				? ': too many requests'
				: '';
	return new Gateway360ApiError({
		message: `The gateway's query API answered HTTP ${response.statusCode}${advice}`,
		kind: 'http_status',
		statusCode: response.statusCode,
	});
}

function retryableStatus(statusCode: number): boolean {
	return statusCode === 429 || statusCode >= 500;
}

/** The query answer's root, or the gateway's `<error_response>` as an error. */
function readQueryAnswer(body: string): XmlElement {
	const root = parseXml(body);
	if (root.name !== 'nm_response') {
		throw new Gateway360ApiError({
			message: `The gateway's query answer has <${root.name}> where <nm_response> was expected`,
			kind: 'unreadable_answer',
		});
	}
	const error = childText(root, 'error_response');
	if (error !== null) {
		const message = redactGatewaySecrets(error);
		throw new Gateway360ApiError({
			message: `The gateway refused the query: ${message}`,
			kind: AUTH_FAILURE.test(message) ? 'authentication' : 'gateway_error',
			responseText: message,
		});
	}
	return root;
}

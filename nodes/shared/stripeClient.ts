import type {
	ICredentialsDecrypted,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { DEFAULT_REQUESTS_IN_FLIGHT, DEFAULT_REQUEST_TIMEOUT_SECONDS } from '../core/defaults';
import { createRequestLimiter } from '../core/rateLimiter';
import type { RequestLimiter } from '../core/rateLimiter';
import { defaultRequestsPerSecond, isLiveKey } from '../core/stripe/rateLimits';
import { StripeTransport } from '../core/stripe/transport';
import type { StripeHttp } from '../core/stripe/transport';

export const STRIPE_CREDENTIAL = 'stripeInvoicePaymentsApi';

type StripeContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions | IWebhookFunctions;

export interface StripeClient {
	transport: StripeTransport;
	limiter: RequestLimiter;
	livemode: boolean;
}

export interface StripeClientSettings {
	/** the global budget, requests started per second; 0 or absent = Stripe's for the key's mode */
	requestsPerSecond?: number;
	/** requests in flight at once */
	maxInFlight?: number;
	/** how long one request may take before it is retried (with the same idempotency key) */
	requestTimeoutMs?: number;
}

// One limiter per Stripe account per node execution (n8n hands every call of one node's run the
// same context object): every transport the run builds, in any helper, shares Stripe's budgets.
// Weak, so a run's limiters go with it.
const limitersOfNodeRun = new WeakMap<object, Map<string, RequestLimiter>>();

// Across the nodes of one workflow execution (and the runs of one node in a loop) Stripe's
// budgets are the account's too: a node run takes the limiter an earlier one of the same
// execution made for the same account and the same stated budget (Requests per Second, requests
// in flight), so a batch's first requests count the last batch's. Kept while in use, dropped
// once idle longer than any per-second window matters.
const LIMITER_IDLE_MS = 5 * 60 * 1000;
const limitersOfExecution = new Map<string, { limiter: RequestLimiter; usedAt: number }>();

function executionIdOf(context: object): string | undefined {
	const { getExecutionId } = context as Partial<IExecuteFunctions>;
	if (typeof getExecutionId !== 'function') return undefined;
	const id = getExecutionId.call(context);
	return typeof id === 'string' && id !== '' ? id : undefined;
}

function executionLimiter(key: string, create: () => RequestLimiter): RequestLimiter {
	const at = Date.now();
	for (const [known, entry] of limitersOfExecution) {
		if (at - entry.usedAt > LIMITER_IDLE_MS) limitersOfExecution.delete(known);
	}
	const known = limitersOfExecution.get(key);
	if (known) {
		known.usedAt = at;
		return known.limiter;
	}
	const made = create();
	const entry = { limiter: made, usedAt: at };
	const limiter: RequestLimiter = {
		run: async (task, budgets) => {
			entry.usedAt = Date.now();
			return await made.run(task, budgets);
		},
		backOff: (budget) => made.backOff(budget),
	};
	entry.limiter = limiter;
	limitersOfExecution.set(key, entry);
	return limiter;
}

function sharedLimiter(
	context: object,
	account: string,
	budget: { requestsPerSecond: number; maxInFlight: number },
	create: () => RequestLimiter,
): RequestLimiter {
	let limiters = limitersOfNodeRun.get(context);
	if (!limiters) {
		limiters = new Map();
		limitersOfNodeRun.set(context, limiters);
	}
	let limiter = limiters.get(account);
	if (!limiter) {
		const executionId = executionIdOf(context);
		limiter =
			executionId === undefined
				? create()
				: executionLimiter(
						[executionId, account, budget.requestsPerSecond, budget.maxInFlight].join('\n'),
						create,
					);
		limiters.set(account, limiter);
	}
	return limiter;
}

/**
 * The Stripe transport wired to n8n: requests go through httpRequestWithAuthentication (the
 * credential adds the key; neither this code nor the transport ever sees it), sleeping is
 * n8n-workflow's, and one limiter is shared by every request of the node's run to the credential's
 * account (the first call's settings make it), and by the later nodes of the same execution
 * stating the same budget.
 */
export async function createStripeClient(
	this: StripeContext,
	settings: StripeClientSettings = {},
): Promise<StripeClient> {
	const credentials = await this.getCredentials(STRIPE_CREDENTIAL);
	const secretKey = String(credentials.secretKey ?? '');
	const baseUrl = String(credentials.apiBaseUrl || 'https://api.stripe.com').replace(/\/+$/, '');
	const livemode = isLiveKey(secretKey);
	// Every request is authenticated with the credential read here. Left to itself, n8n reads and
	// decrypts it again per request, and in a trigger's webhook builds a fresh expression sandbox
	// each time: about half of what re-reading a payment costs the Payment Webhook Trigger.
	const reference = this.getNode().credentials?.[STRIPE_CREDENTIAL];
	const credentialsDecrypted: ICredentialsDecrypted = {
		id: reference?.id ?? '',
		name: reference?.name ?? '',
		type: STRIPE_CREDENTIAL,
		data: credentials,
	};
	// The credential names the account (its key never becomes a map key).
	const budget = {
		requestsPerSecond: settings.requestsPerSecond || defaultRequestsPerSecond(secretKey),
		maxInFlight: settings.maxInFlight || DEFAULT_REQUESTS_IN_FLIGHT,
	};
	const limiter = sharedLimiter(this, `${credentialsDecrypted.id}\n${baseUrl}`, budget, () =>
		createRequestLimiter({ ...budget, sleep }),
	);

	const http: StripeHttp = async (request) => {
		const options: IHttpRequestOptions = {
			method: request.method,
			url: request.url,
			headers: request.headers,
			body: request.body,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			json: true,
			timeout: settings.requestTimeoutMs || DEFAULT_REQUEST_TIMEOUT_SECONDS * 1000,
		};
		try {
			const response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				STRIPE_CREDENTIAL,
				options,
				{ credentialsDecrypted },
			)) as { statusCode: number; headers: Record<string, string>; body: unknown };
			return { statusCode: response.statusCode, headers: response.headers, body: response.body };
		} catch (error) {
			// Only connection-level failures reach here (HTTP statuses are answers). Keep the code
			// for the retry rule and drop the rest: the wrapped error holds the request's headers.
			const cause = (error as { cause?: { code?: string } }).cause;
			const code = cause?.code ?? (error as { code?: string }).code ?? 'ECONNECTION';
			throw Object.assign(new Error(`Connection to Stripe failed (${code})`), { code });
		}
	};

	return {
		transport: new StripeTransport({ http, baseUrl, sleep, limiter }),
		limiter,
		livemode,
	};
}

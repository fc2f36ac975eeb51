import type {
	ICredentialsDecrypted,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { createRequestLimiter, defaultRequestsPerSecond, isLiveKey } from '../core/rateLimiter';
import type { RequestLimiter } from '../core/rateLimiter';
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
	/** requests started per second; 0 or absent = Stripe's limit for the key's mode */
	requestsPerSecond?: number;
	/** requests in flight at once */
	maxInFlight?: number;
	/** how long one request may take before it is retried (with the same idempotency key) */
	requestTimeoutMs?: number;
}

const DEFAULT_MAX_IN_FLIGHT = 8;
// stripe-node's own timeout: long enough for a slow confirm, short enough to retry a dead socket.
export const DEFAULT_REQUEST_TIMEOUT_MS = 80_000;

/**
 * The Stripe transport wired to n8n: requests go through httpRequestWithAuthentication (the
 * credential adds the key; neither this code nor the transport ever sees it), sleeping is
 * n8n-workflow's, and one limiter is shared by every request of the node's execution.
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
	const limiter = createRequestLimiter({
		requestsPerSecond: settings.requestsPerSecond || defaultRequestsPerSecond(secretKey),
		maxInFlight: settings.maxInFlight || DEFAULT_MAX_IN_FLIGHT,
		sleep,
	});

	const http: StripeHttp = async (request) => {
		const options: IHttpRequestOptions = {
			method: request.method,
			url: request.url,
			headers: request.headers,
			body: request.body,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			json: true,
			timeout: settings.requestTimeoutMs || DEFAULT_REQUEST_TIMEOUT_MS,
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

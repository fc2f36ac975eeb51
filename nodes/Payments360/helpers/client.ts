import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { Gateway360Http, Gateway360HttpResponse } from '../../core/gateway360/transport';
import { Gateway360Transport } from '../../core/gateway360/transport';
import { GATEWAY360_CREDENTIAL, gateway360Secrets } from '../../shared/gateway360CredentialTest';

// A sale waits for the card processor; a query only reads.
const TRANSACT_TIMEOUT_MS = 90_000;
const QUERY_TIMEOUT_MS = 30_000;

export interface Gateway360Client {
	/** built on first use: a missing or bad base URL is an item's error, not the node's */
	transport(): Gateway360Transport;
	gatewayBaseUrl: unknown;
	tokenKey: string;
	securityKeySet: boolean;
	tokenKeyIsSecurityKey: boolean;
	/** the credential's keys, redacted from every message */
	secrets: string[];
}

function connectionCode(error: unknown): string {
	const record = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } };
	if (typeof record.code === 'string') return record.code;
	return typeof record.cause?.code === 'string' ? record.cause.code : 'ECONNECTION';
}

/**
 * The gateway transport wired to n8n: POSTs go through httpRequestWithAuthentication, whose
 * credential adds `security_key` to the body (this code never reads the key into a request);
 * the public Collect.js is fetched without credentials; sleeping is n8n-workflow's.
 */
export async function createGateway360Client(this: IExecuteFunctions): Promise<Gateway360Client> {
	const credentials = await this.getCredentials(GATEWAY360_CREDENTIAL);
	const securityKey = String(credentials.securityKey ?? '').trim();
	const tokenKey = String(credentials.tokenKey ?? '').trim();

	const http: Gateway360Http = async (request) => {
		const options: IHttpRequestOptions = {
			method: request.method,
			url: request.url,
			headers: request.headers,
			body: request.body,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			encoding: 'text',
			json: false,
			// A redirect must never carry the form (and its key) to another address.
			disableFollowRedirect: true,
			timeout: request.url.endsWith('/transact.php') ? TRANSACT_TIMEOUT_MS : QUERY_TIMEOUT_MS,
		};
		const sent = request.authenticate
			? this.helpers.httpRequestWithAuthentication.call(this, GATEWAY360_CREDENTIAL, options)
			: this.helpers.httpRequest(options);
		const response = (await sent.catch((error: unknown) => {
			// Only connection failures reach here; n8n's error holds the request, key included.
			throw Object.assign(new Error('connection failed'), { code: connectionCode(error) });
		})) as { statusCode: number; body: unknown; headers?: Gateway360HttpResponse['headers'] };
		const body = response.body;
		return {
			statusCode: response.statusCode,
			body: Buffer.isBuffer(body) ? body.toString('utf8') : String(body ?? ''),
			// Retry-After of a 429 (the transport honours it)
			headers: response.headers ?? {},
		};
	};

	let transport: Gateway360Transport | undefined;
	return {
		transport: () =>
			(transport ??= new Gateway360Transport({
				http,
				baseUrl: String(credentials.gatewayBaseUrl ?? ''),
				sleep,
			})),
		gatewayBaseUrl: credentials.gatewayBaseUrl,
		tokenKey,
		securityKeySet: securityKey !== '',
		tokenKeyIsSecurityKey: tokenKey !== '' && tokenKey === securityKey,
		secrets: gateway360Secrets(credentials),
	};
}

import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	INodeCredentialTestResult,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { verifyGateway360Connection } from '../core/gateway360/connection';
import { redactGatewaySecrets } from '../core/gateway360/errors';
import { SECURITY_KEY_FIELD } from '../core/gateway360/form';
import type { Gateway360Http } from '../core/gateway360/transport';
import { Gateway360Transport } from '../core/gateway360/transport';

/** The credential type every node of this package uses for 360 Payments. */
export const GATEWAY360_CREDENTIAL = 'payments360Api';

const TEST_TIMEOUT_MS = 20_000;

/**
 * The form body with the security key appended: what the credential's `authenticate` does to
 * every gateway POST, and what the credential test does itself (n8n runs no `authenticate`
 * for a node-level credential test).
 */
export function formBodyWithSecurityKey(body: unknown, securityKey: string): string {
	const form = typeof body === 'string' ? body : '';
	const field = `${SECURITY_KEY_FIELD}=${encodeURIComponent(securityKey)}`;
	return form === '' ? field : `${form}&${field}`;
}

/** The credential's keys, for redaction and the "token key is the security key" check. */
export function gateway360Secrets(credentials: ICredentialDataDecryptedObject): string[] {
	return ['securityKey', 'tokenKey', 'webhookSigningKey']
		.map((name) => String(credentials[name] ?? '').trim())
		.filter((value) => value !== '');
}

function connectionCode(error: unknown): string {
	const record = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } };
	if (typeof record.code === 'string') return record.code;
	return typeof record.cause?.code === 'string' ? record.cause.code : 'ECONNECTION';
}

/**
 * The credential test of "360 Payments" (registered by every node using the credential, as
 * `testedBy: 'gateway360ConnectionTest'` in its credentials entry and under
 * `methods.credentialTest`). The gateway answers a wrong key with HTTP 200 and an error body,
 * which n8n's declarative credential test cannot read; this reads it, and checks the token key
 * and Collect.js as Verify Connection does.
 */
export async function gateway360ConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const securityKey = String(data.securityKey ?? '').trim();
	const tokenKey = String(data.tokenKey ?? '').trim();
	// A credential test gets only n8n's legacy `request` helper (ICredentialTestFunctions has no
	// httpRequest), so it is used here, through the context's helpers object.
	const { helpers } = this;
	const http: Gateway360Http = async (request) => {
		const response = (await helpers
			.request({
				method: request.method,
				uri: request.url,
				headers: request.headers,
				body: request.authenticate ? formBodyWithSecurityKey(request.body, securityKey) : undefined,
				json: false,
				simple: false,
				resolveWithFullResponse: true,
				timeout: TEST_TIMEOUT_MS,
			})
			.catch((error: unknown) => {
				// The library's error holds the request body, security key included: keep the code only.
				throw Object.assign(new Error('connection failed'), { code: connectionCode(error) });
			})) as { statusCode: number; body: unknown };
		return { statusCode: response.statusCode, body: String(response.body ?? '') };
	};

	const result = await verifyGateway360Connection({
		gatewayBaseUrl: data.gatewayBaseUrl,
		securityKeySet: securityKey !== '',
		tokenKey,
		tokenKeyIsSecurityKey: tokenKey !== '' && tokenKey === securityKey,
		createTransport: () =>
			new Gateway360Transport({
				http,
				baseUrl: String(data.gatewayBaseUrl),
				sleep,
				maxQueryRetries: 0,
			}),
	});
	const message = redactGatewaySecrets(result.reason, gateway360Secrets(data));
	return { status: result.connected ? 'OK' : 'Error', message };
}

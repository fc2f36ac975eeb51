import { isCoreInputError } from '../errors';
import { Gateway360ApiError, Gateway360ConnectionError, describeConnectionFailure } from './errors';
import type { Gateway360Transport } from './transport';
import { gatewayEndpoints } from './transport';

/**
 * "Connect Accounts": proves both keys before online payment through 360 Payments is offered.
 *   security key  an authenticated query.php call (a wrong key answers "Authentication Failed")
 *   token key     well-formed as a public tokenization key, and not the security key pasted twice
 *   Collect.js    served by the gateway at the base URL (the browser's card form)
 * No key is ever part of a result or a message.
 */

export type ConnectionCheckName = 'gatewayBaseUrl' | 'securityKey' | 'tokenKey' | 'collectJs';

export interface ConnectionCheck {
	name: ConnectionCheckName;
	ok: boolean;
	message: string;
}

export interface ConnectionResult {
	provider: 'gateway360';
	connected: boolean;
	/** one sentence: why connected, or the first check that failed */
	reason: string;
	gatewayBaseUrl: string | null;
	checks: ConnectionCheck[];
}

// NMI-family tokenization keys are groups of letters and digits joined by dashes
// (xxxxxx-xxxxxx-xxxxxx-xxxxxx); gateways differ in length, so only the alphabet is fixed.
const TOKEN_KEY = /^[A-Za-z0-9][A-Za-z0-9_-]{14,126}[A-Za-z0-9]$/;

export function checkTokenKey(tokenKey: unknown, sameAsSecurityKey: boolean): ConnectionCheck {
	const key = typeof tokenKey === 'string' ? tokenKey.trim() : '';
	const fail = (message: string): ConnectionCheck => ({ name: 'tokenKey', ok: false, message });
	if (key === '')
		return fail('No token key is set: enter the public tokenization key from 360 Payments');
	if (sameAsSecurityKey) {
		return fail(
			'The token key is the security key: the security key is private and must never be put in a web page; enter the public tokenization key',
		);
	}
	if (!TOKEN_KEY.test(key)) {
		return fail(
			'The token key is not a well-formed public tokenization key (16 to 128 letters, digits and dashes)',
		);
	}
	return {
		name: 'tokenKey',
		ok: true,
		message: 'The token key is a well-formed public tokenization key',
	};
}

function describeFailure(error: unknown, baseUrl: string): string {
	if (error instanceof Gateway360ApiError) {
		if (error.kind === 'authentication') {
			return `The gateway refused the security key (${error.responseText ?? 'Authentication Failed'})`;
		}
		if (error.kind === 'unreadable_answer') {
			return `${baseUrl} did not answer like an NMI-style gateway: ${error.message}`;
		}
		return error.message;
	}
	if (error instanceof Gateway360ConnectionError) {
		return `Could not reach the gateway at ${baseUrl} (${describeConnectionFailure(error.code)})`;
	}
	return error instanceof Error ? error.message : String(error);
}

export interface VerifyConnectionInput {
	gatewayBaseUrl: unknown;
	securityKeySet: boolean;
	tokenKey: unknown;
	/** the shell compares the two keys; the core never holds the security key */
	tokenKeyIsSecurityKey: boolean;
	/** built only once the base URL is known to be valid */
	createTransport: () => Gateway360Transport;
}

export async function verifyGateway360Connection(
	input: VerifyConnectionInput,
): Promise<ConnectionResult> {
	const checks: ConnectionCheck[] = [];
	const result = (gatewayBaseUrl: string | null): ConnectionResult => {
		const failed = checks.find((check) => !check.ok);
		return {
			provider: 'gateway360',
			connected: failed === undefined,
			reason: failed
				? `Not connected: ${failed.message}`
				: 'Connected: the gateway accepted the security key, the token key is well-formed and Collect.js is served',
			gatewayBaseUrl,
			checks,
		};
	};

	const endpoints = checkedEndpoints(input.gatewayBaseUrl);
	checks.push(endpoints.check);
	if (!endpoints.value) return result(null);
	const baseUrl = endpoints.value.baseUrl;
	const transport = input.createTransport();

	if (!input.securityKeySet) {
		checks.push({ name: 'securityKey', ok: false, message: 'No security key is set' });
	} else {
		// A transaction id that cannot exist: a valid key answers an empty list, cheaply.
		const outcome = await transport.query({ transaction_id: '0', result_limit: '1' }).then(
			() => null,
			(error: unknown) => error,
		);
		checks.push(
			outcome === null
				? { name: 'securityKey', ok: true, message: 'The gateway accepted the security key' }
				: { name: 'securityKey', ok: false, message: describeFailure(outcome, baseUrl) },
		);
	}

	checks.push(checkTokenKey(input.tokenKey, input.tokenKeyIsSecurityKey));

	const collect = await transport.fetchCollectJs().then(
		(response) => ({ response }),
		(error: unknown) => ({ error }),
	);
	const collectUrl = endpoints.value.collectJsUrl;
	if ('error' in collect) {
		checks.push({ name: 'collectJs', ok: false, message: describeFailure(collect.error, baseUrl) });
	} else if (collect.response.statusCode !== 200 || !/CollectJS/.test(collect.response.body)) {
		checks.push({
			name: 'collectJs',
			ok: false,
			message: `The gateway does not serve Collect.js at ${collectUrl} (HTTP ${collect.response.statusCode})`,
		});
	} else {
		checks.push({ name: 'collectJs', ok: true, message: `Collect.js is served at ${collectUrl}` });
	}
	return result(baseUrl);
}

function checkedEndpoints(baseUrl: unknown): {
	check: ConnectionCheck;
	value: ReturnType<typeof gatewayEndpoints> | null;
} {
	const outcome = attempt(() => gatewayEndpoints(baseUrl));
	if ('error' in outcome) {
		const message = isCoreInputError(outcome.error) ? outcome.error.message : String(outcome.error);
		return { check: { name: 'gatewayBaseUrl', ok: false, message }, value: null };
	}
	return {
		check: { name: 'gatewayBaseUrl', ok: true, message: `Gateway at ${outcome.value.baseUrl}` },
		value: outcome.value,
	};
}

function attempt<T>(work: () => T): { value: T } | { error: unknown } {
	try {
		return { value: work() };
	} catch (error) {
		return { error };
	}
}

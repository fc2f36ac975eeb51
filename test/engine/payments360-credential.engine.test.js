// @ts-check
// The 360 Payments credential: its authenticate (the key in the POST body only) and its
// node-level credential test, run through n8n-core's own credential-test context.
import { CredentialTestContext } from 'n8n-core';

import { Payments360Api } from '../../credentials/Payments360Api.credentials';
import { Payments360 } from '../../nodes/Payments360/Payments360.node';
import { gateway360ConnectionTest } from '../../nodes/shared/gateway360CredentialTest';
import { startGateway360Server } from '../fakes/gateway360-server';

const SECURITY_KEY = 'cred-test-security-key-3e9b1f0a';
const TOKEN_KEY = 'credpub-3e9b1f-0a77c2-d41e5b';
let gateway;
beforeAll(async () => {
	gateway = await startGateway360Server({ securityKeys: [SECURITY_KEY], tokenKeys: [TOKEN_KEY] });
});
afterAll(async () => {
	await gateway.close();
});

const data = (overrides = {}) => ({
	securityKey: SECURITY_KEY,
	tokenKey: TOKEN_KEY,
	gatewayBaseUrl: gateway.url,
	webhookSigningKey: '',
	...overrides,
});
const test360 = (overrides) =>
	gateway360ConnectionTest.call(
		// the connection test reads no additional data of n8n's
		new CredentialTestContext(
			/** @type {import('n8n-workflow').IWorkflowExecuteAdditionalData} */ ({}),
		),
		{
			id: '1',
			name: '360 Payments',
			type: 'payments360Api',
			data: data(overrides),
		},
	);

describe('credential test (testedBy gateway360ConnectionTest)', () => {
	test('the node registers it for its credential', () => {
		const node = new Payments360();
		expect(node.description.credentials).toEqual([
			expect.objectContaining({
				name: 'payments360Api',
				required: true,
				testedBy: 'gateway360ConnectionTest',
			}),
			// Charge Token claiming invoices in Stripe: the Stripe credential, with its own test
			expect.objectContaining({ name: 'stripeInvoicePaymentsApi', required: true }),
		]);
		expect((node.description.credentials ?? [])[1].testedBy).toBeUndefined();
		expect(node.methods.credentialTest.gateway360ConnectionTest).toBe(gateway360ConnectionTest);
	});

	test('working keys: OK, through a real authenticated query', async () => {
		const before = gateway.requests.length;
		expect(await test360()).toEqual({
			status: 'OK',
			message:
				'Connected: the gateway accepted the security key, the token key is well-formed and Collect.js is served',
		});
		const sent = gateway.requests.slice(before);
		expect(sent).toEqual([
			{
				method: 'POST',
				path: '/api/query.php',
				type: null,
				securityKeyInBody: true,
				securityKeyInUrl: false,
			},
		]);
	});

	test.each([
		[
			{ securityKey: 'a-wrong-security-key-000000' },
			'Not connected: The gateway refused the security key (Authentication Failed)',
		],
		[{ securityKey: '' }, 'Not connected: No security key is set'],
		[{ tokenKey: SECURITY_KEY }, /^Not connected: The token key is the security key/],
		[{ gatewayBaseUrl: '' }, /^Not connected: The 360 Payments credential has no Gateway Base URL/],
		[
			{ gatewayBaseUrl: 'http://127.0.0.1:9' },
			'Not connected: Could not reach the gateway at http://127.0.0.1:9 (connection refused)',
		],
	])('%p fails the test with the reason and no key', async (overrides, message) => {
		const result = await test360(overrides);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(message);
		expect(result.message).not.toContain(SECURITY_KEY);
	});
});

describe('authenticate', () => {
	const credential = new Payments360Api();
	const credentials = { securityKey: ' key with & and = ', tokenKey: TOKEN_KEY };

	test('appends security_key to a form body, encoded', async () => {
		const options = await credential.authenticate(credentials, {
			method: 'POST',
			url: 'https://gw.test/api/query.php',
			body: 'order_id=INV-1',
		});
		expect(options.body).toBe('order_id=INV-1&security_key=key%20with%20%26%20and%20%3D');
		expect(options.url).toBe('https://gw.test/api/query.php');
		expect(options.qs).toBeUndefined();
	});

	test('an empty body gets the key alone; an object body gets a field', async () => {
		expect(
			(await credential.authenticate(credentials, { method: 'POST', url: 'u', body: '' })).body,
		).toBe('security_key=key%20with%20%26%20and%20%3D');
		expect(
			(await credential.authenticate(credentials, { method: 'POST', url: 'u', body: { a: '1' } }))
				.body,
		).toEqual({ a: '1', security_key: 'key with & and =' });
	});

	test('never adds the key to a GET (Collect.js is public)', async () => {
		/** @type {import('n8n-workflow').IHttpRequestOptions} */
		const request = { method: 'GET', url: 'https://gw.test/token/Collect.js' };
		expect(await credential.authenticate(credentials, request)).toBe(request);
	});

	test('the fields the other nodes rely on', () => {
		expect(credential.name).toBe('payments360Api');
		expect(
			credential.properties.map((p) => [p.name, p.typeOptions?.password === true, p.default]),
		).toEqual([
			['securityKey', true, ''],
			['tokenKey', true, ''],
			['gatewayBaseUrl', false, ''],
			['webhookSigningKey', true, ''],
		]);
	});
});

// @ts-check
import {
	checkTokenKey,
	verifyGateway360Connection,
} from '../../../nodes/core/gateway360/connection';
import { Gateway360Transport } from '../../../nodes/core/gateway360/transport';
import { startGateway360Server } from '../../fakes/gateway360-server';
import { nodeHttp } from '../../fakes/gateway360/node-http';

const SECURITY_KEY = 'connection-test-security-key-001';
const TOKEN_KEY = 'pubkey-abc123-def456-ghi789';
let gateway;
beforeAll(async () => {
	gateway = await startGateway360Server({ securityKeys: [SECURITY_KEY], tokenKeys: [TOKEN_KEY] });
});
afterAll(async () => {
	await gateway.close();
});

function verify({ baseUrl = gateway.url, securityKey = SECURITY_KEY, tokenKey = TOKEN_KEY } = {}) {
	return verifyGateway360Connection({
		gatewayBaseUrl: baseUrl,
		securityKeySet: securityKey !== '',
		tokenKey,
		tokenKeyIsSecurityKey: tokenKey === securityKey,
		createTransport: () =>
			new Gateway360Transport({
				http: nodeHttp(securityKey),
				baseUrl,
				sleep: async () => {},
				maxQueryRetries: 0,
			}),
	});
}

describe('verifyGateway360Connection', () => {
	test('both keys working: connected, with every check passed', async () => {
		const result = await verify();
		expect(result).toMatchObject({
			provider: 'gateway360',
			connected: true,
			gatewayBaseUrl: gateway.url,
			reason:
				'Connected: the gateway accepted the security key, the token key is well-formed and Collect.js is served',
		});
		expect(result.checks.map((c) => [c.name, c.ok])).toEqual([
			['gatewayBaseUrl', true],
			['securityKey', true],
			['tokenKey', true],
			['collectJs', true],
		]);
	});

	test.each([
		[
			{ securityKey: 'wrong-security-key-0000000000' },
			'securityKey',
			'Not connected: The gateway refused the security key (Authentication Failed)',
		],
		[{ securityKey: '' }, 'securityKey', 'Not connected: No security key is set'],
		[{ tokenKey: '' }, 'tokenKey', /No token key is set/],
		[{ tokenKey: 'short' }, 'tokenKey', /not a well-formed public tokenization key/],
		[{ tokenKey: 'has spaces in the middle of it' }, 'tokenKey', /not a well-formed/],
		[{ tokenKey: SECURITY_KEY }, 'tokenKey', /The token key is the security key/],
		[{ baseUrl: '' }, 'gatewayBaseUrl', /no Gateway Base URL/],
		[{ baseUrl: 'http://gateway.example.com' }, 'gatewayBaseUrl', /must use https/],
	])('%p: not connected, with the reason', async (input, failing, reason) => {
		const result = await verify(input);
		expect(result.connected).toBe(false);
		expect(result.checks.find((c) => !c.ok)?.name).toBe(failing);
		expect(result.reason).toMatch(reason);
		expect(JSON.stringify(result)).not.toContain(SECURITY_KEY);
	});

	test('a gateway that is down: not connected, naming the address', async () => {
		gateway.setDown(true);
		const result = await verify().finally(() => gateway.setDown(false));
		expect(result.connected).toBe(false);
		expect(result.reason).toBe(
			`Not connected: Could not reach the gateway at ${gateway.url} (connection reset)`,
		);
	});

	test('an address that is not a gateway: not connected', async () => {
		const { createServer } = require('node:http');
		const other = createServer((req, res) => res.end('<html>hello</html>'));
		await new Promise((resolve) => other.listen(0, '127.0.0.1', () => resolve(undefined)));
		const result = await verify({
			baseUrl: `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (other.address()).port}`,
		}).finally(() => new Promise((resolve) => other.close(resolve)));
		expect(result.connected).toBe(false);
		expect(result.checks.find((c) => c.name === 'securityKey')?.message).toMatch(
			/did not answer like an NMI-style gateway/,
		);
		expect(result.checks.find((c) => c.name === 'collectJs')).toMatchObject({
			ok: false,
			message: expect.stringMatching(/does not serve Collect.js/),
		});
	});
});

test.each([
	['abcdef-ghijkl-mnopqr-stuvwx', true],
	['6457Thfj624V5r7WUwc5v6a68Zsd6YEm', true],
	['-leading-dash-is-not-a-key', false],
	['x'.repeat(129), false],
])('checkTokenKey(%p).ok is %p', (key, ok) => {
	expect(checkTokenKey(key, false).ok).toBe(ok);
});

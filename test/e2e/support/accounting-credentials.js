'use strict';
// @ts-check
/**
 * The accounting adapters' credentials in the e2e stack's n8n, with a token ready: n8n's own
 * OAuth2 types (QuickBooks Online OAuth2 API, Xero OAuth2 API), imported with n8n's CLI, which
 * encrypts `data` as given, so `oauthTokenData` makes them connected (n8n's public API refuses
 * the field: its credential schema allows only the type's properties). The ids are the ones the
 * shipped adapters name. n8n refreshes a token only when an API answers 401.
 */
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { freePort, n8nEnv } = require('./stack');

/**
 * @param {any} state the e2e stack's state
 * @param {{ quickBooksAccessToken: string, xeroAccessToken: string }} tokens
 */
async function importAccountingCredentials(state, { quickBooksAccessToken, xeroAccessToken }) {
	const token = (accessToken) => ({
		access_token: accessToken,
		refresh_token: `${accessToken}_refresh`,
		token_type: 'Bearer',
	});
	const credentials = [
		{
			id: 'invPayQuickBooks01',
			name: 'QuickBooks Online',
			type: 'quickBooksOAuth2Api',
			data: {
				clientId: 'e2e-client',
				clientSecret: 'e2e-secret',
				environment: 'sandbox',
				oauthTokenData: token(quickBooksAccessToken),
			},
		},
		{
			id: 'invPayXero01',
			name: 'Xero',
			type: 'xeroOAuth2Api',
			data: {
				clientId: 'e2e-client',
				clientSecret: 'e2e-secret',
				oauthTokenData: token(xeroAccessToken),
			},
		},
	];
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'invpay-accounting-'));
	const file = path.join(dir, 'credentials.json');
	fs.writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
	try {
		// its own task-broker port: the server's is taken
		const env = n8nEnv(
			{ ...state, ports: { ...state.ports, broker: await freePort() } },
			state.runtime,
		);
		await new Promise((resolve, reject) =>
			execFile(
				state.runtime.node,
				[state.runtime.n8nBin, 'import:credentials', `--input=${file}`],
				{ env, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 },
				(error, stdout, stderr) =>
					error
						? reject(new Error(`n8n import:credentials failed: ${stderr.slice(-2000)}`))
						: resolve(stdout),
			),
		);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

module.exports = { importAccountingCredentials };

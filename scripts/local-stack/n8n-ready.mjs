#!/usr/bin/env node
// Waits for a freshly started n8n, sets up its owner account (or logs in when one exists) and
// checks that our community package and the imported credentials are there.
//   node scripts/local-stack/n8n-ready.mjs --url http://127.0.0.1:5678 --pid <n8n pid> \
//     --email E --password P --node-type n8n-nodes-invoice-payments.stripeInvoicePayment \
//     --credential-ids id1,id2
// Exit codes: 0 ready; 1 n8n did not come up; 2 a node type or credential is missing;
// 3 an owner exists whose password is not the demo one (nothing checked past health).
import { fail, parseArgs } from './args.mjs';

const args = parseArgs(process.argv.slice(2), {
	url: 'string',
	pid: 'string',
	email: 'string',
	password: 'string',
	'node-type': 'string',
	'credential-ids': 'string',
	'timeout-seconds': 'string',
});
const base = (args.url ?? 'http://127.0.0.1:5678').replace(/\/+$/, '');
const timeoutMs = Number(args['timeout-seconds'] ?? 180) * 1000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function alive(pid) {
	try {
		process.kill(Number(pid), 0);
		return true;
	} catch {
		return false;
	}
}

async function waitUntilReady() {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (args.pid && !alive(args.pid)) throw new Error('n8n exited before it was ready');
		try {
			// readiness answers 200 only once the database is connected and migrated; n8n 1.x
			// answers it a moment before its REST API is mounted, so the settings must answer too
			const signal = AbortSignal.timeout(2000);
			const res = await fetch(`${base}/healthz/readiness`, { signal });
			if (res.ok && (await fetch(`${base}/rest/settings`, { signal })).ok) return;
		} catch {
			// not listening yet
		}
		await sleep(500);
	}
	throw new Error(`n8n did not answer ${base}/healthz/readiness within ${timeoutMs / 1000} s`);
}

/** The `n8n-auth` cookie of a response, to send back as `Cookie`. */
function authCookie(res) {
	const cookies = res.headers.getSetCookie?.() ?? [];
	const auth = cookies.find((cookie) => cookie.startsWith('n8n-auth='));
	return auth ? auth.split(';')[0] : null;
}

async function post(path, body) {
	return fetch(`${base}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
}

/** True while n8n waits for its owner account (a fresh database). */
async function ownerMissing() {
	const res = await fetch(`${base}/rest/settings`);
	const { data } = await res.json();
	return data.userManagement?.showSetupOnFirstLoad === true;
}

async function signIn() {
	const credentials = { emailOrLdapLoginId: args.email, password: args.password };
	if (!(await ownerMissing())) {
		const login = await post('/rest/login', credentials);
		if (login.ok) return { cookie: authCookie(login), owner: 'existing' };
		return {
			cookie: null,
			owner: 'existing-other-password',
			detail: `login: HTTP ${login.status}`,
		};
	}
	const setup = await post('/rest/owner/setup', {
		email: args.email,
		firstName: 'Demo',
		lastName: 'Owner',
		password: args.password,
	});
	if (!setup.ok) throw new Error(`owner setup: HTTP ${setup.status} ${await setup.text()}`);
	return { cookie: authCookie(setup), owner: 'created' };
}

async function getJson(path, cookie) {
	const res = await fetch(`${base}${path}`, { headers: { cookie } });
	if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
	return res.json();
}

try {
	await waitUntilReady();
	const { cookie, owner, detail } = await signIn();
	if (!cookie) {
		console.error(`n8n already has an owner and the demo password does not log in (${detail})`);
		process.exit(3);
	}
	const nodeTypes = await getJson('/types/nodes.json', cookie);
	const known = new Set(nodeTypes.map((type) => type.name));
	const wantedTypes = (args['node-type'] ?? '').split(',').filter(Boolean);
	const missingTypes = wantedTypes.filter((type) => !known.has(type));

	const credentials = (await getJson('/rest/credentials', cookie)).data;
	const credentialIds = new Set(credentials.map((credential) => credential.id));
	const wantedCredentials = (args['credential-ids'] ?? '').split(',').filter(Boolean);
	const missingCredentials = wantedCredentials.filter((id) => !credentialIds.has(id));

	console.log(
		JSON.stringify({
			owner,
			nodeTypes: wantedTypes.filter((type) => known.has(type)),
			credentials: credentials
				.filter((credential) => wantedCredentials.includes(credential.id))
				.map((credential) => `${credential.name} (${credential.type})`),
		}),
	);
	if (missingTypes.length || missingCredentials.length) {
		console.error(
			[
				missingTypes.length ? `node types not loaded: ${missingTypes.join(', ')}` : '',
				missingCredentials.length ? `credentials missing: ${missingCredentials.join(', ')}` : '',
			]
				.filter(Boolean)
				.join('; '),
		);
		process.exit(2);
	}
} catch (error) {
	fail(error);
}

'use strict';
// @ts-check
/**
 * The end-to-end stack: a real n8n 2.41.1 on Node 24 (from the cache scripts/lib/n8n-cache.sh
 * fills, outside the repository), this package installed into it from `npm pack` as n8n
 * installs a community package, and the local fakes it talks to: Stripe (delivering signed
 * webhooks to n8n's production URL), the 360 Payments gateway, the SMTP sink and the books.
 * Everything listens on 127.0.0.1 on ports chosen free at start; everything started is
 * recorded by PID and stopped by PID.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const { startProcess, stopProcesses, waitForLog } = require('./processes');

const REPO = path.resolve(__dirname, '../../..');
const PACKAGE_NAME = 'n8n-nodes-invoice-payments';
const OWNER = { email: 'e2e-owner@invoice-payments.example.com', password: 'E2e-Payments-1' };
const BOOKS_TOKEN = 'books-e2e-token-4a1f';
const TIME_ZONE = 'America/Chicago';
/** The books adapters (workflows/books/) the stack imports and publishes beside the processes. */
const BOOKS_ADAPTERS = [
	'books-rest.json',
	'books-data-tables.json',
	'books-data-tables-setup.json',
];
/**
 * Shipped workflows the stack imports but leaves unpublished: the reconciliation's hourly
 * schedule would record, in the middle of other tests, what they leave unrecorded on purpose;
 * its own test (20-reconciliation) runs it by hand with `n8n execute`.
 */
const UNPUBLISHED_IN_STACK = ['invPayWf8Reconcile'];
// Modules n8n provides to community packages (those strict lint allows): linked to n8n's copies.
const PROVIDED_MODULES = ['n8n-workflow', 'luxon', 'zod', 'lodash', 'moment', 'p-limit'];

function log(message) {
	process.stderr.write(`[e2e] ${message}\n`);
}

/**
 * Node 24 and n8n from the cache (installed on first use: about 4 minutes): n8n 2.41.1, or the
 * version N8N_CACHE_N8N_VERSION names (the n8n 1.x smoke, smoke-n8n1.setup.js).
 */
function ensureN8n() {
	const script =
		'source scripts/lib/n8n-cache.sh && ensure_n8n >&2 && ' +
		'printf "%s\\n" "$NODE24_BIN" "$NODE24_BIN_DIR" "$N8N_BIN" "$N8N_PKG_DIR" "$N8N_DIR"';
	const out = execFileSync('bash', ['-c', script], {
		cwd: REPO,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
		timeout: 20 * 60 * 1000,
	});
	const [node, nodeBinDir, n8nBin, n8nPkgDir, n8nDir] = out.trim().split('\n');
	const n8nVersion = JSON.parse(
		fs.readFileSync(path.join(n8nPkgDir, 'package.json'), 'utf8'),
	).version;
	return { node, nodeBinDir, n8nBin, n8nPkgDir, n8nDir, n8nVersion };
}

function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = /** @type {net.AddressInfo} */ (server.address());
			server.close(() => resolve(port));
		});
	});
}

/** The packed package (exactly what users install) into n8n's nodes folder. */
function installPackage(userFolder, runtime) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const packageDir = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'invoice-payments-pack-'));
	try {
		const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', packDir], {
			cwd: REPO,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore'],
		})
			.trim()
			.split('\n')
			.pop();
		fs.mkdirSync(packageDir, { recursive: true });
		execFileSync('tar', [
			'-xzf',
			path.join(packDir, /** @type {string} npm pack's last line */ (tarball)),
			'-C',
			packageDir,
			'--strip-components=1',
		]);
	} finally {
		fs.rmSync(packDir, { recursive: true, force: true });
	}
	// As n8n's installer: no dev/peer dependencies in the installed package.json, and the package
	// recorded in the nodes folder's package.json.
	const pkgPath = path.join(packageDir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...pkg } = JSON.parse(
		fs.readFileSync(pkgPath, 'utf8'),
	);
	fs.writeFileSync(pkgPath, JSON.stringify(pkg, null, 2));
	fs.writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify(
			{ name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: pkg.version } },
			null,
			2,
		),
	);
	for (const name of PROVIDED_MODULES) {
		const candidate = [
			path.join(runtime.n8nPkgDir, 'node_modules', name),
			path.join(runtime.n8nDir, 'node_modules', name),
		].find((dir) => fs.existsSync(dir));
		if (candidate) fs.symlinkSync(candidate, path.join(nodesDir, 'node_modules', name));
	}
	return pkg;
}

function n8nEnv(state, runtime) {
	const env = {
		...process.env,
		PATH: `${runtime.nodeBinDir}:${process.env.PATH}`,
		N8N_USER_FOLDER: state.userFolder,
		N8N_PORT: String(state.ports.n8n),
		N8N_RUNNERS_BROKER_PORT: String(state.ports.broker),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `${state.n8nUrl}/`,
		N8N_WEBHOOK_URL: `${state.n8nUrl}/`,
		N8N_SECURE_COOKIE: 'false',
		DB_TYPE: 'sqlite',
		GENERIC_TIMEZONE: TIME_ZONE,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		// n8n 1.x has no MCP registry module and refuses to start when told of an unknown one
		...(runtime.n8nVersion?.startsWith('1.') ? {} : { N8N_DISABLED_MODULES: 'mcp-registry' }),
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_LOG_LEVEL: 'info',
		N8N_PUBLIC_API_DISABLED: 'false',
	};
	// Jest sets NODE_ENV=test, with which n8n does not start; none of these belong to n8n.
	for (const name of ['NODE_OPTIONS', 'NODE_ENV', 'JEST_WORKER_ID', 'N8N_USER_FOLDER_FIXED'])
		delete env[name];
	return env;
}

function n8nCli(state, runtime, args, { timeoutMs = 180_000 } = {}) {
	return execFileSync(runtime.node, [runtime.n8nBin, ...args], {
		env: n8nEnv(state, runtime),
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
		timeout: timeoutMs,
		maxBuffer: 64 * 1024 * 1024,
	});
}

function authCookie(res) {
	const cookie = (res.headers.getSetCookie?.() ?? []).find((c) => c.startsWith('n8n-auth='));
	return cookie ? cookie.split(';')[0] : null;
}

async function ownerSession(state, runtime) {
	// n8n-ready.mjs (shared with `npm start`): waits for readiness, sets the owner up, checks that
	// our node types and the imported credentials are there.
	const ready = startProcess(
		'n8n-ready',
		runtime.node,
		[
			path.join(REPO, 'scripts/local-stack/n8n-ready.mjs'),
			'--url',
			state.n8nUrl,
			'--pid',
			String(state.pids.n8n),
			'--email',
			state.owner.email,
			'--password',
			state.owner.password,
			'--node-type',
			state.nodeTypes.join(','),
			'--credential-ids',
			state.credentialIds.join(','),
			'--timeout-seconds',
			'240',
		],
		{ env: process.env, cwd: REPO, logFile: path.join(state.logDir, 'n8n-ready.log') },
	);
	const { code } = await ready.exited;
	if (code !== 0) {
		throw new Error(
			`n8n is not ready (exit ${code}): ${fs.readFileSync(ready.logFile, 'utf8').slice(-2000)}`,
		);
	}
	const login = await fetch(`${state.n8nUrl}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: state.owner.email, password: state.owner.password }),
	});
	if (!login.ok) throw new Error(`login: HTTP ${login.status}`);
	const cookie = authCookie(login);
	const scopes = await (
		await fetch(`${state.n8nUrl}/rest/api-keys/scopes`, { headers: { cookie } })
	).json();
	const created = await fetch(`${state.n8nUrl}/rest/api-keys`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie },
		body: JSON.stringify({ label: 'e2e', scopes: scopes.data, expiresAt: null }),
	});
	if (!created.ok) throw new Error(`API key: HTTP ${created.status} ${await created.text()}`);
	const { data } = await created.json();
	return { cookie, apiKey: data.rawApiKey ?? data.apiKey };
}

/** Node type names the packed package declares, loaded under Node 24 as n8n loads them. */
function declaredNodeTypes(runtime, packageDir) {
	const script = `const path=require('node:path');const dir=process.argv[1];const pkg=require(path.join(dir,'package.json'));const types=[];for(const f of pkg.n8n.nodes){for(const C of Object.values(require(path.join(dir,f)))){if(typeof C==='function')types.push(pkg.name+'.'+new C().description.name)}}console.log(types.join(','))`;
	return execFileSync(runtime.node, ['-e', script, packageDir], { encoding: 'utf8' })
		.trim()
		.split(',');
}

/**
 * Starts everything; on any failure stops what was started and rethrows.
 * Returns the state the tests read (URLs, PIDs, keys, workflow ids).
 */
/**
 * The local stack's credentials (scripts/local-stack/credentials.mjs) for this stack's fakes,
 * recorded in the state by id; the list is returned for the fakes' keys.
 */
function localCredentials(state, booksToken) {
	const credentials = JSON.parse(
		execFileSync(
			state.runtime.node,
			[
				path.join(REPO, 'scripts/local-stack/credentials.mjs'),
				'--stripe-url',
				state.stripeUrl,
				'--smtp-port',
				String(state.ports.smtp),
				'--books-token',
				booksToken,
				...(state.gatewayUrl ? ['--gateway360-url', state.gatewayUrl] : []),
			],
			{ encoding: 'utf8' },
		),
	);
	state.credentials = Object.fromEntries(credentials.map((c) => [c.id, c]));
	state.credentialIds = credentials.map((c) => c.id);
	return credentials;
}

async function startStack({ stateFile }) {
	const started = [];
	const t0 = Date.now();
	try {
		const runtime = ensureN8n();
		log(`Node 24 and n8n ready (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
		const root = fs.mkdtempSync(path.join(os.tmpdir(), 'invoice-payments-e2e-'));
		const state = {
			root,
			userFolder: path.join(root, 'n8n'),
			logDir: path.join(root, 'logs'),
			timeZone: TIME_ZONE,
			owner: OWNER,
			booksToken: BOOKS_TOKEN,
			runtime,
			ports: {},
			pids: {},
			allPids: started,
		};
		fs.mkdirSync(state.logDir, { recursive: true });
		fs.mkdirSync(state.userFolder, { recursive: true });
		for (const name of ['n8n', 'broker', 'stripe', 'gateway', 'smtp', 'smtpHttp', 'books']) {
			state.ports[name] = await freePort();
		}
		state.n8nUrl = `http://127.0.0.1:${state.ports.n8n}`;
		state.stripeUrl = `http://127.0.0.1:${state.ports.stripe}`;
		state.gatewayUrl = `http://127.0.0.1:${state.ports.gateway}`;
		state.smtpUrl = `http://127.0.0.1:${state.ports.smtpHttp}`;
		state.booksUrl = `http://127.0.0.1:${state.ports.books}`;

		// credentials first: they hold the demo keys the fakes are started with
		const credentials = localCredentials(state, BOOKS_TOKEN);
		const byType = (type) => credentials.find((c) => c.type === type).data;

		const pkg = installPackage(state.userFolder, runtime);
		state.nodeTypes = declaredNodeTypes(
			runtime,
			path.join(state.userFolder, '.n8n/nodes/node_modules', PACKAGE_NAME),
		);
		log(`package ${pkg.name}@${pkg.version} installed: ${state.nodeTypes.length} node types`);

		const fake = async (name, script, args, ready) => {
			const proc = startProcess(name, runtime.node, [path.join(REPO, script), ...args], {
				env: { ...process.env, PATH: `${runtime.nodeBinDir}:${process.env.PATH}` },
				cwd: REPO,
				logFile: path.join(state.logDir, `${name}.log`),
			});
			started.push(proc.pid);
			state.pids[name] = proc.pid;
			await waitForLog(proc, ready, 30_000);
		};
		const gateway360 = byType('payments360Api');
		await Promise.all([
			fake(
				'stripe',
				'test/fakes/stripe-server.js',
				[
					'--port',
					String(state.ports.stripe),
					'--secret-key',
					byType('stripeInvoicePaymentsApi').secretKey,
				],
				/^http:\/\/127\.0\.0\.1:\d+$/m,
			),
			fake(
				'gateway360',
				'test/fakes/gateway360-server.js',
				[
					'--port',
					String(state.ports.gateway),
					'--security-key',
					gateway360.securityKey,
					'--token-key',
					gateway360.tokenKey,
					'--signing-key',
					gateway360.webhookSigningKey,
				],
				/^http:\/\/127\.0\.0\.1:\d+$/m,
			),
			fake(
				'smtp',
				'scripts/local-stack/smtp-sink.mjs',
				['--port', String(state.ports.smtp), '--http-port', String(state.ports.smtpHttp)],
				/^SMTP sink: /m,
			),
			fake(
				'books',
				'scripts/local-stack/books-api.mjs',
				['--port', String(state.ports.books), '--token', BOOKS_TOKEN, '--time-zone', TIME_ZONE],
				/^Books API: /m,
			),
		]);
		log(`fakes up (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

		// Credentials and workflows are imported before n8n starts (the CLI and the server share SQLite).
		const importDir = path.join(root, 'import');
		fs.mkdirSync(importDir, { mode: 0o700 });
		fs.writeFileSync(path.join(importDir, 'credentials.json'), JSON.stringify(credentials), {
			mode: 0o600,
		});
		n8nCli(state, runtime, [
			'import:credentials',
			`--input=${path.join(importDir, 'credentials.json')}`,
		]);
		// the processes, and the books adapters they call (docs/books-api.md): the REST one (their
		// Settings' default) and the Data Tables one with its setup; the accounting adapters need
		// OAuth2 credentials the stack does not hold
		const workflowsDir = path.join(REPO, 'workflows');
		const booksDir = path.join(importDir, 'books');
		fs.mkdirSync(booksDir);
		for (const file of BOOKS_ADAPTERS)
			fs.copyFileSync(path.join(workflowsDir, 'books', file), path.join(booksDir, file));
		const listed = (dir) =>
			fs
				.readdirSync(dir)
				.filter((f) => f.endsWith('.json'))
				.sort()
				.map((file) => {
					const json = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
					return { file, id: json.id, name: json.name };
				});
		// adapters first: published before the processes that call them
		state.workflows = [
			...listed(booksDir).map((w) => ({ ...w, file: `books/${w.file}` })),
			...listed(workflowsDir),
		];
		n8nCli(state, runtime, ['import:workflow', '--separate', `--input=${booksDir}`]);
		n8nCli(state, runtime, ['import:workflow', '--separate', `--input=${workflowsDir}`]);
		log(
			`credentials and ${state.workflows.length} workflows imported (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
		);

		// A port chosen free can be taken before n8n binds it (another process's connection, or
		// a port handed out twice): then n8n stops at once, and starts again on new ports.
		const n8nLog = path.join(state.logDir, 'n8n.log');
		for (let attempt = 1; ; attempt++) {
			const logFrom = fs.existsSync(n8nLog) ? fs.statSync(n8nLog).size : 0;
			const n8n = startProcess('n8n', runtime.node, [runtime.n8nBin, 'start'], {
				env: n8nEnv(state, runtime),
				cwd: state.userFolder,
				logFile: n8nLog,
			});
			started.push(n8n.pid);
			state.pids.n8n = n8n.pid;
			try {
				Object.assign(state, await ownerSession(state, runtime));
				break;
			} catch (error) {
				const portTaken = /port \d+ is already in use/.test(
					fs.readFileSync(n8nLog).subarray(logFrom).toString('utf8'),
				);
				if (!portTaken || attempt === 3) throw error;
				log(`n8n's port ${state.ports.n8n} or ${state.ports.broker} was taken: new ports`);
				state.ports.n8n = await freePort();
				state.ports.broker = await freePort();
				state.n8nUrl = `http://127.0.0.1:${state.ports.n8n}`;
			}
		}
		log(`n8n ${state.n8nUrl} ready, owner signed in (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

		// n8n 1.x runs a sub-workflow as saved and refuses to activate one whose only trigger is
		// When Executed by Another Workflow; 2.x runs its published version, so publishes it
		const publishesSubWorkflows = !runtime.n8nVersion?.startsWith('1.');
		for (const workflow of state.workflows) {
			if (UNPUBLISHED_IN_STACK.includes(workflow.id)) continue;
			if (workflow.file.startsWith('books/') && !publishesSubWorkflows) continue;
			const res = await fetch(`${state.n8nUrl}/api/v1/workflows/${workflow.id}/activate`, {
				method: 'POST',
				headers: { 'X-N8N-API-KEY': state.apiKey, 'content-type': 'application/json' },
				body: '{}',
			});
			if (!res.ok)
				throw new Error(`activating ${workflow.name}: HTTP ${res.status} ${await res.text()}`);
		}
		log(`workflows published (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
		fs.writeFileSync(stateFile, JSON.stringify(state, null, 2), { mode: 0o600 });
		return state;
	} catch (error) {
		await stopProcesses(started);
		throw error;
	}
}

async function stopStack(state, { keepFiles = false } = {}) {
	await stopProcesses(state.allPids ?? []);
	if (!keepFiles && state.root) fs.rmSync(state.root, { recursive: true, force: true });
}

module.exports = {
	startStack,
	stopStack,
	n8nEnv,
	REPO,
	log,
	// building blocks, also for the queue-mode stack (test/scale)
	PACKAGE_NAME,
	BOOKS_ADAPTERS,
	UNPUBLISHED_IN_STACK,
	declaredNodeTypes,
	ensureN8n,
	freePort,
	installPackage,
	localCredentials,
	ownerSession,
};

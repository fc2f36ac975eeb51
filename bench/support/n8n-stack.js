'use strict';
/**
 * The webhook bench's stack: one real n8n 2.41.1 (Node 24, from the cache the e2e run uses)
 * with this package installed from `npm pack`, and the local Stripe server it registers its
 * webhook endpoint on. Only these two: no books, gateway or SMTP sink, no shipped workflows (the
 * bench creates its own). Built from the e2e stack's blocks (test/e2e/support); everything on
 * 127.0.0.1, ports chosen free, every process in its own group, recorded by PID, stopped by PID.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { startProcess, stopProcesses, waitForLog } = require('../../test/e2e/support/processes');
const {
	REPO,
	PACKAGE_NAME,
	declaredNodeTypes,
	ensureN8n,
	freePort,
	installPackage,
	localCredentials,
	n8nEnv,
	ownerSession,
} = require('../../test/e2e/support/stack');

const STRIPE_CREDENTIAL = 'invPayStripeDemo';

function log(message) {
	process.stderr.write(`[bench] ${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

/** The packed package is `dist`: refuse to measure a build older than the sources. */
function assertFreshBuild() {
	const newest = (dir, ext) => {
		let latest = 0;
		for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
			if (entry.isFile() && entry.name.endsWith(ext))
				latest = Math.max(latest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
		}
		return latest;
	};
	const dist = path.join(REPO, 'dist');
	if (!fs.existsSync(dist) || newest(path.join(REPO, 'nodes'), '.ts') > newest(dist, '.js')) {
		throw new Error('dist is missing or older than nodes/: run `npm run build` first');
	}
}

/**
 * Starts the Stripe server and n8n (`n8nSettings`: environment variables n8n starts with, over
 * the e2e stack's); on any failure stops what was started and rethrows.
 */
async function startBenchStack({ n8nSettings = {} } = {}) {
	assertFreshBuild();
	const started = [];
	const t0 = Date.now();
	const since = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
	try {
		const runtime = ensureN8n();
		const root = fs.mkdtempSync(path.join(os.tmpdir(), 'invoice-payments-bench-'));
		const state = {
			root,
			userFolder: path.join(root, 'n8n'),
			logDir: path.join(root, 'logs'),
			owner: { email: 'bench-owner@invoice-payments.example.com', password: 'Bench-Payments-1' },
			runtime,
			ports: {},
			pids: {},
			allPids: started,
		};
		fs.mkdirSync(state.logDir, { recursive: true });
		fs.mkdirSync(state.userFolder, { recursive: true });
		for (const name of ['n8n', 'broker', 'stripe', 'smtp']) state.ports[name] = await freePort();
		state.n8nUrl = `http://127.0.0.1:${state.ports.n8n}`;
		state.stripeUrl = `http://127.0.0.1:${state.ports.stripe}`;

		// the e2e clients read every credential of the local stack; n8n gets the Stripe one only
		localCredentials(state, 'bench-books-token-unused');
		state.credentialIds = [STRIPE_CREDENTIAL];

		const pkg = installPackage(state.userFolder, runtime);
		state.nodeTypes = declaredNodeTypes(
			runtime,
			path.join(state.userFolder, '.n8n/nodes/node_modules', PACKAGE_NAME),
		);
		log(`package ${pkg.name}@${pkg.version} installed (${since()})`);

		const stripe = startProcess(
			'stripe',
			runtime.node,
			[
				path.join(REPO, 'test/fakes/stripe-server.js'),
				'--port',
				String(state.ports.stripe),
				'--secret-key',
				state.credentials[STRIPE_CREDENTIAL].data.secretKey,
			],
			{
				env: { ...process.env, PATH: `${runtime.nodeBinDir}:${process.env.PATH}` },
				cwd: REPO,
				logFile: path.join(state.logDir, 'stripe.log'),
			},
		);
		started.push(stripe.pid);
		state.pids.stripe = stripe.pid;
		await waitForLog(stripe, /^http:\/\/127\.0\.0\.1:\d+$/m, 30_000);

		const importDir = path.join(root, 'import');
		fs.mkdirSync(importDir, { mode: 0o700 });
		const credentialsFile = path.join(importDir, 'credentials.json');
		fs.writeFileSync(credentialsFile, JSON.stringify([state.credentials[STRIPE_CREDENTIAL]]), {
			mode: 0o600,
		});
		execFileSync(
			runtime.node,
			[runtime.n8nBin, 'import:credentials', `--input=${credentialsFile}`],
			{ env: n8nEnv(state, runtime), stdio: 'ignore', timeout: 180_000 },
		);

		const n8n = startProcess('n8n', runtime.node, [runtime.n8nBin, 'start'], {
			env: { ...n8nEnv(state, runtime), ...n8nSettings },
			cwd: state.userFolder,
			logFile: path.join(state.logDir, 'n8n.log'),
		});
		started.push(n8n.pid);
		state.pids.n8n = n8n.pid;
		Object.assign(state, await ownerSession(state, runtime));
		log(`n8n ${state.n8nUrl} ready, Stripe server ${state.stripeUrl} (${since()})`);
		return state;
	} catch (error) {
		await stopProcesses(started);
		throw error;
	}
}

/** Stops every process the stack started (by PID); the logs go to `keepLogsIn` when given. */
async function stopBenchStack(state, { keepLogsIn } = {}) {
	await stopProcesses(state.allPids);
	if (keepLogsIn) {
		fs.rmSync(keepLogsIn, { recursive: true, force: true });
		fs.mkdirSync(keepLogsIn, { recursive: true });
		for (const name of fs.readdirSync(state.logDir))
			fs.copyFileSync(path.join(state.logDir, name), path.join(keepLogsIn, name));
	}
	fs.rmSync(state.root, { recursive: true, force: true });
}

module.exports = { startBenchStack, stopBenchStack, log, PACKAGE_NAME, STRIPE_CREDENTIAL };

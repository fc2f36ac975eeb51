'use strict';
// @ts-check
/**
 * The benches' stack: one real n8n 2.41.1 (Node 24, from the cache the e2e run uses) with this
 * package installed from `npm pack`, and the local Stripe server in its own process. On request
 * also the books (their own process, loaded with a seed), the SMTP sink (in this process: the
 * bench drains it, see `drainMails`) and workflows imported before n8n starts, as the e2e stack
 * imports the shipped ones. The webhook bench takes only n8n and Stripe. Built from the e2e
 * stack's blocks (test/e2e/support); everything on 127.0.0.1, ports chosen free, every process in
 * its own group, recorded by PID, stopped by PID.
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

const { startSmtpSink } = require('../../test/fakes/smtp-sink');

const STRIPE_CREDENTIAL = 'invPayStripeDemo';
const BOOKS_CREDENTIAL = 'invPayBooksApi01';
const SMTP_CREDENTIAL = 'invPaySmtpSink01';
const BOOKS_TOKEN = 'bench-books-token-7c2e';

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
 * Starts the Stripe server and n8n; on any failure stops what was started and rethrows.
 *   n8nSettings  environment variables n8n starts with, over the e2e stack's
 *   stripeArgs   more arguments of test/fakes/stripe-server.js (`--latency 100`...)
 *   booksSeed    (state) => the books' data: the books start with it (`state.timeZone` is n8n's)
 *   smtp         true: the SMTP sink, in this process (`state.smtpSink`)
 *   workflows    (state) => workflow JSON objects, imported before n8n starts (they name the
 *                local credentials by id; `state.booksUrl` is where the books listen)
 * @param {object} [options]
 * @param {Record<string, string>} [options.n8nSettings]
 * @param {string[]} [options.stripeArgs]
 * @param {((state: object) => object) | null} [options.booksSeed]
 * @param {boolean} [options.smtp]
 * @param {(state: object) => Array<{ id: string }>} [options.workflows]
 */
async function startBenchStack({
	n8nSettings = {},
	stripeArgs = [],
	booksSeed = null,
	smtp = false,
	workflows = () => [],
} = {}) {
	assertFreshBuild();
	const started = [];
	let sink = null;
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
		for (const name of ['n8n', 'broker', 'stripe', 'smtp', 'books'])
			state.ports[name] = await freePort();
		state.n8nUrl = `http://127.0.0.1:${state.ports.n8n}`;
		state.stripeUrl = `http://127.0.0.1:${state.ports.stripe}`;

		// the e2e clients read every credential of the local stack; n8n gets those the stack serves
		state.timeZone = n8nEnv(state, runtime).GENERIC_TIMEZONE;
		state.booksToken = BOOKS_TOKEN;
		localCredentials(state, BOOKS_TOKEN);
		state.credentialIds = [
			STRIPE_CREDENTIAL,
			...(booksSeed ? [BOOKS_CREDENTIAL] : []),
			...(smtp ? [SMTP_CREDENTIAL] : []),
		];

		const pkg = installPackage(state.userFolder, runtime);
		state.nodeTypes = declaredNodeTypes(
			runtime,
			path.join(state.userFolder, '.n8n/nodes/node_modules', PACKAGE_NAME),
		);
		log(`package ${pkg.name}@${pkg.version} installed (${since()})`);

		const importDir = path.join(root, 'import');
		fs.mkdirSync(importDir, { mode: 0o700 });
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
		await fake(
			'stripe',
			'test/fakes/stripe-server.js',
			[
				'--port',
				String(state.ports.stripe),
				'--secret-key',
				state.credentials[STRIPE_CREDENTIAL].data.secretKey,
				...stripeArgs,
			],
			/^http:\/\/127\.0\.0\.1:\d+$/m,
		);
		if (booksSeed) {
			state.booksUrl = `http://127.0.0.1:${state.ports.books}`;
			// a seed file, not POST /_reset: thousands of customers exceed the books' body limit
			const seedFile = path.join(importDir, 'books-seed.json');
			fs.writeFileSync(seedFile, JSON.stringify(booksSeed(state)));
			await fake(
				'books',
				'scripts/local-stack/books-api.mjs',
				[
					...['--port', String(state.ports.books), '--token', BOOKS_TOKEN],
					...['--time-zone', state.timeZone, '--seed', seedFile],
				],
				/^Books API: /m,
			);
		}
		if (smtp) {
			sink = await startSmtpSink({ smtpPort: state.ports.smtp });
			state.smtpSink = sink;
			state.smtpUrl = state.smtpSink.httpUrl;
		}

		const credentialsFile = path.join(importDir, 'credentials.json');
		fs.writeFileSync(
			credentialsFile,
			JSON.stringify(state.credentialIds.map((id) => state.credentials[id])),
			{ mode: 0o600 },
		);
		const cli = (...args) =>
			execFileSync(runtime.node, [runtime.n8nBin, ...args], {
				env: n8nEnv(state, runtime),
				stdio: 'ignore',
				timeout: 180_000,
			});
		cli('import:credentials', `--input=${credentialsFile}`);
		const imported = workflows(state);
		if (imported.length) {
			const workflowsDir = path.join(importDir, 'workflows');
			fs.mkdirSync(workflowsDir);
			for (const workflow of imported)
				fs.writeFileSync(path.join(workflowsDir, `${workflow.id}.json`), JSON.stringify(workflow));
			cli('import:workflow', '--separate', `--input=${workflowsDir}`);
		}

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
		await sink?.close();
		throw error;
	}
}

/**
 * Stops every process the stack started (by PID); the logs go to `keepLogsIn` when given.
 * @param {Awaited<ReturnType<typeof startBenchStack>>} state
 * @param {{ keepLogsIn?: string }} [options]
 */
async function stopBenchStack(state, { keepLogsIn } = {}) {
	await stopProcesses(state.allPids);
	await state.smtpSink?.close();
	if (keepLogsIn) {
		fs.rmSync(keepLogsIn, { recursive: true, force: true });
		fs.mkdirSync(keepLogsIn, { recursive: true });
		for (const name of fs.readdirSync(state.logDir))
			fs.copyFileSync(path.join(state.logDir, name), path.join(keepLogsIn, name));
	}
	fs.rmSync(state.root, { recursive: true, force: true });
}

module.exports = { startBenchStack, stopBenchStack, log, PACKAGE_NAME, STRIPE_CREDENTIAL };

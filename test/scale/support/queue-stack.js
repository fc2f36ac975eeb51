'use strict';
// @ts-check
/**
 * n8n 2.41.1 in queue mode, as users scale it out: one main process (editor, API, production
 * webhooks, the queue's producer) and two workers (`n8n worker`), sharing PostgreSQL (workflows,
 * credentials, static data, executions) and Redis (the Bull queue), with this package installed
 * as n8n installs a community package and the shipped workflows imported. Around it the local
 * fakes (Stripe, SMTP sink, books). Everything on 127.0.0.1, ports chosen free at start, every
 * process in its own process group, recorded by PID and stopped by PID.
 *
 * The building blocks are the end-to-end stack's (test/e2e/support): Node 24 + n8n from the
 * cache, `npm pack` into the nodes folder, the owner set-up, the fakes' command lines.
 */
const { execFileSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { clients } = require('../../e2e/support/clients');
const { startProcess, stopProcesses, waitForLog } = require('../../e2e/support/processes');
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
} = require('../../e2e/support/stack');
const services = require('./services');

const TIME_ZONE = 'America/Chicago';
const BOOKS_TOKEN = 'books-scale-token-7c2e';
const OWNER = { email: 'scale-owner@invoice-payments.example.com', password: 'Scale-Payments-1' };
const AUTO_PAY = 'invPayWf2AutoPay';
const STATUS = 'invPayWf3Status';
/** The books adapter the processes' Settings name as shipped (docs/books-api.md). */
const BOOKS_REST = 'invPayBooksRest';
// Every process the run starts carries this variable (children inherit it): after the stop, a
// look through /proc for it proves nothing was left behind.
const RUN_MARK = 'INVOICE_PAYMENTS_SCALE_RUN';

function log(message) {
	process.stderr.write(`[scale] ${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

/** The environment of one n8n process of the deployment (main, worker, or a CLI command). */
function queueEnv(state, { userFolder, brokerPort }) {
	const env = n8nEnv(
		{ ...state, userFolder, ports: { n8n: state.ports.n8n, broker: brokerPort } },
		state.runtime,
	);
	return Object.assign(env, {
		[RUN_MARK]: state.root,
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(state.ports.postgres),
		DB_POSTGRESDB_DATABASE: state.postgres.database,
		DB_POSTGRESDB_USER: state.postgres.user,
		DB_POSTGRESDB_PASSWORD: '',
		// With n8n's default pool (2), a main taking webhooks in bursts was seen here to time out
		// its own database ping and answer 503 "Database is not ready!".
		DB_POSTGRESDB_POOL_SIZE: '10',
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(state.ports.redis),
		// n8n 2.x recommends it in queue mode and makes it the only behaviour in v3: "Execute
		// workflow" runs on a worker, like a trigger's execution.
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		// One key for every process: credentials are encrypted by one and decrypted by another.
		N8N_ENCRYPTION_KEY: state.encryptionKey,
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		// How often the main looks for executions a dead worker left running (minutes; 180).
		N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '1',
	});
}

function cli(state, args, { timeoutMs = 240_000 } = {}) {
	return execFileSync(state.runtime.node, [state.runtime.n8nBin, ...args], {
		env: queueEnv(state, {
			userFolder: state.userFolders.main,
			brokerPort: state.ports.brokerMain,
		}),
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
		timeout: timeoutMs,
		maxBuffer: 64 * 1024 * 1024,
	});
}

/**
 * The shipped workflows and the REST books adapter they call, their Settings pointed at this
 * stack's books (what an admin sets after importing them), written next to the import for
 * `n8n import:workflow`.
 */
function workflowsPointedAt(state, importDir) {
	const dir = path.join(importDir, 'workflows');
	fs.mkdirSync(dir);
	const source = path.join(REPO, 'workflows');
	const files = [
		...fs.readdirSync(source).filter((f) => f.endsWith('.json')),
		path.join('books', 'books-rest.json'),
	];
	for (const file of files) {
		const workflow = JSON.parse(fs.readFileSync(path.join(source, file), 'utf8'));
		for (const node of workflow.nodes.filter((n) => n.name === 'Settings')) {
			for (const assignment of node.parameters.assignments.assignments) {
				if (assignment.name === 'booksApiUrl') assignment.value = state.booksUrl;
			}
		}
		fs.writeFileSync(path.join(dir, path.basename(file)), JSON.stringify(workflow));
	}
	return dir;
}

/** A worker with its own user folder whose nodes folder is the main's (one installed package). */
function workerFolder(state, name) {
	const folder = path.join(state.root, name);
	fs.mkdirSync(path.join(folder, '.n8n'), { recursive: true });
	fs.symlinkSync(
		path.join(state.userFolders.main, '.n8n', 'nodes'),
		path.join(folder, '.n8n', 'nodes'),
	);
	return folder;
}

async function startWorker(state, index) {
	const name = `worker-${index + 1}`;
	// On this one 2-core machine the workers run at a lower priority than the main: in a real
	// deployment the main has its own machine, and webhooks must be taken (and queued) at once
	// however busy the workers are.
	const proc = startProcess(
		name,
		'nice',
		[
			'-n',
			'10',
			state.runtime.node,
			state.runtime.n8nBin,
			'worker',
			`--concurrency=${state.concurrency}`,
		],
		{
			env: queueEnv(state, {
				userFolder: state.userFolders[name],
				brokerPort: state.ports[`broker${index + 1}`],
			}),
			cwd: state.userFolders[name],
			logFile: path.join(state.logDir, `${name}.log`),
		},
	);
	state.allPids.push(proc.pid);
	state.workers[index] = { name, pid: proc.pid, logFile: proc.logFile };
	await waitForLog(proc, /n8n worker is now ready/, 180_000);
	return proc;
}

/**
 * Starts everything; on any failure stops what was started and rethrows. `concurrency`: jobs
 * each worker runs at once.
 */
async function startQueueStack({ stateFile, workers = 2, concurrency = 5 }) {
	const allPids = [];
	let root = null;
	const t0 = Date.now();
	const since = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
	try {
		const runtime = ensureN8n();
		log(`Node 24 and n8n ready (${since()})`);
		root = fs.mkdtempSync(path.join(os.tmpdir(), 'invoice-payments-scale-'));
		// the database server runs as the `postgres` user: it must reach its folder in here
		fs.chmodSync(root, 0o711);
		const state = {
			root,
			logDir: path.join(root, 'logs'),
			userFolders: { main: path.join(root, 'main') },
			userFolder: path.join(root, 'main'),
			timeZone: TIME_ZONE,
			owner: OWNER,
			booksToken: BOOKS_TOKEN,
			runtime,
			concurrency,
			encryptionKey: randomBytes(24).toString('hex'),
			ports: {},
			pids: {},
			workers: [],
			allPids,
			workflowIds: { autoPay: AUTO_PAY, status: STATUS },
		};
		fs.mkdirSync(state.logDir, { recursive: true });
		fs.mkdirSync(state.userFolders.main, { recursive: true });
		const portNames = [
			'n8n',
			'brokerMain',
			'stripe',
			'smtp',
			'smtpHttp',
			'books',
			'postgres',
			'redis',
			'gateway',
		];
		for (let i = 1; i <= workers; i++) portNames.push(`broker${i}`);
		for (const name of portNames) state.ports[name] = await freePort();
		state.n8nUrl = `http://127.0.0.1:${state.ports.n8n}`;
		state.stripeUrl = `http://127.0.0.1:${state.ports.stripe}`;
		state.smtpUrl = `http://127.0.0.1:${state.ports.smtpHttp}`;
		state.booksUrl = `http://127.0.0.1:${state.ports.books}`;
		state.gatewayUrl = `http://127.0.0.1:${state.ports.gateway}`; // never started: not used here
		const markedEnv = { ...process.env, [RUN_MARK]: root };

		services.ensurePackages(log);
		const [postgres, redis] = await Promise.all([
			services.startPostgres({
				dir: path.join(root, 'postgres'),
				port: state.ports.postgres,
				logDir: state.logDir,
				env: markedEnv,
			}),
			services.startRedis({
				dir: path.join(root, 'redis'),
				port: state.ports.redis,
				logDir: state.logDir,
				env: markedEnv,
			}),
		]);
		allPids.push(postgres.proc.pid, redis.proc.pid);
		state.pids.postgres = postgres.proc.pid;
		state.pids.redis = redis.proc.pid;
		state.postgres = { user: postgres.user, database: postgres.database };
		log(`PostgreSQL on ${state.ports.postgres} and Redis on ${state.ports.redis} (${since()})`);

		const credentials = localCredentials(state, BOOKS_TOKEN);
		state.stripeSecretKey = credentials.find(
			(c) => c.type === 'stripeInvoicePaymentsApi',
		).data.secretKey;

		const pkg = installPackage(state.userFolders.main, runtime);
		state.nodeTypes = declaredNodeTypes(
			runtime,
			path.join(state.userFolders.main, '.n8n/nodes/node_modules', PACKAGE_NAME),
		);
		for (let i = 1; i <= workers; i++)
			state.userFolders[`worker-${i}`] = workerFolder(state, `worker-${i}`);
		log(
			`package ${pkg.name}@${pkg.version} installed: ${state.nodeTypes.length} node types (${since()})`,
		);

		const fake = async (name, script, args, ready) => {
			const proc = startProcess(name, runtime.node, [path.join(REPO, script), ...args], {
				env: { ...markedEnv, PATH: `${runtime.nodeBinDir}:${process.env.PATH}` },
				cwd: REPO,
				logFile: path.join(state.logDir, `${name}.log`),
			});
			allPids.push(proc.pid);
			state.pids[name] = proc.pid;
			await waitForLog(proc, ready, 30_000);
		};
		await Promise.all([
			fake(
				'stripe',
				'test/fakes/stripe-server.js',
				['--port', String(state.ports.stripe), '--secret-key', state.stripeSecretKey],
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
				[
					'--port',
					String(state.ports.books),
					'--token',
					BOOKS_TOKEN,
					'--time-zone',
					TIME_ZONE,
					'--seed',
					'empty',
				],
				/^Books API: /m,
			),
		]);
		log(`fakes up (${since()})`);

		// Imported through the CLI into PostgreSQL (it also creates the schema) before n8n starts.
		const importDir = path.join(root, 'import');
		fs.mkdirSync(importDir, { mode: 0o700 });
		fs.writeFileSync(path.join(importDir, 'credentials.json'), JSON.stringify(credentials), {
			mode: 0o600,
		});
		cli(state, ['import:credentials', `--input=${path.join(importDir, 'credentials.json')}`]);
		fs.rmSync(path.join(importDir, 'credentials.json'));
		cli(state, [
			'import:workflow',
			'--separate',
			`--input=${workflowsPointedAt(state, importDir)}`,
		]);
		log(`credentials and workflows imported into PostgreSQL (${since()})`);

		const main = startProcess('n8n-main', runtime.node, [runtime.n8nBin, 'start'], {
			env: queueEnv(state, {
				userFolder: state.userFolders.main,
				brokerPort: state.ports.brokerMain,
			}),
			cwd: state.userFolders.main,
			logFile: path.join(state.logDir, 'n8n-main.log'),
		});
		allPids.push(main.pid);
		state.pids.n8n = main.pid;
		// the main first: two n8n processes booting at once on 2 cores only slow each other down
		Object.assign(state, await ownerSession(state, runtime));
		log(`n8n main ${state.n8nUrl} ready, owner signed in (${since()})`);
		await Promise.all(Array.from({ length: workers }, (_, i) => startWorker(state, i)));
		log(`${workers} workers ready, concurrency ${concurrency} each (${since()})`);

		const { n8n } = clients(state);
		// Published: the REST books adapter (n8n runs a sub-workflow's published version) and the
		// payment-status workflow (its trigger registers the Stripe endpoint). The auto-pay is run
		// by hand here (a published one would also run at 06:00).
		for (const id of [BOOKS_REST, STATUS]) {
			const res = await fetch(`${state.n8nUrl}/api/v1/workflows/${id}/activate`, {
				method: 'POST',
				headers: { 'X-N8N-API-KEY': state.apiKey, 'content-type': 'application/json' },
				body: '{}',
			});
			if (!res.ok) throw new Error(`publishing ${id}: HTTP ${res.status} ${await res.text()}`);
			const { versionId } = await res.json();
			await n8n.published(id, versionId, 60_000);
		}
		state.startupSeconds = Math.round((Date.now() - t0) / 1000);
		log(
			`books adapter and payment-status workflow published; stack ready in ${since()}; logs in ${state.logDir}`,
		);
		fs.writeFileSync(stateFile, JSON.stringify(state, null, 2), { mode: 0o600 });
		return state;
	} catch (error) {
		await stopProcesses(allPids);
		if (root) {
			const kept = keepLogs(path.join(root, 'logs'));
			fs.rmSync(root, { recursive: true, force: true });
			log(`the stack did not start; its logs are in ${kept}`);
		}
		throw error;
	}
}

/** Copies the run's logs to test-output/scale-logs/ (the temporary folder is removed). */
function keepLogs(logDir) {
	const keep = path.join(REPO, 'test-output', 'scale-logs');
	fs.rmSync(keep, { recursive: true, force: true });
	fs.mkdirSync(keep, { recursive: true });
	if (fs.existsSync(logDir)) {
		for (const name of fs.readdirSync(logDir))
			fs.copyFileSync(path.join(logDir, name), path.join(keep, name));
	}
	return path.relative(REPO, keep);
}

/** PIDs of processes that carry this run's mark (none once everything is stopped). */
function markedProcesses(root) {
	const left = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
		try {
			const environ = fs.readFileSync(`/proc/${entry}/environ`, 'latin1');
			if (environ.split('\0').includes(`${RUN_MARK}=${root}`)) {
				const cmdline = fs
					.readFileSync(`/proc/${entry}/cmdline`, 'latin1')
					.split('\0')
					.join(' ')
					.trim();
				left.push({ pid: Number(entry), cmdline: cmdline.slice(0, 200) });
			}
		} catch {
			// gone meanwhile, or not ours to read
		}
	}
	return left;
}

/** Stops every process group started (newest first), then checks that none of the run is left. */
async function stopQueueStack(state) {
	await stopProcesses(state.allPids ?? []);
	// PostgreSQL's backends live in their own process groups: give them a moment to follow.
	const deadline = Date.now() + 10_000;
	let left = markedProcesses(state.root);
	while (left.length && Date.now() < deadline) {
		await new Promise((resolve) => setTimeout(resolve, 200));
		left = markedProcesses(state.root);
	}
	return left;
}

module.exports = {
	startQueueStack,
	stopQueueStack,
	keepLogs,
	markedProcesses,
	queueEnv,
	log,
	RUN_MARK,
	AUTO_PAY,
	STATUS,
	TIME_ZONE,
};

'use strict';
// @ts-check
/**
 * PostgreSQL and Redis for n8n's queue mode, from Debian's packages (installed with apt-get when
 * missing), run as OUR OWN instances: a fresh data folder under the run's temporary folder,
 * loopback only, ports chosen by the caller, no system service touched. Each is started in its
 * own process group through processes.js, so the stack stops it by PID like everything else.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { asRoot, ensureDebianPackages, which } = require('../../e2e/support/debian-packages');
const { startProcess, waitForLog } = require('../../e2e/support/processes');

const DB = { user: 'n8n', database: 'n8n' };

/** The newest PostgreSQL server Debian installed (/usr/lib/postgresql/<major>/bin). */
function postgresBinDir() {
	const root = '/usr/lib/postgresql';
	if (!fs.existsSync(root)) return null;
	const majors = fs
		.readdirSync(root)
		.filter((name) => /^\d+$/.test(name) && fs.existsSync(path.join(root, name, 'bin', 'postgres')))
		.sort((a, b) => Number(b) - Number(a));
	return majors.length ? path.join(root, majors[0], 'bin') : null;
}

/** PostgreSQL and Redis from Debian's packages when missing (support/debian-packages.js). */
function ensurePackages(log) {
	ensureDebianPackages(
		[
			{ name: 'postgresql', present: () => postgresBinDir() !== null && which('psql') !== null },
			{ name: 'redis-server', present: () => which('redis-server') !== null },
		],
		'PostgreSQL and Redis are needed',
		log,
	);
	// Debian's images forbid starting services on install (policy-rc.d), and so do we: our own
	// instances below use other ports and folders, whatever the system service does.
}

/**
 * PostgreSQL refuses to run as root: as root, its programs run as the `postgres` user the
 * package created (setpriv execs, so the PID we record is the server's own).
 */
function asDatabaseUser(command, args) {
	if (!asRoot()) return [command, args];
	return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', command, ...args]];
}

async function startPostgres({ dir, port, logDir, env }) {
	const bin = /** @type {string} ensurePackages ran first */ (postgresBinDir());
	const data = path.join(dir, 'data');
	fs.mkdirSync(dir, { recursive: true });
	if (asRoot()) execFileSync('chown', ['postgres:postgres', dir]);
	const [initdb, initArgs] = asDatabaseUser(path.join(bin, 'initdb'), [
		'-D',
		data,
		'-U',
		DB.user,
		'--auth=trust',
		'--no-sync',
		'-E',
		'UTF8',
		'--locale=C',
	]);
	execFileSync(initdb, initArgs, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
	const [server, serverArgs] = asDatabaseUser(path.join(bin, 'postgres'), [
		'-D',
		data,
		'-h',
		'127.0.0.1',
		'-p',
		String(port),
		// TCP on loopback only; a test database: durability off, for speed
		'-c',
		'unix_socket_directories=',
		'-c',
		'fsync=off',
		'-c',
		'synchronous_commit=off',
		'-c',
		'full_page_writes=off',
		'-c',
		'max_connections=200',
	]);
	const proc = startProcess('postgres', server, serverArgs, {
		env,
		cwd: dir,
		logFile: path.join(logDir, 'postgres.log'),
	});
	await waitForLog(proc, /database system is ready to accept connections/, 60_000);
	psql(port, 'postgres', `CREATE DATABASE ${DB.database}`);
	return { proc, ...DB, port };
}

/** One statement through psql over TCP (trust auth on loopback); its rows as text. */
function psql(port, database, sql) {
	return execFileSync(
		'psql',
		[
			'-h',
			'127.0.0.1',
			'-p',
			String(port),
			'-U',
			DB.user,
			'-d',
			database,
			'-X',
			'-A',
			'-t',
			'-v',
			'ON_ERROR_STOP=1',
			'-c',
			sql,
		],
		{ encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 },
	);
}

async function startRedis({ dir, port, logDir, env }) {
	fs.mkdirSync(dir, { recursive: true });
	const proc = startProcess(
		'redis',
		which('redis-server'),
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--daemonize',
			'no',
			'--dir',
			dir,
		],
		{ env, cwd: dir, logFile: path.join(logDir, 'redis.log') },
	);
	await waitForLog(proc, /Ready to accept connections/, 30_000);
	return { proc, port };
}

/** A Redis command through redis-cli (the server package ships it); the reply as text. */
function redisCli(port, ...args) {
	return execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
		encoding: 'utf8',
		timeout: 10_000,
	}).trim();
}

module.exports = { ensurePackages, startPostgres, startRedis, psql, redisCli };

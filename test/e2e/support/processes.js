'use strict';
// @ts-check
/**
 * Processes the end-to-end run starts: each in its own process group (so stopping it stops its
 * children too, such as n8n's task runner), its output in a log file, its PID recorded. Stopped
 * by PID: SIGTERM to the group, then SIGKILL after a bounded wait.
 */
const { spawn } = require('node:child_process');
const { closeSync, existsSync, openSync, readFileSync } = require('node:fs');
const { setTimeout: sleep } = require('node:timers/promises');

function groupAlive(pid) {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Starts `command args` detached (own process group), stdout and stderr appended to `logFile`. */
function startProcess(name, command, args, { env, cwd, logFile }) {
	const fd = openSync(logFile, 'a');
	let child;
	try {
		child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', fd, fd] });
	} finally {
		closeSync(fd);
	}
	const exited = new Promise((resolve) =>
		child.once('exit', (code, signal) => resolve({ code, signal })),
	);
	child.once('error', () => {});
	return { name, pid: child.pid, logFile, exited, child };
}

/** Resolves with the first match of `pattern` in the log, or fails when the process exits / time runs out. */
async function waitForLog(proc, pattern, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	let done = false;
	proc.exited.then(() => {
		done = true;
	});
	while (Date.now() < deadline) {
		const text = existsSync(proc.logFile) ? readFileSync(proc.logFile, 'utf8') : '';
		const match = pattern.exec(text);
		if (match) return match;
		if (done) throw new Error(`${proc.name} exited before it was ready:\n${text.slice(-2000)}`);
		await sleep(100);
	}
	throw new Error(`${proc.name} was not ready within ${timeoutMs / 1000} s (log: ${proc.logFile})`);
}

/** Stops process groups newest first: SIGTERM, up to `graceMs`, then SIGKILL. */
async function stopProcesses(pids, graceMs = 15_000) {
	for (const pid of [...pids].reverse()) {
		if (!groupAlive(pid)) continue;
		try {
			process.kill(-pid, 'SIGTERM');
		} catch {
			continue;
		}
		const deadline = Date.now() + graceMs;
		while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
		if (groupAlive(pid)) {
			try {
				process.kill(-pid, 'SIGKILL');
			} catch {
				// gone between the check and the kill
			}
		}
	}
}

/** Synchronous last resort (process 'exit' handlers cannot wait). */
function killProcessesNow(pids) {
	for (const pid of pids) {
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {
			// already gone
		}
	}
}

module.exports = { startProcess, waitForLog, stopProcesses, killProcessesNow, groupAlive };

'use strict';
// @ts-check
/**
 * What the tests need from Debian's packages (Chromium for the browser tests, PostgreSQL and Redis
 * for queue mode), installed with apt-get when missing and the tests run as root, as `.ci/run`
 * does; otherwise the run stops at once with the exact command to run, before any stack starts.
 */
const { execFileSync } = require('node:child_process');

/** The path of `command` on PATH, or null. */
function which(command) {
	try {
		return (
			execFileSync('bash', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || null
		);
	} catch {
		return null;
	}
}

/** Whether this process runs as root. */
const asRoot = () => process.getuid?.() === 0;

/**
 * Installs the packages not present; nothing when all are (the common, fast case).
 * @param {Array<{ name: string, present: () => boolean }>} packages Debian package names, each
 *   with how to tell it is installed
 * @param {string} why what needs them, for the message
 * @param {(line: string) => void} log
 */
function ensureDebianPackages(packages, why, log) {
	const missing = packages.filter((p) => !p.present()).map((p) => p.name);
	if (missing.length === 0) return;
	if (!asRoot()) {
		throw new Error(`${why}: sudo apt-get install -y ${missing.join(' ')}`);
	}
	log(`installing ${missing.join(', ')} from Debian's packages (apt-get)`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const apt = (/** @type {string[]} */ args) =>
		execFileSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
	// Package lists of a fresh machine may be missing or old: one update, then the install.
	apt(['update', '-qq']);
	apt(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
}

module.exports = { asRoot, ensureDebianPackages, which };

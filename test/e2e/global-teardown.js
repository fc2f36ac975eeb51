// @ts-check
/** Stops every process the run started (by PID) and keeps the logs in test-output/e2e-logs/. */
const fs = require('node:fs');
const path = require('node:path');

const { STATE_ENV } = require('./support/clients');
const { log, REPO, stopStack } = require('./support/stack');

module.exports = async function globalTeardown() {
	const file = process.env[STATE_ENV];
	if (!file || !fs.existsSync(file)) return;
	const state = JSON.parse(fs.readFileSync(file, 'utf8'));
	await stopStack(state, { keepFiles: true });
	const keep = path.join(REPO, 'test-output', 'e2e-logs');
	fs.rmSync(keep, { recursive: true, force: true });
	fs.mkdirSync(keep, { recursive: true });
	for (const name of fs.readdirSync(state.logDir))
		fs.copyFileSync(path.join(state.logDir, name), path.join(keep, name));
	fs.rmSync(state.root, { recursive: true, force: true });
	fs.rmSync(file, { force: true });
	log(`stopped; logs kept in ${path.relative(REPO, keep)}/`);
};

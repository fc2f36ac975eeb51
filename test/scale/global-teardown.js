// @ts-check
/**
 * Stops every process the run started (by PID), checks that none is left, keeps the logs in
 * test-output/scale-logs/ and the figures in test-output/scale-figures.json, and prints them.
 */
const fs = require('node:fs');
const path = require('node:path');

const { STATE_ENV } = require('../e2e/support/clients');
const { REPO } = require('../e2e/support/stack');
const { readFigures, recordFigures } = require('./support/figures');
const { keepLogs, log, stopQueueStack } = require('./support/queue-stack');

module.exports = async function globalTeardown() {
	const file = process.env[STATE_ENV];
	if (!file || !fs.existsSync(file)) return;
	const state = JSON.parse(fs.readFileSync(file, 'utf8'));
	const left = await stopQueueStack(state);
	for (const { pid } of left) {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {
			// gone meanwhile
		}
	}
	const keep = keepLogs(state.logDir);
	fs.rmSync(state.root, { recursive: true, force: true });
	fs.rmSync(file, { force: true });

	const started = Number(process.env.INVOICE_PAYMENTS_SCALE_STARTED);
	recordFigures('run', {
		totalSeconds: Math.round((Date.now() - started) / 1000),
		processesLeftAfterStop: left.length,
	});
	const figures = readFigures();
	fs.writeFileSync(
		path.join(REPO, 'test-output', 'scale-figures.json'),
		JSON.stringify(figures, null, 2),
	);
	const figuresFile = /** @type {string} set by global-setup */ (
		process.env.INVOICE_PAYMENTS_SCALE_FIGURES
	);
	fs.rmSync(figuresFile, { force: true });
	log(`figures:\n${JSON.stringify(figures, null, 2)}`);
	log(`stopped; logs in ${keep}/, figures in test-output/scale-figures.json`);
	if (left.length) {
		throw new Error(
			`Processes of the run were still there after the stop (killed now): ${JSON.stringify(left)}`,
		);
	}
};

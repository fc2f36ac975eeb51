// @ts-check
/**
 * Starts the stack once for every e2e test file (see support/stack.js) and points the shipped
 * workflows' Settings at the local books, as an admin does after importing them: the REST books
 * adapter's (the processes' default adapter, so every e2e file reaches the demo REST books
 * through it).
 */
const os = require('node:os');
const path = require('node:path');

const { CHROMIUM_PACKAGE } = require('./support/browser');
const { clients, STATE_ENV } = require('./support/clients');
const { ensureDebianPackages } = require('./support/debian-packages');
const { killProcessesNow } = require('./support/processes');
const { log, startStack } = require('./support/stack');

module.exports = async function globalSetup() {
	// the browser tests' Chromium: installed as root, or the run stops now with the command
	ensureDebianPackages([CHROMIUM_PACKAGE], 'The browser tests need Chromium', log);
	const stateFile = path.join(os.tmpdir(), `invoice-payments-e2e-${process.pid}.json`);
	const state = await startStack({ stateFile });
	process.env[STATE_ENV] = stateFile;
	// If jest dies before the teardown runs, nothing is left behind.
	process.once('exit', () => killProcessesNow(state.allPids));
	for (const signal of ['SIGINT', 'SIGTERM']) {
		process.once(signal, () => {
			killProcessesNow(state.allPids);
			process.exit(130);
		});
	}
	try {
		const { n8n } = clients(state);
		// where the REST books are: the REST adapter's Settings (the processes call it), and those
		// of any workflow that still asks the REST books itself
		for (const workflow of state.workflows) {
			const settings = (await n8n.workflow(workflow.id)).nodes.find((n) => n.name === 'Settings');
			if (settings.parameters.assignments.assignments.some((a) => a.name === 'booksApiUrl'))
				await n8n.setSettings(workflow.id, { booksApiUrl: state.booksUrl });
		}
	} catch (error) {
		killProcessesNow(state.allPids);
		throw error;
	}
	log(`stack ready; logs in ${state.logDir}`);
};

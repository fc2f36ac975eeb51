// @ts-check
/**
 * Starts the stack once for every e2e test file (see support/stack.js) and points the shipped
 * workflows' Settings at the local books, as an admin does after importing them.
 */
const os = require('node:os');
const path = require('node:path');

const { clients, STATE_ENV } = require('./support/clients');
const { killProcessesNow } = require('./support/processes');
const { log, startStack } = require('./support/stack');

module.exports = async function globalSetup() {
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
		for (const workflow of state.workflows)
			await n8n.setSettings(workflow.id, { booksApiUrl: state.booksUrl });
	} catch (error) {
		killProcessesNow(state.allPids);
		throw error;
	}
	log(`stack ready; logs in ${state.logDir}`);
};

// @ts-check
/**
 * Starts the queue-mode stack once for every scale test file (support/queue-stack.js). If jest
 * dies before the teardown runs, every process group it started is killed on the way out.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { STATE_ENV } = require('../e2e/support/clients');
const { killProcessesNow } = require('../e2e/support/processes');
const { recordFigures } = require('./support/figures');
const { startQueueStack } = require('./support/queue-stack');

module.exports = async function globalSetup() {
	process.env.INVOICE_PAYMENTS_SCALE_STARTED = String(Date.now());
	const stateFile = path.join(os.tmpdir(), `invoice-payments-scale-${process.pid}.json`);
	process.env.INVOICE_PAYMENTS_SCALE_FIGURES = path.join(
		os.tmpdir(),
		`invoice-payments-scale-figures-${process.pid}.json`,
	);
	const state = await startQueueStack({ stateFile, workers: 2, concurrency: 5 });
	process.env[STATE_ENV] = stateFile;
	process.once('exit', () => killProcessesNow(state.allPids));
	for (const signal of ['SIGINT', 'SIGTERM']) {
		process.once(signal, () => {
			killProcessesNow(state.allPids);
			fs.rmSync(state.root, { recursive: true, force: true });
			fs.rmSync(stateFile, { force: true });
			process.exit(130);
		});
	}
	recordFigures('stack', {
		n8n: '2.41.1',
		mode: 'queue (EXECUTIONS_MODE=queue, OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true)',
		processes: '1 main + 2 workers (concurrency 5 each), PostgreSQL, Redis',
		cores: os.cpus().length,
		startupSeconds: state.startupSeconds,
	});
};

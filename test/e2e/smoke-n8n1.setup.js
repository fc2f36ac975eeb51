// @ts-check
/**
 * The e2e stack (support/stack.js) on n8n 1.x: the same Node 24, package tarball, fakes,
 * credentials and workflows, with n8n 1.123.x from the cache (scripts/lib/n8n-cache.sh installs it
 * beside 2.41.1, keyed by version). Stopped by the e2e teardown (global-teardown.js).
 */
const os = require('node:os');
const path = require('node:path');

const { STATE_ENV } = require('./support/clients');
const { killProcessesNow } = require('./support/processes');
const { log, startStack } = require('./support/stack');

// The last n8n 1.x release (`npm view n8n versions`), the oldest n8n the Compatibility section
// of the README promises.
const N8N_1_VERSION = '1.123.81';

module.exports = async function smokeN8n1Setup() {
	// read by ensure_n8n (scripts/lib/n8n-cache.sh), which the stack runs in a child shell
	process.env.N8N_CACHE_N8N_VERSION = N8N_1_VERSION;
	const stateFile = path.join(os.tmpdir(), `invoice-payments-e2e-n8n1-${process.pid}.json`);
	const state = await startStack({ stateFile });
	process.env[STATE_ENV] = stateFile;
	process.once('exit', () => killProcessesNow(state.allPids));
	// The books address as an admin sets it after importing. n8n 1.x re-activates a workflow
	// saved through its public API before answering (2.x publishes a moment later, which the
	// e2e client waits for through a 2.x-only endpoint).
	try {
		for (const workflow of state.workflows) {
			const url = `${state.n8nUrl}/api/v1/workflows/${workflow.id}`;
			const headers = { 'X-N8N-API-KEY': state.apiKey, 'content-type': 'application/json' };
			const live = await (await fetch(url, { headers })).json();
			// the REST books adapter holds the address; the processes call the adapter
			const settings = live.nodes.find((node) => node.name === 'Settings');
			const booksApiUrl = settings.parameters.assignments.assignments.find(
				(a) => a.name === 'booksApiUrl',
			);
			if (!booksApiUrl) continue;
			booksApiUrl.value = state.booksUrl;
			const { name, nodes, connections } = live;
			const body = JSON.stringify({
				name,
				nodes,
				connections,
				settings: {
					executionOrder: live.settings.executionOrder,
					timezone: live.settings.timezone,
				},
			});
			const saved = await fetch(url, { method: 'PUT', headers, body });
			if (!saved.ok)
				throw new Error(`${workflow.name}: HTTP ${saved.status} ${await saved.text()}`);
		}
	} catch (error) {
		killProcessesNow(state.allPids);
		throw error;
	}
	log(`n8n ${N8N_1_VERSION} stack ready; logs in ${state.logDir}`);
};

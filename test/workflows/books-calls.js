// @ts-check
/**
 * The process workflows reach the books through calls of the books adapter (docs/books-api.md):
 * each call is its request (a Set node "<call>: request"), the Execute Workflow node named as the
 * books step ("Books: ..."), the check of its answer ("<call>: done?", whose second output stops
 * the run) and, where the next node reads the answer's invoice, customer or list as its items,
 * the unpacking ("<call>: <field>"). Walks of a workflow's connections read a call as one step.
 */

/** @param {any} workflow */
function booksCalls(workflow) {
	/** @param {string} name */
	const nodeNamed = (name) => workflow.nodes.find((/** @type {any} */ n) => n.name === name);
	/** @param {string} name */
	const isCall = (name) => nodeNamed(name)?.type === 'n8n-nodes-base.executeWorkflow';
	/** @param {string} name @param {number} output @returns {string[]} */
	const raw = (name, output) =>
		(workflow.connections[name]?.main[output] ?? []).map((/** @type {any} */ l) => l.node);
	/** @param {string} name the request node's call, or the name itself */
	const asStep = (name) => {
		const call = name.replace(/: request$/, '');
		return call !== name && isCall(call) ? call : name;
	};
	/**
	 * The nodes a node's output leads to, a call read as one step: a call's request as the
	 * call, and after a call (its answer checked, unpacked) the node that reads the answer.
	 * @param {string} name @param {number} output @returns {string[]}
	 */
	const targets = (name, output) => {
		let next = raw(name, output);
		if (isCall(name) && output === 0) {
			for (const step of [`${name}: done?`, ...next.filter((n) => n.startsWith(`${name}: `))]) {
				if (next.length === 1 && next[0] === step) next = raw(step, 0);
			}
			if (next.length === 1 && next[0].startsWith(`${name}: `)) next = raw(next[0], 0);
		}
		return next.map(asStep);
	};
	/**
	 * What a call asks the books: the request node's fields (operation and its parameters, each
	 * the expression text), read from its JSON output.
	 * @param {string} call
	 */
	const request = (call) => {
		const text = nodeNamed(`${call}: request`)?.parameters.jsonOutput;
		const body = /^=\{\{ JSON\.stringify\(\{ (.*) \}\) \}\}$/s.exec(text ?? '');
		if (!body) throw new Error(`${call} has no request node`);
		return body[1];
	};
	return { isCall, targets, request, nodeNamed };
}

module.exports = { booksCalls };

// @ts-check
const Sequencer = require('@jest/test-sequencer').default;

/** File-name order: the numbered files read as the story of the run. */
class ByName extends Sequencer {
	sort(tests) {
		return [...tests].sort((a, b) => a.path.localeCompare(b.path));
	}
}

module.exports = ByName;

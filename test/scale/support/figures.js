'use strict';
// @ts-check
/**
 * The run's figures (invoices, events, durations, charges per invoice), gathered by the tests
 * into one JSON file next to the stack's state and printed by the teardown.
 */
const fs = require('node:fs');

function figuresFile() {
	const stateFile = process.env.INVOICE_PAYMENTS_SCALE_FIGURES;
	if (!stateFile)
		throw new Error('INVOICE_PAYMENTS_SCALE_FIGURES is not set (run through npm run test:scale)');
	return stateFile;
}

function readFigures() {
	const file = figuresFile();
	return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
}

/** Merges `values` into the figures under `section`. */
function recordFigures(section, values) {
	const figures = readFigures();
	figures[section] = { ...figures[section], ...values };
	fs.writeFileSync(figuresFile(), JSON.stringify(figures, null, 2));
}

module.exports = { recordFigures, readFigures };

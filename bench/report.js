'use strict';
// @ts-check
// Collects the benchmark results of one run into bench-results.json and a printed table.
// CommonJS, so that a bench can also run under plain node (`node bench/webhook.bench.js`).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const FILE = path.resolve(process.cwd(), 'bench-results.json');

function machine() {
	return {
		cpus: os.cpus().length,
		cpuModel: os.cpus()[0]?.model ?? 'unknown',
		memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
		node: process.version,
		platform: `${os.platform()} ${os.release()}`,
	};
}

function record(section, values) {
	const current = fs.existsSync(FILE) ? JSON.parse(fs.readFileSync(FILE, 'utf8')) : {};
	const next = {
		...current,
		machine: machine(),
		[section]: values,
		updatedAt: new Date().toISOString(),
	};
	fs.writeFileSync(FILE, `${JSON.stringify(next, null, 2)}\n`);
	const show = (value) =>
		value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
	const rows = Object.entries(values).map(([key, value]) => `  ${key.padEnd(22)} ${show(value)}`);
	process.stdout.write(`\n${section}\n${rows.join('\n')}\n`);
}

module.exports = { machine, record };

// Collects the benchmark results of one run into bench-results.json and a printed table.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const FILE = path.resolve(process.cwd(), 'bench-results.json');

export function machine() {
	return {
		cpus: os.cpus().length,
		cpuModel: os.cpus()[0]?.model ?? 'unknown',
		memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
		node: process.version,
		platform: `${os.platform()} ${os.release()}`,
	};
}

export function record(section, values) {
	const current = fs.existsSync(FILE) ? JSON.parse(fs.readFileSync(FILE, 'utf8')) : {};
	const next = { ...current, machine: machine(), [section]: values, updatedAt: new Date().toISOString() };
	fs.writeFileSync(FILE, `${JSON.stringify(next, null, 2)}\n`);
	const rows = Object.entries(values).map(([key, value]) => `  ${key.padEnd(22)} ${value}`);
	process.stdout.write(`\n${section}\n${rows.join('\n')}\n`);
}

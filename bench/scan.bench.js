// @ts-check
/**
 * Scan: 1,000,000 invoices through the Auto-Pay Scan node in the test engine. The node's own
 * work is timed from n8n's nodeExecuteBefore to nodeExecuteAfter hooks (so it includes n8n's
 * handling of the million output items).
 *
 * Inputs: a day's mix (due dates spread over 30 days before and after the run, 1 in 7 not
 * recurring, 1 in 17 with a zero balance, 1 in 23 with a payment pending: about 5 % charged),
 * and the worst case, every invoice due today (94 % charged: every one gets an idempotency key).
 * Both run in this one process, the all-due case second, each after a full garbage collection
 * (so the second does not start with the first one's garbage still resident).
 *
 * What is reported, per case (the all-due case's keys start with allDue):
 * - seconds: wall time of that span. cpuSeconds: the process's CPU time over it, GC threads
 *   included. loadAverage: the machine's 1-minute load average when the case started; the
 *   seconds are only comparable between runs on an equally idle machine.
 * - peakRssMb: the peak resident memory of the whole process during the span, the input
 *   included. On Linux the kernel's own high-water mark (VmHWM in /proc/self/status, reset at
 *   nodeExecuteBefore through /proc/self/clear_refs); elsewhere the largest of samples taken
 *   every 20 ms, which cannot run while the node's loop holds the thread, so only the RSS at the
 *   start and the end counts. memory says which.
 * - baseRssMb: the RSS at nodeExecuteBefore (the input, and whatever an earlier case left for
 *   the garbage collector); nodeRssGrowthMb = peakRssMb - baseRssMb, the node's own work.
 */
import fs from 'node:fs';
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';

import { runWorkflow, singleNodeWorkflow } from '../test/engine/harness';
import { record } from './report';

const INVOICES = 1_000_000;
const MB = 1024 ** 2;

function invoices(allDue) {
	const day = (offset) => new Date(Date.UTC(2026, 10, 23 + offset)).toISOString().slice(0, 10);
	const days = Array.from({ length: 61 }, (_, i) => day(i - 30));
	return Array.from({ length: INVOICES }, (_, i) => ({
		id: `INV-${i}`,
		customerId: `C-${i % 5000}`,
		balance: i % 17 === 0 ? '0.00' : `${(i % 900) + 10}.50`,
		currency: i % 10 === 0 ? 'eur' : 'usd',
		createdAt: '2026-11-01',
		dueDate: allDue ? day(0) : days[i % days.length],
		recurringInvoiceId: !allDue && i % 7 === 0 ? '' : `R-${i % 300}`,
		status: 'sent',
		paymentStatus: !allDue && i % 23 === 0 ? 'pending' : 'unpaid',
	}));
}

/** The peak RSS since the last reset, from the kernel; undefined where it cannot be had. */
const kernelPeak = {
	reset() {
		try {
			fs.writeFileSync('/proc/self/clear_refs', '5');
			return true;
		} catch {
			return false;
		}
	},
	read() {
		const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
		return match ? Number(match[1]) * 1024 : undefined;
	},
};

// A full collection on demand, without starting node with --expose-gc.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc');

async function scanMillion(allDue) {
	collectGarbage();
	const input = invoices(allDue);
	const workflow = singleNodeWorkflow('Scan', 'autoPayScan', {
		takePaymentOn: 'dueDate',
		timeZone: 'America/Chicago',
		asOf: '2026-11-23T08:00:00-06:00',
		catchUpDays: 3,
		options: { addRunSummary: true },
	});
	let started = 0;
	let ended = 0;
	/** @type {NodeJS.CpuUsage | undefined} */
	let cpu;
	let loadAverage = 0;
	let baseRss = 0;
	let peakRss = 0;
	let fromKernel = false;
	let sampler;
	const result = await runWorkflow(workflow, {
		input,
		hooks: {
			nodeExecuteBefore: (name) => {
				if (name !== 'Scan') return;
				loadAverage = os.loadavg()[0];
				fromKernel = kernelPeak.reset();
				baseRss = peakRss = process.memoryUsage().rss;
				sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
				cpu = process.cpuUsage();
				started = performance.now();
			},
			nodeExecuteAfter: (name) => {
				if (name !== 'Scan') return;
				ended = performance.now();
				cpu = process.cpuUsage(cpu);
				clearInterval(sampler);
				peakRss = Math.max(peakRss, process.memoryUsage().rss);
				if (fromKernel) peakRss = Math.max(peakRss, kernelPeak.read() ?? 0);
			},
		},
	});
	const [summary] = result.output('Scan', 2);
	const scanCpu = /** @type {NodeJS.CpuUsage} the Scan node ran */ (cpu);
	expect(summary.invoices).toBe(INVOICES);
	return {
		seconds: Math.round((ended - started) / 10) / 100,
		cpuSeconds: Math.round((scanCpu.user + scanCpu.system) / 1e4) / 100,
		loadAverage: Math.round(loadAverage * 100) / 100,
		peakRssMb: Math.round(peakRss / MB),
		baseRssMb: Math.round(baseRss / MB),
		nodeRssGrowthMb: Math.round((peakRss - baseRss) / MB),
		charged: summary.charged,
		memory: fromKernel ? 'kernel high-water mark (VmHWM)' : 'RSS samples every 20 ms',
	};
}

test('1,000,000 invoices through the Auto-Pay Scan node', async () => {
	const daily = await scanMillion(false);
	const worst = await scanMillion(true);
	const prefixed = (prefix, values) =>
		Object.fromEntries(
			Object.entries(values).map(([key, value]) => [
				`${prefix}${key[0].toUpperCase()}${key.slice(1)}`,
				value,
			]),
		);
	const { memory, ...dailyFigures } = daily;
	const { memory: _sameMethod, ...worstFigures } = worst;
	record('scan', {
		invoices: INVOICES,
		...dailyFigures,
		...prefixed('allDue', worstFigures),
		memory,
	});
});

/**
 * Scan: 1,000,000 invoices through the Auto-Pay Scan node in the test engine. The node's own
 * work is timed from n8n's nodeExecuteBefore to nodeExecuteAfter hooks (so it includes n8n's
 * handling of the million output items); memory is the peak RSS sampled every 20 ms during that
 * span (peakRssMb, the whole process with its input), and its growth over the RSS just before
 * the node ran (nodeRssGrowthMb).
 *
 * Inputs: a day's mix (due dates spread over 30 days before and after the run, 1 in 7 not
 * recurring, 1 in 17 with a zero balance, 1 in 23 with a payment pending: about 6 % charged),
 * and the worst case, every invoice due today (every one gets an idempotency key).
 */
import { runWorkflow, singleNodeWorkflow } from '../test/engine/harness';
import { record } from './report';

const INVOICES = 1_000_000;

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

async function scanMillion(allDue) {
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
	let baseRss = 0;
	let peakRss = 0;
	let sampler;
	const result = await runWorkflow(workflow, {
		input,
		hooks: {
			nodeExecuteBefore: (name) => {
				if (name !== 'Scan') return;
				baseRss = peakRss = process.memoryUsage().rss;
				sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
				started = performance.now();
			},
			nodeExecuteAfter: (name) => {
				if (name !== 'Scan') return;
				ended = performance.now();
				clearInterval(sampler);
				peakRss = Math.max(peakRss, process.memoryUsage().rss);
			},
		},
	});
	const [summary] = result.output('Scan', 2);
	expect(summary.invoices).toBe(INVOICES);
	return {
		seconds: Math.round((ended - started) / 10) / 100,
		peakRssMb: Math.round(peakRss / 1024 ** 2),
		nodeRssGrowthMb: Math.round((peakRss - baseRss) / 1024 ** 2),
		charged: summary.charged,
	};
}

test('1,000,000 invoices through the Auto-Pay Scan node', async () => {
	const daily = await scanMillion(false);
	const worst = await scanMillion(true);
	record('scan', {
		invoices: INVOICES,
		seconds: daily.seconds,
		peakRssMb: daily.peakRssMb,
		nodeRssGrowthMb: daily.nodeRssGrowthMb,
		charged: daily.charged,
		allDueSeconds: worst.seconds,
		allDuePeakRssMb: worst.peakRssMb,
	});
});

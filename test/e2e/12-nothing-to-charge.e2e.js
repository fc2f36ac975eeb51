// @ts-check
/**
 * A day with no open recurring invoice in the books: the auto-pay still sends its run report and
 * the dry run its preview (a silent day would look like a run that never happened), and
 * nothing reaches Stripe.
 */
import { clients, loadState } from './support/clients';
import { mails } from './support/settle';
import { seedFor } from './support/seed';

const state = loadState();
const c = clients(state);
const { n8n, stripe, books, smtp } = c;

test('no open invoice: a run report of nothing and a preview of nothing, no charge', async () => {
	const { seed, today } = seedFor('none', state.timeZone, {
		customers: [{ key: 'c1', name: 'Quiet Month Ltd' }],
		// paid already, and one not recurring: the books list no open recurring invoice
		invoices: [
			{ key: 'i1', customer: 'c1', total: '50.00', due: 0, status: 'paid', balance: '0.00' },
			{ key: 'i2', customer: 'c1', total: '20.00', due: 0, recurring: false },
		],
	});
	await books.reset(seed);
	await smtp.clear();
	const before = (await stripe.ledger()).charges.length;

	const run = await n8n.execute('invPayWf2AutoPay');
	expect(run.status).toBe('success');
	expect(run.data.resultData.runData['Auto-Pay Scan'][0].data.main[2][0].json).toMatchObject({
		invoices: 0,
		charged: 0,
		skipped: 0,
	});
	const preview = await n8n.execute('invPayWf6DryRun');
	expect(preview.status).toBe('success');

	const messages = await mails(smtp, 2);
	expect(messages).toHaveLength(2);
	const subjects = messages.map((m) => m.subject);
	expect(subjects).toContain(`Auto-pay run ${today}: 0 paid, 0 failed, 0 skipped`);
	expect(subjects.find((s) => s.startsWith('Auto-pay preview'))).toMatch(
		/^Auto-pay preview for \d{4}-\d{2}-\d{2}: 0 to charge, 0 skipped$/,
	);
	expect((await stripe.ledger()).charges.length).toBe(before);
});

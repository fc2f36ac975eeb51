// @ts-check
/**
 * A 360 Payments chargeback through the payment-status workflow, live: the gateway sends NMI's
 * `chargeback.batch.complete` to the workflow's 360 Payments Webhook Trigger (its production URL,
 * set as the gateway's webhook address, as a merchant sets it in the gateway's settings); the
 * trigger re-reads the transaction and emits the chargeback on its Disputed output, and the
 * workflow's dispute branch keeps it on its invoice as a payment mismatch under the dispute's id
 * and tells the team once. The same event delivered again changes nothing: the books hold the
 * same one record, nobody is emailed again.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { clients, loadState } from './support/clients';
import { mails } from './support/settle';
import { seedFor } from './support/seed';

const state = loadState();
const c = clients(state);
const { n8n, books, smtp, gateway } = c;
const P = 'cbk';
const STATUS = 'invPayWf3Status';
const TEAM = 'accounts@demo-services.example.com';
const TRIGGER = '360 Payments Webhook Trigger';

const shipped = JSON.parse(
	readFileSync(path.join(__dirname, '../../workflows/payment-status.json'), 'utf8'),
);
const trigger = shipped.nodes.find((/** @type {any} */ n) => n.name === TRIGGER);
/** The trigger's production URL (n8n: /webhook/<webhookId>/<path>). */
const TRIGGER_URL = `${state.n8nUrl}/webhook/${trigger.webhookId}/payment-status`;

const invoiceId = `${P}-i1`;
/** @returns {Promise<any[]>} the invoice's payment mismatches in the books */
const mismatches = async () =>
	(await books.call('GET', `/invoices/${invoiceId}/payment-mismatches`)).json;
/** @param {Set<string>} before @returns {Promise<any[]>} the status workflow's runs since */
const runsSince = async (before) =>
	(await n8n.executions(STATUS)).filter((/** @type {any} */ e) => !before.has(e.id));
/** Waits until the status workflow has no run under way and `count` runs since `before`. */
const runsDone = (/** @type {Set<string>} */ before, /** @type {number} */ count) =>
	c.waitFor(`${count} payment-status runs to end`, async () => {
		const runs = await runsSince(before);
		const busy = runs.some((e) => ['running', 'new', 'waiting'].includes(e.status));
		return !busy && runs.length >= count ? runs : null;
	});

let saleId = '';

beforeAll(async () => {
	const { seed } = seedFor(P, state.timeZone, {
		customers: [{ key: 'c1', name: 'Charged Back Co' }],
		invoices: [{ key: 'i1', customer: 'c1', total: '30.00', recurring: false, due: 7 }],
	});
	await books.reset(seed);
	// the sale, made at the gateway for the invoice (as the Pay Now page makes it), before the
	// gateway has the workflow's address: only the chargeback reaches the trigger
	saleId = await gateway.sale({
		invoiceId,
		customerId: `${P}-c1`,
		invoiceNumber: 'CBK-I1',
		amount: '30.00',
	});
	await gateway.hook('POST', 'settle', {});
	// as an admin who takes payments through 360 Payments: the trigger ships disabled
	expect(trigger.disabled).toBe(true);
	await n8n.setNodeEnabled(STATUS, TRIGGER, true);
	await gateway.hook('POST', 'webhooks/url', { url: TRIGGER_URL });
	await smtp.clear();
});

afterAll(async () => {
	await gateway.hook('POST', 'webhooks/url', { url: '' });
	await n8n.setNodeEnabled(STATUS, TRIGGER, false);
});

test('a chargeback is kept on its invoice as a dispute and the team is told once; the same event again changes nothing', async () => {
	expect(trigger).toMatchObject({ parameters: { provider: 'gateway360' } });
	const before = new Set((await n8n.executions(STATUS)).map((/** @type {any} */ e) => e.id));
	const deliveriesBefore = (await gateway.hook('GET', 'webhooks/deliveries')).length;

	await gateway.hook('POST', 'chargebacks', {
		transactionId: saleId,
		reason: '10.4: Other Fraud - Card Absent Environment',
	});
	const delivered = await c.waitFor('the chargeback delivered to the trigger', async () => {
		const found = (await gateway.hook('GET', 'webhooks/deliveries'))
			.slice(deliveriesBefore)
			.filter((/** @type {any} */ d) => d.eventType === 'chargeback.batch.complete');
		return found.length > 0 ? found : null;
	});
	expect(delivered.map((/** @type {any} */ d) => [d.url, d.status])).toEqual([[TRIGGER_URL, 200]]);
	const [run] = await runsDone(before, 1);
	expect(run.status).toBe('success');

	const kept = await c.waitFor('the books to keep the chargeback', async () => {
		const all = await mismatches();
		return all.length > 0 ? all : null;
	});
	expect(kept).toHaveLength(1);
	expect(kept[0]).toMatchObject({
		invoiceId,
		provider: 'gateway360',
		paymentId: expect.stringMatching(new RegExp(`^chargeback:${saleId}:`)),
		amount: { amount: '30.00' },
	});
	expect(kept[0].reasons.length).toBeGreaterThan(0);
	// the invoice is not paid by it, and no payment of it was recorded
	expect((await books.payments()).filter((p) => p.invoiceId === invoiceId)).toEqual([]);

	const told = await mails(smtp, 1);
	expect(told.map((m) => m.subject)).toEqual([
		expect.stringMatching(/^Payment Mismatch: invoice CBK-I1\b/),
	]);
	expect([...told[0].envelope.to]).toEqual([TEAM]);
	expect(told[0].text).toContain(kept[0].paymentId);
	await smtp.clear();

	// NMI sends the same event again: the books hold the same record, nobody is told again
	const again = await gateway.hook('POST', 'webhooks/redeliver', {
		eventId: delivered[0].eventId,
	});
	expect(again.deliveries.map((/** @type {any} */ d) => d.status)).toEqual([200]);
	const runs = await c.waitFor('the repeated delivery to be handled', async () => {
		const all = await runsSince(before);
		const busy = all.some((e) => ['running', 'new', 'waiting'].includes(e.status));
		return busy ? null : all;
	});
	expect(runs.map((/** @type {any} */ e) => e.status).every((s) => s === 'success')).toBe(true);
	expect(await mismatches()).toEqual(kept);
	expect(await mails(smtp, 0, { extraMs: 3000 })).toEqual([]);
}, 120_000);

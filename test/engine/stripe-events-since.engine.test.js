// @ts-check
// Stripe Invoice Payment → Event → Get Many Since against the local Stripe server: the events
// webhooks did not bring, read oldest first since a cursor, as the webhook path's records (the
// payment re-read), each state once; and the sweep of open invoices when the cursor is missing or
// older than the 30 days Stripe keeps events.
import { apiClient } from '../fakes/stripe/test-client';
import { newRacer, payInvoiceParams, runNode, SECRET_KEY, startStripe } from './stripe-node';

const TYPE = 'stripeInvoicePayment';
const DAY = 24 * 60 * 60;
const now = () => Math.floor(Date.now() / 1000);

let stripe;
let api;
beforeAll(async () => {
	stripe = await startStripe();
	api = apiClient(stripe.url, SECRET_KEY);
});
afterAll(async () => {
	await stripe.close();
});

const eventsSince = (cursor, input = [{}], options = {}) =>
	runNode(
		stripe,
		TYPE,
		{
			resource: 'event',
			operation: 'getManySince',
			cursor: cursor === null ? '' : JSON.stringify(cursor),
			options,
		},
		input,
	);

async function pay(racer, invoice) {
	const result = await runNode(stripe, TYPE, payInvoiceParams(), [invoice]);
	expect(result.error).toBeUndefined();
	return result.output('Node')[0];
}

const split = (items) => ({
	records: items.filter((item) => item.kind !== 'reconciliation_cursor'),
	cursor: items.find((item) => item.kind === 'reconciliation_cursor'),
});

test('events since the cursor: oldest first, each payment state once as the webhook path tells it, refunds and disputes; the next run reads nothing again', async () => {
	const start = { created: now() - 60, eventIds: [] };
	const paid = newRacer(stripe, 'evs');
	const payment = await pay(paid, paid.invoice);
	expect(payment.status).toBe('succeeded');
	const declined = newRacer(stripe, 'evf');
	// a card that declines once saved: the customer's automatic method now fails
	const failCard = await api.post('/v1/payment_methods/pm_card_chargeCustomerFail/attach', {
		customer: declined.stripeCustomerId,
	});
	await api.post(`/v1/customers/${declined.stripeCustomerId}`, {
		invoice_settings: { default_payment_method: failCard.body.id },
	});
	const failure = await pay(declined, declined.invoice);
	expect(failure.status).toBe('failed');
	// a refund in the Dashboard: refund.created and charge.refunded tell one state
	await api.post('/v1/refunds', { payment_intent: payment.paymentId });
	const dispute = stripe.dispute(payment.paymentId);

	const first = await eventsSince(start);
	expect(first.error).toBeUndefined();
	const { records, cursor } = split(first.output('Node'));
	const of = (invoiceId) =>
		records.filter((r) => r.invoiceId === invoiceId).map((r) => [r.kind, r.status, r.eventType]);
	// the payment re-read: its events report what it is now (refunded), never moving it backwards
	expect(of(paid.invoice.invoiceId).map(([kind, status]) => [kind, status])).toEqual([
		['refund', 'refunded'],
		['dispute', 'refunded'],
	]);
	expect(of(declined.invoice.invoiceId)).toEqual([
		['payment', 'failed', 'payment_intent.payment_failed'],
	]);
	const refund = records.find((r) => r.kind === 'refund');
	expect(refund).toMatchObject({
		provider: 'stripe',
		paymentId: payment.paymentId,
		statusFamily: 'refunded',
		refund: { amountRefunded: { amount: '40.00', currency: 'usd' } },
	});
	const disputed = records.find((r) => r.kind === 'dispute');
	expect(disputed).toMatchObject({
		statusFamily: 'disputed',
		paymentId: payment.paymentId,
		dispute: {
			id: dispute.id,
			status: 'needs_response',
			closed: false,
			recordStatus: 'pending',
			reasons: [{ code: 'DISPUTE_OPEN' }],
		},
	});
	expect(cursor).toMatchObject({ provider: 'stripe', mode: 'events', complete: true });
	expect(cursor.eventsRead).toBeGreaterThanOrEqual(5);
	expect(cursor.records).toBe(records.length);
	expect(cursor.ignored.duplicate_state).toBeGreaterThanOrEqual(1);
	expect(cursor.cursor.created).toBeGreaterThanOrEqual(start.created);

	const again = split((await eventsSince(cursor.cursor)).output('Node'));
	expect(again.records).toEqual([]);
	expect(again.cursor).toMatchObject({ eventsRead: 0, cursor: cursor.cursor });

	stripe.closeDispute(dispute.id, 'lost');
	const closed = split((await eventsSince(cursor.cursor)).output('Node'));
	expect(closed.records.map((r) => [r.kind, r.dispute.status, r.dispute.recordStatus])).toEqual([
		['dispute', 'lost', 'failed'],
	]);
	expect(closed.records[0].dispute.reasons[0].code).toBe('DISPUTE_LOST');
});

test('Max Events stops the cursor at the last event read; the next run goes on from there', async () => {
	const start = { created: now() - 1, eventIds: [] };
	const racers = [newRacer(stripe, 'evm'), newRacer(stripe, 'evm'), newRacer(stripe, 'evm')];
	for (const racer of racers) await pay(racer, racer.invoice);
	const seen = [];
	let cursor = start;
	for (let run = 0; run < 10; run++) {
		const { records, cursor: next } = split(
			(await eventsSince(cursor, [{}], { maxEvents: 1 })).output('Node'),
		);
		// (an earlier test's events of the same second are read too)
		seen.push(...records.map((r) => r.invoiceId).filter((id) => id.startsWith('evmI')));
		cursor = next.cursor;
		if (next.complete) break;
	}
	expect(seen.sort()).toEqual(racers.map((r) => r.invoice.invoiceId).sort());
});

test('no cursor, or one older than Stripe keeps events: the open invoices are swept, their payments recorded, and the cursor set to now', async () => {
	const paid = newRacer(stripe, 'sw');
	const payment = await pay(paid, paid.invoice);
	const unpaid = newRacer(stripe, 'sw');
	const invoices = [
		{ id: paid.invoice.invoiceId },
		{ id: unpaid.invoice.invoiceId },
		{ id: 'not-in-stripe' },
		{},
	];
	// without invoices to sweep, it says a sweep is needed and keeps the cursor
	const stale = { created: now() - 31 * DAY, eventIds: [] };
	const asked = split((await eventsSince(stale)).output('Node'));
	expect(asked.records).toEqual([]);
	expect(asked.cursor).toMatchObject({ mode: 'sweep_needed', cursor: stale });
	for (const cursor of [null, { created: now() - 31 * DAY, eventIds: ['evt_old'] }]) {
		const result = await eventsSince(cursor, invoices);
		expect(result.error).toBeUndefined();
		const { records, cursor: summary } = split(result.output('Node'));
		expect(records.map((r) => [r.invoiceId, r.kind, r.status, r.paymentId])).toEqual([
			[paid.invoice.invoiceId, 'payment', 'succeeded', payment.paymentId],
		]);
		expect(summary).toMatchObject({ mode: 'sweep', invoicesSwept: 3, complete: true });
		expect(summary.cursor.eventIds).toEqual([]);
		expect(Math.abs(summary.cursor.created - (now() - 600))).toBeLessThan(5);
	}
});

test('a cursor that is not one fails before any request, naming the parameter', async () => {
	stripe.resetStats();
	const result = await eventsSince({ created: 'yesterday' });
	expect(result.error.message).toMatch(/"Cursor"/);
	expect(stripe.stats.requests).toBe(0);
});

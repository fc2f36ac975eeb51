// @ts-check
/**
 * 1,000 signed Stripe webhook deliveries to the live payment-status workflow (received by the
 * main, run by the workers): 450 payments that each pass through two states on the Stripe server
 * (processing -> succeeded or failed; requires_action -> canceled), 900 distinct events, 100
 * deliveries repeated (10%), a fifth of the payments' first events delivered after their final
 * one, eight deliveries in flight at a time. The books end in each payment's final state, with
 * every state recorded once: no duplicate reached them, no late event moved one backwards.
 */
import { loadState } from '../e2e/support/clients';
import { encodeInvoiceMetadata } from '../../nodes/core/payments/invoiceMetadata';
import { recordFigures } from './support/figures';
import { STATUS } from './support/queue-stack';
import {
	invoicesById,
	minor,
	recordsByInvoice,
	scaleClients,
	seedAutoPay,
} from './support/scale-clients';
import {
	FINAL_STATE,
	FIRST_STATE,
	PAYMENT_EVENTS,
	createPayments,
	deliver,
	deliveryPlan,
	finishPayments,
	triggerEndpoint,
} from './support/webhook-storm';

const state = loadState();
const scale = scaleClients(state);
const P = 'storm';
const PAYMENTS = 450;
const DUPLICATES = 100;
const IN_FLIGHT = 8;
const INVOICE_STATUS = { succeeded: 'paid', failed: 'failed', canceled: 'unpaid' };

test('1,000 signed deliveries, 10% duplicates, some out of order: the books end right, each state once', async () => {
	const t0 = Date.now();
	// The trigger's endpoint: one in Stripe, its id and secret in the workflow's static data
	// (PostgreSQL), which the main reads for every request.
	const endpoint = await triggerEndpoint(scale, STATUS);
	expect(endpoint.endpoints).toHaveLength(1);
	expect(endpoint.endpoints[0].id).toBe(endpoint.kept.endpointId);
	expect(endpoint.url.startsWith(`${state.n8nUrl}/webhook/`)).toBe(true);
	expect(endpoint.secret).toMatch(/^whsec_/);

	// Stripe's own deliveries are held: this test delivers the same events itself, on its schedule.
	await scale.stripe.hook('POST', 'webhooks/mode', { hold: true });
	try {
		const since = Math.floor(Date.now() / 1000) - 1;
		const { invoices, stripeCustomers } = await seedAutoPay(scale, state, {
			prefix: P,
			count: PAYMENTS,
			customers: 90,
			recurring: false,
		});
		const payments = await createPayments(scale, {
			invoices,
			stripeCustomers,
			metadataFor: (invoice) =>
				encodeInvoiceMetadata(
					[{ invoiceId: invoice.id, amountMinor: minor(invoice.balance), feeMinor: 0 }],
					{
						books_customer_id: invoice.customerId,
					},
				),
		});
		const plan = deliveryPlan(payments, {
			outOfOrderShare: 0.2,
			duplicates: DUPLICATES,
			seed: 20261123,
		});
		const before = scale.lastExecutionId();

		// round 1: the payments are in their first state
		const round1 = plan.round1(await scale.stripeEvents(PAYMENT_EVENTS, since));
		const t1 = Date.now();
		const answers1 = await deliver(endpoint.url, endpoint.secret, round1, {
			concurrency: IN_FLIGHT,
		});
		await scale.settle({ timeoutMs: 300_000 });
		const round1Seconds = (Date.now() - t1) / 1000;
		const inOrder = payments.filter((p) => !plan.late.has(p.paymentId));
		expect(scale.executionCounts(STATUS, before)).toEqual({ success: inOrder.length });
		let records = await recordsByInvoice(scale, P);
		expect(records.size).toBe(inOrder.length);
		for (const p of inOrder) {
			expect(records.get(p.invoiceId).map((r) => [r.paymentId, r.status])).toEqual([
				[p.paymentId, FIRST_STATE[p.kind]],
			]);
		}

		// round 2: the payments reached their final state; late first events come after them
		await finishPayments(scale, payments);
		const round2 = plan.round2(await scale.stripeEvents(PAYMENT_EVENTS, since));
		const t2 = Date.now();
		const answers2 = await deliver(endpoint.url, endpoint.secret, round2, {
			concurrency: IN_FLIGHT,
		});
		await scale.settle({ timeoutMs: 300_000 });
		const round2Seconds = (Date.now() - t2) / 1000;

		const answers = [...answers1, ...answers2];
		expect(answers).toHaveLength(1000);
		expect(answers.filter((a) => a.duplicate)).toHaveLength(DUPLICATES);
		expect(new Set(answers.map((a) => a.eventId)).size).toBe(2 * PAYMENTS);
		// every delivery verified and acknowledged, duplicates and stale events included
		expect(answers.filter((a) => a.status !== 200)).toEqual([]);
		// one execution per state reached, none per duplicate or stale event
		expect(scale.executionCounts(STATUS, before)).toEqual({ success: inOrder.length + PAYMENTS });

		records = await recordsByInvoice(scale, P);
		const booksInvoices = await invoicesById(scale, P);
		const wrong = [];
		for (const p of payments) {
			const list = records.get(p.invoiceId) ?? [];
			const expected = plan.late.has(p.paymentId)
				? [FINAL_STATE[p.kind]]
				: [FIRST_STATE[p.kind], FINAL_STATE[p.kind]];
			const record = list[0];
			const invoice = booksInvoices.get(p.invoiceId);
			if (
				list.length !== 1 ||
				record.paymentId !== p.paymentId ||
				record.status !== FINAL_STATE[p.kind] ||
				JSON.stringify(record.history.map((h) => h.status)) !== JSON.stringify(expected) ||
				invoice.paymentStatus !== INVOICE_STATUS[FINAL_STATE[p.kind]]
			) {
				wrong.push({ payment: p, records: list, invoice });
			}
		}
		expect(wrong).toEqual([]);
		const paid = payments.filter((p) => p.kind === 'succeeds');
		expect(paid.filter((p) => booksInvoices.get(p.invoiceId).balance !== '0.00')).toEqual([]);

		const latency = answers.map((a) => a.ms).sort((a, b) => a - b);
		recordFigures('webhooks', {
			deliveries: answers.length,
			distinctEvents: 2 * PAYMENTS,
			duplicates: DUPLICATES,
			outOfOrderPayments: plan.late.size,
			payments: PAYMENTS,
			finalStates: Object.fromEntries(
				Object.entries(FINAL_STATE).map(([kind, status]) => [
					status,
					payments.filter((p) => p.kind === kind).length,
				]),
			),
			inFlight: IN_FLIGHT,
			executions: inOrder.length + PAYMENTS,
			answerMs: {
				p50: latency[Math.floor(latency.length / 2)],
				p95: latency[Math.floor(latency.length * 0.95)],
				max: latency.at(-1),
			},
			round1Seconds: Math.round(round1Seconds),
			round2Seconds: Math.round(round2Seconds),
			seconds: Math.round((Date.now() - t0) / 1000),
		});
	} finally {
		await scale.stripe.hook('POST', 'webhooks/mode', { hold: false });
	}
});

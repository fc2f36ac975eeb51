// @ts-check
/**
 * Faults x operations against the local Stripe server, each checked with its ledger.
 * Invariants: every invoice charged at most once; every charge reported in the node's output
 * (what the workflow writes to the books) with the payment that made it.
 */
import { PACKAGE_NAME } from '../engine/package-types';
import { runWorkflow } from '../engine/harness';
import { payInvoiceParams, runNode, startStripe, stripeCredentials } from '../engine/stripe-node';

const NODE = 'stripeInvoicePayment';

let stripe;
let counter = 0;
beforeAll(async () => {
	stripe = await startStripe();
});
afterAll(async () => {
	await stripe.close();
});
afterEach(() => {
	stripe.setFaults({});
	stripe.setLatency(0);
});

function mappedCustomer(card = 'pm_card_visa') {
	const booksId = `F-${++counter}`;
	stripe.createCustomer({
		name: booksId,
		metadata: { books_customer_id: booksId },
		defaultPaymentMethod: card,
	});
	return booksId;
}

function invoices(customerId, count, balance = '20.00') {
	return Array.from({ length: count }, () => ({
		invoiceId: `FI-${++counter}`,
		customerId,
		balance,
		currency: 'usd',
	}));
}

const payOne = (settings = {}) => payInvoiceParams({ settings: { timeZone: 'UTC', ...settings } });

const payTogether = () => ({ ...payOne(), operation: 'payInvoicesTogether' });

/** The invariants, over the given outputs of every run of the same invoices. */
function expectChargedOnceAndRecorded(batch, ...outputs) {
	for (const { invoiceId } of batch) {
		expect(stripe.ledger.chargesFor(invoiceId)).toBeLessThanOrEqual(1);
	}
	expect(stripe.ledger.duplicates()).toEqual([]);
	const reported = new Map();
	for (const output of outputs) {
		for (const record of output)
			if (record.status === 'succeeded') reported.set(record.invoiceId, record.paymentId);
	}
	for (const charge of stripe.ledger.allCharges()) {
		for (const invoiceId of charge.invoiceIds) {
			if (batch.some((b) => b.invoiceId === invoiceId))
				expect(reported.get(invoiceId)).toBe(charge.paymentIntentId);
		}
	}
}

// The last column: the first run itself already reports every charge (retries with the same
// key, or reading the customer's payments back when the answer was lost).
/** @type {Array<[name: string, inject: () => void, firstRunComplete: boolean]>} */
const faults = [
	[
		'connection dropped after the charge was committed',
		() => stripe.setFaults({ dropAfterCommit: 2, on: 'POST /v1/payment_intents' }),
		true,
	],
	[
		'500 after the charge was committed',
		() => stripe.setFaults({ error500AfterCommit: 2, on: 'POST /v1/payment_intents' }),
		true,
	],
	['a storm of 429s', () => stripe.setFaults({ http429: 6 }), false],
	[
		'a charge slower than the request timeout',
		() => stripe.setLatency(1500, 'POST /v1/payment_intents'),
		true,
	],
];

describe.each(faults)('%s', (_, inject, firstRunComplete) => {
	test('Pay Invoice: each invoice charged once and recorded', async () => {
		const batch = invoices(mappedCustomer(), 4);
		inject();
		const run = await runNode(stripe, NODE, payOne({ requestTimeoutSeconds: 1 }), batch, {
			onError: 'continueRegularOutput',
		});
		const first = run.output('Node');
		if (firstRunComplete)
			expect(first.map((r) => r.status ?? r.error)).toEqual(batch.map(() => 'succeeded'));
		stripe.setFaults({});
		stripe.setLatency(0);
		// Whatever the first run could not confirm, the re-run finds and reports.
		const again = (await runNode(stripe, NODE, payOne(), batch)).output('Node');
		expect(again.map((r) => r.status)).toEqual(batch.map(() => 'succeeded'));
		for (const inv of batch) expect(stripe.ledger.chargesFor(inv.invoiceId)).toBe(1);
		expectChargedOnceAndRecorded(batch, first, again);
	}, 30_000);

	test('Pay Invoices Together: one payment, each invoice once', async () => {
		const batch = invoices(mappedCustomer(), 3);
		inject();
		const run = await runNode(
			stripe,
			NODE,
			{ ...payTogether(), settings: { timeZone: 'UTC', requestTimeoutSeconds: 1 } },
			batch,
			{
				onError: 'continueRegularOutput',
			},
		);
		if (firstRunComplete)
			expect(run.output('Node').map((r) => r.status ?? r.error)).toEqual(
				batch.map(() => 'succeeded'),
			);
		stripe.setFaults({});
		stripe.setLatency(0);
		const again = (await runNode(stripe, NODE, payTogether(), batch)).output('Node');
		expect(new Set(again.map((r) => r.paymentId)).size).toBe(1);
		for (const inv of batch) expect(stripe.ledger.chargesFor(inv.invoiceId)).toBe(1);
		expectChargedOnceAndRecorded(batch, run.output('Node'), again);
	}, 30_000);
});

describe('execution stopped mid-batch, then run again', () => {
	test('the invoices charged before the stop are not charged again; the rest are charged once', async () => {
		const customerId = mappedCustomer();
		const batch = invoices(customerId, 30);
		const charged = () =>
			stripe.ledger
				.allCharges()
				.filter((c) => batch.some((b) => c.invoiceIds.includes(b.invoiceId))).length;
		stripe.setLatency(20);
		const running = runNode(stripe, NODE, payOne({ concurrency: 4 }), batch);
		// Stripe stops answering (429 on every request) once part of the batch is charged: the
		// execution fails there, with claims made, confirmed or not, as a killed run leaves them.
		for (let i = 0; i < 500 && charged() < 8; i++)
			await new Promise((resolve) => setTimeout(resolve, 10));
		stripe.setFaults({ http429: 100_000 });
		const stopped = await running;
		stripe.setFaults({});
		stripe.setLatency(0);
		expect(stopped.error).toBeDefined();
		const chargedBefore = charged();
		expect(chargedBefore).toBeGreaterThan(0);
		expect(chargedBefore).toBeLessThan(30);
		const rerun = (await runNode(stripe, NODE, payOne({ concurrency: 4 }), batch)).output('Node');
		expect(rerun.filter((r) => r.status === 'succeeded')).toHaveLength(30);
		for (const inv of batch) expect(stripe.ledger.chargesFor(inv.invoiceId)).toBe(1);
		expectChargedOnceAndRecorded(batch, rerun);
	}, 60_000);
});

describe('two auto-pay runs at once (scan then pay, as the daily workflow)', () => {
	function autoPayWorkflow() {
		return {
			name: 'auto-pay',
			nodes: [
				{
					id: 't',
					name: 'Manual Trigger',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					id: 's',
					name: 'Auto-Pay Scan',
					type: `${PACKAGE_NAME}.autoPayScan`,
					typeVersion: 1,
					position: [200, 0],
					parameters: {
						takePaymentOn: 'dueDate',
						timeZone: 'UTC',
						checkStripe: true,
						recurringOnly: true,
					},
					credentials: { stripeInvoicePaymentsApi: { id: '1', name: 'Stripe' } },
				},
				{
					id: 'p',
					name: 'Pay',
					type: `${PACKAGE_NAME}.stripeInvoicePayment`,
					typeVersion: 1,
					position: [400, 0],
					parameters: {
						...payOne(),
						invoiceId: '={{ $json.autoPay.invoiceId }}',
						balance: '={{ $json.autoPay.amount }}',
						currency: '={{ $json.autoPay.currency }}',
						options: { purpose: 'autopay', idempotencyKey: '={{ $json.autoPay.idempotencyKey }}' },
					},
					credentials: { stripeInvoicePaymentsApi: { id: '1', name: 'Stripe' } },
				},
			],
			connections: {
				'Manual Trigger': { main: [[{ node: 'Auto-Pay Scan', type: 'main', index: 0 }]] },
				'Auto-Pay Scan': { main: [[{ node: 'Pay', type: 'main', index: 0 }], [], []] },
			},
		};
	}

	test('each due invoice is charged exactly once across both runs', async () => {
		const customers = [mappedCustomer(), mappedCustomer(), mappedCustomer()];
		const today = new Date().toISOString().slice(0, 10);
		const batch = Array.from({ length: 24 }, (_, i) => ({
			id: `AP-${++counter}`,
			invoiceId: undefined,
			customerId: customers[i % 3],
			balance: '33.00',
			currency: 'usd',
			dueDate: today,
			recurringInvoiceId: 'R-1',
		}));
		const run = () =>
			runWorkflow(autoPayWorkflow(), { credentials: stripeCredentials(stripe), input: batch });
		const [a, b] = await Promise.all([run(), run()]);
		for (const inv of batch) expect(stripe.ledger.chargesFor(inv.id)).toBe(1);
		const outA = a.output('Pay');
		const outB = b.output('Pay');
		// Both runs report every invoice with the same payment: the books end right either way.
		expect(outA.map((r) => [r.invoiceId, r.paymentId])).toEqual(
			outB.map((r) => [r.invoiceId, r.paymentId]),
		);
		expectChargedOnceAndRecorded(
			batch.map((x) => ({ invoiceId: x.id })),
			outA,
			outB,
		);
	}, 30_000);
});

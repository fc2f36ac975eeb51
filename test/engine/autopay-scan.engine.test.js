// @ts-check
import { apiClient } from '../fakes/stripe/test-client';
import { runNode, SECRET_KEY, startStripe } from './stripe-node';

const NODE = 'autoPayScan';
const AS_OF = '2026-11-23T07:00:00-06:00'; // a Monday morning in Chicago

function scanParams(extra = {}) {
	return {
		takePaymentOn: 'dueDate',
		timeZone: 'America/Chicago',
		asOf: AS_OF,
		catchUpDays: 3,
		recurringOnly: true,
		checkStripe: false,
		options: { addRunSummary: true },
		...extra,
	};
}

const invoice = (id, extra = {}) => ({
	id,
	customerId: 'C-1',
	balance: '100.00',
	currency: 'usd',
	createdAt: '2026-11-01',
	dueDate: '2026-11-23',
	recurringInvoiceId: 'R-1',
	status: 'sent',
	paymentStatus: 'unpaid',
	...extra,
});

/** Charges the scan's Charge items as the daily auto-pay workflow does: one payment record each. */
async function chargeAsTheDailyRun(items) {
	const params = {
		resource: 'payment',
		operation: 'payInvoice',
		invoiceId: '={{ $json.id }}',
		customer: { __rl: true, mode: 'mapping', value: '={{ $json.customerId }}' },
		balance: '={{ $json.balance }}',
		currency: '={{ $json.currency }}',
		feePercent: '0',
		howToPay: 'automatic',
		options: { purpose: 'autopay', idempotencyKey: '={{ $json.autoPay.idempotencyKey }}' },
		settings: { timeZone: 'America/Chicago' },
	};
	return (await runNode(stripe, 'stripeInvoicePayment', params, items)).output('Node');
}

const YESTERDAY = '2026-11-22T07:00:00-06:00';
const scanned = async (input, asOf = AS_OF) => {
	const result = await runNode(stripe, NODE, scanParams({ checkStripe: true, asOf }), input);
	return {
		charge: result.output('Node', 0),
		skipped: result.output('Node', 1),
		summary: result.output('Node', 2)[0],
	};
};

let stripe;
beforeAll(async () => {
	stripe = await startStripe();
});
afterAll(async () => {
	await stripe.close();
});

describe('Auto-Pay Scan in a workflow', () => {
	test('splits the input into Charge and Skipped with one reason each, plus a run summary', async () => {
		const input = [
			invoice('INV-1'),
			invoice('INV-2', { dueDate: '2026-11-24' }),
			invoice('INV-3', { recurringInvoiceId: '' }),
			invoice('INV-4', { balance: '0.00' }),
			invoice('INV-5', { dueDate: '2026-11-22T23:30:00-06:00' }),
			invoice('INV-1'),
			invoice('INV-6', { dueDate: 'next tuesday' }),
			invoice('INV-7', { dueDate: '2026-11-10' }),
		];
		const result = await runNode(stripe, NODE, scanParams(), input);
		const charge = result.output('Node', 0);
		const skipped = result.output('Node', 1);
		expect(
			charge.map((i) => [i.id, i.autoPay.amountMinor, i.autoPay.amount, i.autoPay.scanDay]),
		).toEqual([
			['INV-1', 10000, '100.00', '2026-11-23'],
			['INV-5', 10000, '100.00', '2026-11-23'],
		]);
		expect(charge[0].autoPay.idempotencyKey).toMatch(/^invpay-autopay-2026-11-23-[0-9a-f]{40}$/);
		expect(skipped.map((i) => [i.id, i.autoPay.reason])).toEqual([
			['INV-2', 'NOT_DUE_YET'],
			['INV-3', 'NOT_RECURRING'],
			['INV-4', 'ZERO_BALANCE'],
			['INV-1', 'DUPLICATE_IN_INPUT'],
			['INV-6', 'INVALID_FIELD'],
			['INV-7', 'OUTSIDE_CATCH_UP_WINDOW'],
		]);
		expect(skipped.find((i) => i.id === 'INV-6').autoPay.field).toBe('dueDate');
		const [summary] = result.output('Node', 2);
		expect(summary).toMatchObject({
			invoices: 8,
			charged: 2,
			skipped: 6,
			chargeTotals: { usd: { count: 2, amount: '200.00' } },
		});
		// Paired items point back to the input.
		expect(result.items('Node', 1).map((i) => i.pairedItem.item)).toEqual([1, 2, 3, 5, 6, 7]);
	});

	test("n8n's empty placeholder (a books read that found nothing, Always Output Data) is no invoice: a summary of none", async () => {
		const result = await runNode(stripe, NODE, scanParams(), [{}]);
		expect(result.output('Node', 0)).toEqual([]);
		expect(result.output('Node', 1)).toEqual([]);
		const [summary] = result.output('Node', 2);
		expect(summary).toMatchObject({ invoices: 0, charged: 0, skipped: 0, chargeTotals: {} });
		expect(result.items('Node', 2)[0].pairedItem).toEqual([{ item: 0 }]);
		// beside an invoice an empty item is a bad invoice, named as such
		const mixed = await runNode(stripe, NODE, scanParams(), [invoice('INV-1'), {}]);
		expect(mixed.output('Node', 1).map((i) => [i.autoPay.reason, i.autoPay.field])).toEqual([
			['INVALID_FIELD', 'id'],
		]);
	});

	test('the same input on the same day yields the same keys', async () => {
		const input = [invoice('INV-A'), invoice('INV-B', { balance: '55.10' })];
		const keys = async () =>
			(await runNode(stripe, NODE, scanParams(), input))
				.output('Node', 0)
				.map((i) => i.autoPay.idempotencyKey);
		expect(await keys()).toEqual(await keys());
	});

	test('field names are parameters: an integrator maps their own fields', async () => {
		const input = [
			{
				Invoice: { Number: 'X-1' },
				Client: 'C-1',
				Open: 42,
				Due: '2026-11-23',
				Template: 9,
				Currency: 'EUR',
			},
		];
		const params = scanParams({
			fields: {
				id: 'Invoice.Number',
				customerId: 'Client',
				balance: 'Open',
				dueDate: 'Due',
				recurringInvoiceId: 'Template',
				currency: 'Currency',
			},
		});
		const [item] = (await runNode(stripe, NODE, params, input)).output('Node', 0);
		expect(item.autoPay).toMatchObject({ invoiceId: 'X-1', amount: '42.00', currency: 'eur' });
	});

	test('each output item is a copy of its input with autoPay added last; the input is left as it was', async () => {
		const plain = invoice('INV-1', { note: { text: 'kept' } });
		const replaced = { autoPay: 'from the books', ...invoice('INV-2', { dueDate: '2026-11-24' }) };
		const parsed = JSON.parse(
			JSON.stringify(invoice('INV-3')).replace('{', '{"__proto__":{"x":1},'),
		);
		const input = [plain, replaced, parsed];
		const before = JSON.stringify(input);
		const result = await runNode(stripe, NODE, scanParams(), input);
		const [charged1, charged3] = result.output('Node', 0);
		const [skipped2] = result.output('Node', 1);
		expect(Object.keys(charged1)).toEqual([...Object.keys(plain), 'autoPay']);
		expect(charged1).toMatchObject({ ...plain, autoPay: { action: 'charge', invoiceId: 'INV-1' } });
		expect(Object.keys(skipped2)).toEqual(Object.keys(replaced));
		expect(skipped2.autoPay).toMatchObject({ action: 'skip', reason: 'NOT_DUE_YET' });
		// an own "__proto__" key (JSON.parse makes them) stays an own key, not a prototype
		expect(Object.keys(charged3)).toEqual([...Object.keys(parsed), 'autoPay']);
		expect(Object.getPrototypeOf(charged3)).toBe(Object.prototype);
		expect(Object.getOwnPropertyDescriptor(charged3, '__proto__')?.value).toEqual({ x: 1 });
		expect(JSON.stringify(input)).toBe(before);
		expect(/** @type {Record<string, unknown>} */ (plain).autoPay).toBeUndefined();
	});

	test('Check Stripe: mapping, automatic method and payments decide, one read per customer', async () => {
		const paid = stripe.createCustomer({
			name: 'Paid',
			metadata: { books_customer_id: 'S-PAID' },
			defaultPaymentMethod: 'pm_card_visa',
		});
		stripe.createCustomer({ name: 'No method', metadata: { books_customer_id: 'S-NOPM' } });
		const good = stripe.createCustomer({
			name: 'Good',
			metadata: { books_customer_id: 'S-GOOD' },
			defaultPaymentMethod: 'pm_card_visa',
		});
		stripe.seed({
			paymentIntents: [
				{
					customer: paid.id,
					amount: 10000,
					currency: 'usd',
					status: 'succeeded',
					metadata: { invoice_ids: 'S-INV-1' },
				},
				{
					customer: good.id,
					amount: 10000,
					currency: 'usd',
					status: 'requires_action',
					metadata: { invoice_ids: 'S-INV-5' },
				},
			],
		});
		const input = [
			invoice('S-INV-1', { customerId: 'S-PAID' }),
			invoice('S-INV-2', { customerId: 'S-NOPM' }),
			invoice('S-INV-3', { customerId: 'S-NOBODY' }),
			invoice('S-INV-4', { customerId: 'S-GOOD' }),
			invoice('S-INV-5', { customerId: 'S-GOOD' }),
			invoice('S-INV-6', { customerId: 'S-GOOD' }),
		];
		stripe.resetStats();
		const result = await runNode(stripe, NODE, scanParams({ checkStripe: true }), input);
		expect(
			result
				.output('Node', 0)
				.map((i) => [i.id, i.autoPay.stripeCustomerId, i.autoPay.paymentMethod.label]),
		).toEqual([
			['S-INV-4', good.id, 'Visa •••• 4242'],
			['S-INV-6', good.id, 'Visa •••• 4242'],
		]);
		expect(result.output('Node', 1).map((i) => [i.id, i.autoPay.reason])).toEqual([
			['S-INV-1', 'ALREADY_PAID'],
			['S-INV-2', 'NO_AUTOMATIC_METHOD'],
			['S-INV-3', 'NO_CUSTOMER_MAPPING'],
			['S-INV-5', 'ACTION_REQUIRED'],
		]);
		// One payment list and one open-pay-link list per mapped customer, however many invoices
		// they have (the Checkout Session list is the read the pay-link guard added).
		expect(stripe.stats.byRoute['GET /v1/payment_intents']).toBe(3);
		expect(stripe.stats.byRoute['GET /v1/checkout/sessions']).toBe(3);
	});

	test('Check Stripe: an open pay link is a pending payment until it expires', async () => {
		const holder = stripe.createCustomer({
			name: 'Link holder',
			metadata: { books_customer_id: 'S-LINK' },
			defaultPaymentMethod: 'pm_card_visa',
		});
		const payLink = await runNode(
			stripe,
			'stripeInvoicePayment',
			{
				resource: 'payment',
				operation: 'payInvoice',
				invoiceId: 'S-INV-LINK',
				customer: { __rl: true, mode: 'id', value: holder.id },
				balance: '100.00',
				currency: 'usd',
				feePercent: '0',
				howToPay: 'payLink',
				settings: { timeZone: 'America/Chicago' },
			},
			[{}],
		);
		const [link] = payLink.output('Node');
		expect(link).toMatchObject({
			status: 'pending',
			checkoutSessionId: expect.stringMatching(/^cs_/),
		});
		const api = apiClient(stripe.url, SECRET_KEY);
		const session = (await api.get(`/v1/checkout/sessions/${link.checkoutSessionId}`)).body;
		const input = [
			invoice('S-INV-LINK', { customerId: 'S-LINK' }),
			invoice('S-INV-FREE', { customerId: 'S-LINK' }),
		];

		const during = await runNode(stripe, NODE, scanParams({ checkStripe: true }), input);
		expect(during.output('Node', 0).map((i) => i.id)).toEqual(['S-INV-FREE']);
		expect(
			during.output('Node', 1).map((i) => [i.id, i.autoPay.reason, i.autoPay.message]),
		).toEqual([
			[
				'S-INV-LINK',
				'PAYMENT_PENDING',
				`Invoice S-INV-LINK has an open pay link (Checkout Session ${link.checkoutSessionId}, open until ${new Date(session.expires_at * 1000).toISOString()})`,
			],
		]);

		expect(
			(await api.post(`/v1/checkout/sessions/${link.checkoutSessionId}/expire`)).body.status,
		).toBe('expired');
		const after = await runNode(stripe, NODE, scanParams({ checkStripe: true }), input);
		expect(after.output('Node', 0).map((i) => i.id)).toEqual(['S-INV-LINK', 'S-INV-FREE']);
	});

	test('Check Stripe: a decline the card networks forbid retrying (lost_card) is not retried until the automatic method changes', async () => {
		const holder = stripe.createCustomer({
			name: 'Lost card',
			metadata: { books_customer_id: 'S-LOST' },
			defaultPaymentMethod: 'pm_card_visa',
		});
		const due = invoice('S-INV-LOST', { customerId: 'S-LOST', dueDate: '2026-11-22' });
		const other = invoice('S-INV-OTHER', { customerId: 'S-LOST', dueDate: '2026-11-22' });

		// Yesterday's run charged it, and the issuer answered lost_card.
		const yesterday = await scanned([due], YESTERDAY);
		expect(yesterday.charge.map((i) => i.id)).toEqual(['S-INV-LOST']);
		stripe.declineNextCharges(1, 'lostCard');
		const [declined] = await chargeAsTheDailyRun(yesterday.charge);
		expect(declined).toMatchObject({
			status: 'failed',
			failure: { code: 'card_declined', declineCode: 'lost_card' },
		});

		// Today, inside the catch-up window: skipped, naming that payment and its code; another
		// invoice of the customer, never declined, is charged as before.
		const today = await scanned([due, other]);
		expect(today.charge.map((i) => i.id)).toEqual(['S-INV-OTHER']);
		expect(today.skipped.map((i) => i.autoPay)).toEqual([
			{
				action: 'skip',
				reason: 'DO_NOT_RETRY',
				message: `Invoice S-INV-LOST is not charged again: its payment ${declined.paymentId} was declined on Visa •••• 4242 (${declined.paymentMethod.id}) with decline code lost_card (the card is reported lost), which the card networks forbid retrying; it is charged once customer S-LOST has another automatic payment method`,
				invoiceId: 'S-INV-LOST',
				paymentDay: '2026-11-22',
				paymentId: declined.paymentId,
				declineCode: 'lost_card',
			},
		]);
		expect(today.summary.skippedByReason.DO_NOT_RETRY).toBe(1);
		// and again on the next day of the window
		const tomorrow = await scanned([due], '2026-11-24T07:00:00-06:00');
		expect(tomorrow.skipped.map((i) => [i.autoPay.reason, i.autoPay.paymentId])).toEqual([
			['DO_NOT_RETRY', declined.paymentId],
		]);

		// The customer sets another card as their automatic method: the invoice is charged with it.
		const api = apiClient(stripe.url, SECRET_KEY);
		const card = (
			await api.post('/v1/payment_methods/pm_card_mastercard/attach', { customer: holder.id })
		).body;
		await api.post(`/v1/customers/${holder.id}`, {
			invoice_settings: { default_payment_method: card.id },
		});
		const changed = await scanned([due]);
		expect(changed.skipped).toEqual([]);
		// the decision names the method's type too, so the pay step charges it without a read
		expect(changed.charge.map((i) => [i.id, i.autoPay.paymentMethod])).toEqual([
			['S-INV-LOST', { id: card.id, label: 'Mastercard •••• 4444', type: 'card' }],
		]);
		const [paid] = await chargeAsTheDailyRun(changed.charge);
		expect(paid).toMatchObject({ status: 'succeeded', invoiceId: 'S-INV-LOST' });
		expect(stripe.ledger.chargesFor('S-INV-LOST')).toBe(1);
	});

	test('Check Stripe: advice do_not_try_again forbids a retry; a soft decline (insufficient_funds) is retried', async () => {
		stripe.createCustomer({
			name: 'Declines',
			metadata: { books_customer_id: 'S-DECL' },
			defaultPaymentMethod: 'pm_card_visa',
		});
		const advised = invoice('S-INV-ADVISED', { customerId: 'S-DECL', dueDate: '2026-11-22' });
		const soft = invoice('S-INV-SOFT', { customerId: 'S-DECL', dueDate: '2026-11-22' });
		const yesterday = await scanned([advised, soft], YESTERDAY);
		expect(yesterday.charge.map((i) => i.id)).toEqual(['S-INV-ADVISED', 'S-INV-SOFT']);
		stripe.declineNextCharges(1, 'doNotTryAgain');
		stripe.declineNextCharges(1, 'insufficientFunds');
		const records = await chargeAsTheDailyRun(yesterday.charge);
		expect(records.map((r) => [r.invoiceId, r.status, r.failure?.declineCode])).toEqual([
			['S-INV-ADVISED', 'failed', 'generic_decline'],
			['S-INV-SOFT', 'failed', 'insufficient_funds'],
		]);

		const today = await scanned([advised, soft]);
		expect(today.charge.map((i) => i.id)).toEqual(['S-INV-SOFT']);
		expect(
			today.skipped.map((i) => [
				i.id,
				i.autoPay.reason,
				i.autoPay.paymentId,
				i.autoPay.declineCode,
			]),
		).toEqual([['S-INV-ADVISED', 'DO_NOT_RETRY', records[0].paymentId, 'do_not_try_again']]);
		expect(today.skipped[0].autoPay.message).toContain(
			'with advice code do_not_try_again (the issuer says not to try again)',
		);
	});

	test('Check Stripe: a fully refunded payment no longer makes the invoice paid; a partly refunded one does', async () => {
		stripe.createCustomer({
			name: 'Refunds',
			metadata: { books_customer_id: 'S-REF' },
			defaultPaymentMethod: 'pm_card_visa',
		});
		const due = invoice('S-INV-REF', { customerId: 'S-REF', dueDate: '2026-11-22' });
		const [paid] = await chargeAsTheDailyRun((await scanned([due], YESTERDAY)).charge);
		expect(paid).toMatchObject({ status: 'succeeded', paymentId: expect.stringMatching(/^pi_/) });
		const alreadyPaid = async () =>
			(await scanned([due])).skipped.map((i) => [i.autoPay.reason, i.autoPay.paymentId]);
		expect(await alreadyPaid()).toEqual([['ALREADY_PAID', paid.paymentId]]);

		const api = apiClient(stripe.url, SECRET_KEY);
		const refund = async (amount) =>
			(
				await api.post('/v1/refunds', {
					payment_intent: paid.paymentId,
					...(amount ? { amount } : {}),
				})
			).body;
		expect(await refund(2500)).toMatchObject({ status: 'succeeded', amount: 2500 });
		// Stripe keeps the PaymentIntent succeeded; 75.00 of the 100.00 is kept: still paid.
		expect((await api.get(`/v1/payment_intents/${paid.paymentId}`)).body.status).toBe('succeeded');
		expect(await alreadyPaid()).toEqual([['ALREADY_PAID', paid.paymentId]]);

		expect(await refund()).toMatchObject({ status: 'succeeded', amount: 7500 });
		const afterRefund = await scanned([due]);
		expect(afterRefund.skipped).toEqual([]);
		expect(afterRefund.charge.map((i) => [i.id, i.autoPay.amount])).toEqual([
			['S-INV-REF', '100.00'],
		]);
		// still one list of PaymentIntents per customer: the charge comes expanded with it
		stripe.resetStats();
		await scanned([due]);
		expect(stripe.stats.byRoute['GET /v1/payment_intents']).toBe(1);
		expect(stripe.stats.byRoute['GET /v1/charges/:id']).toBeUndefined();
	});

	test('bad settings fail before anything runs', async () => {
		const result = await runNode(stripe, NODE, scanParams({ timeZone: 'Mars/Olympus' }), [
			invoice('INV-1'),
		]);
		expect(result.error.message).toBe(
			'Item 0: invalid "Business Time Zone": Time zone "Mars/Olympus" is not an IANA time zone name such as Europe/Berlin',
		);
	});
});

// @ts-check
import { runNode, startStripe, stripeApi } from './stripe-node';

const NODE = 'stripeInvoicePayment';
let stripe;
let counter = 0;
beforeAll(async () => {
	stripe = await startStripe();
});
afterAll(async () => {
	await stripe.close();
});

/** @param {string | null} [card] null: no saved method */
function mapped(card = 'pm_card_visa') {
	const booksId = `O-${++counter}`;
	const customer = stripe.createCustomer({
		name: booksId,
		email: `${booksId}@example.com`,
		metadata: { books_customer_id: booksId },
		...(card ? { defaultPaymentMethod: card } : {}),
	});
	return { booksId, customer };
}

const byMapping = (booksId) => ({ __rl: true, mode: 'mapping', value: booksId });

async function pay(booksId, balance = '80.00', extra = {}) {
	const invoiceId = `OI-${++counter}`;
	const [record] = (
		await runNode(
			stripe,
			NODE,
			{
				resource: 'payment',
				operation: 'payInvoice',
				invoiceId,
				customer: byMapping(booksId),
				balance,
				currency: 'usd',
				howToPay: 'automatic',
				options: { purpose: 'autopay' },
				...extra,
			},
			[{}],
		)
	).output('Node');
	return record;
}

/** @param {string} method @param {string} path @param {Record<string, string>} [body] */
const api = (method, path, body) => stripeApi(stripe, method, path, body);

describe('Payment: Get', () => {
	test('by payment id and by invoice id give the current record', async () => {
		const { booksId } = mapped();
		const paid = await pay(booksId);
		const byId = (
			await runNode(
				stripe,
				NODE,
				{ resource: 'payment', operation: 'get', findBy: 'paymentId', paymentId: paid.paymentId },
				[{}],
			)
		).output('Node');
		expect(byId).toEqual([
			expect.objectContaining({
				invoiceId: paid.invoiceId,
				status: 'succeeded',
				paymentMethod: { id: expect.stringMatching(/^pm_/), label: 'Visa •••• 4242' },
			}),
		]);
		const byInvoice = (
			await runNode(
				stripe,
				NODE,
				{
					resource: 'payment',
					operation: 'get',
					findBy: 'invoiceId',
					invoiceId: paid.invoiceId,
					customer: byMapping(booksId),
				},
				[{}],
			)
		).output('Node');
		expect(byInvoice).toEqual([
			expect.objectContaining({ paymentId: paid.paymentId, status: 'succeeded' }),
		]);
	});

	test('an invoice without a payment says so; a bad id is refused', async () => {
		const { booksId } = mapped();
		const [none] = (
			await runNode(
				stripe,
				NODE,
				{
					resource: 'payment',
					operation: 'get',
					findBy: 'invoiceId',
					invoiceId: 'NEVER-PAID',
					customer: byMapping(booksId),
				},
				[{}],
			)
		).output('Node');
		expect(none).toEqual({
			invoiceId: 'NEVER-PAID',
			found: false,
			message: 'No payment for invoice NEVER-PAID in the last 90 days',
		});
		const bad = await runNode(
			stripe,
			NODE,
			{ resource: 'payment', operation: 'get', findBy: 'paymentId', paymentId: 'ch_123' },
			[{}],
		);
		expect(bad.error.message).toBe(
			'Item 0: invalid "Payment ID": "ch_123" is not a Stripe PaymentIntent ID (pi_...)',
		);
	});
});

describe('Payment: Refund', () => {
	test('refunded in full, the invoice is payable again: the same request charges anew; a partial refund still holds it', async () => {
		const { booksId } = mapped();
		const invoiceId = `OI-${++counter}`;
		const payIt = async () =>
			(
				await runNode(
					stripe,
					NODE,
					{
						resource: 'payment',
						operation: 'payInvoice',
						invoiceId,
						customer: byMapping(booksId),
						balance: '80.00',
						currency: 'usd',
						howToPay: 'automatic',
						options: { purpose: 'autopay' },
					},
					[{}],
				)
			).output('Node')[0];
		const refund = (paymentId, amount) =>
			runNode(
				stripe,
				NODE,
				{
					resource: 'payment',
					operation: 'refund',
					paymentId,
					amount,
					reason: 'requested_by_customer',
				},
				[{}],
			);
		const first = await payIt();
		await refund(first.paymentId, '30.00');
		// partly refunded: still paid, reported with what went back and what was kept
		const held = await payIt();
		expect(held).toMatchObject({
			paymentId: first.paymentId,
			existingPayment: true,
			guard: { reason: 'ALREADY_PAID' },
			refund: { amountRefunded: { amount: '30.00' }, amountKept: { amount: '50.00' } },
		});
		await refund(first.paymentId, '');
		const again = await payIt();
		expect(again).toMatchObject({ status: 'succeeded', existingPayment: false });
		expect(again.paymentId).not.toBe(first.paymentId);
		expect(stripe.ledger.chargesFor(invoiceId)).toBe(2);
		const [got] = (
			await runNode(
				stripe,
				NODE,
				{ resource: 'payment', operation: 'get', findBy: 'paymentId', paymentId: first.paymentId },
				[{}],
			)
		).output('Node');
		expect(got).toMatchObject({
			status: 'refunded',
			refund: { amountRefunded: { amount: '80.00' }, amountKept: { amount: '0.00' } },
		});
	});

	test('partial, then the rest, then nothing more', async () => {
		const { booksId } = mapped();
		const paid = await pay(booksId, '100.00');
		const refund = (amount) =>
			runNode(
				stripe,
				NODE,
				{
					resource: 'payment',
					operation: 'refund',
					paymentId: paid.paymentId,
					amount,
					reason: 'requested_by_customer',
				},
				[{}],
			);
		const [first] = (await refund('30.00')).output('Node');
		expect(first).toMatchObject({
			paymentId: paid.paymentId,
			refunded: { amount: '30.00' },
			leftToRefund: { amount: '70.00' },
			invoiceIds: [paid.invoiceId],
		});
		const tooMuch = await refund('70.01');
		expect(tooMuch.error.message).toBe(
			`Item 0: invalid "Amount": Cannot refund 70.01 USD of payment ${paid.paymentId}: 70.00 is left to refund`,
		);
		const [rest] = (await refund('')).output('Node');
		expect(rest).toMatchObject({ refunded: { amount: '70.00' }, leftToRefund: { amount: '0.00' } });
		const nothing = await refund('');
		expect(nothing.error.message).toBe(
			`Item 0: invalid "Amount": Cannot refund 0.00 USD of payment ${paid.paymentId}: 0.00 is left to refund`,
		);
	});

	test('a double click refunds once', async () => {
		const { booksId } = mapped();
		const paid = await pay(booksId, '100.00');
		const params = {
			resource: 'payment',
			operation: 'refund',
			paymentId: paid.paymentId,
			amount: '10.00',
			reason: 'duplicate',
		};
		const [a, b] = await Promise.all([
			runNode(stripe, NODE, params, [{}]),
			runNode(stripe, NODE, params, [{}]),
		]);
		expect(a.output('Node')[0].refundId).toBe(b.output('Node')[0].refundId);
		const refunds = await api('GET', `/v1/refunds?payment_intent=${paid.paymentId}`);
		expect(refunds.data).toHaveLength(1);
	});
});

describe('Payment: Cancel', () => {
	test('a payment waiting for the customer can be canceled; a succeeded one cannot', async () => {
		const { booksId, customer } = mapped();
		const [waiting] = stripe.seed({
			paymentIntents: [
				{
					customer: customer.id,
					amount: 5000,
					currency: 'usd',
					status: 'requires_payment_method',
					metadata: { invoice_ids: 'CX-1' },
				},
			],
		}).paymentIntents;
		const [canceled] = (
			await runNode(
				stripe,
				NODE,
				{
					resource: 'payment',
					operation: 'cancel',
					paymentId: waiting.id,
					cancellationReason: 'abandoned',
				},
				[{}],
			)
		).output('Node');
		expect(canceled).toMatchObject({
			paymentId: waiting.id,
			status: 'canceled',
			invoiceId: 'CX-1',
		});
		const paid = await pay(booksId);
		const refused = await runNode(
			stripe,
			NODE,
			{
				resource: 'payment',
				operation: 'cancel',
				paymentId: paid.paymentId,
				cancellationReason: 'duplicate',
			},
			[{}],
		);
		expect(refused.error.message).toBe(
			`Item 0: invalid "Payment ID": Payment ${paid.paymentId} is succeeded and cannot be canceled`,
		);
	});
});

describe('Pay Invoices Together', () => {
	test('one PaymentIntent, one record per invoice with its own fee line', async () => {
		const { booksId } = mapped();
		const input = [
			{ invoiceId: 'T-1', balance: '100.00' },
			{ invoiceId: 'T-2', balance: '25.50' },
			{ invoiceId: 'T-3', balance: '9.99' },
		];
		const params = {
			resource: 'payment',
			operation: 'payInvoicesTogether',
			invoiceId: '={{ $json.invoiceId }}',
			customer: byMapping(booksId),
			balance: '={{ $json.balance }}',
			currency: 'usd',
			feePercent: '3',
			howToPay: 'automatic',
			options: {},
		};
		const records = (await runNode(stripe, NODE, params, input)).output('Node');
		expect(records.map((r) => [r.invoiceId, r.amount.minor, r.fee.minor, r.total.minor])).toEqual([
			['T-1', 10000, 300, 10300],
			['T-2', 2550, 77, 2627],
			['T-3', 999, 30, 1029],
		]);
		const ids = new Set(records.map((r) => r.paymentId));
		expect(ids.size).toBe(1);
		expect(
			records.every((r) => r.combinedPaymentId === r.paymentId && r.status === 'succeeded'),
		).toBe(true);
		const charge = stripe.ledger
			.allCharges()
			.find((c) => c.paymentIntentId === records[0].paymentId);
		expect(charge).toMatchObject({ amount: 13956, invoiceIds: ['T-1', 'T-2', 'T-3'] });
	});

	test('mixed currencies or customers fail before any request, naming the item', async () => {
		const { booksId } = mapped();
		const other = mapped();
		const base = {
			resource: 'payment',
			operation: 'payInvoicesTogether',
			invoiceId: '={{ $json.invoiceId }}',
			customer: { __rl: true, mode: 'mapping', value: '={{ $json.customer }}' },
			balance: '10.00',
			currency: '={{ $json.currency }}',
			howToPay: 'automatic',
		};
		const before = stripe.stats.requests;
		const mixedCurrency = await runNode(stripe, NODE, base, [
			{ invoiceId: 'M-1', customer: booksId, currency: 'usd' },
			{ invoiceId: 'M-2', customer: booksId, currency: 'eur' },
		]);
		expect(mixedCurrency.error.message).toBe(
			'Item 1: invalid "Currency Name or ID": Invoice M-2 is in EUR, invoice M-1 in USD; one payment has one currency',
		);
		const mixedCustomer = await runNode(stripe, NODE, base, [
			{ invoiceId: 'M-3', customer: booksId, currency: 'usd' },
			{ invoiceId: 'M-4', customer: other.booksId, currency: 'usd' },
		]);
		expect(mixedCustomer.error.message).toBe(
			'Item 1: invalid "Customer": Invoice M-4 belongs to another customer than invoice M-3; one payment covers one customer',
		);
		expect(stripe.stats.requests).toBe(before);
	});

	test('a batch too large for Stripe metadata fails before any request', async () => {
		const { booksId } = mapped();
		const input = Array.from({ length: 1600 }, (_, i) => ({
			invoiceId: `LONG-INVOICE-NUMBER-${String(i).padStart(6, '0')}`,
		}));
		const before = stripe.stats.byRoute['POST /v1/payment_intents'] ?? 0;
		const result = await runNode(
			stripe,
			NODE,
			{
				resource: 'payment',
				operation: 'payInvoicesTogether',
				invoiceId: '={{ $json.invoiceId }}',
				customer: byMapping(booksId),
				balance: '1.00',
				currency: 'usd',
				howToPay: 'automatic',
			},
			input,
		);
		expect(result.error.message).toMatch(
			/^Item 0: invalid "Invoice ID": 1600 invoices do not fit in one Stripe payment's metadata \(\d+ keys needed, Stripe allows 50\); pay them in smaller groups$/,
		);
		expect(stripe.stats.byRoute['POST /v1/payment_intents'] ?? 0).toBe(before);
	});
});

describe('Payment Method operations', () => {
	test('List shows imported types with labels and marks the automatic one', async () => {
		const { booksId, customer } = mapped();
		await api('POST', '/v1/payment_methods/pm_card_mastercard/attach', { customer: customer.id });
		await api('POST', '/v1/payment_methods/pm_usBankAccount_success/attach', {
			customer: customer.id,
		});
		const params = {
			resource: 'paymentMethod',
			operation: 'list',
			customer: byMapping(booksId),
			settings: { importedPaymentMethodTypes: ['card'] },
		};
		const methods = (await runNode(stripe, NODE, params, [{}])).output('Node');
		expect(methods.map((m) => [m.label, m.automatic]).sort()).toEqual([
			['Mastercard •••• 4444', false],
			['Visa •••• 4242', true],
		]);
		const withBank = (
			await runNode(
				stripe,
				NODE,
				{ ...params, settings: { importedPaymentMethodTypes: ['card', 'us_bank_account'] } },
				[{}],
			)
		).output('Node');
		expect(withBank.map((m) => m.label)).toContain('US bank account •••• 6789');
	});

	test('Get Automatic: label, or "No automatic payment setup"', async () => {
		const withCard = mapped();
		const without = mapped(null);
		const get = (booksId) =>
			runNode(
				stripe,
				NODE,
				{ resource: 'paymentMethod', operation: 'getAutomatic', customer: byMapping(booksId) },
				[{}],
			);
		expect((await get(withCard.booksId)).output('Node')[0]).toMatchObject({
			hasAutomaticPaymentMethod: true,
			label: 'Visa •••• 4242',
		});
		expect((await get(without.booksId)).output('Node')[0]).toMatchObject({
			hasAutomaticPaymentMethod: false,
			label: 'No automatic payment setup',
			paymentMethodId: null,
		});
	});

	test('Set Automatic: only an attached method of an imported type', async () => {
		const { booksId, customer } = mapped();
		const master = await api('POST', '/v1/payment_methods/pm_card_mastercard/attach', {
			customer: customer.id,
		});
		const bank = await api('POST', '/v1/payment_methods/pm_usBankAccount_success/attach', {
			customer: customer.id,
		});
		const set = (paymentMethodId) =>
			runNode(
				stripe,
				NODE,
				{
					resource: 'paymentMethod',
					operation: 'setAutomatic',
					customer: byMapping(booksId),
					paymentMethodId,
				},
				[{}],
			);
		expect((await set(master.id)).output('Node')[0]).toMatchObject({
			automatic: true,
			label: 'Mastercard •••• 4444',
		});
		expect(
			(await api('GET', `/v1/customers/${customer.id}`)).invoice_settings.default_payment_method,
		).toBe(master.id);
		expect((await set(bank.id)).error.message).toBe(
			`Item 0: invalid "Payment Method ID": Payment method ${bank.id} is of type "us_bank_account", which is not allowed here (allowed: card)`,
		);
		const stranger = mapped();
		expect(
			(await set(stranger.customer.invoice_settings.default_payment_method)).error.message,
		).toBe(
			`Item 0: invalid "Payment Method ID": Payment method ${stranger.customer.invoice_settings.default_payment_method} is not attached to customer ${customer.id}`,
		);
	});

	test('Create Add-Method Link obeys Hide / Only if set / Show', async () => {
		const withCard = mapped();
		const without = mapped(null);
		const link = (booksId, policy) =>
			runNode(
				stripe,
				NODE,
				{
					resource: 'paymentMethod',
					operation: 'createAddLink',
					customer: byMapping(booksId),
					policy,
					successUrl: 'https://portal.example/added',
				},
				[{}],
			);
		expect((await link(withCard.booksId, 'hide')).output('Node')[0]).toMatchObject({
			offered: false,
			url: null,
		});
		expect((await link(without.booksId, 'onlyIfSet')).output('Node')[0]).toMatchObject({
			offered: false,
		});
		const shown = (await link(without.booksId, 'show')).output('Node')[0];
		expect(shown).toMatchObject({ offered: true });
		expect(shown.url).toContain(shown.checkoutSessionId);
		const onlyIfSet = (await link(withCard.booksId, 'onlyIfSet')).output('Node')[0];
		expect(onlyIfSet.offered).toBe(true);
		// The customer adds a card: the setup intent carries the instruction to make it automatic.
		const done = stripe.completeCheckoutSession(shown.checkoutSessionId, {
			paymentMethod: 'pm_card_visa',
		});
		expect(done.setupIntent.metadata).toMatchObject({
			make_automatic: 'true',
			books_customer_id: without.booksId,
		});
	});
});

describe('Customer Portal: Create Link', () => {
	test('a portal session, optionally straight to the payment method update', async () => {
		const { booksId, customer } = mapped();
		const [link] = (
			await runNode(
				stripe,
				NODE,
				{
					resource: 'portal',
					operation: 'createLink',
					customer: byMapping(booksId),
					returnUrl: 'https://portal.example/account',
					paymentMethodUpdate: true,
				},
				[{}],
			)
		).output('Node');
		expect(link).toMatchObject({
			customerId: customer.id,
			booksCustomerId: booksId,
			portalSessionId: expect.stringMatching(/^bps_/),
		});
		expect(link.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/billing_portal\//);
	});
});

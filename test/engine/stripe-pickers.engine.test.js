// @ts-check
// The Stripe node's payment method and payment pickers (version 2: resource locators with
// "From list" and "By ID"), its currency and time zone lists, and what version 1 still reads.
// The lists run through n8n-core's LoadOptionsContext against the local Stripe server, with the
// node's parameters as the editor sends them; the operations through n8n's engine.
import { runListSearch, runWorkflow, singleNodeWorkflow } from './harness';
import { startStripe, stripeApi, stripeCredentials } from './stripe-node';
import { StripeInvoicePayment } from '../../nodes/StripeInvoicePayment/StripeInvoicePayment.node';
import { Payments360 } from '../../nodes/Payments360/Payments360.node';

const NODE = 'stripeInvoicePayment';
const CREDENTIALS = { stripeInvoicePaymentsApi: { id: '1', name: 'Stripe' } };
let stripe;
let counter = 0;
beforeAll(async () => {
	stripe = await startStripe();
});
afterAll(async () => {
	await stripe.close();
});

/** @param {string} method @param {string} path @param {Record<string, string>} [body] */
const api = (method, path, body) => stripeApi(stripe, method, path, body);

/** A mapped customer (books id `P-n`) whose automatic method is a Visa card. */
function mapped() {
	const booksId = `P-${++counter}`;
	const customer = stripe.createCustomer({
		name: booksId,
		email: `${booksId}@example.com`,
		metadata: { books_customer_id: booksId },
		defaultPaymentMethod: 'pm_card_visa',
	});
	return { booksId, customer };
}

const expiry = new RegExp(`, expires \\d\\d/\\d{4}`);

/**
 * @param {string} method
 * @param {Record<string, unknown>} currentNodeParameters
 * @param {{filter?: string, paginationToken?: string, version?: number}} [options]
 */
function listSearch(method, currentNodeParameters, { filter, paginationToken, version = 2 } = {}) {
	const workflow = singleNodeWorkflow('Node', NODE, currentNodeParameters, CREDENTIALS);
	workflow.nodes[1].typeVersion = version;
	return runListSearch(workflow, 'Node', method, {
		credentials: stripeCredentials(stripe),
		filter,
		paginationToken,
		path: `parameters.${method === 'searchPayments' ? 'paymentId' : 'paymentMethodId'}`,
		currentNodeParameters,
	});
}

async function runV(version, parameters, input = [{}]) {
	const workflow = singleNodeWorkflow('Node', NODE, parameters, CREDENTIALS);
	workflow.nodes[1].typeVersion = version;
	return await runWorkflow(workflow, { credentials: stripeCredentials(stripe), input });
}

const rl = (mode, value) => ({ __rl: true, mode, value });

describe('payment method picker (From list)', () => {
	test("lists the chosen customer's saved methods as a person reads them, the automatic one marked", async () => {
		const { booksId, customer } = mapped();
		const master = await api('POST', '/v1/payment_methods/pm_card_mastercard/attach', {
			customer: customer.id,
		});
		const automatic = customer.invoice_settings.default_payment_method;
		for (const locator of [
			rl('mapping', booksId),
			rl('id', customer.id),
			rl('list', customer.id),
		]) {
			const page = await listSearch('searchPaymentMethods', {
				resource: 'paymentMethod',
				operation: 'setAutomatic',
				customer: locator,
			});
			expect(page.paginationToken).toBeUndefined();
			const byValue = new Map(page.results.map((r) => [r.value, r.name]));
			expect(byValue.size).toBe(2);
			expect(byValue.get(automatic)).toMatch(/^Visa •••• 4242, expires \d\d\/\d{4} \(automatic\)$/);
			expect(byValue.get(master.id)).toMatch(/^Mastercard •••• 4444, expires \d\d\/\d{4}$/);
		}
	});

	test('searchable by what the entry says, and paginated through Stripe with starting_after', async () => {
		const { customer } = mapped();
		for (let i = 0; i < 29; i++) {
			await api('POST', '/v1/payment_methods/pm_card_mastercard/attach', { customer: customer.id });
		}
		const params = { customer: rl('id', customer.id) };
		const first = await listSearch('searchPaymentMethods', params);
		expect(first.results).toHaveLength(25);
		expect(first.paginationToken).toMatch(/^pm_/);
		const second = await listSearch('searchPaymentMethods', params, {
			paginationToken: first.paginationToken,
		});
		expect(second.results).toHaveLength(5);
		expect(second.paginationToken).toBeUndefined();
		const all = [...first.results, ...second.results].map((r) => r.value);
		expect(new Set(all).size).toBe(30);
		const found = await listSearch('searchPaymentMethods', params, { filter: 'visa' });
		expect(found.results.map((r) => r.value)).toEqual([
			customer.invoice_settings.default_payment_method,
		]);
		expect(found.results[0].name).toMatch(expiry);
	});

	test('lists only imported payment method types (Options for All Operations)', async () => {
		const { customer } = mapped();
		const bank = await api('POST', '/v1/payment_methods/pm_usBankAccount_success/attach', {
			customer: customer.id,
		});
		const cardsOnly = await listSearch('searchPaymentMethods', { customer: rl('id', customer.id) });
		expect(cardsOnly.results.map((r) => r.value)).not.toContain(bank.id);
		const withBanks = await listSearch('searchPaymentMethods', {
			customer: rl('id', customer.id),
			settings: { importedPaymentMethodTypes: ['card', 'us_bank_account'] },
		});
		expect(withBanks.results.find((r) => r.value === bank.id)?.name).toBe(
			'US bank account •••• 6789',
		);
	});

	test('without a customer it says so instead of failing, and sends nothing', async () => {
		const before = stripe.stats.requests;
		for (const customer of [undefined, rl('list', ''), rl('mapping', '={{ $json.customerId }}')]) {
			const page = await listSearch('searchPaymentMethods', { customer });
			expect(page.results).toHaveLength(1);
			expect(page.results[0].value).toBe('');
			expect(page.results[0].name).toMatch(/^(Choose the customer first|The customer is set by)/);
		}
		expect(stripe.stats.requests).toBe(before);
		const notMapped = await listSearch('searchPaymentMethods', {
			customer: rl('mapping', 'NOBODY-1'),
		});
		expect(notMapped.results).toEqual([{ name: expect.stringContaining('NOBODY-1'), value: '' }]);
		const badId = await listSearch('searchPaymentMethods', { customer: rl('id', 'acme') });
		expect(badId.results).toEqual([
			{ name: '"acme" is not a Stripe customer ID (cus_...)', value: '' },
		]);
	});
});

describe('payment picker (From list)', () => {
	/** @type {any[]} */
	let seeded;
	beforeAll(() => {
		const { customer } = mapped();
		const now = Math.floor(Date.now() / 1000);
		seeded = stripe.seed({
			paymentIntents: Array.from({ length: 27 }, (_, i) => ({
				customer: customer.id,
				amount: 125000 + i,
				currency: i === 26 ? 'jpy' : 'usd',
				status: i === 25 ? 'processing' : 'succeeded',
				metadata: {
					invoice_ids: `PK-${String(i).padStart(3, '0')}`,
					invoice_lines: `${125000 + i}/0`,
				},
				created: now - 10_000 + i,
			})),
		}).paymentIntents;
	});

	test('recent payments, newest first: amount, currency, status, invoice, day, Dashboard link', async () => {
		const first = await listSearch('searchPayments', {});
		expect(first.results).toHaveLength(25);
		// the newest of the account first (other tests' payments are older or none)
		const newest = seeded[26];
		expect(first.results[0]).toEqual({
			name: `¥125,026 JPY, succeeded, invoice PK-026, ${new Date(newest.created * 1000).toISOString().slice(0, 10)} (${newest.id})`,
			value: newest.id,
			url: `https://dashboard.stripe.com/test/payments/${newest.id}`,
		});
		expect(first.results[1].name).toMatch(/^\$1,250\.25 USD, processing, invoice PK-025, /);
		expect(first.paginationToken).toBe(first.results[24].value);
		const second = await listSearch(
			'searchPayments',
			{},
			{ paginationToken: first.paginationToken },
		);
		expect(second.results.map((r) => r.value)).toEqual(
			seeded
				.slice(0, 2)
				.reverse()
				.map((pi) => pi.id),
		);
	});

	test('searchable by invoice ID, amount or PaymentIntent ID', async () => {
		expect((await listSearch('searchPayments', {}, { filter: 'pk-007' })).results).toEqual([
			expect.objectContaining({ value: seeded[7].id }),
		]);
		expect(
			(await listSearch('searchPayments', {}, { filter: seeded[3].id })).results.map(
				(r) => r.value,
			),
		).toEqual([seeded[3].id]);
		expect(
			(await listSearch('searchPayments', {}, { filter: '1,250.10' })).results.map((r) => r.value),
		).toEqual([seeded[10].id]);
	});
});

describe('version 2 operations read the pickers', () => {
	test('Set Automatic with a payment method from the list', async () => {
		const { booksId, customer } = mapped();
		const master = await api('POST', '/v1/payment_methods/pm_card_mastercard/attach', {
			customer: customer.id,
		});
		const run = await runV(2, {
			resource: 'paymentMethod',
			operation: 'setAutomatic',
			customer: rl('mapping', booksId),
			paymentMethodId: rl('list', master.id),
		});
		expect(run.output('Node')[0]).toMatchObject({ paymentMethodId: master.id, automatic: true });
	});

	test('Pay Invoice with a saved method by ID, then Get and Refund the payment picked by ID', async () => {
		const { booksId, customer } = mapped();
		const master = await api('POST', '/v1/payment_methods/pm_card_mastercard/attach', {
			customer: customer.id,
		});
		const paid = (
			await runV(
				2,
				{
					resource: 'payment',
					operation: 'payInvoice',
					invoiceId: `PV-${++counter}`,
					customer: rl('mapping', booksId),
					balance: '80.00',
					currency: 'usd',
					howToPay: 'savedMethod',
					paymentMethodId: rl('id', '={{ $json.method }}'),
					settings: { timeZone: 'UTC' },
				},
				[{ method: master.id }],
			)
		).output('Node')[0];
		expect(paid).toMatchObject({ status: 'succeeded', paymentMethod: expect.anything() });
		const got = (
			await runV(2, {
				resource: 'payment',
				operation: 'get',
				findBy: 'paymentId',
				paymentId: rl('list', paid.paymentId),
			})
		).output('Node')[0];
		expect(got).toMatchObject({ paymentId: paid.paymentId, status: 'succeeded' });
		const refunded = (
			await runV(2, {
				resource: 'payment',
				operation: 'refund',
				paymentId: rl('id', paid.paymentId),
				amount: '10.00',
			})
		).output('Node')[0];
		expect(refunded.paymentId).toBe(paid.paymentId);
	});

	test('a wrong ID shape fails before any request, naming the item and the picker', async () => {
		const { booksId } = mapped();
		const before = stripe.stats.requests;
		/** @type {Array<[Record<string, any>, string]>} */
		const cases = [
			[
				{ resource: 'payment', operation: 'refund', paymentId: rl('id', 'ch_123') },
				'Item 0: invalid "Payment": "ch_123" is not a Stripe PaymentIntent ID (pi_...)',
			],
			[
				{ resource: 'payment', operation: 'cancel', paymentId: rl('list', 'pm_123') },
				'Item 0: invalid "Payment": "pm_123" is not a Stripe PaymentIntent ID (pi_...)',
			],
			[
				{
					resource: 'payment',
					operation: 'payInvoice',
					invoiceId: 'PV-BAD',
					customer: rl('mapping', booksId),
					balance: '80.00',
					currency: 'usd',
					howToPay: 'savedMethod',
					paymentMethodId: rl('id', 'card_42'),
				},
				'Item 0: invalid "Payment Method": "card_42" is not a Stripe payment method ID (pm_...)',
			],
		];
		for (const [parameters, message] of cases) {
			const key = 'paymentId' in parameters ? 'paymentId' : 'paymentMethodId';
			const locator = /** @type {any} */ (parameters)[key];
			// typed into "By ID", n8n's own check of the mode's pattern stops the run; a value of
			// "From list" has no pattern in n8n, and the node's check stops it
			const typed = (await runV(2, parameters)).error;
			if (locator.mode === 'id') expect(typed?.name).toBe('WorkflowHasIssuesError');
			else expect([typed?.name, typed?.message]).toEqual(['NodeOperationError', message]);
			// from an expression (as workflows hand IDs on), the node's check does, naming the picker
			const run = await runV(2, { ...parameters, [key]: rl(locator.mode, '={{ $json.id }}') }, [
				{ id: locator.value },
			]);
			expect(run.error?.name).toBe('NodeOperationError');
			expect(run.error?.message).toBe(message);
		}
		expect(stripe.stats.requests).toBe(before);
	});

	test('version 1 reads the ID strings it stored, and names its own fields', async () => {
		const { booksId, customer } = mapped();
		const master = await api('POST', '/v1/payment_methods/pm_card_mastercard/attach', {
			customer: customer.id,
		});
		const run = await runV(1, {
			resource: 'paymentMethod',
			operation: 'setAutomatic',
			customer: rl('mapping', booksId),
			paymentMethodId: master.id,
		});
		expect(run.output('Node')[0]).toMatchObject({ paymentMethodId: master.id });
		const bad = await runV(1, { resource: 'payment', operation: 'get', paymentId: 'x_1' });
		expect(bad.error?.message).toBe(
			'Item 0: invalid "Payment ID": "x_1" is not a Stripe PaymentIntent ID (pi_...)',
		);
	});
});

describe('currency and time zone lists', () => {
	test('the Stripe node loads currencies and IANA time zones, each after its empty default', async () => {
		const { loadOptions } = new StripeInvoicePayment().methods;
		const context = /** @type {any} */ ({});
		const currencies = await loadOptions.getCurrencies.call(context);
		expect(currencies).toContainEqual({ name: 'USD: US Dollar', value: 'usd' });
		expect(currencies.every((c) => /^[a-z]{3}$/.test(String(c.value)))).toBe(true);
		const itemCurrencies = await loadOptions.getCurrenciesOrDefault.call(context);
		expect(itemCurrencies[0]).toEqual({ name: "The Node's Default Currency", value: '' });
		expect(itemCurrencies.slice(1)).toEqual(currencies);
		const zones = await loadOptions.getTimeZones.call(context);
		expect(zones.slice(0, 2)).toEqual([
			{ name: "The Workflow's Time Zone", value: '' },
			{ name: 'UTC', value: 'UTC' },
		]);
		expect(zones).toContainEqual({ name: 'America/Chicago', value: 'America/Chicago' });
	});

	test('the 360 Payments node loads the same currencies', async () => {
		const { loadOptions } = /** @type {any} */ (new Payments360().methods);
		expect(await loadOptions.getCurrencies.call({})).toEqual(
			await new StripeInvoicePayment().methods.loadOptions.getCurrencies.call(
				/** @type {any} */ ({}),
			),
		);
	});

	test("a currency from the list is what the operations take; the empty choice is the node's default", async () => {
		const preview = async (currency) =>
			(
				await runV(2, {
					resource: 'fee',
					operation: 'preview',
					invoiceId: 'FX-1',
					amount: '100.00',
					currency,
					feePercent: 3,
					settings: { timeZone: 'America/Chicago', currency: 'gbp' },
				})
			).output('Node')[0];
		expect((await preview('eur')).total).toMatchObject({ currency: 'eur', amount: '103.00' });
		expect((await preview('')).total).toMatchObject({ currency: 'gbp' });
	});
});

// @ts-check
import { money } from '../../../nodes/core/money/money';
import {
	matchPaymentsToInvoices,
	matchPaymentToInvoice,
} from '../../../nodes/core/payments/paymentMatch';

/** @typedef {import('../../../nodes/core/payments/paymentMatch').PaymentMatchInput} PaymentMatchInput */

const usd = (minor) => money(minor, 'usd');

/**
 * Invoice INV-2001 of cust-1001, $250.00 owed, as GET /invoices/:id answers.
 * @param {Record<string, unknown>} [overrides] its fields (unreadable ones where a test refuses them)
 * @returns {import('../../../nodes/core/payments/paymentMatch').MatchedInvoice}
 */
const invoice = (overrides = {}) =>
	/** @type {any} */ ({
		id: 'inv-2001',
		number: 'INV-2001',
		customerId: 'cust-1001',
		currency: 'USD',
		balance: '250.00',
		...overrides,
	});

/**
 * A payment-status record of a $250.00 payment of that invoice, with a $7.25 fee line.
 * @param {Record<string, unknown>} [overrides] its fields (unreadable ones where a test refuses them)
 * @returns {import('../../../nodes/core/payments/paymentMatch').MatchedRecord}
 */
const record = (overrides = {}) =>
	/** @type {any} */ ({
		provider: 'stripe',
		invoiceId: 'inv-2001',
		paymentId: 'pi_1',
		status: 'succeeded',
		customer: { booksId: 'cust-1001', providerId: 'cus_A' },
		amount: usd(25000),
		fee: usd(725),
		total: usd(25725),
		paymentAmount: usd(25725),
		invoiceIds: ['inv-2001'],
		...overrides,
	});

/**
 * @param {Record<string, unknown>} [recordOverrides]
 * @param {Partial<Omit<PaymentMatchInput, 'invoice'>> & { invoice?: Record<string, unknown> }} [inputOverrides]
 */
const match = (recordOverrides = {}, { invoice: invoiceOverrides, ...input } = {}) =>
	matchPaymentToInvoice({
		record: record(recordOverrides),
		invoice: invoice(invoiceOverrides),
		stripeCustomerId: 'cus_A',
		recordedPayments: [],
		...input,
	});
const codes = (verdict) => verdict.reasons.map((reason) => reason.code);

describe('a payment matches its invoice', () => {
	test.each(
		/** @type {Array<[string, Record<string, any>, object]>} */ ([
			['the balance, with its fee line', {}, {}],
			[
				'a zero-decimal currency',
				{
					amount: money(15000, 'jpy'),
					fee: money(0, 'jpy'),
					total: money(15000, 'jpy'),
					paymentAmount: money(15000, 'jpy'),
				},
				{ invoice: { currency: 'JPY', balance: '15000' } },
			],
			[
				'the books customer alone (a guest pay link: no Stripe customer)',
				{
					customer: { booksId: 'cust-1001', providerId: null },
				},
				{},
			],
			[
				'the mapped Stripe customer alone (no books id in the metadata)',
				{
					customer: { booksId: null, providerId: 'cus_A' },
				},
				{},
			],
			[
				'the mapping not known: the books customer decides',
				{
					customer: { booksId: 'cust-1001', providerId: 'cus_anyone' },
				},
				{ stripeCustomerId: undefined },
			],
			[
				'a 360 Payments record: its vault id is no Stripe customer',
				{
					provider: 'gateway360',
					customer: { booksId: 'cust-1001', providerId: 'vault-9' },
				},
				{ stripeCustomerId: null },
			],
			[
				'a later report of a payment the books counted, the invoice paid since',
				{},
				{
					invoice: { balance: '0.00' },
					recordedPayments: [
						{ paymentId: 'pi_0', amount: usd(100) },
						{ paymentId: 'pi_1', amount: usd(25000) },
					],
				},
			],
			[
				'a refund of a payment the books counted (the invoice open again)',
				{
					status: 'refunded',
					refund: { amountRefunded: usd(25725), amountKept: usd(0) },
				},
				{
					invoice: { balance: '250.00' },
					recordedPayments: [{ paymentId: 'pi_1', amount: usd(25000) }],
				},
			],
			[
				'a failed attempt on a paid invoice: it took nothing',
				{ status: 'failed' },
				{
					invoice: { balance: '0.00' },
				},
			],
			[
				'a page that expired for another amount: it took nothing',
				{
					status: 'canceled',
					paymentId: 'cs_1',
					amount: usd(100),
					fee: usd(0),
					total: usd(100),
					paymentAmount: usd(100),
				},
				{},
			],
			[
				"a record without the payment total (a node's own output)",
				{
					paymentAmount: undefined,
					invoiceIds: undefined,
				},
				{},
			],
		]),
	)('%s', (_, recordOverrides, inputOverrides) => {
		const verdict = match(recordOverrides, inputOverrides);
		expect(verdict.reasons).toEqual([]);
		expect(verdict).toMatchObject({
			matches: true,
			invoiceId: 'inv-2001',
			status: recordOverrides.status ?? 'succeeded',
			message: 'The payment matches invoice INV-2001',
		});
	});
});

describe('a payment that does not match is said why', () => {
	test.each([
		[
			'a $1 payment naming the invoice',
			{ amount: usd(100), fee: usd(0), total: usd(100), paymentAmount: usd(100) },
			{},
			['AMOUNT_MISMATCH'],
			"It pays $1.00, less than the invoice's balance $250.00: a partial payment is not recorded as paying the invoice",
		],
		[
			'more than the balance',
			{ amount: usd(30000), total: usd(30725), paymentAmount: usd(30725) },
			{},
			['AMOUNT_MISMATCH'],
			"It pays $300.00, more than the invoice's balance $250.00",
		],
		[
			"another customer's payment naming the invoice",
			{ customer: { booksId: 'cust-1002', providerId: 'cus_B' } },
			{},
			['CUSTOMER_MISMATCH', 'STRIPE_CUSTOMER_MISMATCH'],
			"The payment is of books customer cust-1002, not of the invoice's customer cust-1001; The payment is of Stripe customer cus_B, not of cus_A, the one mapped to the invoice's customer cust-1001",
		],
		[
			'the right books id in the metadata, another Stripe customer paying',
			{ customer: { booksId: 'cust-1001', providerId: 'cus_B' } },
			{},
			['STRIPE_CUSTOMER_MISMATCH'],
			null,
		],
		[
			"a Stripe customer while none is mapped to the invoice's customer",
			{ customer: { booksId: null, providerId: 'cus_B' } },
			{ stripeCustomerId: null },
			['STRIPE_CUSTOMER_MISMATCH'],
			"The payment is of Stripe customer cus_B, but no Stripe customer is mapped to the invoice's customer cust-1001",
		],
		[
			'no customer at all (a Dashboard payment with invoice metadata)',
			{ customer: { booksId: null, providerId: null } },
			{},
			['NO_CUSTOMER'],
			null,
		],
		[
			'a Stripe customer alone while the mapping is not known',
			{ customer: { booksId: null, providerId: 'cus_A' } },
			{ stripeCustomerId: undefined },
			['NO_CUSTOMER'],
			null,
		],
		[
			'another currency',
			{
				amount: money(25000, 'eur'),
				fee: money(725, 'eur'),
				total: money(25725, 'eur'),
				paymentAmount: money(25725, 'eur'),
			},
			{},
			['CURRENCY_MISMATCH'],
			'The payment is in EUR, the invoice in USD',
		],
		[
			'a fee in another currency than the amount',
			{ fee: money(725, 'eur') },
			{},
			['CURRENCY_MISMATCH'],
			'The payment is in USD, EUR, the invoice in USD',
		],
		[
			'the invoice paid already by another payment',
			{},
			{
				invoice: { balance: '0.00' },
				recordedPayments: [{ paymentId: 'pi_0', amount: usd(25000) }],
			},
			['ALREADY_PAID'],
			'Invoice INV-2001 is paid already (balance $0.00): this payment of $250.00 pays nothing of it',
		],
		[
			'a report of a payment the books hold for another amount',
			{},
			{ recordedPayments: [{ paymentId: 'pi_1', amount: usd(100) }] },
			['AMOUNT_MISMATCH'],
			'It reports $250.00 for invoice INV-2001, but the books recorded $1.00 for this payment',
		],
		[
			'a $1 payment whose metadata claims $250.00 of lines',
			{ paymentAmount: usd(100) },
			{},
			['LINES_MISMATCH'],
			'The payment took $1.00, but its invoice lines add up to $257.25',
		],
		[
			'a total that is not amount plus fee',
			{ total: usd(26000), paymentAmount: usd(26000) },
			{},
			['LINES_MISMATCH'],
			'Its total $260.00 is not its amount $250.00 plus its fee $7.25',
		],
		[
			'a record of another invoice than the one read',
			{ invoiceId: 'inv-2002', invoiceIds: ['inv-2002'] },
			{},
			['INVOICE_MISMATCH'],
			'The record names invoice inv-2002, the books answered invoice inv-2001',
		],
		[
			'a payment whose invoices do not include this one',
			{ invoiceIds: ['inv-2002'] },
			{},
			['LINES_MISMATCH'],
			"The payment's invoices (inv-2002) do not include inv-2001",
		],
		[
			'a pending pay link for less than the balance',
			{
				status: 'pending',
				paymentId: 'cs_1',
				amount: usd(100),
				fee: usd(0),
				total: usd(100),
				paymentAmount: usd(100),
			},
			{},
			['AMOUNT_MISMATCH'],
			null,
		],
		[
			'a failed attempt of another customer',
			{ status: 'failed', customer: { booksId: 'cust-1002', providerId: null } },
			{},
			['CUSTOMER_MISMATCH'],
			null,
		],
	])('%s', (_, recordOverrides, inputOverrides, expected, message) => {
		const verdict = match(recordOverrides, inputOverrides);
		expect(verdict.matches).toBe(false);
		expect(codes(verdict)).toEqual(expected);
		if (message !== null) expect(verdict.message).toBe(message);
		expect(verdict.message).toBe(verdict.reasons.map((reason) => reason.message).join('; '));
	});
});

describe('a combined payment: its lines added up across the records of one run', () => {
	/** @returns {PaymentMatchInput} */
	const line = (invoiceId, amountMinor, overrides = {}) => ({
		record: record({
			invoiceId,
			amount: usd(amountMinor),
			fee: usd(0),
			total: usd(amountMinor),
			paymentAmount: usd(30000),
			invoiceIds: ['inv-a', 'inv-b'],
			...overrides,
		}),
		invoice: invoice({
			id: invoiceId,
			number: invoiceId.toUpperCase(),
			balance: (amountMinor / 100).toFixed(2),
		}),
		stripeCustomerId: 'cus_A',
	});

	test('both lines at hand adding up to the payment: each matches', () => {
		expect(
			matchPaymentsToInvoices([line('inv-a', 10000), line('inv-b', 20000)]).map((v) => v.matches),
		).toEqual([true, true]);
	});

	test('lines claiming more than the payment took: both are mismatches', () => {
		const verdicts = matchPaymentsToInvoices([line('inv-a', 10000), line('inv-b', 25000)]);
		expect(verdicts.map(codes)).toEqual([['LINES_MISMATCH'], ['LINES_MISMATCH']]);
		expect(verdicts[0].message).toBe(
			'The payment took $300.00, but its invoice lines add up to $350.00',
		);
	});

	test('lines adding up to less than the payment took: the rest went nowhere', () => {
		expect(
			matchPaymentsToInvoices([line('inv-a', 10000), line('inv-b', 10000)]).map(codes),
		).toEqual([['LINES_MISMATCH'], ['LINES_MISMATCH']]);
	});

	test('only one line at hand: it may not take more than the payment', () => {
		expect(matchPaymentsToInvoices([line('inv-a', 10000)])[0].matches).toBe(true);
		expect(codes(matchPaymentsToInvoices([line('inv-a', 40000)])[0])).toEqual(['LINES_MISMATCH']);
	});

	test('one line of another customer: that invoice alone is a mismatch', () => {
		const verdicts = matchPaymentsToInvoices([
			line('inv-a', 10000),
			{
				...line('inv-b', 20000),
				invoice: invoice({ id: 'inv-b', customerId: 'cust-1002', balance: '200.00' }),
				stripeCustomerId: 'cus_B',
			},
		]);
		expect(verdicts.map(codes)).toEqual([[], ['CUSTOMER_MISMATCH', 'STRIPE_CUSTOMER_MISMATCH']]);
	});

	test('records of different payments are added up apart', () => {
		const other = line('inv-b', 20000, {
			paymentId: 'pi_2',
			paymentAmount: usd(20000),
			invoiceIds: ['inv-b'],
		});
		const single = line('inv-a', 10000, { paymentAmount: usd(10000), invoiceIds: ['inv-a'] });
		expect(matchPaymentsToInvoices([single, other]).map((v) => v.matches)).toEqual([true, true]);
	});
});

describe('what cannot be read is an error naming the parameter, not a verdict', () => {
	test.each(
		/** @type {Array<[string, Record<string, unknown> | null, string]>} */ ([
			['no record', null, 'paymentRecord'],
			['an unknown status', { status: 'paid' }, 'paymentRecord'],
			['no amount', { amount: null }, 'paymentRecord'],
			['a currency nobody charges in', { fee: { amount: '1.00', currency: 'zzz' } }, 'fee'],
			['an amount that is no decimal', { amount: { amount: '2,50', currency: 'usd' } }, 'amount'],
			[
				'minor units saying another amount',
				{ amount: { amount: '250.00', minor: 100, currency: 'usd' } },
				'amount',
			],
		]),
	)('%s', (_, overrides, field) => {
		// no record at all (null) on purpose
		/** @type {any} */
		const input = {
			record: overrides === null ? null : record(overrides),
			invoice: invoice(),
			stripeCustomerId: 'cus_A',
		};
		expect(() => matchPaymentToInvoice(input)).toThrow(expect.objectContaining({ field }));
	});

	test('an invoice without its customer or balance', () => {
		for (const broken of [{ customerId: '' }, { balance: 'lots' }, { currency: 'XXX' }]) {
			expect(() =>
				matchPaymentToInvoice({
					record: record(),
					invoice: invoice(broken),
					stripeCustomerId: 'cus_A',
				}),
			).toThrow(expect.objectContaining({ field: 'invoice' }));
		}
	});
});

// @ts-check
// The bad-input corpus: each case is one node, its parameters and input, and the exact error
// message the user sees (a NodeOperationError naming the item and the field), with nothing sent
// to be charged or written. `setup` builds what the case needs on the local Stripe server.
const pay = (extra = {}) => ({
	resource: 'payment',
	operation: 'payInvoice',
	invoiceId: '={{ $json.invoiceId }}',
	customer: { __rl: true, mode: 'mapping', value: '={{ $json.customerId }}' },
	balance: '={{ $json.balance }}',
	amount: '={{ $json.amount ?? "" }}',
	currency: '={{ $json.currency }}',
	feePercent: '={{ $json.fee ?? "0" }}',
	howToPay: 'automatic',
	options: { purpose: 'autopay', allowPartialPayment: '={{ $json.partial ?? false }}' },
	...extra,
});
const invoice = (extra = {}) => ({
	invoiceId: 'BAD-1',
	customerId: 'BAD-C',
	balance: '100.00',
	currency: 'usd',
	...extra,
});
const payById = (id, extra = {}) =>
	pay({ customer: { __rl: true, mode: 'id', value: id }, ...extra });
const saved = (pm) => pay({ howToPay: 'savedMethod', paymentMethodId: pm, options: {} });
const together = { ...pay(), operation: 'payInvoicesTogether', amount: undefined };
const fee = (amount, feePercent, currency = 'usd') => ({
	resource: 'fee',
	operation: 'preview',
	invoiceId: 'F-1',
	amount,
	feePercent,
	currency,
});
const scan = (extra = {}) => ({
	takePaymentOn: 'dueDate',
	timeZone: 'UTC',
	asOf: '2026-11-23T10:00:00Z',
	...extra,
});
const mapping = (operation, extra = {}) => ({
	resource: 'mapping',
	operation,
	booksCustomerId: '={{ $json.id }}',
	name: '={{ $json.name }}',
	...extra,
});
const sync = (fields = {}) => ({
	resource: 'customer',
	operation: 'sync',
	booksCustomerId: '={{ $json.id }}',
	name: '={{ $json.name }}',
	customerFields: fields,
	createIfMissing: true,
});

/**
 * A case: its name (the key of its message in bad-inputs.expected.js), the node's type name, its
 * parameters, its input items and what of the set-up the items need (a key of the test's context).
 * @type {Array<[name: string, node: string, parameters: object, input: object[], needs?: string]>}
 */
module.exports = [
	// Stripe Invoice Payment: amounts, currencies, fees
	['pay: balance not a decimal', 'stripeInvoicePayment', pay(), [invoice({ balance: '12,50' })]],
	['pay: negative balance', 'stripeInvoicePayment', pay(), [invoice({ balance: '-10.00' })]],
	['pay: zero', 'stripeInvoicePayment', pay(), [invoice({ balance: '0' })]],
	['pay: below the USD minimum', 'stripeInvoicePayment', pay(), [invoice({ balance: '0.49' })]],
	['pay: above eight digits', 'stripeInvoicePayment', pay(), [invoice({ balance: '1000000.00' })]],
	[
		'pay: JPY with decimals',
		'stripeInvoicePayment',
		pay(),
		[invoice({ balance: '1250.5', currency: 'jpy' })],
	],
	[
		'pay: JPY below its minimum',
		'stripeInvoicePayment',
		pay(),
		[invoice({ balance: '49', currency: 'jpy' })],
	],
	[
		'pay: KWD with four decimals',
		'stripeInvoicePayment',
		pay(),
		[invoice({ balance: '5.1234', currency: 'kwd' })],
	],
	['pay: unknown currency', 'stripeInvoicePayment', pay(), [invoice({ currency: 'abc' })]],
	[
		'pay: currency of the wrong shape',
		'stripeInvoicePayment',
		pay(),
		[invoice({ currency: 'dollars' })],
	],
	['pay: fee above 100', 'stripeInvoicePayment', pay(), [invoice({ fee: '100.01' })]],
	['pay: fee with five decimals', 'stripeInvoicePayment', pay(), [invoice({ fee: '2.12345' })]],
	['pay: negative fee', 'stripeInvoicePayment', pay(), [invoice({ fee: '-1' })]],
	['pay: fee not a number', 'stripeInvoicePayment', pay(), [invoice({ fee: 'two' })]],
	[
		'pay: partial amount without the option',
		'stripeInvoicePayment',
		pay(),
		[invoice({ amount: '40.00' })],
	],
	[
		'pay: amount above the balance',
		'stripeInvoicePayment',
		pay(),
		[invoice({ amount: '140.00', partial: true })],
	],
	['pay: missing invoice id', 'stripeInvoicePayment', pay(), [invoice({ invoiceId: '' })]],
	['pay: invoice id with a comma', 'stripeInvoicePayment', pay(), [invoice({ invoiceId: 'A,B' })]],
	// Stripe Invoice Payment: customers and payment methods
	[
		'pay: books customer not mapped',
		'stripeInvoicePayment',
		pay(),
		[invoice({ customerId: 'NOBODY' })],
	],
	['pay: missing customer', 'stripeInvoicePayment', pay(), [invoice({ customerId: '' })]],
	[
		'pay: Stripe customer id of the wrong shape',
		'stripeInvoicePayment',
		payById('={{ $json.stripeId }}'),
		[invoice({ stripeId: 'customer-7' })],
	],
	[
		'pay: a literal Stripe customer id of the wrong shape (n8n refuses to start)',
		'stripeInvoicePayment',
		payById('customer-7'),
		[invoice()],
	],
	[
		'pay: Stripe customer that does not exist',
		'stripeInvoicePayment',
		payById('={{ $json.stripeId }}'),
		[invoice({ stripeId: 'cus_doesNotExist' })],
	],
	[
		'pay: deleted Stripe customer',
		'stripeInvoicePayment',
		payById('={{ $json.deletedId }}'),
		[invoice()],
		'deletedCustomer',
	],
	[
		'pay: no automatic payment method',
		'stripeInvoicePayment',
		pay(),
		[invoice({ customerId: 'BAD-NOPM' })],
		'customerWithoutMethod',
	],
	[
		'pay: saved method id of the wrong shape',
		'stripeInvoicePayment',
		saved('card_123'),
		[invoice()],
		'mappedCustomer',
	],
	[
		'pay: saved method that does not exist',
		'stripeInvoicePayment',
		saved('pm_doesNotExist'),
		[invoice()],
		'mappedCustomer',
	],
	[
		'pay: saved method of another customer',
		'stripeInvoicePayment',
		saved('={{ $json.foreignMethod }}'),
		[invoice()],
		'foreignMethod',
	],
	[
		'pay: saved method of a type not imported',
		'stripeInvoicePayment',
		saved('={{ $json.bankMethod }}'),
		[invoice()],
		'bankMethod',
	],
	// Pay Invoices Together
	[
		'together: mixed currencies',
		'stripeInvoicePayment',
		together,
		[invoice({ invoiceId: 'T1' }), invoice({ invoiceId: 'T2', currency: 'eur' })],
	],
	[
		'together: mixed customers',
		'stripeInvoicePayment',
		together,
		[invoice({ invoiceId: 'T1' }), invoice({ invoiceId: 'T2', customerId: 'OTHER' })],
	],
	[
		'together: the same invoice twice',
		'stripeInvoicePayment',
		together,
		[invoice({ invoiceId: 'T1' }), invoice({ invoiceId: 'T1' })],
	],
	[
		'together: a bad balance in the batch',
		'stripeInvoicePayment',
		together,
		[invoice({ invoiceId: 'T1' }), invoice({ invoiceId: 'T2', balance: 'x' })],
	],
	// Get / Refund / Cancel
	[
		'get: payment id of the wrong shape',
		'stripeInvoicePayment',
		{ resource: 'payment', operation: 'get', findBy: 'paymentId', paymentId: 'ch_1' },
		[{}],
	],
	[
		'get: invoice id missing',
		'stripeInvoicePayment',
		{
			resource: 'payment',
			operation: 'get',
			findBy: 'invoiceId',
			invoiceId: '',
			customer: { __rl: true, mode: 'mapping', value: 'BAD-C' },
		},
		[{}],
	],
	[
		'refund: payment id of the wrong shape',
		'stripeInvoicePayment',
		{ resource: 'payment', operation: 'refund', paymentId: 'pay_1', reason: 'duplicate' },
		[{}],
	],
	[
		'refund: a payment not succeeded',
		'stripeInvoicePayment',
		{
			resource: 'payment',
			operation: 'refund',
			paymentId: '={{ $json.waitingPayment }}',
			reason: 'duplicate',
		},
		[{}],
		'waitingPayment',
	],
	[
		'refund: more than was paid',
		'stripeInvoicePayment',
		{
			resource: 'payment',
			operation: 'refund',
			paymentId: '={{ $json.paidPayment }}',
			amount: '500.00',
			reason: 'duplicate',
		},
		[{}],
		'paidPayment',
	],
	[
		'refund: amount not a decimal',
		'stripeInvoicePayment',
		{
			resource: 'payment',
			operation: 'refund',
			paymentId: '={{ $json.paidPayment }}',
			amount: 'all',
			reason: 'duplicate',
		},
		[{}],
		'paidPayment',
	],
	[
		'cancel: a succeeded payment',
		'stripeInvoicePayment',
		{
			resource: 'payment',
			operation: 'cancel',
			paymentId: '={{ $json.paidPayment }}',
			cancellationReason: 'duplicate',
		},
		[{}],
		'paidPayment',
	],
	// Payment methods
	[
		'set automatic: method of another customer',
		'stripeInvoicePayment',
		{
			resource: 'paymentMethod',
			operation: 'setAutomatic',
			customer: { __rl: true, mode: 'mapping', value: 'BAD-C' },
			paymentMethodId: '={{ $json.foreignMethod }}',
		},
		[{}],
		'foreignMethod',
	],
	// Fee preview
	['fee: amount missing', 'stripeInvoicePayment', fee('', '3'), [{}]],
	['fee: amount with too many decimals', 'stripeInvoicePayment', fee('10.001', '3'), [{}]],
	['fee: percentage with a sign', 'stripeInvoicePayment', fee('10.00', '3%'), [{}]],
	// Auto-Pay Scan (settings: the invoices themselves are never errors, they are INVALID_FIELD skips)
	['scan: unknown time zone', 'autoPayScan', scan({ timeZone: 'Europe/Atlantis' }), [{}]],
	['scan: as-of that is not a date', 'autoPayScan', scan({ asOf: 'yesterday-ish' }), [{}]],
	[
		'scan: cap that is not "currency=amount"',
		'autoPayScan',
		scan({ options: { maxPerInvoice: 'five thousand' } }),
		[{}],
	],
	[
		'scan: cap in an unknown currency',
		'autoPayScan',
		scan({ options: { maxTotalPerRun: 'xyz=100' } }),
		[{}],
	],
	[
		'scan: cap with too many decimals',
		'autoPayScan',
		scan({ options: { maxPerInvoice: 'usd=10.001' } }),
		[{}],
	],
	// Customer Mapping
	[
		'mapping generate: missing id',
		'customerMapping',
		mapping('generate'),
		[{ id: '', name: 'Acme' }],
	],
	[
		'mapping generate: missing name',
		'customerMapping',
		mapping('generate'),
		[{ id: 'M-1', name: '' }],
	],
	[
		'mapping generate: the same books id twice',
		'customerMapping',
		mapping('generate'),
		[
			{ id: 'M-1', name: 'A' },
			{ id: 'M-1', name: 'B' },
		],
	],
	['mapping get: missing id', 'customerMapping', mapping('get'), [{ id: '' }]],
	[
		'mapping set: Stripe customer that does not exist',
		'customerMapping',
		mapping('set', { stripeCustomerId: { __rl: true, mode: 'id', value: 'cus_missing' } }),
		[{ id: 'M-2' }],
	],
	[
		'mapping set: deleted Stripe customer',
		'customerMapping',
		mapping('set', {
			stripeCustomerId: { __rl: true, mode: 'id', value: '={{ $json.deletedId }}' },
		}),
		[{ id: 'M-3' }],
		'deletedCustomer',
	],
	[
		'mapping set: Stripe customer already mapped to another books id',
		'customerMapping',
		mapping('set', {
			stripeCustomerId: { __rl: true, mode: 'id', value: '={{ $json.mappedStripeId }}' },
		}),
		[{ id: 'M-4' }],
		'mappedCustomer',
	],
	[
		'mapping set: books id already on another Stripe customer',
		'customerMapping',
		mapping('set', {
			stripeCustomerId: { __rl: true, mode: 'id', value: '={{ $json.freeStripeId }}' },
		}),
		[{ id: 'BAD-C' }],
		'freeCustomer',
	],
	['sync: missing name', 'customerMapping', sync(), [{ id: 'S-1', name: '' }]],
	[
		'sync: email that is not an email',
		'customerMapping',
		sync({ email: 'not-an-email' }),
		[{ id: 'S-2', name: 'Sync Two' }],
	],
	[
		'sync: accounts CC with a bad address',
		'customerMapping',
		sync({ accountsCcEmail: 'ap@example.com, nope' }),
		[{ id: 'S-3', name: 'Sync Three' }],
	],
];

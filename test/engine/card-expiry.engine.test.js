// @ts-check
/**
 * Pre-dunning inside n8n's real WorkflowExecute against the local Stripe server: Stripe Invoice
 * Payment → Payment Method → Check Card Expiry reads the customer's automatic card (its
 * exp_month/exp_year from Stripe) and says whether it expires before the next due day; Invoice
 * Payments Tools → Email → Compose Card Expiry Notice turns that into the customer's email.
 */
import { runWorkflow, singleNodeWorkflow } from './harness';
import { runNode, startStripe } from './stripe-node';

let stripe;
beforeAll(async () => {
	stripe = await startStripe();
});
afterAll(async () => {
	await stripe.close();
});

// The local server's test cards expire in December, three years on (test/fakes/stripe/objects.js).
const EXPIRY_YEAR = new Date().getUTCFullYear() + 3;

const check = (items, extra = {}) =>
	runNode(
		stripe,
		'stripeInvoicePayment',
		{
			resource: 'paymentMethod',
			operation: 'checkCardExpiry',
			customer: { __rl: true, mode: 'mapping', value: '={{ $json.customerId }}' },
			paymentDays: '={{ $json.paymentDays }}',
			asOf: `${EXPIRY_YEAR}-12-01`,
			settings: { timeZone: 'America/Chicago' },
			...extra,
		},
		items,
	);

test('a card good through December, a payment due in January: it expires before the next due day', async () => {
	stripe.createCustomer({
		name: 'Card Soon',
		metadata: { books_customer_id: 'CE-1' },
		defaultPaymentMethod: 'pm_card_visa',
	});
	stripe.createCustomer({
		name: 'Card Fine',
		metadata: { books_customer_id: 'CE-2' },
		defaultPaymentMethod: 'pm_card_mastercard',
	});
	stripe.createCustomer({ name: 'No Card', metadata: { books_customer_id: 'CE-3' } });
	const result = await check([
		{ customerId: 'CE-1', paymentDays: [`${EXPIRY_YEAR + 1}-01-05`, `${EXPIRY_YEAR + 1}-02-05`] },
		{ customerId: 'CE-2', paymentDays: [`${EXPIRY_YEAR}-12-20`] },
		{ customerId: 'CE-3', paymentDays: [`${EXPIRY_YEAR + 1}-01-05`] },
	]);
	expect(result.error).toBeUndefined();
	const out = result.output('Node');
	expect(out[0]).toMatchObject({
		booksCustomerId: 'CE-1',
		label: 'Visa •••• 4242',
		card: { expMonth: 12, expYear: EXPIRY_YEAR },
		asOf: `${EXPIRY_YEAR}-12-01`,
		goodThrough: `${EXPIRY_YEAR}-12-31`,
		nextDueDay: `${EXPIRY_YEAR + 1}-01-05`,
		expiresBeforeNextDueDay: true,
	});
	expect(out[1]).toMatchObject({
		label: 'Mastercard •••• 4444',
		nextDueDay: `${EXPIRY_YEAR}-12-20`,
		expiresBeforeNextDueDay: false,
	});
	expect(out[2]).toMatchObject({
		hasAutomaticPaymentMethod: false,
		card: null,
		expiresBeforeNextDueDay: false,
	});
	expect(result.items('Node').map((item) => item.pairedItem)).toEqual([
		{ item: 0 },
		{ item: 1 },
		{ item: 2 },
	]);
});

test('a payment day that is not a date fails before any request, naming the item and the parameter', async () => {
	const before = stripe.stats.requests;
	const result = await check([{ customerId: 'CE-1', paymentDays: ['next tuesday'] }]);
	expect(result.error?.message).toMatch(/^Item 0: invalid "Payment Days"/);
	expect(result.error?.message).toMatch(/"next tuesday" is not a date/);
	expect(stripe.stats.requests).toBe(before);
});

test('Compose Card Expiry Notice: the notice to the customer with the add-method link, or No Notice and why', async () => {
	const result = await runWorkflow(
		singleNodeWorkflow(
			'Tools',
			'invoicePaymentsTools',
			{
				resource: 'email',
				operation: 'composeCardExpiryNotice',
				cardCheck: '={{ $json.check }}',
				customerName: 'Acme Plumbing Ltd',
				customerEmail: 'office@acme.example.com',
				accountsEmail: 'ap@acme.example.com',
				updatePaymentMethodUrl: 'https://pay.example.com/add/cs_1',
				options: { businessName: 'Business Ltd' },
			},
			{},
		),
		{
			input: [
				{
					check: {
						label: 'Visa •••• 4242',
						goodThrough: '2029-12-31',
						nextDueDay: '2030-01-05',
						expiresBeforeNextDueDay: true,
					},
				},
				{
					check: {
						label: 'Visa •••• 4242',
						goodThrough: '2029-12-31',
						nextDueDay: '2029-12-20',
						expiresBeforeNextDueDay: false,
					},
				},
			],
		},
	);
	expect(result.error).toBeUndefined();
	const [notices, none] = [0, 1].map((i) => result.items('Tools', i));
	expect(notices.map((i) => [i.json.subject, i.json.to, i.json.cc, i.pairedItem])).toEqual([
		[
			'Card Expiry Notice: Visa •••• 4242 expires before your next payment',
			'office@acme.example.com',
			'ap@acme.example.com',
			{ item: 0 },
		],
	]);
	expect(notices[0].json.text).toContain(
		'it can be charged until Monday, December 31, 2029, and your next payment is due on Saturday, January 5, 2030',
	);
	expect(notices[0].json.text).toContain(
		'Update your payment method: https://pay.example.com/add/cs_1',
	);
	expect(none.map((i) => [i.json.reason, i.pairedItem])).toEqual([
		['CARD_GOOD_ON_DUE_DAY', { item: 1 }],
	]);
});

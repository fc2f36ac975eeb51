// @ts-check
// The Auto-Pay Scan's Stripe reads grow with pages of the account, not with its customers: the
// customers, the recent PaymentIntents and the open pay links are each listed once, 100 to a
// request, and every customer's facts come from those lists.
import { apiClient } from '../fakes/stripe/test-client';
import { runNode, SECRET_KEY, startStripe } from './stripe-node';

const AS_OF = '2026-11-23T07:00:00-06:00'; // a Monday morning in Chicago
const DAY = 86_400;
const CUSTOMERS = 250;
const pad = (n) => String(n).padStart(3, '0');

const scanParams = () => ({
	takePaymentOn: 'dueDate',
	timeZone: 'America/Chicago',
	asOf: AS_OF,
	catchUpDays: 3,
	recurringOnly: true,
	checkStripe: true,
	options: {},
});

const invoice = (id, customerId, extra = {}) => ({
	id,
	customerId,
	balance: '100.00',
	currency: 'usd',
	createdAt: '2026-11-01',
	dueDate: '2026-11-23',
	recurringInvoiceId: `R-${customerId}`,
	status: 'sent',
	paymentStatus: 'unpaid',
	...extra,
});

/** Every object of a list, all pages, through the plain API (before the scan's stats). */
async function listAll(api, path, params = {}) {
	const all = [];
	for (let after; ; ) {
		const page = (
			await api.get(path, { limit: 100, ...params, ...(after ? { starting_after: after } : {}) })
		).body;
		all.push(...page.data);
		if (!page.has_more) return all;
		after = page.data[page.data.length - 1].id;
	}
}

const pages = (count) => Math.ceil(count / 100);

let stripe;
let api;
/** books id -> the Stripe customer made for it */
const customers = new Map();
let declined;
let payLinkOfInvoice3;

beforeAll(async () => {
	stripe = await startStripe();
	api = apiClient(stripe.url, SECRET_KEY);
	const now = Math.floor(Date.now() / 1000);
	// 250 books customers B-001..B-250 mapped, each with a saved card as its automatic method;
	// B-005 has no email in Stripe. One more mapped customer has no automatic method.
	const { customers: made } = stripe.seed({
		customers: [
			...Array.from({ length: CUSTOMERS }, (_, i) => ({
				name: `Customer ${pad(i + 1)}`,
				...(i + 1 === 5 ? {} : { email: `billing+${pad(i + 1)}@example.com` }),
				metadata: { books_customer_id: `B-${pad(i + 1)}` },
				defaultPaymentMethod: 'pm_card_visa',
			})),
			{ name: 'No method', metadata: { books_customer_id: 'B-NOPM' } },
		],
	});
	for (const customer of made) customers.set(customer.metadata.books_customer_id, customer);
	const id = (n) => customers.get(`B-${pad(n)}`).id;

	// customers B-001..B-<count> paid an invoice <prefix>-<n> that many days ago
	const paidAgo = (count, prefix, days) =>
		Array.from({ length: count }, (_, i) => ({
			customer: id(i + 1),
			amount: 10000,
			currency: 'usd',
			status: 'succeeded',
			metadata: { invoice_ids: `${prefix}-${pad(i + 1)}` },
			created: now - days * DAY,
		}));
	stripe.seed({
		paymentIntents: [
			// last month's invoice of every customer: in the lookback window, blocking nothing now
			...paidAgo(CUSTOMERS, 'PREV', 30),
			// older payments, outside the 45-day lookback: never listed
			...paidAgo(50, 'OLD', 60),
			// this month's invoice of B-001 already paid in Stripe, that of B-002 still processing
			{
				customer: id(1),
				amount: 10000,
				currency: 'usd',
				status: 'succeeded',
				metadata: { invoice_ids: 'INV-001' },
			},
			{
				customer: id(2),
				amount: 10000,
				currency: 'usd',
				status: 'processing',
				metadata: { invoice_ids: 'INV-002' },
			},
			// payments naming an invoice of someone else (another customer's, a guest's): only a
			// customer's own payments decide their invoices, as when each customer was read alone
			{
				customer: id(7),
				amount: 100,
				currency: 'usd',
				status: 'succeeded',
				metadata: { invoice_ids: 'INV-008' },
			},
			{ amount: 100, currency: 'usd', status: 'succeeded', metadata: { invoice_ids: 'INV-009' } },
		],
	});

	// B-004's card was reported lost when its invoice was charged yesterday.
	stripe.declineNextCharges(1, 'lostCard');
	const decline = await api.post('/v1/payment_intents', {
		amount: 10000,
		currency: 'usd',
		customer: id(4),
		payment_method: customers.get('B-004').invoice_settings.default_payment_method,
		confirm: true,
		off_session: true,
		metadata: { invoice_ids: 'INV-004' },
	});
	expect(decline.status).toBe(402);
	declined = decline.body.error.payment_intent;

	// Open pay links: B-003's for this month's invoice; 120 for other invoices of B-131..B-250;
	// one of a guest (no customer). 122 open sessions: two pages.
	const payLink = async (params, invoiceIds) =>
		(
			await api.post('/v1/checkout/sessions', {
				mode: 'payment',
				success_url: 'https://example.com/paid',
				line_items: [
					{
						price_data: { currency: 'usd', unit_amount: 10000, product_data: { name: invoiceIds } },
						quantity: 1,
					},
				],
				metadata: { invoice_ids: invoiceIds },
				...params,
			})
		).body;
	payLinkOfInvoice3 = await payLink({ customer: id(3) }, 'INV-003');
	for (let n = 131; n <= CUSTOMERS; n++) await payLink({ customer: id(n) }, `ONE-OFF-${pad(n)}`);
	await payLink({ customer_email: 'guest@example.com' }, 'GUEST-1');
});

afterAll(async () => {
	await stripe.close();
});

/** The account's list sizes the scan must read, counted through the plain API. */
async function accountSizes() {
	const since = Math.floor(Date.now() / 1000) - 45 * DAY;
	return {
		customers: (await listAll(api, '/v1/customers')).length,
		recentPayments: (await listAll(api, '/v1/payment_intents', { created: { gte: since } })).length,
		openPayLinks: (await listAll(api, '/v1/checkout/sessions', { status: 'open' })).length,
	};
}

async function scan(input) {
	stripe.resetStats();
	const result = await runNode(stripe, 'autoPayScan', scanParams(), input);
	expect(result.error).toBeUndefined();
	return {
		charge: result.output('Node', 0),
		skipped: result.output('Node', 1),
		requests: { total: stripe.stats.requests, ...stripe.stats.byRoute },
	};
}

const dueInvoices = () =>
	Array.from({ length: CUSTOMERS }, (_, i) => invoice(`INV-${pad(i + 1)}`, `B-${pad(i + 1)}`));

describe('Auto-Pay Scan with Check Stripe: reads that grow with pages, not customers', () => {
	test('250 customers due: each list is read once for the whole account, and every decision is right', async () => {
		const sizes = await accountSizes();
		expect(sizes).toEqual({ customers: 251, recentPayments: 255, openPayLinks: 122 });
		const input = [
			...dueInvoices(),
			invoice('INV-NOPM', 'B-NOPM'),
			invoice('INV-NOBODY', 'B-NOBODY'),
			invoice('INV-LATER', 'B-LATER', { dueDate: '2026-12-23' }),
		];

		const { charge, skipped, requests } = await scan(input);

		// ceil(251/100) + ceil(255/100) + ceil(122/100) = 3 + 3 + 2 = 8 requests. Read per
		// customer (as before) the same run took 3 + 2 x 251 mapped customers in the running = 505.
		expect(requests).toEqual({
			total: pages(sizes.customers) + pages(sizes.recentPayments) + pages(sizes.openPayLinks),
			'GET /v1/customers': pages(sizes.customers),
			'GET /v1/payment_intents': pages(sizes.recentPayments),
			'GET /v1/checkout/sessions': pages(sizes.openPayLinks),
		});
		expect(requests.total).toBe(8);

		expect(
			skipped.map((i) => [i.id, i.autoPay.reason, i.autoPay.paymentId, i.autoPay.declineCode]),
		).toEqual([
			['INV-001', 'ALREADY_PAID', expect.stringMatching(/^pi_/), undefined],
			['INV-002', 'PAYMENT_PENDING', expect.stringMatching(/^pi_/), undefined],
			['INV-003', 'PAYMENT_PENDING', undefined, undefined],
			['INV-004', 'DO_NOT_RETRY', declined.id, 'lost_card'],
			['INV-NOPM', 'NO_AUTOMATIC_METHOD', undefined, undefined],
			['INV-NOBODY', 'NO_CUSTOMER_MAPPING', undefined, undefined],
			['INV-LATER', 'NOT_DUE_YET', undefined, undefined],
		]);
		expect(skipped[2].autoPay.message).toBe(
			`Invoice INV-003 has an open pay link (Checkout Session ${payLinkOfInvoice3.id}, open until ${new Date(payLinkOfInvoice3.expires_at * 1000).toISOString()})`,
		);

		// Every other customer is charged with what the pay step needs: no read of Stripe again.
		expect(charge).toHaveLength(CUSTOMERS - 4);
		for (const item of charge) {
			const stripeCustomer = customers.get(item.customerId);
			expect(item.autoPay).toMatchObject({
				action: 'charge',
				invoiceId: item.id,
				amountMinor: 10000,
				currency: 'usd',
				stripeCustomerId: stripeCustomer.id,
				stripeCustomerEmail: stripeCustomer.email ?? null,
				paymentMethod: {
					id: stripeCustomer.invoice_settings.default_payment_method,
					label: 'Visa •••• 4242',
					type: 'card',
				},
			});
		}
		expect(charge[0].autoPay).toMatchObject({ invoiceId: 'INV-005', stripeCustomerEmail: null });
		expect(charge[1].autoPay.stripeCustomerEmail).toBe('billing+006@example.com');
		expect(charge.map((i) => i.id)).toEqual(expect.arrayContaining(['INV-008', 'INV-009']));
	});

	test(`a few customers in the running (up to 10) are read per customer; one more, and the account is read in pages: the decisions are the same`, async () => {
		const sizes = await accountSizes();
		const ten = dueInvoices().slice(0, 10);
		const perCustomer = await scan(ten);
		// the customer list, then one payment list and one pay-link list per customer
		expect(perCustomer.requests).toEqual({
			total: pages(sizes.customers) + 2 * 10,
			'GET /v1/customers': pages(sizes.customers),
			'GET /v1/payment_intents': 10,
			'GET /v1/checkout/sessions': 10,
		});

		const eleven = dueInvoices().slice(0, 11);
		const accountWide = await scan(eleven);
		expect(accountWide.requests.total).toBe(
			pages(sizes.customers) + pages(sizes.recentPayments) + pages(sizes.openPayLinks),
		);

		const decisions = ({ charge, skipped }) => [...charge, ...skipped].map((i) => i.autoPay);
		const sorted = (list) => [...list].sort((a, b) => a.invoiceId.localeCompare(b.invoiceId));
		expect(sorted(decisions(accountWide)).slice(0, 10)).toEqual(sorted(decisions(perCustomer)));
		expect(
			decisions(perCustomer)
				.map((d) => d.reason ?? d.action)
				.sort(),
		).toEqual([
			'ALREADY_PAID',
			'DO_NOT_RETRY',
			'PAYMENT_PENDING',
			'PAYMENT_PENDING',
			...Array(6).fill('charge'),
		]);
	});

	test('no invoice in the running (paid, not due, not recurring, duplicates): no Stripe request at all', async () => {
		const { charge, skipped, requests } = await scan([
			invoice('INV-001', 'B-001', { status: 'paid' }),
			invoice('INV-002', 'B-002', { dueDate: '2026-12-23' }),
			invoice('INV-003', 'B-003', { recurringInvoiceId: '' }),
			invoice('INV-003', 'B-003', { recurringInvoiceId: '' }),
			invoice('INV-006', 'B-006', { paymentStatus: 'pending' }),
		]);
		expect(charge).toEqual([]);
		expect(skipped.map((i) => i.autoPay.reason)).toEqual([
			'ALREADY_PAID',
			'NOT_DUE_YET',
			'NOT_RECURRING',
			'DUPLICATE_IN_INPUT',
			'PAYMENT_PENDING',
		]);
		expect(requests).toEqual({ total: 0 });
	});
});

/**
 * Paying outstanding invoices from the portal or by an agent, through the live webhook: who may
 * pay what (JWT + the books' callers), the guards, one payment for several invoices with one
 * record per invoice and the fee on its own line, pay links, and the emails.
 */
import { clients, loadState } from './support/clients';
import { mails, settle } from './support/settle';
import { seedFor } from './support/seed';

const state = loadState();
const c = clients(state);
const { n8n, stripe, books, smtp, request, jwt } = c;
const P = 'pay';
const WORKFLOW = 'invPayWf4PayNow';
const HOOK = n8n.webhook('invoice-payments/pay');
const id = (key) => `${P}-${key}`;
let customers;

const pay = (token, body) =>
	request('POST', HOOK, { headers: token ? { authorization: `Bearer ${token}` } : {}, body });
const token = (caller, claims = {}) => jwt({ sub: id(caller), ...claims });
const ourCharges = async () =>
	(await stripe.ledger()).charges.filter((charge) =>
		charge.invoiceIds.some((i) => i.startsWith(`${P}-`)),
	);
const ourRecords = async () =>
	(await books.payments()).filter((p) => p.invoiceId.startsWith(`${P}-`));

beforeAll(async () => {
	await n8n.setSettings(WORKFLOW, { feePercent: '3', emailSetting: 'successesAndFailures' });
	await n8n.setSettings('invPayWf3Status', { emailSetting: 'successesAndFailures' });
	const { seed } = seedFor(P, state.timeZone, {
		customers: [
			{ key: 'c1', name: 'Acme Plumbing' },
			{ key: 'c2', name: 'Brightside Dental' },
		],
		invoices: [
			{ key: 'i1', customer: 'c1', total: '100.00', recurring: false },
			{ key: 'i2', customer: 'c1', total: '50.00', recurring: false },
			{ key: 'i3', customer: 'c1', total: '20.00', recurring: false, sentToProvider: false },
			{ key: 'i4', customer: 'c1', total: '30.00', recurring: false, paymentStatus: 'pending' },
			{
				key: 'i5',
				customer: 'c1',
				total: '10.00',
				balance: '0.00',
				status: 'paid',
				paymentStatus: 'paid',
				recurring: false,
			},
			{ key: 'i6', customer: 'c2', total: '70.00', recurring: false },
			{ key: 'i7', customer: 'c2', total: '45.00', recurring: false },
		],
		callers: [
			{
				key: 'pat',
				kind: 'portal',
				name: 'Pat Portal',
				email: 'pat@acme.example.com',
				customer: 'c1',
				invoiceAccessLevel: 'customer',
			},
			{
				key: 'robin',
				kind: 'portal',
				name: 'Robin Portal',
				email: 'robin@acme.example.com',
				customer: 'c1',
				invoiceAccessLevel: 'none',
			},
			{
				key: 'dana',
				kind: 'agent',
				name: 'Dana Agent',
				email: 'dana@demo-services.example.com',
				canReceiveManualStripePayments: true,
			},
			{
				key: 'lee',
				kind: 'agent',
				name: 'Lee Agent',
				email: 'lee@demo-services.example.com',
				canReceiveManualStripePayments: false,
			},
		],
	});
	await books.reset(seed);
	customers = {};
	for (const key of ['c1', 'c2']) {
		const customer = seed.customers.find((x) => x.id === id(key));
		customers[key] = await stripe.createCustomer({
			name: customer.name,
			email: customer.email,
			metadata: { books_customer_id: customer.id },
			defaultPaymentMethod: 'pm_card_visa',
		});
	}
	await smtp.clear();
});

describe('who may pay what: refused requests charge nothing', () => {
	test.each([
		['no token', 401, () => null, { payAll: true }, null],
		[
			'a token signed with another secret',
			403,
			() => jwt({ sub: id('pat') }, 'another-secret-of-some-other-system-123'),
			{ payAll: true },
			null,
		],
		[
			'an expired token',
			403,
			() => token('pat', { exp: Math.floor(Date.now() / 1000) - 60 }),
			{ payAll: true },
			null,
		],
		[
			'a caller the books do not know',
			403,
			() => token('nobody'),
			{ payAll: true },
			'UNKNOWN_CALLER',
		],
		[
			'a portal user without invoice access',
			403,
			() => token('robin'),
			{ payAll: true },
			'NO_INVOICE_ACCESS',
		],
		[
			'an agent without "Can Receive Manual Stripe Payments"',
			403,
			() => token('lee'),
			{ customerId: id('c2'), payAll: true },
			'NOT_PERMITTED',
		],
		[
			'a portal user naming another customer',
			403,
			() => token('pat'),
			{ customerId: id('c2'), payAll: true },
			'FOREIGN_CUSTOMER',
		],
		[
			"a portal user asking for another customer's invoice",
			403,
			() => token('pat'),
			{ invoiceIds: [id('i1'), id('i6')] },
			'FOREIGN_INVOICE',
		],
		[
			'an invoice never sent to the provider',
			409,
			() => token('pat'),
			{ invoiceIds: [id('i3')] },
			'NOT_SENT_TO_PROVIDER',
		],
		[
			'an invoice with a payment pending',
			409,
			() => token('pat'),
			{ invoiceIds: [id('i4')] },
			'PAYMENT_PENDING',
		],
		[
			'an invoice with nothing left to pay',
			409,
			() => token('pat'),
			{ invoiceIds: [id('i5')] },
			'NOTHING_TO_PAY',
		],
		[
			'a request without invoices',
			400,
			() => token('pat'),
			{ howToPay: 'automatic' },
			'BAD_REQUEST',
		],
	])('%s: %i', async (_, status, makeToken, body, code) => {
		const res = await pay(makeToken(), body);
		expect(res.status).toBe(status);
		if (code) expect(res.json.error).toMatchObject({ code, message: expect.any(String) });
		expect(await ourCharges()).toEqual([]);
		expect(await ourRecords()).toEqual([]);
	});

	test('the guards answer in plain words', async () => {
		const res = await pay(token('pat'), { invoiceIds: [id('i3')] });
		expect(res.json.error.message).toBe(
			'Invoice PAY-I3 was never sent to the payment provider, so it cannot be paid online',
		);
	});
});

test('a portal user pays all outstanding invoices in one payment: one record per invoice, the fee on its own line', async () => {
	const res = await pay(token('pat'), { payAll: true, howToPay: 'automatic' });
	expect(res.status).toBe(200);
	const { payments, notIncluded } = res.json;
	expect(
		payments.map((p) => [p.invoiceId, p.status, p.amount.amount, p.fee.amount, p.total.amount]),
	).toEqual([
		[id('i1'), 'succeeded', '100.00', '3.00', '103.00'],
		[id('i2'), 'succeeded', '50.00', '1.50', '51.50'],
	]);
	expect(payments[0].paymentId).toBe(payments[1].paymentId);
	expect(payments[0].combinedPaymentId).toBe(payments[0].paymentId);
	expect(notIncluded.map((n) => [n.invoiceId, n.code])).toEqual([
		[id('i3'), 'NOT_SENT_TO_PROVIDER'],
		[id('i4'), 'PAYMENT_PENDING'],
	]);
	expect((await ourCharges()).map((charge) => [charge.invoiceIds, charge.amount])).toEqual([
		[[id('i1'), id('i2')], 15450],
	]);
	expect((await ourRecords()).map((r) => [r.invoiceId, r.paymentId, r.status])).toEqual([
		[id('i1'), payments[0].paymentId, 'succeeded'],
		[id('i2'), payments[0].paymentId, 'succeeded'],
	]);
	for (const key of ['i1', 'i2'])
		expect(await books.invoice(id(key))).toMatchObject({ paymentStatus: 'paid', balance: '0.00' });
	await settle(c);
	const messages = await mails(smtp, 2);
	expect(messages.map((m) => m.subject).sort()).toEqual([
		'Payment Confirmation: invoice PAY-I1',
		'Payment Confirmation: invoice PAY-I2',
	]);
	// the paying user is copied
	for (const message of messages)
		expect(message.cc).toBe(`ap@c1.${P}.example.com, pat@acme.example.com`);
	expect(messages.find((m) => m.subject.endsWith('PAY-I1')).text).toContain(
		'Processing fee: $3.00',
	);
	// paid now: a second request finds nothing to pay, and charges nothing
	const again = await pay(token('pat'), { invoiceIds: [id('i1')] });
	expect(again.status).toBe(409);
	expect(await ourCharges()).toHaveLength(1);
});

test('a pay link: a Stripe Checkout page for the invoices, nothing charged or recorded until the customer pays', async () => {
	const res = await pay(token('dana'), {
		customerId: id('c2'),
		invoiceIds: [id('i7')],
		howToPay: 'payLink',
	});
	expect(res.status).toBe(200);
	expect(res.json.payLink).toMatch(new RegExp(`^${state.stripeUrl}/checkout/cs_test_\\w+$`));
	expect(res.json.invoices).toEqual([
		expect.objectContaining({
			invoiceId: id('i7'),
			total: expect.objectContaining({ amount: '46.35' }),
		}),
	]);
	expect((await ourCharges()).filter((charge) => charge.invoiceIds.includes(id('i7')))).toEqual([]);
	expect((await ourRecords()).filter((r) => r.invoiceId === id('i7'))).toEqual([]);
});

test('an agent with the permission charges a saved payment method of the customer', async () => {
	await smtp.clear();
	const method = customers.c2.invoice_settings.default_payment_method;
	const res = await pay(token('dana'), {
		customerId: id('c2'),
		invoiceIds: [id('i6')],
		howToPay: 'savedMethod',
		paymentMethodId: method,
	});
	expect(res.status).toBe(200);
	expect(res.json.payments).toEqual([
		expect.objectContaining({
			invoiceId: id('i6'),
			status: 'succeeded',
			paymentMethod: expect.objectContaining({ id: method }),
		}),
	]);
	expect(
		(await ourCharges())
			.filter((charge) => charge.invoiceIds.includes(id('i6')))
			.map((charge) => charge.amount),
	).toEqual([7210]);
	await settle(c);
	const [message] = await mails(smtp, 1);
	expect(message.subject).toBe('Payment Confirmation: invoice PAY-I6');
	expect(message.cc).toBe(`ap@c2.${P}.example.com, dana@demo-services.example.com`);
});

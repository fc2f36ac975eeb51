// @ts-check
/**
 * Paying outstanding invoices from the portal or by an agent, through the live webhooks: who may
 * pay what (the portal's and the agents' app's JWTs, each checked by n8n's Webhook node with its
 * own credential, their claims by Authorize, then the books' callers), the guards, one payment
 * for several invoices with one record per invoice and the fee on its own line, pay links, the
 * emails, and a replayed request charging nothing more.
 */
import { clients, loadState } from './support/clients';
import { mails, settle } from './support/settle';
import { seededCustomer, seedFor } from './support/seed';

const state = loadState();
const c = clients(state);
const { n8n, stripe, books, smtp, request, jwt } = c;
const P = 'pay';
const WORKFLOW = 'invPayWf4PayNow';
const PORTAL = n8n.webhook('invoice-payments/pay');
const AGENTS = n8n.webhook('invoice-payments/agents/pay');
const PORTAL_SECRET = state.credentials.invPayPayerJwt01.data.secret;
const id = (key) => `${P}-${key}`;
let customers;
// callers whose `active` is anything but true (undefined: the books leave the field out)
/** @type {Array<[string, unknown]>} */
const INACTIVE = [
	['off-false', false],
	['off-false-text', 'false'],
	['off-zero-text', '0'],
	['off-zero', 0],
	['off-null', null],
	['off-missing', undefined],
];

const post = (hook, token, body) =>
	request('POST', hook, { headers: token ? { authorization: `Bearer ${token}` } : {}, body });
const pay = (token, body) => post(PORTAL, token, body);
const agentPay = (token, body) => post(AGENTS, token, body);
/** A token of the portal (default) or the agents' app for a caller of the books. */
const token = (caller, claims = {}, kind = 'portal') =>
	jwt({ sub: id(caller), ...claims }, { kind });
const agentToken = (caller, claims = {}) => token(caller, claims, 'agent');
const now = () => Math.floor(Date.now() / 1000);
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
			{ key: 'c3', name: 'Cobalt Cleaning' },
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
			{ key: 'i8', customer: 'c3', total: '60.00', recurring: false },
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
			{
				key: 'kim',
				kind: 'portal',
				name: 'Kim Portal',
				email: 'kim@cobalt.example.com',
				customer: 'c3',
				invoiceAccessLevel: 'customer',
			},
			// every one may pay but for its `active` flag, which is not a true boolean true
			...INACTIVE.map(([key, active]) => ({
				key,
				kind: 'portal',
				name: `Inactive ${key}`,
				email: `${key}@acme.example.com`,
				customer: 'c1',
				invoiceAccessLevel: 'customer',
				active,
			})),
			{
				key: 'gone',
				kind: 'agent',
				name: 'Gone Agent',
				email: 'gone@demo-services.example.com',
				canReceiveManualStripePayments: true,
				active: 'false',
			},
		],
	});
	await books.reset(seed);
	customers = {};
	for (const key of ['c1', 'c2', 'c3']) {
		const customer = seededCustomer(seed, id(key));
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
	/**
	 * [what, webhook, token, body, status, refusal]: a refusal code of ours, or n8n's own words
	 * @typedef {[string, string, () => string | null, object, number, string | RegExp]} Refusal
	 */
	/** @type {Refusal[]} */
	const refusals = [
		['no token', PORTAL, () => null, { payAll: true }, 401, /No token provided/],
		["no token on the agents' path", AGENTS, () => null, {}, 401, /No token provided/],
		[
			'a token signed with another secret',
			PORTAL,
			() => jwt({ sub: id('pat') }, { secret: 'another-secret-of-some-other-system-123' }),
			{ payAll: true },
			403,
			/invalid signature/,
		],
		[
			'an expired token',
			PORTAL,
			() => token('pat', { exp: now() - 60 }),
			{ payAll: true },
			403,
			/jwt expired/,
		],
		[
			'a token without exp (n8n alone accepts it for ever)',
			PORTAL,
			() => token('pat', { exp: undefined }),
			{ payAll: true },
			401,
			'INVALID_TOKEN',
		],
		[
			'a token without iat',
			PORTAL,
			() => token('pat', { iat: undefined }),
			{ payAll: true },
			401,
			'INVALID_TOKEN',
		],
		[
			'a token issued for 16 minutes (the bound is 15)',
			PORTAL,
			() => token('pat', { iat: now() - 60, exp: now() - 60 + 16 * 60 }),
			{ payAll: true },
			401,
			'INVALID_TOKEN',
		],
		[
			'a token for another audience',
			PORTAL,
			() => token('pat', { aud: 'https://portal.demo-services.example.com/api' }),
			{ payAll: true },
			401,
			'INVALID_TOKEN',
		],
		[
			'a token from another issuer',
			PORTAL,
			() => token('pat', { iss: 'https://elsewhere.example.com' }),
			{ payAll: true },
			401,
			'INVALID_TOKEN',
		],
		[
			'a portal token naming an agent (sub: an agent with the permission)',
			PORTAL,
			() => token('dana'),
			{ customerId: id('c2'), payAll: true },
			403,
			'WRONG_TOKEN_KIND',
		],
		[
			"a portal token naming an agent, on the agents' path",
			AGENTS,
			() => token('dana'),
			{ customerId: id('c2'), payAll: true },
			403,
			/invalid signature/,
		],
		[
			"the portal's secret writing the agents' issuer and audience",
			AGENTS,
			() => jwt({ sub: id('dana') }, { kind: 'agent', secret: PORTAL_SECRET }),
			{ customerId: id('c2'), payAll: true },
			403,
			/invalid signature/,
		],
		[
			"an agents' app token on the portal's path",
			PORTAL,
			() => agentToken('dana'),
			{ customerId: id('c2'), payAll: true },
			403,
			/invalid signature/,
		],
		[
			"an agents' app token naming a portal user",
			AGENTS,
			() => agentToken('pat'),
			{ payAll: true },
			403,
			'WRONG_TOKEN_KIND',
		],
		...INACTIVE.map(
			/** @returns {Refusal} */ ([key, active]) => [
				`a portal user whose active is ${JSON.stringify(active) ?? 'missing'}`,
				PORTAL,
				() => token(key),
				{ payAll: true },
				403,
				'CALLER_INACTIVE',
			],
		),
		[
			'an agent whose active is "false"',
			AGENTS,
			() => agentToken('gone'),
			{ customerId: id('c2'), payAll: true },
			403,
			'CALLER_INACTIVE',
		],
		[
			'a caller the books do not know',
			PORTAL,
			() => token('nobody'),
			{ payAll: true },
			403,
			'UNKNOWN_CALLER',
		],
		[
			'a portal user without invoice access',
			PORTAL,
			() => token('robin'),
			{ payAll: true },
			403,
			'NO_INVOICE_ACCESS',
		],
		[
			'an agent without "Can Receive Manual Stripe Payments"',
			AGENTS,
			() => agentToken('lee'),
			{ customerId: id('c2'), payAll: true },
			403,
			'NOT_PERMITTED',
		],
		[
			'a portal user naming another customer',
			PORTAL,
			() => token('pat'),
			{ customerId: id('c2'), payAll: true },
			403,
			'FOREIGN_CUSTOMER',
		],
		[
			"a portal user asking for another customer's invoice",
			PORTAL,
			() => token('pat'),
			{ invoiceIds: [id('i1'), id('i6')] },
			403,
			'FOREIGN_INVOICE',
		],
		[
			'an invoice never sent to the provider',
			PORTAL,
			() => token('pat'),
			{ invoiceIds: [id('i3')] },
			409,
			'NOT_SENT_TO_PROVIDER',
		],
		[
			'an invoice with a payment pending',
			PORTAL,
			() => token('pat'),
			{ invoiceIds: [id('i4')] },
			409,
			'PAYMENT_PENDING',
		],
		[
			'an invoice with nothing left to pay',
			PORTAL,
			() => token('pat'),
			{ invoiceIds: [id('i5')] },
			409,
			'NOTHING_TO_PAY',
		],
		[
			'a request without invoices',
			PORTAL,
			() => token('pat'),
			{ howToPay: 'automatic' },
			400,
			'BAD_REQUEST',
		],
	];
	test.each(refusals)('%s', async (_, hook, makeToken, body, status, refusal) => {
		const res = await post(hook, makeToken(), body);
		expect(res.status).toBe(status);
		if (typeof refusal === 'string')
			expect(res.json.error).toEqual({ code: refusal, message: expect.any(String) });
		else expect(res.text).toMatch(refusal);
		expect(await ourCharges()).toEqual([]);
		expect(await ourRecords()).toEqual([]);
	});

	test('a refused token says why in a few words', async () => {
		const res = await pay(token('pat', { exp: undefined }), { payAll: true });
		expect(res.json.error.message).toBe('The token is not accepted: it has no expiry (exp)');
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
	const res = await agentPay(agentToken('dana'), {
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
	const res = await agentPay(agentToken('dana'), {
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

test('a replayed request (the same token, its jti, the same body) charges nothing more: harmless, not refused', async () => {
	await smtp.clear();
	const replayed = token('kim');
	const body = { invoiceIds: [id('i8')], howToPay: 'automatic' };
	// sent twice at the same moment, then once more after both answered
	const twice = await Promise.all([pay(replayed, body), pay(replayed, body)]);
	const again = await pay(replayed, body);
	const answers = [...twice, again];
	for (const res of answers) expect([200, 409]).toContain(res.status);
	const paid = answers.filter((res) => res.status === 200);
	expect(paid.length).toBeGreaterThanOrEqual(1);
	// every 200 names the same payment: the first one's
	const paymentIds = new Set(paid.map((res) => res.json.payments[0].paymentId));
	expect(paymentIds.size).toBe(1);
	expect(again.status).toBe(409);
	expect(again.json.error.code).toBe('NOTHING_TO_PAY');
	expect(
		(await ourCharges())
			.filter((charge) => charge.invoiceIds.includes(id('i8')))
			.map((charge) => charge.amount),
	).toEqual([6180]);
	expect((await ourRecords()).filter((r) => r.invoiceId === id('i8'))).toEqual([
		expect.objectContaining({ paymentId: [...paymentIds][0], status: 'succeeded' }),
	]);
	await settle(c);
	expect((await mails(smtp, 1)).map((m) => m.subject)).toEqual([
		'Payment Confirmation: invoice PAY-I8',
	]);
});

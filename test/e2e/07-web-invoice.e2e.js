// @ts-check
/**
 * The web invoice with Pay Now, in headless Chromium against the live workflow: the books get a
 * signed link, the customer opens it, types a test card into the 360 Payments gateway's own card
 * fields, presses Pay Now and sees the result; the gateway charged once, the books and the
 * customer's mailbox have it; the sale's order ID is the books' invoice ID, with its customer and
 * number beside it. A sale of the same order ID that is not this payment refuses the charge: the
 * page gets no detail, the run fails for the admin. Tampered, expired and unsigned requests
 * answer 401/403 and charge nothing. The gateway gets the invoice's customer's email from the
 * books, whatever the page posts. Without 360 Payments the link leads to a Stripe pay link.
 *
 * With Stripe connected too (the shipped Settings), the card is charged by the Charge Token that
 * claims the invoice in Stripe first (a hold, captured once the claim is turned): a Stripe payment
 * of the invoice the books have not heard of yet takes it instead (nothing held or charged at the
 * gateway, the page told plainly, the books get that payment); a Stripe Pay Invoice after a Pay
 * Now payment is refused; Pay Now and the daily auto-pay at the same moment take the money once.
 * With only 360 Payments connected the card is charged as before, without Stripe.
 */
import { createHmac } from 'node:crypto';

import { launchChromium } from './support/browser';
import { clients, loadState } from './support/clients';
import { mails, settle } from './support/settle';
import { seedFor } from './support/seed';

const state = loadState();
const c = clients(state);
const { n8n, stripe, books, smtp, gateway, request } = c;
const P = 'web';
const WORKFLOW = 'invPayWf5WebInv';
const AUTO_PAY = 'invPayWf2AutoPay';
/** Stripe's route every claim (and every payment) is made through. */
const CLAIM_ROUTE = 'POST /v1/payment_intents';
const id = (key) => `${P}-${key}`;
const booksKey = state.credentials.invPayBooksHook1.data;
const linkSecret = state.credentials.invPayLinkSign01.data.secret;
const gatewayKey = state.credentials.invPay360Demo001.data.securityKey;
const stripeCredential = state.credentials.invPayStripeDemo;
let browser;
/** The Stripe customer of each books customer, by books id. */
const stripeCustomers = {};

const issue = (invoiceId, headers = { [booksKey.name]: booksKey.value }) =>
	request('POST', n8n.webhook('invoice-payments/web-invoice/link'), {
		headers,
		body: { invoiceId },
	});
const salesOf = async (orderId) =>
	(await gateway.ledger()).sales.filter((sale) => sale.orderId === orderId);
const cardToken = async () =>
	(
		await gateway.hook('POST', 'tokens', {
			ccnumber: '4111111111111111',
			ccexp: '1234',
			cvv: '123',
		})
	).token;
/**
 * The workflow's runs started since `since` (ms), once `count` of them have finished. By start
 * time, not by the ids listed before: a run of the test before may be saved only after that list.
 */
const runsSince = (since, count) =>
	c.waitFor(`${count} finished runs of the web invoice`, async () => {
		const runs = (await n8n.executions(WORKFLOW)).filter((e) => Date.parse(e.startedAt) >= since);
		const finished = runs.filter((e) => ['success', 'error', 'crashed'].includes(e.status));
		return finished.length >= count && finished.length === runs.length ? runs : null;
	});
/** Posts a card token to the pay webhook as the Pay Now page of a link (its query) does. */
const payWith = async (linkQuery, token) =>
	request('POST', `${n8n.webhook('invoice-payments/web-invoice/pay')}?${linkQuery}`, {
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: `payment_token=${token}`,
	});

beforeAll(async () => {
	await n8n.setSettings(WORKFLOW, {
		gateway360Connected: true,
		stripeConnected: true,
		emailSetting: 'successesAndFailures',
	});
	await n8n.setSettings('invPayWf3Status', { emailSetting: 'successesAndFailures' });
	const { seed } = seedFor(P, state.timeZone, {
		customers: [
			{ key: 'c1', name: 'Web Customer' },
			{ key: 'c2', name: 'Web and Auto-Pay Customer' },
		],
		invoices: [
			{ key: 'i1', customer: 'c1', total: '125.00', recurring: false },
			{ key: 'i2', customer: 'c1', total: '80.00', recurring: false },
			{ key: 'i3', customer: 'c1', total: '15.00', recurring: false },
			{ key: 'i4', customer: 'c1', total: '500.00', recurring: false },
			{ key: 'i5', customer: 'c1', total: '40.00', recurring: false },
			{ key: 'i6', customer: 'c2', total: '60.00', recurring: false },
			{ key: 'i7', customer: 'c2', total: '70.00', recurring: false },
			// the only recurring invoice, due today: the daily auto-pay charges it
			{ key: 'i8', customer: 'c2', total: '90.00' },
			{ key: 'i9', customer: 'c1', total: '35.00', recurring: false },
			{ key: 'i10', customer: 'c2', total: '50.00', recurring: false },
		],
	});
	await books.reset(seed);
	for (const customer of seed.customers) {
		stripeCustomers[customer.id] = await stripe.createCustomer({
			name: customer.name,
			email: customer.email,
			metadata: { books_customer_id: customer.id },
			// c2 pays by auto-pay too
			...(customer.id === id('c2') ? { defaultPaymentMethod: 'pm_card_visa' } : {}),
		});
	}
	await smtp.clear();
	browser = await launchChromium();
}, 90_000);

afterAll(async () => {
	await browser?.close();
	await n8n.setSettings(WORKFLOW, { gateway360Connected: true });
});

async function enterCard(page, number) {
	await page.frameLocator('#ccnumber iframe').locator('input').fill(number);
	await page.frameLocator('#ccexp iframe').locator('input').fill('12/34');
	await page.frameLocator('#cvv iframe').locator('input').fill('123');
}

test('issuing a link needs the books key; the link pays one invoice until it expires', async () => {
	expect((await issue(id('i1'), {})).status).toBe(403);
	expect((await issue(id('nope'))).status).toBe(404);
	const res = await issue(id('i1'));
	expect(res.status).toBe(200);
	expect(res.json.url).toMatch(
		new RegExp(
			`^${n8n.webhook('invoice-payments/web-invoice')}\\?invoice=${id('i1')}&expires=\\d+&sig=[\\w-]{43}$`,
		),
	);
	const days = (Date.parse(res.json.expiresAt) - Date.now()) / 86_400_000;
	expect(days).toBeGreaterThan(29.9);
	expect(days).toBeLessThanOrEqual(30);
});

test('the customer opens the web invoice, a declined card is shown, then Pay Now pays it once', async () => {
	const { url } = (await issue(id('i1'))).json;
	const context = await browser.newContext();
	try {
		const page = await context.newPage();
		const response = await page.goto(url);
		expect(response.status()).toBe(200);
		await expect(page.locator('#invoice-number').inputValue()).resolves.toBe('WEB-I1');
		await expect(page.locator('#amount').inputValue()).resolves.toBe('$125.00');
		await expect(page.locator('#customer-email').inputValue()).resolves.toBe(
			`ap@c1.${P}.example.com`,
		);
		// the card fields are the gateway's frames: card data never passes through n8n
		await page.frameLocator('#ccnumber iframe').locator('input').waitFor({ timeout: 20_000 });
		expect(
			page.frames().filter((frame) => frame.url().startsWith(`${state.gatewayUrl}/token/field`)),
		).toHaveLength(3);

		await enterCard(page, '4000000000000002');
		await page.locator('#pay-button').click();
		await page.locator('#pay-error').waitFor({ state: 'visible', timeout: 30_000 });
		await expect(page.locator('#pay-error').textContent()).resolves.toMatch(/DECLINE/i);
		expect(await salesOf(id('i1'))).toEqual([]);

		await enterCard(page, '4111111111111111');
		await page.locator('#pay-button').click();
		await page.locator('#pay-success').waitFor({ state: 'visible', timeout: 30_000 });
		await expect(page.locator('#pay-success').textContent()).resolves.toContain(
			'Invoice WEB-I1 is paid: $125.00',
		);
		await page.screenshot({ path: `${state.logDir}/web-invoice-paid.png` });
	} finally {
		await context.close();
	}
	const sales = await salesOf(id('i1'));
	expect(sales).toEqual([
		expect.objectContaining({ amount: '125.00', currency: 'USD', voided: false }),
	]);
	// the gateway keeps the invoice ID as the order ID, the customer and the number beside it
	const stored = (await gateway.hook('GET', 'transactions')).find(
		(t) => t.transactionId === sales[0].transactionId,
	);
	expect(stored).toMatchObject({
		orderId: id('i1'),
		orderDescription: 'Invoice WEB-I1',
		merchantDefinedFields: { 1: id('c1'), 2: 'WEB-I1' },
	});
	const records = (await books.payments()).filter((p) => p.invoiceId === id('i1'));
	expect(records.map((r) => [r.provider, r.status, r.paymentId])).toEqual([
		['gateway360', 'failed', expect.any(String)],
		['gateway360', 'succeeded', sales[0].transactionId],
	]);
	expect(await books.invoice(id('i1'))).toMatchObject({ paymentStatus: 'paid', balance: '0.00' });
	const messages = await mails(smtp, 2);
	expect(messages.map((m) => m.subject).sort()).toEqual([
		'Payment Confirmation: invoice WEB-I1',
		'Payment Failure: invoice WEB-I1',
	]);
	expect(messages.find((m) => m.subject.startsWith('Payment Confirmation')).to).toBe(
		`office@c1.${P}.example.com`,
	);

	// the same link again: paid, nothing more to pay
	const again = await request('GET', (await issue(id('i1'))).json.url);
	expect(again.status).toBe(409);
	expect(again.text).toContain('Invoice WEB-I1 has no balance to pay');
});

test('a $10 sale of the same order ID does not pay the $500 invoice: refused, nothing charged, the run fails', async () => {
	// keyed at the gateway outside n8n, e.g. in its virtual terminal
	const outside = Object.fromEntries(
		new URLSearchParams(
			(
				await request('POST', `${state.gatewayUrl}/api/transact.php`, {
					headers: { 'content-type': 'application/x-www-form-urlencoded' },
					body: new URLSearchParams({
						security_key: gatewayKey,
						type: 'sale',
						amount: '10.00',
						orderid: id('i4'),
						payment_token: await cardToken(),
					}).toString(),
				})
			).text,
		),
	);
	expect(outside.response).toBe('1');
	const since = Date.now();
	const { url } = (await issue(id('i4'))).json;
	const refused = await payWith(new URL(url).searchParams, await cardToken());
	expect(refused.status).toBe(502);
	expect(refused.json).toEqual({
		status: 'error',
		failure: { message: 'The payment could not be completed. Please contact us.' },
	});
	expect((await salesOf(id('i4'))).map((sale) => sale.amount)).toEqual(['10.00']);
	expect((await books.payments()).filter((p) => p.invoiceId === id('i4'))).toEqual([]);
	expect(await books.invoice(id('i4'))).toMatchObject({
		paymentStatus: 'unpaid',
		balance: '500.00',
	});
	// the admin sees it: the run (after the link's) failed, naming the sale in the way
	const runs = await runsSince(since, 2);
	expect(runs.map((e) => e.status).sort()).toEqual(['error', 'success']);
	const run = await n8n.execution(runs.find((e) => e.status === 'error').id);
	expect(run.data.resultData.error.message).toBe(
		`360 Payments: Invoice WEB-I4 (order ID ${id('i4')}) already has sale ${outside.transactionid} at the gateway that is not this payment (it names no customer, so Charge Token did not make it; it charged $10.00, not $500.00); nothing was charged. If that sale paid this invoice, record it in your books; if not, void or refund it; then pay again.`,
	);
});

test('a tampered or expired link shows an error page (401/403) in the browser and charges nothing', async () => {
	const { url } = (await issue(id('i3'))).json;
	const expires = Math.floor(Date.now() / 1000) - 60;
	const expiredSig = createHmac('sha256', linkSecret)
		.update(`invoice-link.v1\n${id('i3')}\n${expires}`)
		.digest('base64url');
	const expired = `${n8n.webhook('invoice-payments/web-invoice')}?invoice=${id('i3')}&expires=${expires}&sig=${expiredSig}`;
	const context = await browser.newContext();
	try {
		const page = await context.newPage();
		for (const [link, status, message] of [
			[url.replace(id('i3'), id('i2')), 401, 'This payment link is not valid'],
			[url.replace(/sig=[\w-]+/, 'sig='), 401, 'This payment link is incomplete'],
			[expired, 403, 'This payment link has expired'],
		]) {
			const response = await page.goto(link);
			expect(response.status()).toBe(status);
			await expect(page.locator('#message').textContent()).resolves.toContain(message);
			expect(await page.locator('#pay-button').count()).toBe(0);
		}
	} finally {
		await context.close();
	}
	// posting a card token with a tampered link is refused before the gateway is asked
	const query = new URL(url).searchParams;
	const sig = /** @type {string} the link's signature */ (query.get('sig'));
	query.set('sig', `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`);
	const refused = await payWith(query, await cardToken());
	expect(refused.status).toBe(401);
	expect(refused.json).toMatchObject({ status: 'refused', failure: { code: 'bad_signature' } });
	expect(await salesOf(id('i3'))).toEqual([]);
	expect((await books.payments()).filter((p) => p.invoiceId === id('i3'))).toEqual([]);
});

test("the gateway gets the email of the invoice's customer from the books, not the one the page posts", async () => {
	const { url } = (await issue(id('i5'))).json;
	const paid = await request(
		'POST',
		`${n8n.webhook('invoice-payments/web-invoice/pay')}?${new URL(url).searchParams}`,
		{
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({
				payment_token: await cardToken(),
				customer_email: 'someone@elsewhere.example.com',
				amount: '0.01',
			}).toString(),
		},
	);
	expect(paid.status).toBe(200);
	expect(paid.json).toMatchObject({ status: 'succeeded', invoiceId: id('i5') });
	const [sale] = await salesOf(id('i5'));
	expect(sale.amount).toBe('40.00');
	const stored = (await gateway.hook('GET', 'transactions')).find(
		(t) => t.transactionId === sale.transactionId,
	);
	// the address the Pay Now page shows: the customer's accounts email in the books
	expect(stored.email).toBe(`ap@c1.${P}.example.com`);
	expect(await books.invoice(id('i5'))).toMatchObject({ paymentStatus: 'paid', balance: '0.00' });
});

/** The Pay Now page of a fresh link of the invoice posting a new card's token. */
const payNow = async (invoiceId) =>
	payWith(new URL((await issue(invoiceId)).json.url).searchParams, await cardToken());
/** Every transaction the gateway holds for the order, declined and voided ones included. */
const transactionsOf = async (orderId) =>
	(await gateway.hook('GET', 'transactions')).filter((t) => t.orderId === orderId);
/** Money taken for the invoice: Stripe's charges naming it, the gateway's captured sales. */
const chargesOf = async (invoiceId) => ({
	stripe: (await stripe.ledger()).charges.filter((charge) => charge.invoiceIds.includes(invoiceId))
		.length,
	gateway: (await salesOf(invoiceId)).filter((sale) => sale.captured && !sale.voided).length,
});
/** The answer the Pay Now page gets when a Stripe payment has paid the invoice. */
const paidInStripe = (number) => ({
	status: 'refused',
	failure: {
		code: 'ALREADY_PAID',
		message: `Invoice ${number} is already paid; nothing was charged to this card.`,
	},
});

test('a Stripe payment of the invoice the books have not heard of takes Pay Now: nothing held at the gateway, the page told plainly', async () => {
	const customer = stripeCustomers[id('c2')];
	// paid in Stripe a moment ago (say by the auto-pay), its webhook not delivered yet: no event
	const {
		paymentIntents: [stripePayment],
	} = await stripe.hook('POST', 'seed', {
		paymentIntents: [
			{
				customer: customer.id,
				amount: 6000,
				currency: 'usd',
				status: 'succeeded',
				paymentMethod: 'pm_card_visa',
				metadata: { books_customer_id: id('c2'), invoice_ids: id('i6'), invoice_lines: '6000/0' },
			},
		],
	});
	await smtp.clear();
	const since = Date.now();
	const answer = await payNow(id('i6'));

	expect(answer.status).toBe(409);
	expect(answer.json).toEqual(paidInStripe('WEB-I6'));
	expect(answer.text).not.toMatch(/pi_|cus_/);
	// not even a hold on the card
	expect(await transactionsOf(id('i6'))).toEqual([]);
	// the money was taken once: by that Stripe payment
	expect(await chargesOf(id('i6'))).toEqual({ stripe: 1, gateway: 0 });
	// Stripe: its payment, and the claim Pay Now made and gave up
	const intents = (await stripe.paymentIntents(customer.id)).filter(
		(pi) => pi.metadata.invoice_ids === id('i6'),
	);
	expect(
		intents.map((pi) => [pi.id === stripePayment.id, pi.status, pi.metadata.invoice_claim]),
	).toEqual([
		[false, 'canceled', 'gateway360'],
		[true, 'succeeded', undefined],
	]);
	// the books get the Stripe payment, once, and its confirmation goes out
	const records = (await books.payments()).filter((p) => p.invoiceId === id('i6'));
	expect(records.map((r) => [r.provider, r.status, r.paymentId])).toEqual([
		['stripe', 'succeeded', stripePayment.id],
	]);
	expect(await books.invoice(id('i6'))).toMatchObject({ paymentStatus: 'paid', balance: '0.00' });
	const messages = (await mails(smtp, 1)).filter((m) => m.subject.endsWith('WEB-I6'));
	expect(messages.map((m) => [m.subject, m.to])).toEqual([
		['Payment Confirmation: invoice WEB-I6', `office@c2.${P}.example.com`],
	]);
	// nothing for the admin to look at: the runs succeeded
	expect((await runsSince(since, 2)).map((e) => e.status)).toEqual(['success', 'success']);
});

test('an open Stripe pay link of the invoice holds it: Pay Now charges nothing, the books hold the link under its session id', async () => {
	// sent while 360 Payments was off; the customer opens the web invoice again once it is on
	await n8n.setSettings(WORKFLOW, { gateway360Connected: false });
	let checkout;
	try {
		checkout = (await request('GET', (await issue(id('i10'))).json.url)).headers.get('location');
	} finally {
		await n8n.setSettings(WORKFLOW, { gateway360Connected: true });
	}
	const sessionId = /** @type {string} the redirect's Location */ (checkout).split('/').pop();
	expect(sessionId).toMatch(/^cs_test_/);
	const answer = await payNow(id('i10'));

	expect(answer.status).toBe(409);
	expect(answer.json).toEqual({
		status: 'refused',
		failure: {
			code: 'PAYMENT_PENDING',
			message:
				'A payment for invoice WEB-I10 is already under way; nothing was charged to this card.',
		},
	});
	// neither the pay link nor its session is handed to the page
	expect(answer.text).not.toMatch(/cs_|https?:/);
	expect(await transactionsOf(id('i10'))).toEqual([]);
	// the books hold the pay link under its Checkout Session id (it has no payment yet), pending
	const records = (await books.payments()).filter((p) => p.invoiceId === id('i10'));
	expect(records.map((r) => [r.provider, r.status, r.paymentId])).toEqual([
		['stripe', 'pending', sessionId],
	]);
	expect(await books.invoice(id('i10'))).toMatchObject({
		paymentStatus: 'pending',
		balance: '50.00',
	});
});

test('Pay Now pays through 360 Payments with its claim turned; a later Stripe Pay Invoice of the invoice is refused', async () => {
	const customer = stripeCustomers[id('c2')];
	const paid = await payNow(id('i7'));
	expect(paid.status).toBe(200);
	expect(paid.json).toMatchObject({
		provider: 'gateway360',
		status: 'succeeded',
		invoiceId: id('i7'),
		existingPayment: false,
		stripeClaimId: expect.stringMatching(/^pi_/),
	});
	// held, then captured once the claim was turned
	expect(await salesOf(id('i7'))).toEqual([
		expect.objectContaining({ type: 'auth', amount: '70.00', captured: true, voided: false }),
	]);
	const claim = (await stripe.paymentIntents(customer.id)).find(
		(pi) => pi.id === paid.json.stripeClaimId,
	);
	expect(claim).toMatchObject({
		status: 'canceled',
		cancellation_reason: 'abandoned',
		metadata: { invoice_claim: 'gateway360', invoice_ids: id('i7') },
	});

	// Stripe's Pay Invoice of the same invoice with the customer's saved card, as an agent or a
	// run that read the books before the payment was recorded would send it
	const api = (method, path, body) =>
		request(method, `${state.n8nUrl}/api/v1${path}`, {
			headers: { 'X-N8N-API-KEY': state.apiKey },
			body,
		});
	const created = await api('POST', '/workflows', {
		name: 'e2e: Stripe Pay Invoice after Pay Now',
		nodes: [
			{
				id: 'e2e-manual-trigger',
				name: 'Manual Trigger',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'e2e-stripe-pay-invoice',
				name: 'Stripe: Pay Invoice',
				type: 'n8n-nodes-invoice-payments.stripeInvoicePayment',
				typeVersion: 1,
				position: [240, 0],
				parameters: {
					resource: 'payment',
					operation: 'payInvoice',
					invoiceId: id('i7'),
					customer: { __rl: true, mode: 'mapping', value: id('c2') },
					balance: '70.00',
					currency: 'usd',
					feePercent: '0',
					howToPay: 'automatic',
					options: {},
					settings: { timeZone: state.timeZone },
				},
				credentials: {
					stripeInvoicePaymentsApi: { id: stripeCredential.id, name: stripeCredential.name },
				},
				onError: 'continueRegularOutput',
			},
		],
		connections: {
			'Manual Trigger': { main: [[{ node: 'Stripe: Pay Invoice', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	});
	expect(created.status).toBe(200);
	try {
		const run = await n8n.execute(created.json.id);
		const [item] = run.data.resultData.runData['Stripe: Pay Invoice'][0].data.main[0];
		expect(item.json.error).toBe(
			`Item 0: Invoice ${id('i7')} was paid through 360 Payments (claim ${claim.id}); nothing was charged`,
		);
	} finally {
		await api('DELETE', `/workflows/${created.json.id}`);
	}
	expect(await chargesOf(id('i7'))).toEqual({ stripe: 0, gateway: 1 });
	const records = (await books.payments()).filter((p) => p.invoiceId === id('i7'));
	expect(records.map((r) => [r.provider, r.status, r.paymentId])).toEqual([
		['gateway360', 'succeeded', paid.json.paymentId],
	]);
	expect(await books.invoice(id('i7'))).toMatchObject({ paymentStatus: 'paid', balance: '0.00' });
});

test('Pay Now while the daily auto-pay charges the same invoice: the money is taken once', async () => {
	const customer = stripeCustomers[id('c2')];
	const { url } = (await issue(id('i8'))).json;
	const token = await cardToken();
	await smtp.clear();
	await stripe.hook('POST', 'latency', { ms: [150, 300] });
	let autoPay;
	let answer;
	try {
		const claims = async () => (await stripe.hook('GET', 'stats')).byRoute[CLAIM_ROUTE] ?? 0;
		const before = await claims();
		const running = n8n.execute(AUTO_PAY);
		// the card is posted as the auto-pay claims the invoice: its claim reaches Stripe
		await c.waitFor('the auto-pay to claim the invoice', async () => (await claims()) > before, {
			timeoutMs: 120_000,
			intervalMs: 20,
		});
		[answer, autoPay] = await Promise.all([payWith(new URL(url).searchParams, token), running]);
	} finally {
		await stripe.hook('POST', 'latency', { ms: 0 });
	}
	expect(autoPay.status).toBe('success');
	await settle(c);

	const charges = await chargesOf(id('i8'));
	expect(charges.stripe + charges.gateway).toBe(1);
	// no hold left on the card
	expect((await salesOf(id('i8'))).filter((sale) => !sale.captured && !sale.voided)).toEqual([]);
	if (charges.gateway === 1) {
		expect(answer.json).toMatchObject({ provider: 'gateway360', status: 'succeeded' });
	} else {
		// the auto-pay's payment holds it (told plainly), or its claim still did (try again), or
		// the books had its payment already
		expect(answer.text).not.toMatch(/pi_|cus_/);
		expect([
			[409, paidInStripe('WEB-I8')],
			[
				409,
				{
					status: 'refused',
					failure: { code: 'NOTHING_TO_PAY', message: 'Invoice WEB-I8 has no balance to pay' },
				},
			],
			[
				502,
				{
					status: 'error',
					failure: { message: 'The payment could not be completed. Please contact us.' },
				},
			],
		]).toContainEqual([answer.status, answer.json]);
	}
	const records = (await books.payments()).filter((p) => p.invoiceId === id('i8'));
	expect(records.filter((r) => r.status === 'succeeded')).toHaveLength(1);
	expect(await books.invoice(id('i8'))).toMatchObject({ paymentStatus: 'paid', balance: '0.00' });
	// whichever run recorded it first emailed it: one confirmation (the Pay Now run sends its
	// email after it answered the page, so it is waited for by subject, not by count)
	const confirmationsOf = async () =>
		(await smtp.messages()).filter((m) => m.subject === 'Payment Confirmation: invoice WEB-I8');
	await c.waitFor('the confirmation of WEB-I8', async () => (await confirmationsOf()).length > 0, {
		timeoutMs: 30_000,
		intervalMs: 200,
	});
	await mails(smtp, 1);
	expect(await confirmationsOf()).toHaveLength(1);
}, 240_000);

test('with only 360 Payments connected the card is charged as before: a sale, nothing asked of Stripe', async () => {
	await n8n.setSettings(WORKFLOW, { stripeConnected: false });
	try {
		const paid = await payNow(id('i9'));
		expect(paid.status).toBe(200);
		expect(paid.json).toMatchObject({
			provider: 'gateway360',
			status: 'succeeded',
			invoiceId: id('i9'),
		});
		expect(paid.json.stripeClaimId).toBeUndefined();
		expect(await salesOf(id('i9'))).toEqual([
			expect.objectContaining({ type: 'sale', amount: '35.00', voided: false }),
		]);
		const intents = await stripe.paymentIntents(stripeCustomers[id('c1')].id);
		expect(intents.filter((pi) => pi.metadata.invoice_ids === id('i9'))).toEqual([]);
		expect(await books.invoice(id('i9'))).toMatchObject({ paymentStatus: 'paid', balance: '0.00' });
	} finally {
		await n8n.setSettings(WORKFLOW, { stripeConnected: true });
	}
});

test('without 360 Payments the link leads to a Stripe pay link; the payment-status workflow records it', async () => {
	await n8n.setSettings(WORKFLOW, { gateway360Connected: false });
	const { url } = (await issue(id('i2'))).json;
	const open = await request('GET', url);
	expect(open.status).toBe(303);
	const checkout = open.headers.get('location');
	expect(checkout).toMatch(new RegExp(`^${state.stripeUrl}/checkout/(cs_test_\\w+)$`));
	const sessionId = /** @type {string} */ (checkout).split('/').pop();
	await stripe.hook('POST', `checkout_sessions/${sessionId}/complete`, {
		paymentMethod: 'pm_card_visa',
	});
	const paid = await c.waitFor('the books to show the invoice paid', async () => {
		const invoice = await books.invoice(id('i2'));
		return invoice.paymentStatus === 'paid' ? invoice : null;
	});
	expect(paid.balance).toBe('0.00');
	await settle(c);
	expect(
		(await books.payments())
			.filter((p) => p.invoiceId === id('i2'))
			.map((p) => [p.provider, p.status]),
	).toEqual([['stripe', 'succeeded']]);
	expect(await salesOf(id('i2'))).toEqual([]);
});

// @ts-check
/**
 * The payment-status workflow, live: the Stripe server delivers signed events to its
 * production URL. A payment the customer must confirm (3-D Secure off-session) is recorded as
 * action required with a failure email carrying the link; when the customer pays there, the
 * events bring the books to paid and the confirmation out. Refunded, in part and then in
 * full, the invoice is open again in the books with what was refunded, and nobody is emailed.
 * A real payment naming an invoice it does not pay (another customer's, $1 for $75) is kept in
 * the books as a mismatch, the invoice stays unpaid and the team is told. Forged events are
 * refused.
 */
import { createHmac } from 'node:crypto';

import { clients, loadState } from './support/clients';
import { mails, settle, undelivered } from './support/settle';
import { seedFor } from './support/seed';

const state = loadState();
const c = clients(state);
const { n8n, stripe, books, smtp, request } = c;
const P = 'stat';
const TEAM = 'accounts@demo-services.example.com';

/** The books hold one invoice due today; its customer is in Stripe with `paymentMethod` saved. */
async function oneInvoiceDue(prefix, name, total, paymentMethod) {
	const { seed } = seedFor(prefix, state.timeZone, {
		customers: [{ key: 'c1', name }],
		invoices: [{ key: 'i1', customer: 'c1', total, due: 0 }],
	});
	await books.reset(seed);
	const customer = seed.customers[0];
	await stripe.createCustomer({
		name: customer.name,
		email: customer.email,
		metadata: { books_customer_id: customer.id },
		defaultPaymentMethod: paymentMethod,
	});
	await smtp.clear();
}

/** A refund as the Stripe Dashboard or the API makes it (amount in cents; none: the rest). */
async function refund(paymentIntentId, amount) {
	const form = new URLSearchParams({ payment_intent: paymentIntentId });
	if (amount !== undefined) form.set('amount', String(amount));
	const res = await request('POST', `${state.stripeUrl}/v1/refunds`, {
		headers: {
			authorization: `Bearer ${state.credentials.invPayStripeDemo.data.secretKey}`,
			'content-type': 'application/x-www-form-urlencoded',
		},
		body: form.toString(),
	});
	expect(res.status).toBe(200);
	return res.json;
}

/** A PaymentIntent made outside this package (the Dashboard, another integration), confirmed. */
async function paymentMadeElsewhere({ customer, amount, metadata }) {
	const form = new URLSearchParams({
		amount: String(amount),
		currency: 'usd',
		customer: customer.id,
		payment_method: customer.invoice_settings.default_payment_method,
		confirm: 'true',
		off_session: 'true',
	});
	for (const [key, value] of Object.entries(metadata)) form.set(`metadata[${key}]`, value);
	const res = await request('POST', `${state.stripeUrl}/v1/payment_intents`, {
		headers: {
			authorization: `Bearer ${state.credentials.invPayStripeDemo.data.secretKey}`,
			'content-type': 'application/x-www-form-urlencoded',
		},
		body: form.toString(),
	});
	expect([res.status, res.json.status]).toEqual([200, 'succeeded']);
	return res.json;
}

beforeAll(async () => {
	for (const id of ['invPayWf2AutoPay', 'invPayWf3Status'])
		await n8n.setSettings(id, { emailSetting: 'successesAndFailures' });
	await oneInvoiceDue(P, 'Strong Auth Ltd', '75.00', 'pm_card_authenticationRequired');
});

test('3-D Secure off-session: action required, then paid through the link, as the events arrive', async () => {
	const run = await n8n.execute('invPayWf2AutoPay');
	expect(run.status).toBe('success');
	await settle(c);
	// the declined off-session attempt (pi_, failed: the status webhook reports it) and the page
	// where the customer completes the payment (cs_, requires action)
	const attempts = (await books.payments()).filter((p) => p.invoiceId === `${P}-i1`);
	expect(attempts.map((p) => [p.paymentId.slice(0, 3), p.status]).sort()).toEqual([
		['cs_', 'requires_action'],
		['pi_', 'failed'],
	]);
	const waiting = attempts.find((p) => p.status === 'requires_action');
	expect(waiting).toMatchObject({
		status: 'requires_action',
		paymentId: expect.stringMatching(/^cs_/),
		checkoutSessionId: expect.stringMatching(/^cs_/),
	});
	expect(await books.invoice(`${P}-i1`)).toMatchObject({
		paymentStatus: 'action_required',
		balance: '75.00',
	});
	let messages = await mails(smtp, 2);
	// one failure email: the declined off-session attempt (reported by the status webhook) is
	// announced by the record of the page where the customer completes it
	const failures = messages.filter((m) => m.subject === 'Payment Failure: invoice STAT-I1');
	expect(failures).toHaveLength(1);
	const [failure] = failures;
	expect(failure.text).toContain(
		'Reason: Your bank needs you to confirm this payment before it can be taken',
	);
	expect(failure.text).toContain(`Complete the payment: ${waiting.nextActionUrl}`);

	// the customer completes the payment on the page the email links to
	await smtp.clear();
	await stripe.hook('POST', `checkout_sessions/${waiting.checkoutSessionId}/complete`, {
		paymentMethod: 'pm_card_visa',
	});
	const paid = await c.waitFor('the books to show the invoice paid', async () => {
		const invoice = await books.invoice(`${P}-i1`);
		return invoice.paymentStatus === 'paid' ? invoice : null;
	});
	expect(paid.balance).toBe('0.00');
	await settle(c);
	const records = (await books.payments()).filter((p) => p.invoiceId === `${P}-i1`);
	const succeeded = records.find((r) => r.status === 'succeeded');
	expect(succeeded.paymentId).toMatch(/^pi_/);
	// the event was verified and re-read: the record is the payment as Stripe has it now
	expect(succeeded).toMatchObject({
		provider: 'stripe',
		amount: { amount: '75.00', currency: 'usd' },
		eventType: expect.stringMatching(/^(payment_intent\.succeeded|checkout\.session\.completed)$/),
	});
	messages = await mails(smtp, 1);
	expect(messages.map((m) => m.subject)).toEqual(['Payment Confirmation: invoice STAT-I1']);
	expect(messages[0].text).toContain('Total paid: $75.00');
	const deliveries = (await stripe.deliveries()).filter((d) =>
		['checkout.session.completed', 'payment_intent.succeeded'].includes(d.eventType),
	);
	expect(new Set(deliveries.map((d) => d.eventType))).toEqual(
		new Set(['checkout.session.completed', 'payment_intent.succeeded']),
	);
	expect(undelivered(deliveries)).toEqual([]);
});

test('Stripe delivering every event twice starts nothing twice', async () => {
	await oneInvoiceDue(`${P}2`, 'Twice Told', '30.00', 'pm_card_visa');
	const before = (await n8n.executions('invPayWf3Status')).length;
	await stripe.hook('POST', 'webhooks/mode', { duplicate: true });
	try {
		await n8n.execute('invPayWf2AutoPay');
		await settle(c);
	} finally {
		await stripe.hook('POST', 'webhooks/mode', { duplicate: false });
	}
	const copies = (await stripe.deliveries()).filter(
		(d) => d.duplicate && d.eventType === 'payment_intent.succeeded',
	);
	expect(copies.length).toBeGreaterThanOrEqual(1);
	// the copy is acknowledged (200, a duplicate) and starts nothing
	expect(copies.filter((d) => d.ok)).not.toEqual([]);
	// one execution per event, not per delivery
	const after = await n8n.executions('invPayWf3Status');
	expect(after.length - before).toBe(1);
	expect(
		(await mails(smtp, 2)).filter((m) => m.subject.startsWith('Payment Confirmation')),
	).toHaveLength(1);
});

test('a refund reaches the books: in part, the amount refunded is owed; in full, the invoice is open again; no email', async () => {
	await oneInvoiceDue(`${P}3`, 'Refunded Later', '75.00', 'pm_card_visa');
	expect((await n8n.execute('invPayWf2AutoPay')).status).toBe('success');
	await settle(c);
	const invoiceId = `${P}3-i1`;
	expect(await books.invoice(invoiceId)).toMatchObject({ status: 'paid', balance: '0.00' });
	const paid = (await books.payments()).find(
		(p) => p.invoiceId === invoiceId && p.status === 'succeeded',
	);
	expect(paid.paymentId).toMatch(/^pi_/);
	await smtp.clear();
	const executions = (await n8n.executions('invPayWf3Status')).length;
	const reopened = (balance) =>
		c.waitFor(`the books to reopen ${balance} of the invoice`, async () => {
			const invoice = await books.invoice(invoiceId);
			return invoice.balance === balance ? invoice : null;
		});
	const record = async () =>
		(await books.payments()).find(
			(p) => p.invoiceId === invoiceId && p.paymentId === paid.paymentId,
		);

	await refund(paid.paymentId, 2500);
	expect(await reopened('25.00')).toMatchObject({
		status: 'open',
		paymentStatus: 'partially_paid',
	});
	await settle(c);
	expect(await record()).toMatchObject({
		status: 'succeeded',
		amount: { amount: '75.00' },
		refund: { amountRefunded: { amount: '25.00' }, amountKept: { amount: '50.00' } },
	});
	// refund.created and charge.refunded tell one refund: one execution
	expect((await n8n.executions('invPayWf3Status')).length - executions).toBe(1);

	await refund(paid.paymentId);
	expect(await reopened('75.00')).toMatchObject({ status: 'open', paymentStatus: 'unpaid' });
	await settle(c);
	const refunded = await record();
	expect(refunded).toMatchObject({
		status: 'refunded',
		amount: { amount: '75.00' },
		refund: { amountRefunded: { amount: '75.00' }, amountKept: { amount: '0.00' } },
	});
	expect(refunded.history.map((entry) => entry.status)).toContain('refunded');
	expect((await n8n.executions('invPayWf3Status')).length - executions).toBe(2);
	const deliveries = (await stripe.deliveries()).filter((d) =>
		['charge.refunded', 'refund.created'].includes(d.eventType),
	);
	expect(deliveries.filter((d) => d.eventType === 'charge.refunded').length).toBeGreaterThanOrEqual(
		2,
	);
	expect(undelivered(deliveries)).toEqual([]);
	// no "Payment Confirmation" (nor any email) for a refund
	expect(await mails(smtp, 1, { timeoutMs: 1000 })).toEqual([]);
});

test('a payment naming an invoice it does not pay is kept as a mismatch: the invoice stays unpaid, the team is told', async () => {
	const prefix = `${P}4`;
	const { seed } = seedFor(prefix, state.timeZone, {
		customers: [
			{ key: 'c1', name: 'Owes Seventy-Five' },
			{ key: 'c2', name: 'Somebody Else' },
		],
		invoices: [{ key: 'i1', customer: 'c1', total: '75.00', due: 0 }],
	});
	await books.reset(seed);
	const [owner, other] = await Promise.all(
		seed.customers.map((customer) =>
			stripe.createCustomer({
				name: customer.name,
				email: customer.email,
				metadata: { books_customer_id: customer.id },
				defaultPaymentMethod: 'pm_card_visa',
			}),
		),
	);
	await smtp.clear();
	const invoiceId = `${prefix}-i1`;
	const before = new Set((await n8n.executions('invPayWf3Status')).map((e) => e.id));

	// $1 of another customer, naming the invoice
	const cheap = await paymentMadeElsewhere({
		customer: other,
		amount: 100,
		metadata: { invoice_ids: invoiceId, books_customer_id: `${prefix}-c2` },
	});
	// the invoice's own customer paying $1 with metadata claiming the $75 line
	const claimed = await paymentMadeElsewhere({
		customer: owner,
		amount: 100,
		metadata: {
			invoice_ids: invoiceId,
			invoice_lines: '7500/0',
			books_customer_id: `${prefix}-c1`,
		},
	});
	await settle(c);

	const kept = await c.waitFor('the books to keep both payments as mismatches', async () => {
		const all = (await books.call('GET', `/invoices/${invoiceId}/payment-mismatches`)).json;
		return all.length === 2 ? all : null;
	});
	const byPayment = Object.fromEntries(kept.map((record) => [record.paymentId, record]));
	expect(byPayment[cheap.id]).toMatchObject({
		status: 'succeeded',
		amount: { amount: '1.00', currency: 'usd' },
		customer: { booksId: `${prefix}-c2`, providerId: other.id },
	});
	expect(byPayment[cheap.id].reasons.map((r) => r.code)).toEqual([
		'CUSTOMER_MISMATCH',
		'STRIPE_CUSTOMER_MISMATCH',
		'AMOUNT_MISMATCH',
	]);
	expect(byPayment[claimed.id]).toMatchObject({
		amount: { amount: '75.00' },
		paymentAmount: { amount: '1.00' },
	});
	expect(byPayment[claimed.id].reasons).toEqual([
		{
			code: 'LINES_MISMATCH',
			message: 'The payment took $1.00, but its invoice lines add up to $75.00',
		},
	]);
	// nothing paid: no payment record, the invoice as it was
	expect((await books.payments()).filter((p) => p.invoiceId === invoiceId)).toEqual([]);
	expect(await books.invoice(invoiceId)).toMatchObject({
		status: 'open',
		paymentStatus: 'unpaid',
		balance: '75.00',
	});
	// one notice per payment, to the team alone; the customers hear nothing from us
	const messages = await mails(smtp, 2);
	expect(messages.map((m) => m.subject)).toEqual([
		`Payment Mismatch: invoice ${prefix.toUpperCase()}-I1 (Owes Seventy-Five (${prefix}))`,
		`Payment Mismatch: invoice ${prefix.toUpperCase()}-I1 (Owes Seventy-Five (${prefix}))`,
	]);
	for (const message of messages) {
		expect([...message.envelope.to]).toEqual([TEAM]);
		expect(message.cc).toBeNull();
	}
	const notice = messages.find((m) => m.text.includes(cheap.id));
	expect(notice.text).toContain(
		`A payment of $1.00 names invoice ${prefix.toUpperCase()}-I1 of Owes Seventy-Five (${prefix}) but does not match it.`,
	);
	expect(notice.text).toContain(
		`Paid by: books customer ${prefix}-c2, Stripe customer ${other.id}`,
	);
	expect(notice.text).toContain("- It pays $1.00, less than the invoice's balance $75.00");
	// the runs ended well: a mismatch is an outcome, not an error
	const runs = (await n8n.executions('invPayWf3Status')).filter((e) => !before.has(e.id));
	expect(runs.map((e) => e.status)).toEqual(['success', 'success']);
	expect(undelivered(await stripe.deliveries())).toEqual([]);
});

test('a dispute reaches the books on its invoice as a mismatch under the dispute, and the team is told once per dispute status', async () => {
	const prefix = `${P}5`;
	await oneInvoiceDue(prefix, 'Disputes Later', '75.00', 'pm_card_visa');
	expect((await n8n.execute('invPayWf2AutoPay')).status).toBe('success');
	await settle(c);
	const invoiceId = `${prefix}-i1`;
	const paid = (await books.payments()).find(
		(p) => p.invoiceId === invoiceId && p.status === 'succeeded',
	);
	expect(paid.paymentId).toMatch(/^pi_/);
	await smtp.clear();
	const before = new Set((await n8n.executions('invPayWf3Status')).map((e) => e.id));
	const kept = (status) =>
		c.waitFor(`the books to keep the dispute as ${status}`, async () => {
			const all = (await books.call('GET', `/invoices/${invoiceId}/payment-mismatches`)).json;
			const found = all.find((record) => record.paymentId === dispute.id);
			return found && found.status === status ? found : null;
		});

	const dispute = await stripe.hook('POST', 'disputes', {
		paymentIntent: paid.paymentId,
		reason: 'fraudulent',
	});
	expect(dispute.id).toMatch(/^dp_/);
	await settle(c);
	expect(await kept('pending')).toMatchObject({
		invoiceId,
		amount: { amount: '75.00' },
		reasons: [{ code: 'DISPUTE_OPEN' }],
	});
	const opened = await mails(smtp, 1);
	expect(opened.map((m) => m.subject)).toEqual([
		`Payment Mismatch: invoice ${prefix.toUpperCase()}-I1 (the invoice's customer)`,
	]);
	expect([...opened[0].envelope.to]).toEqual([TEAM]);
	expect(opened[0].text).toContain(dispute.id);
	expect(opened[0].text).toContain('fraudulent');
	await smtp.clear();

	await stripe.hook('POST', `disputes/${dispute.id}/close`, { status: 'lost' });
	await settle(c);
	expect(await kept('failed')).toMatchObject({ reasons: [{ code: 'DISPUTE_LOST' }] });
	const lost = await mails(smtp, 1);
	expect(lost[0].text).toContain('was lost');
	// the payment's own record is untouched: the dispute is kept apart on the invoice
	expect((await books.payments()).find((p) => p.paymentId === paid.paymentId)).toMatchObject({
		status: 'succeeded',
	});
	const runs = (await n8n.executions('invPayWf3Status')).filter((e) => !before.has(e.id));
	expect(runs.map((e) => e.status)).toEqual(['success', 'success']);
	expect(undelivered(await stripe.deliveries())).toEqual([]);
});

test('an event without a valid Stripe signature answers 401 and changes nothing', async () => {
	const [endpoint] = (await stripe.api('GET', '/webhook_endpoints')).data;
	const before = await books.payments();
	const executions = (await n8n.executions('invPayWf3Status')).length;
	const event = JSON.stringify({
		id: 'evt_forged_1',
		object: 'event',
		type: 'payment_intent.succeeded',
		created: Math.floor(Date.now() / 1000),
		livemode: false,
		data: {
			object: {
				id: 'pi_forged',
				object: 'payment_intent',
				status: 'succeeded',
				amount: 7500,
				currency: 'usd',
				metadata: { invoice_ids: `${P}-i1` },
			},
		},
	});
	const t = Math.floor(Date.now() / 1000);
	const forged = createHmac('sha256', 'whsec_not_the_secret').update(`${t}.${event}`).digest('hex');
	/** @type {Array<Record<string, string>>} none, then a signature by another secret */
	const signatures = [{}, { 'stripe-signature': `t=${t},v1=${forged}` }];
	for (const headers of signatures) {
		const res = await request('POST', endpoint.url, {
			headers: { 'content-type': 'application/json', ...headers },
			body: event,
		});
		expect(res.status).toBe(401);
	}
	expect(await books.payments()).toEqual(before);
	expect((await n8n.executions('invPayWf3Status')).length).toBe(executions);
});

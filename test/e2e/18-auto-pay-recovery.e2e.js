// @ts-check
/**
 * Recovery in a real n8n over simulated days: the daily auto-pay run once a day with the Auto-Pay
 * Scan's As Of moved a day each time (the retry schedule set to days 1, 3 and 4, the end action
 * to mark the books). The charges go to a Stripe server of this test's own (a credential made for
 * it), whose issuer answers are set per day (declineNextCharges) and which sends no webhooks, so
 * what the SMTP sink receives is the daily run's alone:
 * - RCV-I1, insufficient funds on day 0 and day 1, paid on day 3 by the schedule's retry: no email
 *   on day 0 (silent first retry), a retry notice on day 1 naming day 3, a confirmation on day 3;
 * - RCV-I2, a lost card on day 4: one charge, never retried, the customer told so;
 * - RCV-I3, a card that always declines, due on day 2: silent, a retry notice, the Last Payment
 *   Notice before the final try, the end of the schedule; on day 7 RETRIES_EXHAUSTED marks the
 *   invoice in the books;
 * - each day's run report with its recovery figures.
 * A charge made at once when the method changes is test/e2e/15-method-update-retry.e2e.js.
 */
import { addDays } from '../fakes/books-api';
import { startStripeServer } from '../fakes/stripe-server';
import { clients, loadState } from './support/clients';
import { mails } from './support/settle';
import { seededCustomer, seedFor } from './support/seed';

const state = loadState();
const c = clients(state);
const { n8n, books, smtp, request } = c;
const AUTO_PAY = 'invPayWf2AutoPay';
const TEAM = 'accounts@demo-services.example.com';
const P = 'rcv';

/** @type {any} */
let stripe;
/** @type {any} */
let original;
/** @type {string} */
let credentialId;
/** @type {string} */
let today;

/**
 * n8n's public API; its answer as JSON.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 */
const publicApi = async (method, path, body) => {
	const res = await request(method, `${state.n8nUrl}/api/v1${path}`, {
		headers: { 'X-N8N-API-KEY': state.apiKey },
		body,
	});
	if (res.status >= 300) throw new Error(`${method} ${path}: HTTP ${res.status} ${res.text}`);
	return res.json;
};

/** Saves the daily workflow as `change` leaves it, and waits until that version is live. */
async function saveDaily(/** @type {(workflow: any) => void} */ change) {
	const workflow = await n8n.workflow(AUTO_PAY);
	change(workflow);
	const { name, nodes, connections, settings } = workflow;
	const saved = await publicApi('PUT', `/workflows/${AUTO_PAY}`, {
		name,
		nodes,
		connections,
		settings: { executionOrder: settings.executionOrder, timezone: settings.timezone },
	});
	await n8n.published(AUTO_PAY, saved.versionId);
}

beforeAll(async () => {
	const stripeData = state.credentials.invPayStripeDemo.data;
	stripe = await startStripeServer({ secretKeys: [stripeData.secretKey], webhookDelivery: false });
	const credential = await publicApi('POST', '/credentials', {
		name: 'Stripe (recovery days)',
		type: 'stripeInvoicePaymentsApi',
		data: { ...stripeData, apiBaseUrl: stripe.url },
	});
	credentialId = credential.id;
	original = await n8n.workflow(AUTO_PAY);
	await n8n.setSettings(AUTO_PAY, {
		emailSetting: 'successesAndFailures',
		retryPolicy: true,
		retryScheduleDays: '1, 3, 4',
		silentFirstRetry: true,
		recoveryEndAction: 'markInBooks',
	});
	await saveDaily((workflow) => {
		for (const node of workflow.nodes)
			if (node.credentials?.stripeInvoicePaymentsApi)
				node.credentials.stripeInvoicePaymentsApi = {
					id: credentialId,
					name: 'Stripe (recovery days)',
				};
	});

	const { seed, today: day0 } = seedFor(P, state.timeZone, {
		customers: [
			{ key: 'c1', name: 'Lakeview Dental' },
			{ key: 'c2', name: 'Harbor Supplies' },
			{ key: 'c3', name: 'Summit Roofing' },
		],
		invoices: [
			{ key: 'i1', customer: 'c1', total: '120.00', due: 0 },
			{ key: 'i2', customer: 'c2', total: '75.00', due: 4 },
			{ key: 'i3', customer: 'c3', total: '90.00', due: 2 },
		],
	});
	today = day0;
	await books.reset(seed);
	for (const [key, card] of [
		['c1', 'pm_card_visa'],
		['c2', 'pm_card_visa'],
		['c3', 'pm_card_chargeCustomerFail'],
	]) {
		const customer = seededCustomer(seed, `${P}-${key}`);
		stripe.createCustomer({
			name: customer.name,
			email: customer.email,
			metadata: { books_customer_id: customer.id },
			defaultPaymentMethod: card,
		});
	}
	await smtp.clear();
}, 120_000);

afterAll(async () => {
	if (original) {
		const { name, nodes, connections, settings } = original;
		const saved = await publicApi('PUT', `/workflows/${AUTO_PAY}`, {
			name,
			nodes,
			connections,
			settings: { executionOrder: settings.executionOrder, timezone: settings.timezone },
		});
		await n8n.published(AUTO_PAY, saved.versionId);
	}
	if (credentialId) await publicApi('DELETE', `/credentials/${credentialId}`);
	await stripe?.close();
});

/** @type {Array<{ day: string, messages: any[] }>} */
const days = [];

/** The daily run as of day `offset` (0 = today), and the mails it sent. */
async function runDay(/** @type {number} */ offset) {
	const day = addDays(today, offset);
	await saveDaily((workflow) => {
		workflow.nodes.find((/** @type {any} */ n) => n.name === 'Auto-Pay Scan').parameters.asOf = day;
	});
	const before = (await smtp.messages()).length;
	const run = await n8n.execute(AUTO_PAY);
	expect([day, run.status]).toEqual([day, 'success']);
	const messages = (await mails(smtp, before + 1)).slice(before);
	days[offset] = { day, messages };
	return { day, messages };
}

const to = (/** @type {string} */ key) => `office@${key}.${P}.example.com`;
const reportOf = (/** @type {any[]} */ messages) => {
	const reports = messages.filter((m) => m.subject.startsWith('Auto-pay run'));
	expect(reports).toHaveLength(1);
	expect(reports[0].to).toBe(TEAM);
	return reports[0];
};
const customerMails = (/** @type {any[]} */ messages, /** @type {string} */ key) =>
	messages.filter((m) => m.to === to(key));
/** A business day as the emails write it (en-US). */
const shown = (/** @type {string} */ day) =>
	new Intl.DateTimeFormat('en-US', { dateStyle: 'full', timeZone: 'UTC' }).format(
		Date.parse(`${day}T00:00:00Z`),
	);
const intentsOf = async (/** @type {string} */ invoiceId) => {
	const res = await fetch(`${stripe.url}/v1/payment_intents?limit=100`, {
		headers: { authorization: `Bearer ${state.credentials.invPayStripeDemo.data.secretKey}` },
	});
	const { data } = /** @type {any} */ (await res.json());
	return data.filter((/** @type {any} */ pi) =>
		String(pi.metadata?.invoice_ids ?? '').includes(invoiceId),
	);
};
const figures = (/** @type {string} */ failed, /** @type {string} */ recovered, rest = '') =>
	`Recovery: ${failed} failed, ${recovered}${rest}`;

test('day 0: insufficient funds on RCV-I1; the first retry is silent, the team sees it', async () => {
	stripe.declineNextCharges(1, 'insufficientFunds');
	const { messages } = await runDay(0);
	expect(customerMails(messages, 'c1')).toEqual([]);
	expect(reportOf(messages).text).toContain(
		figures(
			'1',
			'0 recovered (by retry 0, by method update 0), 1 still in the retry schedule, 0 retries exhausted',
		),
	);
	expect(reportOf(messages).text).toContain(`- ${P}-i1 - failed - $120.00`);
});

test('day 1: the retry fails too; the customer learns why in plain words, the next try day and the link', async () => {
	stripe.declineNextCharges(1, 'insufficientFunds');
	const { messages } = await runDay(1);
	const [notice, ...others] = customerMails(messages, 'c1');
	expect(others).toEqual([]);
	expect(notice.subject).toBe('Payment Failure: invoice RCV-I1');
	expect(notice.text).toContain(
		'Reason: Your bank declined the payment for lack of funds (insufficient_funds).',
	);
	expect(notice.text).toContain(`We will try again automatically on ${shown(addDays(today, 3))}.`);
	expect(notice.text).toMatch(
		/Update your payment method: http:\/\/127\.0\.0\.1:\d+\/checkout\/cs_test_\w+/,
	);
});

test('day 2: RCV-I1 waits for its retry day; RCV-I3 fails for the first time, silently', async () => {
	const { messages } = await runDay(2);
	expect(messages.filter((m) => m.to !== TEAM)).toEqual([]);
	const report = reportOf(messages);
	expect(report.text).toContain(`- ${P}-i1 - RETRY_SCHEDULED`);
	expect(report.text).toContain(
		figures(
			'1',
			'0 recovered (by retry 0, by method update 0), 2 still in the retry schedule, 0 retries exhausted',
		),
	);
	expect((await intentsOf(`${P}-i1`)).length).toBe(2);
});

test('day 3: the retry pays RCV-I1 (recovered by retry, in the figures and the money); RCV-I3 gets its retry notice', async () => {
	const { messages } = await runDay(3);
	expect(customerMails(messages, 'c1').map((m) => m.subject)).toEqual([
		'Payment Confirmation: invoice RCV-I1',
	]);
	const [i3] = customerMails(messages, 'c3');
	expect(i3.subject).toBe('Payment Failure: invoice RCV-I3');
	expect(i3.text).toContain(`We will try again automatically on ${shown(addDays(today, 5))}.`);
	const report = reportOf(messages);
	expect(report.text).toContain(
		figures(
			'1',
			'1 recovered (by retry 1, by method update 0), 1 still in the retry schedule, 0 retries exhausted',
		),
	);
	expect(report.text).toContain('Money recovered: $120.00');
	expect(await books.invoice(`${P}-i1`)).toMatchObject({ paymentStatus: 'paid', balance: '0.00' });
	// paid once: day 0 and day 1 declined, day 3 paid, never on day 2
	const intents = await intentsOf(`${P}-i1`);
	expect(intents.map((/** @type {any} */ pi) => pi.status).sort()).toEqual([
		'requires_payment_method',
		'requires_payment_method',
		'succeeded',
	]);
});

test('day 4: a lost card on RCV-I2 is a hard decline: said plainly, never tried again', async () => {
	stripe.declineNextCharges(1, 'lostCard');
	const { messages } = await runDay(4);
	const [notice] = customerMails(messages, 'c2');
	expect(notice.subject).toBe('Payment Failure: invoice RCV-I2');
	expect(notice.text).toContain(
		'Reason: Your bank declined the payment and will not accept further payments on this card (lost_card).',
	);
	expect(notice.text).toContain('This payment method will not be tried again.');
	expect(reportOf(messages).text).toContain(`- ${P}-i3 - RETRY_SCHEDULED`);
});

test('day 5: RCV-I3 fails again; the Last Payment Notice comes before the final try; RCV-I2 is not charged', async () => {
	const { messages } = await runDay(5);
	const [notice] = customerMails(messages, 'c3');
	expect(notice.subject).toBe('Last Payment Notice: invoice RCV-I3');
	expect(notice.text).toContain(
		`We will make one last automatic try on ${shown(addDays(today, 6))}. If it fails, we will not try again automatically`,
	);
	expect(customerMails(messages, 'c2')).toEqual([]);
	expect(reportOf(messages).text).toContain(`- ${P}-i2 - DO_NOT_RETRY`);
});

test('day 6: the final try fails: no more automatic tries, the customer told how to pay', async () => {
	const { messages } = await runDay(6);
	const [notice] = customerMails(messages, 'c3');
	expect(notice.subject).toBe('Payment Failure: invoice RCV-I3');
	expect(notice.text).toContain('What happens next: That was the last automatic try');
});

test('day 7: the schedule of RCV-I3 ended unpaid: RETRIES_EXHAUSTED, marked in the books, in the report', async () => {
	const { messages } = await runDay(7);
	expect(messages.filter((m) => m.to !== TEAM)).toEqual([]);
	const report = reportOf(messages);
	expect(report.text).toContain(
		figures(
			'0',
			'0 recovered (by retry 0, by method update 0), 0 still in the retry schedule, 1 retries exhausted',
		),
	);
	expect(report.text).toMatch(
		new RegExp(`Retries exhausted \\(marked in the books\\):\\n- ${P}-i3 - RETRIES_EXHAUSTED - `),
	);
	expect((await books.invoice(`${P}-i3`)).collection).toMatchObject({
		state: 'retries_exhausted',
		since: addDays(today, 6),
		firstFailureDay: addDays(today, 2),
	});
});

test('over the days: each customer got their emails in order, each invoice charged as the schedule says', async () => {
	const sent = (/** @type {string} */ key) =>
		days.flatMap(({ day, messages }) =>
			customerMails(messages, key).map((m) => `${day} ${m.subject}`),
		);
	const on = (/** @type {number} */ offset) => addDays(today, offset);
	expect(sent('c1')).toEqual([
		`${on(1)} Payment Failure: invoice RCV-I1`,
		`${on(3)} Payment Confirmation: invoice RCV-I1`,
	]);
	expect(sent('c2')).toEqual([`${on(4)} Payment Failure: invoice RCV-I2`]);
	expect(sent('c3')).toEqual([
		`${on(3)} Payment Failure: invoice RCV-I3`,
		`${on(5)} Last Payment Notice: invoice RCV-I3`,
		`${on(6)} Payment Failure: invoice RCV-I3`,
	]);
	expect((await intentsOf(`${P}-i2`)).length).toBe(1);
	expect((await intentsOf(`${P}-i3`)).length).toBe(4);
	expect(stripe.ledger.duplicates()).toEqual([]);
});

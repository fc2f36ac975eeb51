// @ts-check
/**
 * The retry policy of the daily auto-pay against the local Stripe server: the Auto-Pay Scan run
 * day by day (its As Of moved), its Charge items charged by Charge Scanned Invoice as the daily
 * run does, the issuer's answers from Stripe's test cards and declineNextCharges.
 */
import { apiClient } from '../fakes/stripe/test-client';
import { CHARGE_AUTO_PAY_PARAMS, runNode, SECRET_KEY, startStripe } from './stripe-node';

const DAY_0 = '2026-11-23';
const asOf = (day) => `${day}T07:00:00-06:00`; // mornings in Chicago
const dayAfter = (day, n) =>
	new Date(Date.parse(`${day}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

let stripe;
let api;
beforeAll(async () => {
	stripe = await startStripe();
	api = apiClient(stripe.url, SECRET_KEY);
});
afterAll(async () => {
	await stripe.close();
});

const invoice = (id, customerId) => ({
	id,
	customerId,
	balance: '100.00',
	currency: 'usd',
	createdAt: '2026-11-01',
	dueDate: DAY_0,
	recurringInvoiceId: 'R-1',
	status: 'sent',
	paymentStatus: 'unpaid',
});

async function scan(items, day) {
	const result = await runNode(
		stripe,
		'autoPayScan',
		{
			takePaymentOn: 'dueDate',
			timeZone: 'America/Chicago',
			asOf: asOf(day),
			catchUpDays: 3,
			recurringOnly: true,
			checkStripe: true,
			options: { addRunSummary: true },
		},
		items,
	);
	return {
		charge: result.output('Node', 0),
		skipped: result.output('Node', 1),
		summary: result.output('Node', 2)[0],
	};
}

async function chargeScanned(items) {
	if (items.length === 0) return [];
	return (await runNode(stripe, 'stripeInvoicePayment', CHARGE_AUTO_PAY_PARAMS, items)).output(
		'Node',
	);
}

/** One day of the daily run: scan, charge what it says, and what each invoice came to. */
async function dailyRun(items, day) {
	const scanned = await scan(items, day);
	const records = await chargeScanned(scanned.charge);
	return { ...scanned, records };
}

function customer(booksId, defaultPaymentMethod = 'pm_card_visa') {
	return stripe.createCustomer({
		name: booksId,
		metadata: { books_customer_id: booksId },
		defaultPaymentMethod,
	});
}

async function setAutomaticMethod(stripeCustomer, testCard) {
	const card = (
		await api.post(`/v1/payment_methods/${testCard}/attach`, { customer: stripeCustomer.id })
	).body;
	await api.post(`/v1/customers/${stripeCustomer.id}`, {
		invoice_settings: { default_payment_method: card.id },
	});
	return card;
}

afterEach(() => {
	// never more than one successful charge per invoice, whatever a test did
	expect(stripe.ledger.duplicates()).toEqual([]);
});

test('insufficient funds on day 0: not tried on day 2, tried on day 1 and day 3, paid on day 3', async () => {
	customer('R-NSF');
	const due = invoice('R-INV-NSF', 'R-NSF');

	stripe.declineNextCharges(1, 'insufficientFunds');
	const day0 = await dailyRun([due], DAY_0);
	expect(day0.records.map((r) => [r.status, r.failure?.declineCode])).toEqual([
		['failed', 'insufficient_funds'],
	]);

	stripe.declineNextCharges(1, 'insufficientFunds');
	const day1 = await dailyRun([due], dayAfter(DAY_0, 1));
	expect(day1.charge[0].autoPay.recovery).toMatchObject({
		decidedBy: 'schedule',
		attempts: 1,
		firstFailureDay: DAY_0,
		nextTryDay: dayAfter(DAY_0, 3),
		retriesLeft: 5,
		lastTry: false,
		scheduleEndDay: dayAfter(DAY_0, 14),
		methodChanged: false,
		lastDecline: {
			paymentId: day0.records[0].paymentId,
			declineCode: 'insufficient_funds',
			paymentMethodLabel: 'Visa •••• 4242',
		},
	});
	expect(day1.records[0]).toMatchObject({ status: 'failed', recovery: { attempts: 1 } });

	const day2 = await dailyRun([due], dayAfter(DAY_0, 2));
	expect(day2.charge).toEqual([]);
	expect(day2.skipped[0].autoPay).toMatchObject({
		reason: 'RETRY_SCHEDULED',
		paymentId: day1.records[0].paymentId,
		message: `Invoice R-INV-NSF is not charged today: the retry schedule (days 1, 3, 5, 7, 10, 14 after the first failure on ${DAY_0}) tries it next on ${dayAfter(DAY_0, 3)}; its last payment ${day1.records[0].paymentId} was declined on Visa •••• 4242 with decline code insufficient_funds`,
		recovery: { attempts: 2, nextTryDay: dayAfter(DAY_0, 3), retriesLeft: 5 },
	});
	expect(day2.summary.skippedByReason.RETRY_SCHEDULED).toBe(1);
	// a second run the same day changes nothing
	expect((await dailyRun([due], dayAfter(DAY_0, 2))).charge).toEqual([]);

	const day3 = await dailyRun([due], dayAfter(DAY_0, 3));
	expect(day3.records.map((r) => r.status)).toEqual(['succeeded']);
	expect(day3.records[0].recovery).toMatchObject({ attempts: 2, methodChanged: false });
	const day4 = await scan([due], dayAfter(DAY_0, 4));
	expect(day4.skipped.map((i) => i.autoPay.reason)).toEqual(['ALREADY_PAID']);
	expect(stripe.ledger.chargesFor('R-INV-NSF')).toBe(1);
});

test('a lost card is never tried again, through the whole schedule', async () => {
	customer('R-LOST');
	const due = invoice('R-INV-LOST', 'R-LOST');
	stripe.declineNextCharges(1, 'lostCard');
	const day0 = await dailyRun([due], DAY_0);
	expect(day0.records[0].failure).toMatchObject({ declineCode: 'lost_card' });
	for (const n of [1, 3, 5, 14, 18]) {
		const later = await dailyRun([due], dayAfter(DAY_0, n));
		expect(later.charge).toEqual([]);
		expect(later.skipped.map((i) => i.autoPay.reason)).toEqual([
			n === 18 ? 'OUTSIDE_CATCH_UP_WINDOW' : 'DO_NOT_RETRY',
		]);
	}
	expect(stripe.ledger.chargesFor('R-INV-LOST')).toBe(0);
});

test('authentication_required is never retried off-session: on each retry day the customer gets a new page', async () => {
	const holder = customer('R-3DS', 'pm_card_authenticationRequired');
	const due = invoice('R-INV-3DS', 'R-3DS');
	/** the invoice's PaymentIntents that were declined: off-session attempts on the card */
	const declined = async () =>
		(await api.get('/v1/payment_intents', { customer: holder.id, limit: 100 })).body.data.filter(
			(intent) => intent.last_payment_error,
		).length;
	const day0 = await dailyRun([due], DAY_0);
	expect(day0.records[0]).toMatchObject({ failure: { code: 'authentication_required' } });
	const firstPage = day0.records[0].checkoutSessionId;
	expect(await declined()).toBe(1);

	// while the page is open, it holds the invoice
	const day1 = await dailyRun([due], dayAfter(DAY_0, 1));
	expect(day1.skipped.map((i) => i.autoPay.reason)).toEqual(['PAYMENT_PENDING']);

	// the page expires unpaid: retry day 1 hands the customer a new page, no off-session charge
	await api.post(`/v1/checkout/sessions/${firstPage}/expire`);
	const retry1 = await dailyRun([due], dayAfter(DAY_0, 1));
	expect(retry1.charge[0].autoPay).toMatchObject({
		howToPay: 'payLink',
		recovery: { decidedBy: 'customer-action', nextTryDay: dayAfter(DAY_0, 3), lastTry: false },
	});
	expect(retry1.records).toMatchObject([
		{
			status: 'requires_action',
			failure: { code: 'authentication_required' },
			nextActionUrl: expect.stringMatching(/^http/),
		},
	]);
	const secondPage = retry1.records[0].checkoutSessionId;
	expect(secondPage).toMatch(/^cs_/);
	expect(secondPage).not.toBe(firstPage);

	// day 2 is no retry day: once that page is gone too, the invoice waits for the customer
	await api.post(`/v1/checkout/sessions/${secondPage}/expire`);
	const day2 = await dailyRun([due], dayAfter(DAY_0, 2));
	expect(day2.charge).toEqual([]);
	expect(day2.skipped[0].autoPay).toMatchObject({
		reason: 'ACTION_REQUIRED',
		message: expect.stringContaining(`a new page is sent on ${dayAfter(DAY_0, 3)}`),
	});

	// retry day 3: the next page
	const retry3 = await dailyRun([due], dayAfter(DAY_0, 3));
	expect(retry3.charge.map((i) => i.autoPay.howToPay)).toEqual(['payLink']);
	expect(retry3.records[0].checkoutSessionId).toMatch(/^cs_/);

	// never a second off-session attempt, never money taken without the customer
	expect(await declined()).toBe(1);
	expect(stripe.ledger.chargesFor('R-INV-3DS')).toBe(0);
});

test('a card updated mid-schedule is charged at once, the same day as the failure', async () => {
	const holder = customer('R-NEW');
	const due = invoice('R-INV-NEW', 'R-NEW');
	stripe.declineNextCharges(1, 'insufficientFunds');
	await dailyRun([due], DAY_0);
	stripe.declineNextCharges(1, 'insufficientFunds');
	const day1 = await dailyRun([due], dayAfter(DAY_0, 1));
	expect(day1.records.map((r) => r.status)).toEqual(['failed']);

	// the same day, after the failure, the customer sets a new card: charged at once
	const card = await setAutomaticMethod(holder, 'pm_card_mastercard');
	const again = await dailyRun([due], dayAfter(DAY_0, 1));
	expect(again.charge[0].autoPay).toMatchObject({
		paymentMethod: { id: card.id },
		recovery: { decidedBy: 'method-changed', methodChanged: true, attempts: 2 },
	});
	expect(again.charge[0].autoPay.idempotencyKey).not.toBe(day1.charge[0].autoPay.idempotencyKey);
	expect(again.records).toMatchObject([
		{ status: 'succeeded', paymentMethod: { id: card.id }, recovery: { methodChanged: true } },
	]);
	// a re-run of that day finds it paid
	expect((await scan([due], dayAfter(DAY_0, 1))).skipped[0].autoPay.reason).toBe('ALREADY_PAID');
	expect(stripe.ledger.chargesFor('R-INV-NEW')).toBe(1);
});

test('the catch-up window does not end a schedule: day 10 is still tried, day 15 is the end', async () => {
	customer('R-LONG');
	const due = invoice('R-INV-LONG', 'R-LONG');
	let last;
	for (const n of [0, 1, 3, 5, 7]) {
		stripe.declineNextCharges(1, 'generic');
		last = await dailyRun([due], dayAfter(DAY_0, n));
		expect(last.records.map((r) => r.status)).toEqual(['failed']);
	}
	expect(last?.records[0].recovery).toMatchObject({ attempts: 4, retriesLeft: 2 });
	stripe.declineNextCharges(2, 'generic');
	await dailyRun([due], dayAfter(DAY_0, 10));
	const day14 = await dailyRun([due], dayAfter(DAY_0, 14));
	expect(day14.charge[0].autoPay.recovery).toMatchObject({ lastTry: true, retriesLeft: 0 });
	const day15 = await scan([due], dayAfter(DAY_0, 15));
	expect(day15.skipped[0].autoPay).toMatchObject({
		reason: 'RETRIES_EXHAUSTED',
		recovery: { attempts: 7, decidedBy: 'schedule', nextTryDay: null },
	});
	expect(day15.summary.skippedByReason.RETRIES_EXHAUSTED).toBe(1);
	expect(stripe.ledger.chargesFor('R-INV-LONG')).toBe(0);
});

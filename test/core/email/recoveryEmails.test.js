// @ts-check
/**
 * The recovery-aware failure emails of the daily auto-pay (docs/recovery.md, "Emails"): the
 * silent first retry, the plain words of the decline, what happens next, the last notice before
 * the final try, the end of the schedule, a hard decline.
 */
import { composePaymentEmail as composeOutcome } from '../../../nodes/core/email';
import { money } from '../../../nodes/core/money/money';
import { paymentIdempotencyKey } from '../../../nodes/core/payments/idempotency';
import { readFields } from '../../support/fields';

const composePaymentEmail = readFields(composeOutcome);

const DAY_0 = '2026-11-23';
const autopayKey = (day) =>
	paymentIdempotencyKey({
		provider: 'stripe',
		purpose: 'autopay',
		invoiceIds: ['inv-7'],
		amountMinor: 10000,
		currency: 'usd',
		day,
	});

/** @param {Record<string, unknown>} overrides */
const failedRecord = (overrides = {}) =>
	/** @type {any} */ ({
		provider: 'stripe',
		invoiceId: 'inv-7',
		paymentId: 'pi_7',
		status: 'failed',
		amount: money(10000, 'usd'),
		fee: money(0, 'usd'),
		total: money(10000, 'usd'),
		paymentMethod: { id: 'pm_1', label: 'Visa •••• 4242' },
		failure: {
			code: 'card_declined',
			declineCode: 'insufficient_funds',
			message: 'Your card has insufficient funds.',
		},
		idempotencyKey: autopayKey(DAY_0),
		...overrides,
	});

const retried = (recovery) =>
	failedRecord({ idempotencyKey: autopayKey('2026-11-24'), paymentId: 'pi_8', recovery });

const contact = {
	customerName: 'Acme Plumbing Ltd',
	customerEmail: 'office@acme.example.com',
	accountsEmail: '',
	accountsCcEmail: '',
	payingUserEmail: '',
};
const LINK = 'https://pay.example.com/add-method/cs_1';

/**
 * @param {any} record
 * @param {Record<string, unknown>} [policy]
 * @param {string} [setting]
 */
const compose = (record, policy = { retryPolicy: true }, setting = 'successesAndFailures') =>
	composePaymentEmail({
		record,
		contact,
		settings: /** @type {any} */ ({
			setting,
			failureAddress: 'team@business.example.com',
			businessName: 'Business Ltd',
		}),
		invoiceNumber: 'INV-7',
		updatePaymentMethodUrl: LINK,
		recoveryPolicy: policy,
	});

test('the first failure the schedule retries sends the customer nothing (Silent First Retry, the default)', () => {
	const outcome = compose(failedRecord());
	expect(outcome).toMatchObject({ send: false, reason: 'SILENT_FIRST_RETRY', invoiceId: 'inv-7' });
	expect(outcome.message).toContain('run report');
	expect(compose(failedRecord(), { retryPolicy: true, silentFirstRetry: true }).send).toBe(false);
});

test('Silent First Retry off: the first failure says what failed, the first retry day and the link', () => {
	const outcome = compose(failedRecord(), { retryPolicy: true, silentFirstRetry: false });
	expect(outcome).toMatchObject({
		send: true,
		kind: 'failure',
		template: 'Payment Failure',
		subject: 'Payment Failure: invoice INV-7',
		to: 'office@acme.example.com',
		bcc: 'team@business.example.com',
	});
	expect(outcome.text).toContain(
		'Reason: Your bank declined the payment for lack of funds (insufficient_funds).',
	);
	expect(outcome.text).toContain(
		'What happens next: We will try again automatically on Tuesday, November 24, 2026. Before then, please make sure it can go through, or add another payment method with the link below.',
	);
	expect(outcome.text).toContain(`Update your payment method: ${LINK}`);
	expect(outcome.html).toContain('<strong>What happens next:</strong> We will try again');
});

test('failures only: the team is told at once, silence is for the customer', () => {
	const outcome = compose(failedRecord(), { retryPolicy: true }, 'failuresOnly');
	expect(outcome).toMatchObject({
		send: true,
		audience: 'internal',
		to: 'team@business.example.com',
	});
	expect(outcome.text).toContain('What happens next: We will try again automatically on');
	expect(outcome.text).toContain('the customer may add another payment method.');
});

test("a failed retry: the retry notice with the scan's next try day, in the locale's words", () => {
	const outcome = compose(retried({ nextTryDay: '2026-11-26', retriesLeft: 5, lastTry: false }));
	expect(outcome).toMatchObject({
		send: true,
		kind: 'failure',
		subject: 'Payment Failure: invoice INV-7',
	});
	expect(outcome.text).toContain('on Thursday, November 26, 2026.');
	const german = composePaymentEmail({
		record: retried({ nextTryDay: '2026-11-26', retriesLeft: 5, lastTry: false }),
		contact,
		settings: /** @type {any} */ ({ setting: 'successesAndFailures', locale: 'de-DE' }),
		recoveryPolicy: { retryPolicy: true },
	});
	expect(german.text).toContain('Donnerstag, 26. November 2026');
});

test('an expired card asks for another method, not for funds', () => {
	const outcome = compose(retried({ nextTryDay: '2026-11-26', retriesLeft: 5, lastTry: false }));
	const expired = compose({
		...retried({ nextTryDay: '2026-11-26', retriesLeft: 5, lastTry: false }),
		failure: {
			code: 'expired_card',
			declineCode: 'expired_card',
			message: 'Your card has expired.',
		},
	});
	expect(outcome.text).toContain('please make sure it can go through');
	expect(expired.text).toContain('Reason: The card has expired (expired_card).');
	expect(expired.text).toContain(
		'Before then, please add another payment method with the link below.',
	);
});

test('the next try is the last: the Last Payment Notice, before the final try is made', () => {
	const outcome = compose(retried({ nextTryDay: '2026-12-07', retriesLeft: 1, lastTry: false }));
	expect(outcome).toMatchObject({
		send: true,
		kind: 'lastNotice',
		template: 'Last Payment Notice',
		subject: 'Last Payment Notice: invoice INV-7',
		bcc: 'team@business.example.com',
	});
	expect(outcome.text).toContain(
		'What happens next: We will make one last automatic try on Monday, December 7, 2026. If it fails, we will not try again automatically',
	);
	expect(outcome.text).toContain(`Update your payment method: ${LINK}`);
});

test('the final try failed: no more automatic tries, the link to pay or add a method', () => {
	const outcome = compose(retried({ nextTryDay: null, retriesLeft: 0, lastTry: true }));
	expect(outcome).toMatchObject({ send: true, kind: 'failure' });
	expect(outcome.text).toContain('What happens next: That was the last automatic try');
});

test('a hard decline: plain words without the reason Stripe asks to keep back, no retry promised', () => {
	const outcome = compose(
		failedRecord({
			failure: {
				code: 'card_declined',
				declineCode: 'stolen_card',
				message: 'Your card was declined.',
			},
		}),
	);
	expect(outcome).toMatchObject({ send: true, kind: 'failure' });
	expect(outcome.text).toContain(
		'Reason: Your bank declined the payment and will not accept further payments on this card (stolen_card).',
	);
	expect(outcome.text).not.toMatch(/stolen\b(?! ?_card)/);
	expect(outcome.text).toContain('This payment method will not be tried again.');
});

test("without the retry policy the failure email is as before: Stripe's message, nothing said of next", () => {
	for (const policy of [null, { retryPolicy: false }]) {
		const outcome = compose(failedRecord(), /** @type {any} */ (policy));
		expect(outcome.send).toBe(true);
		expect(outcome.text).toContain('Reason: Your card has insufficient funds.');
		expect(outcome.text).not.toContain('What happens next');
	}
	// not a charge of the daily auto-pay (an agent's): as before
	const manual = compose(failedRecord({ idempotencyKey: 'invpay-manual-2026-11-23-abc' }));
	expect(manual.text).toContain('Reason: Your card has insufficient funds.');
});

test('a confirmation of a recovered invoice is a plain confirmation', () => {
	const outcome = compose(retried({ nextTryDay: '2026-11-26', retriesLeft: 5, lastTry: false }));
	const paid = compose({
		...retried({ nextTryDay: '2026-11-26', retriesLeft: 5 }),
		status: 'succeeded',
		failure: null,
	});
	expect(outcome.kind).toBe('failure');
	expect(paid).toMatchObject({
		send: true,
		kind: 'confirmation',
		subject: 'Payment Confirmation: invoice INV-7',
	});
	expect(paid.text).not.toContain('What happens next');
});

// @ts-check
import { StripeApiError, StripeConnectionError } from '../../../nodes/core/stripe/errors';
import {
	STRIPE_WEBHOOK_EVENTS,
	isMissingPaymentIntent,
	stripeEventRefusal,
} from '../../../nodes/core/webhooks/stripeEvent';

/** @returns {Parameters<typeof stripeEventRefusal>[0]} */
const event = (type, livemode) => ({
	id: 'evt_1',
	object: 'event',
	type,
	created: 1_795_000_000,
	livemode,
	data: { object: { id: 'pi_1', object: 'payment_intent' } },
});

describe('stripeEventRefusal: is a verified event for this trigger at all', () => {
	const test_ = { livemode: false, events: STRIPE_WEBHOOK_EVENTS };
	const live = { livemode: true, events: STRIPE_WEBHOOK_EVENTS };

	test.each([
		['test event, test trigger', false, test_, null],
		['live event, live trigger', true, live, null],
		['live event, test trigger', true, test_, 'livemode_mismatch'],
		['test event, live trigger', false, live, 'livemode_mismatch'],
		// Stripe always says; an event that does not belongs to neither mode
		['no livemode, test trigger', undefined, test_, 'livemode_mismatch'],
		['no livemode, live trigger', undefined, live, 'livemode_mismatch'],
		['livemode "false" (a string), test trigger', 'false', test_, 'livemode_mismatch'],
	])('%s -> %s', (_, livemode, trigger, expected) => {
		expect(stripeEventRefusal(event('payment_intent.succeeded', livemode), trigger)).toBe(expected);
	});

	test('a type not selected, or never handled, is not for the trigger', () => {
		const onlySucceeded = { livemode: false, events: ['payment_intent.succeeded'] };
		expect(stripeEventRefusal(event('payment_intent.succeeded', false), onlySucceeded)).toBeNull();
		expect(stripeEventRefusal(event('payment_intent.payment_failed', false), onlySucceeded)).toBe(
			'event_not_selected',
		);
		expect(stripeEventRefusal(event('customer.created', false), test_)).toBe('event_not_selected');
		expect(
			stripeEventRefusal(event('payment_intent.succeeded', false), { livemode: false, events: [] }),
		).toBe('event_not_selected');
	});

	test('the mode is checked first: a live event of an unselected type is a mode mismatch', () => {
		expect(stripeEventRefusal(event('customer.created', true), test_)).toBe('livemode_mismatch');
	});
});

describe('isMissingPaymentIntent: which re-read failures are answered 200', () => {
	const apiError = (statusCode, code, type = 'invalid_request_error') =>
		new StripeApiError({ message: 'x', statusCode, type, code, raw: {}, attempts: 1 });

	test("Stripe's 404 resource_missing: the account has no such PaymentIntent", () => {
		expect(isMissingPaymentIntent(apiError(404, 'resource_missing'))).toBe(true);
	});

	test.each([
		[
			"a 404 without Stripe's code (a proxy answering for Stripe)",
			apiError(404, undefined, 'api_error'),
		],
		['resource_missing naming a parameter (400)', apiError(400, 'resource_missing')],
		['a 500', apiError(500, undefined, 'api_error')],
		['a 429', apiError(429, 'rate_limit', 'invalid_request_error')],
		['a 401 (a revoked key)', apiError(401, undefined, 'invalid_request_error')],
		['no connection', new StripeConnectionError('Could not reach Stripe', 'ECONNREFUSED', 4)],
		['a timeout', new StripeConnectionError('Could not reach Stripe', 'ETIMEDOUT', 4)],
		['anything else', new Error('boom')],
		['not an error', { statusCode: 404, code: 'resource_missing' }],
	])('%s: not missing, answered 500 so Stripe retries', (_, error) => {
		expect(isMissingPaymentIntent(error)).toBe(false);
	});
});

// @ts-check
import { declineOf, retryBan } from '../../../nodes/core/payments/declines';

/** @typedef {NonNullable<Parameters<typeof declineOf>[0]>} LastPaymentError */
/** @typedef {import('../../../nodes/core/payments/declines').Decline} Decline */

/**
 * A last_payment_error with only the fields declineOf reads (Stripe's type names every field and
 * the method expanded; an id is what an unexpanded read gives).
 * @param {Record<string, unknown>} fields
 * @returns {LastPaymentError}
 */
const lastPaymentError = (fields) => /** @type {any} */ (fields);

const card = (brand) => ({
	id: 'pm_1',
	object: 'payment_method',
	type: 'card',
	card: { brand, last4: '4444' },
});

// [description, decline signals, the ban expected (undefined: a retry is allowed)]
/** @type {Array<[string, Partial<Decline>, object | undefined]>} */
// prettier-ignore
const CASES = [
	// the issuer's decline code
	['lost card', { declineCode: 'lost_card' }, { signal: 'decline_code', code: 'lost_card' }],
	['stolen card', { declineCode: 'stolen_card' }, { signal: 'decline_code', code: 'stolen_card' }],
	['pick up card', { declineCode: 'pickup_card' }, { signal: 'decline_code', code: 'pickup_card' }],
	['fraudulent', { declineCode: 'fraudulent' }, { signal: 'decline_code', code: 'fraudulent' }],
	['invalid account', { declineCode: 'invalid_account' }, { signal: 'decline_code', code: 'invalid_account' }],
	['authorization revoked', { declineCode: 'revocation_of_authorization' }, { signal: 'decline_code', code: 'revocation_of_authorization' }],
	['all authorizations revoked', { declineCode: 'revocation_of_all_authorizations' }, { signal: 'decline_code', code: 'revocation_of_all_authorizations' }],
	['stop payment order', { declineCode: 'stop_payment_order' }, { signal: 'decline_code', code: 'stop_payment_order' }],
	['card not supported', { declineCode: 'card_not_supported' }, { signal: 'decline_code', code: 'card_not_supported' }],
	['currency not supported', { declineCode: 'currency_not_supported' }, { signal: 'decline_code', code: 'currency_not_supported' }],
	['restricted card', { declineCode: 'restricted_card' }, { signal: 'decline_code', code: 'restricted_card' }],
	['do_not_try_again as a (deprecated) decline code', { declineCode: 'do_not_try_again' }, { signal: 'decline_code', code: 'do_not_try_again' }],
	// Stripe's advice code
	['generic decline advised not to retry', { code: 'card_declined', declineCode: 'generic_decline', adviceCode: 'do_not_try_again' }, { signal: 'advice_code', code: 'do_not_try_again' }],
	['insufficient funds advised not to retry', { declineCode: 'insufficient_funds', adviceCode: 'do_not_try_again' }, { signal: 'advice_code', code: 'do_not_try_again' }],
	['lost card advised not to retry: the decline code is named', { declineCode: 'lost_card', adviceCode: 'do_not_try_again' }, { signal: 'decline_code', code: 'lost_card' }],
	['advised to try again later', { declineCode: 'generic_decline', adviceCode: 'try_again_later' }, undefined],
	['advised to confirm the card data', { declineCode: 'generic_decline', adviceCode: 'confirm_card_data' }, undefined],
	// the card network's advice (Mastercard merchant advice codes)
	['Mastercard advice 03: do not try again', { declineCode: 'generic_decline', networkAdviceCode: '03', cardBrand: 'mastercard' }, { signal: 'network_advice_code', code: '03' }],
	['Mastercard advice 21: payment cancellation', { declineCode: 'do_not_honor', networkAdviceCode: '21', cardBrand: 'mastercard' }, { signal: 'network_advice_code', code: '21' }],
	['Mastercard advice 02: try again later', { declineCode: 'generic_decline', networkAdviceCode: '02', cardBrand: 'mastercard' }, undefined],
	['Mastercard advice 01: new account information', { networkAdviceCode: '01', cardBrand: 'mastercard' }, undefined],
	['advice 03 whatever the brand', { networkAdviceCode: '03', cardBrand: null }, { signal: 'network_advice_code', code: '03' }],
	// Visa category 1 network decline codes, on a Visa card only
	['Visa 41: lost', { declineCode: 'generic_decline', networkDeclineCode: '41', cardBrand: 'visa' }, { signal: 'network_decline_code', code: '41' }],
	['Visa 43: stolen', { networkDeclineCode: '43', cardBrand: 'visa' }, { signal: 'network_decline_code', code: '43' }],
	['Visa 04: pick up', { networkDeclineCode: '04', cardBrand: 'visa' }, { signal: 'network_decline_code', code: '04' }],
	['Visa 46: closed account', { networkDeclineCode: '46', cardBrand: 'visa' }, { signal: 'network_decline_code', code: '46' }],
	['Visa R1: authorization revoked', { networkDeclineCode: 'R1', cardBrand: 'visa' }, { signal: 'network_decline_code', code: 'R1' }],
	['Visa 51: insufficient funds (category 2)', { networkDeclineCode: '51', cardBrand: 'visa' }, undefined],
	['Visa 05: do not honor (category 4)', { networkDeclineCode: '05', cardBrand: 'visa' }, undefined],
	['41 on an Amex card is not read as Visa', { networkDeclineCode: '41', cardBrand: 'amex' }, undefined],
	// declines that may be retried
	['insufficient funds', { code: 'card_declined', declineCode: 'insufficient_funds' }, undefined],
	['generic decline', { code: 'card_declined', declineCode: 'generic_decline' }, undefined],
	['do not honor', { code: 'card_declined', declineCode: 'do_not_honor' }, undefined],
	['expired card (the card updater may renew it)', { code: 'expired_card', declineCode: 'expired_card' }, undefined],
	['processing error', { code: 'processing_error' }, undefined],
	['authentication required', { code: 'authentication_required', declineCode: 'authentication_required' }, undefined],
	['no signal at all', {}, undefined],
	// codes are compared exactly, and only as own entries
	['upper case is another code', { declineCode: 'LOST_CARD' }, undefined],
	['a prototype key is no code', { declineCode: 'constructor', adviceCode: '__proto__', networkAdviceCode: 'toString' }, undefined],
];

describe('which declines forbid an automatic retry', () => {
	test.each(CASES)('%s', (_, decline, expected) => {
		const ban = retryBan(decline);
		if (expected === undefined) expect(ban).toBeUndefined();
		else {
			expect(ban).toMatchObject(expected);
			expect(/** @type {NonNullable<typeof ban>} */ (ban).meaning).toMatch(/^[a-z].*[^.]$/);
		}
	});

	test('every code the issue names forbids a retry', () => {
		for (const declineCode of [
			'lost_card',
			'stolen_card',
			'pickup_card',
			'fraudulent',
			'invalid_account',
			'revocation_of_authorization',
			'card_not_supported',
			'currency_not_supported',
			'restricted_card',
		]) {
			expect(retryBan({ declineCode })).toMatchObject({
				signal: 'decline_code',
				code: declineCode,
			});
		}
		expect(retryBan({ adviceCode: 'do_not_try_again' })).toMatchObject({ signal: 'advice_code' });
	});
});

describe("a PaymentIntent's last_payment_error as a decline", () => {
	test('reads every signal and the method with its brand', () => {
		const error = lastPaymentError({
			type: 'card_error',
			code: 'card_declined',
			decline_code: 'generic_decline',
			advice_code: 'do_not_try_again',
			network_advice_code: '03',
			network_decline_code: '05',
			message: 'Your card was declined.',
			payment_method: card('mastercard'),
		});
		expect(declineOf(error)).toEqual({
			code: 'card_declined',
			declineCode: 'generic_decline',
			adviceCode: 'do_not_try_again',
			networkAdviceCode: '03',
			networkDeclineCode: '05',
			cardBrand: 'mastercard',
			paymentMethodId: 'pm_1',
			paymentMethodLabel: 'Mastercard •••• 4444',
		});
		expect(retryBan(/** @type {Decline} */ (declineOf(error)))).toMatchObject({
			signal: 'advice_code',
		});
	});

	test('absent signals are null; a method given by id is still named', () => {
		expect(
			declineOf(
				lastPaymentError({
					type: 'card_error',
					code: 'processing_error',
					payment_method: 'pm_9',
					decline_code: '',
				}),
			),
		).toEqual({
			code: 'processing_error',
			declineCode: null,
			adviceCode: null,
			networkAdviceCode: null,
			networkDeclineCode: null,
			cardBrand: null,
			paymentMethodId: 'pm_9',
			paymentMethodLabel: null,
		});
		expect(
			/** @type {Decline} */ (
				declineOf(lastPaymentError({ type: 'card_error', code: 'card_declined' }))
			).paymentMethodId,
		).toBeNull();
	});

	test('no error is no decline', () => {
		expect(declineOf(null)).toBeUndefined();
		expect(declineOf(undefined)).toBeUndefined();
	});

	test('a Visa decline read from Stripe keeps its network code meaningful', () => {
		const decline = declineOf(
			lastPaymentError({
				type: 'card_error',
				code: 'card_declined',
				decline_code: 'generic_decline',
				network_decline_code: '41',
				payment_method: card('visa'),
			}),
		);
		expect(retryBan(/** @type {Decline} */ (decline))).toMatchObject({
			signal: 'network_decline_code',
			code: '41',
			meaning: 'the card is reported lost',
		});
	});
});

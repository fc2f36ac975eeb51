/**
 * Which declines forbid charging the same payment method again automatically.
 *
 * A decline carries up to four signals (docs.stripe.com/declines/codes,
 * docs.stripe.com/declines/card#retrying-issuer-declines): Stripe's `decline_code` (the issuer's
 * reason), Stripe's `advice_code`, and the card network's own `network_advice_code` and
 * `network_decline_code`. Any one signal that says "never" forbids the retry: a merchant who
 * retries such a decline pays the networks' excessive-retry fees and the charge still fails.
 *
 * - advice_code `do_not_try_again`: Stripe's advice that the issuer will not approve a retry.
 * - decline_code: the issuer will never approve this card again (lost, stolen, pick up, closed or
 *   invalid account: Visa category 1) or the cardholder withdrew the merchant's authorization
 *   (Visa R0/R1/R3 stop payment and revocations), or the card cannot make this payment at all
 *   (not supported, currency, restricted), or the issuer calls it fraud. `do_not_try_again` also
 *   appears here: Stripe sent it as a decline code before it moved to advice codes.
 * - network_advice_code `03` or `21`: Mastercard's merchant advice codes "do not try again" and
 *   "payment cancellation" (the cardholder stopped recurring payments to the merchant).
 * - network_decline_code of a Visa card in Visa's category 1, "issuer will never approve"
 *   (57 since Visa's reclassification of 25 October 2026).
 *
 * A decline that is not listed (insufficient_funds, generic_decline, expired_card, a processing
 * error, ...) may be retried; how often and when is a retry schedule's business, not this rule's.
 */
import type Stripe from 'stripe';

import { paymentMethodLabel } from './paymentMethodLabel';
import type { PaymentMethodLike } from './paymentMethodLabel';

/** The signals of one failed payment attempt, as Stripe reports them (null when absent). */
export interface Decline {
	/** Stripe's error code, e.g. card_declined */
	code: string | null;
	/** the issuer's reason, e.g. lost_card */
	declineCode: string | null;
	/** e.g. do_not_try_again, try_again_later, confirm_card_data */
	adviceCode: string | null;
	/** the card network's two-digit advice, e.g. Mastercard's 03 */
	networkAdviceCode: string | null;
	/** the card network's decline code, e.g. Visa's 41 */
	networkDeclineCode: string | null;
	/** the card brand of the payment method (visa, mastercard, ...); null for other types */
	cardBrand: string | null;
	/** the payment method the attempt was made with */
	paymentMethodId: string | null;
	/** that method as people read it, e.g. "Visa •••• 4242"; null when Stripe named only its id */
	paymentMethodLabel: string | null;
}

/** Why a decline forbids an automatic retry: the signal, its value and what it means. */
export interface RetryBan {
	signal: 'decline_code' | 'advice_code' | 'network_advice_code' | 'network_decline_code';
	/** the value as Stripe gave it, e.g. lost_card, do_not_try_again, 03 */
	code: string;
	/** what it means, in a few words */
	meaning: string;
}

const NO_RETRY_DECLINE_CODES = new Map([
	['lost_card', 'the card is reported lost'],
	['stolen_card', 'the card is reported stolen'],
	['pickup_card', 'the issuer asks for the card to be picked up'],
	['fraudulent', 'the issuer suspects fraud'],
	['invalid_account', 'the card or its account is invalid'],
	['restricted_card', 'the card is restricted'],
	['card_not_supported', 'the card does not support this kind of payment'],
	['currency_not_supported', 'the card does not support this currency'],
	['revocation_of_authorization', 'the cardholder revoked the authorization for these payments'],
	['revocation_of_all_authorizations', 'the cardholder revoked all authorizations'],
	['stop_payment_order', 'the cardholder ordered the payments stopped'],
	['do_not_try_again', 'the issuer says not to try again'],
]);

const NO_RETRY_ADVICE_CODES = new Map([['do_not_try_again', 'the issuer says not to try again']]);

// Mastercard's merchant advice codes that forbid a retry.
const NO_RETRY_NETWORK_ADVICE = new Map([
	['03', 'the card network says not to try again'],
	['21', 'the cardholder cancelled payments to this merchant'],
]);

// Visa's category 1 response codes: the issuer will never approve.
const VISA_NEVER_APPROVES = new Map([
	['04', 'the issuer asks for the card to be picked up'],
	['07', 'the issuer asks for the card to be picked up'],
	['12', 'the issuer calls the transaction invalid'],
	['14', 'the card number is invalid'],
	['15', 'the issuer does not exist'],
	['41', 'the card is reported lost'],
	['43', 'the card is reported stolen'],
	['46', 'the account is closed'],
	['57', 'the transaction is not permitted to the cardholder'],
	['R0', 'the cardholder ordered this payment stopped'],
	['R1', 'the cardholder revoked the authorization for these payments'],
	['R3', 'the cardholder revoked all authorizations'],
]);

/** The ban when `table` lists `code`. */
function banBy(
	signal: RetryBan['signal'],
	table: Map<string, string>,
	code: string | null | undefined,
): RetryBan | undefined {
	if (typeof code !== 'string') return undefined;
	const meaning = table.get(code);
	return meaning === undefined ? undefined : { signal, code, meaning };
}

/**
 * What forbids retrying this decline automatically, or undefined when a retry is allowed.
 * The issuer's decline code is named first when several signals forbid it.
 */
export function retryBan(decline: Partial<Decline>): RetryBan | undefined {
	return (
		banBy('decline_code', NO_RETRY_DECLINE_CODES, decline.declineCode) ??
		banBy('advice_code', NO_RETRY_ADVICE_CODES, decline.adviceCode) ??
		banBy('network_advice_code', NO_RETRY_NETWORK_ADVICE, decline.networkAdviceCode) ??
		(decline.cardBrand === 'visa'
			? banBy('network_decline_code', VISA_NEVER_APPROVES, decline.networkDeclineCode)
			: undefined)
	);
}

function nonEmptyString(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * The decline a PaymentIntent's `last_payment_error` (or a 402's `error`) reports; undefined when
 * there is none. Stripe puts the whole PaymentMethod of the attempt in it, which names the method
 * even after Stripe has taken it off the PaymentIntent.
 */
export function declineOf(
	error: Stripe.PaymentIntent.LastPaymentError | null | undefined,
): Decline | undefined {
	if (!error) return undefined;
	const method = error.payment_method as Stripe.PaymentMethod | string | null | undefined;
	const methodObject = method !== null && typeof method === 'object' ? method : undefined;
	return {
		code: nonEmptyString(error.code),
		declineCode: nonEmptyString(error.decline_code),
		adviceCode: nonEmptyString(error.advice_code),
		networkAdviceCode: nonEmptyString(error.network_advice_code),
		networkDeclineCode: nonEmptyString(error.network_decline_code),
		cardBrand: nonEmptyString(methodObject?.card?.brand),
		paymentMethodId: nonEmptyString(methodObject?.id ?? method),
		paymentMethodLabel: methodObject
			? paymentMethodLabel(methodObject as unknown as PaymentMethodLike)
			: null,
	};
}

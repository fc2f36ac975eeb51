/**
 * What a decline means, in plain words for the customer: one sentence from Stripe's signals
 * (docs.stripe.com/declines/codes: `decline_code`, `advice_code`, the error `code`), and what the
 * customer can do about it. The emails show the sentence, with the code after it for support:
 * never the raw code alone.
 *
 * Stripe asks that a `fraudulent`, `lost_card`, `stolen_card` or `pickup_card` decline be shown
 * to the customer as a plain decline (docs.stripe.com/declines/codes), so those read as the bank's
 * refusal without naming the reason; the team still sees the code.
 */

/** What the customer can do: wait for the next try (and may add funds), or give another method. */
export type DeclineRemedy = 'retry-may-pass' | 'new-method' | 'confirm';

export interface DeclineWords {
	/** one sentence, lower-case start so it reads inside another: "your bank declined ..." */
	sentence: string;
	remedy: DeclineRemedy;
	/** the code the sentence was chosen by (decline code, else advice, else error code); null: none */
	code: string | null;
}

type Entry = [sentence: string, remedy: DeclineRemedy];

const NOT_SAID: Entry = [
	'your bank declined the payment without giving a reason',
	'retry-may-pass',
];
const BANK_REFUSES: Entry = [
	'your bank declined the payment and will not accept further payments on this card',
	'new-method',
];
const AUTHORIZATION_WITHDRAWN: Entry = [
	'the automatic payments to us were stopped at your bank',
	'new-method',
];

// Stripe's decline codes (docs.stripe.com/declines/codes), the issuer's reason.
const BY_DECLINE_CODE = new Map<string, Entry>([
	['insufficient_funds', ['your bank declined the payment for lack of funds', 'retry-may-pass']],
	[
		'withdrawal_count_limit_exceeded',
		['the card has reached its spending limit', 'retry-may-pass'],
	],
	['card_velocity_exceeded', ['the card has reached its spending limit', 'retry-may-pass']],
	['expired_card', ['the card has expired', 'new-method']],
	['incorrect_number', ['the card number was not accepted', 'new-method']],
	['invalid_number', ['the card number was not accepted', 'new-method']],
	['incorrect_cvc', ["the card's security code was not accepted", 'new-method']],
	['invalid_cvc', ["the card's security code was not accepted", 'new-method']],
	['invalid_expiry_month', ["the card's expiry date was not accepted", 'new-method']],
	['invalid_expiry_year', ["the card's expiry date was not accepted", 'new-method']],
	['incorrect_zip', ["the card's postal code was not accepted", 'new-method']],
	['generic_decline', NOT_SAID],
	['do_not_honor', NOT_SAID],
	['call_issuer', NOT_SAID],
	['card_declined', NOT_SAID],
	['no_action_taken', NOT_SAID],
	['not_permitted', NOT_SAID],
	['service_not_allowed', NOT_SAID],
	['transaction_not_allowed', NOT_SAID],
	['fraudulent', BANK_REFUSES],
	['lost_card', BANK_REFUSES],
	['stolen_card', BANK_REFUSES],
	['pickup_card', BANK_REFUSES],
	['restricted_card', BANK_REFUSES],
	['invalid_account', ['the card or its account is no longer valid', 'new-method']],
	[
		'new_account_information_available',
		['the card or its account is no longer valid', 'new-method'],
	],
	['card_not_supported', ['the card does not support this kind of payment', 'new-method']],
	['currency_not_supported', ['the card does not support payments in this currency', 'new-method']],
	['do_not_try_again', BANK_REFUSES],
	['revocation_of_authorization', AUTHORIZATION_WITHDRAWN],
	['revocation_of_all_authorizations', AUTHORIZATION_WITHDRAWN],
	['stop_payment_order', AUTHORIZATION_WITHDRAWN],
	[
		'processing_error',
		['an error at the card network stopped the payment, not your card', 'retry-may-pass'],
	],
	[
		'issuer_not_available',
		['your bank could not be reached to approve the payment', 'retry-may-pass'],
	],
	['try_again_later', ['your bank could not approve the payment at that moment', 'retry-may-pass']],
	[
		'reenter_transaction',
		['your bank could not approve the payment at that moment', 'retry-may-pass'],
	],
	['approve_with_id', ['your bank could not approve the payment at that moment', 'retry-may-pass']],
	['authentication_required', ['your bank needs you to confirm the payment yourself', 'confirm']],
	['offline_pin_required', ['your bank needs you to confirm the payment yourself', 'confirm']],
	[
		'online_or_offline_pin_required',
		['your bank needs you to confirm the payment yourself', 'confirm'],
	],
]);

// Stripe's advice codes (docs.stripe.com/declines/card): used when the issuer gave no known reason.
const BY_ADVICE_CODE = new Map<string, Entry>([
	['do_not_try_again', BANK_REFUSES],
	['try_again_later', ['your bank could not approve the payment at that moment', 'retry-may-pass']],
	['confirm_card_data', ['your bank needs the card details confirmed', 'new-method']],
]);

// Stripe's error codes (docs.stripe.com/error-codes) for a failure that carries no decline code.
const BY_ERROR_CODE = new Map<string, Entry>([
	['card_declined', NOT_SAID],
	['expired_card', ['the card has expired', 'new-method']],
	['incorrect_cvc', ["the card's security code was not accepted", 'new-method']],
	['incorrect_number', ['the card number was not accepted', 'new-method']],
	[
		'processing_error',
		['an error at the card network stopped the payment, not your card', 'retry-may-pass'],
	],
	['authentication_required', ['your bank needs you to confirm the payment yourself', 'confirm']],
	[
		'payment_method_not_available',
		['the payment method could not be used at that moment', 'retry-may-pass'],
	],
	['insufficient_funds', ['your bank declined the payment for lack of funds', 'retry-may-pass']],
]);

export interface DeclineSignals {
	code?: string | null;
	declineCode?: string | null;
	adviceCode?: string | null;
}

function lookUp(table: Map<string, Entry>, code: string | null | undefined) {
	if (typeof code !== 'string' || code === '') return undefined;
	const entry = table.get(code);
	return entry === undefined ? undefined : { entry, code };
}

/**
 * The plain words of a decline: by the issuer's decline code, else Stripe's advice, else the
 * error code (when there is no decline code); a decline with none known reads as a refusal
 * without a reason, naming its most specific code.
 */
export function declineWords(signals: DeclineSignals): DeclineWords {
	// the error code says less than any decline code, even one not listed here
	const found =
		lookUp(BY_DECLINE_CODE, signals.declineCode) ??
		lookUp(BY_ADVICE_CODE, signals.adviceCode) ??
		(signals.declineCode ? undefined : lookUp(BY_ERROR_CODE, signals.code));
	if (found !== undefined) {
		const [sentence, remedy] = found.entry;
		return { sentence, remedy, code: found.code };
	}
	const code = [signals.declineCode, signals.adviceCode, signals.code].find(
		(value) => typeof value === 'string' && value !== '',
	);
	return { sentence: NOT_SAID[0], remedy: NOT_SAID[1], code: code ?? null };
}

/** The sentence for people, capitalised, with the code after it: "Your bank ... (insufficient_funds)." */
export function declineSentence(signals: DeclineSignals): string {
	const { sentence, code } = declineWords(signals);
	const start = sentence.charAt(0).toUpperCase() + sentence.slice(1);
	return code === null ? `${start}.` : `${start} (${code}).`;
}

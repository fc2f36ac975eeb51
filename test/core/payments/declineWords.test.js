// @ts-check
import { declineSentence, declineWords } from '../../../nodes/core/payments/declineWords';

// [signals, the sentence, what the customer can do, the code named]
/** @type {Array<[Record<string, string | null>, string, string, string | null]>} */
// prettier-ignore
const CASES = [
	[{ code: 'card_declined', declineCode: 'insufficient_funds' }, 'your bank declined the payment for lack of funds', 'retry-may-pass', 'insufficient_funds'],
	[{ code: 'card_declined', declineCode: 'generic_decline' }, 'your bank declined the payment without giving a reason', 'retry-may-pass', 'generic_decline'],
	[{ code: 'card_declined', declineCode: 'do_not_honor' }, 'your bank declined the payment without giving a reason', 'retry-may-pass', 'do_not_honor'],
	[{ code: 'expired_card', declineCode: 'expired_card' }, 'the card has expired', 'new-method', 'expired_card'],
	[{ code: 'card_declined', declineCode: 'processing_error' }, 'an error at the card network stopped the payment, not your card', 'retry-may-pass', 'processing_error'],
	[{ code: 'card_declined', declineCode: 'issuer_not_available' }, 'your bank could not be reached to approve the payment', 'retry-may-pass', 'issuer_not_available'],
	// Stripe: show lost, stolen, pick-up and fraud as a plain refusal (docs.stripe.com/declines/codes)
	[{ code: 'card_declined', declineCode: 'lost_card' }, 'your bank declined the payment and will not accept further payments on this card', 'new-method', 'lost_card'],
	[{ code: 'card_declined', declineCode: 'fraudulent' }, 'your bank declined the payment and will not accept further payments on this card', 'new-method', 'fraudulent'],
	[{ code: 'card_declined', declineCode: 'stop_payment_order' }, 'the automatic payments to us were stopped at your bank', 'new-method', 'stop_payment_order'],
	[{ code: 'authentication_required', declineCode: 'authentication_required' }, 'your bank needs you to confirm the payment yourself', 'confirm', 'authentication_required'],
	// no known decline code: the advice, then the error code
	[{ code: 'card_declined', declineCode: 'something_new', adviceCode: 'try_again_later' }, 'your bank could not approve the payment at that moment', 'retry-may-pass', 'try_again_later'],
	[{ code: 'card_declined', adviceCode: 'do_not_try_again' }, 'your bank declined the payment and will not accept further payments on this card', 'new-method', 'do_not_try_again'],
	[{ code: 'card_declined', adviceCode: 'confirm_card_data' }, 'your bank needs the card details confirmed', 'new-method', 'confirm_card_data'],
	[{ code: 'incorrect_cvc' }, "the card's security code was not accepted", 'new-method', 'incorrect_cvc'],
	[{ code: 'processing_error' }, 'an error at the card network stopped the payment, not your card', 'retry-may-pass', 'processing_error'],
	// nothing known: a refusal without a reason, naming the code it had
	[{ code: 'card_declined', declineCode: 'brand_new_code' }, 'your bank declined the payment without giving a reason', 'retry-may-pass', 'brand_new_code'],
	[{ code: null, declineCode: null }, 'your bank declined the payment without giving a reason', 'retry-may-pass', null],
];

test.each(CASES)('%j reads "%s"', (signals, sentence, remedy, code) => {
	expect(declineWords(signals)).toEqual({ sentence, remedy, code });
});

test('the sentence for people starts with a capital and names the code after it, never the code alone', () => {
	expect(declineSentence({ code: 'card_declined', declineCode: 'insufficient_funds' })).toBe(
		'Your bank declined the payment for lack of funds (insufficient_funds).',
	);
	expect(declineSentence({})).toBe('Your bank declined the payment without giving a reason.');
	for (const [signals] of CASES) {
		const sentence = declineSentence(signals);
		expect(sentence).toMatch(/^[A-Z][a-z' ]+[a-z]/);
		expect(sentence.split(' ').length).toBeGreaterThan(4);
	}
});

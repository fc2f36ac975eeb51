import { readLocale } from '../locale';
import type { EmailContact } from './addresses';
import { customerRecipients } from './addresses';
import { renderLetter } from './layouts';
import { formatBusinessDay } from './paymentEmails';
import { oneLine, safeUrl } from './plainText';

/**
 * Pre-dunning (docs/recovery.md, "Before it fails"): the email that asks a customer for a new
 * card before their automatic card expires, from the check of Stripe Invoice Payment → Payment
 * Method → Check Card Expiry. Sent to the customer as the payment emails are (To the customer's
 * email, CC the accounts addresses).
 */

export const CARD_EXPIRY_NOTICE_TEMPLATE = 'Card Expiry Notice';

/** The check's output as the notice reads it. */
export interface CardExpiryCheckResult {
	/** e.g. "Visa •••• 4242" */
	label?: string | null;
	goodThrough?: string | null;
	nextDueDay?: string | null;
	expiresBeforeNextDueDay?: boolean | null;
}

export interface CardExpiryNoticeInput {
	check: CardExpiryCheckResult;
	contact: EmailContact;
	/** the add-method link (an add-method link obeying the add-method policy) */
	updatePaymentMethodUrl?: string | null;
	businessName?: string | null;
	locale?: string | null;
}

export type CardExpiryNotice =
	| {
			send: true;
			template: string;
			to: string;
			cc: string;
			bcc: string;
			subject: string;
			text: string;
			html: string;
			ignoredAddresses: string[];
	  }
	| {
			send: false;
			reason: 'CARD_GOOD_ON_DUE_DAY' | 'NO_RECIPIENT';
			message: string;
			ignoredAddresses: string[];
	  };

/** The notice, or why none is sent (the card is good on the due day, or nobody to send it to). */
export function composeCardExpiryNotice(input: CardExpiryNoticeInput): CardExpiryNotice {
	const { check, contact } = input;
	const locale = readLocale(input.locale, 'locale');
	if (!check.expiresBeforeNextDueDay || !check.goodThrough || !check.nextDueDay) {
		return {
			send: false,
			reason: 'CARD_GOOD_ON_DUE_DAY',
			message: 'The automatic card is good on the next due day (or nothing is due)',
			ignoredAddresses: [],
		};
	}
	const recipients = customerRecipients(contact);
	if (recipients.to === null) {
		return {
			send: false,
			reason: 'NO_RECIPIENT',
			message: 'Nobody to send it to: the customer has no email address',
			ignoredAddresses: recipients.ignored,
		};
	}
	const label = oneLine(check.label, 'your card');
	const goodThrough = formatBusinessDay(check.goodThrough, locale);
	const due = formatBusinessDay(check.nextDueDay, locale);
	const url = safeUrl(input.updatePaymentMethodUrl);
	const letter = renderLetter({
		greeting: `Dear ${oneLine(contact.customerName, 'customer')},`,
		opening: `Your automatic payment method, ${label}, expires before your next payment is due: it can be charged until ${goodThrough}, and your next payment is due on ${due}. Please add a new card${url ? ' with the link below' : ''} so that payment goes through.`,
		reason: null,
		rows: [
			['Automatic payment method', label],
			['Good through', goodThrough],
			['Next payment due', due],
		],
		links: url ? [['Update your payment method', url]] : [],
		signature: oneLine(input.businessName, ''),
	});
	return {
		send: true,
		template: CARD_EXPIRY_NOTICE_TEMPLATE,
		to: recipients.to,
		cc: recipients.cc.join(', '),
		bcc: recipients.bcc.join(', '),
		subject: `${CARD_EXPIRY_NOTICE_TEMPLATE}: ${label} expires before your next payment`,
		...letter,
		ignoredAddresses: recipients.ignored,
	};
}

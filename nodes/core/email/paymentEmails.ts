import { failureOutlook } from '../autopay/failureOutlook';
import type { FailureOutlook, RetryPolicySettings } from '../autopay/failureOutlook';
import { readLocale } from '../locale';
import { declineSentence, declineWords } from '../payments/declineWords';
import { CoreInputError } from '../errors';
import { NO_AUTOMATIC_PAYMENT } from '../payments/paymentMethodLabel';
import type { PaymentStatus } from '../payments/paymentRecord';
import type { EmailContact, Recipients } from './addresses';
import { customerRecipients, parseFailureAddress } from './addresses';
import { renderLetter } from './layouts';
import { oneLine, safeUrl } from './plainText';
import type { EmailPaymentRecord } from './record';
import { checkEmailPaymentRecord, emailRecordIdentity, recordAmountsShown } from './record';

/**
 * Payment emails: which email a payment record gets under the email setting, who receives it,
 * and the words of the seeds' two templates, "Payment Confirmation" and "Payment Failure".
 *
 * Email settings (the seeds: "failures only (to a set address), or successes and failures;
 * option Use Stripe receipt emails"):
 *   failuresOnly          no confirmations. A failure is an INTERNAL notice: To = the failure
 *                         address, nobody copied (the customer is not told by us).
 *   successesAndFailures  confirmation and failure emails to the customer.
 *   stripeReceipts        Stripe emails its receipt for a Stripe payment, so we send no
 *                         confirmation for it (a 360 Payments payment still gets ours, Stripe
 *                         sends nothing for it); failures to the customer as above.
 * Customer emails: To = the customer's email (its accounts email when it has none); CC = the
 * accounts email, each accounts CC address and the paying user, without duplicates (compared
 * case-insensitively) and never repeating To. A failure also goes BCC to the failure address,
 * so the team hears of every failure whatever the setting. With no customer address at all a
 * failure falls back to the internal notice; a confirmation is not sent.
 *
 * Statuses: succeeded -> confirmation; failed and requires_action (the customer must confirm
 * with the bank: the email carries the link) -> failure; processing, pending, canceled,
 * refunded -> none (a refund is the books' business, never a "Payment Confirmation").
 * An off-session attempt the bank refused for want of authentication (failure code
 * `authentication_required`) is not a failure to announce: the payment node answers it with a
 * page where the customer completes the payment, a requires_action record whose email carries
 * that link. Announcing both would send the customer two failure emails for one attempt.
 * A status the books already knew (`statusIsNew: false`) sends nothing: a webhook replay, the
 * second of two concurrent runs, or the webhook reporting what the run already recorded.
 *
 * Recovery (the daily auto-pay's retry policy, docs/recovery.md), when the retry policy is given:
 * a failed auto-pay charge's email says what failed in plain words (declineWords.ts), what happens
 * next (the next try's day, or that no automatic try follows) and offers the add-method link.
 * The first failure of an invoice that the schedule will retry sends the customer nothing when
 * Silent First Retry is on (the team still sees it in the run report; an internal notice under
 * failures only still goes). When the next try is the schedule's last, the email is the
 * "Last Payment Notice", so the customer hears before the final try.
 */

export type EmailSetting = 'failuresOnly' | 'successesAndFailures' | 'stripeReceipts';

export const EMAIL_SETTINGS: EmailSetting[] = [
	'failuresOnly',
	'successesAndFailures',
	'stripeReceipts',
];

export type PaymentEmailKind = 'confirmation' | 'failure' | 'lastNotice';

/** The seeds' template names, also the start of each subject. */
export const EMAIL_TEMPLATES: Record<PaymentEmailKind, string> = {
	confirmation: 'Payment Confirmation',
	failure: 'Payment Failure',
	lastNotice: 'Last Payment Notice',
};

/** The first failure of an invoice a retry will follow sends the customer nothing: the default. */
export const DEFAULT_SILENT_FIRST_RETRY = true;

/** The retry policy as the emails read it: the scan's settings and the first retry's silence. */
export interface RecoveryEmailPolicy extends RetryPolicySettings {
	/** default DEFAULT_SILENT_FIRST_RETRY */
	silentFirstRetry?: boolean | null;
}

export type NoEmailReason =
	| 'STATUS_NOT_NOTIFIED'
	| 'ALREADY_NOTIFIED'
	| 'SUCCESS_EMAILS_OFF'
	| 'STRIPE_RECEIPT'
	| 'AUTHENTICATION_REQUESTED'
	| 'SILENT_FIRST_RETRY'
	| 'NO_RECIPIENT'
	| 'NO_FAILURE_ADDRESS';

export interface EmailSettings {
	setting: EmailSetting;
	/** where internal failure notices go (and the BCC of customer failure emails) */
	failureAddress?: string | null;
	/** signs the emails, e.g. "Acme Services Ltd" */
	businessName?: string | null;
	/** BCP 47 tag for amounts, default en-US */
	locale?: string | null;
}

export interface PaymentEmailInput {
	record: EmailPaymentRecord;
	contact: EmailContact;
	settings: EmailSettings;
	/** what people see for the invoice, e.g. INV-2001; defaults to the record's invoiceId */
	invoiceNumber?: string | null;
	/** the customer's automatic payment method label (the seeds' $-PAYMENTMETHOD) */
	automaticPaymentMethod?: string | null;
	/** where the customer may add or change the automatic method (after a failure) */
	updatePaymentMethodUrl?: string | null;
	/** false when the books already had this status for this payment; default true */
	statusIsNew?: boolean;
	/** the daily auto-pay's retry policy: recovery-aware failure emails; absent: as before */
	recoveryPolicy?: RecoveryEmailPolicy | null;
}

export interface ComposedEmail {
	send: true;
	kind: PaymentEmailKind;
	template: string;
	audience: 'customer' | 'internal';
	to: string;
	/** comma-separated, '' when none */
	cc: string;
	bcc: string;
	subject: string;
	text: string;
	html: string;
	invoiceId: string;
	paymentId: string | null;
	status: PaymentStatus;
	/** contact addresses that are not email addresses, left out */
	ignoredAddresses: string[];
}

export interface NoEmail {
	send: false;
	reason: NoEmailReason;
	message: string;
	invoiceId: string;
	paymentId: string | null;
	status: PaymentStatus;
	ignoredAddresses: string[];
}

export type PaymentEmailOutcome = ComposedEmail | NoEmail;

export function parseEmailSetting(value: unknown, field = 'emailSetting'): EmailSetting {
	if (typeof value === 'string' && (EMAIL_SETTINGS as string[]).includes(value.trim())) {
		return value.trim() as EmailSetting;
	}
	throw new CoreInputError(
		field,
		`The email setting must be one of ${EMAIL_SETTINGS.join(', ')}, not "${String(value).slice(0, 40)}"`,
	);
}

/** Which email (if any) a record gets; pure decision, no addresses involved. */
export function decidePaymentEmail(
	record: Pick<EmailPaymentRecord, 'status' | 'provider' | 'failure'>,
	setting: EmailSetting,
	statusIsNew = true,
): { kind: PaymentEmailKind; audience: 'customer' | 'internal' } | { reason: NoEmailReason } {
	if (!statusIsNew) return { reason: 'ALREADY_NOTIFIED' };
	if (record.status === 'succeeded') {
		if (setting === 'failuresOnly') return { reason: 'SUCCESS_EMAILS_OFF' };
		// Stripe sends receipts only for its own payments.
		if (setting === 'stripeReceipts' && record.provider !== 'gateway360') {
			return { reason: 'STRIPE_RECEIPT' };
		}
		return { kind: 'confirmation', audience: 'customer' };
	}
	if (record.status === 'failed' && record.failure?.code === 'authentication_required') {
		return { reason: 'AUTHENTICATION_REQUESTED' };
	}
	if (record.status === 'failed' || record.status === 'requires_action') {
		return { kind: 'failure', audience: setting === 'failuresOnly' ? 'internal' : 'customer' };
	}
	return { reason: 'STATUS_NOT_NOTIFIED' };
}

const NO_EMAIL_MESSAGES: Record<NoEmailReason, string> = {
	STATUS_NOT_NOTIFIED: 'No email for this status',
	ALREADY_NOTIFIED: 'The books already had this status for this payment: it was emailed then',
	SUCCESS_EMAILS_OFF: 'The email setting sends failures only',
	STRIPE_RECEIPT: 'Stripe emails its receipt for this payment',
	AUTHENTICATION_REQUESTED:
		'The bank asked for the customer to authenticate: the email of the page to complete the payment is sent instead',
	SILENT_FIRST_RETRY:
		'The first failure of this invoice is retried by the schedule before the customer is told (Silent First Retry); the run report shows it',
	NO_RECIPIENT: 'Nobody to send it to: no customer address and no failure address',
	NO_FAILURE_ADDRESS:
		'No failure address is set: the mismatch is kept in the books, and nobody is told of it',
};

/** The outcome of an email about a record that is not sent, and why. */
export function noEmail(
	record: EmailPaymentRecord,
	reason: NoEmailReason,
	ignoredAddresses: string[] = [],
): NoEmail {
	return {
		send: false,
		...emailRecordIdentity(record),
		reason,
		message: NO_EMAIL_MESSAGES[reason],
		ignoredAddresses,
	};
}

/** The email a payment record gets under the settings, or why it gets none. */
export function composePaymentEmail(input: PaymentEmailInput): PaymentEmailOutcome {
	const { record, contact, settings } = input;
	checkEmailPaymentRecord(record);
	const setting = parseEmailSetting(settings.setting);
	const failureAddress = parseFailureAddress(settings.failureAddress);
	const decision = decidePaymentEmail(record, setting, input.statusIsNew !== false);
	if ('reason' in decision) return noEmail(record, decision.reason);
	const policy = input.recoveryPolicy;
	const outlook =
		policy && decision.kind === 'failure' ? failureOutlook(record, policy) : undefined;
	if (
		outlook?.kind === 'retry' &&
		outlook.firstFailure &&
		decision.audience === 'customer' &&
		(policy?.silentFirstRetry ?? DEFAULT_SILENT_FIRST_RETRY)
	) {
		return noEmail(record, 'SILENT_FIRST_RETRY');
	}
	const kind: PaymentEmailKind =
		outlook?.kind === 'retry' && outlook.retriesLeft === 1 ? 'lastNotice' : decision.kind;

	let audience = decision.audience;
	let recipients: Recipients =
		audience === 'customer'
			? customerRecipients(contact, { bcc: decision.kind === 'failure' ? failureAddress : null })
			: { to: null, cc: [], bcc: [], ignored: [] };
	if (recipients.to === null && decision.kind === 'failure') {
		// No customer address (or failures only): the team is told instead.
		audience = 'internal';
		recipients = { to: failureAddress, cc: [], bcc: [], ignored: recipients.ignored };
	}
	if (recipients.to === null) return noEmail(record, 'NO_RECIPIENT', recipients.ignored);

	const content = paymentEmailContent({ ...input, kind, audience, outlook });
	return {
		send: true,
		kind,
		template: EMAIL_TEMPLATES[kind],
		audience,
		to: recipients.to,
		cc: recipients.cc.join(', '),
		bcc: recipients.bcc.join(', '),
		...content,
		...emailRecordIdentity(record),
		ignoredAddresses: recipients.ignored,
	};
}

const REQUIRES_ACTION_REASON = 'Your bank needs you to confirm this payment before it can be taken';

/** The subject and words of a confirmation or failure, laid out as a letter. */
function paymentEmailContent(
	input: PaymentEmailInput & {
		kind: PaymentEmailKind;
		audience: 'customer' | 'internal';
		outlook: FailureOutlook | undefined;
	},
): { subject: string; text: string; html: string } {
	const { record, contact, settings, kind, audience, outlook } = input;
	const locale = readLocale(settings.locale, 'locale');
	const amounts = recordAmountsShown(record, locale);
	const invoiceNumber = oneLine(input.invoiceNumber, record.invoiceId);
	const customerName = oneLine(contact.customerName, 'customer');
	const businessName = oneLine(settings.businessName, '');
	const automaticMethod = oneLine(input.automaticPaymentMethod, NO_AUTOMATIC_PAYMENT);
	const methodUsed = oneLine(record.paymentMethod?.label, '');
	const reference = oneLine(record.paymentId, '');
	const actionUrl = record.status === 'requires_action' ? safeUrl(record.nextActionUrl) : null;
	const failed = kind !== 'confirmation';
	const updateUrl = failed ? safeUrl(input.updatePaymentMethodUrl) : null;
	const reason =
		record.status === 'requires_action'
			? REQUIRES_ACTION_REASON
			: outlook !== undefined
				? declineSentence(record.failure ?? {})
				: oneLine(record.failure?.message, 'The payment was declined');

	const subject =
		`${EMAIL_TEMPLATES[kind]}: invoice ${invoiceNumber}` +
		(audience === 'internal' ? ` (${customerName})` : '');
	const greeting = audience === 'internal' ? 'Hello,' : `Dear ${customerName},`;
	const opening =
		kind === 'confirmation'
			? `Thank you: we received your payment of ${amounts.total} for invoice ${invoiceNumber}.`
			: audience === 'internal'
				? `The payment of ${amounts.total} for invoice ${invoiceNumber} of ${customerName} did not go through.`
				: `We could not take your payment of ${amounts.total} for invoice ${invoiceNumber}.`;

	const rows: Array<[string, string]> = [
		['Invoice', invoiceNumber],
		['Invoice amount', amounts.amount],
		...(amounts.fee ? ([['Processing fee', amounts.fee]] as Array<[string, string]>) : []),
		[kind === 'confirmation' ? 'Total paid' : 'Total', amounts.total],
		...(methodUsed ? ([['Payment method', methodUsed]] as Array<[string, string]>) : []),
		...(reference ? ([['Reference', reference]] as Array<[string, string]>) : []),
		['Automatic payment method', automaticMethod],
	];
	const links: Array<[string, string]> = [
		...(actionUrl ? ([['Complete the payment', actionUrl]] as Array<[string, string]>) : []),
		...(updateUrl ? ([['Update your payment method', updateUrl]] as Array<[string, string]>) : []),
	];
	const letter = renderLetter({
		greeting,
		opening,
		reason: failed ? reason : null,
		next: outlook === undefined ? null : whatHappensNext(outlook, record, locale, audience),
		rows,
		links,
		signature: businessName,
	});
	return { subject, ...letter };
}

/** A business day (YYYY-MM-DD) for people, e.g. "Thursday, November 26, 2026" in en-US. */
export function formatBusinessDay(day: string, locale: string): string {
	const [year, month, date] = day.split('-').map(Number);
	return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeZone: 'UTC' }).format(
		Date.UTC(year, month - 1, date),
	);
}

/** What follows the failure, in the customer's words (or the team's on an internal notice). */
function whatHappensNext(
	outlook: FailureOutlook,
	record: EmailPaymentRecord,
	locale: string,
	audience: 'customer' | 'internal',
): string {
	const you = audience === 'customer';
	const link = you ? ' with the link below' : '';
	switch (outlook.kind) {
		case 'retry': {
			const day = formatBusinessDay(outlook.nextTryDay, locale);
			if (outlook.retriesLeft === 1) {
				return `We will make one last automatic try on ${day}. If it fails, we will not try again automatically: ${you ? 'please make sure it can go through, or add another payment method' : 'the customer should add another payment method'}${link} before then.`;
			}
			const remedy = declineWords(record.failure ?? {}).remedy;
			const ask =
				remedy === 'new-method'
					? `${you ? 'please add' : 'the customer should add'} another payment method${link}`
					: `${you ? 'please make sure it can go through, or add' : 'the customer may add'} another payment method${link}`;
			return `We will try again automatically on ${day}. Before then, ${ask}.`;
		}
		case 'ended':
			return `That was the last automatic try: we will not charge this payment method again automatically. ${you ? 'Please pay the invoice or add another payment method' : 'The invoice stays open until the customer pays it or adds another payment method'}${link}.`;
		case 'never':
			return `This payment method will not be tried again. ${you ? 'Please add another payment method' : 'The customer must add another payment method'}${link}.`;
		case 'customer':
			return `Only ${you ? 'you' : 'the customer'} can complete this payment: ${you ? 'please confirm it with your bank, or add another payment method' : 'they must confirm it with their bank, or add another payment method'}${link}.`;
	}
}

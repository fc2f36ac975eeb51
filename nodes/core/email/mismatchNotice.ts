import { readLocale } from '../locale';
import { parseFailureAddress } from './addresses';
import { renderListReport } from './layouts';
import type { ComposedEmail, NoEmail } from './paymentEmails';
import { noEmail } from './paymentEmails';
import { oneLine } from './plainText';
import type { EmailPaymentRecord } from './record';
import { checkEmailPaymentRecord, emailRecordIdentity, recordAmountsShown } from './record';

/**
 * The Payment Mismatch notice: the internal email of a payment that names an invoice it does not
 * pay (another customer's, another amount), with the reasons the match check gave.
 */

/** The internal notice of a payment that does not match the invoice it names. */
export const PAYMENT_MISMATCH_TEMPLATE = 'Payment Mismatch';

export interface PaymentMismatchNoticeInput {
	record: EmailPaymentRecord & {
		customer?: { booksId?: string | null; providerId?: string | null } | null;
	};
	/** why it does not match (`nodes/core/payments/paymentMatch.ts`), one sentence each */
	reasons: Array<{ code?: string | null; message?: string | null }>;
	/** what people see for the invoice; defaults to the record's invoiceId */
	invoiceNumber?: string | null;
	/** the invoice's customer as the books name it (not whoever paid) */
	customerName?: string | null;
	failureAddress?: string | null;
	businessName?: string | null;
	locale?: string | null;
	/** false when the books already kept this status of the mismatched payment; default true */
	statusIsNew?: boolean;
}

/** Sent like a payment email, to the failure address alone. */
export interface PaymentMismatchNotice
	extends Omit<ComposedEmail, 'kind' | 'template' | 'audience' | 'ignoredAddresses'> {
	template: typeof PAYMENT_MISMATCH_TEMPLATE;
	audience: 'internal';
}

const PROVIDER_NAMES: Record<string, string> = { stripe: 'Stripe', gateway360: '360 Payments' };

/**
 * The notice to the failure address of a payment kept as a mismatch: it names an invoice it
 * does not pay (another customer's, another amount). Internal only, whatever the email setting:
 * whoever made the payment wrote the invoice it names, so its customer is not told by us. Each
 * status of the payment is told once (`statusIsNew`), as the payment emails are.
 */
export function composePaymentMismatchNotice(
	input: PaymentMismatchNoticeInput,
): PaymentMismatchNotice | NoEmail {
	const { record } = input;
	checkEmailPaymentRecord(record);
	const to = parseFailureAddress(input.failureAddress);
	if (input.statusIsNew === false) return noEmail(record, 'ALREADY_NOTIFIED');
	if (to === null) return noEmail(record, 'NO_FAILURE_ADDRESS');
	const amounts = recordAmountsShown(record, readLocale(input.locale, 'locale'));
	const invoiceNumber = oneLine(input.invoiceNumber, record.invoiceId);
	const customerName = oneLine(input.customerName, "the invoice's customer");
	const provider = oneLine(record.provider, '');
	const payer = [
		record.customer?.booksId ? `books customer ${oneLine(record.customer.booksId, '')}` : '',
		record.customer?.providerId
			? `${PROVIDER_NAMES[provider] ?? 'provider'} customer ${oneLine(record.customer.providerId, '')}`
			: '',
	].filter(Boolean);
	const reasons = (Array.isArray(input.reasons) ? input.reasons : []).map((why) =>
		oneLine(why?.message, oneLine(why?.code, 'not told')),
	);
	const { text, html } = renderListReport({
		heading: `A payment of ${amounts.total} names invoice ${invoiceNumber} of ${customerName} but does not match it. It is kept in the books as a mismatch and does not pay the invoice.`,
		figures: [
			`Invoice: ${invoiceNumber}`,
			`Payment: ${oneLine(record.paymentId, 'no ID')} (${record.status})`,
			...(provider ? [`Provider: ${PROVIDER_NAMES[provider] ?? provider}`] : []),
			`Invoice amount: ${amounts.amount}`,
			...(amounts.fee ? [`Processing fee: ${amounts.fee}`] : []),
			`Total: ${amounts.total}`,
			...(record.paymentMethod?.label
				? [`Payment method: ${oneLine(record.paymentMethod.label, '')}`]
				: []),
			`Paid by: ${payer.length ? payer.join(', ') : 'no customer named'}`,
		],
		lists: [['Why', reasons]],
		closing:
			'Look the payment up at the payment provider. If it does pay this invoice, record it in the books by hand; if not, refund it.',
		businessName: input.businessName,
	});
	return {
		send: true,
		template: PAYMENT_MISMATCH_TEMPLATE,
		audience: 'internal',
		to,
		cc: '',
		bcc: '',
		subject: `${PAYMENT_MISMATCH_TEMPLATE}: invoice ${invoiceNumber} (${customerName})`,
		text,
		html,
		...emailRecordIdentity(record),
	};
}

/**
 * Email composition, as the package exports it to integrators: the payment emails (recovery-aware
 * with the retry policy), the mismatch notice, the card expiry notice, the auto-pay run report and
 * its preview, and the address rules they share.
 * The nodes import from the files themselves.
 */
export {
	customerRecipients,
	isEmailAddress,
	parseFailureAddress,
	splitAddresses,
} from './addresses';
export type { EmailContact, Recipients } from './addresses';
export { CARD_EXPIRY_NOTICE_TEMPLATE, composeCardExpiryNotice } from './cardExpiryNotice';
export type {
	CardExpiryCheckResult,
	CardExpiryNotice,
	CardExpiryNoticeInput,
} from './cardExpiryNotice';
export { escapeHtml } from './html';
export { composePaymentMismatchNotice, PAYMENT_MISMATCH_TEMPLATE } from './mismatchNotice';
export type { PaymentMismatchNotice, PaymentMismatchNoticeInput } from './mismatchNotice';
export {
	composePaymentEmail,
	decidePaymentEmail,
	EMAIL_SETTINGS,
	EMAIL_TEMPLATES,
	parseEmailSetting,
} from './paymentEmails';
export type {
	ComposedEmail,
	EmailSetting,
	EmailSettings,
	NoEmail,
	NoEmailReason,
	PaymentEmailInput,
	PaymentEmailKind,
	PaymentEmailOutcome,
} from './paymentEmails';
export type { EmailPaymentRecord, MoneyLike } from './record';
export { composeAutoPayPreview, composeRunReport } from './runReport';
export type {
	AutoPayPreview,
	AutoPayPreviewInput,
	PreviewCharge,
	RunReport,
	RunReportInput,
	RunReportPayment,
	RunReportSkip,
} from './runReport';

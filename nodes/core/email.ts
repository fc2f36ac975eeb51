import { CoreInputError } from './errors';
import { formatMoney, parseAmount } from './money';
import { NO_AUTOMATIC_PAYMENT } from './paymentMethodLabel';
import type { PaymentStatus } from './paymentRecord';
import { PAYMENT_STATUSES } from './paymentRecord';

/**
 * Payment emails: which email a payment record gets under the email setting, who receives it,
 * and the text of the seeds' two templates, "Payment Confirmation" and "Payment Failure".
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
 */

export type EmailSetting = 'failuresOnly' | 'successesAndFailures' | 'stripeReceipts';

export const EMAIL_SETTINGS: EmailSetting[] = [
	'failuresOnly',
	'successesAndFailures',
	'stripeReceipts',
];

export type PaymentEmailKind = 'confirmation' | 'failure';

/** The seeds' template names, also the start of each subject. */
export const EMAIL_TEMPLATES: Record<PaymentEmailKind, string> = {
	confirmation: 'Payment Confirmation',
	failure: 'Payment Failure',
};

export type NoEmailReason =
	| 'STATUS_NOT_NOTIFIED'
	| 'ALREADY_NOTIFIED'
	| 'SUCCESS_EMAILS_OFF'
	| 'STRIPE_RECEIPT'
	| 'AUTHENTICATION_REQUESTED'
	| 'NO_RECIPIENT'
	| 'NO_FAILURE_ADDRESS';

/** A sum as payment records carry it: `minor` wins; else the decimal `amount` is parsed. */
export interface MoneyLike {
	amount?: string | number | null;
	minor?: number | null;
	currency: string;
}

/** The parts of a payment record (ours, as the books store it) an email is made from. */
export interface EmailPaymentRecord {
	provider?: string | null;
	invoiceId: string;
	paymentId?: string | null;
	status: PaymentStatus;
	amount: MoneyLike;
	fee?: MoneyLike | null;
	total?: MoneyLike | null;
	paymentMethod?: { label?: string | null } | null;
	failure?: { code?: string | null; declineCode?: string | null; message?: string | null } | null;
	nextActionUrl?: string | null;
}

/** Who the customer is and who paid, from the books (and the caller, when a person paid). */
export interface EmailContact {
	customerName?: string | null;
	customerEmail?: string | null;
	accountsEmail?: string | null;
	/** one or more addresses, separated by commas or semicolons */
	accountsCcEmail?: string | null;
	payingUserEmail?: string | null;
}

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

// Deliberately plain: the books and mail servers differ; this refuses what is clearly not one
// address (spaces, several @, display names, lists), not every RFC 5322 oddity.
const EMAIL = /^[^\s@<>(),;:"'\\[\]]+@[^\s@<>(),;:"'\\[\]]+\.[^\s@<>(),;:"'\\[\]]+$/;

export function isEmailAddress(value: string): boolean {
	return value.length <= 254 && EMAIL.test(value);
}

export function parseEmailSetting(value: unknown, field = 'emailSetting'): EmailSetting {
	if (typeof value === 'string' && (EMAIL_SETTINGS as string[]).includes(value.trim())) {
		return value.trim() as EmailSetting;
	}
	throw new CoreInputError(
		field,
		`The email setting must be one of ${EMAIL_SETTINGS.join(', ')}, not "${String(value).slice(0, 40)}"`,
	);
}

/** The failure address setting: empty is allowed (none), anything else must be one address. */
export function parseFailureAddress(value: unknown, field = 'failureAddress'): string | null {
	const text = typeof value === 'string' ? value.trim() : '';
	if (text === '') return null;
	if (!isEmailAddress(text)) {
		throw new CoreInputError(field, `"${text.slice(0, 80)}" is not one email address`);
	}
	return text;
}

/** Splits "a@x.com, b@y.com; c@z.com" into addresses; what is not an address is reported. */
export function splitAddresses(value: unknown): { addresses: string[]; ignored: string[] } {
	const addresses: string[] = [];
	const ignored: string[] = [];
	if (typeof value !== 'string') return { addresses, ignored };
	for (const part of value.split(/[,;]/)) {
		const address = part.trim();
		if (address === '') continue;
		(isEmailAddress(address) ? addresses : ignored).push(address);
	}
	return { addresses, ignored };
}

export interface Recipients {
	to: string | null;
	cc: string[];
	bcc: string[];
	ignored: string[];
}

/**
 * Who receives a customer email: To = customer email, else accounts email; CC = accounts email,
 * accounts CC list, paying user; case-insensitively unique, To never repeated. `bccFailureAddress`
 * adds the failure address as BCC unless it already receives the email.
 */
export function customerRecipients(
	contact: EmailContact,
	options: { bcc?: string | null } = {},
): Recipients {
	const ignored: string[] = [];
	const take = (value: unknown): string[] => {
		const { addresses, ignored: bad } = splitAddresses(value);
		ignored.push(...bad);
		return addresses;
	};
	const customer = take(contact.customerEmail);
	const accounts = take(contact.accountsEmail);
	const accountsCc = take(contact.accountsCcEmail);
	const payingUser = take(contact.payingUserEmail);

	const to = customer[0] ?? accounts[0] ?? null;
	const seen = new Set<string>(to ? [to.toLowerCase()] : []);
	const unique = (list: string[]) =>
		list.filter((address) => {
			const key = address.toLowerCase();
			if (seen.has(key)) return false;
			seen.add(key);
			return true;
		});
	const cc = to ? unique([...customer.slice(1), ...accounts, ...accountsCc, ...payingUser]) : [];
	const bcc = to && options.bcc ? unique([options.bcc]) : [];
	return { to, cc, bcc, ignored };
}

function minorOf(value: MoneyLike | null | undefined, field: string): number | null {
	if (!value) return null;
	if (typeof value.minor === 'number' && Number.isSafeInteger(value.minor)) return value.minor;
	if (value.amount === undefined || value.amount === null || value.amount === '') return null;
	return parseAmount(value.amount, value.currency, field);
}

interface Amounts {
	amount: string;
	fee: string | null;
	total: string;
}

function amountsOf(record: EmailPaymentRecord, locale: string): Amounts {
	const currency = record.amount?.currency;
	if (typeof currency !== 'string' || currency === '') {
		throw new CoreInputError('amount', 'The payment record has no amount with a currency');
	}
	const amount = minorOf(record.amount, 'amount');
	if (amount === null) throw new CoreInputError('amount', 'The payment record has no amount');
	const fee = minorOf(record.fee, 'fee') ?? 0;
	const total = minorOf(record.total, 'total') ?? amount + fee;
	const shown = (minor: number) => formatMoney(minor, currency, locale);
	return { amount: shown(amount), fee: fee > 0 ? shown(fee) : null, total: shown(total) };
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
	NO_RECIPIENT: 'Nobody to send it to: no customer address and no failure address',
	NO_FAILURE_ADDRESS:
		'No failure address is set: the mismatch is kept in the books, and nobody is told of it',
};

function readRecord(record: EmailPaymentRecord): void {
	if (!record || typeof record !== 'object') {
		throw new CoreInputError('paymentRecord', 'A payment record (an object) is required');
	}
	if (typeof record.invoiceId !== 'string' || record.invoiceId.trim() === '') {
		throw new CoreInputError('paymentRecord', 'The payment record has no invoiceId');
	}
	if (!PAYMENT_STATUSES.includes(record.status)) {
		throw new CoreInputError(
			'paymentRecord',
			`The payment record's status "${String(record.status)}" is not one of ${PAYMENT_STATUSES.join(', ')}`,
		);
	}
}

/** The email a payment record gets under the settings, or why it gets none. */
export function composePaymentEmail(input: PaymentEmailInput): PaymentEmailOutcome {
	const { record, contact, settings } = input;
	readRecord(record);
	const setting = parseEmailSetting(settings.setting);
	const failureAddress = parseFailureAddress(settings.failureAddress);
	const base = {
		invoiceId: record.invoiceId,
		paymentId: record.paymentId ?? null,
		status: record.status,
	};
	const decision = decidePaymentEmail(record, setting, input.statusIsNew !== false);
	if ('reason' in decision) {
		return {
			send: false,
			...base,
			reason: decision.reason,
			message: NO_EMAIL_MESSAGES[decision.reason],
			ignoredAddresses: [],
		};
	}

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
	if (recipients.to === null) {
		return {
			send: false,
			...base,
			reason: 'NO_RECIPIENT',
			message: NO_EMAIL_MESSAGES.NO_RECIPIENT,
			ignoredAddresses: recipients.ignored,
		};
	}

	const content = renderPaymentEmail({ ...input, kind: decision.kind, audience });
	return {
		send: true,
		kind: decision.kind,
		template: EMAIL_TEMPLATES[decision.kind],
		audience,
		to: recipients.to,
		cc: recipients.cc.join(', '),
		bcc: recipients.bcc.join(', '),
		...content,
		...base,
		ignoredAddresses: recipients.ignored,
	};
}

// ---------------------------------------------------------------- templates

export function escapeHtml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

/** Only http(s) links go into an email; anything else is dropped rather than shown. */
function safeUrl(value: string | null | undefined): string | null {
	if (typeof value !== 'string' || value.trim() === '') return null;
	const text = value.trim();
	return /^https?:\/\/[^\s"'<>]+$/i.test(text) ? text : null;
}

/** One-line text: no line breaks, so a value cannot add lines (or headers) of its own. */
function oneLine(value: string | null | undefined, fallback: string): string {
	const text = typeof value === 'string' ? value.replace(/[\r\n]+/g, ' ').trim() : '';
	return text === '' ? fallback : text;
}

interface RenderInput extends PaymentEmailInput {
	kind: PaymentEmailKind;
	audience: 'customer' | 'internal';
}

const REQUIRES_ACTION_REASON = 'Your bank needs you to confirm this payment before it can be taken';

function renderPaymentEmail(input: RenderInput): { subject: string; text: string; html: string } {
	const { record, contact, settings, kind, audience } = input;
	const locale = settings.locale || 'en-US';
	const amounts = amountsOf(record, locale);
	const invoiceNumber = oneLine(input.invoiceNumber, record.invoiceId);
	const customerName = oneLine(contact.customerName, 'customer');
	const businessName = oneLine(settings.businessName, '');
	const automaticMethod = oneLine(input.automaticPaymentMethod, NO_AUTOMATIC_PAYMENT);
	const methodUsed = oneLine(record.paymentMethod?.label, '');
	const reference = oneLine(record.paymentId, '');
	const actionUrl = record.status === 'requires_action' ? safeUrl(record.nextActionUrl) : null;
	const updateUrl = kind === 'failure' ? safeUrl(input.updatePaymentMethodUrl) : null;
	const reason =
		record.status === 'requires_action'
			? REQUIRES_ACTION_REASON
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
	const actions: Array<[string, string]> = [
		...(actionUrl ? ([['Complete the payment', actionUrl]] as Array<[string, string]>) : []),
		...(updateUrl ? ([['Update your payment method', updateUrl]] as Array<[string, string]>) : []),
	];

	const textLines = [
		greeting,
		'',
		opening,
		...(kind === 'failure' ? ['', `Reason: ${reason}`] : []),
		'',
		...rows.map(([label, value]) => `${label}: ${value}`),
		...(actions.length ? ['', ...actions.map(([label, url]) => `${label}: ${url}`)] : []),
		...(businessName ? ['', businessName] : []),
	];
	const htmlRows = rows
		.map(
			([label, value]) =>
				`<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
		)
		.join('');
	const htmlActions = actions
		.map(([label, url]) => `<p><a href="${escapeHtml(url)}">${escapeHtml(label)}</a></p>`)
		.join('');
	const html = [
		`<p>${escapeHtml(greeting)}</p>`,
		`<p>${escapeHtml(opening)}</p>`,
		kind === 'failure' ? `<p><strong>Reason:</strong> ${escapeHtml(reason)}</p>` : '',
		`<table cellpadding="4">${htmlRows}</table>`,
		htmlActions,
		businessName ? `<p>${escapeHtml(businessName)}</p>` : '',
	].join('');
	return { subject, text: textLines.join('\n'), html };
}

// ---------------------------------------------------------------- run report

export interface RunReportSkip {
	invoiceId?: string | null;
	reason?: string | null;
	message?: string | null;
}

export interface RunReportPayment {
	invoiceId?: string | null;
	status?: string | null;
	total?: MoneyLike | null;
	failure?: { message?: string | null } | null;
	existingPayment?: boolean | null;
	error?: string | null;
}

export interface RunReportInput {
	/** the Auto-Pay Scan's Run Summary item */
	summary: {
		scanDay?: string;
		timeZone?: string;
		invoices?: number;
		charged?: number;
		skipped?: number;
	} | null;
	skipped: RunReportSkip[];
	payments: RunReportPayment[];
	to: string;
	businessName?: string | null;
	locale?: string | null;
}

export interface RunReport {
	to: string;
	subject: string;
	text: string;
	html: string;
	counts: {
		invoices: number;
		charged: number;
		succeeded: number;
		failed: number;
		other: number;
		skipped: number;
	};
}

/** The daily auto-pay report: what was charged, how it went, and every invoice skipped and why. */
export function composeRunReport(input: RunReportInput): RunReport {
	const to = parseFailureAddress(input.to, 'reportAddress');
	if (!to) throw new CoreInputError('reportAddress', 'A report address is required');
	const locale = input.locale || 'en-US';
	const payments = Array.isArray(input.payments) ? input.payments : [];
	const skipped = Array.isArray(input.skipped) ? input.skipped : [];
	const status = (p: RunReportPayment) => (p.error ? 'error' : String(p.status ?? 'unknown'));
	const succeeded = payments.filter((p) => status(p) === 'succeeded').length;
	const failed = payments.filter((p) =>
		['failed', 'requires_action', 'error'].includes(status(p)),
	).length;
	const day = oneLine(input.summary?.scanDay, 'today');
	const counts = {
		invoices: input.summary?.invoices ?? payments.length + skipped.length,
		charged: payments.length,
		succeeded,
		failed,
		other: payments.length - succeeded - failed,
		skipped: skipped.length,
	};
	const subject = `Auto-pay run ${day}: ${counts.succeeded} paid, ${counts.failed} failed, ${counts.skipped} skipped`;
	const totalOf = (p: RunReportPayment) => {
		try {
			const minor = minorOf(p.total ?? null, 'total');
			return minor === null || !p.total ? '' : formatMoney(minor, p.total.currency, locale);
		} catch {
			return '';
		}
	};
	const paymentLines = payments.map((p) =>
		[
			oneLine(p.invoiceId, '?'),
			status(p),
			totalOf(p),
			p.existingPayment ? '(paid earlier)' : '',
			p.error ? oneLine(p.error, '') : p.failure?.message ? oneLine(p.failure.message, '') : '',
		]
			.filter(Boolean)
			.join(' - '),
	);
	const { text, html } = renderListReport({
		heading: `Auto-pay run of ${day}${input.summary?.timeZone ? ` (${input.summary.timeZone})` : ''}`,
		figures: [
			`Invoices looked at: ${counts.invoices}`,
			`Charged: ${counts.charged} (succeeded ${counts.succeeded}, failed ${counts.failed}, other ${counts.other})`,
			`Skipped: ${counts.skipped}`,
		],
		lists: [
			['Payments', paymentLines],
			['Skipped invoices', skipped.map(skipLine)],
		],
		businessName: input.businessName,
	});
	return { to, subject, text, html, counts };
}

function skipLine(skip: RunReportSkip): string {
	return [oneLine(skip.invoiceId, '?'), oneLine(skip.reason, ''), oneLine(skip.message, '')]
		.filter(Boolean)
		.join(' - ');
}

/**
 * A report email: a heading, a few figures, then titled lists ("- none" when empty), and a
 * closing paragraph when one is given.
 */
function renderListReport(report: {
	heading: string;
	figures: string[];
	lists: Array<[title: string, lines: string[]]>;
	closing?: string;
	businessName?: string | null;
}): { text: string; html: string } {
	const text = [
		report.heading,
		'',
		...report.figures,
		...report.lists.flatMap(([title, lines]) => [
			'',
			`${title}:`,
			...(lines.length ? lines.map((line) => `- ${line}`) : ['- none']),
		]),
		...(report.closing ? ['', report.closing] : []),
		...(report.businessName ? ['', oneLine(report.businessName, '')] : []),
	].join('\n');
	const htmlList = (lines: string[]) =>
		lines.length
			? `<ul>${lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`
			: '<p>none</p>';
	const html = [
		`<p>${escapeHtml(report.heading)}</p>`,
		`<p>${report.figures.map(escapeHtml).join('<br>')}</p>`,
		...report.lists.map(([title, lines]) => `<h3>${escapeHtml(title)}</h3>${htmlList(lines)}`),
		report.closing ? `<p>${escapeHtml(report.closing)}</p>` : '',
	].join('');
	return { text, html };
}

// ---------------------------------------------------------------- auto-pay preview (dry run)

/** One invoice the scan would charge: the Auto-Pay Scan's Charge decision (its `autoPay`). */
export interface PreviewCharge {
	invoiceId?: string | null;
	customerId?: string | null;
	amountMinor?: number | null;
	currency?: string | null;
	paymentDay?: string | null;
	daysLate?: number | null;
	paymentMethod?: { label?: string | null } | null;
}

export interface AutoPayPreviewInput {
	/** the Auto-Pay Scan's Run Summary item, scanned as of the coming run */
	summary: {
		scanDay?: string;
		timeZone?: string;
		invoices?: number;
		chargeTotals?: Record<string, { amountMinor?: number; currency?: string }>;
	} | null;
	charges: PreviewCharge[];
	skipped: RunReportSkip[];
	to: string;
	businessName?: string | null;
	locale?: string | null;
}

export interface AutoPayPreview {
	to: string;
	subject: string;
	text: string;
	html: string;
	counts: { invoices: number; wouldCharge: number; skipped: number };
	/** what would be charged per currency, formatted, e.g. ["$1,250.00", "€80.00"] */
	totals: string[];
}

/**
 * What the next auto-pay run would charge, from a scan run as of that run's moment with nothing
 * charged: each invoice with its amount and payment method, totals per currency, and every
 * invoice that would be skipped and why. The Stripe guards are read now, so a payment made or
 * started before the run still removes its invoice then.
 */
export function composeAutoPayPreview(input: AutoPayPreviewInput): AutoPayPreview {
	const to = parseFailureAddress(input.to, 'reportAddress');
	if (!to) throw new CoreInputError('reportAddress', 'A report address is required');
	const locale = input.locale || 'en-US';
	const charges = Array.isArray(input.charges) ? input.charges : [];
	const skipped = Array.isArray(input.skipped) ? input.skipped : [];
	const money = (minor: number | null | undefined, currency: string | null | undefined) => {
		try {
			return typeof minor === 'number' && currency ? formatMoney(minor, currency, locale) : '?';
		} catch {
			return '?';
		}
	};
	const totals = Object.values(input.summary?.chargeTotals ?? {}).map((total) =>
		money(total.amountMinor, total.currency),
	);
	const counts = {
		invoices: input.summary?.invoices ?? charges.length + skipped.length,
		wouldCharge: charges.length,
		skipped: skipped.length,
	};
	const day = oneLine(input.summary?.scanDay, 'the next run');
	const chargeLines = charges.map((charge) =>
		[
			oneLine(charge.invoiceId, '?'),
			oneLine(charge.customerId, '?'),
			money(charge.amountMinor, charge.currency),
			charge.paymentMethod?.label ? oneLine(charge.paymentMethod.label, '') : '',
			charge.daysLate ? `payable since ${oneLine(charge.paymentDay, '?')}` : '',
		]
			.filter(Boolean)
			.join(' - '),
	);
	const totalsNote = totals.length ? ` (${totals.join(', ')})` : '';
	const subject = `Auto-pay preview for ${day}: ${counts.wouldCharge} to charge${totalsNote}, ${counts.skipped} skipped`;
	const { text, html } = renderListReport({
		heading: `Auto-pay preview: what the run of ${day}${
			input.summary?.timeZone ? ` (${input.summary.timeZone})` : ''
		} would charge. Nothing has been charged.`,
		figures: [
			`Invoices looked at: ${counts.invoices}`,
			`Would charge: ${counts.wouldCharge}${totalsNote}`,
			`Would skip: ${counts.skipped}`,
		],
		lists: [
			['To charge', chargeLines],
			['Skipped invoices', skipped.map(skipLine)],
		],
		businessName: input.businessName,
	});
	return { to, subject, text, html, counts, totals };
}

// ---------------------------------------------------------------- payment mismatch notice

/** The internal notice of a payment that does not match the invoice it names. */
export const PAYMENT_MISMATCH_TEMPLATE = 'Payment Mismatch';

export interface PaymentMismatchNoticeInput {
	record: EmailPaymentRecord & {
		customer?: { booksId?: string | null; providerId?: string | null } | null;
	};
	/** why it does not match (`nodes/core/paymentMatch.ts`), one sentence each */
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
	readRecord(record);
	const to = parseFailureAddress(input.failureAddress);
	const base = {
		invoiceId: record.invoiceId,
		paymentId: record.paymentId ?? null,
		status: record.status,
	};
	if (input.statusIsNew === false || to === null) {
		const reason: NoEmailReason =
			input.statusIsNew === false ? 'ALREADY_NOTIFIED' : 'NO_FAILURE_ADDRESS';
		return {
			send: false,
			...base,
			reason,
			message: NO_EMAIL_MESSAGES[reason],
			ignoredAddresses: [],
		};
	}
	const amounts = amountsOf(record, input.locale || 'en-US');
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
		...base,
	};
}

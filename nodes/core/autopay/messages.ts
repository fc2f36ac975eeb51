/**
 * Every sentence the scan says about an invoice it skips, in one place. A skip's message is one
 * human sentence naming the invoice and the fact that decided it, stable across runs (workflows
 * and people read it).
 *
 * The most frequent ones are built as "Invoice <id>" and an end that a run shares between many
 * invoices (the same payment day, the same status word): the functions named ...End build those
 * ends, and caches.ts remembers them (see ScanCaches).
 */
import type { RetryBan } from '../payments/declines';
import { formatAmount } from '../money/money';
import { formatEpochDay } from './dates';
import { openPayLinkSentence } from '../stripe/paymentGuards';
import type { SayingMeaning } from './invoiceValues';
import type { FailedAttempt, NetworkCap, RetrySchedule } from './retryPolicy';
import type { ScanConfig } from './settings';
import type { AutomaticPaymentMethod, StripePayLinkFact, StripePaymentFact } from './types';

function shown(minor: number, currency: string): string {
	return `${formatAmount(minor, currency)} ${currency.toUpperCase()}`;
}

function plural(count: number, unit: string): string {
	return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** "Invoice <id>" and a shared end. */
export function invoiceSentence(invoiceId: string, end: string): string {
	return `Invoice ${invoiceId}${end}`;
}

// Rule 1: a field that could not be read.

export const NO_INVOICE_ID = 'The invoice has no id, so it cannot be paid safely';

export function noCustomerId(invoiceId: string): string {
	return `Invoice ${invoiceId} has no customer id`;
}

export function unusableField(invoiceId: string, field: string, problem: string): string {
	return `Invoice ${invoiceId} has an unusable ${field}: ${problem}`;
}

// Rules 2-10: the input, the books and the calendar.

export function duplicateInInput(invoiceId: string): string {
	return `Invoice ${invoiceId} appears more than once in the input; only its first item is considered`;
}

export function notRecurring(invoiceId: string): string {
	return `Invoice ${invoiceId} is not linked to a recurring invoice, and only recurring invoices are paid automatically`;
}

/** After "Invoice <id>": what the books' status word says, quoting it. */
export function booksStatusEnd(meaning: SayingMeaning, word: string): string {
	if (meaning === 'paid') return ` is marked "${word}" in the books, so nothing is owed`;
	if (meaning === 'pending') return ` has a payment pending in the books ("${word}")`;
	return ` has a payment waiting for the customer to act ("${word}" in the books)`;
}

export function zeroBalance(invoiceId: string, amountMinor: number, currency: string): string {
	const what = amountMinor < 0 ? 'a credit balance' : 'a balance';
	return `Invoice ${invoiceId} has ${what} of ${shown(amountMinor, currency)}, so there is nothing to charge`;
}

export function notChargeable(invoiceId: string, problem: string): string {
	return `Invoice ${invoiceId} cannot be charged: ${problem}`;
}

/** After "Invoice <id>": NOT_DUE_YET, for a payment day written `day`. */
export function notDueYetEnd(config: ScanConfig, day: string): string {
	const when = config.takePaymentOn === 'dueDate' ? 'is due on' : 'was created on';
	return ` ${when} ${day}, after today (${config.scanDay} in ${config.timeZone})`;
}

/** After "Invoice <id>": OUTSIDE_CATCH_UP_WINDOW, for a payment day (epoch day) written `day`. */
export function outsideCatchUpWindowEnd(
	config: ScanConfig,
	paymentDay: number,
	day: string,
): string {
	const when = config.takePaymentOn === 'dueDate' ? 'was due on' : 'was created on';
	const ago = plural(config.today - paymentDay, 'day');
	const window = plural(config.catchUpDays, 'day');
	return ` ${when} ${day}, ${ago} ago, outside the catch-up window of ${window} (today is ${config.scanDay} in ${config.timeZone})`;
}

// Rules 11-17: what Stripe knows.

export function pendingInStripe(invoiceId: string, payment: StripePaymentFact): string {
	return `Invoice ${invoiceId} has a Stripe payment ${payment.id} that is still ${payment.status}`;
}

export function actionInStripe(invoiceId: string, payment: StripePaymentFact): string {
	return `Invoice ${invoiceId} has a Stripe payment ${payment.id} waiting for the customer to act (requires_action)`;
}

export function paidInStripe(invoiceId: string, payment: StripePaymentFact): string {
	return `Invoice ${invoiceId} was already paid in Stripe (${payment.id} succeeded)`;
}

export function openPayLink(invoiceId: string, payLink: StripePayLinkFact): string {
	return `Invoice ${invoiceId} ${openPayLinkSentence(payLink.id, payLink.expiresAt)}`;
}

export function noCustomerMapping(customerId: string, invoiceId: string): string {
	return `Customer ${customerId} of invoice ${invoiceId} is not mapped to a Stripe customer`;
}

export function noAutomaticMethod(customerId: string, invoiceId: string): string {
	return `Customer ${customerId} of invoice ${invoiceId} has no automatic payment setup`;
}

const BAN_SIGNALS: Record<RetryBan['signal'], string> = {
	decline_code: 'decline code',
	advice_code: 'advice code',
	network_advice_code: 'card network advice code',
	network_decline_code: 'card network decline code',
};

export function doNotRetry(
	invoice: { invoiceId: string; customerId: string },
	payment: StripePaymentFact,
	method: Pick<AutomaticPaymentMethod, 'id' | 'label'>,
	ban: RetryBan,
): string {
	return `Invoice ${invoice.invoiceId} is not charged again: its payment ${payment.id} was declined on ${method.label} (${method.id}) with ${BAN_SIGNALS[ban.signal]} ${ban.code} (${ban.meaning}), which the card networks forbid retrying; it is charged once customer ${invoice.customerId} has another automatic payment method`;
}

// Rules 18-21: the retry policy (retryPolicy.ts).

/** "its payment pi_1 was declined on Visa •••• 4242 with decline code insufficient_funds" */
function lastAttempt({ payment, decline }: FailedAttempt): string {
	const method = decline.paymentMethodLabel ?? decline.paymentMethodId ?? 'its payment method';
	const what = decline.declineCode
		? `decline code ${decline.declineCode}`
		: decline.code
			? `code ${decline.code}`
			: 'no code';
	return `its last payment ${payment.id} was declined on ${method} with ${what}`;
}

function scheduleText(schedule: RetrySchedule, startDay: number): string {
	return `the retry schedule (days ${schedule.days.join(', ')} after the first failure on ${formatEpochDay(startDay)})`;
}

export function retriesExhausted(
	invoice: { invoiceId: string; customerId: string },
	attempt: FailedAttempt,
	schedule: RetrySchedule,
	startDay: number,
	cap: NetworkCap | undefined,
	reattempts: number,
): string {
	const why = cap
		? `${reattempts} retries reached ${cap.name}`
		: `${scheduleText(schedule, startDay)} ended on ${formatEpochDay(startDay + schedule.lastDay)}`;
	return `Invoice ${invoice.invoiceId} is not charged again: ${why}; ${lastAttempt(attempt)}; it is charged once customer ${invoice.customerId} has another automatic payment method`;
}

export function customerMustAct(
	invoiceId: string,
	attempt: FailedAttempt,
	nextPageDay: string | null,
): string {
	const next =
		nextPageDay === null ? 'no further page is sent' : `a new page is sent on ${nextPageDay}`;
	return `Invoice ${invoiceId} is not charged off-session: ${lastAttempt(attempt)}, which only the customer can resolve, by paying on the page they were sent (${next}) or setting another automatic payment method`;
}

export function retryScheduled(
	invoiceId: string,
	attempt: FailedAttempt,
	schedule: RetrySchedule,
	startDay: number,
	nextTryDay: string | null,
): string {
	return `Invoice ${invoiceId} is not charged today: ${scheduleText(schedule, startDay)} tries it next on ${nextTryDay}; ${lastAttempt(attempt)}`;
}

// Rule 22: the caps. overCap names the invoice; the others say why.

export function overCap(
	invoiceId: string,
	amountMinor: number,
	currency: string,
	why: string,
): string {
	return `Invoice ${invoiceId} (${shown(amountMinor, currency)}) is not charged: ${why}`;
}

export function noCapFor(currency: string, cap: 'per-invoice' | 'per-run'): string {
	return `no ${cap} cap is set for ${currency.toUpperCase()}, and caps are in use`;
}

export function abovePerInvoiceCap(cap: number, currency: string): string {
	return `it is above the per-invoice cap of ${shown(cap, currency)}`;
}

export function runCountCapReached(maxChargesPerRun: number): string {
	return `this run has reached its cap of ${plural(maxChargesPerRun, 'charge')}`;
}

export function aboveRunTotalCap(total: number, cap: number, currency: string): string {
	return `it would take this run's ${currency.toUpperCase()} total to ${formatAmount(total, currency)}, above the per-run cap of ${shown(cap, currency)}`;
}

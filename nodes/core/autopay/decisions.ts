/**
 * The decision objects, built in one place each so that every decision of a kind has the same
 * keys in the same order: the Charge and Skipped items keep one JSON shape from run to run, and a
 * million of them share a few hidden classes instead of each getting its own.
 */
import type { ReadInvoice } from './reading';
import type { ScanConfig } from './settings';
import type { ChargeDecision, CustomerFacts, Recovery, SkipDecision, SkipReason } from './types';

export function skip(reason: SkipReason, invoice: ReadInvoice, message: string): SkipDecision {
	return {
		action: 'skip',
		reason,
		message,
		invoiceId: invoice.invoiceId,
		paymentDay: invoice.paymentDay,
	};
}

/** A skip a PaymentIntent decided: the same shape plus its id (rare, so the common shape stays). */
export function skipByPayment(
	reason: SkipReason,
	invoice: ReadInvoice,
	message: string,
	paymentId: string,
): SkipDecision {
	return { ...skip(reason, invoice, message), paymentId };
}

/** DO_NOT_RETRY: the declined payment and the code that forbids the retry. */
export function retryForbidden(
	invoice: ReadInvoice,
	message: string,
	paymentId: string,
	declineCode: string,
): SkipDecision {
	return { ...skipByPayment('DO_NOT_RETRY', invoice, message, paymentId), declineCode };
}

/** A skip of the retry policy: the newest failed payment and where the recovery stands. */
export function skipByRetryPolicy(
	reason: SkipReason,
	invoice: ReadInvoice,
	message: string,
	paymentId: string,
	recovery: Recovery,
): SkipDecision {
	return { ...skipByPayment(reason, invoice, message, paymentId), recovery };
}

/** INVALID_FIELD, naming the item's field; without an invoice id when the id itself is unusable. */
export function invalidField(
	field: string,
	message: string,
	invoiceId?: string,
	paymentDay?: string,
): SkipDecision {
	const decision: SkipDecision = { action: 'skip', reason: 'INVALID_FIELD', message, field };
	if (invoiceId !== undefined) decision.invoiceId = invoiceId;
	if (paymentDay !== undefined) decision.paymentDay = paymentDay;
	return decision;
}

/**
 * The charge of an invoice that broke no rule: its full balance, under `idempotencyKey`. With
 * Check Stripe, also whom and with what to charge (the Stripe rules made sure both exist); a
 * retry of a failed charge also carries where its recovery stands.
 */
export function charge(
	invoice: ReadInvoice,
	config: ScanConfig,
	amount: string,
	idempotencyKey: string,
	facts: CustomerFacts | undefined,
	recovery?: Recovery,
): ChargeDecision {
	const decision: ChargeDecision = {
		action: 'charge',
		invoiceId: invoice.invoiceId,
		customerId: invoice.customerId,
		amountMinor: invoice.amountMinor,
		amount,
		currency: invoice.currency,
		scanDay: config.scanDay,
		paymentDay: invoice.paymentDay,
		daysLate: config.today - invoice.paymentEpochDay,
		takePaymentOn: config.takePaymentOn,
		idempotencyKey,
	};
	if (config.checkStripe && facts?.stripeCustomerId && facts.automaticPaymentMethod) {
		decision.stripeCustomerId = facts.stripeCustomerId;
		decision.stripeCustomerEmail = facts.stripeCustomerEmail ?? null;
		decision.paymentMethod = facts.automaticPaymentMethod;
	}
	if (recovery !== undefined) decision.recovery = recovery;
	// after a decline only the customer can resolve, they are asked on a page, never off-session
	if (recovery?.decidedBy === 'customer-action') decision.howToPay = 'payLink';
	return decision;
}

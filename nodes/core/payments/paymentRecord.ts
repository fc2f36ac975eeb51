import type { MoneyValue } from '../money/money';
import { money } from '../money/money';

/**
 * The one status vocabulary every provider's result is mapped to. `refunded`: the payment
 * succeeded and all of it went back, so it no longer pays its invoice (Stripe itself keeps such
 * a PaymentIntent `succeeded`; the refund is on its charge).
 */
export type PaymentStatus =
	| 'succeeded'
	| 'processing'
	| 'requires_action'
	| 'failed'
	| 'canceled'
	| 'pending'
	| 'refunded';

export const PAYMENT_STATUSES: PaymentStatus[] = [
	'succeeded',
	'processing',
	'requires_action',
	'failed',
	'canceled',
	'pending',
	'refunded',
];

export interface PaymentFailure {
	code: string | null;
	declineCode: string | null;
	message: string;
}

/**
 * What went back to the customer of what they paid for one invoice (`total`, fee included).
 * A partial refund keeps the record `succeeded` with this filled; a full one makes it `refunded`.
 */
export interface PaymentRefund {
	amountRefunded: MoneyValue;
	/** null when the provider does not say (a 360 Payments refund event names one refund only) */
	amountKept: MoneyValue | null;
}

/** One output item per invoice: what the books record and what the emails are made from. */
export interface PaymentRecord {
	provider: 'stripe' | 'gateway360';
	invoiceId: string;
	customer: { booksId: string | null; providerId: string | null };
	paymentId: string | null;
	/** set when several invoices were paid by one payment (the same as paymentId) */
	combinedPaymentId: string | null;
	status: PaymentStatus;
	amount: MoneyValue;
	fee: MoneyValue;
	total: MoneyValue;
	paymentMethod: { id: string | null; label: string } | null;
	idempotencyKey: string | null;
	failure: PaymentFailure | null;
	/** null when nothing went back, or when it is not known (a charge not read) */
	refund: PaymentRefund | null;
	/** where the customer must go to finish (3-D Secure, a pay link) */
	nextActionUrl: string | null;
	/** the Checkout Session behind a pay link, until the customer pays and a payment exists */
	checkoutSessionId: string | null;
	livemode: boolean;
}

/**
 * Stripe's PaymentIntent status in our vocabulary. A PaymentIntent back at
 * requires_payment_method after an attempt is a failed payment; before any attempt it waits.
 */
export function paymentStatusFromStripe(status: string, hasPaymentError: boolean): PaymentStatus {
	switch (status) {
		case 'succeeded':
			return 'succeeded';
		case 'processing':
		case 'requires_capture':
			return 'processing';
		case 'requires_action':
			return 'requires_action';
		case 'canceled':
			return 'canceled';
		case 'requires_payment_method':
			return hasPaymentError ? 'failed' : 'pending';
		default:
			return 'pending';
	}
}

/**
 * Statuses that block another charge for the same invoice (the seeds' pending/action guard).
 * A refunded payment does not: its invoice may be paid again.
 */
export function blocksNewCharge(status: PaymentStatus): boolean {
	return status === 'succeeded' || status === 'processing' || status === 'requires_action';
}

export function buildPaymentRecord(input: {
	provider: PaymentRecord['provider'];
	invoiceId: string;
	currency: string;
	amountMinor: number;
	feeMinor: number;
	status: PaymentStatus;
	paymentId?: string | null;
	combined?: boolean;
	booksCustomerId?: string | null;
	providerCustomerId?: string | null;
	paymentMethod?: PaymentRecord['paymentMethod'];
	idempotencyKey?: string | null;
	failure?: PaymentFailure | null;
	/** minor units given back of this invoice's total; keptMinor null when not known */
	refund?: { refundedMinor: number; keptMinor: number | null } | null;
	nextActionUrl?: string | null;
	checkoutSessionId?: string | null;
	livemode?: boolean;
}): PaymentRecord {
	const paymentId = input.paymentId ?? null;
	const refund = input.refund ?? null;
	return {
		provider: input.provider,
		invoiceId: input.invoiceId,
		customer: {
			booksId: input.booksCustomerId ?? null,
			providerId: input.providerCustomerId ?? null,
		},
		paymentId,
		combinedPaymentId: input.combined ? paymentId : null,
		status: input.status,
		amount: money(input.amountMinor, input.currency),
		fee: money(input.feeMinor, input.currency),
		total: money(input.amountMinor + input.feeMinor, input.currency),
		paymentMethod: input.paymentMethod ?? null,
		idempotencyKey: input.idempotencyKey ?? null,
		failure: input.failure ?? null,
		refund: refund
			? {
					amountRefunded: money(refund.refundedMinor, input.currency),
					amountKept: refund.keptMinor === null ? null : money(refund.keptMinor, input.currency),
				}
			: null,
		nextActionUrl: input.nextActionUrl ?? null,
		checkoutSessionId: input.checkoutSessionId ?? null,
		livemode: input.livemode ?? false,
	};
}

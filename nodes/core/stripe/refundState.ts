import type Stripe from 'stripe';

/**
 * What was given back of a Stripe payment. Stripe keeps a refunded PaymentIntent `succeeded`;
 * the refunds are on its charge (`amount_refunded` of `amount_captured`), read when the
 * PaymentIntent's `latest_charge` is expanded (docs.stripe.com/api/charges/object).
 */
export interface RefundState {
	amountRefundedMinor: number;
	amountCapturedMinor: number;
	/** all the money went back: the payment pays nothing any more */
	full: boolean;
}

/** The refund state of a PaymentIntent whose `latest_charge` is expanded; null when not known. */
export function refundStateOf(intent: Stripe.PaymentIntent): RefundState | null {
	const charge = intent.latest_charge;
	if (!charge || typeof charge === 'string') return null;
	const amountCapturedMinor = charge.amount_captured ?? 0;
	const amountRefundedMinor = charge.amount_refunded ?? 0;
	return {
		amountRefundedMinor,
		amountCapturedMinor,
		full:
			charge.refunded === true ||
			(amountCapturedMinor > 0 && amountRefundedMinor >= amountCapturedMinor),
	};
}

/** Whether all of a PaymentIntent's money went back (a fully refunded payment no longer pays its invoices). */
export function isFullyRefunded(intent: Stripe.PaymentIntent): boolean {
	return refundStateOf(intent)?.full === true;
}

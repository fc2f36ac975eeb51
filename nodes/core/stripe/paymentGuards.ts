import type Stripe from 'stripe';

import { decodeInvoiceMetadata } from '../invoiceMetadata';
import type { StripeTransport } from './transport';

export type GuardReason = 'ALREADY_PAID' | 'PAYMENT_PENDING' | 'ACTION_REQUIRED';

export interface BlockingPayment {
	reason: GuardReason;
	intent: Stripe.PaymentIntent;
	/** the invoices of the request this payment already covers */
	invoiceIds: string[];
}

const REASON_BY_STATUS: Record<string, GuardReason | undefined> = {
	succeeded: 'ALREADY_PAID',
	processing: 'PAYMENT_PENDING',
	requires_capture: 'PAYMENT_PENDING',
	requires_action: 'ACTION_REQUIRED',
};

export const GUARD_SENTENCES: Record<GuardReason, string> = {
	ALREADY_PAID: 'already has a succeeded payment',
	PAYMENT_PENDING: 'already has a payment being processed',
	ACTION_REQUIRED: 'already has a payment waiting for the customer to act',
};

/** Metadata key recording the idempotency key a PaymentIntent was created with. */
export const IDEMPOTENCY_METADATA_KEY = 'idempotency_key';

/**
 * The customer's recent PaymentIntents through the list endpoint: consistent right after a
 * write, unlike search, so a payment made a second ago by another worker is seen.
 */
export async function recentPaymentIntents(
	transport: StripeTransport,
	customerId: string,
	sinceUnixSeconds: number,
): Promise<Stripe.PaymentIntent[]> {
	const intents: Stripe.PaymentIntent[] = [];
	const params = { customer: customerId, created: { gte: sinceUnixSeconds } };
	for await (const intent of transport.listAll<Stripe.PaymentIntent>('/v1/payment_intents', params)) {
		intents.push(intent);
	}
	return intents;
}

/**
 * The first payment (newest first, as Stripe lists them) that stops another charge for any of
 * these invoices: succeeded, processing or waiting for the customer (the seeds' guard).
 */
export function findBlockingPayment(
	intents: Stripe.PaymentIntent[],
	invoiceIds: string[],
): BlockingPayment | undefined {
	const wanted = new Set(invoiceIds);
	for (const intent of intents) {
		const reason = REASON_BY_STATUS[intent.status];
		if (!reason) continue;
		const covered = decodeInvoiceMetadata(intent.metadata)
			.map((line) => line.invoiceId)
			.filter((id) => wanted.has(id));
		if (covered.length > 0) return { reason, intent, invoiceIds: covered };
	}
	return undefined;
}

/** The PaymentIntent created with this idempotency key, to learn what a lost answer did. */
export function findByIdempotencyKey(
	intents: Stripe.PaymentIntent[],
	idempotencyKey: string,
): Stripe.PaymentIntent | undefined {
	return intents.find((intent) => intent.metadata?.[IDEMPOTENCY_METADATA_KEY] === idempotencyKey);
}

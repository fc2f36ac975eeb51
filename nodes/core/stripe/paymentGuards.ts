import type Stripe from 'stripe';

import { decodeInvoiceMetadata } from '../invoiceMetadata';
import type { StripeTransport } from './transport';

export type GuardReason = 'ALREADY_PAID' | 'PAYMENT_PENDING' | 'ACTION_REQUIRED';

interface Blocking {
	/** the invoices of the request this payment already covers */
	invoiceIds: string[];
	/** what those invoices already have, after "Invoice <ids> ", naming the Stripe object */
	what: string;
}

/** A PaymentIntent, or an open pay link the customer may still pay, that stops a new charge. */
export type BlockingPayment =
	| (Blocking & { reason: GuardReason; intent: Stripe.PaymentIntent; session?: undefined })
	| (Blocking & { reason: 'PAYMENT_PENDING'; session: Stripe.Checkout.Session; intent?: undefined });

const REASON_BY_STATUS: Record<string, GuardReason | undefined> = {
	succeeded: 'ALREADY_PAID',
	processing: 'PAYMENT_PENDING',
	requires_capture: 'PAYMENT_PENDING',
	requires_action: 'ACTION_REQUIRED',
};

const GUARD_SENTENCES: Record<GuardReason, string> = {
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
 * The customer's open Checkout Sessions (all pages). Stripe creates a pay link's PaymentIntent
 * only when the customer pays, so until then the open session is the only trace of the link.
 */
export async function openPayLinks(
	transport: StripeTransport,
	customerId: string,
): Promise<Stripe.Checkout.Session[]> {
	const sessions: Stripe.Checkout.Session[] = [];
	const params = { customer: customerId, status: 'open' };
	for await (const session of transport.listAll<Stripe.Checkout.Session>('/v1/checkout/sessions', params)) {
		sessions.push(session);
	}
	return sessions;
}

/** What an invoice has when an open pay link covers it, after "Invoice <id> ". */
export function openPayLinkSentence(sessionId: string, expiresAtSeconds: number): string {
	return `has an open pay link (Checkout Session ${sessionId}, open until ${new Date(expiresAtSeconds * 1000).toISOString()})`;
}

function coveredBy(metadata: Record<string, string> | null | undefined, wanted: Set<string>): string[] {
	return decodeInvoiceMetadata(metadata)
		.map((line) => line.invoiceId)
		.filter((id) => wanted.has(id));
}

/**
 * The first payment (newest first, as Stripe lists them) that stops another charge for any of
 * these invoices: succeeded, processing or waiting for the customer (the seeds' guard); else
 * the first open payment-mode Checkout Session covering one of them (a pay link the customer
 * may still pay: PAYMENT_PENDING).
 */
export function findBlockingPayment(
	intents: Stripe.PaymentIntent[],
	invoiceIds: string[],
	payLinks: Stripe.Checkout.Session[],
): BlockingPayment | undefined {
	const wanted = new Set(invoiceIds);
	for (const intent of intents) {
		const reason = REASON_BY_STATUS[intent.status];
		if (!reason) continue;
		const covered = coveredBy(intent.metadata, wanted);
		if (covered.length > 0) {
			return { reason, intent, invoiceIds: covered, what: `${GUARD_SENTENCES[reason]} (${intent.id})` };
		}
	}
	for (const session of payLinks) {
		if (session.status !== 'open' || session.mode !== 'payment') continue;
		const covered = coveredBy(session.metadata, wanted);
		if (covered.length > 0) {
			return {
				reason: 'PAYMENT_PENDING',
				session,
				invoiceIds: covered,
				what: openPayLinkSentence(session.id, session.expires_at),
			};
		}
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

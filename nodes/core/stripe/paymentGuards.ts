import type Stripe from 'stripe';

import { decodeInvoiceMetadata } from '../payments/invoiceMetadata';
import { isFullyRefunded } from './refundState';
import { DEFAULT_GUARD_LOOKBACK_DAYS } from '../defaults';
import type { StripeTransport } from './transport';

export type GuardReason = 'ALREADY_PAID' | 'PAYMENT_PENDING' | 'ACTION_REQUIRED';

interface Blocking {
	/** the invoices of the request this payment already covers */
	invoiceIds: string[];
	/** what those invoices already have, after "Invoice <ids> ", naming the Stripe object */
	what: string;
}

/**
 * What already holds some of the invoices asked for, so that no new charge may be made for them:
 * a PaymentIntent (succeeded, processing, waiting for the customer), an open pay link, or a
 * pay-link claim that has won and whose page is being made (docs/money-safety.md).
 */
export type BlockingPayment =
	| (Blocking & { reason: GuardReason; intent: Stripe.PaymentIntent; session?: undefined })
	| (Blocking & {
			reason: 'PAYMENT_PENDING';
			session: Stripe.Checkout.Session;
			intent?: undefined;
	  });

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

/**
 * Metadata key marking a PaymentIntent made as a claim on its invoices before any money moves
 * (value: the claim's kind). The claim protocol is in invoiceClaims.ts.
 */
export const CLAIM_METADATA_KEY = 'invoice_claim';

/**
 * `charge` and `pay_link`: the Stripe node's payments. `gateway360`: 360 Payments Charge Token,
 * which claims the invoice in Stripe before it charges the card at the gateway
 * (nodes/core/gateway360/chargeWithStripeClaim.ts).
 */
export type ClaimKind = 'charge' | 'pay_link' | 'gateway360';

/** Metadata key of a pay link (Checkout Session) naming the claim it was made for. */
export const PAY_LINK_CLAIM_METADATA_KEY = 'claim_id';

/** Metadata key holding the idempotency key a claim was made with, to find it when the answer was lost. */
export const CLAIM_KEY_METADATA_KEY = 'claim_key';

/**
 * How a claim ended, as its `cancellation_reason`: lost to another payment of its invoices, or
 * won and turned into a pay link (money then moves through Checkout's own PaymentIntent) or into
 * a 360 Payments charge (money then moves at the gateway).
 * Cancel is atomic at Stripe: the first cancel decides, and its reason says which it was.
 */
export const LOST_CLAIM_REASON = 'duplicate';
export const CONVERTED_CLAIM_REASON = 'abandoned';

/**
 * A claim older than this (by Stripe's clock) defers no one: its maker is taken as gone, and a
 * newer claim cancels it (safe even when its maker is only slow: a canceled claim cannot be
 * confirmed, nor turned into a pay link).
 */
export const CLAIM_STALE_AFTER_SECONDS = 300;

/**
 * A 360 Payments claim that won and was turned into the gateway's charge: the money moves at
 * the gateway, where Stripe cannot see it, so this canceled PaymentIntent is what holds the
 * invoices on the Stripe side.
 */
function isConvertedGateway360Claim(intent: Stripe.PaymentIntent): boolean {
	return (
		intent.metadata?.[CLAIM_METADATA_KEY] === 'gateway360' &&
		intent.status === 'canceled' &&
		intent.cancellation_reason === CONVERTED_CLAIM_REASON
	);
}

/** A claim not decided yet: made before any money moved, not confirmed, not canceled. */
export function isOpenClaim(intent: Stripe.PaymentIntent): boolean {
	if (!intent.metadata?.[CLAIM_METADATA_KEY]) return false;
	if (intent.status === 'requires_confirmation') return true;
	return intent.status === 'requires_payment_method' && !intent.last_payment_error;
}

/**
 * A claim that ended before any money moved: canceled without a charge. Its invoices are as
 * they were; the webhook of its cancellation is not a payment canceled.
 */
export function isReleasedClaim(intent: {
	status: string;
	metadata?: Record<string, string> | null;
	latest_charge?: unknown;
}): boolean {
	return (
		Boolean(intent.metadata?.[CLAIM_METADATA_KEY]) &&
		intent.status === 'canceled' &&
		!intent.latest_charge
	);
}

/** Metadata key recording the idempotency key a payment or pay link was made for. */
export const IDEMPOTENCY_METADATA_KEY = 'idempotency_key';

/**
 * The list filter of one customer, or none: `null` reads the whole account, which a run over many
 * customers reads in pages instead of once per customer (docs/stripe-limits.md).
 */
function customerFilter(customerId: string | null): { customer?: string } {
	return customerId === null ? {} : { customer: customerId };
}

/**
 * The customer's recent PaymentIntents through the list endpoint: consistent right after a
 * write, unlike search, so a payment made a second ago by another worker is seen.
 */
export async function recentPaymentIntents(
	transport: StripeTransport,
	customerId: string | null,
	sinceUnixSeconds: number,
): Promise<Stripe.PaymentIntent[]> {
	const intents: Stripe.PaymentIntent[] = [];
	const params = {
		...customerFilter(customerId),
		created: { gte: sinceUnixSeconds },
		// the charge tells whether the money was refunded since (a refunded payment pays nothing)
		expand: ['data.latest_charge'],
	};
	for await (const intent of transport.listAll<Stripe.PaymentIntent>(
		'/v1/payment_intents',
		params,
	)) {
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
	customerId: string | null,
): Promise<Stripe.Checkout.Session[]> {
	const sessions: Stripe.Checkout.Session[] = [];
	const params = { ...customerFilter(customerId), status: 'open' };
	for await (const session of transport.listAll<Stripe.Checkout.Session>(
		'/v1/checkout/sessions',
		params,
	)) {
		sessions.push(session);
	}
	return sessions;
}

/** How far this machine's clock may be off Stripe's, for reads bounded by a time. */
const CLOCK_MARGIN_SECONDS = 3600;

/**
 * A pay link lives at most 24 hours (Stripe's longest `expires_at`,
 * docs.stripe.com/api/checkout/sessions/create#create_checkout_session-expires_at): only pages
 * made this recently can be open, or paid after a read of the payments.
 */
export const PAY_LINK_LIFETIME_SECONDS = 24 * 3600;

/**
 * Where the claim protocol's reads start (unix seconds): payments within the guard lookback, pay
 * links within a pay link's lifetime (and the clock margin). Every path that claims reads the same.
 */
export function claimReadWindows(
	nowSeconds: number,
	lookbackDays = DEFAULT_GUARD_LOOKBACK_DAYS,
): { sinceSeconds: number; payLinksSinceSeconds: number } {
	return {
		sinceSeconds: nowSeconds - lookbackDays * 86_400,
		payLinksSinceSeconds: nowSeconds - PAY_LINK_LIFETIME_SECONDS - CLOCK_MARGIN_SECONDS,
	};
}

/**
 * The customer's pay links (Checkout Sessions, every status) made since then, all pages: what
 * the claim protocol reads after the payments, so a page paid after that read is seen.
 */
export async function recentPayLinks(
	transport: StripeTransport,
	customerId: string | null,
	sinceSeconds: number,
): Promise<Stripe.Checkout.Session[]> {
	const sessions: Stripe.Checkout.Session[] = [];
	const params = { ...customerFilter(customerId), created: { gte: sinceSeconds } };
	for await (const session of transport.listAll<Stripe.Checkout.Session>(
		'/v1/checkout/sessions',
		params,
	)) {
		sessions.push(session);
	}
	return sessions;
}

/** What an invoice has when an open pay link covers it, after "Invoice <id> ". */
export function openPayLinkSentence(sessionId: string, expiresAtSeconds: number): string {
	return `has an open pay link (Checkout Session ${sessionId}, open until ${new Date(expiresAtSeconds * 1000).toISOString()})`;
}

function idOf(value: string | { id: string } | null | undefined): string | null {
	if (!value) return null;
	return typeof value === 'string' ? value : value.id;
}

function coveredBy(
	metadata: Record<string, string> | null | undefined,
	wanted: Set<string>,
): string[] {
	return decodeInvoiceMetadata(metadata)
		.map((line) => line.invoiceId)
		.filter((id) => wanted.has(id));
}

/**
 * Whether a pay link may have reached a customer. A pay link made by the claim protocol names its
 * claim, and is handed out only after its claim was turned into it: until then (its claim still
 * open, or lost to a racer) it is part of the claim, not a payment of its own.
 */
function isHandedOut(session: Stripe.Checkout.Session, intents: Stripe.PaymentIntent[]): boolean {
	const claimId = session.metadata?.[PAY_LINK_CLAIM_METADATA_KEY];
	if (!claimId) return true;
	const claim = intents.find((intent) => intent.id === claimId);
	if (!claim) return true;
	return claim.status === 'canceled' && claim.cancellation_reason === CONVERTED_CLAIM_REASON;
}

/**
 * The first payment (newest first, as Stripe lists them) that stops another charge for any of
 * these invoices: succeeded and not fully refunded, processing or waiting for the customer (the
 * seeds' guard), or a 360 Payments claim turned into the gateway's charge (ALREADY_PAID: the
 * money was taken, or is being taken, at the gateway); else the first payment-mode Checkout
 * Session covering one of them that may have reached the customer and is open (a pay link they
 * may still pay) or was paid after the payments were read (PAYMENT_PENDING). Open claims do not
 * block here: the claim protocol orders them.
 */
export function findBlockingPayment(
	intents: Stripe.PaymentIntent[],
	invoiceIds: string[],
	payLinks: Stripe.Checkout.Session[],
): BlockingPayment | undefined {
	const wanted = new Set(invoiceIds);
	for (const intent of intents) {
		if (isConvertedGateway360Claim(intent)) {
			const covered = coveredBy(intent.metadata, wanted);
			if (covered.length > 0) {
				const what = `was paid through 360 Payments (claim ${intent.id})`;
				return { reason: 'ALREADY_PAID', intent, invoiceIds: covered, what };
			}
			continue;
		}
		const reason =
			intent.status === 'succeeded' && isFullyRefunded(intent)
				? undefined
				: REASON_BY_STATUS[intent.status];
		const covered = reason ? coveredBy(intent.metadata, wanted) : [];
		if (reason && covered.length > 0) {
			return {
				reason,
				intent,
				invoiceIds: covered,
				what: `${GUARD_SENTENCES[reason]} (${intent.id})`,
			};
		}
	}
	for (const session of payLinks) {
		if (session.mode !== 'payment' || !isHandedOut(session, intents)) continue;
		// A page paid after the payments were read: its payment was not in that read.
		const paidUnseen =
			session.status === 'complete' &&
			!intents.some((intent) => intent.id === idOf(session.payment_intent));
		if (session.status !== 'open' && !paidUnseen) continue;
		const covered = coveredBy(session.metadata, wanted);
		if (covered.length > 0) {
			return {
				reason: 'PAYMENT_PENDING',
				session,
				invoiceIds: covered,
				what: paidUnseen
					? `has a pay link paid a moment ago (Checkout Session ${session.id})`
					: openPayLinkSentence(session.id, session.expires_at),
			};
		}
	}
	return undefined;
}

/** The open claims other than `own` naming any of these invoices. */
export function openClaimsCovering(
	intents: Stripe.PaymentIntent[],
	invoiceIds: string[],
	ownId: string,
): Stripe.PaymentIntent[] {
	const wanted = new Set(invoiceIds);
	return intents.filter(
		(intent) =>
			intent.id !== ownId && isOpenClaim(intent) && coveredBy(intent.metadata, wanted).length > 0,
	);
}

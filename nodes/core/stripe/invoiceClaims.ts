import type Stripe from 'stripe';

import {
	CLAIM_KEY_METADATA_KEY,
	CLAIM_METADATA_KEY,
	CLAIM_STALE_AFTER_SECONDS,
	CONVERTED_CLAIM_REASON,
	IDEMPOTENCY_METADATA_KEY,
	LOST_CLAIM_REASON,
	findBlockingPayment,
	isOpenClaim,
	openClaimsCovering,
	recentPaymentIntents,
} from './paymentGuards';
import type { BlockingPayment, ClaimKind } from './paymentGuards';
import { settled } from '../errors';
import { StripeApiError, StripeConnectionError } from './errors';
import { isFullyRefunded } from './refundState';
import type { PaymentsRead, StripeReadCache } from './readCache';
import type { StripeTransport } from './transport';

/**
 * One charge per invoice without a lock: every path that takes money for an invoice first makes
 * a CLAIM (a PaymentIntent that is not confirmed, naming the invoices in its metadata), then reads
 * the customer's PaymentIntents and pay links through Stripe's consistent list endpoints, and
 * only then confirms its claim (or turns it into a pay link). The argument why no interleaving
 * charges twice is in docs/money-safety.md; in short:
 * - a claim is confirmed only after every other open claim on its invoices that its read saw has
 *   been canceled by it, and its read saw no payment of them;
 * - cancel and confirm of one PaymentIntent are atomic at Stripe, so of a claim that one racer
 *   cancels and its maker confirms, exactly one step succeeds;
 * - of two claims on one invoice, the later one's read sees the earlier one.
 * Which racer gives way (the later claim by Stripe's `created`, then id) only decides who wins,
 * never whether two win.
 */

/** The claim kinds and their marker live with the guard rules that read them. */
export type { ClaimKind } from './paymentGuards';

/** Claims one request makes at most when the claims it waited for all gave way too. */
const MAX_CLAIM_ATTEMPTS = 3;

/** How long a request waits, in all, for an earlier claim on its invoices to be decided. */
const WAIT_SCHEDULE_MS = [300, 600, 1_000, 1_500, 2_000, 2_500];

export interface ClaimRequest {
	kind: ClaimKind;
	customerId: string;
	invoiceIds: string[];
	/** the PaymentIntent to create, unconfirmed: amount, currency, customer, method, metadata */
	params: Stripe.PaymentIntentCreateParams;
	idempotencyKey: string;
	/** how far back the read looks for payments of these invoices (unix seconds) */
	sinceSeconds: number;
	/** how far back it looks for pay links: a pay link's lifetime, and a margin for clocks */
	payLinksSinceSeconds: number;
	/**
	 * the idempotency key of the request: its own earlier pay links (in their metadata) are its
	 * answer, not rivals
	 */
	ownKey: string;
	/** the execution's shared reads: a read sent after a claim is shared by the claims before it */
	reads: StripeReadCache;
}

export type ClaimResult =
	/**
	 * the claim holds the invoices: the caller confirms it (a charge) or turns it into a pay link;
	 * `converted` when a re-run finds it turned already. `attempt` for claiming again after a
	 * confirm that found the claim canceled by a racer.
	 */
	| { kind: 'won'; claim: Stripe.PaymentIntent; key: string; converted: boolean; attempt: number }
	/** a claim this request made before (a re-run) was confirmed since: report it as it stands */
	| { kind: 'settled'; claim: Stripe.PaymentIntent; key: string }
	/** a payment, or a pay link that may have reached a customer, holds some of the invoices */
	| { kind: 'blocked'; blocking: BlockingPayment }
	/**
	 * another request's claim was still undecided after waiting (it holds the invoices for now),
	 * or every claim made at the same moment gave way (`rival` null): nothing was charged
	 */
	| { kind: 'busy'; rival: Stripe.PaymentIntent | null };

type Verdict =
	| { kind: 'own-decided'; own: Stripe.PaymentIntent }
	| { kind: 'blocked'; blocking: BlockingPayment }
	| { kind: 'defer'; rivals: Stripe.PaymentIntent[] }
	| { kind: 'win'; rivals: Stripe.PaymentIntent[] };

/** Stripe's order of claims: the earlier `created` first, then the smaller id. */
function isEarlier(a: Stripe.PaymentIntent, b: Stripe.PaymentIntent): boolean {
	return a.created < b.created || (a.created === b.created && a.id < b.id);
}

/**
 * What a claim must do, given a read made after it was created. Pure: the tables in
 * test/core/stripe/invoiceClaims.test.js walk its cases.
 */
export function judgeClaim(
	own: Stripe.PaymentIntent,
	intents: Stripe.PaymentIntent[],
	payLinks: Stripe.Checkout.Session[],
	invoiceIds: string[],
): Verdict {
	const current = intents.find((intent) => intent.id === own.id) ?? own;
	if (!isOpenClaim(current)) return { kind: 'own-decided', own: current };
	// Stripe's clock: the newest `created` read (a claim's maker may run on a skewed clock).
	const now = intents.reduce((latest, intent) => Math.max(latest, intent.created), current.created);
	const others = intents.filter((intent) => intent.id !== current.id);
	const blocking = findBlockingPayment(others, invoiceIds, payLinks);
	if (blocking) return { kind: 'blocked', blocking };
	const rivals = openClaimsCovering(others, invoiceIds, current.id);
	const earlier = rivals.filter(
		(rival) => isEarlier(rival, current) && now - rival.created < CLAIM_STALE_AFTER_SECONDS,
	);
	if (earlier.length > 0) return { kind: 'defer', rivals: earlier };
	return { kind: 'win', rivals };
}

/**
 * The customer's payments and pay links, read after the moment given (by default: after
 * everything this request did so far). The read that judges a fresh claim may be one shared with
 * other claims (the account scope of StripeReadCache); a read that waits on a rival's fate is
 * `fresh`: the customer read now.
 */
async function readPayments(
	request: ClaimRequest,
	{ moment = request.reads.mark(), fresh = true }: { moment?: number; fresh?: boolean } = {},
): Promise<PaymentsRead> {
	const { intents, payLinks: links } = await request.reads.paymentsAfter(
		request.customerId,
		{ sinceSeconds: request.sinceSeconds, payLinksSinceSeconds: request.payLinksSinceSeconds },
		moment,
		fresh,
	);
	const own = (session: Stripe.Checkout.Session) =>
		session.metadata?.[IDEMPOTENCY_METADATA_KEY] === request.ownKey;
	return { intents, payLinks: links.filter((session) => !own(session)) };
}

/**
 * The key of the request's n-th claim, derived from the request's own key (never that key itself:
 * a payment made before claims existed may hold it, with other parameters).
 */
function attemptKey(idempotencyKey: string, attempt: number): string {
	return `${idempotencyKey}-claim${attempt + 1}`;
}

/**
 * Creates the claim (unconfirmed: nothing is charged). When the answer is lost (connection
 * dropped, 5xx after Stripe committed it), the claim is looked for by its key in the customer's
 * payments; not found, nothing was claimed and the error stands.
 */
async function makeClaim(
	transport: StripeTransport,
	request: ClaimRequest,
	key: string,
): Promise<Stripe.PaymentIntent> {
	const params: Stripe.PaymentIntentCreateParams = {
		...request.params,
		metadata: {
			...request.params.metadata,
			[CLAIM_METADATA_KEY]: request.kind,
			[CLAIM_KEY_METADATA_KEY]: key,
		},
	};
	const made = await settled(
		transport.request<Stripe.PaymentIntent>('POST', '/v1/payment_intents', {
			params,
			idempotencyKey: key,
		}),
	);
	if (made.ok) return made.value;
	const { error } = made;
	const lost =
		error instanceof StripeConnectionError ||
		(error instanceof StripeApiError && error.statusCode >= 500);
	const intents = lost
		? await recentPaymentIntents(transport, request.customerId, request.sinceSeconds)
		: [];
	const found = intents.find((intent) => intent.metadata?.[CLAIM_KEY_METADATA_KEY] === key);
	if (found) return found;
	throw error;
}

/**
 * Cancels a claim. Resolves to the PaymentIntent as it now is: canceled by this call, or
 * decided by someone else first (confirmed into a payment, or canceled by another racer).
 */
export async function cancelClaim(
	transport: StripeTransport,
	claim: Stripe.PaymentIntent,
	reason: typeof LOST_CLAIM_REASON | typeof CONVERTED_CLAIM_REASON,
	idempotencyKey: string,
): Promise<{ canceledHere: boolean; intent: Stripe.PaymentIntent }> {
	const canceled = await settled(
		transport.request<Stripe.PaymentIntent>('POST', `/v1/payment_intents/${claim.id}/cancel`, {
			params: { cancellation_reason: reason },
			idempotencyKey,
		}),
	);
	// A replayed cancel answers as the first one did: canceled here, with this reason.
	if (canceled.ok)
		return { canceledHere: canceled.value.cancellation_reason === reason, intent: canceled.value };
	const { error } = canceled;
	if (!(error instanceof StripeApiError) || error.statusCode !== 400) throw error;
	// payment_intent_unexpected_state: another step decided it first. Read what it is now.
	const intent = await transport.request<Stripe.PaymentIntent>(
		'GET',
		`/v1/payment_intents/${claim.id}`,
		{
			params: { expand: ['latest_charge'] },
		},
	);
	return { canceledHere: false, intent };
}

/**
 * Makes the request's claim and decides it: won (the caller confirms or converts it), blocked by
 * a payment, or busy. A claim that loses is canceled before this returns; a claim made by a
 * re-run of the same request is the same claim (the same idempotency key), read as it is now.
 */
export async function claimInvoices(
	transport: StripeTransport,
	request: ClaimRequest,
	firstAttempt = 0,
): Promise<ClaimResult> {
	for (let attempt = firstAttempt; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
		const key = attemptKey(request.idempotencyKey, attempt);
		const made = await makeClaim(transport, request, key);
		const read = await readPayments(request, { fresh: false });
		const verdict = judgeClaim(made, read.intents, read.payLinks, request.invoiceIds);
		switch (verdict.kind) {
			case 'own-decided': {
				const own = verdict.own;
				// A payment given back in full pays nothing: the invoice may be paid again, by a new claim.
				if (own.status === 'succeeded' && isFullyRefunded(own)) break;
				if (own.status !== 'canceled') return { kind: 'settled', claim: own, key };
				if (own.cancellation_reason === CONVERTED_CLAIM_REASON) {
					return { kind: 'won', claim: own, key, converted: true, attempt };
				}
				// It lost before (this is a re-run, or a racer canceled it): who holds the invoices now?
				const holder = holderOf(read, request, own);
				if (holder) return holder;
				break;
			}
			case 'blocked':
				await cancelClaim(transport, made, LOST_CLAIM_REASON, `${key}-cancel`);
				return verdict;
			case 'defer': {
				await cancelClaim(transport, made, LOST_CLAIM_REASON, `${key}-cancel`);
				const decided = await waitForRivals(transport, request, verdict.rivals);
				if (decided) return decided;
				break;
			}
			case 'win': {
				const holder = await cancelRivals(transport, verdict.rivals, key);
				if (!holder) return { kind: 'won', claim: made, key, converted: false, attempt };
				// A rival was confirmed, or turned into a pay link, before it could be canceled: it holds
				// the invoices. Read what holds them now, to name it.
				await cancelClaim(transport, made, LOST_CLAIM_REASON, `${key}-cancel`);
				const holding = holderOf(await readPayments(request), request, made);
				return (
					holding ?? { kind: 'blocked', blocking: paymentAsBlocking(holder, request.invoiceIds) }
				);
			}
		}
	}
	const read = await readPayments(request);
	const rival = openClaimsCovering(read.intents, request.invoiceIds, '')[0] ?? null;
	return holderOf(read, request, null) ?? { kind: 'busy', rival };
}

/**
 * The payment or pay link that holds the invoices when this request's own claim is out of the
 * way, if any. Open claims are not judged here: a fresh claim orders itself against them.
 */
function holderOf(
	read: PaymentsRead,
	request: ClaimRequest,
	own: Stripe.PaymentIntent | null,
): ClaimResult | undefined {
	const others = read.intents.filter((intent) => intent.id !== own?.id);
	const blocking = findBlockingPayment(others, request.invoiceIds, read.payLinks);
	return blocking ? { kind: 'blocked', blocking } : undefined;
}

/**
 * Cancels the claims a winner saw. Returns a rival that was decided first and holds the invoices,
 * if any: confirmed into a payment, or turned into a pay link (a rival confirmed and declined
 * holds nothing).
 */
async function cancelRivals(
	transport: StripeTransport,
	rivals: Stripe.PaymentIntent[],
	key: string,
): Promise<Stripe.PaymentIntent | undefined> {
	for (const rival of rivals) {
		const { canceledHere, intent } = await cancelClaim(
			transport,
			rival,
			LOST_CLAIM_REASON,
			`${key}-cancel-${rival.id}`,
		);
		if (canceledHere) continue;
		if (intent.status === 'canceled' && intent.cancellation_reason !== CONVERTED_CLAIM_REASON)
			continue;
		// confirmed and declined: it took nothing
		if (intent.status === 'requires_payment_method' && intent.last_payment_error) continue;
		if (isOpenClaim(intent))
			throw new Error(`Claim ${intent.id} could not be canceled and is still open`);
		return intent;
	}
	return undefined;
}

function paymentAsBlocking(intent: Stripe.PaymentIntent, invoiceIds: string[]): BlockingPayment {
	return (
		findBlockingPayment([intent], invoiceIds, []) ?? {
			reason: 'PAYMENT_PENDING',
			intent,
			invoiceIds,
			what: `already has a payment being made (${intent.id})`,
		}
	);
}

/**
 * Waits, bounded, for earlier claims on the same invoices to be decided. Resolves to what then
 * holds the invoices, or undefined when those claims all gave way (this request claims again).
 */
async function waitForRivals(
	transport: StripeTransport,
	request: ClaimRequest,
	rivals: Stripe.PaymentIntent[],
): Promise<ClaimResult | undefined> {
	const waitedFor = new Set(rivals.map((rival) => rival.id));
	let undecided: Stripe.PaymentIntent | undefined;
	for (const delay of WAIT_SCHEDULE_MS) {
		await transport.wait(delay * (0.75 + transport.jitter() / 2));
		const read = await readPayments(request);
		const now = read.intents.reduce((latest, intent) => Math.max(latest, intent.created), 0);
		const blocking = findBlockingPayment(read.intents, request.invoiceIds, read.payLinks);
		if (blocking) return { kind: 'blocked', blocking };
		undecided = read.intents.find(
			(intent) =>
				waitedFor.has(intent.id) &&
				isOpenClaim(intent) &&
				now - intent.created < CLAIM_STALE_AFTER_SECONDS,
		);
		if (!undecided) return undefined;
	}
	return { kind: 'busy', rival: undecided ?? null };
}

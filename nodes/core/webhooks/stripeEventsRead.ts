import type Stripe from 'stripe';

import { CoreInputError } from '../errors';
import { decodeInvoiceMetadata } from '../payments/invoiceMetadata';
import { recentPayLinks, recentPaymentIntents } from '../stripe/paymentGuards';
import type { StripePaymentIntentLike } from '../stripe/paymentIntentRecords';
import type { StripeTransport } from '../stripe/transport';
import { normaliseStripeEventNow } from './delivery';
import type { InvoicePaymentEvent, NormalisedWebhook } from './paymentStatusEvent';
import { parseJsonBody } from './paymentStatusEvent';
import type { StripeEventLike } from './stripeEvent';
import { normaliseStripeEvent, STRIPE_DISPUTE_EVENTS, STRIPE_WEBHOOK_EVENTS } from './stripeEvent';

/**
 * Reading what webhooks did not bring: Stripe's events since a cursor, or, when Stripe no longer
 * keeps the events since then, a sweep of the payments of the books' open invoices. Both give
 * the SAME records as the webhook path: each event goes through `normaliseStripeEventNow` (the
 * payment re-read, then `normaliseStripeEvent`); a swept PaymentIntent or Checkout Session is
 * normalised as the event that would have told its present state.
 *
 * Events (docs.stripe.com/api/events/list): the list holds the last 30 days
 * (docs.stripe.com/webhooks/process-undelivered-events), newest first. The read asks for
 * `created[gte]` the cursor's second and the reconciled types (`types[]`, at most 20), optionally
 * `delivery_success=false` (events some endpoint failed to receive; an event no endpoint was
 * subscribed to, as while the payment-status workflow was unpublished, counts as delivered, so
 * this is for an endpoint that failed, not one that was gone), all pages, then oldest first.
 * The cursor is `{ created, eventIds }`: the newest event's second and the events of that second
 * already read, so an event Stripe stamps with the same second later is still read once.
 * Reading an event twice is harmless (the books record each state once); the cursor saves work.
 */

/** What the reconciliation reads: what the payment-status workflow records in the books. */
export const RECONCILED_STRIPE_EVENTS: readonly string[] = [
	...STRIPE_WEBHOOK_EVENTS.filter((type) => type !== 'setup_intent.succeeded'),
	...STRIPE_DISPUTE_EVENTS,
];

/** docs.stripe.com/api/events: events are kept 30 days. */
export const EVENT_RETENTION_SECONDS = 30 * 24 * 60 * 60;

/**
 * A cursor is trusted to this much less than the retention: an event of its second may fall out
 * of the list while a run reads, and a sweep then is the safe side.
 */
const RETENTION_MARGIN_SECONDS = 60 * 60;

/**
 * A sweep's cursor starts this long before the sweep began: an event of a payment the sweep read
 * in an older state is read again rather than missed.
 */
export const SWEEP_OVERLAP_SECONDS = 10 * 60;

export interface StripeEventCursor {
	/** `created` (Unix seconds) of the newest event read */
	created: number;
	/** ids of the events of that second already read */
	eventIds: string[];
}

/** A stored cursor (static data, a parameter), or null when there is none; anything else throws. */
export function parseEventCursor(value: unknown): StripeEventCursor | null {
	if (value === undefined || value === null || value === '') return null;
	let parsed: unknown = value;
	if (typeof value === 'string') {
		const json = parseJsonBody(value);
		if (!json.ok) throw new CoreInputError('cursor', 'The cursor is not JSON');
		parsed = json.value;
	}
	const cursor = parsed as Partial<StripeEventCursor>;
	if (
		typeof cursor !== 'object' ||
		cursor === null ||
		!Number.isInteger(cursor.created) ||
		(cursor.created as number) < 0 ||
		!Array.isArray(cursor.eventIds) ||
		!cursor.eventIds.every((id) => typeof id === 'string')
	) {
		throw new CoreInputError(
			'cursor',
			'The cursor must be { created: <Unix seconds>, eventIds: [<event ids>] } as the last run returned it',
		);
	}
	return { created: cursor.created as number, eventIds: [...cursor.eventIds] };
}

/** Whether the events since the cursor can still be read from Stripe; false: sweep instead. */
export function cursorWithinRetention(
	cursor: StripeEventCursor | null,
	nowSeconds: number,
): cursor is StripeEventCursor {
	return (
		cursor !== null &&
		cursor.created >= nowSeconds - EVENT_RETENTION_SECONDS + RETENTION_MARGIN_SECONDS
	);
}

export interface EventsSince {
	/** oldest first, at most `maxEvents` */
	events: StripeEventLike[];
	/** where the next read starts: after the last event returned (the cursor itself if none) */
	nextCursor: StripeEventCursor;
	/** false when more events wait beyond `maxEvents` (the next run reads them) */
	complete: boolean;
}

/** The reconciled events created since the cursor, oldest first (the module comment). */
export async function readStripeEventsSince(
	transport: StripeTransport,
	cursor: StripeEventCursor,
	options: { onlyUndelivered?: boolean; maxEvents: number; types?: readonly string[] },
): Promise<EventsSince> {
	const types = [...(options.types ?? RECONCILED_STRIPE_EVENTS)];
	if (types.length === 0 || types.length > 20) {
		throw new CoreInputError('types', 'Stripe filters events by 1 to 20 types');
	}
	const params = {
		created: { gte: cursor.created },
		types,
		...(options.onlyUndelivered ? { delivery_success: false } : {}),
	};
	const newestFirst: StripeEventLike[] = [];
	for await (const event of transport.listAll<StripeEventLike>('/v1/events', params)) {
		newestFirst.push(event);
	}
	const seen = new Set(cursor.eventIds);
	const unread = newestFirst
		.reverse()
		.filter((event) => !(event.created === cursor.created && seen.has(event.id)));
	// Stripe orders by `created` alone: a stable sort keeps its order within one second.
	unread.sort((a, b) => a.created - b.created);
	const events = unread.slice(0, Math.max(0, options.maxEvents));
	return {
		events,
		nextCursor: cursorAfter(cursor, events),
		complete: events.length === unread.length,
	};
}

function cursorAfter(cursor: StripeEventCursor, events: StripeEventLike[]): StripeEventCursor {
	if (events.length === 0) return cursor;
	const created = events[events.length - 1].created;
	const ofSecond = events.filter((event) => event.created === created).map((event) => event.id);
	const earlier = created === cursor.created ? cursor.eventIds : [];
	return { created, eventIds: [...new Set([...earlier, ...ofSecond])] };
}

/** One event as the webhook path normalises it (the payment re-read first). */
export async function normaliseReadEvent(
	transport: StripeTransport,
	event: StripeEventLike,
): Promise<NormalisedWebhook> {
	return await normaliseStripeEventNow(transport, event, true);
}

/** The sweep's cursor: from shortly before it began (SWEEP_OVERLAP_SECONDS). */
export function cursorAfterSweep(sweepStartSeconds: number): StripeEventCursor {
	return { created: Math.max(0, sweepStartSeconds - SWEEP_OVERLAP_SECONDS), eventIds: [] };
}

export interface SweptPayment {
	/** the Stripe object the records come from (PaymentIntent or Checkout Session) */
	objectId: string;
	records: InvoicePaymentEvent[];
	/** why nothing is recorded for it (a payment still pending, say); null when records */
	ignored: string | null;
}

// A swept object told as the event that reports its present state; `sweep_` ids are never
// Stripe's, so they never collide with a real event's deduplication.
const INTENT_EVENT_BY_STATUS: Record<string, string> = {
	succeeded: 'payment_intent.succeeded',
	processing: 'payment_intent.processing',
	requires_action: 'payment_intent.requires_action',
	canceled: 'payment_intent.canceled',
	requires_payment_method: 'payment_intent.payment_failed',
};

function sweepEvent(type: string, object: { id: string; created: number; livemode?: boolean }) {
	return {
		id: `sweep_${object.id}`,
		object: 'event' as const,
		type,
		created: object.created,
		livemode: object.livemode === true,
		data: { object: object as unknown as Record<string, unknown> },
		request: null,
	};
}

function invoiceIdsOf(metadata: Record<string, string> | null | undefined): string[] {
	return decodeInvoiceMetadata(metadata).map((line) => line.invoiceId);
}

/**
 * The sweep: every PaymentIntent and Checkout Session of the whole account created since
 * `sinceSeconds` (the Auto-Pay Scan's account-wide reads: a page of 100 at a time, not two lists
 * per invoice) that names one of `openInvoiceIds`, as records. A PaymentIntent (its charge
 * expanded, for refunds) reports its present status; a pay link nobody paid and that expired is
 * canceled under its session id, as `checkout.session.expired` says; a session that was paid
 * reports through its PaymentIntent, with the session's invoices when the payment names none. An
 * open session or a payment still to be confirmed records nothing. The books, idempotent by
 * payment id and status, keep what they missed and answer `statusChanged` for it.
 */
export async function sweepOpenInvoices(
	transport: StripeTransport,
	openInvoiceIds: ReadonlySet<string>,
	sinceSeconds: number,
): Promise<SweptPayment[]> {
	const intents = await recentPaymentIntents(transport, null, sinceSeconds);
	const sessions = await recentPayLinks(transport, null, sinceSeconds);
	const names = (ids: string[]) => ids.some((id) => openInvoiceIds.has(id));
	const swept: SweptPayment[] = [];
	const told = (objectId: string, result: NormalisedWebhook) =>
		swept.push({
			objectId,
			records: result.events as InvoicePaymentEvent[],
			ignored: result.events.length === 0 ? result.ignored : null,
		});
	const byIntent = new Map<string, Stripe.Checkout.Session>();
	for (const session of sessions) {
		const intentId =
			typeof session.payment_intent === 'string'
				? session.payment_intent
				: (session.payment_intent?.id ?? null);
		if (intentId) byIntent.set(intentId, session);
	}
	for (const intent of intents) {
		const session = byIntent.get(intent.id);
		const ownInvoices = invoiceIdsOf(intent.metadata);
		const invoices = ownInvoices.length > 0 ? ownInvoices : invoiceIdsOf(session?.metadata);
		if (!names(invoices)) continue;
		const type = INTENT_EVENT_BY_STATUS[intent.status];
		if (!type) continue;
		const current = intent as unknown as StripePaymentIntentLike;
		const event =
			session && ownInvoices.length === 0
				? sweepEvent('checkout.session.completed', session)
				: sweepEvent(type, intent);
		told(intent.id, normaliseStripeEvent(event, current));
	}
	for (const session of sessions) {
		if (session.mode !== 'payment' || session.status !== 'expired') continue;
		if (session.payment_intent) continue;
		if (!names(invoiceIdsOf(session.metadata))) continue;
		told(session.id, normaliseStripeEvent(sweepEvent('checkout.session.expired', session)));
	}
	return swept;
}

import { BOOKS_CUSTOMER_METADATA_KEY, decodeInvoiceMetadata } from '../payments/invoiceMetadata';
import { CoreInputError } from '../errors';
import { money } from '../money/money';
import type { PaymentMethodLike } from '../payments/paymentMethodLabel';
import type { PaymentStatus } from '../payments/paymentRecord';
import { StripeApiError } from '../stripe/errors';
import { isReleasedClaim } from '../stripe/paymentGuards';
import {
	idOf,
	intentStatus,
	paymentMethodOf,
	stripePaymentOfIntent,
	stripePaymentRecords,
} from '../stripe/paymentIntentRecords';
import type {
	Expandable,
	StripeChargeLike,
	StripePayment,
	StripePaymentIntentLike,
} from '../stripe/paymentIntentRecords';
import { refundStateOf } from '../stripe/refundState';
import type { PaymentMethodChangedEvent } from './paymentMethodChange';
import { methodChangeStateKey } from './paymentMethodChange';
import type {
	InvoicePaymentEvent,
	NormalisedWebhook,
	ParsedEvent,
	PaymentMethodAddedEvent,
	StripeEventRefusal,
} from './paymentStatusEvent';
import {
	disputeItems,
	ignore,
	invoicePaymentEvent,
	isObject,
	parseJsonBody,
	statusFamily,
} from './paymentStatusEvent';
import type { RawBody } from './stripeSignature';

/**
 * Stripe's webhook events as payment-status events (paymentStatusEvent.ts says what a
 * normaliser returns); every payment's records come from the one builder,
 * `stripePaymentRecords`, as the charge path's do.
 *
 * API:
 *   parseStripeEvent(raw) -> ParsedEvent<StripeEventLike>
 *   stripeEventRefusal(event, { livemode, events }) -> 'livemode_mismatch' |
 *     'event_not_selected' | null (take it): checked right after parsing
 *   stripeEventPaymentIntentId(event) -> the PaymentIntent id to re-read, or null
 *   isMissingPaymentIntent(error) -> the re-read's error is Stripe's 404 resource_missing
 *   stripeEventCustomerId(event) -> the Stripe customer to re-read (a possible change of its
 *     automatic payment method), or null
 *   normaliseStripeEvent(event, currentPaymentIntent?, currentCustomer?) -> NormalisedWebhook
 *   STRIPE_WEBHOOK_EVENTS, STRIPE_METHOD_CHANGE_EVENTS, STRIPE_TRIGGER_EVENTS (both: the
 *     trigger's default)
 *
 * A change of the customer's automatic payment method (kind 'payment_method_changed',
 * paymentMethodChange.ts; the automatic method is the customer's
 * `invoice_settings.default_payment_method`, as the Auto-Pay Scan reads it):
 *   customer.updated whose `data.previous_attributes.invoice_settings` holds
 *   `default_payment_method` (docs.stripe.com/api/events/object#event_object-data-previous_attributes:
 *   the old values of the attributes that changed), else 'automatic_method_unchanged' before
 *   anything is read; payment_method.attached; setup_intent.succeeded with `usage` off_session
 *   (beside its payment_method_added item). With `currentCustomer` (the customer re-read,
 *   "Re-read payment", `invoice_settings.default_payment_method` expanded) the automatic method
 *   is the one Stripe holds now, so late or reordered events all report the last change; a
 *   method attached or saved that is not the automatic one now tells no change
 *   ('not_automatic_method': the customer.updated that makes it so does). Without a re-read
 *   only customer.updated can tell (from its own object). A customer whose metadata names no
 *   books customer (`books_customer_id`) is 'not_mapped': there are no invoices of ours to retry.
 *
 * Events handled (STRIPE_WEBHOOK_EVENTS, also the list to subscribe the endpoint to):
 *   payment_intent.succeeded|payment_failed|processing|canceled|requires_action -> as named;
 *   checkout.session.completed (mode payment: payment_status 'paid'/'no_payment_required' ->
 *   succeeded, 'unpaid' -> processing, an asynchronous method still settling; mode setup ->
 *   payment_method_added), checkout.session.async_payment_succeeded|async_payment_failed,
 *   checkout.session.expired -> canceled; setup_intent.succeeded -> payment_method_added;
 *   charge.refunded, refund.created|updated|failed -> kind 'refund'.
 *   An expired session (mode payment) is read from the session alone, never re-read: the page
 *   ended unpaid, so what the books hold under the session id (a pay link, a 3-D Secure page,
 *   recorded while no PaymentIntent exists: Stripe makes it only when the customer confirms) is
 *   canceled, with paymentId = the session id, amounts from the session and invoices from its
 *   metadata; a PaymentIntent the page made reports itself through its own events.
 *   With `currentPaymentIntent` (the PaymentIntent the delivery re-read, "Re-read payment") the
 *   status, amounts, invoice lines, failure, next action and method come from IT, not from the
 *   event, so an old event delivered late reports the payment's present state and never moves it
 *   backwards. Invoices come from the payment's metadata (`decodeInvoiceMetadata`), for a
 *   Checkout Session from the PaymentIntent's metadata, else the session's. The books customer
 *   id is metadata `books_customer_id`.
 *
 * Refunds: charge.refunded and refund.created|updated|failed, re-read (the PaymentIntent with
 * its latest_charge expanded): the state is the charge's amount_refunded at that moment, split
 * over a combined payment's invoices in metadata order (`refundsByInvoice`). A payment event
 * whose re-read finds money refunded is reported the same way, so a late
 * payment_intent.succeeded never reports a refunded payment as paid. stateKey
 * `stripe:<pi>:refund:<minor>`: refund.created and charge.refunded of one refund emit once; each
 * further partial refund (a new total) is a new state; a failed refund (refund.failed, less
 * refunded again) is one too.
 */

export const STRIPE_WEBHOOK_EVENTS = [
	'payment_intent.succeeded',
	'payment_intent.payment_failed',
	'payment_intent.processing',
	'payment_intent.canceled',
	'payment_intent.requires_action',
	'checkout.session.completed',
	'checkout.session.async_payment_succeeded',
	'checkout.session.async_payment_failed',
	'checkout.session.expired',
	'setup_intent.succeeded',
	'charge.refunded',
	'refund.created',
	'refund.updated',
	'refund.failed',
];

/**
 * Events that may mean a customer's automatic payment method changed (setup_intent.succeeded,
 * above, may too). Apart from STRIPE_WEBHOOK_EVENTS, the payment-status events.
 */
export const STRIPE_METHOD_CHANGE_EVENTS = ['customer.updated', 'payment_method.attached'];

/**
 * A customer disputed a payment (docs.stripe.com/api/events/types: charge.dispute.created, and
 * charge.dispute.closed when it is won or lost; each carries the dispute,
 * docs.stripe.com/api/disputes/object). On the trigger's Disputed output and read by the
 * reconciliation alike: the payment is re-read for its invoices, and each invoice's record says
 * what the dispute is (`dispute`, kind 'dispute', `disputeItems`).
 */
export const STRIPE_DISPUTE_EVENTS = ['charge.dispute.created', 'charge.dispute.closed'];

/** Every event the trigger handles: its default, and what its own endpoint subscribes to. */
export const STRIPE_TRIGGER_EVENTS = [
	...STRIPE_WEBHOOK_EVENTS,
	...STRIPE_METHOD_CHANGE_EVENTS,
	...STRIPE_DISPUTE_EVENTS,
];

export interface StripeCustomerLike {
	id: string;
	object?: string;
	/** a deleted customer, as Stripe answers a read of one */
	deleted?: boolean;
	metadata?: Record<string, string> | null;
	invoice_settings?: { default_payment_method?: Expandable<PaymentMethodLike> } | null;
}

export interface StripeCheckoutSessionLike {
	id: string;
	object?: string;
	mode: string;
	payment_status?: string | null;
	amount_total?: number | null;
	currency?: string | null;
	customer?: Expandable<object>;
	metadata?: Record<string, string> | null;
	payment_intent?: Expandable<StripePaymentIntentLike>;
	setup_intent?: Expandable<{ payment_method?: Expandable<PaymentMethodLike> }>;
}

export interface StripeSetupIntentLike {
	id: string;
	object?: string;
	customer?: Expandable<object>;
	metadata?: Record<string, string> | null;
	payment_method?: Expandable<PaymentMethodLike>;
	usage?: string | null;
}

export interface StripeEventLike {
	id: string;
	object: 'event';
	type: string;
	created: number;
	livemode: boolean;
	data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> | null };
	request?: { id?: string | null; idempotency_key?: string | null } | string | null;
}

/** A Stripe (snapshot) event from the raw body; anything else is the 400 case. */
export function parseStripeEvent(raw: RawBody | null | undefined): ParsedEvent<StripeEventLike> {
	const body = parseJsonBody(raw);
	if (!body.ok) return body;
	const value = body.value;
	if (
		!isObject(value) ||
		value.object !== 'event' ||
		typeof value.id !== 'string' ||
		value.id === '' ||
		typeof value.type !== 'string' ||
		typeof value.created !== 'number' ||
		!isObject(value.data) ||
		!isObject(value.data.object)
	) {
		return { ok: false, reason: 'not_an_event' };
	}
	return { ok: true, event: value as unknown as StripeEventLike };
}

const PAYMENT_INTENT_STATUS_BY_EVENT: Record<string, PaymentStatus> = {
	'payment_intent.succeeded': 'succeeded',
	'payment_intent.payment_failed': 'failed',
	'payment_intent.processing': 'processing',
	'payment_intent.canceled': 'canceled',
	'payment_intent.requires_action': 'requires_action',
};

const CHECKOUT_STATUS_BY_EVENT: Record<string, PaymentStatus> = {
	'checkout.session.async_payment_succeeded': 'succeeded',
	'checkout.session.async_payment_failed': 'failed',
	'checkout.session.expired': 'canceled',
};

// docs.stripe.com/api/events/types: charge.refunded carries the charge; refund.* the refund
// (for every refund since API 2024-10-28.acacia). Both name the PaymentIntent.
const REFUND_EVENTS = new Set([
	'charge.refunded',
	'refund.created',
	'refund.updated',
	'refund.failed',
]);

/**
 * Whether a verified Stripe event is for this trigger at all; null when it is. An event of the
 * other mode than the trigger's key (a test event reaching a live trigger because a test
 * endpoint's secret was pasted into a live credential, or the reverse) and a type the trigger
 * was not set to receive are acknowledged and ignored, never normalised nor re-read. An event
 * without a boolean `livemode` belongs to neither mode.
 */
export function stripeEventRefusal(
	event: StripeEventLike,
	trigger: { livemode: boolean; events: readonly string[] },
): StripeEventRefusal | null {
	if (event.livemode !== trigger.livemode) return 'livemode_mismatch';
	if (!trigger.events.includes(event.type)) return 'event_not_selected';
	return null;
}

/**
 * Whether the re-read failed because the account has no such PaymentIntent: Stripe's 404 with
 * code `resource_missing` (docs.stripe.com/error-codes#resource-missing). Such an event will
 * never be processed, so it is acknowledged and ignored rather than answered 500 and retried for
 * three days. A 404 without Stripe's code (a proxy's, say) is not taken for it: that and every
 * other failure (5xx, timeouts) must answer 500 so that Stripe delivers the event again.
 */
export function isMissingPaymentIntent(error: unknown): boolean {
	return (
		error instanceof StripeApiError && error.statusCode === 404 && error.code === 'resource_missing'
	);
}

/** The PaymentIntent the delivery re-reads ("Re-read payment"); null when none applies. */
export function stripeEventPaymentIntentId(event: StripeEventLike): string | null {
	const object = event.data.object;
	if (event.type in PAYMENT_INTENT_STATUS_BY_EVENT) return idOf(object.id as string);
	if (REFUND_EVENTS.has(event.type) || STRIPE_DISPUTE_EVENTS.includes(event.type)) {
		return idOf(object.payment_intent as Expandable<object>);
	}
	if (event.type === 'checkout.session.expired') return null;
	if (event.type.startsWith('checkout.session.') && object.mode === 'payment') {
		return idOf(object.payment_intent as Expandable<object>);
	}
	return null;
}

/** customer.updated: whether the default payment method is among what changed. */
function defaultMethodChanged(event: StripeEventLike): boolean {
	const previous = event.data.previous_attributes;
	return (
		isObject(previous) &&
		isObject(previous.invoice_settings) &&
		'default_payment_method' in previous.invoice_settings
	);
}

/** The customer and method an event that may change the automatic method is about. */
function methodEventSubject(event: StripeEventLike): {
	customerId: string | null;
	/** the method attached or saved; null for customer.updated (the customer says) */
	paymentMethodId: string | null;
} | null {
	const object = event.data.object;
	if (event.type === 'customer.updated') {
		return { customerId: idOf(object.id as string), paymentMethodId: null };
	}
	if (event.type === 'payment_method.attached') {
		return {
			customerId: idOf(object.customer as Expandable<object>),
			paymentMethodId: idOf(object.id as string),
		};
	}
	if (event.type === 'setup_intent.succeeded' && object.usage === 'off_session') {
		return {
			customerId: idOf(object.customer as Expandable<object>),
			paymentMethodId: idOf(object.payment_method as Expandable<object>),
		};
	}
	return null;
}

/**
 * The Stripe customer the delivery re-reads ("Re-read payment") for an event that may tell a
 * change of its automatic payment method; null when none applies (a customer.updated that
 * changed something else is decided without a request).
 */
export function stripeEventCustomerId(event: StripeEventLike): string | null {
	const subject = methodEventSubject(event);
	if (!subject) return null;
	if (event.type === 'customer.updated' && !defaultMethodChanged(event)) return null;
	if (event.type === 'setup_intent.succeeded' && !subject.paymentMethodId) return null;
	return subject.customerId;
}

function header(event: StripeEventLike) {
	return {
		eventId: event.id,
		eventType: event.type,
		occurredAt: new Date(event.created * 1000).toISOString(),
		livemode: event.livemode === true,
		idempotencyKey: isObject(event.request) ? (event.request.idempotency_key ?? null) : null,
	};
}

/**
 * A payment-status event's items: the payment's records (`stripePaymentRecords`, the one
 * builder) with where the event came from. `reportRefund`: a refund event, told as a refund even
 * when nothing is refunded any more (a failed refund).
 */
function paymentEvents(
	event: StripeEventLike,
	payment: StripePayment,
	reportRefund = false,
): NormalisedWebhook {
	const family = statusFamily(payment.status);
	if (family === null) return ignore('payment_pending');
	const common = header(event);
	const records = stripePaymentRecords(payment, {
		idempotencyKey: common.idempotencyKey,
		reportRefund,
	});
	if (records.length === 0) return ignore('no_invoice');
	// The builder fills `refund` for every invoice exactly when the payment reports one.
	const isRefund = records[0].refund !== null;
	const invoiceIds = records.map((record) => record.invoiceId);
	const paymentAmount = money(payment.amountMinor, payment.currency);
	const events = records.map((record) =>
		invoicePaymentEvent(
			record,
			{
				kind: isRefund ? 'refund' : 'payment',
				eventId: common.eventId,
				eventType: common.eventType,
				statusFamily: isRefund ? 'refunded' : family,
				occurredAt: common.occurredAt,
				paymentMethodId: record.paymentMethod?.id ?? null,
				checkoutSessionId: record.checkoutSessionId,
			},
			{ invoiceIds, amount: paymentAmount },
		),
	);
	// Succeeded and canceled are final; other states can recur on a new attempt (a new charge).
	// A refund state is the total refunded: each new total is a new state, whichever event says it.
	const final = payment.status === 'succeeded' || payment.status === 'canceled';
	const attempt = final ? '' : (idOf(payment.intent?.latest_charge) ?? '');
	const state = isRefund
		? `refund:${payment.refund?.amountRefundedMinor ?? 0}`
		: `${payment.status}:${attempt}`;
	const stateKey = payment.paymentId ? `stripe:${payment.paymentId}:${state}` : null;
	return { events, ignored: null, stateKey };
}

function methodAddedEvent(
	event: StripeEventLike,
	input: {
		setupIntentId: string | null;
		checkoutSessionId: string | null;
		customerId: string | null;
		metadata: Record<string, string> | null | undefined;
		paymentMethod: Expandable<PaymentMethodLike>;
	},
): NormalisedWebhook {
	if (!input.customerId) return ignore('no_customer');
	const common = header(event);
	const method = paymentMethodOf(input.paymentMethod);
	const added: PaymentMethodAddedEvent = {
		provider: 'stripe',
		kind: 'payment_method_added',
		eventId: common.eventId,
		eventType: common.eventType,
		status: 'succeeded',
		statusFamily: 'succeeded',
		occurredAt: common.occurredAt,
		livemode: common.livemode,
		customer: {
			booksId: input.metadata?.[BOOKS_CUSTOMER_METADATA_KEY] ?? null,
			providerId: input.customerId,
		},
		setupIntentId: input.setupIntentId,
		checkoutSessionId: input.checkoutSessionId,
		paymentMethodId: idOf(input.paymentMethod),
		paymentMethod: method,
		invoiceId: null,
		invoiceIds: [],
		paymentId: null,
		combinedPaymentId: null,
		currency: null,
		amount: null,
		fee: null,
		total: null,
		paymentAmount: null,
		idempotencyKey: common.idempotencyKey,
		failure: null,
		refund: null,
		nextActionUrl: null,
	};
	// checkout.session.completed and setup_intent.succeeded report the same SetupIntent.
	const stateKey = input.setupIntentId
		? `stripe:${input.setupIntentId}:payment_method_added:`
		: null;
	return { events: [added], ignored: null, stateKey };
}

/**
 * The change an event tells of the customer's automatic payment method (the module comment),
 * or why it tells none. `current`: the customer as Stripe has it now.
 */
function automaticMethodChange(
	event: StripeEventLike,
	current: StripeCustomerLike | null,
): NormalisedWebhook {
	const subject = methodEventSubject(event);
	if (!subject) return ignore('unhandled_event_type');
	if (event.type === 'customer.updated' && !defaultMethodChanged(event)) {
		return ignore('automatic_method_unchanged');
	}
	if (!subject.customerId) return ignore('no_customer');
	// Only Stripe's customer now says whether an attached or saved method is the automatic one.
	const customer =
		current ??
		(event.type === 'customer.updated'
			? (event.data.object as unknown as StripeCustomerLike)
			: null);
	if (!customer) return ignore('automatic_method_unknown');
	if (!isObject(customer) || customer.id !== subject.customerId) {
		throw new CoreInputError(
			'currentCustomer',
			`The re-read customer ${String((customer as { id?: unknown })?.id)} is not the event's customer ${subject.customerId}`,
		);
	}
	if (customer.deleted === true) return ignore('customer_not_found');
	const automatic = customer.invoice_settings?.default_payment_method ?? null;
	const automaticId = idOf(automatic);
	if (!automaticId) return ignore('no_automatic_method');
	if (subject.paymentMethodId !== null && subject.paymentMethodId !== automaticId) {
		return ignore('not_automatic_method');
	}
	const booksCustomerId = customer.metadata?.[BOOKS_CUSTOMER_METADATA_KEY];
	if (!booksCustomerId) return ignore('not_mapped');
	const common = header(event);
	const previous = event.data.previous_attributes?.invoice_settings;
	const change: PaymentMethodChangedEvent = {
		provider: 'stripe',
		kind: 'payment_method_changed',
		eventId: common.eventId,
		eventType: common.eventType,
		occurredAt: common.occurredAt,
		livemode: common.livemode,
		stripeCustomerId: customer.id,
		booksCustomerId,
		paymentMethodId: automaticId,
		paymentMethod: paymentMethodOf(automatic) ?? { id: automaticId, label: automaticId },
		previousPaymentMethodId:
			event.type === 'customer.updated' && isObject(previous)
				? idOf(previous.default_payment_method as Expandable<object>)
				: null,
		setupIntentId:
			event.type === 'setup_intent.succeeded' ? idOf(event.data.object.id as string) : null,
	};
	return {
		events: [],
		ignored: null,
		stateKey: null,
		methodChange: {
			event: change,
			stateKey: methodChangeStateKey('stripe', customer.id, automaticId),
		},
	};
}

function assertSameIntent(current: StripePaymentIntentLike, expectedId: string | null): void {
	if (!isObject(current) || typeof current.id !== 'string' || typeof current.status !== 'string') {
		throw new CoreInputError('currentPaymentIntent', 'The re-read payment is not a PaymentIntent');
	}
	if (expectedId !== null && current.id !== expectedId) {
		throw new CoreInputError(
			'currentPaymentIntent',
			`The re-read payment ${current.id} is not the event's payment ${expectedId}`,
		);
	}
}

/**
 * A PaymentIntent as the payment an event tells, in `status`, with the event's mode. Invoices
 * come from its metadata; a Checkout Session's PaymentIntent without them, from the session's.
 */
function paymentOfIntent(
	event: StripeEventLike,
	intent: StripePaymentIntentLike,
	status: PaymentStatus,
	session: StripeCheckoutSessionLike | null = null,
): StripePayment {
	const payment = stripePaymentOfIntent(intent, status);
	const ownLines = decodeInvoiceMetadata(intent.metadata).length > 0;
	return {
		...payment,
		metadata: ownLines || !session ? intent.metadata : session.metadata,
		livemode: event.livemode === true,
		checkoutSessionId: session?.id ?? null,
	};
}

/** A refunded charge as the payment, when the PaymentIntent was not re-read. */
function paymentOfCharge(event: StripeEventLike, charge: StripeChargeLike): StripePayment {
	if (typeof charge.amount !== 'number' || typeof charge.currency !== 'string') {
		throw new CoreInputError(
			'data.object',
			`Charge ${String(charge.id)} has no amount or currency`,
		);
	}
	return {
		status: 'succeeded',
		paymentId: idOf(charge.payment_intent),
		amountMinor: charge.amount,
		currency: charge.currency,
		metadata: charge.metadata,
		customerId: idOf(charge.customer),
		livemode: event.livemode === true,
		intent: null,
		charge,
		checkoutSessionId: null,
		refund: refundStateOf({ latest_charge: charge } as never),
		failureFallback: 'The payment failed',
	};
}

/** A payment-mode session as the payment, when no PaymentIntent tells more. */
function paymentOfSession(
	event: StripeEventLike,
	session: StripeCheckoutSessionLike,
	status: PaymentStatus,
	paymentId: string | null,
): StripePayment {
	if (typeof session.amount_total !== 'number' || typeof session.currency !== 'string') {
		throw new CoreInputError(
			'data.object',
			`Checkout Session ${session.id} has no amount or currency`,
		);
	}
	return {
		status,
		paymentId,
		amountMinor: session.amount_total,
		currency: session.currency,
		metadata: session.metadata,
		customerId: idOf(session.customer),
		livemode: event.livemode === true,
		intent: null,
		charge: null,
		checkoutSessionId: session.id,
		refund: null,
		failureFallback: 'The asynchronous payment failed',
	};
}

export interface StripeDisputeLike {
	id: string;
	object?: string;
	amount: number;
	currency: string;
	reason?: string | null;
	status: string;
	payment_intent?: Expandable<object>;
}

// docs.stripe.com/api/disputes/object#dispute_object-status: open until won or lost.
const CLOSED_DISPUTE_STATUSES = new Set(['won', 'lost', 'warning_closed']);

/**
 * A dispute's records: the re-read payment's records (one per invoice, as every payment's), told
 * as a dispute: kind 'dispute', status family 'disputed', and `dispute` saying what it is and
 * what the books should keep. The books have no dispute status (yet): the reconciliation keeps a
 * dispute apart on its invoice (as a payment mismatch, under the dispute's id, with `reasons`),
 * so the invoice is flagged and the ops team told once per dispute status. `recordStatus`: the
 * dispute's money while open (pending), given back (won: succeeded) or kept by the customer
 * (lost: failed, the payment's money is gone and the invoice is unpaid again in fact).
 */
function disputeEvents(
	event: StripeEventLike,
	dispute: StripeDisputeLike,
	current: StripePaymentIntentLike,
): NormalisedWebhook {
	if (!isObject(dispute) || typeof dispute.id !== 'string' || typeof dispute.status !== 'string') {
		throw new CoreInputError('data.object', 'The dispute event carries no dispute');
	}
	const base = paymentEvents(event, paymentOfIntent(event, current, intentStatus(current)));
	if (base.events.length === 0) return base;
	const closed = CLOSED_DISPUTE_STATUSES.has(dispute.status);
	const recordStatus: PaymentStatus = !closed
		? 'pending'
		: dispute.status === 'won'
			? 'succeeded'
			: 'failed';
	const amount = money(dispute.amount, dispute.currency);
	const what = `${amount.amount} ${amount.currency.toUpperCase()} of payment ${current.id}`;
	const reasons = [
		closed
			? {
					code: dispute.status === 'won' ? 'DISPUTE_WON' : 'DISPUTE_LOST',
					message:
						dispute.status === 'won'
							? `The customer's dispute ${dispute.id} of ${what} was decided for you: the money is back.`
							: `The customer's dispute ${dispute.id} of ${what} was lost: the money is gone; the invoice is unpaid by that amount.`,
				}
			: {
					code: 'DISPUTE_OPEN',
					message: `The customer disputed ${what} (${dispute.reason ?? 'no reason given'}; dispute ${dispute.id}): Stripe has taken the money back until the dispute is decided. Answer it in the Stripe Dashboard.`,
				},
	];
	// paymentEvents gives invoice payments only
	const events = disputeItems(base.events as InvoicePaymentEvent[], {
		id: dispute.id,
		status: dispute.status,
		reason: dispute.reason ?? null,
		amount,
		closed,
		recordStatus,
		reasons,
	});
	return {
		events,
		ignored: null,
		stateKey: `stripe:${current.id}:dispute:${dispute.id}:${dispute.status}`,
	};
}

/**
 * One Stripe event (from `parseStripeEvent`) as payment-status items. `currentPaymentIntent`:
 * the event's PaymentIntent as Stripe has it now; `currentCustomer`: the customer of an event
 * that may change its automatic method, as Stripe has it now (see the module comment).
 */
export function normaliseStripeEvent(
	event: StripeEventLike,
	currentPaymentIntent?: StripePaymentIntentLike | null,
	currentCustomer?: StripeCustomerLike | null,
): NormalisedWebhook {
	const object = event.data.object;
	if (STRIPE_METHOD_CHANGE_EVENTS.includes(event.type)) {
		return automaticMethodChange(event, currentCustomer ?? null);
	}
	const current = currentPaymentIntent ?? null;
	if (current) assertSameIntent(current, stripeEventPaymentIntentId(event));

	if (event.type in PAYMENT_INTENT_STATUS_BY_EVENT) {
		const intent = current ?? (object as unknown as StripePaymentIntentLike);
		// A claim of the one-charge-per-invoice protocol given up before any charge: no payment.
		if (isReleasedClaim(intent)) return ignore('claim_released');
		const status = current ? intentStatus(current) : PAYMENT_INTENT_STATUS_BY_EVENT[event.type];
		return paymentEvents(event, paymentOfIntent(event, intent, status));
	}

	if (REFUND_EVENTS.has(event.type)) {
		if (current)
			return paymentEvents(event, paymentOfIntent(event, current, intentStatus(current)), true);
		// Only the charge says what the payment keeps; a refund names itself alone.
		if (event.type !== 'charge.refunded') return ignore('refund_state_unknown');
		return paymentEvents(
			event,
			paymentOfCharge(event, object as unknown as StripeChargeLike),
			true,
		);
	}

	if (STRIPE_DISPUTE_EVENTS.includes(event.type)) {
		// Only the payment names its invoices: a dispute is told from the re-read payment.
		if (!current) return ignore('dispute_payment_unknown');
		return disputeEvents(event, object as unknown as StripeDisputeLike, current);
	}

	if (event.type === 'setup_intent.succeeded') {
		const setupIntent = object as unknown as StripeSetupIntentLike;
		const added = methodAddedEvent(event, {
			setupIntentId: setupIntent.id,
			checkoutSessionId: null,
			customerId: idOf(setupIntent.customer),
			metadata: setupIntent.metadata,
			paymentMethod: setupIntent.payment_method,
		});
		// The saved method may already be the automatic one (set by whoever saved it): a change too.
		const changed = currentCustomer ? automaticMethodChange(event, currentCustomer) : null;
		if (added.events.length === 0 || !changed?.methodChange) return added;
		return { ...added, methodChange: changed.methodChange };
	}

	const isCheckout =
		event.type === 'checkout.session.completed' || event.type in CHECKOUT_STATUS_BY_EVENT;
	if (!isCheckout) return ignore('unhandled_event_type');
	const session = object as unknown as StripeCheckoutSessionLike;

	if (session.mode === 'setup') {
		if (event.type !== 'checkout.session.completed') return ignore('unhandled_event_type');
		const setupIntent = session.setup_intent;
		// An event carries the session's SetupIntent as an ID, so not the method it saved; the
		// setup_intent.succeeded event of the same SetupIntent carries it. Reporting the method
		// here as unknown would claim that SetupIntent's state first (both share it) and leave
		// the method never made automatic: the saved method is told from the SetupIntent's event.
		if (!isObject(setupIntent) || !setupIntent.payment_method)
			return ignore('method_told_by_setup_intent');
		return methodAddedEvent(event, {
			setupIntentId: idOf(setupIntent),
			checkoutSessionId: session.id,
			customerId: idOf(session.customer),
			metadata: session.metadata,
			paymentMethod: setupIntent.payment_method,
		});
	}
	if (session.mode !== 'payment') return ignore('unhandled_checkout_mode');
	if (event.type === 'checkout.session.expired') {
		// The books keep the page under its session id: that record is the one canceled.
		return paymentEvents(event, paymentOfSession(event, session, 'canceled', session.id));
	}

	const expanded = typeof session.payment_intent === 'object' ? session.payment_intent : null;
	const intent = current ?? expanded;
	let status: PaymentStatus;
	if (current) {
		status = intentStatus(current);
	} else if (event.type === 'checkout.session.completed') {
		status = session.payment_status === 'unpaid' ? 'processing' : 'succeeded';
	} else {
		status = CHECKOUT_STATUS_BY_EVENT[event.type];
	}
	if (intent) return paymentEvents(event, paymentOfIntent(event, intent, status, session));
	return paymentEvents(
		event,
		paymentOfSession(event, session, status, idOf(session.payment_intent)),
	);
}

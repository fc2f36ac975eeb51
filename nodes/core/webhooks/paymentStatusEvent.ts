import { CoreInputError, isCoreInputError, settled } from '../errors';
import type { GatewayTransaction } from '../gateway360/transactions';
import { getTransaction, summarizeTransaction, transactionRecord } from '../gateway360/transactions';
import type { Gateway360Transport } from '../gateway360/transport';
import { decodeInvoiceMetadata } from '../invoiceMetadata';
import type { MoneyValue } from '../money';
import { money, parseAmount } from '../money';
import type { PaymentMethodLike } from '../paymentMethodLabel';
import { paymentMethodLabel } from '../paymentMethodLabel';
import type { PaymentRecord, PaymentStatus } from '../paymentRecord';
import { buildPaymentRecord, paymentStatusFromStripe } from '../paymentRecord';
import { StripeApiError } from '../stripe/errors';
import { isReleasedClaim } from '../stripe/paymentGuards';
import {
	BOOKS_CUSTOMER_METADATA_KEY,
	idOf,
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
import type { RawBody } from './stripeSignature';

/**
 * Webhook bodies of both providers turned into one payment-status shape.
 *
 * The shell's order for every request: verify the signature (401 on failure) -> parse the body
 * (`parseStripeEvent` / `parseGateway360Event`, 400 on failure) -> for Stripe,
 * `stripeEventRefusal` (200, nothing emitted) -> `seen(event id)` on the
 * deduplicator (a replay answers 200 and starts nothing) -> for Stripe with "Re-read payment"
 * on, fetch the PaymentIntent named by `stripeEventPaymentIntentId` -> normalise -> emit
 * `eventsByOutput(result.events)`. A CoreInputError from a normaliser means a signed body we
 * cannot read: answer 400. When a step after `seen` fails, `forget(id)` so the retry counts.
 *
 * API:
 *   parseJsonBody(raw) -> { ok: true, value } | { ok: false, reason: 'empty' | 'invalid_json' }
 *   parseStripeEvent(raw) / parseGateway360Event(raw)
 *     -> { ok: true, event } | { ok: false, reason: 'empty' | 'invalid_json' | 'not_an_event' }
 *   stripeEventRefusal(event, { livemode, events }) -> 'livemode_mismatch' |
 *     'event_not_selected' | null (take it): checked right after parsing
 *   stripeEventPaymentIntentId(event) -> the PaymentIntent id to re-read, or null
 *   isMissingPaymentIntent(error) -> the re-read's error is Stripe's 404 resource_missing
 *   normaliseStripeEvent(event, currentPaymentIntent?) -> NormalisedWebhook
 *   gateway360EventTransactionId(event) -> the transaction to re-read, or null
 *   currentGatewayTransaction(transport, id) -> the transaction now, or null when the gateway
 *     has none such ('payment_not_found')
 *   normaliseGateway360Event(event, { livemode = true, defaultCurrency = 'usd',
 *     currentTransaction }?) -> NormalisedWebhook (livemode: the gateway's body does not say;
 *     the shell knows its credential; currentTransaction: see "Re-read" in the 360 section)
 *   statusFamily(status), eventsByOutput(events), STATUS_FAMILY_OUTPUTS, STRIPE_WEBHOOK_EVENTS;
 *   types PaymentStatusEvent = InvoicePaymentEvent |
 *   PaymentMethodAddedEvent (the same keys, nulls where moot), NormalisedWebhook.
 *
 * Result of a normaliser: `{ events, ignored, stateKey }`.
 *   events   one item per invoice of the payment (a combined payment of 3 invoices gives 3,
 *            each with its own amount/fee/total from the payment's invoice lines and the shared
 *            paymentId = combinedPaymentId); [] when ignored.
 *   ignored  null, or why nothing is emitted: 'unhandled_event_type' | 'unhandled_checkout_mode'
 *            | 'no_invoice' (a payment not made for invoices) | 'no_customer' (a SetupIntent
 *            saving no method for a customer) | 'payment_pending' (the re-read payment waits for
 *            the customer: no family) | 'unknown_outcome' (360 `*.unknown`) | 'reversal_failed'
 *            (360 refund/void failure: the payment itself is unchanged, so it is not put on the
 *            Failed output where a "payment failed" email would follow) | 'refund_state_unknown'
 *            (a Stripe refund.* event with "Re-read payment" off: the refund alone does not say
 *            what the payment keeps; charge.refunded does, and is used) | 'claim_released' (a
 *            claim of the one-charge-per-invoice protocol canceled before any charge:
 *            docs/money-safety.md). Decided by the shell around the normaliser, in the same
 *            vocabulary: 'livemode_mismatch' | 'event_not_selected' (`stripeEventRefusal`, before
 *            anything is read or remembered) and 'payment_not_found' (the re-read answered
 *            Stripe's 404 resource_missing: `isMissingPaymentIntent`).
 *   stateKey identifies the payment state reached, e.g. `stripe:pi_1:succeeded:`; the shell may
 *            pass it to a second deduplicator so that the state is emitted once even when
 *            several events report it (checkout.session.completed and payment_intent.succeeded
 *            for the same payment; an out-of-order event re-read to a state already emitted).
 *            null when the payment is not known yet.
 *
 * Outputs: STATUS_FAMILY_OUTPUTS (Succeeded, Failed, Processing, Requires Action, Canceled,
 * Refunded) and `eventsByOutput`. Status -> family is one to one ('pending' has no family and is
 * ignored), except that every refund (kind 'refund', full or partial) goes to Refunded. Refunded
 * is the last output, so workflows wired to the first five keep their connections.
 *
 * Kinds (decisions):
 *   'payment'               a payment's status; everything on the five outputs is this unless said
 *   'payment_method_added'  Stripe setup_intent.succeeded and Checkout in setup mode: emitted on
 *                           Succeeded (status 'succeeded'), with no invoice and null amounts, so
 *                           the books can store the customer's automatic payment method
 *   'refund'                money of a succeeded payment went back: emitted on Refunded, both
 *                           providers, never on Succeeded (where a "payment confirmation"
 *                           would follow) nor Canceled (nothing was canceled). The record's
 *                           `refund` is always filled: { amountRefunded, amountKept } of that
 *                           invoice's total. Status `refunded` when nothing of the invoice is
 *                           kept, else `succeeded` (a partial refund).
 *                           Stripe: charge.refunded and refund.created|updated|failed, re-read
 *                           (the PaymentIntent with its latest_charge expanded): the state is
 *                           the charge's amount_refunded at that moment, split over a combined
 *                           payment's invoices in metadata order (`refundsByInvoice`). A
 *                           payment event whose re-read finds money refunded is reported the
 *                           same way, so a late payment_intent.succeeded never reports a
 *                           refunded payment as paid. stateKey `stripe:<pi>:refund:<minor>`:
 *                           refund.created and charge.refunded of one refund emit once; each
 *                           further partial refund (a new total) is a new state; a failed
 *                           refund (refund.failed, less refunded again) is one too.
 *                           360 Payments `transaction.refund.success`: re-read (the default),
 *                           the gateway's transaction gives the refund total and what is kept,
 *                           as for Stripe. From the body alone: the event names one refund, not
 *                           the payment's total, so amount = refund.amountRefunded = this refund,
 *                           amountKept null, status `succeeded` (not known to be refunded in
 *                           full: Get the transaction for its totals).
 *
 * Stripe events handled (STRIPE_WEBHOOK_EVENTS, also the list to subscribe the endpoint to):
 *   payment_intent.succeeded|payment_failed|processing|canceled|requires_action -> as named;
 *   checkout.session.completed (mode payment: payment_status 'paid'/'no_payment_required' ->
 *   succeeded, 'unpaid' -> processing, an asynchronous method still settling; mode setup ->
 *   payment_method_added), checkout.session.async_payment_succeeded|async_payment_failed,
 *   checkout.session.expired -> canceled; setup_intent.succeeded -> payment_method_added;
 *   charge.refunded, refund.created|updated|failed -> kind 'refund' (above).
 *   An expired session (mode payment) is read from the session alone, never re-read: the page
 *   ended unpaid, so what the books hold under the session id (a pay link, a 3-D Secure page,
 *   recorded while no PaymentIntent exists: Stripe makes it only when the customer confirms) is
 *   canceled, with paymentId = the session id, amounts from the session and invoices from its
 *   metadata; a PaymentIntent the page made reports itself through its own events.
 *   With `currentPaymentIntent` (the PaymentIntent the shell fetched for "Re-read payment") the
 *   status, amounts, invoice lines, failure, next action and method come from IT, not from the
 *   event, so an old event delivered late reports the payment's present state and never moves it
 *   backwards. Invoices come from the payment's metadata (`decodeInvoiceMetadata`), for a
 *   Checkout Session from the PaymentIntent's metadata, else the session's. The books customer
 *   id is metadata `books_customer_id`.
 */

export type PaymentStatusFamily =
	| 'succeeded'
	| 'failed'
	| 'processing'
	| 'requires_action'
	| 'canceled'
	| 'refunded';

/** The trigger's outputs, in order. */
export const STATUS_FAMILY_OUTPUTS: ReadonlyArray<{ family: PaymentStatusFamily; name: string }> = [
	{ family: 'succeeded', name: 'Succeeded' },
	{ family: 'failed', name: 'Failed' },
	{ family: 'processing', name: 'Processing' },
	{ family: 'requires_action', name: 'Requires Action' },
	{ family: 'canceled', name: 'Canceled' },
	{ family: 'refunded', name: 'Refunded' },
];

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

export type PaymentEventKind = 'payment' | 'refund' | 'payment_method_added';

export type IgnoredReason =
	| 'unhandled_event_type'
	| 'unhandled_checkout_mode'
	| 'no_invoice'
	| 'no_customer'
	| 'payment_pending'
	| 'unknown_outcome'
	| 'reversal_failed'
	| 'refund_state_unknown'
	| 'claim_released'
	| StripeEventRefusal
	| 'payment_not_found';

/** Why a verified Stripe event is not for this trigger at all (`stripeEventRefusal`). */
export type StripeEventRefusal = 'livemode_mismatch' | 'event_not_selected';

interface EventHeader {
	eventId: string;
	eventType: string;
	statusFamily: PaymentStatusFamily;
	/** ISO 8601 (UTC) time the provider gives for the event; null when it gives none */
	occurredAt: string | null;
	paymentMethodId: string | null;
	/** the Checkout Session behind the event (pay links, add-method links) */
	checkoutSessionId: string | null;
}

/** A payment's status for one invoice: a PaymentRecord plus where it came from. */
export interface InvoicePaymentEvent extends PaymentRecord, EventHeader {
	kind: 'payment' | 'refund';
	/** every invoice of the payment, this one included */
	invoiceIds: string[];
	currency: string;
	/** the whole payment (all invoices together) */
	paymentAmount: MoneyValue;
}

/** A customer saved a payment method (no invoice, no money): same keys, nulls where moot. */
export interface PaymentMethodAddedEvent
	extends Omit<PaymentRecord, 'invoiceId' | 'amount' | 'fee' | 'total' | 'provider'>,
		EventHeader {
	provider: 'stripe';
	kind: 'payment_method_added';
	status: 'succeeded';
	setupIntentId: string | null;
	invoiceId: null;
	invoiceIds: string[];
	currency: null;
	amount: null;
	fee: null;
	total: null;
	paymentAmount: null;
	refund: null;
}

export type PaymentStatusEvent = InvoicePaymentEvent | PaymentMethodAddedEvent;

export interface NormalisedWebhook {
	events: PaymentStatusEvent[];
	ignored: IgnoredReason | null;
	stateKey: string | null;
}

const ignore = (reason: IgnoredReason): NormalisedWebhook => ({
	events: [],
	ignored: reason,
	stateKey: null,
});

export function statusFamily(status: PaymentStatus): PaymentStatusFamily | null {
	return status === 'pending' ? null : status;
}

/** Items per output, in STATUS_FAMILY_OUTPUTS order (what a trigger's webhook() returns). */
export function eventsByOutput(events: PaymentStatusEvent[]): PaymentStatusEvent[][] {
	return STATUS_FAMILY_OUTPUTS.map(({ family }) =>
		events.filter((event) => event.statusFamily === family),
	);
}

// ---------------------------------------------------------------- bodies

export type JsonBodyResult =
	| { ok: true; value: unknown }
	| { ok: false; reason: 'empty' | 'invalid_json' };

/** The request body as JSON; `ok: false` is the 400 case. */
export function parseJsonBody(raw: RawBody | null | undefined): JsonBodyResult {
	if (raw === null || raw === undefined) return { ok: false, reason: 'empty' };
	const text = typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
	if (text.trim() === '') return { ok: false, reason: 'empty' };
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch {
		return { ok: false, reason: 'invalid_json' };
	}
}

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

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
}

export interface StripeEventLike {
	id: string;
	object: 'event';
	type: string;
	created: number;
	livemode: boolean;
	data: { object: Record<string, unknown> };
	request?: { id?: string | null; idempotency_key?: string | null } | string | null;
}

export type ParsedEvent<T> =
	| { ok: true; event: T }
	| { ok: false; reason: 'empty' | 'invalid_json' | 'not_an_event' };

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

// ---------------------------------------------------------------- Stripe

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

/** The PaymentIntent the shell should fetch for "Re-read payment"; null when none applies. */
export function stripeEventPaymentIntentId(event: StripeEventLike): string | null {
	const object = event.data.object;
	if (event.type in PAYMENT_INTENT_STATUS_BY_EVENT) return idOf(object.id as string);
	if (REFUND_EVENTS.has(event.type)) return idOf(object.payment_intent as Expandable<object>);
	if (event.type === 'checkout.session.expired') return null;
	if (event.type.startsWith('checkout.session.') && object.mode === 'payment') {
		return idOf(object.payment_intent as Expandable<object>);
	}
	return null;
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
	const events = records.map(
		(record): InvoicePaymentEvent => ({
			...record,
			kind: isRefund ? 'refund' : 'payment',
			eventId: common.eventId,
			eventType: common.eventType,
			statusFamily: isRefund ? 'refunded' : family,
			occurredAt: common.occurredAt,
			paymentMethodId: record.paymentMethod?.id ?? null,
			invoiceIds,
			currency: paymentAmount.currency,
			paymentAmount,
		}),
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

const currentStatus = (intent: StripePaymentIntentLike): PaymentStatus =>
	paymentStatusFromStripe(intent.status, isObject(intent.last_payment_error));

/**
 * One Stripe event (from `parseStripeEvent`) as payment-status items. `currentPaymentIntent`:
 * the event's PaymentIntent as Stripe has it now (see the module comment).
 */
export function normaliseStripeEvent(
	event: StripeEventLike,
	currentPaymentIntent?: StripePaymentIntentLike | null,
): NormalisedWebhook {
	const object = event.data.object;
	const current = currentPaymentIntent ?? null;
	if (current) assertSameIntent(current, stripeEventPaymentIntentId(event));

	if (event.type in PAYMENT_INTENT_STATUS_BY_EVENT) {
		const intent = current ?? (object as unknown as StripePaymentIntentLike);
		// A claim of the one-charge-per-invoice protocol given up before any charge: no payment.
		if (isReleasedClaim(intent)) return ignore('claim_released');
		const status = current ? currentStatus(current) : PAYMENT_INTENT_STATUS_BY_EVENT[event.type];
		return paymentEvents(event, paymentOfIntent(event, intent, status));
	}

	if (REFUND_EVENTS.has(event.type)) {
		if (current) return paymentEvents(event, paymentOfIntent(event, current, currentStatus(current)), true);
		// Only the charge says what the payment keeps; a refund names itself alone.
		if (event.type !== 'charge.refunded') return ignore('refund_state_unknown');
		return paymentEvents(event, paymentOfCharge(event, object as unknown as StripeChargeLike), true);
	}

	if (event.type === 'setup_intent.succeeded') {
		const setupIntent = object as unknown as StripeSetupIntentLike;
		return methodAddedEvent(event, {
			setupIntentId: setupIntent.id,
			checkoutSessionId: null,
			customerId: idOf(setupIntent.customer),
			metadata: setupIntent.metadata,
			paymentMethod: setupIntent.payment_method,
		});
	}

	const isCheckout =
		event.type === 'checkout.session.completed' || event.type in CHECKOUT_STATUS_BY_EVENT;
	if (!isCheckout) return ignore('unhandled_event_type');
	const session = object as unknown as StripeCheckoutSessionLike;

	if (session.mode === 'setup') {
		if (event.type !== 'checkout.session.completed') return ignore('unhandled_event_type');
		const setupIntent = session.setup_intent;
		return methodAddedEvent(event, {
			setupIntentId: idOf(setupIntent),
			checkoutSessionId: session.id,
			customerId: idOf(session.customer),
			metadata: session.metadata,
			paymentMethod: isObject(setupIntent) ? setupIntent.payment_method : null,
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
		status = currentStatus(current);
	} else if (event.type === 'checkout.session.completed') {
		status = session.payment_status === 'unpaid' ? 'processing' : 'succeeded';
	} else {
		status = CHECKOUT_STATUS_BY_EVENT[event.type];
	}
	if (intent) return paymentEvents(event, paymentOfIntent(event, intent, status, session));
	return paymentEvents(event, paymentOfSession(event, session, status, idOf(session.payment_intent)));
}

// ---------------------------------------------------------------- 360 Payments

/**
 * The 360 Payments webhook body (NMI-style). Our fake gateway sends exactly this; real gateway
 * bodies carry more fields, which are ignored.
 *
 * {
 *   "event_id": "non-empty string, unique per event: the deduplication key",
 *   "event_type": "transaction.<sale|auth|capture|void|refund>.<success|failure|unknown>",
 *   "event_body": {
 *     "transaction_id": "the gateway's transaction id = paymentId (for refund and void: the
 *                        transaction of the payment refunded or voided)",
 *     "order_id": "the invoice id (one invoice per gateway transaction); absent or empty: the
 *                  transaction is not an invoice payment and is ignored",
 *     "currency": "ISO code, e.g. \"USD\" (optional, default options.defaultCurrency or usd)",
 *     "surcharge": "decimal string: the processing-fee part of action.amount (optional)",
 *     "customerid": "the books customer id (optional)",
 *     "customer_vault_id": "the gateway's stored-customer id (optional)",
 *     "card": { "cc_number": "masked, e.g. 4xxxxxxxxxxx1111", "cc_type": "visa" } (optional),
 *     "action": {
 *       "action_type": "sale",
 *       "amount": "decimal string: sale/capture/auth the total charged (surcharge included);
 *                  refund the amount refunded; void the amount voided",
 *       "date": "YYYYMMDDHHMMSS in UTC",
 *       "response_code": "100 approved, 2xx declined, 3xx gateway error",
 *       "response_text": "the gateway's message, e.g. \"DECLINE\"",
 *       "processor_response_code": "the processor's own code (optional)"
 *     }
 *   }
 * }
 *
 * Mapping: sale|capture success -> succeeded, auth success -> processing (authorised, awaiting
 * capture, as Stripe's requires_capture), sale|auth|capture failure -> failed (failure: code =
 * response_code, declineCode = processor_response_code, message = response_text), void success
 * -> canceled, refund success -> kind 'refund' on Refunded (status succeeded, refund = this
 * refund, amountKept null: see the module comment); refund|void failure -> ignored
 * 'reversal_failed'; *.unknown -> ignored 'unknown_outcome'; other types -> 'unhandled_event_type'.
 *
 * Re-read (the shell's default, as for Stripe): with `currentTransaction` (the transaction the
 * shell read from the gateway, `gateway360EventTransactionId` / `currentGatewayTransaction`) the
 * body is only a pointer: the record is the gateway's own (`transactionRecord`), a refund event
 * or a transaction with money refunded is reported on Refunded with the refund TOTAL and what is
 * kept (status `refunded` when nothing is), like Stripe's. The signature scheme carries a nonce,
 * not a time, so no replay window can be checked: this is what makes a replayed event harmless.
 */
export interface Gateway360EventLike {
	event_id: string;
	event_type: string;
	event_body: Record<string, unknown>;
}

export function parseGateway360Event(
	raw: RawBody | null | undefined,
): ParsedEvent<Gateway360EventLike> {
	const body = parseJsonBody(raw);
	if (!body.ok) return body;
	const value = body.value;
	if (
		!isObject(value) ||
		typeof value.event_id !== 'string' ||
		value.event_id === '' ||
		typeof value.event_type !== 'string' ||
		!isObject(value.event_body)
	) {
		return { ok: false, reason: 'not_an_event' };
	}
	return { ok: true, event: value as unknown as Gateway360EventLike };
}

const GATEWAY_TYPE = /^transaction\.(sale|auth|capture|void|refund)\.(success|failure|unknown)$/;

const text = (value: unknown): string | null =>
	typeof value === 'string' && value.trim() !== '' ? value.trim() : null;

function gatewayDate(value: unknown): string | null {
	const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text(value) ?? '');
	if (!match) return null;
	const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
	const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
	// Date.UTC rolls 20261340 over into another month: such a date is not the gateway's.
	return date.getUTCMonth() === month - 1 &&
		date.getUTCDate() === day &&
		hour < 24 &&
		minute < 60 &&
		second < 60
		? date.toISOString()
		: null;
}

/** What the event type decides before any transaction is looked at; null: read on. */
function gatewayTypeVerdict(
	event: Gateway360EventLike,
): { ignored: IgnoredReason } | { action: string; outcome: string } {
	const match = GATEWAY_TYPE.exec(event.event_type);
	if (!match) return { ignored: 'unhandled_event_type' };
	const [, action, outcome] = match;
	if (outcome === 'unknown') return { ignored: 'unknown_outcome' };
	const reversal = action === 'void' || action === 'refund';
	if (reversal && outcome === 'failure') return { ignored: 'reversal_failed' };
	return { action, outcome };
}

/**
 * The gateway transaction the shell should read for "Re-read payment"; null when the event is
 * ignored whatever the transaction says, or names none (the normaliser then says why).
 */
export function gateway360EventTransactionId(event: Gateway360EventLike): string | null {
	if ('ignored' in gatewayTypeVerdict(event)) return null;
	return text(event.event_body.transaction_id);
}

/**
 * The event's transaction as the gateway has it now (query.php); null when the gateway has no
 * such transaction (or the id cannot be one): the event will never be processed, so the shell
 * acknowledges it as 'payment_not_found'. Failures to ask the gateway are thrown (answer 500).
 */
export async function currentGatewayTransaction(
	transport: Gateway360Transport,
	transactionId: string,
): Promise<GatewayTransaction | null> {
	const read = await settled(getTransaction(transport, transactionId, 'event_body.transaction_id'));
	if (read.ok) return read.value;
	// getTransaction's bad input is "no such transaction" (or an id that cannot be one).
	if (isCoreInputError(read.error)) return null;
	throw read.error;
}

export function normaliseGateway360Event(
	event: Gateway360EventLike,
	options: {
		livemode?: boolean;
		defaultCurrency?: string;
		currentTransaction?: GatewayTransaction | null;
	} = {},
): NormalisedWebhook {
	const verdict = gatewayTypeVerdict(event);
	if ('ignored' in verdict) return ignore(verdict.ignored);
	const { action, outcome } = verdict;
	const reversal = action === 'void' || action === 'refund';
	if (options.currentTransaction) {
		return gatewayEventFromTransaction(event, options.currentTransaction, {
			refundEvent: action === 'refund',
			livemode: options.livemode ?? true,
		});
	}

	const body = event.event_body;
	const invoiceId = text(body.order_id);
	if (!invoiceId) return ignore('no_invoice');
	const transactionId = text(body.transaction_id);
	if (!transactionId) {
		throw new CoreInputError(
			'event_body.transaction_id',
			'360 Payments event has no transaction id',
		);
	}
	const details = isObject(body.action) ? body.action : {};
	const currency = text(body.currency) ?? options.defaultCurrency ?? 'usd';
	const totalMinor = parseAmount(details.amount, currency, 'event_body.action.amount');
	// A refund or void moves the whole action amount; the surcharge split describes a charge.
	const feeMinor =
		reversal || text(body.surcharge) === null
			? 0
			: parseAmount(body.surcharge, currency, 'event_body.surcharge');
	if (feeMinor > totalMinor) {
		throw new CoreInputError(
			'event_body.surcharge',
			'The surcharge is more than the amount charged',
		);
	}

	const kind = action === 'refund' ? 'refund' : 'payment';
	let status: PaymentStatus;
	if (outcome === 'failure') status = 'failed';
	else if (action === 'void') status = 'canceled';
	// The event names this refund only, not whether the payment kept anything.
	else if (kind === 'refund') status = 'succeeded';
	else status = action === 'auth' ? 'processing' : 'succeeded';

	const card = isObject(body.card) ? body.card : null;
	const last4 = text(card?.cc_number)?.slice(-4) ?? null;
	const brand = text(card?.cc_type);
	const method =
		card && (brand || last4)
			? { id: null, label: paymentMethodLabel({ type: 'card', card: { brand, last4 } }) }
			: null;
	const livemode = options.livemode ?? true;
	const record = buildPaymentRecord({
		provider: 'gateway360',
		invoiceId,
		currency,
		amountMinor: totalMinor - feeMinor,
		feeMinor,
		status,
		paymentId: transactionId,
		booksCustomerId: text(body.customerid),
		providerCustomerId: text(body.customer_vault_id),
		paymentMethod: method,
		failure:
			status === 'failed'
				? {
						code: text(details.response_code),
						declineCode: text(details.processor_response_code),
						message: text(details.response_text) ?? 'The payment failed',
					}
				: null,
		refund: kind === 'refund' ? { refundedMinor: totalMinor, keptMinor: null } : null,
		livemode,
	});
	const paymentEvent: InvoicePaymentEvent = {
		...record,
		kind,
		eventId: event.event_id,
		eventType: event.event_type,
		statusFamily: kind === 'refund' ? 'refunded' : (status as PaymentStatusFamily),
		occurredAt: gatewayDate(details.date),
		paymentMethodId: null,
		checkoutSessionId: null,
		invoiceIds: [invoiceId],
		currency: record.total.currency,
		paymentAmount: record.total,
	};
	// Partial refunds of one payment may follow one another: each is its own state.
	const stateKey =
		kind === 'refund'
			? `gateway360:${transactionId}:refund:${event.event_id}`
			: `gateway360:${transactionId}:${status}:`;
	return { events: [paymentEvent], ignored: null, stateKey };
}

/**
 * A 360 event told by the gateway's transaction as it is now ("Re-read payment"): the event only
 * says which transaction changed. Status, amounts, invoice (the order ID) and customer come from
 * the gateway, and a refund reports the payment's refund total and what it keeps, as Stripe's
 * refunds do. So a late or replayed event (a captured one sent again after a restart, or to
 * another worker whose memory never saw it) reports the present state, which the books already
 * hold: their record by payment id and status takes it as nothing new.
 * stateKey: `gateway360:<transaction>:<status>:`, or `gateway360:<transaction>:refund:<minor
 * refunded in all>` (each new refund total is a new state; the same total told again is not).
 */
function gatewayEventFromTransaction(
	event: Gateway360EventLike,
	transaction: GatewayTransaction,
	options: { refundEvent: boolean; livemode: boolean },
): NormalisedWebhook {
	const eventTransactionId = text(event.event_body.transaction_id);
	if (transaction.transactionId !== eventTransactionId) {
		throw new CoreInputError(
			'currentTransaction',
			`The re-read transaction ${transaction.transactionId} is not the event's transaction ${String(eventTransactionId)}`,
		);
	}
	const summary = summarizeTransaction(transaction);
	// A credit or a card check pays no invoice; nor does a sale without an order ID.
	if (summary.kind !== 'payment' || !transaction.orderId) return ignore('no_invoice');
	const record = transactionRecord(transaction);
	const isRefund = options.refundEvent || summary.refundedMinor > 0;
	const family = isRefund ? 'refunded' : statusFamily(record.status);
	if (family === null) return ignore('payment_pending');
	const details = isObject(event.event_body.action) ? event.event_body.action : {};
	const paymentEvent: InvoicePaymentEvent = {
		...record,
		// A refund event always says what went back, even when the gateway shows nothing (any more).
		refund: isRefund ? (record.refund ?? { amountRefunded: money(0, record.total.currency), amountKept: record.total }) : null,
		livemode: options.livemode,
		kind: isRefund ? 'refund' : 'payment',
		eventId: event.event_id,
		eventType: event.event_type,
		statusFamily: family,
		occurredAt: gatewayDate(details.date),
		paymentMethodId: null,
		checkoutSessionId: null,
		invoiceIds: [record.invoiceId],
		currency: record.total.currency,
		paymentAmount: record.total,
	};
	const state = isRefund ? `refund:${summary.refundedMinor}` : `${record.status}:`;
	return { events: [paymentEvent], ignored: null, stateKey: `gateway360:${transaction.transactionId}:${state}` };
}

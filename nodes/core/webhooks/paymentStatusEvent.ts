import type { MoneyValue } from '../money/money';
import type { PaymentRecord, PaymentStatus } from '../payments/paymentRecord';
import type { PaymentMethodChangedEvent } from './paymentMethodChange';
import type { RawBody } from './stripeSignature';

/**
 * The payment-status event: what every provider's webhook normaliser (stripeEvent.ts,
 * gateway360Event.ts) turns a delivery into, and the trigger's outputs. Each normaliser builds
 * its records with its provider's one record builder (Stripe: `stripePaymentRecords`; 360
 * Payments: `transactionRecord`, or the signed body alone) and adds where the event came from
 * here (`invoicePaymentEvent`). The delivery around it (verify, parse, deduplicate, re-read,
 * answer) is delivery.ts.
 *
 * API:
 *   parseJsonBody(raw) -> { ok: true, value } | { ok: false, reason: 'empty' | 'invalid_json' }
 *   ParsedEvent<T>: what a provider's parser returns,
 *     { ok: true, event } | { ok: false, reason: 'empty' | 'invalid_json' | 'not_an_event' }
 *   invoicePaymentEvent(record, source, payment) -> one item
 *   ignore(reason) -> NormalisedWebhook with nothing emitted
 *   statusFamily(status), eventsByOutput(events), STATUS_FAMILY_OUTPUTS;
 *   types PaymentStatusEvent = InvoicePaymentEvent | PaymentMethodAddedEvent (the same keys,
 *   nulls where moot), NormalisedWebhook, IgnoredReason.
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
 *            docs/money-safety.md) | 'method_told_by_setup_intent' (a Checkout session in setup
 *            mode names its SetupIntent by ID only: that SetupIntent's own event tells the method
 *            saved). Decided by the delivery around the normaliser, in the same
 *            vocabulary: 'livemode_mismatch' | 'event_not_selected' (`stripeEventRefusal`, before
 *            anything is read or remembered) and 'payment_not_found' (the re-read found no such
 *            payment: Stripe's 404 resource_missing, or a gateway without the transaction).
 *            A change of automatic payment method (paymentMethodChange.ts) is not emitted for:
 *            'automatic_method_unchanged' (customer.updated, the default payment method not among
 *            what changed) | 'no_automatic_method' (the customer has none now) |
 *            'not_automatic_method' (a method attached or saved that is not the customer's
 *            automatic one: the event that makes it so tells the change) |
 *            'automatic_method_unknown' (the event alone does not say and "Re-read payment" is
 *            off) | 'not_mapped' (the Stripe customer names no books customer) |
 *            'customer_not_found' (the re-read found no such customer, or a deleted one).
 *   methodChange  (optional) the change of automatic payment method the event tells (its one
 *            `payment_method_changed` item) and its state (`methodChangeStateKey`), deduplicated
 *            apart from `stateKey`: one event may tell both a method added and the change.
 *            With it, `events` may be [] and `ignored` null.
 *   stateKey identifies the payment state reached, e.g. `stripe:pi_1:succeeded:`; the delivery
 *            passes it to a second deduplicator so that the state is emitted once even when
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
 *   'payment_method_changed' the customer's automatic method is a new one: on its own output
 *                           after these six (paymentMethodChange.ts), never on a status output
 *   'refund'                money of a succeeded payment went back: emitted on Refunded, both
 *                           providers, never on Succeeded (where a "payment confirmation"
 *                           would follow) nor Canceled (nothing was canceled). The record's
 *                           `refund` is always filled: { amountRefunded, amountKept } of that
 *                           invoice's total. Status `refunded` when nothing of the invoice is
 *                           kept, else `succeeded` (a partial refund). Each provider's module
 *                           says how it knows (Stripe: the charge; 360: the transaction).
 */

export type PaymentStatusFamily =
	| 'succeeded'
	| 'failed'
	| 'processing'
	| 'requires_action'
	| 'canceled'
	| 'refunded'
	/**
	 * a customer disputed the payment (Stripe's dispute, the gateway's chargeback): on the
	 * trigger's Disputed output (paymentMethodChange.ts), and read by the reconciliation
	 */
	| 'disputed';

/** The trigger's outputs, in order. */
export const STATUS_FAMILY_OUTPUTS: ReadonlyArray<{ family: PaymentStatusFamily; name: string }> = [
	{ family: 'succeeded', name: 'Succeeded' },
	{ family: 'failed', name: 'Failed' },
	{ family: 'processing', name: 'Processing' },
	{ family: 'requires_action', name: 'Requires Action' },
	{ family: 'canceled', name: 'Canceled' },
	{ family: 'refunded', name: 'Refunded' },
];

export type PaymentEventKind = 'payment' | 'refund' | 'dispute' | 'payment_method_added';

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
	| 'automatic_method_unchanged'
	| 'no_automatic_method'
	| 'not_automatic_method'
	| 'automatic_method_unknown'
	| 'not_mapped'
	| 'customer_not_found'
	| 'dispute_payment_unknown'
	| 'method_told_by_setup_intent'
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
	kind: 'payment' | 'refund' | 'dispute';
	/** every invoice of the payment, this one included */
	invoiceIds: string[];
	currency: string;
	/** the whole payment (all invoices together) */
	paymentAmount: MoneyValue;
	/** kind 'dispute' only: what the customer disputed, and what the books keep of it */
	dispute?: DisputeRecord;
}

/**
 * A dispute (Stripe) or chargeback (360 Payments) of a payment, as both paths keep it: the books
 * have no dispute status, so it is kept apart on its invoice as a payment mismatch
 * (`keepPaymentMismatch`) under the dispute's own id: `mismatchRecord` with `reasons`. The
 * invoice is flagged and the ops team told once per dispute status. The one owner of that rule:
 * the payment-status workflow (Disputed output) and the reconciliation send `mismatchRecord` and
 * `reasons` as they are.
 */
export interface DisputeRecord {
	/** the provider's dispute id (Stripe `dp_…`; 360: `chargeback:<transaction>:<date>`) */
	id: string;
	status: string;
	reason: string | null;
	amount: MoneyValue;
	closed: boolean;
	/** the dispute's money while open (pending), given back (succeeded) or kept by the customer (failed) */
	recordStatus: PaymentStatus;
	reasons: Array<{ code: string; message: string }>;
	/** the record the books keep: the invoice's payment record under the dispute's id and status */
	mismatchRecord: PaymentRecord & Partial<EventHeader>;
}

/** @deprecated the same record for both providers: DisputeRecord */
export type StripeDisputeRecord = DisputeRecord;

/**
 * A payment's items (one per invoice, from the provider's record builder) told as a dispute:
 * kind 'dispute', family 'disputed', `dispute` filled (DisputeRecord: what it is and what the
 * books keep). The one builder of dispute items, for Stripe's disputes and 360's chargebacks.
 */
export function disputeItems(
	records: InvoicePaymentEvent[],
	dispute: Omit<DisputeRecord, 'mismatchRecord'>,
): InvoicePaymentEvent[] {
	return records.map(
		(item): InvoicePaymentEvent => ({
			...item,
			kind: 'dispute',
			statusFamily: 'disputed',
			dispute: {
				...dispute,
				// the item as it is (every key a payment record has, and where it came from)
				mismatchRecord: { ...item, paymentId: dispute.id, status: dispute.recordStatus },
			},
		}),
	);
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
	/** the change of automatic payment method the event tells, with its state; absent: none */
	methodChange?: { event: PaymentMethodChangedEvent; stateKey: string } | null;
}

/** Nothing emitted, and why. */
export const ignore = (reason: IgnoredReason): NormalisedWebhook => ({
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

/** Where an item's event came from, and what it is on the trigger's outputs. */
export type EventSource = EventHeader & { kind: InvoicePaymentEvent['kind'] };

/**
 * One item of a payment: the invoice's record (from the provider's record builder) with where
 * the event came from, every invoice of the payment and the whole payment's amount.
 */
export function invoicePaymentEvent(
	record: PaymentRecord,
	source: EventSource,
	payment: { invoiceIds: string[]; amount: MoneyValue },
): InvoicePaymentEvent {
	return {
		...record,
		...source,
		invoiceIds: payment.invoiceIds,
		currency: payment.amount.currency,
		paymentAmount: payment.amount,
	};
}

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

export const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

export type ParsedEvent<T> =
	| { ok: true; event: T }
	| { ok: false; reason: 'empty' | 'invalid_json' | 'not_an_event' };

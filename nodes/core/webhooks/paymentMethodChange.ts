import type { PaymentRecord } from '../payments/paymentRecord';
import type { PaymentStatusEvent } from './paymentStatusEvent';
import { eventsByOutput, STATUS_FAMILY_OUTPUTS } from './paymentStatusEvent';

/**
 * "The customer's automatic payment method changed": the one record kind every provider event
 * that may mean it is normalised to (Stripe's in stripeEvent.ts), on the trigger's own output,
 * after the six payment-status outputs, so workflows wired to those keep their connections and
 * their records are unchanged. A workflow answers it by retrying the customer's failed invoices
 * on the new method at once (workflows/payment-status.json, docs/workflows.md).
 *
 * What it says: `paymentMethodId` IS the customer's automatic method (Stripe: the customer's
 * `invoice_settings.default_payment_method`, as the Auto-Pay Scan reads it) when the event was
 * handled, read again from Stripe ("Re-read payment") unless the event alone says it
 * (customer.updated). An event about a method that is not (yet) the automatic one tells no
 * change: the event that makes it automatic does.
 *
 * Deduplicated by `methodChangeStateKey`: the several events of one change (customer.updated,
 * payment_method.attached, setup_intent.succeeded) start one execution.
 */
export interface PaymentMethodChangedEvent {
	provider: 'stripe';
	kind: 'payment_method_changed';
	eventId: string;
	eventType: string;
	/** ISO 8601 (UTC) time Stripe gives for the event */
	occurredAt: string;
	livemode: boolean;
	/** the Stripe customer */
	stripeCustomerId: string;
	/** the books customer named in the Stripe customer's metadata (never null: else ignored) */
	booksCustomerId: string;
	/** the customer's automatic payment method now */
	paymentMethodId: string;
	/** its id and label (e.g. `Visa •••• 4242`); the label is the id when Stripe gave no details */
	paymentMethod: NonNullable<PaymentRecord['paymentMethod']>;
	/** the automatic method before, when the event says it (customer.updated), else null */
	previousPaymentMethodId: string | null;
	/** the SetupIntent that saved the method, when the event is about one */
	setupIntentId: string | null;
}

/** Everything the trigger emits. */
export type TriggerEvent = PaymentStatusEvent | PaymentMethodChangedEvent;

export const PAYMENT_METHOD_CHANGED_OUTPUT = 'Payment Method Changed';

/**
 * A payment disputed (Stripe's charge.dispute.*, 360 Payments' chargebacks): kind 'dispute',
 * family 'disputed' (`disputeItems`), last, so workflows wired to the outputs before it keep
 * their connections.
 */
export const DISPUTED_OUTPUT = 'Disputed';

/**
 * The trigger's outputs, in order: the payment-status families, then Payment Method Changed,
 * then Disputed.
 */
export const TRIGGER_OUTPUT_NAMES: readonly string[] = [
	...STATUS_FAMILY_OUTPUTS.map((output) => output.name),
	PAYMENT_METHOD_CHANGED_OUTPUT,
	DISPUTED_OUTPUT,
];

export function isPaymentMethodChange(event: TriggerEvent): event is PaymentMethodChangedEvent {
	return event.kind === 'payment_method_changed';
}

/** One state per customer and automatic method, whichever event reports it. */
export function methodChangeStateKey(
	provider: 'stripe',
	stripeCustomerId: string,
	paymentMethodId: string,
): string {
	return `${provider}:${stripeCustomerId}:automatic_method:${paymentMethodId}`;
}

/** Items per trigger output, in TRIGGER_OUTPUT_NAMES order (what the trigger's webhook() returns). */
export function triggerEventsByOutput(events: TriggerEvent[]): TriggerEvent[][] {
	const statuses = events.filter(
		(event): event is PaymentStatusEvent => !isPaymentMethodChange(event),
	);
	return [
		...eventsByOutput(statuses),
		events.filter(isPaymentMethodChange),
		statuses.filter((event) => event.statusFamily === 'disputed'),
	];
}

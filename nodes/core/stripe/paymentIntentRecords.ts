import type Stripe from 'stripe';

import { BOOKS_CUSTOMER_METADATA_KEY, decodeInvoiceMetadata } from '../payments/invoiceMetadata';
import type { InvoiceLine } from '../payments/invoiceMetadata';
import { buildPaymentRecord, paymentStatusFromStripe } from '../payments/paymentRecord';
import type { PaymentFailure, PaymentRecord, PaymentStatus } from '../payments/paymentRecord';
import { paymentMethodLabel } from '../payments/paymentMethodLabel';
import type { PaymentMethodLike } from '../payments/paymentMethodLabel';
import { IDEMPOTENCY_METADATA_KEY } from './paymentGuards';
import type { RefundState } from './refundState';
import { refundStateOf } from './refundState';

/**
 * The one builder of a Stripe payment's records: what the charge path (payInvoices, Get, Cancel)
 * and the payment-status webhook hand the books for one PaymentIntent are the same records, field
 * for field (test/core/stripe/paymentIntentRecords.test.js feeds both paths the same
 * PaymentIntents). The books update a record by payment id, so a field the two paths told
 * differently would flip with every write. Decided once, here:
 *
 * - Action URL: where the customer must go, read from `next_action[next_action.type]` (a 3-D
 *   Secure redirect's `url`, a voucher's `hosted_voucher_url`, bank transfer instructions'
 *   `hosted_instructions_url`), and only while the payment `requires_action`: after that no page
 *   is the customer's to visit. The charge path once read `next_action.hosted_voucher_url`,
 *   which Stripe never sets, so vouchers and bank transfers lost their page.
 * - One invoice without an amount in the metadata (named by hand, or a fee with no amount): the
 *   whole payment is that invoice's amount, fee 0. The money that moved is the truth; a fee
 *   written without its amount is not one this package wrote, and keeping it would make the
 *   invoice's total more than the payment.
 * - Failure: a failed payment always says why (Stripe's code and decline code, and a message
 *   that is never empty); any other status has none, even when Stripe still shows an old
 *   attempt's error.
 * - Payment method: its label from the method when expanded, else from the charge's
 *   `payment_method_details` (what the card was), else its id; the id is always kept.
 * - Idempotency key: the key the payment was made with (this package writes it in the
 *   metadata), not the key of whichever request caused an event (a confirm, a refund).
 * - Refunds: once money went back from a payment, every invoice of it says what went back of its
 *   share, nothing included, so a combined payment's invoices are told alike by every path.
 */

/** A Stripe object given as its id, or expanded. */
export type Expandable<T> = string | (T & { id: string }) | null | undefined;

/** The parts of a PaymentIntent a record is made from. */
export interface StripePaymentIntentLike {
	id: string;
	object?: string;
	status: string;
	amount: number;
	currency: string;
	livemode?: boolean;
	customer?: Expandable<object>;
	metadata?: Record<string, string> | null;
	last_payment_error?: {
		code?: string | null;
		decline_code?: string | null;
		message?: string | null;
	} | null;
	next_action?: { type: string } | null;
	payment_method?: Expandable<PaymentMethodLike>;
	latest_charge?: Expandable<StripeChargeLike>;
}

/** The parts of a charge read here: its method and its refunds. */
export interface StripeChargeLike {
	id?: string;
	object?: string;
	amount?: number;
	amount_captured?: number;
	amount_refunded?: number;
	refunded?: boolean;
	currency?: string;
	customer?: Expandable<object>;
	metadata?: Record<string, string> | null;
	payment_intent?: Expandable<object>;
	payment_method?: string | null;
	payment_method_details?: PaymentMethodLike | null;
}

/**
 * A Stripe payment as the object at hand tells it: its PaymentIntent (the usual case), or, when
 * the PaymentIntent was not read, a refunded charge or a Checkout Session (webhook events).
 */
export interface StripePayment {
	status: PaymentStatus;
	paymentId: string | null;
	amountMinor: number;
	currency: string;
	/** where the invoices, the books customer and the idempotency key are written */
	metadata: Record<string, string> | null | undefined;
	customerId: string | null;
	livemode: boolean;
	/** failure, next action, method and charge are read from it when given */
	intent: StripePaymentIntentLike | null;
	/** the charge that tells the payment when its PaymentIntent was not read */
	charge: StripeChargeLike | null;
	/** the Checkout Session the payment was made on, when the object at hand says */
	checkoutSessionId: string | null;
	/** what went back; null when nothing can have (not succeeded) or it is not known */
	refund: RefundState | null;
	/** the failure's message when Stripe gives none */
	failureFallback: string;
}

export function idOf(value: Expandable<object>): string | null {
	if (typeof value === 'string') return value;
	const id = (value as { id?: unknown } | null | undefined)?.id;
	return typeof id === 'string' ? id : null;
}

/** What went back of one invoice's share (amount plus fee) of a payment. */
export interface InvoiceRefund {
	refundedMinor: number;
	keptMinor: number;
	/** nothing of this invoice's share is kept: its record is `refunded` */
	full: boolean;
}

/**
 * A payment's refunds split over its invoices, one entry per line in the same order. Stripe
 * refunds name no invoice, so what went back is applied to the invoices in the order the
 * payment lists them (its metadata order): the first invoice's share is refunded in full before
 * anything of the next one. Deterministic, and a refund of the first invoices' exact sum reopens
 * exactly those invoices. A fully refunded payment refunds every share, whatever the lines sum to.
 */
export function refundsByInvoice(lines: InvoiceLine[], state: RefundState): InvoiceRefund[] {
	let left = state.amountRefundedMinor;
	return lines.map((line) => {
		const share = line.amountMinor + line.feeMinor;
		const refundedMinor = state.full ? share : Math.min(share, Math.max(0, left));
		left -= refundedMinor;
		return { refundedMinor, keptMinor: share - refundedMinor, full: refundedMinor === share };
	});
}

/** The invoices a payment paid; one invoice without an amount is charged all of it, fee 0. */
function invoiceLines(payment: StripePayment, fallbackInvoiceId?: string): InvoiceLine[] {
	const lines = decodeInvoiceMetadata(payment.metadata);
	if (lines.length === 0 && fallbackInvoiceId) {
		return [{ invoiceId: fallbackInvoiceId, amountMinor: payment.amountMinor, feeMinor: 0 }];
	}
	if (lines.length === 1 && lines[0].amountMinor === 0) {
		return [{ invoiceId: lines[0].invoiceId, amountMinor: payment.amountMinor, feeMinor: 0 }];
	}
	return lines;
}

/** The page the customer must visit to finish, while the payment waits for them. */
function nextActionUrl(payment: StripePayment): string | null {
	const nextAction = payment.intent?.next_action as Record<string, unknown> | null | undefined;
	if (payment.status !== 'requires_action' || !nextAction) return null;
	const details = nextAction[nextAction.type as string] as Record<string, unknown> | null;
	if (typeof details !== 'object' || details === null) return null;
	for (const key of ['url', 'hosted_voucher_url', 'hosted_instructions_url']) {
		const url = details[key];
		if (typeof url === 'string' && url !== '') return url;
	}
	return null;
}

function failureOf(payment: StripePayment): PaymentFailure | null {
	if (payment.status !== 'failed') return null;
	const error = payment.intent?.last_payment_error;
	return {
		code: error?.code ?? null,
		declineCode: error?.decline_code ?? null,
		message: error?.message || payment.failureFallback,
	};
}

/**
 * The method a payment (or a saved method) used: labelled from the method when expanded, else
 * from the charge's `payment_method_details`, else by its id; null when Stripe names none.
 */
export function paymentMethodOf(
	method: Expandable<PaymentMethodLike>,
	charge?: string | StripeChargeLike | null,
): PaymentRecord['paymentMethod'] {
	const id = idOf(method);
	if (typeof method === 'object' && method !== null && typeof method.type === 'string') {
		return { id, label: paymentMethodLabel(method) };
	}
	const details =
		typeof charge === 'object' && charge !== null ? charge.payment_method_details : null;
	if (details && typeof details.type === 'string')
		return { id, label: paymentMethodLabel(details) };
	return id ? { id, label: id } : null;
}

/**
 * One record per invoice of a Stripe payment (see the module comment for what each field
 * says). `fallbackInvoiceId`: the invoice of a payment made without invoice metadata (none: no
 * records). `idempotencyKey`: the key to report when the metadata has none. `reportRefund`:
 * the records report a refund (a refund event), so each says what went back even when nothing
 * did (any more: a failed refund).
 */
export function stripePaymentRecords(
	payment: StripePayment,
	options: {
		fallbackInvoiceId?: string;
		idempotencyKey?: string | null;
		reportRefund?: boolean;
	} = {},
): PaymentRecord[] {
	const lines = invoiceLines(payment, options.fallbackInvoiceId);
	const state = payment.refund;
	const refunds =
		state && (state.amountRefundedMinor > 0 || options.reportRefund)
			? refundsByInvoice(lines, state)
			: null;
	const paymentMethod = paymentMethodOf(
		payment.intent?.payment_method ?? payment.charge?.payment_method,
		payment.intent?.latest_charge ?? payment.charge,
	);
	const failure = failureOf(payment);
	const url = nextActionUrl(payment);
	const idempotencyKey =
		payment.metadata?.[IDEMPOTENCY_METADATA_KEY] ?? options.idempotencyKey ?? null;
	return lines.map((line, index) =>
		buildPaymentRecord({
			provider: 'stripe',
			invoiceId: line.invoiceId,
			currency: payment.currency,
			amountMinor: line.amountMinor,
			feeMinor: line.feeMinor,
			status: refunds?.[index].full ? 'refunded' : payment.status,
			paymentId: payment.paymentId,
			combined: lines.length > 1,
			booksCustomerId: payment.metadata?.[BOOKS_CUSTOMER_METADATA_KEY] ?? null,
			providerCustomerId: payment.customerId,
			paymentMethod,
			idempotencyKey,
			failure,
			refund: refunds?.[index] ?? null,
			nextActionUrl: url,
			checkoutSessionId: payment.checkoutSessionId,
			livemode: payment.livemode,
		}),
	);
}

/** A PaymentIntent's own status in our vocabulary (an attempt's error makes it `failed`). */
export function intentStatus(intent: StripePaymentIntentLike): PaymentStatus {
	return paymentStatusFromStripe(intent.status, Boolean(intent.last_payment_error));
}

/** A PaymentIntent as the payment it tells, in `status` (its own, unless an event says otherwise). */
export function stripePaymentOfIntent(
	intent: StripePaymentIntentLike,
	status: PaymentStatus = intentStatus(intent),
): StripePayment {
	return {
		status,
		paymentId: intent.id,
		amountMinor: intent.amount,
		currency: intent.currency,
		metadata: intent.metadata,
		customerId: idOf(intent.customer),
		livemode: intent.livemode === true,
		intent,
		charge: null,
		checkoutSessionId: null,
		// Only money taken can go back; the refunds are on the expanded charge.
		refund:
			status === 'succeeded' ? refundStateOf(intent as unknown as Stripe.PaymentIntent) : null,
		failureFallback: 'The payment failed',
	};
}

/**
 * One payment record per invoice a PaymentIntent paid, read from the metadata this package
 * wrote on it. A PaymentIntent made elsewhere (no invoice metadata) yields one record for
 * `fallbackInvoiceId` when given, else none. With `latest_charge` expanded, each record says what
 * was refunded of its invoice (`refundsByInvoice`): `refunded` when all of it, `succeeded` with
 * `refund` filled when part of it; not expanded, `refund` is null (not known).
 */
export function paymentRecordsFromIntent(
	intent: Stripe.PaymentIntent,
	options: { fallbackInvoiceId?: string; idempotencyKey?: string | null } = {},
): PaymentRecord[] {
	// Stripe's PaymentIntent read through the parts a record is made from.
	return stripePaymentRecords(
		stripePaymentOfIntent(intent as unknown as StripePaymentIntentLike),
		options,
	);
}

import type Stripe from 'stripe';

import { decodeInvoiceMetadata } from '../invoiceMetadata';
import type { InvoiceLine } from '../invoiceMetadata';
import { buildPaymentRecord, paymentStatusFromStripe } from '../paymentRecord';
import type { PaymentRecord } from '../paymentRecord';
import { paymentMethodLabel } from '../paymentMethodLabel';
import type { PaymentMethodLike } from '../paymentMethodLabel';
import type { RefundState } from './refundState';
import { refundStateOf } from './refundState';

/** Metadata key holding the books customer id on our PaymentIntents and Checkout Sessions. */
export const BOOKS_CUSTOMER_METADATA_KEY = 'books_customer_id';

function idOf(value: string | { id: string } | null | undefined): string | null {
	if (!value) return null;
	return typeof value === 'string' ? value : value.id;
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
	let lines = decodeInvoiceMetadata(intent.metadata);
	if (lines.length === 0 && options.fallbackInvoiceId) {
		lines = [{ invoiceId: options.fallbackInvoiceId, amountMinor: intent.amount, feeMinor: 0 }];
	} else if (lines.length === 1 && lines[0].amountMinor === 0) {
		lines = [{ ...lines[0], amountMinor: intent.amount }];
	}
	const error = intent.last_payment_error;
	const status = paymentStatusFromStripe(intent.status, Boolean(error));
	const refundState = status === 'succeeded' ? refundStateOf(intent) : null;
	const refunds =
		refundState && refundState.amountRefundedMinor > 0
			? refundsByInvoice(lines, refundState)
			: null;
	const method =
		intent.payment_method && typeof intent.payment_method === 'object'
			? (intent.payment_method as unknown as PaymentMethodLike)
			: null;
	const methodId = idOf(intent.payment_method as string | { id: string } | null);
	const nextAction = intent.next_action;
	const nextActionUrl =
		status === 'requires_action'
			? (nextAction?.redirect_to_url?.url ??
				(nextAction as { hosted_voucher_url?: string } | null)?.hosted_voucher_url ??
				null)
			: null;
	return lines.map((line, index) =>
		buildPaymentRecord({
			provider: 'stripe',
			invoiceId: line.invoiceId,
			currency: intent.currency,
			amountMinor: line.amountMinor,
			feeMinor: line.feeMinor,
			status: refunds?.[index].full ? 'refunded' : status,
			paymentId: intent.id,
			combined: lines.length > 1,
			booksCustomerId: intent.metadata?.[BOOKS_CUSTOMER_METADATA_KEY] ?? null,
			providerCustomerId: idOf(intent.customer as string | { id: string } | null),
			paymentMethod: methodId
				? { id: methodId, label: method ? paymentMethodLabel(method) : methodId }
				: null,
			idempotencyKey: options.idempotencyKey ?? null,
			failure:
				status === 'failed' && error
					? {
							code: error.code ?? null,
							declineCode: error.decline_code ?? null,
							message: error.message ?? 'The payment failed',
						}
					: null,
			refund: refunds?.[index].refundedMinor ? refunds[index] : null,
			nextActionUrl,
			livemode: intent.livemode,
		}),
	);
}

import type Stripe from 'stripe';

import { decodeInvoiceMetadata } from '../invoiceMetadata';
import { buildPaymentRecord, paymentStatusFromStripe } from '../paymentRecord';
import type { PaymentRecord } from '../paymentRecord';
import { paymentMethodLabel } from '../paymentMethodLabel';
import type { PaymentMethodLike } from '../paymentMethodLabel';

/** Metadata key holding the books customer id on our PaymentIntents and Checkout Sessions. */
export const BOOKS_CUSTOMER_METADATA_KEY = 'books_customer_id';

function idOf(value: string | { id: string } | null | undefined): string | null {
	if (!value) return null;
	return typeof value === 'string' ? value : value.id;
}

/**
 * One payment record per invoice a PaymentIntent paid, read from the metadata this package
 * wrote on it. A PaymentIntent made elsewhere (no invoice metadata) yields one record for
 * `fallbackInvoiceId` when given, else none.
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
	return lines.map((line) =>
		buildPaymentRecord({
			provider: 'stripe',
			invoiceId: line.invoiceId,
			currency: intent.currency,
			amountMinor: line.amountMinor,
			feeMinor: line.feeMinor,
			status,
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
			nextActionUrl,
			livemode: intent.livemode,
		}),
	);
}

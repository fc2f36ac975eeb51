import type Stripe from 'stripe';

import { CoreInputError } from '../errors';
import { feeBreakdown, formatFeePercent } from '../fee';
import type { FeeBreakdown } from '../fee';
import { decodeInvoiceMetadata, encodeInvoiceMetadata } from '../invoiceMetadata';
import { assertChargeable, formatAmount } from '../money';
import { buildPaymentRecord } from '../paymentRecord';
import type { PaymentRecord } from '../paymentRecord';
import { paymentMethodLabel } from '../paymentMethodLabel';
import type { PaymentMethodLike } from '../paymentMethodLabel';
import { StripeApiError, StripeConnectionError } from './errors';
import { assertAllowedType, requireAttachedMethod } from './paymentMethods';
import { StripeReadCache } from './readCache';
import { BOOKS_CUSTOMER_METADATA_KEY, paymentRecordsFromIntent } from './paymentIntentRecords';
import {
	IDEMPOTENCY_METADATA_KEY,
	findBlockingPayment,
	findByIdempotencyKey,
	recentPaymentIntents,
} from './paymentGuards';
import type { BlockingPayment, GuardReason } from './paymentGuards';
import type { StripeTransport } from './transport';

export interface InvoiceToPay {
	invoiceId: string;
	amountMinor: number;
	/** the invoice's open balance in the books, when known: full payments only by default */
	balanceMinor?: number;
}

export type HowToPay =
	| { kind: 'automatic' }
	| { kind: 'savedMethod'; paymentMethodId: string }
	| { kind: 'payLink' };

export interface PaymentRequest {
	invoices: InvoiceToPay[];
	currency: string;
	stripeCustomerId: string;
	booksCustomerId: string | null;
	feeRate: number;
	how: HowToPay;
	/** types the chosen method may have (imported types for auto-pay, allowed manual types otherwise) */
	allowedPaymentMethodTypes: string[];
	idempotencyKey: string;
	purpose: string;
	description?: string;
	/** Stripe's own receipt goes here when set ("Use Stripe receipt emails") */
	receiptEmail?: string | null;
	allowPartialPayment?: boolean;
	/** where Checkout sends the customer after a pay link or an authentication page */
	checkoutUrls?: { successUrl?: string; cancelUrl?: string };
	/** how far back the pending/paid guard looks, in days */
	guardLookbackDays?: number;
	nowSeconds: number;
}

export interface PaymentOutcome {
	records: Array<PaymentRecord & { guard?: { reason: GuardReason; message: string } }>;
	/** true when nothing new was sent to be charged: an existing payment was reported */
	existingPayment: boolean;
}

const DEFAULT_GUARD_LOOKBACK_DAYS = 45;

/** Checks the request's amounts before anything is sent; throws CoreInputError naming the field. */
export function validatePaymentRequest(request: PaymentRequest): FeeBreakdown {
	if (request.invoices.length === 0) {
		throw new CoreInputError('invoiceId', 'At least one invoice is needed');
	}
	const seen = new Set<string>();
	for (const invoice of request.invoices) {
		if (!invoice.invoiceId) throw new CoreInputError('invoiceId', 'An invoice ID is required');
		if (seen.has(invoice.invoiceId)) {
			throw new CoreInputError(
				'invoiceId',
				`Invoice ${invoice.invoiceId} appears twice in one payment`,
			);
		}
		seen.add(invoice.invoiceId);
		if (invoice.amountMinor <= 0) {
			throw new CoreInputError(
				'amount',
				`Amount ${formatAmount(invoice.amountMinor, request.currency)} for invoice ${invoice.invoiceId} must be more than zero`,
			);
		}
		if (
			invoice.balanceMinor !== undefined &&
			!request.allowPartialPayment &&
			invoice.amountMinor !== invoice.balanceMinor
		) {
			throw new CoreInputError(
				'amount',
				`Amount ${formatAmount(invoice.amountMinor, request.currency)} for invoice ${invoice.invoiceId} is not its balance ${formatAmount(invoice.balanceMinor, request.currency)}: only full payments are allowed`,
			);
		}
		if (invoice.balanceMinor !== undefined && invoice.amountMinor > invoice.balanceMinor) {
			throw new CoreInputError(
				'amount',
				`Amount ${formatAmount(invoice.amountMinor, request.currency)} for invoice ${invoice.invoiceId} is more than its balance ${formatAmount(invoice.balanceMinor, request.currency)}`,
			);
		}
	}
	const breakdown = feeBreakdown(request.invoices, request.feeRate, request.currency);
	assertChargeable(breakdown.totalMinor, request.currency, 'amount');
	return breakdown;
}

/** The pending records of an open pay link, one per invoice its metadata names. */
function openPayLinkRecords(session: Stripe.Checkout.Session): PaymentRecord[] {
	const customer = session.customer;
	return decodeInvoiceMetadata(session.metadata).map((line) =>
		buildPaymentRecord({
			provider: 'stripe',
			invoiceId: line.invoiceId,
			currency: session.currency ?? '',
			amountMinor: line.amountMinor,
			feeMinor: line.feeMinor,
			status: 'pending',
			booksCustomerId: session.metadata?.[BOOKS_CUSTOMER_METADATA_KEY] ?? null,
			providerCustomerId: typeof customer === 'string' ? customer : (customer?.id ?? null),
			nextActionUrl: session.url,
			checkoutSessionId: session.id,
			livemode: session.livemode,
		}),
	);
}

/** The payment (or open pay link) that already covers every invoice asked for, reported as it is. */
function guardRecords(blocking: BlockingPayment): PaymentOutcome {
	const { reason, invoiceIds, what } = blocking;
	const existing = blocking.intent
		? paymentRecordsFromIntent(blocking.intent, { fallbackInvoiceId: invoiceIds[0] })
		: openPayLinkRecords(blocking.session);
	const records = existing
		.filter((record) => invoiceIds.includes(record.invoiceId))
		.map((record) => ({
			...record,
			guard: { reason, message: `Invoice ${record.invoiceId} ${what}; nothing new was charged` },
		}));
	return { records, existingPayment: true };
}

async function resolvePaymentMethod(
	transport: StripeTransport,
	reads: StripeReadCache,
	request: PaymentRequest,
): Promise<Stripe.PaymentMethod> {
	if (request.how.kind === 'savedMethod') {
		return await requireAttachedMethod(
			transport,
			request.how.paymentMethodId,
			request.stripeCustomerId,
			request.allowedPaymentMethodTypes,
		);
	}
	const customer = await reads.customer(request.stripeCustomerId);
	const method =
		(customer.invoice_settings?.default_payment_method as Stripe.PaymentMethod | null) ?? null;
	if (!method) {
		throw new CoreInputError(
			'paymentMethod',
			`Customer ${request.stripeCustomerId} has no automatic payment method (No automatic payment setup)`,
		);
	}
	assertAllowedType(method, request.allowedPaymentMethodTypes, 'paymentMethod');
	return method;
}

function baseMetadata(request: PaymentRequest, breakdown: FeeBreakdown): Record<string, string> {
	return encodeInvoiceMetadata(
		breakdown.lines.map(({ invoiceId, amountMinor, feeMinor }) => ({
			invoiceId,
			amountMinor,
			feeMinor,
		})),
		{
			...(request.booksCustomerId
				? { [BOOKS_CUSTOMER_METADATA_KEY]: request.booksCustomerId }
				: {}),
			purpose: request.purpose,
			fee_percent: formatFeePercent(request.feeRate),
			[IDEMPOTENCY_METADATA_KEY]: request.idempotencyKey,
		},
	);
}

function describe(request: PaymentRequest): string {
	if (request.description) return request.description;
	const ids = request.invoices.map((invoice) => invoice.invoiceId);
	return ids.length === 1 ? `Invoice ${ids[0]}` : `Invoices ${ids.join(', ')}`.slice(0, 1000);
}

/** Pay links of one request expired on one day before it gives up (each expiry is someone's act). */
const MAX_EXPIRED_PAY_LINKS_FOLLOWED = 10;

async function createPayLink(
	transport: StripeTransport,
	request: PaymentRequest,
	breakdown: FeeBreakdown,
	metadata: Record<string, string>,
	idempotencyKey: string,
	paymentMethodTypes: string[],
): Promise<Stripe.Checkout.Session> {
	const urls = {
		...(request.checkoutUrls?.successUrl ? { success_url: request.checkoutUrls.successUrl } : {}),
		...(request.checkoutUrls?.cancelUrl ? { cancel_url: request.checkoutUrls.cancelUrl } : {}),
	};
	const lineItems = breakdown.lines.flatMap((line) => {
		const items: Stripe.Checkout.SessionCreateParams.LineItem[] = [
			{
				price_data: {
					currency: breakdown.currency,
					unit_amount: line.amountMinor,
					product_data: { name: `Invoice ${line.invoiceId}` },
				},
				quantity: 1,
			},
		];
		if (line.feeMinor > 0) {
			items.push({
				price_data: {
					currency: breakdown.currency,
					unit_amount: line.feeMinor,
					product_data: {
						name: `Processing fee ${formatFeePercent(breakdown.feeRate)} (invoice ${line.invoiceId})`,
					},
				},
				quantity: 1,
			});
		}
		return items;
	});
	const params: Stripe.Checkout.SessionCreateParams = {
		mode: 'payment',
		customer: request.stripeCustomerId,
		line_items: lineItems,
		metadata,
		payment_intent_data: {
			metadata,
			description: describe(request),
			...(request.receiptEmail ? { receipt_email: request.receiptEmail } : {}),
		},
		allowed_payment_method_types:
			paymentMethodTypes as Stripe.Checkout.SessionCreateParams.AllowedPaymentMethodType[],
		...urls,
	};
	// Stripe replays a key's first answer for 24 hours, as the page was then: a link expired since
	// (in the Dashboard, or early) would be handed out again, dead. A replayed page is read afresh;
	// an expired one is followed by a page made with a key derived from it, which a retry of this
	// same request then gets too.
	let key = idempotencyKey;
	for (let followed = 0; followed < MAX_EXPIRED_PAY_LINKS_FOLLOWED; followed++) {
		const created = await transport.requestWithReplay<Stripe.Checkout.Session>(
			'POST',
			'/v1/checkout/sessions',
			{ idempotencyKey: key, params },
		);
		if (!created.replayed) return created.value;
		const current = await transport.request<Stripe.Checkout.Session>(
			'GET',
			`/v1/checkout/sessions/${created.value.id}`,
		);
		if (current.status !== 'expired') return current;
		key = `${idempotencyKey}-after-${current.id}`;
	}
	throw new CoreInputError(
		'invoiceId',
		`${MAX_EXPIRED_PAY_LINKS_FOLLOWED} pay links for ${describe(request)} expired today; make the next one tomorrow`,
	);
}

function payLinkRecords(
	request: PaymentRequest,
	breakdown: FeeBreakdown,
	session: Stripe.Checkout.Session,
	failure: PaymentRecord['failure'],
): PaymentOutcome {
	const records = breakdown.lines.map((line) =>
		buildPaymentRecord({
			provider: 'stripe',
			invoiceId: line.invoiceId,
			currency: breakdown.currency,
			amountMinor: line.amountMinor,
			feeMinor: line.feeMinor,
			status: failure ? 'requires_action' : 'pending',
			paymentId: null,
			combined: false,
			booksCustomerId: request.booksCustomerId,
			providerCustomerId: request.stripeCustomerId,
			idempotencyKey: request.idempotencyKey,
			failure,
			nextActionUrl: session.url,
			checkoutSessionId: session.id,
			livemode: session.livemode,
		}),
	);
	return { records, existingPayment: false };
}

/**
 * Pays one or several invoices of one customer in ONE PaymentIntent (or sends a pay link),
 * after the guards: valid amounts, no succeeded / processing / action-required payment and no
 * open pay link (Checkout Session) for any of the invoices (read consistently), an allowed
 * payment method attached to the customer.
 * Declines and authentication requests are payment records, not errors. When the answer to the
 * charge is lost (connection dropped, 5xx after commit), the customer's payments are read back
 * to find the one made with this idempotency key, so no payment goes unrecorded.
 */
export async function payInvoices(
	transport: StripeTransport,
	request: PaymentRequest,
	reads: StripeReadCache = new StripeReadCache(transport),
): Promise<PaymentOutcome> {
	const breakdown = validatePaymentRequest(request);
	const invoiceIds = request.invoices.map((invoice) => invoice.invoiceId);
	const lookback = (request.guardLookbackDays ?? DEFAULT_GUARD_LOOKBACK_DAYS) * 86_400;
	const [recent, openLinks] = await Promise.all([
		reads.recentIntents(request.stripeCustomerId, request.nowSeconds - lookback),
		reads.openPayLinks(request.stripeCustomerId),
	]);
	// A session made with this request's own key is this request's earlier answer (its pay link,
	// or the authentication page of its declined charge): the same key replays it, nothing new.
	const otherLinks = openLinks.filter(
		(session) => session.metadata?.[IDEMPOTENCY_METADATA_KEY] !== request.idempotencyKey,
	);
	const blocking = findBlockingPayment(recent, invoiceIds, otherLinks);
	if (blocking) {
		if (blocking.invoiceIds.length === invoiceIds.length) return guardRecords(blocking);
		throw new CoreInputError(
			'invoiceId',
			`Invoice ${blocking.invoiceIds.join(', ')} ${blocking.what}; pay the other invoices without it`,
		);
	}

	const metadata = baseMetadata(request, breakdown);
	if (request.how.kind === 'payLink') {
		const session = await createPayLink(
			transport,
			request,
			breakdown,
			metadata,
			request.idempotencyKey,
			request.allowedPaymentMethodTypes,
		);
		return payLinkRecords(request, breakdown, session, null);
	}

	const method = await resolvePaymentMethod(transport, reads, request);
	const label = paymentMethodLabel(method as unknown as PaymentMethodLike);
	const params: Stripe.PaymentIntentCreateParams = {
		amount: breakdown.totalMinor,
		currency: breakdown.currency,
		customer: request.stripeCustomerId,
		payment_method: method.id,
		confirm: true,
		off_session: true,
		description: describe(request),
		metadata,
		...(request.receiptEmail ? { receipt_email: request.receiptEmail } : {}),
	};
	const created = await transport
		.request<Stripe.PaymentIntent>('POST', '/v1/payment_intents', {
			params,
			idempotencyKey: request.idempotencyKey,
		})
		.then(
			(intent) => ({ intent, error: undefined }),
			(error: unknown) => ({ intent: undefined, error }),
		);
	let intent = created.intent;
	const { error } = created;
	if (error instanceof StripeApiError && error.type === 'card_error' && error.paymentIntent) {
		if (error.code === 'authentication_required') {
			// Off-session the bank wants the customer present: hand them a page to complete it.
			const session = await createPayLink(
				transport,
				request,
				breakdown,
				metadata,
				`${request.idempotencyKey}-sca`,
				request.allowedPaymentMethodTypes,
			);
			return payLinkRecords(request, breakdown, session, {
				code: error.code,
				declineCode: error.declineCode ?? null,
				message: error.message,
			});
		}
		intent = error.paymentIntent as Stripe.PaymentIntent;
	} else if (
		error instanceof StripeConnectionError ||
		(error instanceof StripeApiError && error.statusCode >= 500)
	) {
		// The charge may have been made even though its answer was lost: look for it, afresh.
		const again = await recentPaymentIntents(
			transport,
			request.stripeCustomerId,
			request.nowSeconds - lookback,
		);
		intent = findByIdempotencyKey(again, request.idempotencyKey);
		if (!intent) throw error;
	} else if (error !== undefined) {
		throw error;
	}
	if (!intent) throw new Error('Stripe answered the payment with nothing');
	const records = paymentRecordsFromIntent(intent, { idempotencyKey: request.idempotencyKey }).map(
		(record) => ({ ...record, paymentMethod: { id: method.id, label } }),
	);
	return { records, existingPayment: false };
}

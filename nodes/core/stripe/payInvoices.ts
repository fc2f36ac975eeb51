import type Stripe from 'stripe';

import {
	BOOKS_CUSTOMER_METADATA_KEY,
	decodeInvoiceMetadata,
	encodeInvoiceMetadata,
} from '../payments/invoiceMetadata';
import { CoreInputError, PaymentRefusedError, settled } from '../errors';
import { formatFeePercent } from '../money/fee';
import type { FeeBreakdown } from '../money/fee';
import { assertInvoiceAmount, chargeableBreakdown } from '../payments/paymentInput';
import { buildPaymentRecord } from '../payments/paymentRecord';
import type { PaymentRecord } from '../payments/paymentRecord';
import { paymentMethodLabel } from '../payments/paymentMethodLabel';
import type { PaymentMethodLike } from '../payments/paymentMethodLabel';
import { StripeApiError } from './errors';
import { cancelClaim, claimInvoices } from './invoiceClaims';
import type { ClaimKind, ClaimRequest } from './invoiceClaims';
import { assertAllowedType, requireAttachedMethod } from './paymentMethods';
import { StripeReadCache } from './readCache';
import { paymentRecordsFromIntent } from './paymentIntentRecords';
import {
	CONVERTED_CLAIM_REASON,
	IDEMPOTENCY_METADATA_KEY,
	PAY_LINK_CLAIM_METADATA_KEY,
	claimReadWindows,
	findBlockingPayment,
	isOpenClaim,
} from './paymentGuards';
import type { BlockingPayment, GuardReason } from './paymentGuards';
import type { StripeTransport } from './transport';

export interface InvoiceToPay {
	invoiceId: string;
	amountMinor: number;
	/** the invoice's open balance in the books, when known: full payments only by default */
	balanceMinor?: number;
}

/** What a page made for a decline only the customer can resolve says, when Stripe said nothing. */
export const AUTHENTICATION_NEEDED = 'The bank asks the customer to authenticate this payment';

export type HowToPay =
	/**
	 * the customer's automatic method; `method` when the caller listed it moments ago (the Auto-Pay
	 * Scan's decision): charged as handed, the customer not read again
	 */
	| { kind: 'automatic'; method?: ChargedMethod }
	| { kind: 'savedMethod'; paymentMethodId: string }
	/**
	 * a page the customer pays on; `failure` when it answers a decline only they can resolve (the
	 * record is then requires_action with that failure, as the page of a declined charge is)
	 */
	| { kind: 'payLink'; failure?: PaymentRecord['failure'] };

/** The method a charge is made on, with the label its records show. */
export interface ChargedMethod {
	id: string;
	label: string;
}

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
		assertInvoiceAmount(invoice, request.currency, request.allowPartialPayment === true);
	}
	const breakdown = chargeableBreakdown(
		request.invoices,
		request.feeRate,
		request.currency,
		'amount',
	);
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

/**
 * What already holds the invoices asked for. When it holds all of them, its records, as they
 * are; when it holds only some of a combined payment, the whole payment is refused (its other
 * invoices stay payable; nothing was charged for them); a payment made through 360 Payments is
 * refused too, naming it.
 */
function blockedOutcome(blocking: BlockingPayment, invoiceIds: string[]): PaymentOutcome {
	const { reason, what } = blocking;
	if (blocking.invoiceIds.length !== invoiceIds.length) {
		throw new PaymentRefusedError(
			`Invoice ${blocking.invoiceIds.join(', ')} ${what}; pay the other invoices without it`,
		);
	}
	// A claim turned into a payment elsewhere (360 Payments) holds them: Stripe has no record of
	// that payment to report, and the books get it from the path that took it.
	if (blocking.intent?.status === 'canceled') {
		throw new PaymentRefusedError(
			`Invoice ${blocking.invoiceIds.join(', ')} ${what}; nothing was charged`,
		);
	}
	const existing = blocking.intent
		? paymentRecordsFromIntent(blocking.intent, { fallbackInvoiceId: blocking.invoiceIds[0] })
		: openPayLinkRecords(blocking.session);
	const records = existing
		.filter((record) => blocking.invoiceIds.includes(record.invoiceId))
		.map((record) => ({
			...record,
			guard: { reason, message: `Invoice ${record.invoiceId} ${what}; nothing new was charged` },
		}));
	return { records, existingPayment: true };
}

/**
 * Another request's claim still held the invoices after waiting (or every request of the same
 * moment gave way): nothing was charged and nothing is to be recorded (that claim records itself
 * if it wins), so the request is refused, naming the claim; the daily run reports it as not
 * charged and the next run pays the invoice if no one did.
 */
function refuseWhileClaimed(breakdown: FeeBreakdown, rival: Stripe.PaymentIntent | null): never {
	const ids = breakdown.lines.map((line) => line.invoiceId).join(', ');
	const what = rival
		? `is being paid by another request at this moment (claim ${rival.id})`
		: 'was being paid by other requests at the same moment, and all of them gave way';
	throw new PaymentRefusedError(
		`Invoice ${ids} ${what}; nothing was charged: try again in a few minutes`,
	);
}

function claimRequest(
	reads: StripeReadCache,
	request: PaymentRequest,
	kind: ClaimKind,
	params: Stripe.PaymentIntentCreateParams,
	idempotencyKey: string,
): ClaimRequest {
	return {
		kind,
		customerId: request.stripeCustomerId,
		invoiceIds: request.invoices.map((invoice) => invoice.invoiceId),
		params,
		idempotencyKey,
		...claimReadWindows(request.nowSeconds, request.guardLookbackDays),
		ownKey: request.idempotencyKey,
		reads,
	};
}

async function resolvePaymentMethod(
	transport: StripeTransport,
	reads: StripeReadCache,
	request: PaymentRequest,
): Promise<ChargedMethod> {
	const { how } = request;
	if (how.kind === 'automatic' && how.method) return how.method;
	let method: Stripe.PaymentMethod | null;
	if (how.kind === 'savedMethod') {
		method = await requireAttachedMethod(
			transport,
			how.paymentMethodId,
			request.stripeCustomerId,
			request.allowedPaymentMethodTypes,
		);
	} else {
		const customer = await reads.customer(request.stripeCustomerId);
		method =
			(customer.invoice_settings?.default_payment_method as Stripe.PaymentMethod | null) ?? null;
		if (!method) {
			throw new CoreInputError(
				'paymentMethod',
				`Customer ${request.stripeCustomerId} has no automatic payment method (No automatic payment setup)`,
			);
		}
		assertAllowedType(method, request.allowedPaymentMethodTypes, 'paymentMethod');
	}
	return { id: method.id, label: paymentMethodLabel(method as unknown as PaymentMethodLike) };
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

function checkoutSessionParams(
	request: PaymentRequest,
	breakdown: FeeBreakdown,
	metadata: Record<string, string>,
	claimId: string,
): Stripe.Checkout.SessionCreateParams {
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
	return {
		mode: 'payment',
		customer: request.stripeCustomerId,
		line_items: lineItems,
		metadata: { ...metadata, [PAY_LINK_CLAIM_METADATA_KEY]: claimId },
		payment_intent_data: {
			metadata,
			description: describe(request),
			...(request.receiptEmail ? { receipt_email: request.receiptEmail } : {}),
		},
		allowed_payment_method_types:
			request.allowedPaymentMethodTypes as Stripe.Checkout.SessionCreateParams.AllowedPaymentMethodType[],
		...urls,
	};
}

/**
 * A pay link (Checkout Session) for the invoices, made only for a claim that won, and handed out
 * only once that claim is turned into it: the claim is canceled as converted, atomic at Stripe,
 * so a racer that canceled it first wins, and this page, which no one has seen, is expired.
 * Stripe replays a key's first answer for 24 hours, as the page was then: a link expired since
 * (in the Dashboard, or early) would be handed out again, dead. A replayed page is read afresh;
 * an expired one no longer holds the invoices, so the next page is claimed anew, with keys
 * derived from it, which a retry of this same request then gets too.
 */
async function payByLink(
	transport: StripeTransport,
	reads: StripeReadCache,
	request: PaymentRequest,
	breakdown: FeeBreakdown,
	metadata: Record<string, string>,
	idempotencyKey: string,
	failure: PaymentRecord['failure'],
	triedMethod: ChargedMethod | null = null,
): Promise<PaymentOutcome> {
	const invoiceIds = breakdown.lines.map((line) => line.invoiceId);
	const claimParams: Stripe.PaymentIntentCreateParams = {
		amount: breakdown.totalMinor,
		currency: breakdown.currency,
		customer: request.stripeCustomerId,
		description: describe(request),
		metadata,
	};
	let key = idempotencyKey;
	let attempt = 0;
	for (let followed = 0; followed < MAX_EXPIRED_PAY_LINKS_FOLLOWED; ) {
		const claim = await claimInvoices(
			transport,
			claimRequest(reads, request, 'pay_link', claimParams, `${key}-link`),
			attempt,
		);
		if (claim.kind === 'blocked') return blockedOutcome(claim.blocking, invoiceIds);
		if (claim.kind === 'busy') refuseWhileClaimed(breakdown, claim.rival);
		if (claim.kind === 'settled') return intentOutcome(claim.claim, request, null);
		const params = checkoutSessionParams(request, breakdown, metadata, claim.claim.id);
		const created = await transport.requestWithReplay<Stripe.Checkout.Session>(
			'POST',
			'/v1/checkout/sessions',
			{ idempotencyKey: `${claim.key}-page`, params },
		);
		let session = created.value;
		if (created.replayed) {
			session = await transport.request<Stripe.Checkout.Session>(
				'GET',
				`/v1/checkout/sessions/${session.id}`,
			);
		}
		if (session.status === 'expired') {
			key = `${idempotencyKey}-after-${session.id}`;
			attempt = 0;
			followed++;
			continue;
		}
		if (claim.converted) return payLinkRecords(request, breakdown, session, failure, triedMethod);
		const { canceledHere } = await cancelClaim(
			transport,
			claim.claim,
			CONVERTED_CLAIM_REASON,
			`${claim.key}-convert`,
		);
		if (canceledHere) return payLinkRecords(request, breakdown, session, failure, triedMethod);
		// A racer canceled the claim first and won: this page must never be paid.
		await expirePayLink(transport, session, `${claim.key}-expire`);
		attempt = claim.attempt + 1;
	}
	throw new CoreInputError(
		'invoiceId',
		`${MAX_EXPIRED_PAY_LINKS_FOLLOWED} pay links for ${describe(request)} expired today; make the next one tomorrow`,
	);
}

async function expirePayLink(
	transport: StripeTransport,
	session: Stripe.Checkout.Session,
	idempotencyKey: string,
): Promise<void> {
	const expired = await settled(
		transport.request('POST', `/v1/checkout/sessions/${session.id}/expire`, { idempotencyKey }),
	);
	if (expired.ok) return;
	// Only an open page can be expired: one already expired is what was wanted.
	const current = await transport.request<Stripe.Checkout.Session>(
		'GET',
		`/v1/checkout/sessions/${session.id}`,
	);
	if (current.status !== 'expired') throw expired.error;
}

function payLinkRecords(
	request: PaymentRequest,
	breakdown: FeeBreakdown,
	session: Stripe.Checkout.Session,
	failure: PaymentRecord['failure'],
	triedMethod: ChargedMethod | null,
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
			// the automatic method the bank asked to confirm: the customer's email names it
			paymentMethod: triedMethod,
			nextActionUrl: session.url,
			checkoutSessionId: session.id,
			livemode: session.livemode,
		}),
	);
	return { records, existingPayment: false };
}

/** One record per invoice of a PaymentIntent as it stands, with the method used. */
function intentOutcome(
	intent: Stripe.PaymentIntent,
	request: PaymentRequest,
	method: ChargedMethod | null,
): PaymentOutcome {
	const records = paymentRecordsFromIntent(intent, { idempotencyKey: request.idempotencyKey }).map(
		(record) => (method ? { ...record, paymentMethod: method } : record),
	);
	return { records, existingPayment: false };
}

type Confirmation = { intent: Stripe.PaymentIntent } | { lost: true };

/**
 * Confirms a claim that won, off-session: the one step that takes money. A decline answers 402
 * with the PaymentIntent, kept as the outcome. A claim a racer canceled first cannot be
 * confirmed (Stripe answers 400): the request lost and claims again. When the answer is lost,
 * the PaymentIntent is read to learn what the confirm did.
 */
async function confirmClaim(
	transport: StripeTransport,
	claim: Stripe.PaymentIntent,
	key: string,
): Promise<Confirmation> {
	const confirmed = await settled(
		transport.request<Stripe.PaymentIntent>('POST', `/v1/payment_intents/${claim.id}/confirm`, {
			params: { off_session: true },
			idempotencyKey: `${key}-confirm`,
		}),
	);
	if (confirmed.ok) return { intent: confirmed.value };
	const { error } = confirmed;
	if (error instanceof StripeApiError && error.type === 'card_error' && error.paymentIntent) {
		return { intent: error.paymentIntent as Stripe.PaymentIntent };
	}
	const answerLost = !(error instanceof StripeApiError) || error.statusCode >= 500;
	const refused =
		error instanceof StripeApiError &&
		error.statusCode === 400 &&
		error.type !== 'idempotency_error';
	if (!answerLost && !refused) throw error;
	// Refused (a racer canceled the claim first) or the answer lost (the charge may have been
	// made): what the claim is now says which.
	const current = await readIntent(transport, claim.id);
	if (current.status === 'canceled') return { lost: true };
	if (refused || isOpenClaim(current)) throw error;
	return { intent: current };
}

function readIntent(transport: StripeTransport, id: string): Promise<Stripe.PaymentIntent> {
	return transport.request<Stripe.PaymentIntent>('GET', `/v1/payment_intents/${id}`, {
		params: { expand: ['latest_charge'] },
	});
}

/**
 * Pays one or several invoices of one customer in ONE PaymentIntent (or sends a pay link), with
 * one charge per invoice whatever else runs at the same moment (invoiceClaims.ts): valid amounts,
 * then a first look through the execution's shared reads (a payment or open pay link already
 * there is reported, nothing claimed), then a claim, a consistent read of the customer's payments
 * and pay links, and the charge only if the claim won. Declines and authentication requests are
 * payment records, not errors. A re-run of the same request finds its own claim (the same
 * idempotency key) and reports or finishes it, so no payment goes unrecorded.
 */
export async function payInvoices(
	transport: StripeTransport,
	request: PaymentRequest,
	reads: StripeReadCache = new StripeReadCache(transport),
): Promise<PaymentOutcome> {
	const breakdown = validatePaymentRequest(request);
	const invoiceIds = request.invoices.map((invoice) => invoice.invoiceId);
	const { intents: recent, payLinks: openLinks } = await reads.firstLook(
		request.stripeCustomerId,
		claimReadWindows(request.nowSeconds, request.guardLookbackDays),
	);
	// A session made with this request's own key is this request's earlier answer (its pay link,
	// or the authentication page of its declined charge): the same key replays it, nothing new.
	const otherLinks = openLinks.filter(
		(session) => session.metadata?.[IDEMPOTENCY_METADATA_KEY] !== request.idempotencyKey,
	);
	const blocking = findBlockingPayment(recent, invoiceIds, otherLinks);
	if (blocking) return blockedOutcome(blocking, invoiceIds);

	const metadata = baseMetadata(request, breakdown);
	if (request.how.kind === 'payLink') {
		return await payByLink(
			transport,
			reads,
			request,
			breakdown,
			metadata,
			request.idempotencyKey,
			request.how.failure ?? null,
		);
	}

	const method = await resolvePaymentMethod(transport, reads, request);
	const params: Stripe.PaymentIntentCreateParams = {
		amount: breakdown.totalMinor,
		currency: breakdown.currency,
		customer: request.stripeCustomerId,
		payment_method: method.id,
		description: describe(request),
		metadata,
		...(request.receiptEmail ? { receipt_email: request.receiptEmail } : {}),
	};
	const charge = claimRequest(reads, request, 'charge', params, request.idempotencyKey);
	let attempt = 0;
	for (;;) {
		const claim = await claimInvoices(transport, charge, attempt);
		if (claim.kind === 'blocked') return blockedOutcome(claim.blocking, invoiceIds);
		if (claim.kind === 'busy') refuseWhileClaimed(breakdown, claim.rival);
		let intent: Stripe.PaymentIntent;
		if (claim.kind === 'settled') {
			intent = claim.claim;
		} else {
			const confirmation = await confirmClaim(transport, claim.claim, claim.key);
			if ('lost' in confirmation) {
				attempt = claim.attempt + 1;
				continue;
			}
			intent = confirmation.intent;
		}
		const error = intent.last_payment_error;
		if (intent.status === 'requires_payment_method' && error?.code === 'authentication_required') {
			// Off-session the bank wants the customer present: hand them a page to complete it.
			return await payByLink(
				transport,
				reads,
				request,
				breakdown,
				metadata,
				`${request.idempotencyKey}-sca`,
				{
					code: error.code,
					declineCode: error.decline_code ?? null,
					message: error.message ?? AUTHENTICATION_NEEDED,
				},
				method,
			);
		}
		return intentOutcome(intent, request, method);
	}
}

import type Stripe from 'stripe';

import {
	BOOKS_CUSTOMER_METADATA_KEY,
	decodeInvoiceMetadata,
	encodeInvoiceMetadata,
} from '../payments/invoiceMetadata';
import { CoreInputError } from '../errors';
import { operationIdempotencyKey } from '../payments/idempotency';
import { assertChargeable, formatAmount } from '../money/money';
import { buildPaymentRecord } from '../payments/paymentRecord';
import type { PaymentRecord } from '../payments/paymentRecord';
import { cancelClaim, claimInvoices } from '../stripe/invoiceClaims';
import type { ClaimRequest, ClaimResult } from '../stripe/invoiceClaims';
import { paymentRecordsFromIntent } from '../stripe/paymentIntentRecords';
import {
	CLAIM_KEY_METADATA_KEY,
	CLAIM_METADATA_KEY,
	CONVERTED_CLAIM_REASON,
	IDEMPOTENCY_METADATA_KEY,
	LOST_CLAIM_REASON,
	claimReadWindows,
} from '../stripe/paymentGuards';
import type { BlockingPayment } from '../stripe/paymentGuards';
import { StripeReadCache } from '../stripe/readCache';
import type { PaymentsRead, ReadWindows } from '../stripe/readCache';
import type { StripeTransport } from '../stripe/transport';
import {
	chargeRecordBase,
	conflictingSaleError,
	declinedOutcome,
	existingOutcome,
	holdingMoney,
	judgeEarlierSales,
	orderTransactions,
	paymentFields,
	validateChargeRequest,
} from './charge';
import type { ChargeOutcome, ChargeRequest, ExpectedSale } from './charge';
import { Gateway360ApiError } from './errors';
import {
	SALE_FIELDS,
	gatewayRefusal,
	merchantFieldName,
	summarizeTransaction,
	transactionRecord,
} from './transactions';
import type { GatewayTransaction } from './transactions';
import type { Gateway360Transport } from './transport';

/**
 * Charge Token while Stripe is also connected: one charge per invoice across both providers
 * (docs/360-payments.md, "Charge Token while Stripe is also connected").
 *
 * Stripe's paths (auto-pay, Pay Invoice, pay links, Pay Invoices Together) take an invoice only
 * through a claim that wins (invoiceClaims.ts). Charge Token joins that protocol with a claim of
 * its own kind, `gateway360`, and moves money at the gateway only as far as its claim allows:
 *  1. claim the invoice in Stripe: blocked or busy, nothing is done at the gateway;
 *  2. won: AUTHORISE the card at the gateway (a hold, no money taken); declined, the claim is
 *     given up as lost;
 *  3. approved: turn the claim into the gateway's charge (cancel it as converted: the
 *     compare-and-set at Stripe, as a pay link is handed out). Turned here, CAPTURE the hold
 *     (the money). Canceled first by a racer (which is charging on Stripe), VOID the hold;
 *  4. the turned claim holds the invoice for every Stripe path from then on (paymentGuards.ts).
 * Money moves only in step 3's capture, only after the claim was turned, and a claim is turned
 * or confirmed by one request at most: the argument of docs/money-safety.md holds unchanged.
 *
 * Killed between steps, a re-run of the same request (the same token: the same key) finds its
 * claim (the claim's idempotency key is the request's) and its hold (merchant-defined field 3
 * carries the key), and finishes: captures the hold if the claim was turned, voids it if the
 * claim was lost, or goes on from where it stopped.
 */

/** What the Stripe side of a charge needs: the account and the execution's shared reads. */
export interface StripeSide {
	transport: StripeTransport;
	reads: StripeReadCache;
	/** how far back the customer's Stripe payments are read, in days (the Stripe node's default) */
	guardLookbackDays?: number;
	nowSeconds: number;
}

export interface ClaimedChargeOutcome extends ChargeOutcome {
	/** the Stripe claim turned into this charge (it holds the invoice on the Stripe side), or null */
	claimId: string | null;
}

/** Claims of one request: the protocol's three attempts (invoiceClaims.ts). */
const CLAIM_ATTEMPTS = 3;

/**
 * The request's idempotency key: the same charge of the same token is the same request. A
 * payment token is single-use, so a new card entry is a new request, and a re-run of the same
 * execution (the same token) finds what the first run did.
 */
export function gateway360ChargeKey(request: ChargeRequest): string {
	return operationIdempotencyKey(
		'gateway360-charge',
		request.invoiceId,
		request.customerId,
		request.amountMinor + request.feeMinor,
		request.currency,
		request.paymentToken,
	);
}

/**
 * Charge Token's checks, plus what the claim needs: Stripe must be able to hold the total
 * exactly (its minimum, eight digits, the currency's steps) and the invoice ID must fit in
 * Stripe's metadata. Bad input fails here, before the first request.
 */
export function validateClaimedCharge(input: ChargeRequest): ChargeRequest {
	const request = validateChargeRequest(input);
	const { amountMinor, feeMinor, currency } = request;
	assertChargeable(
		amountMinor + feeMinor,
		currency,
		'amount',
		feeMinor > 0
			? `${formatAmount(amountMinor, currency)} plus the processing fee of ${formatAmount(feeMinor, currency)}`
			: undefined,
	);
	encodeInvoiceMetadata([{ invoiceId: request.invoiceId, amountMinor, feeMinor }]);
	return request;
}

/** One charge: its request, its key and what an earlier sale must be to be this payment. */
interface ChargeContext {
	gateway: Gateway360Transport;
	stripe: StripeSide;
	request: ChargeRequest;
	key: string;
	expected: ExpectedSale;
	recorded: ReadonlySet<string>;
}

/** A charge with its claim in Stripe. */
interface Charge extends ChargeContext {
	claim: ClaimRequest;
}

/** What the order holds at the gateway, as this request sees it. */
interface OrderState {
	/** this request's own transaction (its hold, or its captured payment), the latest one */
	own: GatewayTransaction | undefined;
	/** what the other payments of the order say (another request's hold does not count) */
	verdict: ReturnType<typeof judgeEarlierSales>;
	/** holds of other requests: taken while their claims held the invoice, not captured yet */
	otherHolds: GatewayTransaction[];
}

/** Money taken by it: a sale, or an authorisation since captured. */
const isCaptured = (transaction: GatewayTransaction) =>
	transaction.actions[0]?.actionType !== 'auth' ||
	transaction.actions.some((action) => action.actionType === 'capture' && action.success);

/** An authorisation approved, not captured, not voided: a hold on the card, no money taken. */
function isLiveHold(transaction: GatewayTransaction): boolean {
	return !isCaptured(transaction) && summarizeTransaction(transaction).status === 'processing';
}

async function readOrder(charge: ChargeContext): Promise<OrderState> {
	const { request, key } = charge;
	const transactions = await orderTransactions(charge.gateway, request.invoiceId, request.currency);
	const own = transactions.filter((transaction) => transaction.chargeKey === key).at(-1);
	const others = holdingMoney(transactions).filter((sale) => sale !== own);
	// Another request's hold is taken only if its claim in Stripe wins: the claims decide
	// between the two, not the gateway.
	const otherHolds = others.filter((sale) => sale.chargeKey !== null && !isCaptured(sale));
	const payments = others.filter((sale) => !otherHolds.includes(sale));
	return {
		own,
		verdict: judgeEarlierSales(payments, charge.expected, charge.recorded),
		otherHolds,
	};
}

/**
 * Charge Token claiming the invoice in Stripe first. `stripeCustomerId`: the Stripe customer the
 * books customer is mapped to (CustomerMappingLookup.requireCustomer, as the Stripe node finds
 * it), whose payments the Stripe paths read.
 */
export async function chargeTokenClaimingStripe(
	gateway: Gateway360Transport,
	stripe: StripeSide,
	input: ChargeRequest,
	stripeCustomerId: string,
): Promise<ClaimedChargeOutcome> {
	const request = validateClaimedCharge(input);
	const totalMinor = request.amountMinor + request.feeMinor;
	const context: ChargeContext = {
		gateway,
		stripe,
		request,
		key: gateway360ChargeKey(request),
		expected: { customerId: request.customerId, currency: request.currency, totalMinor },
		recorded: new Set(request.recordedPaymentIds),
	};

	const { own, verdict } = await readOrder(context);
	// This request's hold was captured by an earlier run: that payment, as it stands, is its answer.
	if (own && isCaptured(own))
		return { ...(await paidOutcome(context, own.transactionId)), claimId: null };
	const ownHold = own && isLiveHold(own) ? own.transactionId : null;
	if (verdict.kind === 'paid') {
		const voided = await releaseHold(context, ownHold);
		return { ...existingOutcome(verdict.sale, request, voided), claimId: null };
	}
	if (verdict.kind === 'conflict') {
		throw conflictingSaleError(request, verdict, await releaseHold(context, ownHold));
	}

	let charge: Charge = { ...context, claim: claimRequest(context, stripeCustomerId) };
	let claim = await claimForCharge(charge, 0);
	// A 360 claim turned into a payment whose money went back since (refunded in full, or its
	// hold voided before capture) still holds the invoice for Stripe's paths, but pays nothing:
	// this charge looks past it, with a claim of its own that then holds the invoice instead.
	const passed = new Set<string>();
	for (
		let blocker = turnedGateway360Claim(claim);
		blocker && !passed.has(blocker.id);
		blocker = turnedGateway360Claim(claim)
	) {
		if (!(await paysNothing(charge, blocker))) break;
		passed.add(blocker.id);
		charge = {
			...charge,
			claim: { ...charge.claim, reads: new ReadsPassing(stripe.transport, passed) },
		};
		claim = await claimForCharge(charge, 0);
	}
	switch (claim.kind) {
		case 'blocked':
			return await holderOutcome(charge, claim.blocking, await releaseHold(charge, ownHold));
		case 'busy':
			return refuseWhileClaimed(charge, claim.rival, await releaseHold(charge, ownHold));
		case 'settled':
			// Only its maker confirms a claim, and this maker never does.
			throw new Error(`Claim ${claim.claim.id} of a 360 Payments charge was confirmed in Stripe`);
		case 'won':
			return await chargeWon(charge, claim, own);
	}
}

function claimRequest(charge: ChargeContext, stripeCustomerId: string): ClaimRequest {
	const { request, stripe, key } = charge;
	const metadata = encodeInvoiceMetadata(
		[
			{
				invoiceId: request.invoiceId,
				amountMinor: request.amountMinor,
				feeMinor: request.feeMinor,
			},
		],
		{
			[BOOKS_CUSTOMER_METADATA_KEY]: request.customerId,
			purpose: 'gateway360',
			[IDEMPOTENCY_METADATA_KEY]: key,
		},
	);
	return {
		kind: 'gateway360',
		customerId: stripeCustomerId,
		invoiceIds: [request.invoiceId],
		// No payment method: this PaymentIntent is never confirmed, only canceled.
		params: {
			amount: request.amountMinor + request.feeMinor,
			currency: request.currency,
			customer: stripeCustomerId,
			description: `Invoice ${request.invoiceNumber}: claim of a 360 Payments charge`,
			metadata,
		},
		idempotencyKey: key,
		...claimReadWindows(stripe.nowSeconds, stripe.guardLookbackDays),
		ownKey: key,
		reads: stripe.reads,
	};
}

/** The 360 claim turned into a charge that holds the invoice, if that is what blocked the claim. */
function turnedGateway360Claim(result: ClaimResult): Stripe.PaymentIntent | undefined {
	const holder = result.kind === 'blocked' ? result.blocking.intent : undefined;
	return holder?.metadata?.[CLAIM_METADATA_KEY] === 'gateway360' && holder.status === 'canceled'
		? holder
		: undefined;
}

/**
 * Whether the gateway payment a turned 360 claim was made for holds no money (refunded in full,
 * voided): found by the claim's key, which that charge's hold carries in field 3.
 */
async function paysNothing(charge: ChargeContext, turned: Stripe.PaymentIntent): Promise<boolean> {
	const { request, gateway } = charge;
	const key = turned.metadata[IDEMPOTENCY_METADATA_KEY];
	const transactions = await orderTransactions(gateway, request.invoiceId, request.currency);
	const payment = transactions.filter((transaction) => transaction.chargeKey === key).at(-1);
	return payment !== undefined && !summarizeTransaction(payment).holdsMoney;
}

/** The execution's reads without the turned 360 claims a charge looks past. */
class ReadsPassing extends StripeReadCache {
	constructor(
		transport: StripeTransport,
		private readonly passed: ReadonlySet<string>,
	) {
		super(transport);
	}

	override async paymentsAfter(
		customerId: string,
		windows: ReadWindows,
		moment: number,
		fresh?: boolean,
	): Promise<PaymentsRead> {
		const read = await super.paymentsAfter(customerId, windows, moment, fresh);
		return { ...read, intents: read.intents.filter((intent) => !this.passed.has(intent.id)) };
	}
}

/** A claim of this request (made by an earlier attempt or run), if that is what holds the invoice. */
function ownClaimHolding(result: ClaimResult, key: string): Stripe.PaymentIntent | undefined {
	const holder =
		result.kind === 'blocked'
			? result.blocking.intent
			: result.kind === 'busy'
				? result.rival
				: null;
	const metadata = holder?.metadata;
	return metadata?.[CLAIM_METADATA_KEY] === 'gateway360' &&
		metadata[IDEMPOTENCY_METADATA_KEY] === key
		? (holder ?? undefined)
		: undefined;
}

/**
 * claimInvoices, resumed from this request's own claim when an earlier run left one (a later
 * attempt than the one replayed): that claim is this request, not a rival.
 */
async function claimForCharge(charge: Charge, firstAttempt: number): Promise<ClaimResult> {
	const { transport } = charge.stripe;
	let result = await claimInvoices(transport, charge.claim, firstAttempt);
	for (let attempt = firstAttempt + 1; attempt < CLAIM_ATTEMPTS; attempt++) {
		if (!ownClaimHolding(result, charge.key)) break;
		result = await claimInvoices(transport, charge.claim, attempt);
	}
	const own = ownClaimHolding(result, charge.key);
	if (own?.status === 'canceled' && own.cancellation_reason === CONVERTED_CLAIM_REASON) {
		const key = own.metadata[CLAIM_KEY_METADATA_KEY] ?? charge.key;
		return { kind: 'won', claim: own, key, converted: true, attempt: CLAIM_ATTEMPTS };
	}
	return result;
}

/** The claim won (or was turned by an earlier run): hold, turn, capture. */
async function chargeWon(
	charge: Charge,
	claim: Extract<ClaimResult, { kind: 'won' }>,
	own: GatewayTransaction | undefined,
): Promise<ClaimedChargeOutcome> {
	const { request, gateway, stripe } = charge;
	const claimId = claim.claim.id;
	const giveUp = async () => {
		if (!claim.converted) {
			await cancelClaim(stripe.transport, claim.claim, LOST_CLAIM_REASON, `${claim.key}-release`);
		}
	};
	let hold = own && isLiveHold(own) ? own.transactionId : null;
	if (own && !hold) {
		// This request's token was spent by an earlier run on a hold declined or released since.
		if (claim.converted) throw holdMissing(request, claimId);
		await giveUp();
		if (summarizeTransaction(own).status !== 'failed') throw spentToken(request, own.transactionId);
		return {
			record: transactionRecord(own),
			existingPayment: false,
			voidedTransactionId: null,
			claimId: null,
		};
	}
	if (!hold) {
		if (claim.converted) throw holdMissing(request, claimId);
		const answer = await gateway.transact({
			type: 'auth',
			...paymentFields(request),
			[merchantFieldName(SALE_FIELDS.chargeKey)]: charge.key,
		});
		if (answer.response === 2) {
			await giveUp();
			return { ...declinedOutcome(request, answer), claimId: null };
		}
		// Refused: the same token sent twice at once (a double click: the same request) is refused
		// the second time, and the first one's hold is this request's.
		const twin = answer.response === 1 ? null : (await readOrder(charge)).own;
		hold =
			answer.response === 1
				? answer.transactionId
				: twin && isLiveHold(twin)
					? twin.transactionId
					: null;
		if (!hold) {
			await giveUp();
			throw gatewayRefusal(answer, 'payment');
		}
	}
	if (!claim.converted) {
		const turned = await cancelClaim(
			stripe.transport,
			claim.claim,
			CONVERTED_CLAIM_REASON,
			`${claim.key}-convert`,
		);
		if (!turned.canceledHere) {
			// A racer canceled the claim first: it is taking the invoice on Stripe. Release the hold.
			await voidHold(charge, hold);
			return await racerOutcome(charge, claim, hold);
		}
	}
	return await capture(charge, claimId, hold);
}

/**
 * The hold captured: the money taken, once, for the invoice the claim holds. A capture refused
 * leaves the invoice held in Stripe as paid with no money taken: an error, so that the run
 * fails where a person sees it and its retry (the same token) captures the hold.
 */
async function capture(
	charge: Charge,
	claimId: string,
	hold: string,
): Promise<ClaimedChargeOutcome> {
	const { gateway, request } = charge;
	const answer = await gateway.transact({
		type: 'capture',
		transactionid: hold,
		amount: formatAmount(request.amountMinor + request.feeMinor, request.currency),
	});
	if (answer.response === 1) return { ...(await paidOutcome(charge, hold)), claimId };
	// Refused: a twin of this request (the same token) may have captured it a moment ago.
	const now = (await readOrder(charge)).own;
	if (now?.transactionId === hold && !isLiveHold(now) && summarizeTransaction(now).holdsMoney) {
		return { ...(await paidOutcome(charge, hold)), claimId };
	}
	throw new Gateway360ApiError({
		message: `The capture of hold ${hold} failed (${answer.responseText || 'no reason given'}); nothing was taken. Invoice ${request.invoiceNumber} stays held in Stripe as paid through 360 Payments (claim ${claimId}): retry this run to capture the hold; if the hold is gone, the customer pays again with a new card entry`,
		kind: 'capture_failed',
		responseCode: answer.responseCode || undefined,
		responseText: answer.responseText,
		transactionId: hold,
	});
}

/** This request's payment as the gateway now has it (a failed re-read keeps the capture's word). */
async function paidOutcome(charge: ChargeContext, transactionId: string): Promise<ChargeOutcome> {
	const { request, gateway } = charge;
	const transactions = await orderTransactions(gateway, request.invoiceId, request.currency).then(
		(read) => read,
		() => [],
	);
	const read = transactions.find((transaction) => transaction.transactionId === transactionId);
	const record: PaymentRecord = read
		? transactionRecord(read)
		: buildPaymentRecord({ ...chargeRecordBase(request, transactionId), status: 'succeeded' });
	return {
		record: { ...record, idempotencyKey: charge.key },
		existingPayment: false,
		voidedTransactionId: null,
	};
}

/** Voids this request's hold, if it has one; the ID of the hold released, or null. */
async function releaseHold(charge: ChargeContext, hold: string | null): Promise<string | null> {
	if (!hold) return null;
	await voidHold(charge, hold);
	return hold;
}

async function voidHold(charge: ChargeContext, hold: string): Promise<void> {
	const answer = await charge.gateway.transact({ type: 'void', transactionid: hold });
	if (answer.response === 1) return;
	// Voided already (a twin of this request, or an earlier run): what was wanted.
	const now = (await readOrder(charge)).own;
	if (now?.transactionId === hold && summarizeTransaction(now).status === 'canceled') return;
	throw new Gateway360ApiError({
		message: `Invoice ${charge.request.invoiceNumber} is held by another payment, and releasing this payment's hold ${hold} at the gateway failed: ${answer.responseText || 'no reason given'}. Nothing was taken by it: void ${hold} by hand (Transaction → Void) so the card's hold is released at once`,
		kind: 'gateway_error',
		responseCode: answer.responseCode || undefined,
		responseText: answer.responseText,
		transactionId: hold,
	});
}

/**
 * After a racer took the claim: what holds the invoice now (the protocol waits for that racer to
 * be decided). Should it have given way too, the invoice is free, but this request's token is
 * spent on the hold released: nothing is charged and the customer pays again.
 */
async function racerOutcome(
	charge: Charge,
	claim: Extract<ClaimResult, { kind: 'won' }>,
	voided: string,
): Promise<ClaimedChargeOutcome> {
	const next = await claimForCharge(charge, claim.attempt + 1);
	if (next.kind === 'blocked') return await holderOutcome(charge, next.blocking, voided);
	if (next.kind === 'busy') return refuseWhileClaimed(charge, next.rival, voided);
	if (next.kind === 'won' && !next.converted) {
		await cancelClaim(
			charge.stripe.transport,
			next.claim,
			LOST_CLAIM_REASON,
			`${next.key}-release`,
		);
	}
	throw new CoreInputError(
		'invoiceId',
		`Invoice ${charge.request.invoiceId} was being paid by another request at the same moment, which gave way later; this payment's hold ${voided} was released and nothing was charged: pay again`,
	);
}

/**
 * The invoice is held on the Stripe side: nothing was charged at the gateway, and the record is
 * the holder's (a Stripe payment, a pay link; for another 360 payment, its sale when the gateway
 * shows it).
 */
async function holderOutcome(
	charge: Charge,
	blocking: BlockingPayment,
	voided: string | null,
): Promise<ClaimedChargeOutcome> {
	const { request } = charge;
	const released = voided ? `; this payment's hold ${voided} was released` : '';
	const guard = {
		reason: blocking.reason,
		message: `Invoice ${request.invoiceId} ${blocking.what}; nothing was charged at 360 Payments${released}`,
	};
	if (blocking.intent?.metadata?.[CLAIM_METADATA_KEY] === 'gateway360') {
		// Another 360 payment of the invoice: its sale names it once captured; its hold means it
		// is being captured (or its capture failed and waits for a retry); no trace of it at all
		// is for a person to look at (see turnedWithoutPayment).
		const { verdict, otherHolds } = await readOrder(charge);
		if (verdict.kind === 'paid')
			return { ...existingOutcome(verdict.sale, request, voided), claimId: null };
		if (verdict.kind === 'conflict') throw conflictingSaleError(request, verdict, voided);
		if (otherHolds.length > 0) refuseWhileClaimed(charge, blocking.intent, voided);
		throw turnedWithoutPayment(request, blocking.intent.id);
	}
	return {
		record: { ...holderRecord(charge, blocking), guard },
		existingPayment: true,
		voidedTransactionId: voided,
		claimId: null,
	};
}

/** The record of the Stripe payment or pay link that holds the invoice, for this invoice. */
function holderRecord(charge: Charge, blocking: BlockingPayment): PaymentRecord {
	const { request } = charge;
	if (blocking.intent) {
		return paymentRecordsFromIntent(blocking.intent, {
			fallbackInvoiceId: request.invoiceId,
		}).filter((line) => line.invoiceId === request.invoiceId)[0];
	}
	const { session } = blocking;
	const line = decodeInvoiceMetadata(session.metadata).find(
		(entry) => entry.invoiceId === request.invoiceId,
	);
	const customer = session.customer;
	return buildPaymentRecord({
		provider: 'stripe',
		invoiceId: request.invoiceId,
		currency: session.currency ?? request.currency,
		amountMinor: line?.amountMinor ?? request.amountMinor,
		feeMinor: line?.feeMinor ?? request.feeMinor,
		status: 'pending',
		booksCustomerId: request.customerId,
		providerCustomerId: typeof customer === 'string' ? customer : (customer?.id ?? null),
		checkoutSessionId: session.id,
		nextActionUrl: session.status === 'open' ? session.url : null,
		livemode: session.livemode,
	});
}

/**
 * Another request's claim still held the invoice after waiting: nothing was charged, nothing is
 * to be recorded (that claim records itself if it wins), as the Stripe node refuses then.
 */
function refuseWhileClaimed(
	charge: Charge,
	rival: Stripe.PaymentIntent | null,
	voided: string | null,
): never {
	const what = rival
		? `is being paid by another request at this moment (claim ${rival.id})`
		: 'was being paid by other requests at the same moment, and all of them gave way';
	const released = voided ? `; this payment's hold ${voided} was released` : '';
	throw new CoreInputError(
		'invoiceId',
		`Invoice ${charge.request.invoiceId} ${what}; nothing was charged${released}: try again in a few minutes`,
	);
}

function spentToken(request: ChargeRequest, transactionId: string): CoreInputError {
	return new CoreInputError(
		'paymentToken',
		`This payment token was used for hold ${transactionId} of invoice ${request.invoiceNumber}, released since because another payment took the invoice at the same moment; nothing was charged: the customer pays again (a new card entry makes a new token)`,
	);
}

/**
 * The invoice is held in Stripe by a 360 claim turned into a charge of which the gateway shows
 * nothing (another gateway account, a transaction removed): Stripe refuses the invoice while
 * that claim is within its guard lookback, and so does Charge Token: a person looks at it.
 */
function turnedWithoutPayment(request: ChargeRequest, claimId: string): Gateway360ApiError {
	return new Gateway360ApiError({
		message: `Invoice ${request.invoiceNumber} is held in Stripe as paid through 360 Payments (claim ${claimId}), but this gateway shows no payment of that charge for order ${request.invoiceId}. Nothing was charged. Find that payment (is the credential the gateway account that took it?) and record it in the books, or record how the invoice is paid`,
		kind: 'conflicting_payment',
	});
}

function holdMissing(request: ChargeRequest, claimId: string): Gateway360ApiError {
	return new Gateway360ApiError({
		message: `Invoice ${request.invoiceNumber} is held in Stripe as paid through 360 Payments (claim ${claimId}), but the gateway has no hold of this payment left to capture (voided or expired): nothing was charged. The customer pays again with a new card entry (through 360 Payments: Stripe refuses the invoice while that claim is within its guard lookback)`,
		kind: 'capture_failed',
	});
}

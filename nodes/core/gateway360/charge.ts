import { CoreInputError } from '../errors';
import { assertBooksCustomerId } from '../mapping/customerFields';
import { formatAmount, formatMoney } from '../money/money';
import type { PaymentRecord } from '../payments/paymentRecord';
import { buildPaymentRecord } from '../payments/paymentRecord';
import { assertInvoiceId } from '../links/signedLink';
import type { GuardReason } from '../stripe/paymentGuards';
import { Gateway360ApiError } from './errors';
import type { GatewayFields } from './form';
import type { GatewayTransaction } from './transactions';
import {
	SALE_FIELDS,
	assertTransactionId,
	cardLabel,
	gatewayRefusal,
	listTransactions,
	merchantFieldName,
	summarizeTransaction,
	transactionRecord,
} from './transactions';
import type { Gateway360Transport, TransactAnswer } from './transport';

/**
 * Charge Token: one `sale` for one web invoice, paid with a Collect.js payment token.
 *
 * The sale's order ID is the books' invoice ID; the books' customer ID and the invoice number
 * ride along as merchant-defined fields. An earlier sale of the same order ID that still holds
 * money is this invoice's payment only when it is for the same customer and charged the same
 * total (invoice amount plus its fee) in the same currency; any other such sale that the books
 * do not already hold is a conflict that a person must look at, and nothing is charged on top
 * of it.
 *
 * The gateway has no idempotency keys, so "never twice" is built from what it does have:
 *  1. guard: before charging, read the order's sales holding money (approved, not voided, not
 *     refunded in full). One that is this payment means the invoice is paid: nothing is
 *     charged and it is returned (existingPayment: true); a double click, a browser retry or a
 *     re-run workflow lands here. Otherwise one that is not this payment, and not held by the
 *     books, refuses the charge.
 *  2. a payment token is single-use at the gateway: the same token sent twice (two requests
 *     that both passed the guard at once) is refused the second time; that refusal is then
 *     read as "paid by the first request" when the guard now finds its sale.
 *  3. after an approval, the order's sales are read again: when sales holding money are
 *     earlier than ours (two tabs, two workers, two tokens at once, or someone else's sale),
 *     ours is voided at once (an unsettled sale voids in full) and the earlier payment is
 *     returned, or the earlier conflicting sale refuses the charge.
 */

export interface ChargeRequest {
	/** the books' invoice ID: the gateway's order ID */
	invoiceId: string;
	/** the number people see: in the order description and a merchant-defined field */
	invoiceNumber: string;
	/** the books' customer ID: an earlier sale for another customer is not this payment */
	customerId: string;
	/** the invoice amount, before the processing fee */
	amountMinor: number;
	feeMinor: number;
	currency: string;
	paymentToken: string;
	customerEmail?: string | null;
	description?: string | null;
	/**
	 * Gateway transaction IDs the books already hold as payments of this invoice: their amounts
	 * are off the balance charged now, so such a sale does not stand in the way (a partial
	 * payment taken by phone, a payment whose refund reopened the balance).
	 */
	recordedPaymentIds?: readonly string[];
	/**
	 * Whether the merchant surcharges credit cards (the node's "Surcharge Credit Cards", off by
	 * default): the fee is charged as `surcharge` only then, and only for a credit card
	 * (`surchargeAllowed`).
	 */
	surchargeCreditCards?: boolean;
	/**
	 * The card's category as Collect.js tells it before the sale (`card.category` of its
	 * callback: credit, debit, prepaid or unknown); null when not given.
	 */
	cardCategory?: CardCategory | null;
}

/**
 * Collect.js Card Type Detection (https://docs.nmi.com/docs/collectjs-card-type-detection): a
 * BIN lookup while tokenizing gives the token's `card.category`, `credit`, `debit`, `prepaid` or
 * `unknown` (the feature is rolling out to accounts; without it nothing is said). The token alone
 * tells nothing more to the server: the page that made it must pass the category on.
 */
export const CARD_CATEGORIES = ['credit', 'debit', 'prepaid', 'unknown'] as const;
export type CardCategory = (typeof CARD_CATEGORIES)[number];

/** A card category as Collect.js gives it; empty is null (not told); anything else is bad input. */
export function readCardCategory(value: unknown, field = 'cardCategory'): CardCategory | null {
	const text = String(value ?? '')
		.trim()
		.toLowerCase();
	if (text === '') return null;
	if (!(CARD_CATEGORIES as readonly string[]).includes(text)) {
		throw new CoreInputError(
			field,
			`"${text.slice(0, 40)}" is not a card category (credit, debit, prepaid or unknown)`,
		);
	}
	return text as CardCategory;
}

/**
 * Whether a sale may carry a surcharge: card rules allow surcharging credit cards, never debit
 * or prepaid ones (Visa and Mastercard rules; NMI's Card Type Detection exists to surcharge
 * "only credit cards"). So only when the merchant surcharges (`surchargeCreditCards`) and the
 * card is known to be a credit card; a card of unknown category is not surcharged.
 */
export function surchargeAllowed(request: {
	surchargeCreditCards?: boolean;
	cardCategory?: CardCategory | null;
}): boolean {
	return request.surchargeCreditCards === true && request.cardCategory === 'credit';
}

/**
 * ALREADY_PAID for a payment at the gateway; a Stripe payment or pay link holding the invoice
 * (when Charge Token claims it in Stripe first) gives its own guard reason.
 */
export type ChargeGuardReason = GuardReason;

export interface ChargeGuard {
	reason: ChargeGuardReason;
	message: string;
}

export interface ChargeOutcome {
	record: PaymentRecord & { guard?: ChargeGuard };
	/** true when nothing new was charged because the invoice was already paid */
	existingPayment: boolean;
	/** a sale of ours that was approved and then voided because another payment came first */
	voidedTransactionId: string | null;
}

/** The invoice number goes into gateway text fields (description, merchant-defined field). */
const MAX_INVOICE_NUMBER = 255;
const PAYMENT_TOKEN = /^[A-Za-z0-9_-]{8,256}$/;
const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;

export function assertInvoiceNumber(value: unknown, field = 'invoiceNumber'): string {
	const number = String(value ?? '').trim();
	if (number === '') throw new CoreInputError(field, 'An invoice number is required');
	if (number.length > MAX_INVOICE_NUMBER || /\p{Cc}/u.test(number)) {
		throw new CoreInputError(
			field,
			`Invoice number "${number.slice(0, 40)}" is not usable at the gateway (at most ${MAX_INVOICE_NUMBER} characters, no control characters)`,
		);
	}
	return number;
}

export function assertPaymentToken(value: unknown, field = 'paymentToken'): string {
	const token = String(value ?? '').trim();
	if (token === '') {
		throw new CoreInputError(
			field,
			'A payment token is required: the one Collect.js made in the browser and the Pay Now page posted',
		);
	}
	if (!PAYMENT_TOKEN.test(token)) {
		throw new CoreInputError(field, 'The payment token is not one Collect.js makes');
	}
	return token;
}

export function assertEmail(value: unknown, field = 'customerEmail'): string | null {
	const email = String(value ?? '').trim();
	if (email === '') return null;
	if (!EMAIL.test(email) || email.length > 254) {
		throw new CoreInputError(field, `"${email.slice(0, 80)}" is not an email address`);
	}
	return email;
}

/** More than zero, in whole minor units: the only amount rule the gateway leaves to us. */
export function assertPositiveAmount(minor: number, currency: string, field = 'amount'): void {
	if (!Number.isSafeInteger(minor) || minor <= 0) {
		throw new CoreInputError(
			field,
			`Amount ${formatMoney(Math.trunc(minor) || 0, currency)} must be more than zero`,
		);
	}
}

/** Orders transactions oldest first: by first action time, then by numeric id. */
function compareTransactions(a: GatewayTransaction, b: GatewayTransaction): number {
	const dateA = a.actions[0]?.date ?? '';
	const dateB = b.actions[0]?.date ?? '';
	if (dateA !== dateB) return dateA < dateB ? -1 : 1;
	const idA = a.transactionId.padStart(64, '0');
	const idB = b.transactionId.padStart(64, '0');
	return idA < idB ? -1 : idA > idB ? 1 : 0;
}

/** Every transaction of the invoice's order (its order ID is the invoice ID), oldest first. */
export async function orderTransactions(
	transport: Gateway360Transport,
	invoiceId: string,
	currency: string,
): Promise<GatewayTransaction[]> {
	const transactions = await listTransactions(
		transport,
		{ orderId: invoiceId },
		{ defaultCurrency: currency },
	);
	return transactions
		.filter((transaction) => transaction.orderId === invoiceId)
		.sort(compareTransactions);
}

/**
 * The payments still holding money, in the order given: approved (or authorised) and not
 * voided or refunded in full. A declined, voided or fully refunded sale neither pays the
 * invoice nor stands in the way of paying it.
 */
export function holdingMoney(transactions: GatewayTransaction[]): GatewayTransaction[] {
	return transactions.filter((transaction) => {
		const summary = summarizeTransaction(transaction);
		return summary.kind === 'payment' && summary.holdsMoney;
	});
}

/** The order's payments still holding money, oldest first (see holdingMoney). */
export async function salesHoldingMoney(
	transport: Gateway360Transport,
	invoiceId: string,
	currency: string,
): Promise<GatewayTransaction[]> {
	return holdingMoney(await orderTransactions(transport, invoiceId, currency));
}

/** What a sale must be to count as this payment of the invoice. */
export interface ExpectedSale {
	customerId: string;
	currency: string;
	/** invoice amount plus its fee: what the sale charged */
	totalMinor: number;
}

/**
 * Why a sale of the invoice's order is not this payment, or null when it is: the same
 * customer, and the same total charged in the same currency. A partial refund since does not
 * change what was charged: the invoice stays paid, and the guard reports what went back.
 */
export function saleMismatch(sale: GatewayTransaction, expected: ExpectedSale): string | null {
	const differences: string[] = [];
	if (sale.customerId === null) {
		differences.push('it names no customer, so Charge Token did not make it');
	} else if (sale.customerId !== expected.customerId) {
		differences.push(`it is for customer ${sale.customerId}, not ${expected.customerId}`);
	}
	const { chargedMinor } = summarizeTransaction(sale);
	if (sale.currency !== expected.currency || chargedMinor !== expected.totalMinor) {
		differences.push(
			`it charged ${formatMoney(chargedMinor, sale.currency)}, not ${formatMoney(expected.totalMinor, expected.currency)}`,
		);
	}
	return differences.length > 0 ? differences.join('; ') : null;
}

/**
 * The sales that bear on this payment: every one that is this payment, and every other one the
 * books do not already hold (a sale they hold is already off the balance being charged).
 */
export function salesThatBear(
	sales: GatewayTransaction[],
	expected: ExpectedSale,
	recordedPaymentIds: ReadonlySet<string>,
): GatewayTransaction[] {
	return sales.filter(
		(sale) => !recordedPaymentIds.has(sale.transactionId) || saleMismatch(sale, expected) === null,
	);
}

/** What the sales holding money say about this payment: paid by one, blocked by one, or neither. */
export type EarlierSalesVerdict =
	| { kind: 'paid'; sale: GatewayTransaction }
	| { kind: 'conflict'; sale: GatewayTransaction; why: string }
	| { kind: 'none' };

/**
 * A sale that is this payment wins (the invoice is paid, whatever else the order holds);
 * otherwise the oldest other sale the books do not hold blocks the charge.
 */
export function judgeEarlierSales(
	sales: GatewayTransaction[],
	expected: ExpectedSale,
	recordedPaymentIds: ReadonlySet<string>,
): EarlierSalesVerdict {
	const bearing = salesThatBear(sales, expected, recordedPaymentIds);
	const paid = bearing.find((sale) => saleMismatch(sale, expected) === null);
	if (paid) return { kind: 'paid', sale: paid };
	const [oldest] = bearing;
	if (!oldest) return { kind: 'none' };
	return { kind: 'conflict', sale: oldest, why: saleMismatch(oldest, expected) ?? '' };
}

/** The answer when a sale at the gateway is already this payment: nothing new was charged. */
export function existingOutcome(
	paid: GatewayTransaction,
	request: ChargeRequest,
	voidedTransactionId: string | null,
): ChargeOutcome {
	const record = transactionRecord(paid);
	const voided = voidedTransactionId
		? `; the concurrent sale ${voidedTransactionId} was voided`
		: '';
	// A part refunded since is said in the record's `refund` as well as here.
	const refunded = record.refund
		? `. ${record.refund.amountRefunded.display} of it was refunded since, ${record.refund.amountKept?.display ?? 'the rest'} kept`
		: '';
	const guard: ChargeGuard = {
		reason: 'ALREADY_PAID',
		message: `Invoice ${request.invoiceNumber} already has an approved payment (${paid.transactionId}); nothing new was charged${voided}${refunded}`,
	};
	return { record: { ...record, guard }, existingPayment: true, voidedTransactionId };
}

/** The refusal of a charge that an earlier sale of the order, not this payment, stands in the way of. */
export function conflictingSaleError(
	request: ChargeRequest,
	verdict: { sale: GatewayTransaction; why: string },
	voidedTransactionId: string | null,
): Gateway360ApiError {
	const { sale, why } = verdict;
	const charged = voidedTransactionId
		? `this payment's sale ${voidedTransactionId} was voided, nothing new is charged`
		: 'nothing was charged';
	return new Gateway360ApiError({
		message: `Invoice ${request.invoiceNumber} (order ID ${request.invoiceId}) already has sale ${sale.transactionId} at the gateway that is not this payment (${why}); ${charged}. If that sale paid this invoice, record it in your books; if not, void or refund it; then pay again.`,
		kind: 'conflicting_payment',
		transactionId: sale.transactionId,
	});
}

export function validateChargeRequest(request: ChargeRequest): ChargeRequest {
	const invoiceId = assertInvoiceId(request.invoiceId);
	const invoiceNumber = assertInvoiceNumber(request.invoiceNumber);
	const customerId = assertBooksCustomerId(request.customerId, 'customerId');
	assertPositiveAmount(request.amountMinor, request.currency, 'amount');
	if (!Number.isSafeInteger(request.feeMinor) || request.feeMinor < 0) {
		throw new CoreInputError('feePercent', 'The processing fee must be zero or more');
	}
	const cardCategory = readCardCategory(request.cardCategory);
	const surchargeCreditCards = request.surchargeCreditCards === true;
	return {
		...request,
		// The fee is a surcharge: charged only where card rules allow one, else not at all.
		feeMinor: surchargeAllowed({ surchargeCreditCards, cardCategory }) ? request.feeMinor : 0,
		surchargeCreditCards,
		cardCategory,
		invoiceId,
		invoiceNumber,
		customerId,
		paymentToken: assertPaymentToken(request.paymentToken),
		customerEmail: assertEmail(request.customerEmail),
		recordedPaymentIds: (request.recordedPaymentIds ?? []).map((id) =>
			assertTransactionId(id, 'recordedPaymentIds'),
		),
	};
}

/**
 * Transaction IDs given as a list or as comma-separated text (what an expression or a person
 * types); empty entries are dropped.
 */
export function readTransactionIdList(value: unknown): string[] {
	const entries: unknown[] = Array.isArray(value) ? value : String(value ?? '').split(',');
	return entries.map((entry) => String(entry ?? '').trim()).filter((entry) => entry !== '');
}

export async function chargeToken(
	transport: Gateway360Transport,
	input: ChargeRequest,
): Promise<ChargeOutcome> {
	const request = validateChargeRequest(input);
	const { invoiceId, invoiceNumber, currency } = request;
	const totalMinor = request.amountMinor + request.feeMinor;
	const expected: ExpectedSale = { customerId: request.customerId, currency, totalMinor };
	const recorded = new Set(request.recordedPaymentIds);
	const readVerdict = async () =>
		judgeEarlierSales(await salesHoldingMoney(transport, invoiceId, currency), expected, recorded);

	const before = await readVerdict();
	if (before.kind === 'paid') return existingOutcome(before.sale, request, null);
	if (before.kind === 'conflict') throw conflictingSaleError(request, before, null);

	const answer = await transport.transact({ type: 'sale', ...paymentFields(request) });

	if (answer.response === 3) {
		// A refused token may be this invoice's token already spent by a concurrent request.
		const meanwhile = await readVerdict();
		if (meanwhile.kind === 'paid') return existingOutcome(meanwhile.sale, request, null);
		throw gatewayRefusal(answer, 'payment');
	}

	if (answer.response === 2) return declinedOutcome(request, answer);

	// Approved. A failed re-read must not hide that the sale went through: keep the approval.
	const holding = await salesHoldingMoney(transport, invoiceId, currency).then(
		(sales) => sales,
		() => null,
	);
	const oursAt = holding?.findIndex((sale) => sale.transactionId === answer.transactionId) ?? -1;
	const ours = holding?.[oursAt];
	const earlier =
		holding && oursAt > 0 ? salesThatBear(holding.slice(0, oursAt), expected, recorded) : [];
	if (ours && earlier.length > 0) {
		// Another sale holding money came first: ours goes, and that sale decides the answer.
		await voidConcurrentSale(
			transport,
			ours.transactionId,
			invoiceNumber,
			earlier[0].transactionId,
		);
		const verdict = judgeEarlierSales(earlier, expected, recorded);
		if (verdict.kind === 'paid') return existingOutcome(verdict.sale, request, ours.transactionId);
		if (verdict.kind === 'conflict')
			throw conflictingSaleError(request, verdict, ours.transactionId);
	}
	return {
		record: buildPaymentRecord({
			...chargeRecordBase(request, answer.transactionId),
			status: 'succeeded',
			paymentMethod: ours ? cardLabel(ours.cardNumber, ours.cardType) : null,
		}),
		existingPayment: false,
		voidedTransactionId: null,
	};
}

/**
 * The form of a payment with the token (`sale`, or `auth` for a hold): the total with its fee
 * as `surcharge`, the invoice ID as the order ID, customer and number as merchant-defined fields.
 */
export function paymentFields(request: ChargeRequest): GatewayFields {
	const { currency } = request;
	return {
		payment_token: request.paymentToken,
		amount: formatAmount(request.amountMinor + request.feeMinor, currency),
		surcharge: request.feeMinor > 0 ? formatAmount(request.feeMinor, currency) : undefined,
		currency: currency.toUpperCase(),
		orderid: request.invoiceId,
		order_description: request.description || `Invoice ${request.invoiceNumber}`,
		email: request.customerEmail ?? undefined,
		[merchantFieldName(SALE_FIELDS.customerId)]: request.customerId,
		[merchantFieldName(SALE_FIELDS.invoiceNumber)]: request.invoiceNumber,
	};
}

/** What every record of a charge says: the invoice, its amounts, the customer, the transaction. */
export function chargeRecordBase(request: ChargeRequest, transactionId: string | null) {
	return {
		provider: 'gateway360' as const,
		invoiceId: request.invoiceId,
		currency: request.currency,
		amountMinor: request.amountMinor,
		feeMinor: request.feeMinor,
		paymentId: transactionId,
		booksCustomerId: request.customerId,
		// The gateway does not say whether an account is in test mode.
		livemode: true,
	};
}

/** A card declined by the gateway (`response=2`): a failed payment record, not an error. */
export function declinedOutcome(request: ChargeRequest, answer: TransactAnswer): ChargeOutcome {
	return {
		record: buildPaymentRecord({
			...chargeRecordBase(request, answer.transactionId),
			status: 'failed',
			failure: {
				code: answer.responseCode || null,
				declineCode: null,
				message: answer.responseText || 'The card was declined',
			},
		}),
		existingPayment: false,
		voidedTransactionId: null,
	};
}

async function voidConcurrentSale(
	transport: Gateway360Transport,
	transactionId: string,
	invoiceNumber: string,
	earlierTransactionId: string,
): Promise<void> {
	const answer = await transport.transact({ type: 'void', transactionid: transactionId });
	if (answer.response !== 1) {
		throw new Gateway360ApiError({
			message: `Invoice ${invoiceNumber} was charged twice at once (${earlierTransactionId} and ${transactionId}) and voiding ${transactionId} failed: ${answer.responseText || 'no reason given'}. Refund or void ${transactionId} by hand.`,
			kind: 'duplicate_charge',
			responseCode: answer.responseCode || undefined,
			responseText: answer.responseText,
			transactionId,
		});
	}
}

/**
 * Runs work for one invoice at a time within an execution: two items of one run that name the
 * same invoice must not both pass the guard before either has charged.
 */
export class InvoiceLocks {
	private readonly tails = new Map<string, Promise<unknown>>();

	async run<T>(invoiceId: string, work: () => Promise<T>): Promise<T> {
		const previous = this.tails.get(invoiceId) ?? Promise.resolve();
		// Tails never reject (see below), so `work` always runs after the previous one ended.
		const next = previous.then(work);
		const tail = next.then(
			() => undefined,
			() => undefined,
		);
		this.tails.set(invoiceId, tail);
		void tail.then(() => {
			if (this.tails.get(invoiceId) === tail) this.tails.delete(invoiceId);
		});
		return await next;
	}
}

import { CoreInputError } from '../errors';
import { formatAmount, formatMoney } from '../money';
import type { PaymentRecord } from '../paymentRecord';
import { buildPaymentRecord } from '../paymentRecord';
import { Gateway360ApiError } from './errors';
import type { GatewayTransaction } from './transactions';
import {
	cardLabel,
	gatewayRefusal,
	listTransactions,
	summarizeTransaction,
	transactionRecord,
} from './transactions';
import type { Gateway360Transport } from './transport';

/**
 * Charge Token: one `sale` for one web invoice, paid with a Collect.js payment token.
 *
 * The gateway has no idempotency keys, so "never twice" is built from what it does have:
 *  1. guard: before charging, read the invoice's transactions (order id = invoice number);
 *     an approved sale still holding money means the invoice is paid: nothing is charged and
 *     that payment is returned (existingPayment: true). A double click, a browser retry or a
 *     re-run workflow lands here.
 *  2. a payment token is single-use at the gateway: the same token sent twice (two requests
 *     that both passed the guard at once) is refused the second time; that refusal is then
 *     read as "paid by the first request" when the guard now finds its sale.
 *  3. after an approval, the invoice's sales are read again: when another approved sale for
 *     the invoice is earlier than ours (two tabs, two workers, two tokens at once), ours is
 *     voided at once (an unsettled sale voids in full) and the earlier one is returned.
 */

export interface ChargeRequest {
	invoiceNumber: string;
	/** the invoice amount, before the processing fee */
	amountMinor: number;
	feeMinor: number;
	currency: string;
	paymentToken: string;
	customerEmail?: string | null;
	description?: string | null;
	booksCustomerId?: string | null;
}

export type ChargeGuardReason = 'ALREADY_PAID';

export interface ChargeOutcome {
	record: PaymentRecord & { guard?: { reason: ChargeGuardReason; message: string } };
	/** true when nothing new was charged because the invoice was already paid */
	existingPayment: boolean;
	/** a sale of ours that was approved and then voided because another payment came first */
	voidedTransactionId: string | null;
}

/** NMI-family gateways take order ids of up to this many characters. */
const MAX_ORDER_ID = 255;
const PAYMENT_TOKEN = /^[A-Za-z0-9_-]{8,256}$/;
const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;

export function assertInvoiceNumber(value: unknown, field = 'invoiceNumber'): string {
	const number = String(value ?? '').trim();
	if (number === '') throw new CoreInputError(field, 'An invoice number is required');
	if (number.length > MAX_ORDER_ID || /\p{Cc}/u.test(number)) {
		throw new CoreInputError(
			field,
			`Invoice number "${number.slice(0, 40)}" is not usable as the gateway's order ID`,
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

/** The invoice's approved sales still holding money, oldest first. */
export async function paidSalesFor(
	transport: Gateway360Transport,
	invoiceNumber: string,
	currency: string,
): Promise<GatewayTransaction[]> {
	const transactions = await listTransactions(
		transport,
		{ orderId: invoiceNumber },
		{ defaultCurrency: currency },
	);
	return transactions
		.filter((transaction) => transaction.orderId === invoiceNumber)
		.filter((transaction) => {
			const summary = summarizeTransaction(transaction);
			return summary.kind === 'payment' && summary.holdsMoney;
		})
		.sort(compareTransactions);
}

function existingOutcome(
	paid: GatewayTransaction,
	request: ChargeRequest,
	voidedTransactionId: string | null,
): ChargeOutcome {
	const record = transactionRecord(paid, { booksCustomerId: request.booksCustomerId });
	const voided = voidedTransactionId
		? `; the concurrent sale ${voidedTransactionId} was voided`
		: '';
	return {
		record: {
			...record,
			guard: {
				reason: 'ALREADY_PAID',
				message: `Invoice ${request.invoiceNumber} already has an approved payment (${paid.transactionId}); nothing new was charged${voided}`,
			},
		},
		existingPayment: true,
		voidedTransactionId,
	};
}

export function validateChargeRequest(request: ChargeRequest): ChargeRequest {
	const invoiceNumber = assertInvoiceNumber(request.invoiceNumber);
	assertPositiveAmount(request.amountMinor, request.currency, 'amount');
	if (!Number.isSafeInteger(request.feeMinor) || request.feeMinor < 0) {
		throw new CoreInputError('feePercent', 'The processing fee must be zero or more');
	}
	return {
		...request,
		invoiceNumber,
		paymentToken: assertPaymentToken(request.paymentToken),
		customerEmail: assertEmail(request.customerEmail),
	};
}

export async function chargeToken(
	transport: Gateway360Transport,
	input: ChargeRequest,
): Promise<ChargeOutcome> {
	const request = validateChargeRequest(input);
	const { invoiceNumber, currency } = request;

	const [alreadyPaid] = await paidSalesFor(transport, invoiceNumber, currency);
	if (alreadyPaid) return existingOutcome(alreadyPaid, request, null);

	const totalMinor = request.amountMinor + request.feeMinor;
	const answer = await transport.transact({
		type: 'sale',
		payment_token: request.paymentToken,
		amount: formatAmount(totalMinor, currency),
		surcharge: request.feeMinor > 0 ? formatAmount(request.feeMinor, currency) : undefined,
		currency: currency.toUpperCase(),
		orderid: invoiceNumber,
		order_description: request.description || `Invoice ${invoiceNumber}`,
		email: request.customerEmail ?? undefined,
	});

	if (answer.response === 3) {
		// A refused token may be this invoice's token already spent by a concurrent request.
		const [paidMeanwhile] = await paidSalesFor(transport, invoiceNumber, currency);
		if (paidMeanwhile) return existingOutcome(paidMeanwhile, request, null);
		throw gatewayRefusal(answer, 'payment');
	}

	const base = {
		provider: 'gateway360' as const,
		invoiceId: invoiceNumber,
		currency,
		amountMinor: request.amountMinor,
		feeMinor: request.feeMinor,
		paymentId: answer.transactionId,
		booksCustomerId: request.booksCustomerId ?? null,
		livemode: true,
	};
	if (answer.response === 2) {
		return {
			record: buildPaymentRecord({
				...base,
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

	// Approved. A failed re-read must not hide that the sale went through: keep the approval.
	const paidNow = await paidSalesFor(transport, invoiceNumber, currency).then(
		(sales) => sales,
		() => null,
	);
	const ours = paidNow?.find((sale) => sale.transactionId === answer.transactionId);
	const earliest = paidNow?.[0];
	if (ours && earliest && earliest.transactionId !== ours.transactionId) {
		await voidConcurrentSale(transport, ours.transactionId, invoiceNumber, earliest.transactionId);
		return existingOutcome(earliest, request, ours.transactionId);
	}
	return {
		record: buildPaymentRecord({
			...base,
			status: 'succeeded',
			paymentMethod: ours ? cardLabel(ours.cardNumber, ours.cardType) : null,
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

	async run<T>(invoiceNumber: string, work: () => Promise<T>): Promise<T> {
		const previous = this.tails.get(invoiceNumber) ?? Promise.resolve();
		// Tails never reject (see below), so `work` always runs after the previous one ended.
		const next = previous.then(work);
		const tail = next.then(
			() => undefined,
			() => undefined,
		);
		this.tails.set(invoiceNumber, tail);
		void tail.then(() => {
			if (this.tails.get(invoiceNumber) === tail) this.tails.delete(invoiceNumber);
		});
		return await next;
	}
}

import { CoreInputError } from '../errors';
import type { MoneyValue } from '../money/money';
import { formatAmount, money, parseAmount } from '../money/money';
import type { PaymentRecord } from '../payments/paymentRecord';
import {
	gatewayRefusal,
	getTransaction,
	summarizeTransaction,
	transactionRecord,
} from './transactions';
import type { Gateway360Transport } from './transport';

/**
 * Refund and Void. Both read the transaction first, so that what the gateway would refuse
 * (too much, not settled yet, already voided) is refused here, by field, before any request.
 * A settled payment is refunded (in full or in part); an unsettled one is voided (in full).
 */

export interface RefundOutcome {
	refundId: string | null;
	paymentId: string;
	invoiceId: string | null;
	status: 'succeeded';
	refunded: MoneyValue;
	leftToRefund: MoneyValue;
	fullRefund: boolean;
}

export async function refundPayment(
	transport: Gateway360Transport,
	request: { transactionId: string; amount?: string | null },
): Promise<RefundOutcome> {
	const transaction = await getTransaction(transport, request.transactionId);
	const id = transaction.transactionId;
	const summary = summarizeTransaction(transaction);
	if (summary.kind !== 'payment') {
		throw new CoreInputError(
			'transactionId',
			`Transaction ${id} is not a payment: only payments can be refunded`,
		);
	}
	if (summary.status !== 'succeeded' && summary.status !== 'refunded') {
		throw new CoreInputError(
			'transactionId',
			`Transaction ${id} is ${summary.status}: only approved payments can be refunded`,
		);
	}
	const { currency } = transaction;
	const leftMinor = summary.chargedMinor - summary.refundedMinor;
	if (transaction.condition === 'pendingsettlement') {
		throw new CoreInputError(
			'transactionId',
			`Transaction ${id} has not settled yet: void it instead (a void cancels the whole payment before settlement)`,
		);
	}
	if (!summary.refundable) {
		throw new CoreInputError(
			'transactionId',
			leftMinor <= 0
				? `Transaction ${id} is already refunded in full`
				: `Transaction ${id} (${transaction.condition}) cannot be refunded`,
		);
	}
	const amountText = (request.amount ?? '').trim();
	const amountMinor = amountText === '' ? leftMinor : parseAmount(amountText, currency, 'amount');
	if (amountMinor <= 0 || amountMinor > leftMinor) {
		throw new CoreInputError(
			'amount',
			`Cannot refund ${formatAmount(amountMinor, currency)} ${currency.toUpperCase()} of transaction ${id}: ${formatAmount(leftMinor, currency)} is left to refund`,
		);
	}
	const answer = await transport.transact({
		type: 'refund',
		transactionid: id,
		amount: formatAmount(amountMinor, currency),
	});
	if (answer.response !== 1) throw gatewayRefusal(answer, 'refund');
	return {
		refundId: answer.transactionId,
		paymentId: id,
		invoiceId: transaction.orderId,
		status: 'succeeded',
		refunded: money(amountMinor, currency),
		leftToRefund: money(leftMinor - amountMinor, currency),
		fullRefund: amountMinor === leftMinor,
	};
}

export async function voidPayment(
	transport: Gateway360Transport,
	request: { transactionId: string },
): Promise<PaymentRecord & { voided: MoneyValue }> {
	const transaction = await getTransaction(transport, request.transactionId);
	const id = transaction.transactionId;
	const summary = summarizeTransaction(transaction);
	if (!summary.voidable) {
		let reason = `it is ${summary.status}`;
		if (summary.kind !== 'payment') reason = 'it is not a payment';
		else if (summary.status === 'canceled') reason = 'it is already voided';
		else if (transaction.condition === 'complete') reason = 'it has settled: refund it instead';
		else if (summary.refundedMinor > 0) reason = 'part of it is refunded';
		throw new CoreInputError('transactionId', `Transaction ${id} cannot be voided: ${reason}`);
	}
	const answer = await transport.transact({ type: 'void', transactionid: id });
	if (answer.response !== 1) throw gatewayRefusal(answer, 'void');
	return {
		...transactionRecord(transaction),
		status: 'canceled',
		voided: money(summary.chargedMinor, transaction.currency),
	};
}

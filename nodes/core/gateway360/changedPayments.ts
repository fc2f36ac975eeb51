import type { Gateway360PaymentRecord, GatewayTransaction } from './transactions';
import {
	gatewayDateToIso,
	isReversalTransaction,
	listTransactions,
	paymentOfTransaction,
	readTestMode,
	summarizeTransaction,
	transactionRecord,
} from './transactions';
import type { Gateway360Transport } from './transport';

/**
 * The payments that changed at the gateway in a time window, as the books take them: what the
 * reconciliation reads when webhooks did not arrive (a sale whose webhook was never sent, a
 * refund, void or chargeback made in the gateway's own portal).
 *
 * query.php's `start_date`/`end_date` select by the date a transaction was last modified (Query
 * API, https://docs.nmi.com/reference/query-1), so a sale refunded, voided or charged back in the
 * window is in it whenever it was made. A refund or chargeback the gateway reports as a
 * transaction of its own is in the window without its sale: its sale is read (by its order) and
 * reported instead. Each payment is reported once, by its sale's transaction ID (the paymentId
 * the webhook path and Charge Token record), with its state now: refunded (`refund` amounts),
 * canceled (voided), failed, a chargeback flagged (`chargeback`, and money back in `refund`).
 * Transactions that pay no invoice (no order ID, card checks, credits without a sale) are left out.
 */

export interface ChangedPayment extends Gateway360PaymentRecord {
	/** ISO time of the payment's last action (the change that put it in the window) */
	changedAt: string | null;
	/** the refunds and chargebacks the gateway reported as transactions of their own */
	reversalTransactionIds: string[];
}

export interface ChangedPayments {
	payments: ChangedPayment[];
	/** transactions query.php answered for the window (pages read, reversals included) */
	transactionsRead: number;
	/** whether the account is in test mode; null when the gateway does not say (records live) */
	testMode: boolean | null;
}

function lastActionDate(transaction: GatewayTransaction): string {
	return transaction.actions.at(-1)?.date ?? '';
}

export async function findChangedPayments(
	transport: Gateway360Transport,
	window: { startDate: string; endDate: string },
	options: { defaultCurrency?: string } = {},
): Promise<ChangedPayments> {
	const testMode = await readTestMode(transport);
	const read = await listTransactions(transport, window, options);
	const byPayment = new Map<string, GatewayTransaction>();
	for (const transaction of read) {
		const payment =
			isReversalTransaction(transaction) &&
			!read.some((t) => t.reversalTransactionIds.includes(transaction.transactionId))
				? await paymentOfTransaction(transport, transaction, options)
				: transaction;
		if (!payment || byPayment.has(payment.transactionId)) continue;
		if (summarizeTransaction(payment).kind !== 'payment' || !payment.orderId) continue;
		byPayment.set(payment.transactionId, payment);
	}
	const payments = [...byPayment.values()]
		.sort((a, b) => (lastActionDate(a) < lastActionDate(b) ? -1 : 1))
		.map((payment) => ({
			...transactionRecord(payment, { livemode: testMode === null ? true : !testMode }),
			changedAt: gatewayDateToIso(lastActionDate(payment) || null),
			reversalTransactionIds: payment.reversalTransactionIds,
		}));
	return { payments, transactionsRead: read.length, testMode };
}

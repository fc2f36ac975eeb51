import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readScannedCharge } from '../../../core/autopay/chargeDecision';
import type { ScannedCharge } from '../../../core/autopay/chargeDecision';
import { parseFeePercent } from '../../../core/money/fee';
import { chargeableBreakdown, readPaymentOptions } from '../../../core/payments/paymentInput';
import type { PaymentOptionsInput } from '../../../core/payments/paymentInput';
import { AUTHENTICATION_NEEDED, payInvoices } from '../../../core/stripe/payInvoices';
import { StripeReadCache } from '../../../core/stripe/readCache';
import { checkItems, mapCheckedItems } from '../../../shared/itemRunner';
import { feePercentField } from '../common.descriptions';
import type { OperationContext } from '../node.type';
import { paymentOptions } from './payment.descriptions';
import { paymentFieldLabels } from './payInvoice.operation';

const SCANNED_CHARGE_OPTIONS = ['description', 'guardLookbackDays', 'useStripeReceiptEmails'];

const properties: INodeProperties[] = [
	{
		displayName: 'Auto-Pay Decision',
		name: 'autoPayDecision',
		type: 'json',
		required: true,
		default: '={{ $json.autoPay }}',
		description:
			"The autoPay field of an item from the Auto-Pay Scan's Charge output (Check Stripe on): the invoice, amount, currency, Stripe customer, payment method and idempotency key the scan decided. Charged as it is: nothing is looked up again.",
	},
	feePercentField,
	{
		...paymentOptions,
		options: (paymentOptions.options as INodeProperties[]).filter((option) =>
			SCANNED_CHARGE_OPTIONS.includes(option.name),
		),
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['payment'], operation: ['chargeAutoPay'] } },
	properties,
);

const labels = paymentFieldLabels(properties);

/**
 * Invoices under way at once. Each spends most of its time waiting for the account read its
 * claim shares with the others (AccountPaymentsView), so many more invoices than requests are in
 * flight; the execution's limiter bounds the requests.
 */
const INVOICES_IN_FLIGHT = 64;

/** The decline a page for the customer answers: the one the retry policy read (recovery). */
function pageFailure({ recovery }: ScannedCharge) {
	const decline = recovery?.lastDecline;
	return {
		code: decline?.code ?? 'authentication_required',
		declineCode: decline?.declineCode ?? null,
		message: AUTHENTICATION_NEEDED,
	};
}

/**
 * Charges what the Auto-Pay Scan decided, one invoice per item, on the automatic method it
 * listed: the daily run's pay step. Every decision is checked before the first request; then each
 * invoice is claimed, judged on a read of the whole account shared by the claims of the moment,
 * and confirmed off-session (docs/money-safety.md, docs/stripe-limits.md); a decision the customer
 * must pay themselves (howToPay payLink) gets a page for them instead.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ stripe, settings }: OperationContext,
): Promise<INodeExecutionData[]> {
	const nowMs = Date.now();
	const checked = await checkItems(
		this,
		items.length,
		INVOICES_IN_FLIGHT,
		(itemIndex) => {
			const decision = readScannedCharge(this.getNodeParameter('autoPayDecision', itemIndex));
			const feeRate = parseFeePercent(this.getNodeParameter('feePercent', itemIndex, '0'));
			const { invoiceId, amountMinor, currency } = decision;
			chargeableBreakdown([{ invoiceId, amountMinor }], feeRate, currency, 'autoPayDecision');
			const options = readPaymentOptions({
				...(this.getNodeParameter('options', itemIndex, {}) as PaymentOptionsInput),
				purpose: 'autopay',
			});
			return { decision, feeRate, options };
		},
		labels,
	);
	// One read of the account serves the claims of many customers (not two lists per customer).
	const reads = new StripeReadCache(stripe.transport, { scope: 'account' });
	return await mapCheckedItems(
		this,
		checked,
		INVOICES_IN_FLIGHT,
		async ({ decision, feeRate, options }, itemIndex) => {
			const { invoiceId, amountMinor, currency } = decision;
			const outcome = await payInvoices(
				stripe.transport,
				{
					invoices: [{ invoiceId, amountMinor, balanceMinor: amountMinor }],
					currency,
					stripeCustomerId: decision.stripeCustomerId,
					booksCustomerId: decision.customerId,
					feeRate,
					how:
						decision.howToPay === 'payLink'
							? { kind: 'payLink', failure: pageFailure(decision) }
							: { kind: 'automatic', method: decision.paymentMethod },
					allowedPaymentMethodTypes: settings.importedPaymentMethodTypes,
					idempotencyKey: decision.idempotencyKey,
					purpose: 'autopay',
					description: options.description,
					receiptEmail: options.useStripeReceiptEmails ? decision.stripeCustomerEmail : null,
					guardLookbackDays: options.guardLookbackDays,
					nowSeconds: Math.floor(nowMs / 1000),
				},
				reads,
			);
			const recovery = decision.recovery ? { recovery: decision.recovery } : {};
			return outcome.records.map((record) => ({
				json: { ...record, existingPayment: outcome.existingPayment, ...recovery },
				pairedItem: { item: itemIndex },
			}));
		},
		labels,
	);
}

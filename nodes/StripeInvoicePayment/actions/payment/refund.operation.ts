import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type Stripe from 'stripe';

import { CoreInputError } from '../../../core/errors';
import { assertPaymentIntentId } from '../../../core/stripe/ids';
import { operationIdempotencyKey } from '../../../core/payments/idempotency';
import {
	assertDecimalAmount,
	assertStripeExact,
	formatAmount,
	money,
	parseAmount,
} from '../../../core/money/money';
import { checkItems, checkItemsFurther, mapCheckedItems } from '../../../shared/itemRunner';
import { fieldLabels } from '../../../shared/nodeErrors';
import { idParameter } from '../../../shared/stripePickers';
import { paymentPicker } from './payment.descriptions';
import type { OperationContext } from '../node.type';

const properties: INodeProperties[] = [
	...paymentPicker(' to refund'),
	{
		displayName: 'Amount',
		name: 'amount',
		type: 'string',
		default: '',
		placeholder: 'e.g. 25.00',
		description: 'Decimal amount to refund; empty refunds everything not yet refunded',
	},
	{
		displayName: 'Reason',
		name: 'reason',
		type: 'options',
		description: 'Why the payment is refunded, kept with the refund in Stripe',
		default: 'requested_by_customer',
		options: [
			{ name: 'Duplicate', value: 'duplicate' },
			{ name: 'Fraudulent', value: 'fraudulent' },
			{ name: 'Requested by Customer', value: 'requested_by_customer' },
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['payment'], operation: ['refund'] } },
	properties,
);

const labels = fieldLabels(properties);

/**
 * Refunds all or part of a succeeded payment, refusing more than what is left. The key is
 * derived from the payment and what was refunded before, so a double click refunds once.
 * Every item is checked (its input, then its payment and what is left of it) before the first
 * refund is made, so one bad item refunds nothing (or, with Continue On Fail, only fails itself).
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ stripe, settings }: OperationContext,
): Promise<INodeExecutionData[]> {
	const inputs = await checkItems(
		this,
		items.length,
		settings.concurrency,
		(itemIndex) => {
			const paymentId = assertPaymentIntentId(
				idParameter(this, 'paymentId', itemIndex),
				'paymentId',
			);
			const amountText = String(this.getNodeParameter('amount', itemIndex, '')).trim();
			if (amountText !== '') assertDecimalAmount(amountText, 'amount');
			const reason = this.getNodeParameter('reason', itemIndex) as Stripe.RefundCreateParams.Reason;
			return { paymentId, amountText, reason };
		},
		labels,
	);
	const refunds = await checkItemsFurther(
		this,
		inputs,
		settings.concurrency,
		async ({ paymentId, amountText, reason }) => {
			const intent = await stripe.transport.request<Stripe.PaymentIntent>(
				'GET',
				`/v1/payment_intents/${paymentId}`,
			);
			if (intent.status !== 'succeeded') {
				throw new CoreInputError(
					'paymentId',
					`Payment ${paymentId} is ${intent.status}: only succeeded payments can be refunded`,
				);
			}
			let refundedMinor = 0;
			for await (const refund of stripe.transport.listAll<Stripe.Refund>('/v1/refunds', {
				payment_intent: paymentId,
			})) {
				if (refund.status !== 'failed' && refund.status !== 'canceled')
					refundedMinor += refund.amount;
			}
			const leftMinor = intent.amount_received - refundedMinor;
			const amountMinor =
				amountText === '' ? leftMinor : parseAmount(amountText, intent.currency, 'amount');
			if (amountMinor <= 0 || amountMinor > leftMinor) {
				throw new CoreInputError(
					'amount',
					`Cannot refund ${formatAmount(amountMinor, intent.currency)} ${intent.currency.toUpperCase()} of payment ${paymentId}: ${formatAmount(leftMinor, intent.currency)} is left to refund`,
				);
			}
			assertStripeExact(amountMinor, intent.currency, 'amount');
			return { paymentId, reason, intent, refundedMinor, leftMinor, amountMinor };
		},
		labels,
	);
	return await mapCheckedItems(
		this,
		refunds,
		settings.concurrency,
		async ({ paymentId, reason, intent, refundedMinor, leftMinor, amountMinor }, itemIndex) => {
			const refund = await stripe.transport.request<Stripe.Refund>('POST', '/v1/refunds', {
				params: {
					payment_intent: paymentId,
					amount: amountMinor,
					reason,
					metadata: intent.metadata,
				},
				idempotencyKey: operationIdempotencyKey(
					'refund',
					paymentId,
					amountMinor,
					refundedMinor,
					reason,
				),
			});
			return [
				{
					json: {
						refundId: refund.id,
						paymentId,
						status: refund.status,
						reason,
						refunded: money(refund.amount, intent.currency),
						leftToRefund: money(leftMinor - refund.amount, intent.currency),
						invoiceIds: intent.metadata?.invoice_ids?.split(',') ?? [],
					},
					pairedItem: { item: itemIndex },
				},
			];
		},
		labels,
	);
}

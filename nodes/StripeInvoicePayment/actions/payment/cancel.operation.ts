import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type Stripe from 'stripe';

import { CoreInputError } from '../../../core/errors';
import { assertPaymentIntentId } from '../../../core/stripe/ids';
import { operationIdempotencyKey } from '../../../core/payments/idempotency';
import { paymentRecordsFromIntent } from '../../../core/stripe/paymentIntentRecords';
import { mapItemsInOrder } from '../../../shared/itemRunner';
import { idParameter } from '../../../shared/stripePickers';
import { paymentPicker } from './payment.descriptions';
import type { OperationContext } from '../node.type';

const properties: INodeProperties[] = [
	...paymentPicker(' to cancel'),
	{
		displayName: 'Reason',
		name: 'cancellationReason',
		type: 'options',
		description: 'Why the payment is canceled, kept with it in Stripe',
		default: 'requested_by_customer',
		options: [
			{ name: 'Abandoned', value: 'abandoned' },
			{ name: 'Duplicate', value: 'duplicate' },
			{ name: 'Fraudulent', value: 'fraudulent' },
			{ name: 'Requested by Customer', value: 'requested_by_customer' },
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['payment'], operation: ['cancel'] } },
	properties,
);

// Stripe cancels a PaymentIntent only in these states (processing only for some methods: Stripe decides).
const CANCELABLE = new Set([
	'requires_payment_method',
	'requires_capture',
	'requires_confirmation',
	'requires_action',
	'processing',
]);

/** Cancels a payment that has not succeeded, where Stripe allows it. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ stripe, settings }: OperationContext,
): Promise<INodeExecutionData[]> {
	return await mapItemsInOrder(this, items.length, settings.concurrency, async (itemIndex) => {
		const paymentId = assertPaymentIntentId(idParameter(this, 'paymentId', itemIndex), 'paymentId');
		const reason = this.getNodeParameter('cancellationReason', itemIndex) as string;
		const current = await stripe.transport.request<Stripe.PaymentIntent>(
			'GET',
			`/v1/payment_intents/${paymentId}`,
		);
		if (!CANCELABLE.has(current.status)) {
			throw new CoreInputError(
				'paymentId',
				`Payment ${paymentId} is ${current.status} and cannot be canceled`,
			);
		}
		const canceled = await stripe.transport.request<Stripe.PaymentIntent>(
			'POST',
			`/v1/payment_intents/${paymentId}/cancel`,
			{
				params: { cancellation_reason: reason },
				idempotencyKey: operationIdempotencyKey('cancel', paymentId),
			},
		);
		return paymentRecordsFromIntent(canceled).map((record) => ({
			json: { ...record },
			pairedItem: { item: itemIndex },
		}));
	});
}

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type Stripe from 'stripe';

import { CoreInputError } from '../../../core/errors';
import { assertPaymentIntentId } from '../../../core/stripe/ids';
import { paymentRecordsFromIntent } from '../../../core/stripe/paymentIntentRecords';
import {
	isOpenClaim,
	isReleasedClaim,
	recentPaymentIntents,
} from '../../../core/stripe/paymentGuards';
import { decodeInvoiceMetadata } from '../../../core/payments/invoiceMetadata';
import { mapItemsInOrder } from '../../../shared/itemRunner';
import { idParameter } from '../../../shared/stripePickers';
import { paymentPicker } from './payment.descriptions';
import { resolveCustomer } from '../../helpers/customer';
import { invoiceIdField } from '../common.descriptions';
import { customerLocator } from '../customer.description';
import type { OperationContext } from '../node.type';

const properties: INodeProperties[] = [
	{
		displayName: 'Find By',
		name: 'findBy',
		type: 'options',
		default: 'paymentId',
		description:
			"Whether to find the payment by its Stripe ID, or as the latest payment of an invoice among the customer's payments",
		options: [
			{ name: 'Payment ID', value: 'paymentId' },
			{ name: 'Invoice ID', value: 'invoiceId' },
		],
	},
	...paymentPicker('', { show: { findBy: ['paymentId'] } }),
	{ ...invoiceIdField, displayOptions: { show: { findBy: ['invoiceId'] } } },
	{ ...customerLocator, displayOptions: { show: { findBy: ['invoiceId'] } } },
	{
		displayName: 'Lookback (Days)',
		name: 'lookbackDays',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 90,
		description: "How far back the customer's payments are read",
		displayOptions: { show: { findBy: ['invoiceId'] } },
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['payment'], operation: ['get'] } },
	properties,
);

/**
 * The current payment record of a payment (one per invoice it paid), or of an invoice: its
 * latest payment, read from the customer's payments through the consistent list endpoint.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ stripe, settings, customerLookup, reads }: OperationContext,
): Promise<INodeExecutionData[]> {
	return await mapItemsInOrder(this, items.length, settings.concurrency, async (itemIndex) => {
		const findBy = this.getNodeParameter('findBy', itemIndex, 'paymentId') as string;
		let records;
		if (findBy === 'paymentId') {
			const paymentId = assertPaymentIntentId(
				idParameter(this, 'paymentId', itemIndex),
				'paymentId',
			);
			const intent = await stripe.transport.request<Stripe.PaymentIntent>(
				'GET',
				`/v1/payment_intents/${paymentId}`,
				{ params: { expand: ['payment_method', 'latest_charge'] } },
			);
			records = paymentRecordsFromIntent(intent);
		} else {
			const invoiceId = String(this.getNodeParameter('invoiceId', itemIndex, '')).trim();
			if (invoiceId === '') throw new CoreInputError('invoiceId', 'An invoice ID is required');
			const lookbackDays = this.getNodeParameter('lookbackDays', itemIndex, 90) as number;
			const customer = await resolveCustomer(this, itemIndex, { customerLookup, reads, settings });
			const since = Math.floor(Date.now() / 1000) - lookbackDays * 86_400;
			const intents = await recentPaymentIntents(stripe.transport, customer.stripe.id, since);
			// Stripe lists newest first: the first one naming the invoice is its current payment
			// (claims not confirmed, or given up before any charge, are no payment).
			const latest = intents.find(
				(intent) =>
					!isOpenClaim(intent) &&
					!isReleasedClaim(intent) &&
					decodeInvoiceMetadata(intent.metadata).some((line) => line.invoiceId === invoiceId),
			);
			if (!latest) {
				return [
					{
						json: {
							invoiceId,
							found: false,
							message: `No payment for invoice ${invoiceId} in the last ${lookbackDays} days`,
						},
						pairedItem: { item: itemIndex },
					},
				];
			}
			records = paymentRecordsFromIntent(latest).filter((record) => record.invoiceId === invoiceId);
		}
		return records.map((record) => ({ json: { ...record }, pairedItem: { item: itemIndex } }));
	});
}

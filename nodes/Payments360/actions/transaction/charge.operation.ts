import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	chargeToken,
	readTransactionIdList,
	validateChargeRequest,
} from '../../../core/gateway360/charge';
import { checkItems } from '../../../shared/itemRunner';
import { fieldLabels } from '../../../shared/nodeErrors';
import { mapCheckedGatewayItems } from '../../helpers/errors';
import { readWebInvoice } from '../../helpers/invoice';
import {
	amountField,
	currencyField,
	customerEmailField,
	feePercentField,
	invoiceIdField,
	invoiceNumberField,
} from '../common.descriptions';
import type { OperationContext } from '../node.type';

const properties: INodeProperties[] = [
	invoiceIdField,
	invoiceNumberField,
	{
		displayName: 'Customer ID',
		name: 'customerId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. cust-1001',
		description:
			"The invoice's customer ID in your books, kept with the sale: an earlier sale of the invoice for another customer is never taken as its payment",
	},
	amountField,
	currencyField,
	{
		displayName: 'Payment Token',
		name: 'paymentToken',
		type: 'string',
		typeOptions: { password: true },
		required: true,
		default: '',
		placeholder: 'e.g. {{ $json.body.payment_token }}',
		description:
			'The single-use token Collect.js made from the card in the browser, as the Pay Now page posted it (field payment_token)',
	},
	customerEmailField,
	feePercentField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Description',
				name: 'description',
				type: 'string',
				default: '',
				description:
					'Order description kept by the gateway; empty sends "Invoice" and the invoice number',
			},
			{
				displayName: 'Payments Recorded in Books',
				name: 'recordedPaymentIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. 7000000042, 7000000043',
				description:
					'Gateway transaction IDs your books already hold as payments of this invoice (a list, or comma-separated): they are off the balance, so such a sale does not stop this charge. Read them before the balance. A sale for this customer and total still means the invoice is paid.',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['transaction'], operation: ['charge'] } },
	properties,
);

const labels = fieldLabels(properties);

/**
 * A `sale` of the invoice amount (plus its fee line) with the token; the invoice ID is the order
 * ID. Before charging, the order's sales are read: one for this customer and total means the
 * invoice is paid (returned with `existingPayment: true`, nothing charged); another sale still
 * holding money refuses the charge with an error naming it. A decline is a `failed` payment
 * record; a gateway error (`response=3`) is an error.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ client, settings, invoiceLocks }: OperationContext,
): Promise<INodeExecutionData[]> {
	// Every item's input first: one bad item fails the node (or, with Continue On Fail, only
	// itself) before anything is charged.
	const requests = await checkItems(this, items.length, settings.concurrency, (itemIndex) => {
		const invoice = readWebInvoice(this, itemIndex, settings);
		const options = this.getNodeParameter('options', itemIndex, {}) as {
			description?: string;
			recordedPaymentIds?: unknown;
		};
		const request = validateChargeRequest({
			...invoice,
			invoiceId: String(this.getNodeParameter('invoiceId', itemIndex, '')),
			customerId: String(this.getNodeParameter('customerId', itemIndex, '')),
			paymentToken: String(this.getNodeParameter('paymentToken', itemIndex, '')),
			customerEmail: String(this.getNodeParameter('customerEmail', itemIndex, '')),
			description: options.description?.trim() || null,
			recordedPaymentIds: readTransactionIdList(options.recordedPaymentIds),
		});
		return { request, transport: client.transport() };
	}, labels);
	const runner = { client, settings, labels };
	return await mapCheckedGatewayItems(this, requests, runner, async (checked, itemIndex) => {
		const { request, transport } = checked;
		const outcome = await invoiceLocks.run(request.invoiceId, async () =>
			await chargeToken(transport, request),
		);
		return [
			{
				json: {
					...outcome.record,
					existingPayment: outcome.existingPayment,
					...(outcome.voidedTransactionId
						? { voidedTransactionId: outcome.voidedTransactionId }
						: {}),
				},
				pairedItem: { item: itemIndex },
			},
		];
	});
}

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { chargeToken } from '../../../core/gateway360/charge';
import { mapGatewayItems } from '../../helpers/errors';
import { readWebInvoice } from '../../helpers/invoice';
import {
	amountField,
	currencyField,
	customerEmailField,
	feePercentField,
	invoiceNumberField,
} from '../common.descriptions';
import type { OperationContext } from '../node.type';

const properties: INodeProperties[] = [
	invoiceNumberField,
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
				displayName: 'Books Customer ID',
				name: 'booksCustomerId',
				type: 'string',
				default: '',
				description: 'The customer ID in your books, copied into the payment record',
			},
			{
				displayName: 'Description',
				name: 'description',
				type: 'string',
				default: '',
				description: 'Order description kept by the gateway; empty sends "Invoice" and the invoice number',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['transaction'], operation: ['charge'] } },
	properties,
);

/**
 * A `sale` of the invoice amount (plus its fee line) with the token; the invoice number is the
 * order ID. Before charging, an approved sale of the invoice is looked up and a second one
 * refused: the existing payment is returned with `existingPayment: true` and nothing is
 * charged. A decline is a `failed` payment record; a gateway error (`response=3`) is an error.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ client, settings, invoiceLocks }: OperationContext,
): Promise<INodeExecutionData[]> {
	return await mapGatewayItems(this, items, settings.concurrency, client.secrets, async (itemIndex) => {
		const invoice = readWebInvoice(this, itemIndex, settings);
		const options = this.getNodeParameter('options', itemIndex, {}) as {
			booksCustomerId?: string;
			description?: string;
		};
		const transport = client.transport();
		const outcome = await invoiceLocks.run(invoice.invoiceNumber, async () =>
			await chargeToken(transport, {
				...invoice,
				paymentToken: String(this.getNodeParameter('paymentToken', itemIndex, '')),
				customerEmail: String(this.getNodeParameter('customerEmail', itemIndex, '')),
				description: options.description?.trim() || null,
				booksCustomerId: options.booksCustomerId?.trim() || null,
			}),
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

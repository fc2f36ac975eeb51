import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { TransactionFilters } from '../../../core/gateway360/transactions';
import {
	gatewayDateWindow,
	listTransactions,
	transactionView,
} from '../../../core/gateway360/transactions';
import { assertInvoiceId } from '../../../core/links/signedLink';
import { fieldLabels } from '../../../shared/nodeErrors';
import { mapGatewayItems } from '../../helpers/errors';
import { orderInvoiceIdField } from '../common.descriptions';
import type { OperationContext } from '../node.type';
import { returnAllOrLimit } from '../../../shared/listDescriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Find By',
		name: 'findBy',
		type: 'options',
		default: 'invoiceId',
		description: "Whether to get an invoice's transactions, or those of a date range",
		options: [
			{ name: 'Invoice ID (Order ID)', value: 'invoiceId' },
			{ name: 'Date Range', value: 'dateRange' },
		],
	},
	{
		...orderInvoiceIdField,
		description: 'Transactions whose order ID is this invoice ID (the ID in your books)',
		displayOptions: { show: { findBy: ['invoiceId'] } },
	},
	{
		displayName: 'From',
		name: 'startDate',
		type: 'dateTime',
		required: true,
		default: '',
		description: "Start of the range (the workflow's time zone unless the value names one)",
		displayOptions: { show: { findBy: ['dateRange'] } },
	},
	{
		displayName: 'To',
		name: 'endDate',
		type: 'dateTime',
		required: true,
		default: '',
		description: "End of the range (the workflow's time zone unless the value names one)",
		displayOptions: { show: { findBy: ['dateRange'] } },
	},
	{
		displayName: 'Transaction Types',
		name: 'actionTypes',
		type: 'multiOptions',
		default: [],
		description: 'Only these kinds of transaction; none selected lists every kind',
		options: [
			{ name: 'Authorization', value: 'auth' },
			{ name: 'Capture', value: 'capture' },
			{ name: 'Refund', value: 'refund' },
			{ name: 'Sale', value: 'sale' },
			{ name: 'Void', value: 'void' },
		],
	},
	...returnAllOrLimit,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['transaction'], operation: ['getMany'] } },
	properties,
);

const labels = fieldLabels(properties);

/** The transactions of an invoice or of a date range, oldest first, one item each. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ client, settings }: OperationContext,
): Promise<INodeExecutionData[]> {
	return await mapGatewayItems(this, items, { client, settings, labels }, async (itemIndex) => {
		const findBy = this.getNodeParameter('findBy', itemIndex, 'invoiceId') as string;
		const filters: TransactionFilters = {};
		if (findBy === 'invoiceId') {
			filters.orderId = assertInvoiceId(this.getNodeParameter('invoiceId', itemIndex, ''));
		} else {
			Object.assign(
				filters,
				gatewayDateWindow(
					{ value: this.getNodeParameter('startDate', itemIndex, ''), field: 'startDate' },
					{ value: this.getNodeParameter('endDate', itemIndex, ''), field: 'endDate' },
					this.getTimezone(),
				),
			);
		}
		const actionTypes = this.getNodeParameter('actionTypes', itemIndex, []) as string[];
		if (actionTypes.length > 0) filters.actionType = actionTypes.join(',');
		const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
		const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);
		const transactions = await listTransactions(client.transport(), filters, {
			limit,
			defaultCurrency: settings.currency,
		});
		return transactions
			.filter((transaction) => !filters.orderId || transaction.orderId === filters.orderId)
			.map((transaction) => ({
				json: { ...transactionView(transaction) },
				pairedItem: { item: itemIndex },
			}));
	});
}

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { refundPayment } from '../../../core/gateway360/reversals';
import { fieldLabels } from '../../../shared/nodeErrors';
import { mapGatewayItems } from '../../helpers/errors';
import { transactionIdField } from '../common.descriptions';
import type { OperationContext } from '../node.type';

const properties: INodeProperties[] = [
	{ ...transactionIdField, description: 'The transaction ID of the settled payment to refund' },
	{
		displayName: 'Amount',
		name: 'amount',
		type: 'string',
		default: '',
		placeholder: 'e.g. 25.00',
		description: 'Decimal amount to refund; empty refunds everything not yet refunded',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['transaction'], operation: ['refund'] } },
	properties,
);

const labels = fieldLabels(properties);

/**
 * Refunds all or part of a settled payment, refusing more than what is left. A payment not
 * settled yet is refused with the advice to void it (the gateway refunds settled money only).
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ client, settings }: OperationContext,
): Promise<INodeExecutionData[]> {
	return await mapGatewayItems(this, items, { client, settings, labels }, async (itemIndex) => {
		const outcome = await refundPayment(client.transport(), {
			transactionId: String(this.getNodeParameter('transactionId', itemIndex, '')),
			amount: String(this.getNodeParameter('amount', itemIndex, '')),
		});
		return [{ json: { provider: 'gateway360', ...outcome }, pairedItem: { item: itemIndex } }];
	});
}

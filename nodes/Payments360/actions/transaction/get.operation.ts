import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getTransaction, transactionView } from '../../../core/gateway360/transactions';
import { fieldLabels } from '../../../shared/nodeErrors';
import { mapGatewayItems } from '../../helpers/errors';
import { transactionIdField } from '../common.descriptions';
import type { OperationContext } from '../node.type';

const properties: INodeProperties[] = [transactionIdField];

export const description = updateDisplayOptions(
	{ show: { resource: ['transaction'], operation: ['get'] } },
	properties,
);

const labels = fieldLabels(properties);

/** The payment record of one transaction, with the gateway's details (condition, actions). */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ client, settings }: OperationContext,
): Promise<INodeExecutionData[]> {
	return await mapGatewayItems(this, items, { client, settings, labels }, async (itemIndex) => {
		const transactionId = String(this.getNodeParameter('transactionId', itemIndex, ''));
		const transaction = await getTransaction(client.transport(), transactionId);
		return [{ json: { ...transactionView(transaction) }, pairedItem: { item: itemIndex } }];
	});
}

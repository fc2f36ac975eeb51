import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { voidPayment } from '../../../core/gateway360/reversals';
import { fieldLabels } from '../../../shared/nodeErrors';
import { mapGatewayItems } from '../../helpers/errors';
import { transactionIdField } from '../common.descriptions';
import type { OperationContext } from '../node.type';

const properties: INodeProperties[] = [
	{ ...transactionIdField, description: 'The transaction ID of the unsettled payment to void' },
];

export const description = updateDisplayOptions(
	{ show: { resource: ['transaction'], operation: ['void'] } },
	properties,
);

const labels = fieldLabels(properties);

/** Cancels an approved payment before settlement, in full; its record comes back canceled. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ client, settings }: OperationContext,
): Promise<INodeExecutionData[]> {
	return await mapGatewayItems(this, items, { client, settings, labels }, async (itemIndex) => {
		const record = await voidPayment(client.transport(), {
			transactionId: String(this.getNodeParameter('transactionId', itemIndex, '')),
		});
		return [{ json: { ...record }, pairedItem: { item: itemIndex } }];
	});
}

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { findChangedPayments } from '../../../core/gateway360/changedPayments';
import { gatewayDateWindow } from '../../../core/gateway360/transactions';
import { fieldLabels } from '../../../shared/nodeErrors';
import { mapGatewayItems } from '../../helpers/errors';
import type { OperationContext } from '../node.type';

const properties: INodeProperties[] = [
	{
		displayName: 'Changed From',
		name: 'changedFrom',
		type: 'dateTime',
		required: true,
		default: '',
		description:
			"Start of the window: payments made, refunded, voided or charged back from this time (the workflow's time zone unless the value names one)",
	},
	{
		displayName: 'Changed To',
		name: 'changedTo',
		type: 'dateTime',
		required: true,
		default: '',
		description: "End of the window (the workflow's time zone unless the value names one)",
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['transaction'], operation: ['findChanged'] } },
	properties,
);

const labels = fieldLabels(properties);

/**
 * The payments that changed at the gateway in a window, one payment record each (the records
 * the webhook path makes), oldest change first: what reconciliation sends to the books.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ client, settings }: OperationContext,
): Promise<INodeExecutionData[]> {
	return await mapGatewayItems(this, items, { client, settings, labels }, async (itemIndex) => {
		const window = gatewayDateWindow(
			{ value: this.getNodeParameter('changedFrom', itemIndex, ''), field: 'changedFrom' },
			{ value: this.getNodeParameter('changedTo', itemIndex, ''), field: 'changedTo' },
			this.getTimezone(),
		);
		const found = await findChangedPayments(client.transport(), window, {
			defaultCurrency: settings.currency,
		});
		return found.payments.map((payment) => ({
			json: { ...payment },
			pairedItem: { item: itemIndex },
		}));
	});
}

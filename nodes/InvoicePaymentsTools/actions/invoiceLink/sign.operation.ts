import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { signInvoiceLink } from '../../../core/links/signedLink';
import { mapItemsInOrder } from '../../../shared/itemRunner';
import { asData, textParameter } from '../../helpers/parameters';

const properties: INodeProperties[] = [
	{
		displayName: 'Invoice ID',
		name: 'invoiceId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. inv-2004',
		description: 'The invoice ID in the books; the link pays this invoice only',
	},
	{
		displayName: 'Page URL',
		name: 'pageUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://n8n.example.com/webhook/web-invoice',
		description:
			'The production URL of the webhook that shows the web invoice; the link adds invoice, expires and sig to it',
	},
	{
		displayName: 'Valid for (Days)',
		name: 'validForDays',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 366 },
		default: 30,
		description: 'After this the link answers 403 and a new one must be issued',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['invoiceLink'], operation: ['sign'] } },
	properties,
);

/** One signed link per item: the URL, the invoice it pays and when it expires. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	secrets: string[],
): Promise<INodeExecutionData[]> {
	const nowSeconds = Math.floor(Date.now() / 1000);
	return await mapItemsInOrder(this, items.length, 1, async (itemIndex) => {
		const link = signInvoiceLink({
			secret: secrets[0] ?? '',
			invoiceId: textParameter(this, 'invoiceId', itemIndex),
			pageUrl: textParameter(this, 'pageUrl', itemIndex),
			validForSeconds: Math.round(
				Number(this.getNodeParameter('validForDays', itemIndex, 30)) * 86_400,
			),
			nowSeconds,
		});
		return [{ json: asData(link), pairedItem: { item: itemIndex } }];
	});
}

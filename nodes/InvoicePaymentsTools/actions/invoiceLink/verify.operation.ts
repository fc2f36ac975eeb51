import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { verifyInvoiceLink } from '../../../core/links/signedLink';
import { toNodeError } from '../../../shared/nodeErrors';
import { asData } from '../../helpers/parameters';

const properties: INodeProperties[] = [
	{
		displayName: 'Invoice ID',
		name: 'invoiceId',
		type: 'string',
		default: '={{ $json.query.invoice }}',
		description: "The link's invoice parameter",
	},
	{
		displayName: 'Expires',
		name: 'expires',
		type: 'string',
		default: '={{ $json.query.expires }}',
		description: "The link's expires parameter (Unix seconds)",
	},
	{
		displayName: 'Signature',
		name: 'signature',
		type: 'string',
		default: '={{ $json.query.sig }}',
		description: "The link's sig parameter",
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['invoiceLink'], operation: ['verify'] } },
	properties,
);

const VALID = 0;
const INVALID = 1;

/**
 * Valid links go to Valid ({ valid, invoiceId, expiresAt }); the others to Invalid with the
 * HTTP status to answer (401 not a valid link, 403 expired) and a message for the customer.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	secrets: string[],
): Promise<INodeExecutionData[][]> {
	const outputs: INodeExecutionData[][] = [[], []];
	const nowSeconds = Math.floor(Date.now() / 1000);
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const verdict = verifyInvoiceLink({
				secrets,
				invoiceId: this.getNodeParameter('invoiceId', itemIndex, ''),
				expires: this.getNodeParameter('expires', itemIndex, ''),
				signature: this.getNodeParameter('signature', itemIndex, ''),
				nowSeconds,
			});
			const { ok, ...rest } = verdict;
			outputs[ok ? VALID : INVALID].push({
				json: asData({ valid: ok, ...rest }),
				pairedItem: { item: itemIndex },
			});
		} catch (error) {
			// A missing or short secret is the workflow's configuration, never the visitor's fault.
			throw toNodeError(this.getNode(), error, itemIndex);
		}
	}
	return outputs;
}

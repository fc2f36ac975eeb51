import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { composeAutoPayPreview } from '../../../core/email/runReport';
import type { AutoPayPreviewInput } from '../../../core/email/runReport';
import { jsonParameter } from '../../helpers/parameters';
import {
	chargeOf,
	composeReportItem,
	reportAddressProperty,
	reportOptionsProperty,
	skipOf,
	skippedInvoicesProperty,
} from '../../helpers/runReports';
import { recoveryOf, retryPolicyProperty } from './recoveryProperties';

const properties: INodeProperties[] = [
	reportAddressProperty,
	{
		displayName: 'Run Summary',
		name: 'runSummary',
		type: 'json',
		default: '={{ $json }}',
		description:
			"The Run Summary item of an Auto-Pay Scan whose As Of is the coming run's moment (e.g. tomorrow 06:00)",
	},
	{
		displayName: 'Invoices to Charge',
		name: 'chargeInvoices',
		type: 'json',
		default: '[]',
		description: "The Auto-Pay Scan's Charge items (a list): what that run would charge",
	},
	skippedInvoicesProperty,
	retryPolicyProperty,
	reportOptionsProperty,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['email'], operation: ['composeAutoPayPreview'] } },
	properties,
);

/** One preview for the whole scan (parameters read once); it charges nothing. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return composeReportItem(this, items, (common) =>
		composeAutoPayPreview({
			...common,
			summary: jsonParameter(this, 'runSummary', 0, 'object') as AutoPayPreviewInput['summary'],
			charges: (jsonParameter(this, 'chargeInvoices', 0, 'array') as unknown[]).map((charge) => ({
				...chargeOf(charge),
				recovery: recoveryOf(charge),
			})),
			skipped: (jsonParameter(this, 'skippedInvoices', 0, 'array') as unknown[]).map(skipOf),
			retryPolicy: { retryPolicy: this.getNodeParameter('retryPolicy', 0, false) as boolean },
		}),
	);
}

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { composeAutoPayPreview } from '../../../core/email/runReport';
import type { AutoPayPreviewInput } from '../../../core/email/runReport';
import { jsonParameter } from '../../helpers/parameters';
import {
	chargeOf,
	composeReportItem,
	FROM_PARAMETERS,
	inputRecords,
	recordsFrom,
	recordsFromProperties,
	reportAddressProperty,
	reportOptionsProperty,
	skipOf,
	skippedInvoicesProperty,
} from '../../helpers/runReports';
import { retryPolicyProperty } from './recoveryProperties';

const properties: INodeProperties[] = [
	...recordsFromProperties(
		"The Auto-Pay Scan's Run Summary, Charge and Skipped items, each read for what it is",
	),
	reportAddressProperty,
	{
		displayName: 'Run Summary',
		name: 'runSummary',
		type: 'json',
		default: '={{ $json }}',
		displayOptions: FROM_PARAMETERS,
		description:
			"The Run Summary item of an Auto-Pay Scan whose As Of is the coming run's moment (e.g. tomorrow 06:00)",
	},
	{
		displayName: 'Invoices to Charge',
		name: 'chargeInvoices',
		type: 'json',
		default: '[]',
		displayOptions: FROM_PARAMETERS,
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
			...(recordsFrom(this) === 'inputItems' ? fromInputItems(items) : fromParameters(this)),
			retryPolicy: { retryPolicy: this.getNodeParameter('retryPolicy', 0, false) as boolean },
		}),
	);
}

type PreviewRecords = Pick<AutoPayPreviewInput, 'summary' | 'charges' | 'skipped'>;

function fromInputItems(items: INodeExecutionData[]): PreviewRecords {
	const { summary, charges, skipped } = inputRecords(items, 'autoPayPreview');
	return { summary: summary as AutoPayPreviewInput['summary'], charges, skipped };
}

/** Version 1's lists, read as it always read them. */
function fromParameters(context: IExecuteFunctions): PreviewRecords {
	return {
		summary: jsonParameter(context, 'runSummary', 0, 'object') as AutoPayPreviewInput['summary'],
		charges: (jsonParameter(context, 'chargeInvoices', 0, 'array') as unknown[]).map(chargeOf),
		skipped: (jsonParameter(context, 'skippedInvoices', 0, 'array') as unknown[]).map(skipOf),
	};
}

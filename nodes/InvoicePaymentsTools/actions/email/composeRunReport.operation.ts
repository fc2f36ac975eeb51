import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { composeRunReport } from '../../../core/email/runReport';
import type { RunReportInput, RunReportPayment } from '../../../core/email/runReport';
import { jsonParameter } from '../../helpers/parameters';
import {
	composeReportItem,
	reportAddressProperty,
	reportOptionsProperty,
	skipOf,
	skippedInvoicesProperty,
} from '../../helpers/runReports';

const properties: INodeProperties[] = [
	reportAddressProperty,
	{
		displayName: 'Run Summary',
		name: 'runSummary',
		type: 'json',
		default: '={{ $json }}',
		description: "The Auto-Pay Scan's Run Summary item",
	},
	{
		displayName: 'Payments',
		name: 'payments',
		type: 'json',
		default: '[]',
		description:
			'The payment records of the run (a list), e.g. the items of the Stripe Invoice Payment node',
	},
	skippedInvoicesProperty,
	reportOptionsProperty,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['email'], operation: ['composeRunReport'] } },
	properties,
);

/** One report for the whole run (parameters read once): the email for n8n's Send Email node. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return composeReportItem(this, items, (common) =>
		composeRunReport({
			...common,
			summary: jsonParameter(this, 'runSummary', 0, 'object') as RunReportInput['summary'],
			payments: jsonParameter(this, 'payments', 0, 'array') as RunReportPayment[],
			skipped: (jsonParameter(this, 'skippedInvoices', 0, 'array') as unknown[]).map(skipOf),
		}),
	);
}

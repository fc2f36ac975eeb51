import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { composeRunReport } from '../../../core/email/runReport';
import type {
	RecoveryEndAction,
	RunReportInput,
	RunReportPayment,
} from '../../../core/email/runReport';
import { jsonParameter } from '../../helpers/parameters';
import {
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
		"The Auto-Pay Scan's Run Summary and Skipped items, the charge node's payment records and its errors (counted as failed), each read for what it is",
	),
	reportAddressProperty,
	{
		displayName: 'Run Summary',
		name: 'runSummary',
		type: 'json',
		default: '={{ $json }}',
		displayOptions: FROM_PARAMETERS,
		description: "The Auto-Pay Scan's Run Summary item",
	},
	{
		displayName: 'Payments',
		name: 'payments',
		type: 'json',
		default: '[]',
		displayOptions: FROM_PARAMETERS,
		description:
			'The payment records of the run (a list), e.g. the items of the Stripe Invoice Payment node',
	},
	skippedInvoicesProperty,
	retryPolicyProperty,
	{
		displayName: 'End Action',
		name: 'endAction',
		type: 'options',
		displayOptions: { show: { retryPolicy: [true] } },
		default: 'leaveOpen',
		options: [
			{
				name: 'Leave Open',
				value: 'leaveOpen',
				description: 'The invoice stays open in the books; the report lists it',
			},
			{
				name: 'Mark in the Books',
				value: 'markInBooks',
				description: "The workflow records the invoice's collection state in the books",
			},
			{
				name: 'Webhook to Your System',
				value: 'webhook',
				description: 'The workflow posts the end of the schedule to your system',
			},
		],
		description:
			'What the workflow does with an invoice whose retry schedule ended unpaid (RETRIES_EXHAUSTED), as its Settings say: the report names it',
	},
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
			...(recordsFrom(this) === 'inputItems' ? fromInputItems(items) : fromParameters(this)),
			...recoveryParameters(this),
		}),
	);
}

function fromInputItems(
	items: INodeExecutionData[],
): Pick<RunReportInput, 'summary' | 'payments' | 'skipped'> {
	const { summary, payments, skipped } = inputRecords(items, 'runReport');
	return { summary: summary as RunReportInput['summary'], payments, skipped };
}

/** Version 1's lists, read as it always read them. */
function fromParameters(
	context: IExecuteFunctions,
): Pick<RunReportInput, 'summary' | 'payments' | 'skipped'> {
	return {
		summary: jsonParameter(context, 'runSummary', 0, 'object') as RunReportInput['summary'],
		payments: jsonParameter(context, 'payments', 0, 'array') as RunReportPayment[],
		skipped: (jsonParameter(context, 'skippedInvoices', 0, 'array') as unknown[]).map(skipOf),
	};
}

/** The retry policy and, with it, the end action the report names. */
function recoveryParameters(context: IExecuteFunctions): Partial<RunReportInput> {
	if (!(context.getNodeParameter('retryPolicy', 0, false) as boolean)) return {};
	return {
		retryPolicy: { retryPolicy: true },
		endAction: context.getNodeParameter('endAction', 0, 'leaveOpen') as RecoveryEndAction,
	};
}

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { composeRunReport } from '../../../core/email';
import type { RunReportInput, RunReportPayment, RunReportSkip } from '../../../core/email';
import { toNodeError } from '../../../shared/nodeErrors';
import { asData, jsonParameter, textParameter } from '../../helpers/parameters';

const properties: INodeProperties[] = [
	{
		displayName: 'Report Address',
		name: 'reportAddress',
		type: 'string',
		required: true,
		placeholder: 'e.g. accounts@yourbusiness.com',
		default: '',
	},
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
	{
		displayName: 'Skipped Invoices',
		name: 'skippedInvoices',
		type: 'json',
		default: '[]',
		description: "The Auto-Pay Scan's Skipped items (a list), each with its autoPay reason",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Business Name',
				name: 'businessName',
				type: 'string',
				default: '',
			},
			{
				displayName: 'Locale',
				name: 'locale',
				type: 'string',
				default: 'en-US',
				description: 'How amounts are shown (BCP 47 tag)',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['email'], operation: ['composeRunReport'] } },
	properties,
);

/** A skipped scan item carries its decision under `autoPay`; a plain {invoiceId, reason} works too. */
function skipOf(value: unknown): RunReportSkip {
	const item = (value ?? {}) as Record<string, unknown>;
	const decision = (item.autoPay ?? item) as Record<string, unknown>;
	return {
		invoiceId: String(decision.invoiceId ?? item.id ?? ''),
		reason: decision.reason as string | undefined,
		message: decision.message as string | undefined,
	};
}

/** One report for the whole run (parameters read once): the email for n8n's Send Email node. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	try {
		const options = this.getNodeParameter('options', 0, {}) as {
			businessName?: string;
			locale?: string;
		};
		const input: RunReportInput = {
			to: textParameter(this, 'reportAddress', 0),
			summary: jsonParameter(this, 'runSummary', 0, 'object') as RunReportInput['summary'],
			payments: jsonParameter(this, 'payments', 0, 'array') as RunReportPayment[],
			skipped: (jsonParameter(this, 'skippedInvoices', 0, 'array') as unknown[]).map(skipOf),
			businessName: options.businessName,
			locale: options.locale,
		};
		return [
			{
				json: asData(composeRunReport(input)),
				pairedItem: items.map((_, item) => ({ item })),
			},
		];
	} catch (error) {
		throw toNodeError(this.getNode(), error, 0);
	}
}

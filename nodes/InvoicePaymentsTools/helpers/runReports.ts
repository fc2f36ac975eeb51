import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { RECORDS_FROM, ReportRecordError, sortReportRecords } from '../../core/email/reportRecords';
import type { RecordsFrom, ReportRecords } from '../../core/email/reportRecords';
import { CoreInputError } from '../../core/errors';
import { fieldLabels, toNodeError } from '../../shared/nodeErrors';
import { asData, textParameter } from './parameters';
import { businessNameOption, localeOption } from '../../shared/presentationOptions';

/** Where a run report or an auto-pay preview goes, and how its amounts read. */
export const reportAddressProperty: INodeProperties = {
	displayName: 'Report Address',
	name: 'reportAddress',
	type: 'string',
	required: true,
	placeholder: 'e.g. accounts@yourbusiness.com',
	default: '',
	description: 'The one email address the report goes to',
};

/** A list parameter is shown only when the records come from lists (always so in version 1). */
export const FROM_PARAMETERS = { show: { recordsFrom: ['parameters'] } };

const recordsFromOption = (inputItems: string): INodeProperties => ({
	displayName: 'Records From',
	name: 'recordsFrom',
	type: 'options',
	noDataExpression: true,
	default: 'inputItems',
	displayOptions: { show: { '@version': [{ _cnd: { gte: 2 } }] } },
	options: [
		{
			name: 'Input Items',
			value: 'inputItems',
			description: `${inputItems}. Where several branches meet, join them with a Merge node (Append).`,
		},
		{
			name: 'Lists in Parameters',
			value: 'parameters',
			description: 'Lists you give by expression, e.g. the items of another node',
		},
	],
	description: "Where the run's records come from",
});

/**
 * Where a report reads its records. Version 1 reads lists in its parameters, as its stored
 * workflows do (a hidden value, so their lists stay shown); from version 2 the user chooses, the
 * input items by default (as n8n's Aggregate and Summarize read theirs).
 */
export const recordsFromProperties = (inputItems: string): INodeProperties[] => [
	{
		displayName: 'Records From',
		name: 'recordsFrom',
		type: 'hidden',
		default: 'parameters',
		displayOptions: { show: { '@version': [1] } },
		description: 'Version 1 reads its records from the lists in its parameters',
	},
	recordsFromOption(inputItems),
];

export const skippedInvoicesProperty: INodeProperties = {
	displayName: 'Skipped Invoices',
	name: 'skippedInvoices',
	type: 'json',
	default: '[]',
	displayOptions: FROM_PARAMETERS,
	description: "The Auto-Pay Scan's Skipped items (a list), each with its autoPay reason",
};

export const reportOptionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [businessNameOption, localeOption],
};

// the parameters both reports share, by the names the editor shows
const reportLabels = fieldLabels([
	recordsFromOption(''),
	reportAddressProperty,
	skippedInvoicesProperty,
	reportOptionsProperty,
]);

interface ReportOptions {
	businessName?: string;
	locale?: string;
}

/**
 * One email item for the whole input, parameters read once (item 0), paired to every input
 * item: the run report and the auto-pay preview.
 */
export function composeReportItem(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	compose: (common: { to: string } & ReportOptions) => object,
): INodeExecutionData[] {
	try {
		const options = context.getNodeParameter('options', 0, {}) as ReportOptions;
		const email = compose({
			to: textParameter(context, 'reportAddress', 0),
			businessName: options.businessName,
			locale: options.locale,
		});
		return [{ json: asData(email), pairedItem: items.map((_, item) => ({ item })) }];
	} catch (error) {
		// a record that is none of the report's names its own item
		const item = error instanceof ReportRecordError ? error.index : 0;
		throw toNodeError(context.getNode(), error, item, reportLabels);
	}
}

/** Where this node reads its records; unset: what its version reads by default. */
export function recordsFrom(context: IExecuteFunctions): RecordsFrom {
	const byVersion: RecordsFrom = context.getNode().typeVersion >= 2 ? 'inputItems' : 'parameters';
	const value = context.getNodeParameter('recordsFrom', 0, byVersion) as unknown;
	if (!RECORDS_FROM.includes(value as RecordsFrom)) {
		throw new CoreInputError(
			'recordsFrom',
			`Must be one of ${RECORDS_FROM.join(', ')}, not "${String(value).slice(0, 40)}"`,
		);
	}
	return value as RecordsFrom;
}

/** The records of the input items, sorted by what each is (nodes/core/email/reportRecords.ts). */
export function inputRecords(
	items: INodeExecutionData[],
	report: Parameters<typeof sortReportRecords>[1],
): ReportRecords {
	return sortReportRecords(
		items.map((item) => item.json),
		report,
	);
}

export { chargeOf, skipOf } from '../../core/email/reportRecords';

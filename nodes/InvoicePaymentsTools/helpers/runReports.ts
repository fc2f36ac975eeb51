import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { PreviewCharge, RunReportSkip } from '../../core/email/runReport';
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

export const skippedInvoicesProperty: INodeProperties = {
	displayName: 'Skipped Invoices',
	name: 'skippedInvoices',
	type: 'json',
	default: '[]',
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
		throw toNodeError(context.getNode(), error, 0, reportLabels);
	}
}

/** A scan item carries its decision under `autoPay`; a plain decision object works too. */
function decisionOf(value: unknown): {
	item: Record<string, unknown>;
	decision: Record<string, unknown>;
} {
	const item = (value ?? {}) as Record<string, unknown>;
	return { item, decision: (item.autoPay ?? item) as Record<string, unknown> };
}

export function skipOf(value: unknown): RunReportSkip {
	const { item, decision } = decisionOf(value);
	return {
		invoiceId: String(decision.invoiceId ?? item.id ?? ''),
		reason: decision.reason as string | undefined,
		message: decision.message as string | undefined,
	};
}

export function chargeOf(value: unknown): PreviewCharge {
	const { item, decision } = decisionOf(value);
	return {
		invoiceId: String(decision.invoiceId ?? item.id ?? ''),
		customerId: String(decision.customerId ?? item.customerId ?? ''),
		amountMinor: decision.amountMinor as number | undefined,
		currency: decision.currency as string | undefined,
		paymentDay: decision.paymentDay as string | undefined,
		daysLate: decision.daysLate as number | undefined,
		paymentMethod: decision.paymentMethod as PreviewCharge['paymentMethod'],
	};
}

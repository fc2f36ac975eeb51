import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { properties } from './description';
import { scanInvoices } from './helpers/scan';
import { choiceLoadOptions } from '../shared/choiceOptions';
import { registerNodeLabels } from '../shared/nodeErrors';

/**
 * Decides which invoices to charge today and why the others are skipped. The node maps n8n in
 * and out; the decisions are the core's (nodes/core/autopay/eligibility.ts).
 */
export class AutoPayScan implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Auto-Pay Scan',
		name: 'autoPayScan',
		icon: {
			light: 'file:../../icons/invoicePayments.svg',
			dark: 'file:../../icons/invoicePayments.dark.svg',
		},
		group: ['transform'],
		// Version 2 picks the time zone and currencies from lists, takes caps and field names as
		// rows; version 1 reads what its stored workflows hold, as it always has.
		version: [1, 2],
		defaultVersion: 2,
		subtitle:
			'={{"on the " + ($parameter["takePaymentOn"] === "dueDate" ? "due date" : "creation date")}}',
		description:
			'Decides which recurring invoices to charge today and why the others are skipped; the Stripe Invoice Payment node charges them',
		defaults: { name: 'Auto-Pay Scan' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Charge', 'Skipped', 'Run Summary'],
		credentials: [
			{
				name: 'stripeInvoicePaymentsApi',
				required: true,
				displayOptions: { show: { checkStripe: [true] } },
			},
		],
		properties,
	};

	methods = {
		loadOptions: choiceLoadOptions,
	};

	constructor() {
		// Errors of any operation name a parameter by its display name.
		registerNodeLabels(this.description);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await scanInvoices.call(this);
	}
}

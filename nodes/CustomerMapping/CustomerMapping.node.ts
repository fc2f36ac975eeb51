import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { settingsCollection } from './actions/common.descriptions';
import * as customer from './actions/customer/Customer.resource';
import * as mapping from './actions/mapping/Mapping.resource';
import { router } from './actions/router';
import { customerListSearch } from '../shared/searchCustomers';
import { registerNodeLabels } from '../shared/nodeErrors';

/**
 * Mapping → Generate by Name has four outputs (Mapped, Already Mapped, Unmatched, Ambiguous); every other
 * operation has one. n8n computes outputs from an expression over the node's parameters, as its
 * Switch node does.
 */
const OUTPUTS =
	`={{$parameter.resource === "mapping" && $parameter.operation === "generate" ? [{"type":"${NodeConnectionTypes.Main}","displayName":"Mapped"},{"type":"${NodeConnectionTypes.Main}","displayName":"Already Mapped"},{"type":"${NodeConnectionTypes.Main}","displayName":"Unmatched"},{"type":"${NodeConnectionTypes.Main}","displayName":"Ambiguous"}] : [{"type":"${NodeConnectionTypes.Main}"}]}}` as const;

export class CustomerMapping implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Customer Mapping',
		name: 'customerMapping',
		icon: {
			light: 'file:../../icons/invoicePayments.svg',
			dark: 'file:../../icons/invoicePayments.dark.svg',
		},
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Map the customers of your books to Stripe customers (generate by exact name, get, create or update, delete, get many) and create or update their Stripe customers',
		defaults: { name: 'Customer Mapping' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: OUTPUTS,
		credentials: [{ name: 'stripeInvoicePaymentsApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Customer', value: 'customer' },
					{ name: 'Mapping', value: 'mapping' },
				],
				default: 'mapping',
			},
			...mapping.description,
			...customer.description,
			settingsCollection,
		],
	};

	constructor() {
		// Errors of any operation name a parameter by its display name.
		registerNodeLabels(this.description);
	}

	methods = {
		listSearch: customerListSearch,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}

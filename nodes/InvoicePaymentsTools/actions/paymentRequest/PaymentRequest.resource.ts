import type { INodeProperties } from 'n8n-workflow';

import * as authorize from './authorize.operation';
import * as selectInvoices from './selectInvoices.operation';

export { authorize, selectInvoices };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['paymentRequest'] } },
		options: [
			{
				name: 'Authorize',
				value: 'authorize',
				description:
					'Decide whether the caller may pay, for which customer: the agent permission and the portal invoice access',
				action: 'Authorize a payment request',
			},
			{
				name: 'Select Invoices',
				value: 'selectInvoices',
				description:
					"Pick the invoices to pay from the customer's invoices: own invoices only, balance above zero, sent to the provider, nothing pending",
				action: 'Select the invoices to pay',
			},
		],
		default: 'authorize',
	},
	...authorize.description,
	...selectInvoices.description,
];

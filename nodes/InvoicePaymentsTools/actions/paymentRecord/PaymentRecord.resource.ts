import type { INodeProperties } from 'n8n-workflow';

import * as matchInvoice from './matchInvoice.operation';

export { matchInvoice };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['paymentRecord'] } },
		options: [
			{
				name: 'Match Invoice',
				value: 'matchInvoice',
				description:
					"Check that a payment record may pay the invoice it names: the invoice's customer, its currency, what is owed",
				action: 'Match a payment record to its invoice',
			},
		],
		default: 'matchInvoice',
	},
	...matchInvoice.description,
];

import type { INodeProperties } from 'n8n-workflow';

import * as applyPaymentRecord from './applyPaymentRecord.operation';

export { applyPaymentRecord };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['booksLedger'] } },
		options: [
			{
				name: 'Apply Payment Record',
				value: 'applyPaymentRecord',
				description:
					"The books' rules for a payment record: stored once per payment, final statuses kept, a mismatch kept apart, the invoice following its records",
				action: 'Apply a payment record to the books',
			},
		],
		default: 'applyPaymentRecord',
	},
	...applyPaymentRecord.description,
];

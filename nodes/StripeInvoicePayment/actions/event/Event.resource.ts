import type { INodeProperties } from 'n8n-workflow';

import * as getManySince from './getManySince.operation';

export { getManySince };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['event'] } },
		options: [
			{
				name: 'Get Many Since',
				value: 'getManySince',
				description:
					"Read Stripe's payment events since a cursor as payment records (or sweep the open invoices' payments when Stripe no longer keeps those events)",
				action: 'Get payment events since a cursor',
			},
		],
		default: 'getManySince',
	},
	...getManySince.description,
];

import type { INodeProperties } from 'n8n-workflow';

import * as choose from './choose.operation';

export { choose };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['provider'] } },
		options: [
			{
				name: 'Choose',
				value: 'choose',
				description:
					'Apply the one-provider rule: 360 Payments when connected, else Stripe, never both',
				action: 'Choose the online payment provider',
			},
		],
		default: 'choose',
	},
	...choose.description,
];

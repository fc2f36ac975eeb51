import type { INodeProperties } from 'n8n-workflow';

import * as sync from './sync.operation';

export { sync };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['customer'] } },
		options: [
			{
				name: 'Sync',
				value: 'sync',
				description:
					'Create or update the Stripe customer of a books customer that was created or changed',
				action: 'Sync a customer to stripe',
			},
		],
		default: 'sync',
	},
	...sync.description,
];

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
				name: 'Create or Update',
				value: 'sync',
				description:
					'Create or update the Stripe customer of a books customer that was created or changed',
				// n8n's lint (and its package scanner, which honours no disable comment) lowercases
				// every word of an action, proper nouns too: the action names no provider
				action: 'Create or update a customer',
			},
		],
		default: 'sync',
	},
	...sync.description,
];

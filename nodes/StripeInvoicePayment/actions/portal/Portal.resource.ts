import type { INodeProperties } from 'n8n-workflow';

import * as createLink from './createLink.operation';

export { createLink };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['portal'] } },
		options: [
			{
				name: 'Create Link',
				value: 'createLink',
				description: 'Create a Stripe customer-portal link',
				action: 'Create a customer portal link',
			},
		],
		default: 'createLink',
	},
	...createLink.description,
];

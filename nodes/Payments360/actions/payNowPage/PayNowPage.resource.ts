import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';

export { create };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['payNowPage'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description:
					"The HTML of a web invoice's Pay Now page: the gateway's card form, the invoice shown read-only, the token posted to your webhook",
				action: 'Create a pay now page',
			},
		],
		default: 'create',
	},
	...create.description,
];

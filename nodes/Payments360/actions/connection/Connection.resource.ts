import type { INodeProperties } from 'n8n-workflow';

import * as verify from './verify.operation';

export { verify };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['connection'] } },
		options: [
			{
				name: 'Verify',
				value: 'verify',
				description:
					'Connect Accounts: prove the security key and the token key work, with the reason when they do not',
				action: 'Verify the connection',
			},
		],
		default: 'verify',
	},
	...verify.description,
];

import type { INodeProperties } from 'n8n-workflow';

import * as sign from './sign.operation';
import * as verify from './verify.operation';

export { sign, verify };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['invoiceLink'] } },
		options: [
			{
				name: 'Sign',
				value: 'sign',
				description: 'Make a web invoice link that pays one invoice until it expires',
				action: 'Sign a web invoice link',
			},
			{
				name: 'Verify',
				value: 'verify',
				description: 'Check a web invoice link: valid, not valid (401) or expired (403)',
				action: 'Verify a web invoice link',
			},
		],
		default: 'verify',
	},
	...sign.description,
	...verify.description,
];

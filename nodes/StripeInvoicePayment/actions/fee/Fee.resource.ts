import type { INodeProperties } from 'n8n-workflow';

import * as preview from './preview.operation';

export { preview };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['fee'] } },
		options: [
			{
				name: 'Preview',
				value: 'preview',
				description:
					'Show the invoice amount, the processing fee line and the total, sending nothing',
				action: 'Preview a processing fee',
			},
		],
		default: 'preview',
	},
	...preview.description,
];

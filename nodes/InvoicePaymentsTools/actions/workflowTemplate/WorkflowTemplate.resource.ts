import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';

export { getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['workflowTemplate'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				description:
					"The package's workflows as JSON for n8n's n8n node (Workflow → Create): a books adapter first, then the processes that call it",
				action: 'Get many workflow templates',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
];

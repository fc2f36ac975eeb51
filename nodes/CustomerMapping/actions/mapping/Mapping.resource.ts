import type { INodeProperties } from 'n8n-workflow';

import * as generate from './generate.operation';
import * as get from './get.operation';
import * as list from './list.operation';
import * as remove from './remove.operation';
import * as set from './set.operation';

export { generate, get, list, remove, set };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['mapping'] } },
		options: [
			{
				name: 'Generate Mappings',
				value: 'generate',
				description:
					'Map books customers to the one Stripe customer with exactly the same name; report the others',
				action: 'Generate mappings by name',
			},
			{
				name: 'Get Mapping',
				value: 'get',
				description: 'Get the Stripe customer mapped to a books customer',
				action: 'Get a mapping',
			},
			{
				name: 'List Mappings',
				value: 'list',
				description: 'List every mapped books customer and Stripe customer',
				action: 'List mappings',
			},
			{
				name: 'Remove Mapping',
				value: 'remove',
				description: 'Unmap a books customer; the Stripe customer stays',
				action: 'Remove a mapping',
			},
			{
				name: 'Set Mapping',
				value: 'set',
				description: 'Map a books customer to a Stripe customer by hand',
				action: 'Set a mapping',
			},
		],
		default: 'generate',
	},
	...generate.description,
	...get.description,
	...list.description,
	...remove.description,
	...set.description,
];

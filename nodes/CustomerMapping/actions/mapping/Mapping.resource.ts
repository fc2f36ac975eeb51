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
				name: 'Create or Update',
				value: 'set',
				description:
					'Map a books customer to a Stripe customer by hand, replacing its mapping if any',
				action: 'Create or update a mapping',
			},
			{
				name: 'Delete',
				value: 'remove',
				description: 'Unmap a books customer; the Stripe customer stays',
				action: 'Delete a mapping',
			},
			{
				name: 'Generate by Name',
				value: 'generate',
				description:
					'Map books customers to the one Stripe customer with exactly the same name; report the others',
				action: 'Generate mappings by name',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get the Stripe customer mapped to a books customer',
				action: 'Get a mapping',
			},
			{
				name: 'Get Many',
				value: 'list',
				description: 'Get every mapped books customer and its Stripe customer',
				action: 'Get many mappings',
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

import type { INodeProperties } from 'n8n-workflow';

import * as checkCardExpiry from './checkCardExpiry.operation';
import * as createAddLink from './createAddLink.operation';
import * as getAutomatic from './getAutomatic.operation';
import * as list from './list.operation';
import * as setAutomatic from './setAutomatic.operation';

export { checkCardExpiry, createAddLink, getAutomatic, list, setAutomatic };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['paymentMethod'] } },
		options: [
			{
				name: 'Check Card Expiry',
				value: 'checkCardExpiry',
				description:
					"Check whether the customer's automatic card expires before their next due day (pre-dunning)",
				action: 'Check the automatic card expiry',
			},
			{
				name: 'Create Add-Method Link',
				value: 'createAddLink',
				description: 'Create a page where the customer adds a payment method, as the policy allows',
				action: 'Create an add payment method link',
			},
			{
				name: 'Get Automatic',
				value: 'getAutomatic',
				description: "Get the customer's automatic payment method and its label",
				action: 'Get the automatic payment method',
			},
			{
				name: 'Get Many',
				value: 'list',
				description: "Get the customer's payment methods of the imported types",
				action: 'Get many payment methods',
			},
			{
				name: 'Set Automatic',
				value: 'setAutomatic',
				description: "Make an attached payment method the customer's automatic one",
				action: 'Set the automatic payment method',
			},
		],
		default: 'list',
	},
	...checkCardExpiry.description,
	...createAddLink.description,
	...getAutomatic.description,
	...list.description,
	...setAutomatic.description,
];

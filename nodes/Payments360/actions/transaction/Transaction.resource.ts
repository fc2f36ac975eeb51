import type { INodeProperties } from 'n8n-workflow';

import * as charge from './charge.operation';
import * as findChanged from './findChanged.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as refund from './refund.operation';
import * as voidOperation from './void.operation';

export { charge, findChanged, get, getMany, refund, voidOperation as void };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['transaction'] } },
		options: [
			{
				name: 'Charge Token',
				value: 'charge',
				description:
					'Charge a web invoice with the payment token its Pay Now page posted; never twice for one invoice',
				action: 'Charge a payment token',
			},
			{
				name: 'Find Changed Transactions',
				value: 'findChanged',
				description:
					'Payments made, refunded, voided or charged back in a time window, as payment records for the books (reconciliation)',
				action: 'Find changed transactions',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a transaction by its ID',
				action: 'Get a transaction',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List transactions of an invoice (order ID) or of a date range',
				action: 'Get many transactions',
			},
			{
				name: 'Refund',
				value: 'refund',
				description: 'Refund all or part of a settled payment',
				action: 'Refund a transaction',
			},
			{
				name: 'Void',
				value: 'void',
				description: 'Cancel a payment that has not settled yet, in full',
				action: 'Void a transaction',
			},
		],
		default: 'charge',
	},
	...charge.description,
	...findChanged.description,
	...get.description,
	...getMany.description,
	...refund.description,
	...voidOperation.description,
];

import type { INodeProperties } from 'n8n-workflow';

import type { MoneyMovingOperation } from '../../../shared/moneyMoving';
import { moneyMovingProperties } from '../../../shared/moneyMoving';

import * as charge from './charge.operation';
import * as findChanged from './findChanged.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as refund from './refund.operation';
import * as voidOperation from './void.operation';

export { charge, findChanged, get, getMany, refund, voidOperation as void };

/** Charge Token, Refund and Void move money (see nodes/shared/moneyMoving.ts). */
export const moneyMoving: MoneyMovingOperation[] = [
	{
		resource: 'transaction',
		operation: 'charge',
		effect: 'charges the card behind the payment token now',
		irreversible: false,
		undo: 'A charge cannot be undone, only voided before it settles or refunded after.',
	},
	{
		resource: 'transaction',
		operation: 'refund',
		effect: 'sends money back to the card of a settled payment',
		irreversible: true,
	},
	{
		resource: 'transaction',
		operation: 'void',
		effect:
			'cancels a payment that has not settled yet, in full, so the customer is not charged by it',
		irreversible: true,
	},
];

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
					'Moves money: charges a web invoice with the payment token its Pay Now page posted; never twice for one invoice',
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
				description:
					'Moves money: refunds all or part of a settled payment to the card. Cannot be undone.',
				action: 'Refund a transaction irreversibly',
			},
			{
				name: 'Void',
				value: 'void',
				description:
					'Moves money: cancels a payment that has not settled yet, in full, so the customer is not charged by it. Cannot be undone.',
				action: 'Void a transaction irreversibly',
			},
		],
		default: 'charge',
	},
	...moneyMovingProperties(moneyMoving),
	...charge.description,
	...findChanged.description,
	...get.description,
	...getMany.description,
	...refund.description,
	...voidOperation.description,
];

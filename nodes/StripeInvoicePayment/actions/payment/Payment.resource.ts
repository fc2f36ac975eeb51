import type { INodeProperties } from 'n8n-workflow';

import type { MoneyMovingOperation } from '../../../shared/moneyMoving';
import { moneyMovingProperties } from '../../../shared/moneyMoving';

import * as cancel from './cancel.operation';
import * as chargeAutoPay from './chargeAutoPay.operation';
import * as get from './get.operation';
import * as payInvoice from './payInvoice.operation';
import * as payInvoicesTogether from './payInvoicesTogether.operation';
import * as refund from './refund.operation';

export { cancel, chargeAutoPay, get, payInvoice, payInvoicesTogether, refund };

/** Every payment operation but Get moves money (see nodes/shared/moneyMoving.ts). */
export const moneyMoving: MoneyMovingOperation[] = [
	{
		resource: 'payment',
		operation: 'cancel',
		effect: 'cancels a payment that has not succeeded, so the customer is not charged by it',
		irreversible: true,
	},
	{
		resource: 'payment',
		operation: 'chargeAutoPay',
		effect: "charges the customer's automatic payment method now, without the customer present",
		irreversible: false,
	},
	{
		resource: 'payment',
		operation: 'payInvoice',
		effect:
			"charges the customer's payment method now, or sends a pay link through which the customer pays",
		irreversible: false,
	},
	{
		resource: 'payment',
		operation: 'payInvoicesTogether',
		effect:
			"charges the customer's payment method once for all input invoices, or sends one pay link for them",
		irreversible: false,
	},
	{
		resource: 'payment',
		operation: 'refund',
		effect: "sends money back to the customer's payment method",
		irreversible: true,
	},
];

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['payment'] } },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				description:
					'Moves money: cancels a payment that has not succeeded, where Stripe allows it, so the customer is not charged by it. Cannot be undone.',
				action: 'Cancel a payment irreversibly',
			},
			{
				name: 'Charge Scanned Invoice',
				value: 'chargeAutoPay',
				description:
					'Moves money: charges an invoice the Auto-Pay Scan decided to charge, exactly as it decided (amount, customer, method, idempotency key), without the customer present',
				action: 'Charge a scanned invoice',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get the current payment record of a payment or of an invoice',
				action: 'Get a payment',
			},
			{
				name: 'Pay Invoice',
				value: 'payInvoice',
				description:
					'Moves money: pays one invoice per item by charging a payment method now, or sends a pay link',
				action: 'Charge or send a pay link for an invoice',
			},
			{
				name: 'Pay Invoices Together',
				value: 'payInvoicesTogether',
				description:
					'Moves money: pays all input invoices of one customer in one payment (a charge now, or one pay link), one record per invoice',
				action: 'Charge or send a pay link for invoices together',
			},
			{
				name: 'Refund',
				value: 'refund',
				description:
					"Moves money: refunds all or part of a payment to the customer's payment method. Cannot be undone.",
				action: 'Refund a payment irreversibly',
			},
		],
		default: 'payInvoice',
	},
	...moneyMovingProperties(moneyMoving),
	...cancel.description,
	...chargeAutoPay.description,
	...get.description,
	...payInvoice.description,
	...payInvoicesTogether.description,
	...refund.description,
];

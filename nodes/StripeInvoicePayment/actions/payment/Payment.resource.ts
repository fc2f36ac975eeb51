import type { INodeProperties } from 'n8n-workflow';

import * as cancel from './cancel.operation';
import * as chargeAutoPay from './chargeAutoPay.operation';
import * as get from './get.operation';
import * as payInvoice from './payInvoice.operation';
import * as payInvoicesTogether from './payInvoicesTogether.operation';
import * as refund from './refund.operation';

export { cancel, chargeAutoPay, get, payInvoice, payInvoicesTogether, refund };

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
				description: 'Cancel a payment that has not succeeded, where Stripe allows it',
				action: 'Cancel a payment',
			},
			{
				name: 'Charge Scanned Invoice',
				value: 'chargeAutoPay',
				description:
					'Charge an invoice the Auto-Pay Scan decided to charge, exactly as it decided (amount, customer, method, idempotency key)',
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
				description: 'Pay one invoice per item: charge a method, or send a pay link',
				action: 'Pay an invoice',
			},
			{
				name: 'Pay Invoices Together',
				value: 'payInvoicesTogether',
				description:
					'Pay all input invoices of one customer in one payment, one record per invoice',
				action: 'Pay invoices together',
			},
			{
				name: 'Refund',
				value: 'refund',
				description: 'Refund all or part of a payment',
				action: 'Refund a payment',
			},
		],
		default: 'payInvoice',
	},
	...cancel.description,
	...chargeAutoPay.description,
	...get.description,
	...payInvoice.description,
	...payInvoicesTogether.description,
	...refund.description,
];

import type { INodeProperties } from 'n8n-workflow';

import * as composePaymentEmails from './composePaymentEmails.operation';
import * as composeRunReport from './composeRunReport.operation';

export { composePaymentEmails, composeRunReport };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['email'] } },
		options: [
			{
				name: 'Compose Payment Emails',
				value: 'composePaymentEmails',
				description:
					'Turn payment records into "Payment Confirmation" and "Payment Failure" emails as the email setting says',
				action: 'Compose payment emails',
			},
			{
				name: 'Compose Run Report',
				value: 'composeRunReport',
				description: 'One email reporting an auto-pay run: payments, and skipped invoices with why',
				action: 'Compose an auto pay run report',
			},
		],
		default: 'composePaymentEmails',
	},
	...composePaymentEmails.description,
	...composeRunReport.description,
];

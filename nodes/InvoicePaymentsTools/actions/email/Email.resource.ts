import type { INodeProperties } from 'n8n-workflow';

import * as composeAutoPayPreview from './composeAutoPayPreview.operation';
import * as composeCardExpiryNotice from './composeCardExpiryNotice.operation';
import * as composePaymentEmails from './composePaymentEmails.operation';
import * as composePaymentMismatchNotice from './composePaymentMismatchNotice.operation';
import * as composeRunReport from './composeRunReport.operation';

export {
	composeAutoPayPreview,
	composeCardExpiryNotice,
	composePaymentEmails,
	composePaymentMismatchNotice,
	composeRunReport,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['email'] } },
		options: [
			{
				name: 'Compose Auto-Pay Preview',
				value: 'composeAutoPayPreview',
				description:
					'One email saying what the next auto-pay run would charge (a dry run), and what it would skip',
				// n8n's lint (and its package scanner, which honours no disable comment) would drop the
				// hyphen of "auto-pay", the package's one word for it: the action avoids the word
				action: 'Compose a preview of the next run',
			},
			{
				name: 'Compose Card Expiry Notice',
				value: 'composeCardExpiryNotice',
				description:
					'Turn a card expiry check into a "Card Expiry Notice" asking the customer for a new card before their next payment (pre-dunning)',
				action: 'Compose a card expiry notice',
			},
			{
				name: 'Compose Payment Emails',
				value: 'composePaymentEmails',
				description:
					'Turn payment records into "Payment Confirmation" and "Payment Failure" emails as the email setting says',
				action: 'Compose payment emails',
			},
			{
				name: 'Compose Payment Mismatch Notice',
				value: 'composePaymentMismatchNotice',
				description:
					'Turn a payment record that does not match its invoice into a notice for the failure address',
				action: 'Compose a payment mismatch notice',
			},
			{
				name: 'Compose Run Report',
				value: 'composeRunReport',
				description: 'One email reporting an auto-pay run: payments, and skipped invoices with why',
				action: 'Compose a run report',
			},
		],
		default: 'composePaymentEmails',
	},
	...composeAutoPayPreview.description,
	...composeCardExpiryNotice.description,
	...composePaymentEmails.description,
	...composePaymentMismatchNotice.description,
	...composeRunReport.description,
];

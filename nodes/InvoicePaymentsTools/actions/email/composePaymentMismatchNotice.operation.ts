import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { composePaymentMismatchNotice } from '../../../core/email/mismatchNotice';
import type { PaymentMismatchNoticeInput } from '../../../core/email/mismatchNotice';
import { fieldLabels, toNodeError } from '../../../shared/nodeErrors';
import { asData, jsonParameter, textParameter } from '../../helpers/parameters';
import { reportOptionsProperty } from '../../helpers/runReports';
import { invoiceNumberProperty } from './composePaymentEmails.operation';

const properties: INodeProperties[] = [
	{
		displayName: 'Payment Record',
		name: 'paymentRecord',
		type: 'json',
		required: true,
		default: '={{ $json.record }}',
		description:
			'The payment record that does not match its invoice (the Mismatch output of Payment Record → Match Invoice)',
	},
	{
		displayName: 'Mismatch Reasons',
		name: 'reasons',
		type: 'json',
		default: '={{ $json.reasons }}',
		description: 'Why it does not match: a list of { code, message }, as Match Invoice gives them',
	},
	{
		displayName: 'Status Is New',
		name: 'statusIsNew',
		type: 'boolean',
		default: true,
		description:
			"Whether the books did not keep this status of the payment yet (their answer's statusChanged). Off sends nothing, so each status is told once.",
	},
	{
		displayName: 'Failure Address',
		name: 'failureAddress',
		type: 'string',
		placeholder: 'e.g. accounts@yourbusiness.com',
		default: '',
		description: 'The notice goes here, and only here; empty sends none',
	},
	invoiceNumberProperty,
	{
		displayName: 'Customer Name',
		name: 'customerName',
		type: 'string',
		default: '',
		description: "The invoice's customer as the books name it (not whoever paid)",
	},
	reportOptionsProperty,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['email'], operation: ['composePaymentMismatchNotice'] } },
	properties,
);

const labels = fieldLabels(properties, {
	amount: 'Payment Record',
	fee: 'Payment Record',
	total: 'Payment Record',
});

const NOTICE = 0;
const NO_EMAIL = 1;

/**
 * One payment record kept as a mismatch per item -> the internal notice (to, subject, text,
 * html) for n8n's Send Email node, or No Email with the reason (told already, no failure
 * address). With Continue On Fail a bad item goes to No Email carrying its error.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const outputs: INodeExecutionData[][] = [[], []];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const options = this.getNodeParameter('options', itemIndex, {}) as {
				businessName?: string;
				locale?: string;
			};
			const notice = composePaymentMismatchNotice({
				record: jsonParameter(
					this,
					'paymentRecord',
					itemIndex,
					'object',
				) as PaymentMismatchNoticeInput['record'],
				reasons: jsonParameter(
					this,
					'reasons',
					itemIndex,
					'array',
				) as PaymentMismatchNoticeInput['reasons'],
				statusIsNew: this.getNodeParameter('statusIsNew', itemIndex, true) as boolean,
				failureAddress: textParameter(this, 'failureAddress', itemIndex),
				invoiceNumber: textParameter(this, 'invoiceNumber', itemIndex),
				customerName: textParameter(this, 'customerName', itemIndex),
				businessName: options.businessName,
				locale: options.locale,
			});
			outputs[notice.send ? NOTICE : NO_EMAIL].push({
				json: asData(notice),
				pairedItem: { item: itemIndex },
			});
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex, labels);
			if (!this.continueOnFail()) throw nodeError;
			outputs[NO_EMAIL].push({
				json: { send: false, error: nodeError.message, itemIndex },
				pairedItem: { item: itemIndex },
			});
		}
	}
	return outputs;
}

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { applyPaymentReports, LedgerInputError } from '../../../core/books/ledger';
import type { LedgerInvoice, PaymentReportInput, StoredRecord } from '../../../core/books/ledger';
import { fieldLabels, toNodeError } from '../../../shared/nodeErrors';
import { asData, jsonParameter, textParameter } from '../../helpers/parameters';

const properties: INodeProperties[] = [
	{
		displayName: 'Payment Record',
		name: 'paymentRecord',
		type: 'json',
		required: true,
		default: '={{ $json.payment }}',
		description:
			'The payment record reported to the books (paymentId, status, customer, amount, fee, total; a refund report with refund)',
	},
	{
		displayName: 'Invoice',
		name: 'invoice',
		type: 'json',
		required: true,
		default: '={{ $json.invoice }}',
		description:
			'The invoice the record is for, as the books hold it: ID, number, customerId, currency, total, balance, status, paymentStatus',
	},
	{
		displayName: 'Payment Records',
		name: 'payments',
		type: 'json',
		default: '={{ $json.payments }}',
		description: "The invoice's payment records as the books hold them (a list, oldest first)",
	},
	{
		displayName: 'Payment Mismatches',
		name: 'mismatches',
		type: 'json',
		default: '={{ $json.mismatches }}',
		description:
			"The invoice's records the books keep as mismatches (a list): a payment kept so never counts later",
	},
	{
		displayName: 'Same Payment on Other Invoices',
		name: 'samePaymentElsewhere',
		type: 'json',
		default: '={{ $json.samePaymentElsewhere }}',
		description:
			"The records the books hold of this payment for other invoices (a list): a combined payment's lines never add up to more than it took",
	},
	{
		displayName: 'Stripe Customer ID',
		name: 'stripeCustomerId',
		type: 'string',
		default: '={{ $json.stripeCustomerId }}',
		placeholder: 'e.g. cus_PaxGvWzKHtT9Lk',
		description:
			"The Stripe customer the books hold for the invoice's customer. Empty: none, so a Stripe customer alone identifies nobody.",
	},
	{
		displayName: 'Mismatch Reasons',
		name: 'reasons',
		type: 'json',
		default: '={{ $json.reasons }}',
		description:
			'None (empty): the record is matched against the invoice. A list of { code, message }: the caller found it not matching, so it is kept apart with these reasons (an empty list is refused).',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['booksLedger'], operation: ['applyPaymentRecord'] } },
	properties,
);

const labels = fieldLabels(properties, { payment: 'Payment Record' });

/** A list parameter; none given (an expression finding no field) is an empty list. */
function listOrEmpty(context: IExecuteFunctions, name: string, itemIndex: number): StoredRecord[] {
	const value = context.getNodeParameter(name, itemIndex, []) as unknown;
	if (value === undefined || value === null) return [];
	return jsonParameter(context, name, itemIndex, 'array') as StoredRecord[];
}

/**
 * One item per record: what to store (`list`: payments or mismatches, `record`), the invoice
 * after it, created / statusChanged / previousStatus, and the reasons a mismatch is kept for.
 * The items of one run are applied in order, each seeing what the earlier ones stored (two
 * reports of one payment, a combined payment's lines). With Continue On Fail a record the books
 * refuse as it is comes out as `{ error, code }` and changes nothing.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const now = new Date().toISOString();
	const read: Array<{ itemIndex: number; input: PaymentReportInput }> = [];
	const output: INodeExecutionData[] = [];
	const refuse = (itemIndex: number, error: unknown) => {
		const nodeError = toNodeError(this.getNode(), error, itemIndex, labels);
		if (!this.continueOnFail()) throw nodeError;
		output[itemIndex] = {
			json: {
				error: nodeError.message,
				code: error instanceof LedgerInputError ? error.code : null,
			},
			pairedItem: { item: itemIndex },
		};
	};
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const stripeCustomerId = textParameter(this, 'stripeCustomerId', itemIndex);
			read.push({
				itemIndex,
				input: {
					report: jsonParameter(this, 'paymentRecord', itemIndex, 'object'),
					invoice: jsonParameter(this, 'invoice', itemIndex, 'object') as LedgerInvoice,
					payments: listOrEmpty(this, 'payments', itemIndex),
					mismatches: listOrEmpty(this, 'mismatches', itemIndex),
					samePaymentElsewhere: listOrEmpty(this, 'samePaymentElsewhere', itemIndex),
					stripeCustomerId: stripeCustomerId === '' ? null : stripeCustomerId,
					reasons: jsonParameter(this, 'reasons', itemIndex, 'any'),
					now,
				},
			});
		} catch (error) {
			refuse(itemIndex, error);
		}
	}
	const results = applyPaymentReports(read.map(({ input }) => input));
	read.forEach(({ itemIndex }, index) => {
		const result = results[index];
		if (!result.ok) return refuse(itemIndex, result.error);
		output[itemIndex] = { json: asData(result.outcome), pairedItem: { item: itemIndex } };
	});
	return output;
}

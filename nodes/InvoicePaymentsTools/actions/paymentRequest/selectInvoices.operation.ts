import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { selectInvoicesToPay } from '../../../core/payments/paymentRequest';
import type { BooksInvoice } from '../../../core/payments/paymentRequest';
import { CoreInputError } from '../../../core/errors';
import { toNodeError } from '../../../shared/nodeErrors';
import { asData, jsonParameter, textParameter } from '../../helpers/parameters';

const properties: INodeProperties[] = [
	{
		displayName: 'Customer ID',
		name: 'customerId',
		type: 'string',
		required: true,
		default: '',
		description: 'The customer the caller may pay for (from Authorize)',
	},
	{
		displayName: 'Invoice IDs',
		name: 'invoiceIds',
		type: 'json',
		default: 'null',
		description:
			'The invoices asked for (a list), or null for every outstanding invoice of the customer (from Authorize)',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['paymentRequest'], operation: ['selectInvoices'] } },
	properties,
);

/**
 * The input items are the customer's invoices as the books list them (items without an id,
 * such as the empty item n8n emits for an empty answer, are ignored). Pay: one item per invoice
 * to pay, in one currency; Refused: one item with httpStatus (403, 409, 422), code and message.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	try {
		const invoiceIds = jsonParameter(this, 'invoiceIds', 0, 'any');
		if (invoiceIds !== null && !Array.isArray(invoiceIds)) {
			throw new CoreInputError('invoiceIds', 'Must be a list of invoice IDs, or null');
		}
		const selection = selectInvoicesToPay({
			customerId: textParameter(this, 'customerId', 0),
			invoiceIds: invoiceIds as string[] | null,
			invoices: items.map((item) => item.json as BooksInvoice),
		});
		const everyItem = items.map((_, item) => ({ item }));
		if (!selection.ok) return [[], [{ json: asData(selection), pairedItem: everyItem }]];
		const indexOf = new Map(items.map((item, index) => [String(item.json.id ?? ''), index]));
		const pay = selection.invoices.map((invoice) => ({
			json: asData({ ...invoice, notIncluded: selection.excluded }),
			pairedItem: { item: indexOf.get(invoice.invoiceId) ?? 0 },
		}));
		return [pay, []];
	} catch (error) {
		throw toNodeError(this.getNode(), error, 0);
	}
}

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	matchPaymentsToInvoices,
	matchPaymentToInvoice,
} from '../../../core/payments/paymentMatch';
import type {
	MatchedInvoice,
	MatchedRecord,
	PaymentMatchInput,
	RecordedPayment,
} from '../../../core/payments/paymentMatch';
import { fieldLabels, toNodeError } from '../../../shared/nodeErrors';
import { asData, jsonParameter, textParameter } from '../../helpers/parameters';

const properties: INodeProperties[] = [
	{
		displayName: 'Payment Record',
		name: 'paymentRecord',
		type: 'json',
		required: true,
		default: '={{ $json }}',
		description:
			"The payment record to check, as the Payment Webhook Trigger or a payment node outputs it (invoiceId, paymentId, status, customer, amount, fee, total; the trigger's paymentAmount and invoiceIds)",
	},
	{
		displayName: 'Invoice',
		name: 'invoice',
		type: 'json',
		required: true,
		default: '{}',
		description:
			'The invoice the record names, as the books answer it: ID, number, customerId, currency, balance',
	},
	{
		displayName: 'Recorded Payments',
		name: 'recordedPayments',
		type: 'json',
		default: '[]',
		description:
			"The invoice's payment records as the books hold them (a list): a later report of a payment they counted must carry the amount they recorded, not the balance left",
	},
	{
		displayName: 'Stripe Customer ID',
		name: 'stripeCustomerId',
		type: 'string',
		default: '',
		placeholder: 'e.g. cus_PaxGvWzKHtT9Lk',
		description:
			"The Stripe customer mapped to the invoice's customer (Customer Mapping → Mapping → Get). Empty: none is mapped, so a Stripe payment of any Stripe customer does not match.",
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['paymentRecord'], operation: ['matchInvoice'] } },
	properties,
);

const labels = fieldLabels(properties, {
	amount: 'Payment Record',
	fee: 'Payment Record',
	total: 'Payment Record',
	paymentAmount: 'Payment Record',
});

const MATCHES = 0;
const MISMATCH = 1;

/**
 * Matches: the records that may be recorded as paying their invoice. Mismatch: the others,
 * with the reasons (code, message) to keep them by and to tell the failure address. Each
 * output item is the verdict with the record it is about (`record`). Records sharing a payment
 * ID are added up against the payment's amount (one webhook's invoices). With Continue On Fail
 * a record that cannot be read goes to Mismatch carrying its error, never to Matches.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const outputs: INodeExecutionData[][] = [[], []];
	const readable: Array<{ itemIndex: number; input: PaymentMatchInput }> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		let record: unknown = null;
		try {
			record = jsonParameter(this, 'paymentRecord', itemIndex, 'object');
			const stripeCustomerId = textParameter(this, 'stripeCustomerId', itemIndex);
			const input: PaymentMatchInput = {
				record: record as MatchedRecord,
				invoice: jsonParameter(this, 'invoice', itemIndex, 'object') as MatchedInvoice,
				recordedPayments: jsonParameter(
					this,
					'recordedPayments',
					itemIndex,
					'array',
				) as RecordedPayment[],
				stripeCustomerId: stripeCustomerId === '' ? null : stripeCustomerId,
			};
			// Read alone first, so what cannot be read is told of its own item.
			matchPaymentToInvoice(input);
			readable.push({ itemIndex, input });
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex, labels);
			if (!this.continueOnFail()) throw nodeError;
			outputs[MISMATCH].push({
				json: { matches: false, error: nodeError.message, record: asData(record) },
				pairedItem: { item: itemIndex },
			});
		}
	}
	const verdicts = matchPaymentsToInvoices(readable.map(({ input }) => input));
	readable.forEach(({ itemIndex, input }, index) => {
		outputs[verdicts[index].matches ? MATCHES : MISMATCH].push({
			json: asData({ ...verdicts[index], record: input.record }),
			pairedItem: { item: itemIndex },
		});
	});
	return outputs;
}

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { feeBreakdown, formatFeePercent, parseFeePercent } from '../../../core/money/fee';
import { assertChargeable, currencyRules, money, parseAmount } from '../../../core/money/money';
import { mapItemsInOrder } from '../../../shared/itemRunner';
import type { PaymentSettings } from '../../helpers/settings';
import { currencyField, feePercentField, invoiceIdField } from '../common.descriptions';

const properties: INodeProperties[] = [
	invoiceIdField,
	{
		displayName: 'Amount',
		name: 'amount',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 1250.00',
		description: 'Invoice amount as a decimal string',
	},
	currencyField,
	feePercentField,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['fee'], operation: ['preview'] } },
	properties,
);

/** The invoice amount, its fee line and the total, per item; nothing is sent to Stripe. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	settings: PaymentSettings,
): Promise<INodeExecutionData[]> {
	return await mapItemsInOrder(this, items.length, items.length, async (itemIndex) => {
		const invoiceId = String(this.getNodeParameter('invoiceId', itemIndex, '')).trim();
		const currency = currencyRules(
			String(this.getNodeParameter('currency', itemIndex, '')) || settings.currency,
		).code;
		const amountMinor = parseAmount(this.getNodeParameter('amount', itemIndex, ''), currency);
		assertChargeable(amountMinor, currency);
		const feeRate = parseFeePercent(this.getNodeParameter('feePercent', itemIndex, '0'));
		const [line] = feeBreakdown([{ invoiceId, amountMinor }], feeRate, currency).lines;
		return [
			{
				json: {
					invoiceId,
					feePercent: formatFeePercent(feeRate),
					amount: { ...money(line.amountMinor, currency) },
					fee: { ...money(line.feeMinor, currency) },
					total: { ...money(line.totalMinor, currency) },
				},
				pairedItem: { item: itemIndex },
			},
		];
	});
}

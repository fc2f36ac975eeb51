import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { assertEmail } from '../../../core/gateway360/charge';
import { payNowPage } from '../../../core/gateway360/payNowPage';
import { money } from '../../../core/money/money';
import { fieldLabels } from '../../../shared/nodeErrors';
import { mapGatewayItems } from '../../helpers/errors';
import { readWebInvoice } from '../../helpers/invoice';
import {
	amountField,
	currencyField,
	customerEmailField,
	surchargePercentField,
	invoiceNumberField,
} from '../common.descriptions';
import type { OperationContext } from '../node.type';
import { localeOption } from '../../../shared/presentationOptions';

const properties: INodeProperties[] = [
	invoiceNumberField,
	amountField,
	currencyField,
	customerEmailField,
	surchargePercentField,
	{
		displayName: 'Post Token To',
		name: 'postUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://n8n.example.com/webhook/pay-now/charge',
		description:
			'Absolute URL the page posts the payment token to: the production URL of the webhook of your Pay Now workflow, which runs Charge Token and answers with its result',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Heading',
				name: 'heading',
				type: 'string',
				default: '',
				placeholder: 'e.g. Acme Services Ltd',
				description: 'Shown above the invoice, e.g. your business name',
			},
			localeOption,
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['payNowPage'], operation: ['create'] } },
	properties,
);

const labels = fieldLabels(properties);

/**
 * One page per item. The HTML carries the public token key (Collect.js needs it in the
 * browser) and never the security key. Send it with "Respond to Webhook" (Respond With: Text,
 * Response Body `{{ $json.html }}`, header Content-Type text/html).
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ client, settings }: OperationContext,
): Promise<INodeExecutionData[]> {
	return await mapGatewayItems(this, items, { client, settings, labels }, async (itemIndex) => {
		const invoice = readWebInvoice(this, itemIndex, settings);
		const { collectJsUrl } = client.transport().endpoints;
		const options = this.getNodeParameter('options', itemIndex, {}) as {
			heading?: string;
			locale?: string;
		};
		const customerEmail = assertEmail(this.getNodeParameter('customerEmail', itemIndex, ''));
		const postUrl = String(this.getNodeParameter('postUrl', itemIndex, ''));
		const html = payNowPage({
			...invoice,
			customerEmail,
			tokenKey: client.tokenKey,
			tokenKeyIsSecurityKey: client.tokenKeyIsSecurityKey,
			collectJsUrl,
			postUrl,
			heading: options.heading,
			locale: options.locale,
		});
		const { currency } = invoice;
		return [
			{
				json: {
					provider: 'gateway360',
					invoiceNumber: invoice.invoiceNumber,
					customerEmail,
					amount: money(invoice.amountMinor, currency),
					fee: money(invoice.feeMinor, currency),
					total: money(invoice.amountMinor + invoice.feeMinor, currency),
					postUrl,
					collectJsUrl,
					html,
				},
				pairedItem: { item: itemIndex },
			},
		];
	});
}

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { composeCardExpiryNotice } from '../../../core/email/cardExpiryNotice';
import type { CardExpiryCheckResult } from '../../../core/email/cardExpiryNotice';
import { fieldLabels, toNodeError } from '../../../shared/nodeErrors';
import { businessNameOption, localeOption } from '../../../shared/presentationOptions';
import { asData, jsonParameter, textParameter } from '../../helpers/parameters';
import { customerContactProperties } from './composePaymentEmails.operation';

const properties: INodeProperties[] = [
	{
		displayName: 'Card Check',
		name: 'cardCheck',
		type: 'json',
		required: true,
		default: '={{ $json }}',
		description:
			'The output of Stripe Invoice Payment → Payment Method → Check Card Expiry (label, goodThrough, nextDueDay, expiresBeforeNextDueDay)',
	},
	...customerContactProperties,
	{
		displayName: 'Update Payment Method URL',
		name: 'updatePaymentMethodUrl',
		type: 'string',
		default: '',
		description: 'Where the customer adds a new card (an add-method link); empty offers none',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [businessNameOption, localeOption],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['email'], operation: ['composeCardExpiryNotice'] } },
	properties,
);

const labels = fieldLabels(properties);

const NOTICE = 0;
const NO_NOTICE = 1;

/**
 * One card check per item -> the "Card Expiry Notice" email on Notice, or on No Notice with why
 * (the card is good on the due day, or nobody to send it to). With Continue On Fail a bad item
 * goes to No Notice carrying its error.
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
			const notice = composeCardExpiryNotice({
				check: jsonParameter(this, 'cardCheck', itemIndex, 'object') as CardExpiryCheckResult,
				contact: {
					customerName: textParameter(this, 'customerName', itemIndex),
					customerEmail: textParameter(this, 'customerEmail', itemIndex),
					accountsEmail: textParameter(this, 'accountsEmail', itemIndex),
					accountsCcEmail: textParameter(this, 'accountsCcEmail', itemIndex),
					payingUserEmail: '',
				},
				updatePaymentMethodUrl: textParameter(this, 'updatePaymentMethodUrl', itemIndex),
				businessName: options.businessName,
				locale: options.locale,
			});
			outputs[notice.send ? NOTICE : NO_NOTICE].push({
				json: asData(notice),
				pairedItem: { item: itemIndex },
			});
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex, labels);
			if (!this.continueOnFail()) throw nodeError;
			outputs[NO_NOTICE].push({
				json: { send: false, error: nodeError.message, itemIndex },
				pairedItem: { item: itemIndex },
			});
		}
	}
	return outputs;
}

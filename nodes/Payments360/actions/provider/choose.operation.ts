import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { chooseOnlinePaymentProvider, connectionFlag } from '../../../core/payments/providerChoice';

const properties: INodeProperties[] = [
	{
		displayName: '360 Payments Connected',
		name: 'gateway360Connected',
		type: 'boolean',
		default: false,
		description:
			'Whether online payment through 360 Payments is switched on, usually read from the workflow\'s Settings node. Off is "Disconnect": no Pay Now through 360 Payments.',
	},
	{
		displayName: 'Stripe Connected',
		name: 'stripeConnected',
		type: 'boolean',
		default: false,
		description: 'Whether online payment through Stripe is switched on',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['provider'], operation: ['choose'] } },
	properties,
);

/**
 * Adds the provider a web invoice offers online payment through to each item:
 * `onlinePaymentProvider` ('gateway360' | 'stripe' | 'none'), `payNowOffered`,
 * `ignoredProvider` and `onlinePaymentReason`. Route on it with an If or Switch node.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return items.map((item, itemIndex) => {
		const choice = chooseOnlinePaymentProvider({
			gateway360Connected: connectionFlag(
				this.getNodeParameter('gateway360Connected', itemIndex, false),
			),
			stripeConnected: connectionFlag(this.getNodeParameter('stripeConnected', itemIndex, false)),
		});
		return {
			json: {
				...item.json,
				onlinePaymentProvider: choice.onlinePaymentProvider,
				payNowOffered: choice.payNowOffered,
				ignoredProvider: choice.ignoredProvider,
				onlinePaymentReason: choice.reason,
			},
			pairedItem: { item: itemIndex },
		};
	});
}

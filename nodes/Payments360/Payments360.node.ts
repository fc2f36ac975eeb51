import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { choiceLoadOptions } from '../shared/choiceOptions';
import { gateway360ConnectionTest } from '../shared/gateway360CredentialTest';
import { settingsCollection } from './actions/common.descriptions';
import * as connection from './actions/connection/Connection.resource';
import * as payNowPage from './actions/payNowPage/PayNowPage.resource';
import * as provider from './actions/provider/Provider.resource';
import { router } from './actions/router';
import * as transaction from './actions/transaction/Transaction.resource';
import { registerNodeLabels } from '../shared/nodeErrors';

export class Payments360 implements INodeType {
	description: INodeTypeDescription = {
		displayName: '360 Payments',
		name: 'payments360',
		icon: {
			light: 'file:../../icons/payments360.svg',
			dark: 'file:../../icons/payments360.dark.svg',
		},
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Take web invoice payments through 360 Payments (an NMI-style gateway): connect, Pay Now page, charge, refund, void',
		defaults: { name: '360 Payments' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'payments360Api',
				required: true,
				testedBy: 'gateway360ConnectionTest',
				displayOptions: { hide: { resource: ['provider'] } },
			},
			{
				// Charge Token claims the invoice in Stripe first when Stripe also takes payments.
				name: 'stripeInvoicePaymentsApi',
				required: true,
				displayOptions: {
					show: { resource: ['transaction'], operation: ['charge'], claimInStripe: [true] },
				},
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Connection', value: 'connection' },
					{ name: 'Online Payment Provider', value: 'provider' },
					{ name: 'Pay Now Page', value: 'payNowPage' },
					{ name: 'Transaction', value: 'transaction' },
				],
				default: 'transaction',
			},
			...connection.description,
			...payNowPage.description,
			...transaction.description,
			...provider.description,
			settingsCollection,
		],
	};

	constructor() {
		// Errors of any operation name a parameter by its display name.
		registerNodeLabels(this.description);
	}

	methods = {
		credentialTest: { gateway360ConnectionTest },
		loadOptions: choiceLoadOptions,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}

import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { settingsCollection } from './actions/common.descriptions';
import * as event from './actions/event/Event.resource';
import * as fee from './actions/fee/Fee.resource';
import * as payment from './actions/payment/Payment.resource';
import * as paymentMethod from './actions/paymentMethod/PaymentMethod.resource';
import * as portal from './actions/portal/Portal.resource';
import { router } from './actions/router';
import { choiceLoadOptions } from '../shared/choiceOptions';
import { customerListSearch } from '../shared/searchCustomers';
import { stripePickerListSearch } from '../shared/stripePickers';
import { registerNodeLabels } from '../shared/nodeErrors';

export class StripeInvoicePayment implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Stripe Invoice Payment',
		name: 'stripeInvoicePayment',
		icon: { light: 'file:../../icons/stripe.svg', dark: 'file:../../icons/stripe.dark.svg' },
		group: ['transform'],
		// Version 2: the payment method and payment are pickers (resource locators), which store
		// `{ __rl, mode, value }`; version 1 keeps its ID text fields and reads what it stored.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Take payments for invoices of your books through Stripe',
		defaults: { name: 'Stripe Invoice Payment' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'stripeInvoicePaymentsApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Customer Portal', value: 'portal' },
					{ name: 'Event', value: 'event' },
					{ name: 'Fee', value: 'fee' },
					{ name: 'Payment', value: 'payment' },
					{ name: 'Payment Method', value: 'paymentMethod' },
				],
				default: 'payment',
			},
			...payment.description,
			...paymentMethod.description,
			...portal.description,
			...fee.description,
			...event.description,
			settingsCollection,
		],
	};

	constructor() {
		// Errors of any operation name a parameter by its display name.
		registerNodeLabels(this.description);
	}

	methods = {
		listSearch: { ...customerListSearch, ...stripePickerListSearch },
		loadOptions: choiceLoadOptions,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}

import type { INodeProperties } from 'n8n-workflow';

import { defaultCurrencySetting } from '../../shared/paymentDescriptions';

/** Settings that apply to every operation of the node. */
export const settingsCollection: INodeProperties = {
	// Not "Settings": n8n's node panel has a Settings tab of its own. The name stays "settings".
	displayName: 'Options for All Operations',
	name: 'settings',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	description: 'Apply to every operation of this node',
	displayOptions: { hide: { resource: ['provider'] } },
	options: [
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 20 },
			default: 4,
			description:
				'Items handled at once. Items naming the same invoice are always charged one after the other. Output order equals input order.',
		},
		defaultCurrencySetting,
	],
};

export const invoiceNumberField: INodeProperties = {
	displayName: 'Invoice Number',
	name: 'invoiceNumber',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. INV-1042',
	description: "The web invoice's number, as the customer sees it",
};

export const orderInvoiceIdField: INodeProperties = {
	displayName: 'Invoice ID',
	name: 'invoiceId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. inv-1042',
	description:
		"The invoice's ID in your books; sent to the gateway as the order ID, by which the invoice's payments are found again",
};

export const amountField: INodeProperties = {
	displayName: 'Amount',
	name: 'amount',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 1250.00',
	description:
		'The invoice amount to pay, before any processing fee, as a decimal string. Take it from your books, never from what a browser posted.',
};

export { currencyField } from '../../shared/paymentDescriptions';

export const customerEmailField: INodeProperties = {
	displayName: 'Customer Email',
	name: 'customerEmail',
	type: 'string',
	placeholder: 'name@email.com',
	default: '',
	description: "The customer's email address; the gateway keeps it with the transaction",
};

export const surchargePercentField: INodeProperties = {
	displayName: 'Processing Fee (%)',
	name: 'feePercent',
	// A number field; see the Stripe node's: expressions handing it text still work.
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 4 },
	default: 0,
	description:
		'Added to the invoice as its own line (sent to the gateway as the surcharge); 0 to 100 with up to 4 decimals',
};

export const transactionIdField: INodeProperties = {
	displayName: 'Transaction ID',
	name: 'transactionId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 7000000012',
	description: "The gateway's transaction ID (the payment record's payment ID)",
};

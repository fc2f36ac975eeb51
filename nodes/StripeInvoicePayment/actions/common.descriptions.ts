import { BOOKS_CUSTOMER_METADATA_KEY } from '../../core/payments/invoiceMetadata';
import {
	DEFAULT_IMPORTED_PAYMENT_METHOD_TYPES,
	DEFAULT_REQUESTS_IN_FLIGHT,
	DEFAULT_REQUEST_TIMEOUT_SECONDS,
} from '../../core/defaults';
import type { INodeProperties } from 'n8n-workflow';

import { businessTimeZoneSetting, defaultCurrencySetting } from '../../shared/paymentDescriptions';
import { PAYMENT_METHOD_TYPE_OPTIONS } from '../../shared/paymentMethodTypes';
import { requestsPerSecondSetting } from '../../shared/stripeDescriptions';

/** Settings that apply to every operation of the node. */
export const settingsCollection: INodeProperties = {
	// Not "Settings": n8n's node panel has a Settings tab of its own. The name stays "settings".
	displayName: 'Options for All Operations',
	name: 'settings',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	description: 'Apply to every operation of this node',
	options: [
		{
			displayName: 'Allowed Manual Payment Method Types',
			name: 'allowedManualPaymentMethodTypes',
			type: 'multiOptions',
			options: PAYMENT_METHOD_TYPE_OPTIONS,
			default: [],
			description:
				'Types an agent may charge by hand or a customer may pay with; empty allows every imported type',
		},
		businessTimeZoneSetting,
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 100 },
			default: DEFAULT_REQUESTS_IN_FLIGHT,
			description: 'Requests to Stripe in flight at once. Output order always equals input order.',
		},
		defaultCurrencySetting,
		{
			displayName: 'Mapping Metadata Key',
			name: 'mappingMetadataKey',
			type: 'string',
			default: BOOKS_CUSTOMER_METADATA_KEY,
			description: 'Stripe customer metadata key holding the books customer ID',
		},
		{
			displayName: 'Payment Method Types to Import',
			name: 'importedPaymentMethodTypes',
			type: 'multiOptions',
			options: PAYMENT_METHOD_TYPE_OPTIONS,
			default: [...DEFAULT_IMPORTED_PAYMENT_METHOD_TYPES],
			description: 'The only payment method types customers may use',
		},
		{
			displayName: 'Request Timeout (Seconds)',
			name: 'requestTimeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_REQUEST_TIMEOUT_SECONDS,
			description:
				'How long one request to Stripe may take before it is retried with the same idempotency key',
		},
		requestsPerSecondSetting,
	],
};

export const invoiceIdField: INodeProperties = {
	displayName: 'Invoice ID',
	name: 'invoiceId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. INV-1042',
	description: 'The invoice ID in the books (your PSA, ERP or accounting system)',
};

export { currencyField } from '../../shared/paymentDescriptions';

export const feePercentField: INodeProperties = {
	displayName: 'Processing Fee (%)',
	name: 'feePercent',
	// A number field; the expressions of the shipped workflows still hand it text ("3"), which
	// the fee rule reads the same (n8n checks no type here: the field declares no validateType).
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 4 },
	default: 0,
	description: 'Added to each invoice as its own line; 0 to 100 with up to 4 decimals',
};

import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_MAPPING_METADATA_KEY } from '../../core/stripe/customers';

/** Settings that apply to every operation of the node. */
export const settingsCollection: INodeProperties = {
	displayName: 'Settings',
	name: 'settings',
	type: 'collection',
	placeholder: 'Add Setting',
	default: {},
	description: 'Apply to every operation of this node',
	options: [
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 100 },
			default: 8,
			description: 'Requests to Stripe in flight at once. Output order always equals input order.',
		},
		{
			displayName: 'Mapping Metadata Key',
			name: 'mappingMetadataKey',
			type: 'string',
			default: DEFAULT_MAPPING_METADATA_KEY,
			description:
				'Stripe customer metadata key holding the books customer ID. Every node and workflow of the account must use the same key.',
		},
		{
			displayName: 'Requests per Second',
			name: 'requestsPerSecond',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description:
				"Ceiling on requests started per second; 0 uses Stripe's limit for the key (25 in test mode, 100 live)",
		},
	],
};

export const booksCustomerIdField: INodeProperties = {
	displayName: 'Books Customer ID',
	name: 'booksCustomerId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. CUST-0042',
	description: 'The customer ID in the books (your PSA, ERP or accounting system)',
};

export const booksCustomerNameField: INodeProperties = {
	displayName: 'Name',
	name: 'name',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. Acme Ltd',
	description: "The customer's name in the books",
};

/** A Stripe customer picked by ID or from a list. */
export const stripeCustomerLocator: INodeProperties = {
	displayName: 'Stripe Customer',
	name: 'stripeCustomerId',
	type: 'resourceLocator',
	required: true,
	default: { mode: 'id', value: '' },
	description: 'The Stripe customer to map the books customer to',
	modes: [
		{
			displayName: 'ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. cus_Nk2...',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^cus_[A-Za-z0-9]+$',
						errorMessage: 'Not a Stripe customer ID (cus_...)',
					},
				},
			],
		},
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchCustomers', searchable: true },
		},
	],
};

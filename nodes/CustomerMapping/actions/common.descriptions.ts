import type { INodeProperties } from 'n8n-workflow';

import { BOOKS_CUSTOMER_METADATA_KEY } from '../../core/payments/invoiceMetadata';
import { requestsPerSecondSetting, stripeCustomerModes } from '../../shared/stripeDescriptions';

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
			default: BOOKS_CUSTOMER_METADATA_KEY,
			description:
				'Stripe customer metadata key holding the books customer ID. Every node and workflow of the account must use the same key.',
		},
		requestsPerSecondSetting,
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
	modes: [{ ...stripeCustomerModes.modes[0], displayName: 'ID' }, stripeCustomerModes.modes[1]],
};

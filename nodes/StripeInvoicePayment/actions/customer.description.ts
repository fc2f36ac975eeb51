import type { INodeProperties } from 'n8n-workflow';

import { stripeCustomerModes } from '../../shared/stripeDescriptions';

/** The customer to pay for: by books customer id through the mapping, by Stripe ID, or from a list. */
export const customerLocator: INodeProperties = {
	displayName: 'Customer',
	name: 'customer',
	type: 'resourceLocator',
	required: true,
	default: { mode: 'mapping', value: '' },
	description: 'The customer whose invoices are paid',
	modes: [
		{
			displayName: 'Books Customer ID (Mapped)',
			name: 'mapping',
			type: 'string',
			placeholder: 'e.g. CUST-0042',
			hint: 'Found through the Stripe customer mapped to this books customer',
		},
		...stripeCustomerModes.modes,
	],
};

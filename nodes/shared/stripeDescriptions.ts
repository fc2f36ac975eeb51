import type { INodeProperties, INodePropertyMode } from 'n8n-workflow';

/** The ways to pick a Stripe customer (by ID, from a list), shared by every customer locator. */
export const stripeCustomerModes: { modes: [INodePropertyMode, INodePropertyMode] } = {
	modes: [
		{
			displayName: 'Stripe Customer ID',
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

export const requestsPerSecondSetting: INodeProperties = {
	displayName: 'Requests per Second',
	name: 'requestsPerSecond',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: 0,
	description:
		"Ceiling on requests started per second; 0 uses Stripe's limit for the key (25 in test mode, 100 live)",
};

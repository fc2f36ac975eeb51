import type { INodeProperties } from 'n8n-workflow';

/** The invoice's currency parameter, the same in every node that takes a payment. */
export const currencyField: INodeProperties = {
	displayName: 'Currency',
	name: 'currency',
	type: 'string',
	default: '',
	placeholder: 'e.g. usd',
	description: "Three-letter ISO code; empty uses the node's default currency",
};

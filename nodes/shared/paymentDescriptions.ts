import type { INodeProperties } from 'n8n-workflow';

// Lists loaded from the node (nodes/shared/choiceOptions.ts) follow n8n's convention, which its
// lint reads from the literal: the display name ends "Name or ID" and the description ends with
// how to give a value by expression instead.

/** The invoice's currency parameter, the same in every node that takes a payment. */
export const currencyField: INodeProperties = {
	displayName: 'Currency Name or ID',
	name: 'currency',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getCurrenciesOrDefault' },
	default: '',
	description:
		'The invoice\'s currency, a three-letter ISO code; empty uses the node\'s default currency. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};

/** The node-wide default currency, the same in every node that takes a payment. */
export const defaultCurrencySetting: INodeProperties = {
	displayName: 'Default Currency Name or ID',
	name: 'currency',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getCurrencies' },
	default: 'usd',
	description:
		'Used when an item does not name its invoice\'s currency. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};

/** A time zone of the business's calendar days; empty is the workflow's time zone. */
export const businessTimeZoneSetting: INodeProperties = {
	displayName: 'Business Time Zone Name or ID',
	name: 'timeZone',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getTimeZones' },
	default: '',
	description:
		'IANA time zone (such as America/Chicago) whose calendar day goes into idempotency keys; empty uses the workflow\'s time zone. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};

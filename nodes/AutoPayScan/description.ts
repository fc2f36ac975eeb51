import type { INodeProperties } from 'n8n-workflow';

import { BOOKS_CUSTOMER_METADATA_KEY } from '../core/payments/invoiceMetadata';
import {
	DEFAULT_CATCH_UP_DAYS,
	DEFAULT_GUARD_LOOKBACK_DAYS,
	DEFAULT_IMPORTED_PAYMENT_METHOD_TYPES,
	DEFAULT_RETRY_SCHEDULE_DAYS,
} from '../core/defaults';
import { MAX_RETRY_DAY } from '../core/autopay/retryPolicy';
import { PAYMENT_METHOD_TYPE_OPTIONS } from '../shared/paymentMethodTypes';
import { PER_CUSTOMER_READS_UP_TO } from './helpers/customerFacts';
import {
	INVOICE_FIELD_CHOICES,
	INVOICE_FIELD_DEFAULTS,
	INVOICE_FIELDS,
} from './helpers/invoiceFields';

/** Shown in version 1 only: what stored workflows of that version read, as they read it. */
const VERSION_1 = { show: { '@version': [1] } };
/** Shown from version 2 on. */
const FROM_VERSION_2 = { show: { '@version': [{ _cnd: { gte: 2 } }] } };

/** "recurringInvoiceId" -> "Recurring Invoice ID Field" */
function fieldDisplayName(field: string): string {
	const words = field.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());
	return `${words.replace(/\bId\b/, 'ID')} Field`;
}

const fieldOptions = INVOICE_FIELDS.map((field) => ({
	displayName: fieldDisplayName(field),
	name: field,
	type: 'string' as const,
	default: INVOICE_FIELD_DEFAULTS[field],
	description: `Name (or dot path) of the item field holding the invoice's ${field}`,
}));

/** The options both versions share, written once. */
const addRunSummaryOption: INodeProperties = {
	displayName: 'Add Run Summary',
	name: 'addRunSummary',
	type: 'boolean',
	default: false,
	description:
		'Whether to emit one item on the Run Summary output: counts per reason and totals per currency',
};

const mappingMetadataKeyOption: INodeProperties = {
	displayName: 'Mapping Metadata Key',
	name: 'mappingMetadataKey',
	type: 'string',
	default: BOOKS_CUSTOMER_METADATA_KEY,
	description: 'Stripe customer metadata key holding the books customer ID (Check Stripe)',
};

const maxChargesPerRunOption: INodeProperties = {
	displayName: 'Max Charges per Run',
	name: 'maxChargesPerRun',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 1000,
	description:
		'Most invoices charged in one run; the rest are skipped, with the reason that the run reached its cap',
};

const guardLookbackDaysOption: INodeProperties = {
	displayName: 'Payment Lookback (Days)',
	name: 'guardLookbackDays',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: DEFAULT_GUARD_LOOKBACK_DAYS,
	description: 'How far back payments are read (Check Stripe)',
};

const importedPaymentMethodTypesOption: INodeProperties = {
	displayName: 'Payment Method Types to Import',
	name: 'importedPaymentMethodTypes',
	type: 'multiOptions',
	options: PAYMENT_METHOD_TYPE_OPTIONS,
	default: [...DEFAULT_IMPORTED_PAYMENT_METHOD_TYPES],
	description: 'An automatic method of another type does not count (Check Stripe)',
};

const retryScheduleDaysOption: INodeProperties = {
	displayName: 'Retry Days After the First Failure',
	name: 'retryScheduleDays',
	type: 'string',
	default: DEFAULT_RETRY_SCHEDULE_DAYS.join(', '),
	placeholder: 'e.g. 1, 3, 5, 7, 10, 14',
	description: `The days after the first failed charge on which it is tried again, as whole numbers separated by commas (or a list from an expression), at most ${MAX_RETRY_DAY}. After the last one it is not tried again automatically.`,
};

const retryPolicyOption: INodeProperties = {
	displayName: 'Retry Failed Charges by Schedule',
	name: 'retryPolicy',
	type: 'boolean',
	// DEFAULT_RETRY_POLICY: the lint asks for a literal (test/core/autopay/retryPolicy.test.js)
	default: true,
	description:
		"Whether a failed automatic charge is tried again only on the retry days (Check Stripe), never after a decline the card networks forbid retrying, never more often than they allow, and at once when the customer's automatic payment method changes. Off: tried again every day of the catch-up window.",
};

/**
 * A cap per currency, version 2's way: rows of a currency (Stripe's, from the list) and an amount
 * in that currency as people write it (5000 for USD 5,000.00); the core reads them as it reads
 * version 1's typed caps (nodes/core/autopay/caps.ts).
 */
function currencyCapsOption(
	displayName: string,
	name: string,
	description: string,
	amountDescription: string,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Currency',
		default: {},
		description,
		options: [
			{
				displayName: 'Cap',
				name: 'caps',
				values: [
					{
						displayName: 'Currency Name or ID',
						name: 'currency',
						type: 'options',
						typeOptions: { loadOptionsMethod: 'getCurrencies' },
						default: '',
						description:
							'The currency this cap holds for. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
					},
					{
						displayName: 'Amount',
						name: 'amount',
						type: 'number',
						typeOptions: { minValue: 0, numberPrecision: 3 },
						default: 0,
						description: amountDescription,
					},
				],
			},
		],
	};
}

/** The node's one Options collection, in the version `displayOptions` show it. */
function optionsCollection(
	displayOptions: INodeProperties['displayOptions'],
	options: INodeProperties[],
): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		displayOptions,
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options,
	};
}

/**
 * The Auto-Pay Scan's parameters. Version 1 keeps its typed caps ("usd=5000"), its free-text time
 * zone and currency and a field name per value; version 2 picks them from lists and rows.
 */
export const properties: INodeProperties[] = [
	{
		displayName: 'When to Take Payment',
		name: 'takePaymentOn',
		type: 'options',
		description: 'The day an invoice is charged: the day it was created, or its due date',
		options: [
			{
				name: 'On the Invoice Creation Date',
				value: 'creationDate',
				description: 'The day the invoice was generated from its recurring invoice',
			},
			{ name: 'On the Due Date', value: 'dueDate' },
		],
		default: 'dueDate',
	},
	{
		displayName: 'Business Time Zone',
		name: 'timeZone',
		displayOptions: VERSION_1,
		type: 'string',
		default: '',
		placeholder: 'e.g. America/Chicago',
		description:
			"IANA time zone in which today and every date are judged; empty uses the workflow's",
	},
	{
		displayName: 'Business Time Zone Name or ID',
		name: 'timeZone',
		displayOptions: FROM_VERSION_2,
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getTimeZones' },
		default: '',
		description:
			'The time zone in which today and every invoice date are judged; none chosen uses the workflow\'s time zone (its settings). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'As Of',
		name: 'asOf',
		type: 'string',
		default: '',
		placeholder: 'e.g. 2026-11-23T06:00:00-06:00',
		description:
			'The moment of the run; empty is now. Set it to catch up a missed day or to preview tomorrow.',
	},
	{
		displayName: 'Catch-Up Window (Days)',
		name: 'catchUpDays',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: DEFAULT_CATCH_UP_DAYS,
		description:
			'How many days after its payment day an unpaid invoice is still charged (missed runs)',
	},
	{
		displayName: 'Recurring Invoices Only',
		name: 'recurringOnly',
		type: 'boolean',
		default: true,
		description: 'Whether only invoices generated from a recurring invoice are charged',
	},
	{
		displayName: 'Check Stripe',
		name: 'checkStripe',
		type: 'boolean',
		default: false,
		description: `Whether to read each customer's mapping, automatic payment method, recent payments and open pay links from Stripe and skip what they rule out. Read once per run for the whole account, 100 to a request (a few requests however many customers); with up to ${PER_CUSTOMER_READS_UP_TO} customers due, two requests per customer.`,
	},
	{
		displayName: 'Field Names',
		name: 'fields',
		displayOptions: VERSION_1,
		type: 'collection',
		placeholder: 'Map a Field',
		default: {},
		description: 'Where each invoice value is found in the input items',
		options: fieldOptions,
	},
	{
		displayName: 'Invoice Fields',
		name: 'invoiceFields',
		displayOptions: FROM_VERSION_2,
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Invoice Field',
		default: {},
		description: `Where each invoice value is found in the input items, for the values not in a field of their default name (${INVOICE_FIELDS.join(', ')})`,
		options: [
			{
				displayName: 'Field',
				name: 'fields',
				values: [
					{
						displayName: 'Invoice Field',
						name: 'invoiceField',
						type: 'options',
						options: [...INVOICE_FIELD_CHOICES]
							.sort((a, b) => a.name.localeCompare(b.name))
							.map(({ field, name, description }) => ({ name, value: field, description })),
						default: 'id',
						description: 'The invoice value the scan reads from this field',
					},
					{
						displayName: 'Input Field Name',
						name: 'fieldName',
						type: 'string',
						default: '',
						placeholder: 'e.g. invoice.number',
						hint: 'Enter the field name as text; a dot reads a nested field',
						description: 'The field of the input items that holds this value',
					},
				],
			},
		],
	},
	optionsCollection(VERSION_1, [
		addRunSummaryOption,
		{
			displayName: 'Default Currency',
			name: 'defaultCurrency',
			type: 'string',
			default: '',
			placeholder: 'e.g. usd',
			description: 'Used for invoices without a currency',
		},
		mappingMetadataKeyOption,
		maxChargesPerRunOption,
		{
			displayName: 'Max per Invoice',
			name: 'maxPerInvoice',
			type: 'string',
			default: '',
			placeholder: 'e.g. usd=5000, eur=4500',
			description:
				'Largest balance charged automatically, per currency; other currencies are then skipped',
		},
		{
			displayName: 'Max Total per Run',
			name: 'maxTotalPerRun',
			type: 'string',
			default: '',
			placeholder: 'e.g. usd=250000',
			description: 'Largest total charged in one run, per currency',
		},
		guardLookbackDaysOption,
		importedPaymentMethodTypesOption,
		retryScheduleDaysOption,
		retryPolicyOption,
	]),
	optionsCollection(FROM_VERSION_2, [
		addRunSummaryOption,
		{
			displayName: 'Default Currency Name or ID',
			name: 'defaultCurrency',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getCurrencies' },
			default: '',
			description:
				'The currency of invoices that give none. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		mappingMetadataKeyOption,
		maxChargesPerRunOption,
		currencyCapsOption(
			'Max per Invoice',
			'maxPerInvoice',
			'The largest balance charged automatically, per currency; an invoice over it, or in a currency with no row, is skipped',
			'The largest balance charged in this currency, in the currency itself: 5000 for USD 5,000.00',
		),
		currencyCapsOption(
			'Max Total per Run',
			'maxTotalPerRun',
			'The largest total charged in one run, per currency; the invoices past it, or in a currency with no row, are skipped',
			'The largest total charged in this currency in one run, in the currency itself: 250000 for USD 250,000.00',
		),
		guardLookbackDaysOption,
		importedPaymentMethodTypesOption,
		retryScheduleDaysOption,
		retryPolicyOption,
	]),
];

/**
 * The parameters a node of `version` shows, for errors that name them as its editor does
 * (version 2's pickers are "... Name or ID", n8n's name for a list that also takes an ID).
 */
export function propertiesOfVersion(version: number): INodeProperties[] {
	const hidden = version < 2 ? FROM_VERSION_2 : VERSION_1;
	return properties.filter((property) => property.displayOptions !== hidden);
}

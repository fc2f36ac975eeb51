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
import { INVOICE_FIELD_DEFAULTS, INVOICE_FIELDS } from './helpers/invoiceFields';

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

/** The Auto-Pay Scan's parameters. */
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
		type: 'string',
		default: '',
		placeholder: 'e.g. America/Chicago',
		description:
			"IANA time zone in which today and every date are judged; empty uses the workflow's",
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
		type: 'collection',
		placeholder: 'Map a Field',
		default: {},
		description: 'Where each invoice value is found in the input items',
		options: fieldOptions,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Add Run Summary',
				name: 'addRunSummary',
				type: 'boolean',
				default: false,
				description:
					'Whether to emit one item on the Run Summary output: counts per reason and totals per currency',
			},
			{
				displayName: 'Default Currency',
				name: 'defaultCurrency',
				type: 'string',
				default: '',
				placeholder: 'e.g. usd',
				description: 'Used for invoices without a currency',
			},
			{
				displayName: 'Mapping Metadata Key',
				name: 'mappingMetadataKey',
				type: 'string',
				default: BOOKS_CUSTOMER_METADATA_KEY,
				description: 'Stripe customer metadata key holding the books customer ID (Check Stripe)',
			},
			{
				displayName: 'Max Charges per Run',
				name: 'maxChargesPerRun',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1000,
				description:
					'Most invoices charged in one run; the rest are skipped, with the reason that the run reached its cap',
			},
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
			{
				displayName: 'Payment Lookback (Days)',
				name: 'guardLookbackDays',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_GUARD_LOOKBACK_DAYS,
				description: 'How far back payments are read (Check Stripe)',
			},
			{
				displayName: 'Payment Method Types to Import',
				name: 'importedPaymentMethodTypes',
				type: 'multiOptions',
				options: PAYMENT_METHOD_TYPE_OPTIONS,
				default: [...DEFAULT_IMPORTED_PAYMENT_METHOD_TYPES],
				description: 'An automatic method of another type does not count (Check Stripe)',
			},
			{
				displayName: 'Retry Days After the First Failure',
				name: 'retryScheduleDays',
				type: 'string',
				default: DEFAULT_RETRY_SCHEDULE_DAYS.join(', '),
				placeholder: 'e.g. 1, 3, 5, 7, 10, 14',
				description: `The days after the first failed charge on which it is tried again, as whole numbers separated by commas (or a list from an expression), at most ${MAX_RETRY_DAY}. After the last one it is not tried again automatically.`,
			},
			{
				displayName: 'Retry Failed Charges by Schedule',
				name: 'retryPolicy',
				type: 'boolean',
				// DEFAULT_RETRY_POLICY: the lint asks for a literal (test/core/autopay/retryPolicy.test.js)
				default: true,
				description:
					"Whether a failed automatic charge is tried again only on the retry days (Check Stripe), never after a decline the card networks forbid retrying, never more often than they allow, and at once when the customer's automatic payment method changes. Off: tried again every day of the catch-up window.",
			},
		],
	},
];

import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { createScan } from '../core/autopay/eligibility';
import type { CustomerFacts, Decision, InvoiceField, InvoiceFields } from '../core/autopay/types';
import { parseCurrencyCaps } from '../core/autopay/caps';
import { DEFAULT_MAPPING_METADATA_KEY } from '../core/stripe/customers';
import { DEFAULT_GUARD_LOOKBACK_DAYS } from '../core/stripe/paymentGuards';
import { toNodeError } from '../shared/nodeErrors';
import { PAYMENT_METHOD_TYPE_OPTIONS } from '../shared/paymentMethodTypes';
import { createStripeClient } from '../shared/stripeClient';
import { PER_CUSTOMER_READS_UP_TO, readCustomerFacts } from './customerFacts';

const FIELD_DEFAULTS: Record<InvoiceField, string> = {
	id: 'id',
	customerId: 'customerId',
	balance: 'balance',
	currency: 'currency',
	createdAt: 'createdAt',
	dueDate: 'dueDate',
	recurringInvoiceId: 'recurringInvoiceId',
	status: 'status',
	paymentStatus: 'paymentStatus',
};

interface ScanOptions {
	defaultCurrency?: string;
	maxPerInvoice?: string;
	maxChargesPerRun?: number;
	maxTotalPerRun?: string;
	addRunSummary?: boolean;
	mappingMetadataKey?: string;
	guardLookbackDays?: number;
	importedPaymentMethodTypes?: string[];
}

/** A reader of one field of an item: `a.b.c` paths are split once per run, not per item. */
function fieldReader(path: string): (json: IDataObject) => unknown {
	if (!path.includes('.')) return (json) => json[path];
	const keys = path.split('.');
	return (json) => {
		let value: unknown = json;
		for (const key of keys) {
			if (value === null || typeof value !== 'object') return undefined;
			value = (value as IDataObject)[key];
		}
		return value;
	};
}

const INVOICE_FIELDS = Object.keys(FIELD_DEFAULTS) as InvoiceField[];

/**
 * The invoice values of an item, by the field names of the run. With every name left at its
 * default, the item itself is its InvoiceFields (the same keys, read the same way), so nothing is
 * copied per item.
 */
function invoiceFieldsReader(
	fieldNames: Record<InvoiceField, string>,
): (json: IDataObject) => InvoiceFields {
	if (INVOICE_FIELDS.every((field) => fieldNames[field] === field)) {
		return (json) => json as unknown as InvoiceFields;
	}
	const read = Object.fromEntries(
		INVOICE_FIELDS.map((field) => [field, fieldReader(fieldNames[field])]),
	) as Record<InvoiceField, (json: IDataObject) => unknown>;
	return (json) => ({
		id: read.id(json),
		customerId: read.customerId(json),
		balance: read.balance(json),
		currency: read.currency(json),
		createdAt: read.createdAt(json),
		dueDate: read.dueDate(json),
		recurringInvoiceId: read.recurringInvoiceId(json),
		status: read.status(json),
		paymentStatus: read.paymentStatus(json),
	});
}

/** The books customer id an invoice's Stripe facts are read and found under. */
function booksCustomerId(fields: InvoiceFields): string {
	return String(fields.customerId).trim();
}

// Read once, not per item: the test engine runs nodes in a vm context, where each read of a
// global such as Object costs a call into the context's interceptor.
const { assign } = Object;
const { hasOwnProperty } = Object.prototype;

/**
 * A books read that found no invoice, with "Always Output Data" on, hands on n8n's placeholder:
 * one item with no field. That is no invoice; the run still reports (a summary of nothing).
 */
function withoutEmptyPlaceholder(items: INodeExecutionData[]): INodeExecutionData[] {
	return items.length === 1 && Object.keys(items[0].json).length === 0 && !items[0].binary ? [] : items;
}

/**
 * The output json: `{ ...json, autoPay: decision }`. Built with Object.assign because on the V8
 * of Node 20 a property added to a spread copy gives every copy a hidden class of its own (about
 * 350 extra bytes and several times the time per item, and megamorphic reads in n8n's handling of
 * the output); Object.assign copies the same keys in the same order onto one shared shape. It
 * sets where the spread defines, so an own "__proto__" key (JSON.parse makes them) keeps the spread.
 */
function withDecision(json: IDataObject, decision: Decision): IDataObject {
	if (hasOwnProperty.call(json, '__proto__')) {
		return { ...json, autoPay: decision as unknown as IDataObject };
	}
	const output: IDataObject = assign({}, json);
	output.autoPay = decision as unknown as IDataObject;
	return output;
}

const fieldOptions = (Object.keys(FIELD_DEFAULTS) as InvoiceField[]).map((field) => ({
	displayName: `${field.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase()).replace(/\bId\b/, 'ID')} Field`,
	name: field,
	type: 'string' as const,
	default: FIELD_DEFAULTS[field],
	description: `Name (or dot path) of the item field holding the invoice's ${field}`,
}));

export class AutoPayScan implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Auto-Pay Scan',
		name: 'autoPayScan',
		icon: { light: 'file:../../icons/invoicePayments.svg', dark: 'file:../../icons/invoicePayments.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{"on the " + ($parameter["takePaymentOn"] === "dueDate" ? "due date" : "creation date")}}',
		description:
			'Decides which recurring invoices to charge today and why the others are skipped; the Stripe Invoice Payment node charges them',
		defaults: { name: 'Auto-Pay Scan' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Charge', 'Skipped', 'Run Summary'],
		credentials: [
			{ name: 'stripeInvoicePaymentsApi', required: true, displayOptions: { show: { checkStripe: [true] } } },
		],
		properties: [
			{
				displayName: 'When to Take Payment',
				name: 'takePaymentOn',
				type: 'options',
				options: [
					{ name: 'On the Invoice Creation Date', value: 'creationDate', description: 'The day the invoice was generated from its recurring invoice' },
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
				description: "IANA time zone in which today and every date are judged; empty uses the workflow's",
			},
			{
				displayName: 'As Of',
				name: 'asOf',
				type: 'string',
				default: '',
				placeholder: 'e.g. 2026-11-23T06:00:00-06:00',
				description: 'The moment of the run; empty is now. Set it to catch up a missed day or to preview tomorrow.',
			},
			{
				displayName: 'Catch-Up Window (Days)',
				name: 'catchUpDays',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 3,
				description: 'How many days after its payment day an unpaid invoice is still charged (missed runs)',
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
						description: 'Whether to emit one item on the Run Summary output: counts per reason and totals per currency',
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
						default: DEFAULT_MAPPING_METADATA_KEY,
						description: 'Stripe customer metadata key holding the books customer ID (Check Stripe)',
					},
					{
						displayName: 'Max Charges per Run',
						name: 'maxChargesPerRun',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 1000,
					},
					{
						displayName: 'Max per Invoice',
						name: 'maxPerInvoice',
						type: 'string',
						default: '',
						placeholder: 'e.g. usd=5000, eur=4500',
						description: 'Largest balance charged automatically, per currency; other currencies are then skipped',
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
						default: 45,
						description: 'How far back payments are read (Check Stripe)',
					},
					{
						displayName: 'Payment Method Types to Import',
						name: 'importedPaymentMethodTypes',
						type: 'multiOptions',
						options: PAYMENT_METHOD_TYPE_OPTIONS,
						default: ['card'],
						description: 'An automatic method of another type does not count (Check Stripe)',
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const input = this.getInputData();
		const items = withoutEmptyPlaceholder(input);
		const options = this.getNodeParameter('options', 0, {}) as ScanOptions;
		const fieldNames = { ...FIELD_DEFAULTS, ...(this.getNodeParameter('fields', 0, {}) as Partial<Record<InvoiceField, string>>) };
		const checkStripe = this.getNodeParameter('checkStripe', 0, false) as boolean;
		let scan;
		try {
			const maxCharges = options.maxChargesPerRun;
			scan = createScan({
				takePaymentOn: this.getNodeParameter('takePaymentOn', 0) as 'creationDate' | 'dueDate',
				timeZone: (this.getNodeParameter('timeZone', 0, '') as string) || this.getTimezone(),
				asOf: (this.getNodeParameter('asOf', 0, '') as string) || Date.now(),
				catchUpDays: this.getNodeParameter('catchUpDays', 0, 3) as number,
				recurringOnly: this.getNodeParameter('recurringOnly', 0, true) as boolean,
				checkStripe,
				defaultCurrency: options.defaultCurrency || undefined,
				maxPerInvoice: parseCurrencyCaps(options.maxPerInvoice, 'maxPerInvoice'),
				maxTotalPerRun: parseCurrencyCaps(options.maxTotalPerRun, 'maxTotalPerRun'),
				...(maxCharges ? { maxChargesPerRun: maxCharges } : {}),
				fieldNames,
			});
		} catch (error) {
			throw toNodeError(this.getNode(), error, 0);
		}

		const fieldsOf = invoiceFieldsReader(fieldNames);

		// Check Stripe: what Stripe knows is read before any invoice is decided, once for the run,
		// and only for customers with an invoice still in the running (none: no request at all).
		let factsByCustomer: Map<string, CustomerFacts> | undefined;
		if (checkStripe) {
			const { transport } = await createStripeClient.call(this);
			const inTheRunning = new Set<string>();
			for (const item of items) {
				const fields = fieldsOf(item.json);
				if (scan.needsCustomerFacts(fields)) inTheRunning.add(booksCustomerId(fields));
			}
			const lookbackDays = options.guardLookbackDays ?? DEFAULT_GUARD_LOOKBACK_DAYS;
			factsByCustomer = await readCustomerFacts(
				transport,
				{
					metadataKey: options.mappingMetadataKey || DEFAULT_MAPPING_METADATA_KEY,
					sinceSeconds: Math.floor(Date.now() / 1000) - lookbackDays * 86_400,
					importedTypes: options.importedPaymentMethodTypes?.length ? options.importedPaymentMethodTypes : ['card'],
				},
				inTheRunning,
			);
		}

		const charge: INodeExecutionData[] = [];
		const skipped: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const json = items[itemIndex].json;
			const fields = fieldsOf(json);
			const decision = scan.classify(fields, factsByCustomer?.get(booksCustomerId(fields)));
			(decision.action === 'charge' ? charge : skipped).push({
				json: withDecision(json, decision),
				pairedItem: { item: itemIndex },
			});
		}
		const summary: INodeExecutionData[] = options.addRunSummary
			? [{ json: scan.summary() as unknown as IDataObject, pairedItem: input.map((_, item) => ({ item })) }]
			: [];
		return [charge, skipped, summary];
	}
}

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	ACCOUNTS_CC_EMAIL_METADATA_KEY,
	ACCOUNTS_EMAIL_METADATA_KEY,
	describeCustomer,
	duplicateIdErrors,
	readBooksCustomerRecord,
} from '../../../core/mapping/customerFields';
import type { BooksCustomerRecord } from '../../../core/mapping/customerFields';
import { syncCustomer } from '../../../core/mapping/sync';
import { mapItemsInOrder } from '../../../shared/itemRunner';
import { refuseBadInputUpFront, textParameter } from '../../helpers/input';
import { booksCustomerIdField, booksCustomerNameField } from '../common.descriptions';
import type { OperationContext } from '../node.type';

const ADDRESS_PARAMETERS = {
	line1: 'addressLine1',
	line2: 'addressLine2',
	city: 'city',
	state: 'state',
	postalCode: 'postalCode',
	country: 'country',
} as const;

const properties: INodeProperties[] = [
	booksCustomerIdField,
	booksCustomerNameField,
	{
		displayName: 'Create If Missing',
		name: 'createIfMissing',
		type: 'boolean',
		default: true,
		description:
			'Whether to create a Stripe customer (mapped to the books customer) when none is mapped yet; otherwise the item reports "notMapped"',
	},
	{
		displayName: 'Customer Fields',
		name: 'customerFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description:
			'Fields copied to the Stripe customer. A field added here but empty clears it in Stripe; a field not added is left alone.',
		options: [
			{
				displayName: 'Accounts CC Email',
				name: 'accountsCcEmail',
				type: 'string',
				default: '',
				placeholder: 'e.g. finance@acme.com, controller@acme.com',
				description: `Copied on payment emails; one or more addresses separated by commas. Kept in the Stripe customer's metadata "${ACCOUNTS_CC_EMAIL_METADATA_KEY}".`,
			},
			{
				displayName: 'Accounts Email',
				name: 'accountsEmail',
				type: 'string',
				default: '',
				placeholder: 'e.g. accounts@acme.com',
				description: `The customer's accounts address for payment emails. Kept in the Stripe customer's metadata "${ACCOUNTS_EMAIL_METADATA_KEY}".`,
			},
			{
				displayName: 'Address Line 1',
				name: 'addressLine1',
				type: 'string',
				default: '',
				description: "Copied to the Stripe customer's address",
			},
			{
				displayName: 'Address Line 2',
				name: 'addressLine2',
				type: 'string',
				default: '',
				description: "Copied to the Stripe customer's address",
			},
			{
				displayName: 'City',
				name: 'city',
				type: 'string',
				default: '',
				description: "Copied to the Stripe customer's address",
			},
			{
				displayName: 'Country',
				name: 'country',
				type: 'string',
				default: '',
				placeholder: 'e.g. US',
				description: 'Two-letter ISO country code',
			},
			{
				displayName: 'Description',
				name: 'description',
				type: 'string',
				default: '',
				description: "Copied to the Stripe customer's description, shown in the Stripe Dashboard",
			},
			{
				displayName: 'Email',
				name: 'email',
				type: 'string',
				default: '',
				placeholder: 'name@email.com',
				description:
					"The Stripe customer's email, where Stripe sends its receipts when they are on",
			},
			{
				displayName: 'Phone',
				name: 'phone',
				type: 'string',
				default: '',
				description: "Copied to the Stripe customer's phone number",
			},
			{
				displayName: 'Postal Code',
				name: 'postalCode',
				type: 'string',
				default: '',
				description: "Copied to the Stripe customer's address",
			},
			{
				displayName: 'State',
				name: 'state',
				type: 'string',
				default: '',
				description: 'State, county, province or region',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['customer'], operation: ['sync'] } },
	properties,
);

function readRecord(
	context: IExecuteFunctions,
	itemIndex: number,
): { record?: BooksCustomerRecord; problem?: Error } {
	const fields = context.getNodeParameter('customerFields', itemIndex, {}) as Record<
		string,
		unknown
	>;
	const address: Record<string, unknown> = {};
	for (const [key, parameter] of Object.entries(ADDRESS_PARAMETERS)) {
		if (fields[parameter] !== undefined) address[key] = fields[parameter];
	}
	try {
		const record = readBooksCustomerRecord({
			id: context.getNodeParameter('booksCustomerId', itemIndex, ''),
			name: context.getNodeParameter('name', itemIndex, ''),
			email: fields.email,
			phone: fields.phone,
			description: fields.description,
			address: Object.keys(address).length > 0 ? address : undefined,
			accountsEmail: fields.accountsEmail,
			accountsCcEmail: fields.accountsCcEmail,
		});
		return { record };
	} catch (error) {
		return { problem: error as Error };
	}
}

/**
 * A books customer was created or changed: update its Stripe customer, or create one (mapped to
 * it) when none is mapped and Create If Missing is on. Two syncs of the same new customer at once
 * create one Stripe customer (see core/mapping/sync).
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ stripe, settings, customerLookup }: OperationContext,
): Promise<INodeExecutionData[]> {
	const read = items.map((_, itemIndex) => readRecord(this, itemIndex));
	const sameId = duplicateIdErrors(
		items.map((_, itemIndex) => textParameter(this, 'booksCustomerId', itemIndex)),
	);
	const problems = read.map((entry, itemIndex) => entry.problem ?? sameId[itemIndex]);
	refuseBadInputUpFront(this, problems);

	return await mapItemsInOrder(this, items.length, settings.concurrency, async (itemIndex) => {
		const problem = problems[itemIndex];
		if (problem) throw problem;
		const record = read[itemIndex].record as BooksCustomerRecord;
		const outcome = await syncCustomer(stripe.transport, customerLookup, record, {
			createIfMissing: this.getNodeParameter('createIfMissing', itemIndex, true) as boolean,
		});
		const json = outcome.customer
			? {
					...describeCustomer(outcome.customer, settings.mappingMetadataKey),
					action: outcome.action,
					idempotencyKey: outcome.idempotencyKey,
				}
			: {
					booksCustomerId: record.id,
					stripeCustomerId: null,
					action: outcome.action,
					message: `Books customer ${record.id} is not mapped to a Stripe customer and Create If Missing is off`,
				};
		return [{ json, pairedItem: { item: itemIndex } }];
	});
}

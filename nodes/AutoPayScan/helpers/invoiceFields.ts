import type { IDataObject } from 'n8n-workflow';

import { CoreInputError } from '../../core/errors';
import type { InvoiceField, InvoiceFields } from '../../core/autopay/types';

/** Where each invoice value is found in an item unless the user maps another field. */
export const INVOICE_FIELD_DEFAULTS: Record<InvoiceField, string> = {
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

export const INVOICE_FIELDS = Object.keys(INVOICE_FIELD_DEFAULTS) as InvoiceField[];

/**
 * Each value the scan reads, as version 2's Invoice Fields rows name it: what the editor shows
 * and what it is for.
 */
export const INVOICE_FIELD_CHOICES: ReadonlyArray<{
	field: InvoiceField;
	name: string;
	description: string;
}> = [
	{ field: 'id', name: 'Invoice ID', description: "The invoice's ID in the books" },
	{
		field: 'customerId',
		name: 'Customer ID',
		description: "The books customer's ID, which Check Stripe maps to a Stripe customer",
	},
	{
		field: 'balance',
		name: 'Balance Due',
		description: 'The amount still owed, as a decimal such as 125.00: the amount charged',
	},
	{
		field: 'currency',
		name: 'Currency',
		description: 'The three-letter currency code; empty uses the Default Currency option',
	},
	{
		field: 'createdAt',
		name: 'Creation Date',
		description: 'The day the invoice was created: the payment day when taking payment then',
	},
	{
		field: 'dueDate',
		name: 'Due Date',
		description: 'The day the invoice is due: the payment day when taking payment on it',
	},
	{
		field: 'recurringInvoiceId',
		name: 'Recurring Invoice ID',
		description: 'The recurring invoice it was generated from; empty for a one-off invoice',
	},
	{
		field: 'status',
		name: 'Invoice Status',
		description:
			"The invoice's status in the books: one that says paid, pending or action required is not charged",
	},
	{
		field: 'paymentStatus',
		name: 'Payment Status',
		description: "The invoice's payment status in the books, read as its status is",
	},
];

/** One row of version 2's Invoice Fields: which value, and the input field that holds it. */
export interface InvoiceFieldRow {
	invoiceField?: unknown;
	fieldName?: unknown;
}

/**
 * The field names of a run from version 2's rows: each value the rows name is read from the
 * field given, every other from its default name. A value named twice, or a row without a field
 * name, is refused (`label` names the parameter).
 */
export function fieldNamesFromRows(
	rows: readonly InvoiceFieldRow[] | undefined,
	label = 'invoiceFields',
): Record<InvoiceField, string> {
	const names: Record<InvoiceField, string> = { ...INVOICE_FIELD_DEFAULTS };
	const named = new Set<InvoiceField>();
	for (const [index, row] of (rows ?? []).entries()) {
		const field = row?.invoiceField as InvoiceField;
		const choice = INVOICE_FIELD_CHOICES.find((c) => c.field === field);
		if (choice === undefined) {
			throw new CoreInputError(
				label,
				`Row ${index + 1} names no value the scan reads (${JSON.stringify(row?.invoiceField ?? null)}): pick one from the list`,
			);
		}
		if (named.has(field)) {
			throw new CoreInputError(label, `${choice.name} is mapped twice: keep one row for it`);
		}
		const fieldName = typeof row.fieldName === 'string' ? row.fieldName.trim() : '';
		if (fieldName === '') {
			throw new CoreInputError(
				label,
				`Row ${index + 1} (${choice.name}) has no field name: enter the input field that holds it, such as ${INVOICE_FIELD_DEFAULTS[field]}`,
			);
		}
		named.add(field);
		names[field] = fieldName;
	}
	return names;
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

/**
 * The invoice values of an item, by the field names of the run. With every name left at its
 * default, the item itself is its InvoiceFields (the same keys, read the same way), so nothing is
 * copied per item.
 */
export function invoiceFieldsReader(
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

import type { IDataObject } from 'n8n-workflow';

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

/**
 * Rule 1, the reading of one input item: every value a decision needs, read and checked once
 * (the later rules compare what was read here and never go back to the item). A value a decision
 * cannot do without (id, customerId, currency or the default currency, balance, and the date the
 * mode needs: createdAt or dueDate), missing or unreadable, is the item's INVALID_FIELD skip,
 * naming the first such field in that order. Status words and the recurring invoice id are read
 * too; an unknown status word is no error.
 */
import { asInputError } from '../errors';
import type { BooksStatus, CurrencyMemos, ScanCaches } from './caches';
import { invalidField } from './decisions';
import { hasRecurringId, readId } from './invoiceValues';
import { NO_INVOICE_ID, noCustomerId, unusableField } from './messages';
import type { ScanConfig } from './settings';
import type { InvoiceField, InvoiceFields, SkipDecision } from './types';

const READ: unique symbol = Symbol('read invoice');
const UNREADABLE: unique symbol = Symbol('unreadable invoice');

/** An invoice whose every field could be read: what the rules judge. */
export interface ReadInvoice {
	/** tells a reading from an item's raw fields (classify takes either) */
	kind: typeof READ;
	invoiceId: string;
	/** the books customer */
	customerId: string;
	/** lowercase ISO code */
	currency: string;
	/** the run's memos of that currency (caches.ts) */
	money: CurrencyMemos;
	/** the balance; negative for a credit */
	amountMinor: number;
	/** the payment day (creation or due day, by the mode) as an epoch day in the business zone */
	paymentEpochDay: number;
	/** the same day, YYYY-MM-DD */
	paymentDay: string;
	/** it names a recurring invoice */
	recurring: boolean;
	status: BooksStatus;
	paymentStatus: BooksStatus;
}

/** An item with a value missing or unreadable: its INVALID_FIELD skip. */
export interface UnreadableInvoice {
	kind: typeof UNREADABLE;
	/** the id, when it could be read: a later item with it is still a duplicate */
	invoiceId: string | undefined;
	/** no customer is read for an unreadable invoice */
	customerId?: undefined;
	skip: SkipDecision;
}

export type InvoiceReading = ReadInvoice | UnreadableInvoice;

export function isReadable(reading: InvoiceReading): reading is ReadInvoice {
	return reading.kind === READ;
}

/** Whether a value is a reading (from readInvoice) rather than an item's raw fields. */
export function isReading(value: InvoiceFields | InvoiceReading): value is InvoiceReading {
	const { kind } = value as { kind?: unknown };
	return kind === READ || kind === UNREADABLE;
}

function unreadable(skip: SkipDecision, invoiceId?: string): UnreadableInvoice {
	return { kind: UNREADABLE, invoiceId, skip };
}

export function readInvoice(
	fields: InvoiceFields,
	config: ScanConfig,
	caches: ScanCaches,
): InvoiceReading {
	const { fieldNames } = config;
	const invoiceId = readId(fields.id);
	if (invoiceId === undefined) {
		return unreadable(invalidField(fieldNames.id, NO_INVOICE_ID));
	}
	const customerId = readId(fields.customerId);
	if (customerId === undefined) {
		const message = noCustomerId(invoiceId);
		return unreadable(invalidField(fieldNames.customerId, message, invoiceId), invoiceId);
	}
	let field: InvoiceField = 'currency';
	try {
		const money = caches.currency(fields.currency);
		field = 'balance';
		const amountMinor = caches.balanceMinor(fields.balance, money);
		field = config.dateField;
		const paymentEpochDay = config.calendar.dayOf(fields[field], fieldNames[field]);
		return {
			kind: READ,
			invoiceId,
			customerId,
			currency: money.code,
			money,
			amountMinor,
			paymentEpochDay,
			paymentDay: caches.dayText(paymentEpochDay),
			recurring: hasRecurringId(fields.recurringInvoiceId),
			status: caches.status(fields.status),
			paymentStatus: caches.status(fields.paymentStatus),
		};
	} catch (error) {
		const problem = asInputError(error).message;
		const message = unusableField(invoiceId, fieldNames[field], problem);
		return unreadable(invalidField(fieldNames[field], message, invoiceId), invoiceId);
	}
}

import type { Recovery } from '../autopay/types';
import { CoreInputError } from '../errors';
import type { PreviewCharge, RunReportPayment, RunReportSkip } from './runReport';

/**
 * The records a run report or an auto-pay preview is made of, read one by one as they reach the
 * node (n8n's Aggregate and Summarize take "all input items" alike): each record says what it is.
 *
 * - the Auto-Pay Scan's Run Summary: `scanDay`, `invoices`, `skipped`, no `autoPay`
 * - a skipped invoice: the scan's Skipped item, its decision under `autoPay` (action `skip`)
 * - an invoice to charge: the scan's Charge item (action `charge`); the preview's, not the report's
 * - a payment: a payment record (`status`, and `paymentId` or `invoiceId`); the report's
 * - a charge that failed before any payment: an item with `error` (a node's error output); the
 *   report's, counted as failed
 *
 * An empty item (n8n's "always output data") is no record. Anything else is bad input naming the
 * item, so a wrong branch wired into the node is found at once, not reported as nothing.
 */

/** Where the node reads its records from: its input items, or lists in its parameters (v1). */
export const RECORDS_FROM = ['inputItems', 'parameters'] as const;
export type RecordsFrom = (typeof RECORDS_FROM)[number];

export type ReportRecordKind = 'summary' | 'skip' | 'charge' | 'payment' | 'error' | 'none';

/** Bad input in one record: `index` is the record's place among the records read. */
export class ReportRecordError extends CoreInputError {
	readonly index: number;

	constructor(index: number, message: string) {
		super('recordsFrom', message);
		this.name = 'ReportRecordError';
		this.index = index;
	}
}

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A scan item carries its decision under `autoPay`; a plain decision object works too. */
function decisionOf(value: unknown): { item: Fields; decision: Fields } {
	const item = isObject(value) ? value : {};
	return { item, decision: isObject(item.autoPay) ? item.autoPay : item };
}

/** What one record is, from the fields it carries. */
export function reportRecordKind(value: unknown): ReportRecordKind | null {
	if (!isObject(value)) return null;
	if (Object.keys(value).length === 0) return 'none';
	const error = value.error;
	if (error !== undefined && error !== null && error !== '') return 'error';
	const { decision } = decisionOf(value);
	if (decision.action === 'skip') return 'skip';
	if (decision.action === 'charge') return 'charge';
	if (
		!('autoPay' in value) &&
		typeof value.scanDay === 'string' &&
		typeof value.invoices === 'number' &&
		typeof value.skipped === 'number'
	) {
		return 'summary';
	}
	if (typeof value.status === 'string' && ('paymentId' in value || 'invoiceId' in value)) {
		return 'payment';
	}
	return null;
}

export function skipOf(value: unknown): RunReportSkip {
	const { item, decision } = decisionOf(value);
	return {
		invoiceId: String(decision.invoiceId ?? item.id ?? ''),
		reason: decision.reason as string | undefined,
		message: decision.message as string | undefined,
	};
}

/** The scan's recovery on one of its items (under autoPay), or on a plain decision. */
export function recoveryOf(value: unknown): Partial<Recovery> | null {
	const { decision } = decisionOf(value);
	return isObject(decision.recovery) ? (decision.recovery as Partial<Recovery>) : null;
}

export function chargeOf(value: unknown): PreviewCharge {
	const { item, decision } = decisionOf(value);
	return {
		invoiceId: String(decision.invoiceId ?? item.id ?? ''),
		customerId: String(decision.customerId ?? item.customerId ?? ''),
		amountMinor: decision.amountMinor as number | undefined,
		currency: decision.currency as string | undefined,
		paymentDay: decision.paymentDay as string | undefined,
		daysLate: decision.daysLate as number | undefined,
		paymentMethod: decision.paymentMethod as PreviewCharge['paymentMethod'],
		recovery: recoveryOf(value),
	};
}

/** A charge that failed before any payment: its message, and its invoice when the item names it. */
function failedChargeOf(value: Fields): RunReportPayment {
	const { error } = value;
	const message = isObject(error) && typeof error.message === 'string' ? error.message : error;
	const { decision } = decisionOf(value);
	const invoiceId = decision.invoiceId ?? value.invoiceId;
	return {
		...(typeof invoiceId === 'string' && invoiceId !== '' ? { invoiceId } : {}),
		error: String(message),
	};
}

export interface ReportRecords {
	summary: Fields | null;
	skipped: RunReportSkip[];
	charges: PreviewCharge[];
	payments: RunReportPayment[];
}

const WHAT_EACH_TAKES = {
	runReport:
		"the Auto-Pay Scan's Run Summary and Skipped items, and the charge node's payment records and errors",
	autoPayPreview: "the Auto-Pay Scan's Run Summary, Charge and Skipped items",
} as const;

/**
 * The records of one report, sorted by what each is. `report` says which report reads them: the
 * run report takes payments (and errors), the preview the invoices it would charge.
 */
export function sortReportRecords(
	records: readonly unknown[],
	report: keyof typeof WHAT_EACH_TAKES,
): ReportRecords {
	const sorted: ReportRecords = { summary: null, skipped: [], charges: [], payments: [] };
	records.forEach((record, index) => {
		const kind = reportRecordKind(record);
		const fields = record as Fields;
		const refuse = (what: string) => {
			throw new ReportRecordError(
				index,
				`${what}: this node takes ${WHAT_EACH_TAKES[report]}. Check which branches reach it`,
			);
		};
		switch (kind) {
			case 'none':
				return;
			case 'summary':
				if (sorted.summary !== null) refuse('A second Run Summary (a report covers one scan)');
				sorted.summary = fields;
				return;
			case 'skip':
				sorted.skipped.push(skipOf(fields));
				return;
			case 'charge':
				if (report === 'runReport') {
					refuse('An invoice the scan would charge, not the payment of its charge');
				}
				sorted.charges.push(chargeOf(fields));
				return;
			case 'payment':
			case 'error':
				if (report === 'autoPayPreview') refuse('A payment (the preview charges nothing)');
				sorted.payments.push(
					kind === 'error' ? failedChargeOf(fields) : (fields as RunReportPayment),
				);
				return;
			default:
				refuse('Not a record of an auto-pay run');
		}
	});
	return sorted;
}

import type { IExecuteFunctions } from 'n8n-workflow';

import { BOOKS_CUSTOMER_METADATA_KEY } from '../../core/payments/invoiceMetadata';
import { currencyCapsFromRows, parseCurrencyCaps } from '../../core/autopay/caps';
import type { CurrencyCapRow } from '../../core/autopay/caps';
import { CoreInputError } from '../../core/errors';
import type {
	CurrencyCaps,
	InvoiceField,
	ScanSettings,
	TakePaymentOn,
} from '../../core/autopay/types';
import {
	DEFAULT_CATCH_UP_DAYS,
	DEFAULT_GUARD_LOOKBACK_DAYS,
	DEFAULT_IMPORTED_PAYMENT_METHOD_TYPES,
	DEFAULT_RETRY_POLICY,
} from '../../core/defaults';
import { NETWORK_CAP_WINDOW_DAYS, readRetrySchedule } from '../../core/autopay/retryPolicy';
import type { CustomerFactsSettings } from './customerFacts';
import type { CapsParameter, ScanOptions } from './interfaces';
import type { InvoiceFieldRow } from './invoiceFields';
import { fieldNamesFromRows, INVOICE_FIELD_DEFAULTS } from './invoiceFields';

/**
 * A cap parameter of either version into the core's caps: version 1's text through the typed
 * caps' reader, version 2's rows through the rows' one; settings.ts in the core reads both alike.
 */
function capsOf(
	value: CapsParameter | undefined,
	field: string,
	version: number,
): CurrencyCaps | undefined {
	// A cap that cannot be read stops the run: read as "no cap", it would charge without one.
	if (version < 2) {
		if (value === undefined || typeof value === 'string') return parseCurrencyCaps(value, field);
		throw new CoreInputError(
			field,
			'The caps must be text such as usd=5000, eur=4500 (currency=amount, comma-separated)',
		);
	}
	if (value === undefined) return undefined;
	if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
		const { caps } = value as { caps?: unknown };
		if (caps === undefined && Object.keys(value).length === 0) return undefined;
		if (caps !== undefined) return currencyCapsFromRows(caps as CurrencyCapRow[], field);
	}
	throw new CoreInputError(field, 'The caps must be rows of a currency and an amount');
}

/**
 * The field names of the run: version 1's Field Names (one parameter per value), version 2's
 * Invoice Fields rows; every value not named is read from its default field.
 */
function fieldNamesOf(context: IExecuteFunctions, version: number): Record<InvoiceField, string> {
	if (version < 2) {
		const fields = context.getNodeParameter('fields', 0, {}) as Partial<
			Record<InvoiceField, string>
		>;
		return { ...INVOICE_FIELD_DEFAULTS, ...fields };
	}
	const rows = context.getNodeParameter('invoiceFields.fields', 0, []) as InvoiceFieldRow[];
	return fieldNamesFromRows(rows, 'invoiceFields');
}

/**
 * The scan's settings from the node's parameters (one set per run: item 0). Throws the core's
 * CoreInputError for a cap that cannot be read; createScan checks the rest.
 */
export function scanSettingsFromParameters(
	context: IExecuteFunctions,
	options: ScanOptions,
	checkStripe: boolean,
): ScanSettings & { fieldNames: Record<InvoiceField, string> } {
	const version = context.getNode().typeVersion;
	const maxCharges = options.maxChargesPerRun;
	return {
		takePaymentOn: context.getNodeParameter('takePaymentOn', 0) as TakePaymentOn,
		timeZone: (context.getNodeParameter('timeZone', 0, '') as string) || context.getTimezone(),
		asOf: (context.getNodeParameter('asOf', 0, '') as string) || Date.now(),
		catchUpDays: context.getNodeParameter('catchUpDays', 0, DEFAULT_CATCH_UP_DAYS) as number,
		recurringOnly: context.getNodeParameter('recurringOnly', 0, true) as boolean,
		checkStripe,
		defaultCurrency: options.defaultCurrency || undefined,
		maxPerInvoice: capsOf(options.maxPerInvoice, 'maxPerInvoice', version),
		maxTotalPerRun: capsOf(options.maxTotalPerRun, 'maxTotalPerRun', version),
		...(maxCharges ? { maxChargesPerRun: maxCharges } : {}),
		fieldNames: fieldNamesOf(context, version),
		retryPolicy: options.retryPolicy ?? DEFAULT_RETRY_POLICY,
		retryScheduleDays: readRetrySchedule(options.retryScheduleDays).days,
	};
}

/**
 * What Check Stripe reads, and how far back: from the Options, now as the lookback's end. With
 * the retry policy, never less than an invoice's failed attempts need: its catch-up window and
 * retry schedule, or the card networks' window of reattempts.
 */
export function factsSettingsFromOptions(
	options: ScanOptions,
	catchUpDays: number,
): CustomerFactsSettings {
	let lookbackDays = options.guardLookbackDays ?? DEFAULT_GUARD_LOOKBACK_DAYS;
	if (options.retryPolicy ?? DEFAULT_RETRY_POLICY) {
		const { lastDay } = readRetrySchedule(options.retryScheduleDays);
		lookbackDays = Math.max(lookbackDays, catchUpDays + lastDay + 1, NETWORK_CAP_WINDOW_DAYS + 1);
	}
	return {
		metadataKey: options.mappingMetadataKey || BOOKS_CUSTOMER_METADATA_KEY,
		sinceSeconds: Math.floor(Date.now() / 1000) - lookbackDays * 86_400,
		importedTypes: options.importedPaymentMethodTypes?.length
			? options.importedPaymentMethodTypes
			: DEFAULT_IMPORTED_PAYMENT_METHOD_TYPES,
	};
}

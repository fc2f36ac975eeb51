import type { IExecuteFunctions } from 'n8n-workflow';

import { BOOKS_CUSTOMER_METADATA_KEY } from '../../core/payments/invoiceMetadata';
import { parseCurrencyCaps } from '../../core/autopay/caps';
import type { InvoiceField, ScanSettings, TakePaymentOn } from '../../core/autopay/types';
import {
	DEFAULT_CATCH_UP_DAYS,
	DEFAULT_GUARD_LOOKBACK_DAYS,
	DEFAULT_IMPORTED_PAYMENT_METHOD_TYPES,
	DEFAULT_RETRY_POLICY,
} from '../../core/defaults';
import { NETWORK_CAP_WINDOW_DAYS, readRetrySchedule } from '../../core/autopay/retryPolicy';
import type { CustomerFactsSettings } from './customerFacts';
import type { ScanOptions } from './interfaces';
import { INVOICE_FIELD_DEFAULTS } from './invoiceFields';

/**
 * The scan's settings from the node's parameters (one set per run: item 0). Throws the core's
 * CoreInputError for a cap that cannot be read; createScan checks the rest.
 */
export function scanSettingsFromParameters(
	context: IExecuteFunctions,
	options: ScanOptions,
	checkStripe: boolean,
): ScanSettings & { fieldNames: Record<InvoiceField, string> } {
	const fields = context.getNodeParameter('fields', 0, {}) as Partial<Record<InvoiceField, string>>;
	const maxCharges = options.maxChargesPerRun;
	return {
		takePaymentOn: context.getNodeParameter('takePaymentOn', 0) as TakePaymentOn,
		timeZone: (context.getNodeParameter('timeZone', 0, '') as string) || context.getTimezone(),
		asOf: (context.getNodeParameter('asOf', 0, '') as string) || Date.now(),
		catchUpDays: context.getNodeParameter('catchUpDays', 0, DEFAULT_CATCH_UP_DAYS) as number,
		recurringOnly: context.getNodeParameter('recurringOnly', 0, true) as boolean,
		checkStripe,
		defaultCurrency: options.defaultCurrency || undefined,
		maxPerInvoice: parseCurrencyCaps(options.maxPerInvoice, 'maxPerInvoice'),
		maxTotalPerRun: parseCurrencyCaps(options.maxTotalPerRun, 'maxTotalPerRun'),
		...(maxCharges ? { maxChargesPerRun: maxCharges } : {}),
		fieldNames: { ...INVOICE_FIELD_DEFAULTS, ...fields },
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

import type { CurrencyCapRow } from '../../core/autopay/caps';

/** A cap per currency: version 1's typed text ("usd=5000"), version 2's rows. */
export type CapsParameter = string | { caps?: CurrencyCapRow[] };

/** The scan's Options collection, as n8n hands it over (either version). */
export interface ScanOptions {
	defaultCurrency?: string;
	maxPerInvoice?: CapsParameter;
	maxChargesPerRun?: number;
	maxTotalPerRun?: CapsParameter;
	addRunSummary?: boolean;
	mappingMetadataKey?: string;
	guardLookbackDays?: number;
	importedPaymentMethodTypes?: string[];
	retryPolicy?: boolean;
	/** "1, 3, 5", or a list of days from an expression */
	retryScheduleDays?: string | number[];
}

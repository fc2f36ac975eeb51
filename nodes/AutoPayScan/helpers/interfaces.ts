/** The scan's Options collection, as n8n hands it over. */
export interface ScanOptions {
	defaultCurrency?: string;
	maxPerInvoice?: string;
	maxChargesPerRun?: number;
	maxTotalPerRun?: string;
	addRunSummary?: boolean;
	mappingMetadataKey?: string;
	guardLookbackDays?: number;
	importedPaymentMethodTypes?: string[];
	retryPolicy?: boolean;
	/** "1, 3, 5", or a list of days from an expression */
	retryScheduleDays?: string | number[];
}

import type { IExecuteFunctions } from 'n8n-workflow';

import { BOOKS_CUSTOMER_METADATA_KEY } from '../../core/payments/invoiceMetadata';
import {
	DEFAULT_IMPORTED_PAYMENT_METHOD_TYPES,
	DEFAULT_REQUESTS_IN_FLIGHT,
	DEFAULT_REQUEST_TIMEOUT_SECONDS,
} from '../../core/defaults';

/** The node-level settings, read once per execution. */
export interface PaymentSettings {
	currency: string;
	importedPaymentMethodTypes: string[];
	allowedManualPaymentMethodTypes: string[];
	concurrency: number;
	requestsPerSecond: number;
	mappingMetadataKey: string;
	timeZone: string;
	requestTimeoutSeconds: number;
}

export function readSettings(context: IExecuteFunctions): PaymentSettings {
	const raw = context.getNodeParameter('settings', 0, {}) as Partial<PaymentSettings>;
	const imported = raw.importedPaymentMethodTypes?.length
		? raw.importedPaymentMethodTypes
		: [...DEFAULT_IMPORTED_PAYMENT_METHOD_TYPES];
	return {
		currency: (raw.currency || 'usd').toLowerCase(),
		importedPaymentMethodTypes: imported,
		// The seeds: an empty allowed list means every imported type.
		allowedManualPaymentMethodTypes: raw.allowedManualPaymentMethodTypes?.length
			? raw.allowedManualPaymentMethodTypes.filter((type) => imported.includes(type))
			: imported,
		concurrency:
			raw.concurrency && raw.concurrency > 0 ? raw.concurrency : DEFAULT_REQUESTS_IN_FLIGHT,
		requestsPerSecond: raw.requestsPerSecond ?? 0,
		mappingMetadataKey: raw.mappingMetadataKey || BOOKS_CUSTOMER_METADATA_KEY,
		timeZone: raw.timeZone || context.getTimezone(),
		requestTimeoutSeconds: raw.requestTimeoutSeconds || DEFAULT_REQUEST_TIMEOUT_SECONDS,
	};
}

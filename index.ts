// For integrators who use the package from code: the n8n classes and the core's rules.
export { StripeInvoicePaymentsApi } from './credentials/StripeInvoicePaymentsApi.credentials';
export { StripeInvoicePayment } from './nodes/StripeInvoicePayment/StripeInvoicePayment.node';
export { AutoPayScan } from './nodes/AutoPayScan/AutoPayScan.node';
export { CustomerMapping } from './nodes/CustomerMapping/CustomerMapping.node';

export * from './nodes/core/errors';
export * from './nodes/core/money';
export * from './nodes/core/fee';
export * from './nodes/core/idempotency';
export * from './nodes/core/invoiceMetadata';
export * from './nodes/core/paymentRecord';
export * from './nodes/core/paymentMethodLabel';
export { STRIPE_API_VERSION, StripeTransport } from './nodes/core/stripe/transport';
export type { StripeHttp, StripeHttpRequest, StripeHttpResponse } from './nodes/core/stripe/transport';
export { StripeApiError, StripeConnectionError } from './nodes/core/stripe/errors';
export { encodeForm } from './nodes/core/stripe/form';
export { createRequestLimiter, defaultRequestsPerSecond } from './nodes/core/rateLimiter';
export { createScan, SKIP_REASONS } from './nodes/core/autopay/eligibility';
export type { Decision, ScanSettings, SkipReason } from './nodes/core/autopay/eligibility';
export { businessDate } from './nodes/core/autopay/dates';
export { CustomerMappingLookup, DEFAULT_MAPPING_METADATA_KEY, retrieveCustomer } from './nodes/core/stripe/customers';
export * from './nodes/core/mapping/generate';
export * from './nodes/core/mapping/customerFields';
export { getMapping, setMapping, removeMapping, applyMapping } from './nodes/core/mapping/manage';
export type { MappingChange, MappingFound } from './nodes/core/mapping/manage';
export { syncCustomer, syncCreateKey } from './nodes/core/mapping/sync';
export type { SyncAction, SyncOptions, SyncOutcome } from './nodes/core/mapping/sync';

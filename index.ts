// For integrators who use the package from code: the n8n classes and the core's rules.
export { StripeInvoicePaymentsApi } from './credentials/StripeInvoicePaymentsApi.credentials';
export { Payments360Api } from './credentials/Payments360Api.credentials';
export { InvoiceLinkSigningApi } from './credentials/InvoiceLinkSigningApi.credentials';
export { StripeInvoicePayment } from './nodes/StripeInvoicePayment/StripeInvoicePayment.node';
export { AutoPayScan } from './nodes/AutoPayScan/AutoPayScan.node';
export { CustomerMapping } from './nodes/CustomerMapping/CustomerMapping.node';
export { Payments360 } from './nodes/Payments360/Payments360.node';
export { PaymentWebhookTrigger } from './nodes/PaymentWebhookTrigger/PaymentWebhookTrigger.node';
export { InvoicePaymentsTools } from './nodes/InvoicePaymentsTools/InvoicePaymentsTools.node';

export * from './nodes/core/errors';
export * from './nodes/core/money/money';
export * from './nodes/core/money/fee';
export * from './nodes/core/payments/idempotency';
export * from './nodes/core/payments/invoiceMetadata';
export * from './nodes/core/payments/paymentRecord';
export * from './nodes/core/payments/paymentMethodLabel';
export { STRIPE_API_VERSION, StripeTransport } from './nodes/core/stripe/transport';
export type {
	StripeHttp,
	StripeHttpRequest,
	StripeHttpResponse,
} from './nodes/core/stripe/transport';
export { StripeApiError, StripeConnectionError } from './nodes/core/stripe/errors';
export { encodeForm } from './nodes/core/stripe/form';
export { createRequestLimiter } from './nodes/core/rateLimiter';
export { defaultRequestsPerSecond } from './nodes/core/stripe/rateLimits';
export { createScan } from './nodes/core/autopay/eligibility';
export { SKIP_REASONS } from './nodes/core/autopay/types';
export type { Decision, ScanSettings, SkipReason } from './nodes/core/autopay/types';
export { businessDate } from './nodes/core/autopay/dates';
export { CustomerMappingLookup, retrieveCustomer } from './nodes/core/stripe/customers';
export * from './nodes/core/mapping/generate';
export * from './nodes/core/mapping/customerFields';
export { getMapping, setMapping, removeMapping, applyMapping } from './nodes/core/mapping/manage';
export type { MappingChange, MappingFound } from './nodes/core/mapping/manage';
export { syncCustomer, syncCreateKey } from './nodes/core/mapping/sync';
export type { SyncAction, SyncOptions, SyncOutcome } from './nodes/core/mapping/sync';
export { chooseOnlinePaymentProvider } from './nodes/core/payments/providerChoice';
export { verifyStripeSignature } from './nodes/core/webhooks/stripeSignature';
export {
	verifyGateway360Signature,
	signGateway360Payload,
} from './nodes/core/webhooks/gateway360Signature';
export { normaliseStripeEvent } from './nodes/core/webhooks/stripeEvent';
export { normaliseGateway360Event } from './nodes/core/webhooks/gateway360Event';
export * from './nodes/core/email';
export * from './nodes/core/links/signedLink';
export * from './nodes/core/payments/paymentRequest';

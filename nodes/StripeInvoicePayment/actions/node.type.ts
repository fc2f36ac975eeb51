import type { CustomerMappingLookup } from '../../core/stripe/customers';
import type { StripeReadCache } from '../../core/stripe/readCache';
import type { StripeClient } from '../../shared/stripeClient';
import type { PaymentSettings } from '../helpers/settings';

type NodeMap = {
	payment: 'cancel' | 'chargeAutoPay' | 'get' | 'payInvoice' | 'payInvoicesTogether' | 'refund';
	paymentMethod: 'checkCardExpiry' | 'createAddLink' | 'getAutomatic' | 'list' | 'setAutomatic';
	portal: 'createLink';
	fee: 'preview';
	event: 'getManySince';
};

export type StripeInvoicePaymentType = {
	[resource in keyof NodeMap]: { resource: resource; operation: NodeMap[resource] };
}[keyof NodeMap];

/** What every operation receives besides its items. */
export interface OperationContext {
	stripe: StripeClient;
	settings: PaymentSettings;
	/** one per execution, so the consistent customer list is read at most once */
	customerLookup: CustomerMappingLookup;
	/** customers and their recent payments, read once per execution */
	reads: StripeReadCache;
}

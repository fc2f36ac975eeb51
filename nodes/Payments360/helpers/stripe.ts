import type { IExecuteFunctions } from 'n8n-workflow';

import { BOOKS_CUSTOMER_METADATA_KEY } from '../../core/payments/invoiceMetadata';
import type { StripeSide } from '../../core/gateway360/chargeWithStripeClaim';
import { CustomerMappingLookup } from '../../core/stripe/customers';
import { StripeReadCache } from '../../core/stripe/readCache';
import { createStripeClient } from '../../shared/stripeClient';
import type { Gateway360Settings } from './settings';

export interface StripeConnection {
	/** the books customer's Stripe customer, found as the Stripe node finds it */
	customers: CustomerMappingLookup;
	/** what a charge claiming its invoice in Stripe needs, at the moment it starts */
	side(): StripeSide;
}

/**
 * The Stripe account (the node's second credential, shown when Charge Token claims invoices in
 * Stripe first), with one mapping lookup and one set of shared reads for the execution.
 */
export async function connectStripe(
	this: IExecuteFunctions,
	settings: Gateway360Settings,
	options: { mappingMetadataKey?: string; guardLookbackDays?: number },
): Promise<StripeConnection> {
	const { transport } = await createStripeClient.call(this, { maxInFlight: settings.concurrency });
	const reads = new StripeReadCache(transport);
	const mappingMetadataKey = options.mappingMetadataKey?.trim() || BOOKS_CUSTOMER_METADATA_KEY;
	return {
		customers: new CustomerMappingLookup(transport, mappingMetadataKey),
		side: () => ({
			transport,
			reads,
			guardLookbackDays: options.guardLookbackDays,
			nowSeconds: Math.floor(Date.now() / 1000),
		}),
	};
}

import type { CustomerMappingLookup } from '../../core/stripe/customers';
import type { StripeClient } from '../../shared/stripeClient';
import type { MappingSettings } from '../helpers/settings';

type NodeMap = {
	mapping: 'generate' | 'get' | 'list' | 'remove' | 'set';
	customer: 'sync';
};

export type CustomerMappingType = {
	[resource in keyof NodeMap]: { resource: resource; operation: NodeMap[resource] };
}[keyof NodeMap];

/** What every operation receives besides its items. */
export interface OperationContext {
	stripe: StripeClient;
	settings: MappingSettings;
	/** one per execution, so the consistent customer list is read at most once */
	customerLookup: CustomerMappingLookup;
}

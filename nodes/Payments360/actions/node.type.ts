import type { InvoiceLocks } from '../../core/gateway360/charge';
import type { Gateway360Client } from '../helpers/client';
import type { Gateway360Settings } from '../helpers/settings';

type NodeMap = {
	connection: 'verify';
	payNowPage: 'create';
	transaction: 'charge' | 'findChanged' | 'get' | 'getMany' | 'refund' | 'void';
	provider: 'choose';
};

export type Payments360Type = {
	[resource in keyof NodeMap]: { resource: resource; operation: NodeMap[resource] };
}[keyof NodeMap];

/** What every gateway operation receives besides its items. */
export interface OperationContext {
	client: Gateway360Client;
	settings: Gateway360Settings;
	/** one per execution: items of one run naming the same invoice are charged one at a time */
	invoiceLocks: InvoiceLocks;
}

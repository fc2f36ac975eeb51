import type { IDataObject } from 'n8n-workflow';

/**
 * What the trigger keeps between activations (n8n stores a node's static data with the workflow,
 * in clear): the endpoint's id and its signing secret sealed with the Stripe credential's key.
 */
export interface EndpointState extends IDataObject {
	endpointId?: string;
	sealedEndpointSecret?: string;
	/** the secret in clear, as versions before sealing kept it: sealed on the next activation */
	endpointSecret?: string;
}

/** The trigger's Options collection. */
export interface TriggerOptions {
	toleranceSeconds?: number;
	rereadPayment?: boolean;
	emitEachStateOnce?: boolean;
}

import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CustomerMappingLookup } from '../../core/stripe/customers';
import { createStripeClient } from '../../shared/stripeClient';
import { readSettings } from '../helpers/settings';
import * as customer from './customer/Customer.resource';
import * as mapping from './mapping/Mapping.resource';
import type { CustomerMappingType, OperationContext } from './node.type';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const { resource, operation } = {
		resource: this.getNodeParameter('resource', 0),
		operation: this.getNodeParameter('operation', 0),
	} as CustomerMappingType;
	const settings = readSettings(this);
	const stripe = await createStripeClient.call(this, {
		requestsPerSecond: settings.requestsPerSecond,
		maxInFlight: settings.concurrency,
	});
	const context: OperationContext = {
		stripe,
		settings,
		customerLookup: new CustomerMappingLookup(stripe.transport, settings.mappingMetadataKey),
	};
	if (resource === 'mapping') {
		// Generate routes its items to four outputs; the other operations have one.
		if (operation === 'generate') return await mapping.generate.execute.call(this, items, context);
		return [await mapping[operation].execute.call(this, items, context)];
	}
	if (resource === 'customer')
		return [await customer[operation].execute.call(this, items, context)];
	throw new NodeOperationError(
		this.getNode(),
		`The resource "${resource as string}" is not supported`,
	);
}

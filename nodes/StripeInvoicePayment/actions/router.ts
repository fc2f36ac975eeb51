import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CustomerMappingLookup } from '../../core/stripe/customers';
import { StripeReadCache } from '../../core/stripe/readCache';
import { assertAgentMayMoveMoney } from '../../shared/moneyMoving';
import { createStripeClient } from '../../shared/stripeClient';
import { readSettings } from '../helpers/settings';
import * as event from './event/Event.resource';
import * as fee from './fee/Fee.resource';
import type { OperationContext, StripeInvoicePaymentType } from './node.type';
import * as payment from './payment/Payment.resource';
import * as paymentMethod from './paymentMethod/PaymentMethod.resource';
import * as portal from './portal/Portal.resource';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const { resource, operation } = {
		resource: this.getNodeParameter('resource', 0),
		operation: this.getNodeParameter('operation', 0),
	} as StripeInvoicePaymentType;
	assertAgentMayMoveMoney(this, payment.moneyMoving, resource, operation);
	const settings = readSettings(this);

	if (resource === 'fee') {
		// Fee preview sends nothing: no credentials needed.
		return [await fee[operation].execute.call(this, items, settings)];
	}

	const stripe = await createStripeClient.call(this, {
		requestsPerSecond: settings.requestsPerSecond,
		maxInFlight: settings.concurrency,
		requestTimeoutMs: settings.requestTimeoutSeconds * 1000,
	});
	const context: OperationContext = {
		stripe,
		settings,
		customerLookup: new CustomerMappingLookup(stripe.transport, settings.mappingMetadataKey),
		reads: new StripeReadCache(stripe.transport),
	};
	switch (resource) {
		case 'event':
			return [await event[operation].execute.call(this, items, context)];
		case 'payment':
			return [await payment[operation].execute.call(this, items, context)];
		case 'paymentMethod':
			return [await paymentMethod[operation].execute.call(this, items, context)];
		case 'portal':
			return [await portal[operation].execute.call(this, items, context)];
		default:
			throw new NodeOperationError(
				this.getNode(),
				`The resource "${resource as string}" is not supported`,
			);
	}
}

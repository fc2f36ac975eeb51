import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { InvoiceLocks } from '../../core/gateway360/charge';
import { assertAgentMayMoveMoney } from '../../shared/moneyMoving';
import { createGateway360Client } from '../helpers/client';
import { readSettings } from '../helpers/settings';
import * as connection from './connection/Connection.resource';
import type { OperationContext, Payments360Type } from './node.type';
import * as payNowPage from './payNowPage/PayNowPage.resource';
import * as provider from './provider/Provider.resource';
import * as transaction from './transaction/Transaction.resource';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const { resource, operation } = {
		resource: this.getNodeParameter('resource', 0),
		operation: this.getNodeParameter('operation', 0),
	} as Payments360Type;
	assertAgentMayMoveMoney(this, transaction.moneyMoving, resource, operation);

	if (resource === 'provider') {
		// The one-provider rule reads the workflow's settings only: no credentials needed.
		return [await provider[operation].execute.call(this, items)];
	}

	const context: OperationContext = {
		client: await createGateway360Client.call(this),
		settings: readSettings(this),
		invoiceLocks: new InvoiceLocks(),
	};
	switch (resource) {
		case 'connection':
			return [await connection[operation].execute.call(this, items, context)];
		case 'payNowPage':
			return [await payNowPage[operation].execute.call(this, items, context)];
		case 'transaction':
			return [await transaction[operation].execute.call(this, items, context)];
		default:
			throw new NodeOperationError(
				this.getNode(),
				`The resource "${resource as string}" is not supported`,
			);
	}
}

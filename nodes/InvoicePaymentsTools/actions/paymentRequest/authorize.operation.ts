import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { authorizePaymentRequest } from '../../../core/paymentRequest';
import type { Caller, PaymentRequestBody } from '../../../core/paymentRequest';
import { toNodeError } from '../../../shared/nodeErrors';
import { asData, jsonParameter } from '../../helpers/parameters';

const properties: INodeProperties[] = [
	{
		displayName: 'Caller',
		name: 'caller',
		type: 'json',
		default: '={{ $json }}',
		description:
			"The caller as the books know them: ID, kind (agent or portal), email, active, customerId, canReceiveManualStripePayments, invoiceAccessLevel. An answer without an ID (the books did not know the token's subject) is refused.",
	},
	{
		displayName: 'Request',
		name: 'request',
		type: 'json',
		default: '{}',
		description:
			'What the caller asks: customerId (agents), invoiceIds or payAll, howToPay (automatic, savedMethod, payLink), paymentMethodId',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['paymentRequest'], operation: ['authorize'] } },
	properties,
);

const ALLOWED = 0;
const REFUSED = 1;

/**
 * Allowed: the customer whose invoices the caller may pay, and how. Refused: httpStatus (400,
 * 403), code and a message for the caller, to answer with Respond to Webhook.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const outputs: INodeExecutionData[][] = [[], []];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		let request: unknown;
		try {
			request = jsonParameter(this, 'request', itemIndex, 'any');
		} catch (error) {
			// What the caller sent is not JSON: their mistake, answered, not a workflow error.
			outputs[REFUSED].push({
				json: {
					ok: false,
					httpStatus: 400,
					code: 'BAD_REQUEST',
					message: (error as Error).message,
				},
				pairedItem: { item: itemIndex },
			});
			continue;
		}
		try {
			const verdict = authorizePaymentRequest({
				caller: jsonParameter(this, 'caller', itemIndex, 'any') as Caller,
				request: request as PaymentRequestBody,
			});
			outputs[verdict.ok ? ALLOWED : REFUSED].push({
				json: asData(verdict),
				pairedItem: { item: itemIndex },
			});
		} catch (error) {
			throw toNodeError(this.getNode(), error, itemIndex);
		}
	}
	return outputs;
}

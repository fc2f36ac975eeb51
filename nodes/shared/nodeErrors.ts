import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { isCoreInputError } from '../core/errors';
import { StripeApiError, StripeConnectionError, redactSecrets } from '../core/stripe/errors';

/**
 * Turns what the core and the transport throw into n8n's errors: bad input names the item and
 * the field (NodeOperationError); Stripe's answers keep its type, code, decline code and request
 * id (NodeApiError). Messages are passed through the secret redactor either way.
 */
export function toNodeError(node: INode, error: unknown, itemIndex: number): Error {
	if (error instanceof NodeOperationError || error instanceof NodeApiError) return error;
	if (isCoreInputError(error)) {
		return new NodeOperationError(
			node,
			`Item ${itemIndex}: invalid "${error.field}": ${redactSecrets(error.message)}`,
			{ itemIndex, description: `Field "${error.field}" of item ${itemIndex}` },
		);
	}
	if (error instanceof StripeApiError) {
		const details: JsonObject = {
			message: redactSecrets(error.message),
			type: error.type ?? null,
			code: error.code ?? null,
			decline_code: error.declineCode ?? null,
			param: error.param ?? null,
			request_id: error.requestId ?? null,
		};
		return new NodeApiError(node, details, {
			itemIndex,
			httpCode: String(error.statusCode),
			message: `Stripe: ${redactSecrets(error.message)}`,
			description: [
				error.type && `type ${error.type}`,
				error.code && `code ${error.code}`,
				error.declineCode && `decline code ${error.declineCode}`,
				error.requestId && `request ${error.requestId}`,
			]
				.filter(Boolean)
				.join(', '),
		});
	}
	if (error instanceof StripeConnectionError) {
		return new NodeApiError(node, { message: redactSecrets(error.message) } as JsonObject, {
			itemIndex,
			message: redactSecrets(error.message),
		});
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, redactSecrets(message), { itemIndex });
}

import type { IExecuteFunctions, INode, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { isCoreInputError } from '../../core/errors';
import {
	Gateway360ApiError,
	Gateway360ConnectionError,
	redactGatewaySecrets,
} from '../../core/gateway360/errors';
import { StripeApiError, StripeConnectionError } from '../../core/stripe/errors';
import type { CheckedItems } from '../../shared/itemRunner';
import { mapCheckedItems, mapItemsInOrder } from '../../shared/itemRunner';
import type { FieldLabels } from '../../shared/nodeErrors';
import { toNodeError } from '../../shared/nodeErrors';
import type { Gateway360Client } from './client';
import type { Gateway360Settings } from './settings';

/**
 * The gateway's errors as n8n errors: its answers keep the response code and text
 * (NodeApiError), bad input names the item and the parameter as the node shows it (via the
 * shared toNodeError and `labels`). Every message passes through the redactor with the
 * credential's own keys.
 */
export function toGateway360NodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	secrets: string[],
	labels?: FieldLabels,
): Error {
	const redact = (text: string) => redactGatewaySecrets(text, secrets);
	if (error instanceof Gateway360ApiError) {
		const details: JsonObject = {
			message: redact(error.message),
			kind: error.kind,
			response_code: error.responseCode ?? null,
			response_text: error.responseText ? redact(error.responseText) : null,
			transaction_id: error.transactionId ?? null,
			outcome_unknown: error.outcomeUnknown,
		};
		return new NodeApiError(node, details, {
			itemIndex,
			httpCode: error.statusCode ? String(error.statusCode) : undefined,
			message: `360 Payments: ${redact(error.message)}`,
			description: [
				error.responseCode && `response code ${error.responseCode}`,
				error.transactionId && `transaction ${error.transactionId}`,
				error.outcomeUnknown &&
					'the outcome is unknown: list the transactions of the invoice before trying again',
			]
				.filter(Boolean)
				.join(', '),
		});
	}
	if (error instanceof Gateway360ConnectionError) {
		return new NodeApiError(
			node,
			{ message: redact(error.message), connectionCode: error.code ?? null },
			{
				itemIndex,
				message: `360 Payments: ${redact(error.message)}`,
			},
		);
	}
	if (
		isCoreInputError(error) ||
		error instanceof NodeApiError ||
		error instanceof NodeOperationError ||
		// Charge Token's claim in Stripe: Stripe's answers as the Stripe node reports them
		error instanceof StripeApiError ||
		error instanceof StripeConnectionError
	) {
		return toNodeError(node, error, itemIndex, labels);
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, redact(message), { itemIndex });
}

/** What the item runners need of an operation: its concurrency, the keys to redact, its labels. */
export interface GatewayItems {
	client: Pick<Gateway360Client, 'secrets'>;
	settings: Pick<Gateway360Settings, 'concurrency'>;
	/** the operation's parameters by name, so bad input names what the user sees */
	labels?: FieldLabels;
}

/** mapItemsInOrder with the gateway's errors mapped (and redacted) per item. */
export async function mapGatewayItems(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	{ client, settings, labels }: GatewayItems,
	work: (itemIndex: number) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const node = context.getNode();
	return await mapItemsInOrder(
		context,
		items.length,
		settings.concurrency,
		async (itemIndex) =>
			await work(itemIndex).catch((error: unknown) => {
				throw toGateway360NodeError(node, error, itemIndex, client.secrets, labels);
			}),
		labels,
	);
}

/** mapCheckedItems (the work once every item was checked) with the gateway's errors mapped. */
export async function mapCheckedGatewayItems<T>(
	context: IExecuteFunctions,
	checked: CheckedItems<T>,
	{ client, settings, labels }: GatewayItems,
	work: (input: T, itemIndex: number) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const node = context.getNode();
	return await mapCheckedItems(
		context,
		checked,
		settings.concurrency,
		async (input, itemIndex) =>
			await work(input, itemIndex).catch((error: unknown) => {
				throw toGateway360NodeError(node, error, itemIndex, client.secrets, labels);
			}),
		labels,
	);
}

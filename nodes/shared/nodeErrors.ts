import type { INode, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { PaymentRefusedError, isCoreInputError } from '../core/errors';
import { StripeApiError, StripeConnectionError, redactSecrets } from '../core/stripe/errors';

/** The display name of each parameter by its name: what the user typed the value into. */
export type FieldLabels = ReadonlyMap<string, string>;

/**
 * The labels of an operation's parameters (and of the options of its collections), so a core
 * error about "balance" names "Invoice Balance". `extra` names fields that are not parameters
 * of their own, or are told apart from a parameter of the same name; it wins over `properties`,
 * and an earlier property over a later one.
 */
export function fieldLabels(
	properties: INodeProperties[],
	extra: Record<string, string> = {},
): FieldLabels {
	const labels = new Map(Object.entries(extra));
	const add = (list: INodeProperties[]) => {
		for (const property of list) {
			if (!labels.has(property.name)) labels.set(property.name, property.displayName);
			for (const key of versionKeys(property)) {
				if (!labels.has(key)) labels.set(key, property.displayName);
			}
			if (property.type === 'collection' && property.options) {
				add(property.options as INodeProperties[]);
			}
		}
	};
	add(properties);
	return labels;
}

/**
 * A parameter shown only in some versions of its node (displayOptions.show['@version']) is also
 * labelled under "name@1" (that version) or "name@>=2" (from that version on): one name may be
 * a text field in version 1 and a picker with another display name in version 2.
 */
function versionKeys(property: INodeProperties): string[] {
	const versions = property.displayOptions?.show?.['@version'];
	if (!Array.isArray(versions)) return [];
	return versions.flatMap((version: unknown) => {
		if (typeof version === 'number') return [`${property.name}@${version}`];
		const from = (version as { _cnd?: { gte?: unknown } } | null)?._cnd?.gte;
		return typeof from === 'number' ? [`${property.name}@>=${from}`] : [];
	});
}

/** The label of a field in this version of its node, where one is kept for that version. */
function versionLabel(find: (key: string) => string | undefined, field: string, version: number) {
	const exact = find(`${field}@${version}`);
	if (exact !== undefined) return exact;
	for (let from = Math.floor(version); from >= 1; from--) {
		const label = find(`${field}@>=${from}`);
		if (label !== undefined) return label;
	}
	return undefined;
}

/** Each node type's labels (its whole description), for errors of operations that pass none. */
const labelsByNodeType = new Map<string, FieldLabels>();

/** Called by each node class: its parameters' display names, by parameter name. */
export function registerNodeLabels(description: {
	name: string;
	properties: INodeProperties[];
}): void {
	labelsByNodeType.set(description.name, fieldLabels(description.properties));
}

/**
 * The display name of a field, from the operation's labels or else from its node's (n8n's tool
 * variant of a node, "<name>Tool", has the same parameters); a nested field ("maxPerInvoice.usd")
 * by its parameter's, with the rest in brackets.
 */
function labelOf(node: INode, field: string, labels?: FieldLabels): string | undefined {
	const nodeLabels = labelsByNodeType.get(
		(node.type.split('.').pop() ?? node.type).replace(/Tool$/, ''),
	);
	const find = (name: string) => labels?.get(name) ?? nodeLabels?.get(name);
	const label = versionLabel(find, field, node.typeVersion) ?? find(field);
	if (label !== undefined) return label;
	const [head, ...rest] = field.split('.');
	const headLabel = rest.length > 0 ? find(head) : undefined;
	return headLabel === undefined ? undefined : `${headLabel} (${rest.join('.')})`;
}

/**
 * Turns what the core and the transport throw into n8n's errors: bad input names the item and
 * the parameter, by its display name where `labels` know it (NodeOperationError); Stripe's
 * answers keep its type, code, decline code and request id (NodeApiError). Messages are passed
 * through the secret redactor either way.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	labels?: FieldLabels,
): Error {
	if (error instanceof NodeOperationError || error instanceof NodeApiError) return error;
	if (isCoreInputError(error)) {
		const label = labelOf(node, error.field, labels);
		return new NodeOperationError(
			node,
			`Item ${itemIndex}: invalid "${label ?? error.field}": ${redactSecrets(error.message)}`,
			{
				itemIndex,
				description: label
					? `Parameter "${label}" of item ${itemIndex}`
					: `Field "${error.field}" of item ${itemIndex}`,
			},
		);
	}
	if (error instanceof PaymentRefusedError) {
		return new NodeOperationError(node, `Item ${itemIndex}: ${redactSecrets(error.message)}`, {
			itemIndex,
			description: 'Another payment holds this invoice: nothing was charged by this item',
		});
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

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ConnectionResult } from '../../../core/gateway360/connection';
import { verifyGateway360Connection } from '../../../core/gateway360/connection';
import { redactGatewaySecrets } from '../../../core/gateway360/errors';
import type { OperationContext } from '../node.type';

const properties: INodeProperties[] = [];

export const description = updateDisplayOptions(
	{ show: { resource: ['connection'], operation: ['verify'] } },
	properties,
);

/**
 * "Connect Accounts": one check of the credential per execution, reported on every item as
 * connected / not connected with the reason. A failed check is a result, not an error, so a
 * workflow can branch on `connected` (and show the seeds' success page, or the reason).
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ client }: OperationContext,
): Promise<INodeExecutionData[]> {
	const result: ConnectionResult = await verifyGateway360Connection({
		gatewayBaseUrl: client.gatewayBaseUrl,
		securityKeySet: client.securityKeySet,
		tokenKey: client.tokenKey,
		tokenKeyIsSecurityKey: client.tokenKeyIsSecurityKey,
		createTransport: () => client.transport(),
	});
	const redact = (text: string) => redactGatewaySecrets(text, client.secrets);
	const json = {
		...result,
		reason: redact(result.reason),
		checks: result.checks.map((check) => ({ ...check, message: redact(check.message) })),
		checkedAt: new Date().toISOString(),
	};
	return items.map((_, itemIndex) => ({ json, pairedItem: { item: itemIndex } }));
}

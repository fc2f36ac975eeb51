import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	authorizePaymentRequest,
	DEFAULT_TOKEN_LIFETIME_MINUTES,
} from '../../../core/payments/paymentRequest';
import type { PaymentRequestBody } from '../../../core/payments/paymentRequest';
import { fieldLabels, toNodeError } from '../../../shared/nodeErrors';
import { asData, jsonParameter, textParameter } from '../../helpers/parameters';

const tokenClaim = (kind: 'Portal' | 'Agent', claim: 'Issuer' | 'Audience'): INodeProperties => ({
	displayName: `${kind} Token ${claim}`,
	name: `${kind.toLowerCase()}Token${claim}`,
	type: 'string',
	default: '',
	description:
		claim === 'Issuer'
			? `The "iss" every ${kind.toLowerCase()} token must carry: who issues them`
			: `The "aud" every ${kind.toLowerCase()} token must carry: this payment endpoint as its issuer names it`,
});

const properties: INodeProperties[] = [
	{
		displayName: 'Token Kind',
		name: 'tokenKind',
		type: 'options',
		options: [
			{ name: 'Agent', value: 'agent' },
			{ name: 'Portal', value: 'portal' },
		],
		default: 'portal',
		description:
			"Which JWT credential verified the token: the portal's or the agents' app's (each its own webhook and secret). The books' caller must be of this kind.",
	},
	{
		displayName: 'Token Claims',
		name: 'tokenClaims',
		type: 'json',
		default: '{}',
		description:
			"The verified token's claims (the Webhook node's jwtPayload): sub, iss, aud, iat and exp are required",
	},
	tokenClaim('Portal', 'Issuer'),
	tokenClaim('Portal', 'Audience'),
	tokenClaim('Agent', 'Issuer'),
	tokenClaim('Agent', 'Audience'),
	{
		displayName: 'Max Token Lifetime (Minutes)',
		name: 'maxTokenLifetimeMinutes',
		type: 'number',
		default: DEFAULT_TOKEN_LIFETIME_MINUTES,
		description: 'A token issued for longer than this (from its iat to its exp) is refused',
	},
	{
		displayName: 'Caller',
		name: 'caller',
		type: 'json',
		default: '={{ $json }}',
		description:
			"The books' answer for the token's subject: the books adapter's Get Caller answer as it comes (its caller, or its error when the books do not know the subject), or the caller record itself: ID, kind (agent or portal), email, active (only true is active), customerId, canReceiveManualStripePayments, invoiceAccessLevel. An unknown caller is refused.",
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

const labels = fieldLabels(properties);

const ALLOWED = 0;
const REFUSED = 1;

/**
 * Allowed: the customer whose invoices the caller may pay, and how. Refused: httpStatus (400,
 * 401, 403), code and a message for the caller, to answer with Respond to Webhook.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const outputs: INodeExecutionData[][] = [[], []];
	const nowSeconds = Math.floor(Date.now() / 1000);
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
				token: {
					kind: textParameter(this, 'tokenKind', itemIndex),
					claims: jsonParameter(this, 'tokenClaims', itemIndex, 'any'),
					accepted: {
						portal: {
							issuer: textParameter(this, 'portalTokenIssuer', itemIndex),
							audience: textParameter(this, 'portalTokenAudience', itemIndex),
						},
						agent: {
							issuer: textParameter(this, 'agentTokenIssuer', itemIndex),
							audience: textParameter(this, 'agentTokenAudience', itemIndex),
						},
					},
					maxLifetimeMinutes: this.getNodeParameter(
						'maxTokenLifetimeMinutes',
						itemIndex,
						DEFAULT_TOKEN_LIFETIME_MINUTES,
					) as number,
					nowSeconds,
				},
				caller: jsonParameter(this, 'caller', itemIndex, 'any'),
				request: request as PaymentRequestBody,
			});
			outputs[verdict.ok ? ALLOWED : REFUSED].push({
				json: asData(verdict),
				pairedItem: { item: itemIndex },
			});
		} catch (error) {
			throw toNodeError(this.getNode(), error, itemIndex, labels);
		}
	}
	return outputs;
}

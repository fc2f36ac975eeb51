import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { formBodyWithSecurityKey } from '../nodes/shared/gateway360CredentialTest';

/**
 * 360 Payments publishes no API; its keys are the NMI gateway family's pair (a private
 * security key for server calls, a public tokenization key for Collect.js in the browser), so
 * the nodes speak that protocol to the gateway named by the base URL.
 *
 * The credential test is node-level (`testedBy: 'gateway360ConnectionTest'` on every node using
 * this credential): the gateway answers a wrong key with HTTP 200 and an error in the body.
 */
export class Payments360Api implements ICredentialType {
	name = 'payments360Api';

	displayName = '360 Payments API';

	icon = {
		light: 'file:../icons/payments360.svg',
		dark: 'file:../icons/payments360.dark.svg',
	} as const;

	documentationUrl =
		'https://github.com/invoice-payments/n8n-nodes-invoice-payments/blob/main/docs/360-payments.md';

	properties: INodeProperties[] = [
		// Both keys are secrets and masked; the lint's name heuristic knows "secret"/"token", not "key".
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'Security Key',
			name: 'securityKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'The private key for server calls (360 Payments may call it the API security key). It never leaves n8n except in requests to the gateway.',
		},
		{
			displayName: 'Token Key',
			name: 'tokenKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'e.g. xxxxxx-xxxxxx-xxxxxx-xxxxxx',
			description:
				'The public tokenization key Collect.js uses in the Pay Now page. It is public by design: never put the security key here.',
		},
		{
			displayName: 'Gateway Base URL',
			name: 'gatewayBaseUrl',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. https://secure.your-gateway.com',
			description:
				'The address of your 360 Payments gateway, as 360 Payments gives it: the nodes call {base}/api/transact.php and {base}/api/query.php, and the Pay Now page loads {base}/token/Collect.js. HTTPS only.',
		},
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'Webhook Signing Key',
			name: 'webhookSigningKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. The key the gateway signs its webhooks with (Webhook-Signature header), for the Payment Webhook Trigger.',
		},
	];

	/** Adds `security_key` to the form body of every gateway POST (never to the URL). */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		if ((requestOptions.method ?? 'GET').toUpperCase() !== 'POST') return requestOptions;
		const securityKey = String(credentials.securityKey ?? '').trim();
		const { body } = requestOptions;
		if (
			typeof body === 'object' &&
			body !== null &&
			Object.getPrototypeOf(body) === Object.prototype
		) {
			// A form given as an object (n8n encodes it for a form content type).
			return { ...requestOptions, body: { ...body, security_key: securityKey } };
		}
		return { ...requestOptions, body: formBodyWithSecurityKey(body, securityKey) };
	}
}

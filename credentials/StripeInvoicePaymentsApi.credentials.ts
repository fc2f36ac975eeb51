import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

export class StripeInvoicePaymentsApi implements ICredentialType {
	name = 'stripeInvoicePaymentsApi';

	displayName = 'Stripe (Invoice Payments) API';

	icon = { light: 'file:../icons/stripe.svg', dark: 'file:../icons/stripe.dark.svg' } as const;

	documentationUrl = 'https://docs.stripe.com/keys';

	properties: INodeProperties[] = [
		{
			displayName: 'Secret Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'sk_live_... or rk_live_...',
			description:
				'Secret or restricted key. A restricted key needs write access to customers, payment intents, payment methods, checkout sessions, billing portal sessions, refunds and webhook endpoints.',
		},
		{
			displayName: 'Publishable Key',
			name: 'publishableKey',
			type: 'string',
			default: '',
			placeholder: 'pk_live_...',
			description: 'Public key used by pages that collect card details in the browser',
		},
		{
			displayName: 'Webhook Signing Secret',
			name: 'webhookSigningSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'whsec_...',
			description:
				'Only for a webhook endpoint you created by hand in the Stripe Dashboard. The Payment Webhook Trigger creates its own endpoint and keeps that secret itself.',
		},
		{
			displayName: 'API Base URL',
			name: 'apiBaseUrl',
			type: 'string',
			default: 'https://api.stripe.com',
			description: 'Change only for a proxy or a local Stripe-compatible test server',
		},
	];

	/**
	 * The secret key as a Bearer token. A function, not a `{{$credentials.secretKey}}` template:
	 * n8n evaluates a template in an expression sandbox for every request.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				Authorization: `Bearer ${String(credentials.secretKey ?? '')}`,
			},
		};
	}

	// A real authenticated read: a wrong or revoked key answers 401.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.apiBaseUrl.replace(/\\/+$/, "")}}',
			url: '/v1/balance',
			method: 'GET',
		},
	};
}

import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The shared secret that signs web invoice links (HMAC-SHA256, with an expiry), as Stripe signs
 * its hosted invoice pages. Kept in a credential, not in a workflow: it is encrypted at rest and
 * never exported with the workflow or shown in an execution. Checked by the Invoice Payments
 * Tools node (`testedBy: 'invoiceLinkSecretTest'`): there is no server to ask.
 */
export class InvoiceLinkSigningApi implements ICredentialType {
	name = 'invoiceLinkSigningApi';

	displayName = 'Invoice Link Signing API';

	icon = {
		light: 'file:../icons/invoicePayments.svg',
		dark: 'file:../icons/invoicePayments.dark.svg',
	} as const;

	documentationUrl =
		'https://github.com/invoice-payments/n8n-nodes-invoice-payments/blob/main/docs/workflows.md#web-invoice-links';

	properties: INodeProperties[] = [
		{
			displayName: 'Signing Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'At least 32 random characters (e.g. the output of "openssl rand -base64 32"). Whoever knows it can make web invoice links for any invoice.',
		},
		{
			displayName: 'Previous Signing Secret',
			name: 'previousSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'While rotating: links signed with the previous secret stay valid until they expire. Clear it once they have.',
		},
	];
}

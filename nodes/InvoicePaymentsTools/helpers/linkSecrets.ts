import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	IExecuteFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { MIN_SECRET_LENGTH } from '../../core/links/signedLink';

/** The credential type holding the link signing secret. */
export const LINK_CREDENTIAL = 'invoiceLinkSigningApi';

/** The current secret first, then the previous one while rotating. */
export async function linkSecrets(context: IExecuteFunctions): Promise<string[]> {
	const credentials = await context.getCredentials(LINK_CREDENTIAL);
	return [credentials.secret, credentials.previousSecret]
		.map((value) => (typeof value === 'string' ? value : ''))
		.filter((value) => value !== '');
}

/**
 * The credential test: there is no server to ask, so it checks what makes a secret usable:
 * long enough, and a previous secret (if any) that differs and is long enough too.
 */
export async function invoiceLinkSecretTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const secret = String(credential.data?.secret ?? '');
	const previous = String(credential.data?.previousSecret ?? '');
	if (secret.length < MIN_SECRET_LENGTH) {
		return {
			status: 'Error',
			message: `The signing secret must be at least ${MIN_SECRET_LENGTH} characters long`,
		};
	}
	if (previous !== '' && (previous.length < MIN_SECRET_LENGTH || previous === secret)) {
		return {
			status: 'Error',
			message: `The previous secret must differ from the current one and be at least ${MIN_SECRET_LENGTH} characters long`,
		};
	}
	return { status: 'OK', message: 'The signing secret can sign and verify links' };
}

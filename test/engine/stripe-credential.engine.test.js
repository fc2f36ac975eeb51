// @ts-check
// The Stripe credential's authenticate: the secret key as a Bearer token, added by a function
// (n8n would evaluate a template in an expression sandbox for every request).
import { StripeInvoicePaymentsApi } from '../../credentials/StripeInvoicePaymentsApi.credentials';

describe('authenticate', () => {
	const credential = new StripeInvoicePaymentsApi();

	test('adds the secret key as a Bearer token and keeps the request headers', async () => {
		/** @type {import('n8n-workflow').IHttpRequestOptions} */
		const request = {
			method: 'POST',
			url: '/v1/payment_intents',
			headers: { 'Idempotency-Key': 'inv-1' },
		};
		const options = await credential.authenticate({ secretKey: 'sk_test_abc123' }, request);
		expect(options).toEqual({
			method: 'POST',
			url: '/v1/payment_intents',
			headers: { 'Idempotency-Key': 'inv-1', Authorization: 'Bearer sk_test_abc123' },
		});
		// the caller's request object is not changed
		expect(request.headers).toEqual({ 'Idempotency-Key': 'inv-1' });
	});

	test('a request without headers gets only the Authorization header', async () => {
		const options = await credential.authenticate(
			{ secretKey: 'rk_live_xyz' },
			{ method: 'GET', url: '/v1/balance' },
		);
		expect(options.headers).toEqual({ Authorization: 'Bearer rk_live_xyz' });
	});
});

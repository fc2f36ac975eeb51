// @ts-check
import { redactGatewaySecrets } from '../../../nodes/core/gateway360/errors';

describe('redactGatewaySecrets', () => {
	test('removes security_key fields and the given secrets, plain or URL-encoded', () => {
		const secret = 'sec/ret+key 1234';
		const text = `posted security_key=abc123&type=sale; key ${secret}; encoded ${encodeURIComponent(secret)}`;
		const out = redactGatewaySecrets(text, [secret, 'short']);
		expect(out).not.toContain('abc123');
		expect(out).not.toContain(secret);
		expect(out).not.toContain(encodeURIComponent(secret));
		expect(out).toBe(
			'posted security_key=[redacted]&type=sale; key [redacted]; encoded [redacted]',
		);
	});
});

// @ts-check
/** Signature verification alone: Stripe events of ~1.5 KB verified per second, in-process. */
import Stripe from 'stripe';

import { verifyStripeSignature } from '../nodes/core/webhooks/stripeSignature';
import { record } from './report';

test('Stripe signature verification throughput', () => {
	const secret = 'whsec_bench_secret_value';
	const events = Array.from({ length: 2000 }, (_, i) => {
		const payload = JSON.stringify({
			id: `evt_${i}`,
			type: 'payment_intent.succeeded',
			data: { object: { id: `pi_${i}`, metadata: { invoice_ids: 'X'.repeat(1200) } } },
		});
		return { payload, header: Stripe.webhooks.generateTestHeaderString({ payload, secret }) };
	});
	const nowSeconds = Math.floor(Date.now() / 1000);
	let verified = 0;
	const started = performance.now();
	const deadline = started + 3000;
	while (performance.now() < deadline) {
		for (const { payload, header } of events) {
			if (verifyStripeSignature({ rawBody: payload, header, secrets: [secret], nowSeconds }).ok)
				verified++;
		}
	}
	const seconds = (performance.now() - started) / 1000;
	record('verify', {
		events: verified,
		seconds: Math.round(seconds * 100) / 100,
		eventsPerS: Math.round(verified / seconds),
	});
	expect(verified).toBeGreaterThan(0);
});

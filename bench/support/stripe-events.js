'use strict';
// @ts-check
/**
 * The bench's Stripe events: `payment_intent.succeeded` built from Stripe's own sample event and
 * PaymentIntent (shared/stripe/fixtures3.json), one per payment the local Stripe server holds,
 * each with its own event id, signed as Stripe signs a delivery (`Stripe-Signature:
 * t=<unix>,v1=<HMAC-SHA256 hex>`, made by the official `stripe` package).
 */
const fs = require('node:fs');
const path = require('node:path');
const Stripe = require('stripe');

const FIXTURES = path.resolve(__dirname, '../../../shared/stripe/fixtures3.json');

function loadFixtures() {
	const { resources } = JSON.parse(fs.readFileSync(FIXTURES, 'utf8'));
	return { event: resources.event, paymentIntent: resources.payment_intent };
}

/** What our nodes write on a payment for one invoice (books customer, invoice, amount/fee). */
function invoiceMetadata(index) {
	return {
		books_customer_id: `BENCH-C${index % 500}`,
		invoice_ids: `BENCH-INV-${index}`,
		invoice_lines: '4900/0',
	};
}

/** Succeeded PaymentIntents on the local Stripe server (no events, no HTTP to n8n), in chunks. */
async function seedPaymentIntents(stripeUrl, from, count, chunk = 2000) {
	const ids = [];
	for (let start = from; start < from + count; start += chunk) {
		const size = Math.min(chunk, from + count - start);
		const res = await fetch(`${stripeUrl}/_test/seed`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				paymentIntents: Array.from({ length: size }, (_, i) => ({
					amount: 4900,
					currency: 'usd',
					status: 'succeeded',
					paymentMethod: 'pm_card_visa',
					metadata: invoiceMetadata(start + i),
				})),
			}),
			signal: AbortSignal.timeout(60_000),
		});
		if (!res.ok) throw new Error(`seeding PaymentIntents: HTTP ${res.status} ${await res.text()}`);
		ids.push(...(await res.json()).paymentIntents.map((intent) => intent.id));
	}
	return ids;
}

/**
 * `next()` gives the next signed delivery `{ headers, body }`: event ids never repeat, and
 * payments are taken in turn from `paymentIntentIds` (each once while the list lasts).
 * `remaining()` tells how many payments are still unused.
 */
function eventSource({ secret, paymentIntentIds, prefix }) {
	const fixtures = loadFixtures();
	let sent = 0;
	return {
		remaining: () => paymentIntentIds.length - sent,
		next() {
			const index = sent++;
			const intentId = paymentIntentIds[index % paymentIntentIds.length];
			const created = Math.floor(Date.now() / 1000);
			const event = {
				...fixtures.event,
				id: `evt_bench${prefix}${index.toString(36).padStart(8, '0')}`,
				type: 'payment_intent.succeeded',
				created,
				api_version: '2026-10-28.endive',
				data: {
					object: {
						...fixtures.paymentIntent,
						id: intentId,
						amount: 4900,
						amount_received: 4900,
						client_secret: `${intentId}_secret_bench`,
						created,
						canceled_at: null,
						last_payment_error: null,
						next_action: null,
						status: 'succeeded',
						metadata: invoiceMetadata(index),
					},
				},
			};
			const body = JSON.stringify(event);
			return {
				headers: {
					'content-type': 'application/json; charset=utf-8',
					'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret }),
					'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
				},
				body,
			};
		},
	};
}

module.exports = { eventSource, seedPaymentIntents };

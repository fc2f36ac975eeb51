'use strict';
// @ts-check
/**
 * Signed webhooks of the fake gateway: `{event_id, event_type, event_body}` (the body shape
 * nodes/core/webhooks/paymentStatusEvent.ts documents) POSTed with `Webhook-Signature:
 * t=<nonce>,s=<hex>`, made by the package's own signGateway360Payload. Non-2xx answers are
 * retried a bounded number of times.
 */
const http = require('node:http');
const https = require('node:https');
const path = require('node:path');
const { randomBytes, randomUUID } = require('node:crypto');
const { setTimeout: sleep } = require('node:timers/promises');
const { fromCents } = require('./store');

const ROOT = path.resolve(__dirname, '../../..');
const SIGNATURE_MODULE = 'nodes/core/webhooks/gateway360Signature';

/**
 * The signer from the TypeScript source (under jest, which compiles it) or from the build
 * (`npm run build`) when the fake runs as a plain Node process.
 */
function loadSigner() {
	try {
		return require(path.join(ROOT, SIGNATURE_MODULE)).signGateway360Payload;
	} catch (sourceError) {
		try {
			return require(path.join(ROOT, 'dist', SIGNATURE_MODULE)).signGateway360Payload;
		} catch {
			throw new Error(
				`The fake gateway signs webhooks with ${SIGNATURE_MODULE}; run "npm run build" first to run it outside jest (${sourceError.message})`,
			);
		}
	}
}

function post(url, body, headers, timeoutMs) {
	return new Promise((resolve) => {
		const target = new URL(url);
		const client = target.protocol === 'https:' ? https : http;
		const request = client.request(
			target,
			{
				method: 'POST',
				headers: {
					'Content-Type': 'application/json',
					'Content-Length': Buffer.byteLength(body),
					...headers,
				},
				timeout: timeoutMs,
			},
			(response) => {
				response.resume();
				response.on('end', () => resolve({ status: response.statusCode }));
			},
		);
		request.on('timeout', () => request.destroy(new Error('timeout')));
		request.on('error', (error) => resolve({ status: 0, error: error.message }));
		request.end(body);
	});
}

class WebhookSender {
	constructor({
		url,
		signingKey,
		attempts = 3,
		retryDelayMs = 100,
		timeoutMs = 2000,
		testMode = false,
	}) {
		this.testMode = testMode;
		this.url = url ?? null;
		this.signingKey = signingKey ?? null;
		this.attempts = attempts;
		this.retryDelayMs = retryDelayMs;
		this.timeoutMs = timeoutMs;
		this.deliveries = [];
		this.events = [];
		this.pending = new Set();
		this.sign = null;
		this.closed = false;
	}

	/**
	 * The event for one action on a transaction: for a refund, the refund's own transaction (a
	 * transaction of its own at the gateway); for a void, the voided payment's. The body says
	 * whether the account is in test mode (`features.is_test_mode`, NMI Webhooks,
	 * https://secure.nmi.com/merchants/resources/integration/integration_portal.php#webhooks).
	 */
	eventFor(transaction, action, outcome) {
		const body = {
			transaction_id: transaction.transactionId,
			order_id: transaction.orderId,
			currency: transaction.currency,
			email: transaction.email,
			card: { cc_number: transaction.ccNumber, cc_type: transaction.ccType },
			action: {
				action_type: action.actionType,
				amount: fromCents(action.amountCents),
				date: action.date,
				response_code: action.responseCode,
				response_text: action.responseText,
				processor_response_code: action.processorResponseCode ?? '',
			},
			features: { is_test_mode: this.testMode },
		};
		if (
			transaction.surchargeCents !== null &&
			['sale', 'auth', 'capture'].includes(action.actionType)
		) {
			body.surcharge = fromCents(transaction.surchargeCents);
		}
		return {
			event_id: randomUUID(),
			event_type: `transaction.${action.actionType}.${outcome}`,
			event_body: body,
		};
	}

	/**
	 * A chargeback batch as NMI sends it (`chargeback.batch.complete`, NMI Webhooks, Chargeback
	 * Events, https://docs.nmi.dev/reference/chargeback-events): the merchant, the processor, how
	 * many chargebacks and their total, and each chargeback with its `id` (the transaction charged
	 * back), `date` (M/D/YYYY), `customer_name`, masked `cc_number`, `amount` and `reason`
	 * ("<code>: <text>"). One batch per chargeback made here.
	 */
	chargebackBatchEvent(
		transaction,
		action,
		reason = '10.4: Other Fraud - Card Absent Environment',
	) {
		const [, year, month, day] = /^(\d{4})(\d{2})(\d{2})/.exec(action.date) ?? [];
		const amount = fromCents(action.amountCents);
		return {
			event_id: randomUUID(),
			event_type: 'chargeback.batch.complete',
			event_body: {
				merchant: { id: '360360', name: 'Test Merchant' },
				processor: { id: 'ccprocessora', name: 'CC Processor A', type: 'cc' },
				count: 1,
				chargeback_amount: amount,
				chargebacks: [
					{
						id: transaction.transactionId,
						date: `${Number(month)}/${Number(day)}/${year}`,
						customer_name: transaction.customerName ?? '',
						cc_number: transaction.ccNumber,
						amount,
						reason,
					},
				],
			},
		};
	}

	emit(event) {
		this.events.push(event);
		if (!this.url || !this.signingKey || this.closed) return;
		// The address is the one set when the event happened, for every retry of it.
		const delivery = this.deliver(event, this.url).finally(() => this.pending.delete(delivery));
		this.pending.add(delivery);
	}

	async deliver(event, url) {
		this.sign ??= loadSigner();
		const raw = JSON.stringify(event);
		const nonce = randomBytes(12).toString('hex');
		const headers = { 'Webhook-Signature': this.sign(raw, this.signingKey, nonce) };
		for (let attempt = 1; attempt <= this.attempts && !this.closed; attempt++) {
			const result = await post(url, raw, headers, this.timeoutMs);
			const ok = result.status >= 200 && result.status < 300;
			this.deliveries.push({
				url,
				eventId: event.event_id,
				eventType: event.event_type,
				status: result.status,
				ok,
				attempt,
				...(result.error ? { error: result.error } : {}),
			});
			if (ok) return;
			if (attempt < this.attempts) await sleep(this.retryDelayMs * attempt);
		}
	}

	/** Resolves when every delivery under way (retries included) has ended. */
	async idle() {
		while (this.pending.size > 0) await Promise.all([...this.pending]);
	}
}

module.exports = { WebhookSender };

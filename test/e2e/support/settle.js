'use strict';
// @ts-check
const { setTimeout: sleep } = require('node:timers/promises');

const STATUS_WORKFLOW = 'invPayWf3Status';

/**
 * Waits until the side effects of payments are over: the Stripe server has no delivery left
 * to make (the count of deliveries stays the same for a while, all answered 2xx) and the
 * payment-status workflow runs nothing. Bounded.
 */
async function settle({ n8n, stripe }, { quietMs = 1500, timeoutMs = 45_000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	let last = -1;
	let quietSince = Date.now();
	while (Date.now() < deadline) {
		const deliveries = await stripe.deliveries();
		const executions = await n8n.executions(STATUS_WORKFLOW);
		const running = executions.filter((e) => ['running', 'new', 'waiting'].includes(e.status));
		if (deliveries.length !== last || running.length > 0) {
			last = deliveries.length;
			quietSince = Date.now();
		} else if (Date.now() - quietSince >= quietMs) {
			return { deliveries, executions };
		}
		await sleep(250);
	}
	throw new Error(`Payments did not settle within ${timeoutMs / 1000} s`);
}

/** Waits for at least `count` messages in the SMTP sink, then a little longer to catch extras. */
async function mails(smtp, count, { timeoutMs = 20_000, extraMs = 1500 } = {}) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline && (await smtp.messages()).length < count) await sleep(200);
	await sleep(extraMs);
	return smtp.messages();
}

/**
 * Events whose deliveries all failed. Stripe delivers at least once and retries a failed
 * attempt (a slow answer under load times out), so what matters is that every event got a 2xx.
 */
function undelivered(deliveries) {
	const ok = new Set(deliveries.filter((d) => d.ok).map((d) => d.eventId));
	return deliveries.filter((d) => !ok.has(d.eventId));
}

module.exports = { settle, mails, undelivered };

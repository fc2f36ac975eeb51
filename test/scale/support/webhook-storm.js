'use strict';
// @ts-check
/**
 * Stripe's side of the payment-status test: payments that move through two states each
 * (processing -> succeeded or failed, requires_action -> canceled) on the Stripe server, the
 * events Stripe made for them, and a delivery schedule of those events as Stripe delivers them
 * on a bad day: some twice, some late and out of order, many at once. Each delivery is signed
 * with the endpoint's secret (the one the trigger keeps in its static data), as Stripe signs it.
 */
const Stripe = require('stripe');
const { openEndpointSecret } = require('../../../nodes/core/webhooks/endpointSecretSeal');

const { inParallel, minor, prng, shuffle } = require('./scale-clients');

const PAYMENT_EVENTS = [
	'payment_intent.succeeded',
	'payment_intent.payment_failed',
	'payment_intent.processing',
	'payment_intent.canceled',
	'payment_intent.requires_action',
];

/**
 * Which payment each invoice gets: 70% a bank debit that succeeds, 15% one that fails, 15% a card
 * needing 3-D Secure that is then canceled.
 */
function kindOf(index) {
	const slot = index % 20;
	if (slot < 14) return 'succeeds';
	if (slot < 17) return 'fails';
	return 'canceled';
}

const FIRST_STATE = { succeeds: 'processing', fails: 'processing', canceled: 'requires_action' };
const FINAL_STATE = { succeeds: 'succeeded', fails: 'failed', canceled: 'canceled' };
const METHOD = {
	succeeds: 'pm_usBankAccount_success',
	fails: 'pm_usBankAccount_insufficientFunds',
	canceled: 'pm_card_authenticationRequired',
};

/**
 * One PaymentIntent per invoice, confirmed with the kind's method: it stops in its first state
 * (processing, or requires_action). `metadataFor(invoice)` is the metadata our nodes write.
 */
async function createPayments(scale, { invoices, stripeCustomers, metadataFor }) {
	return inParallel(invoices, 8, async (invoice, index) => {
		const kind = kindOf(index);
		const intent = await scale.stripePost('/payment_intents', {
			amount: minor(invoice.balance),
			currency: invoice.currency.toLowerCase(),
			customer: stripeCustomers[invoice.customerId],
			payment_method: METHOD[kind],
			confirm: true,
			description: `Invoice ${invoice.number}`,
			metadata: metadataFor(invoice),
		});
		if (intent.status !== FIRST_STATE[kind]) {
			throw new Error(`${invoice.id}: expected ${FIRST_STATE[kind]}, Stripe says ${intent.status}`);
		}
		return { invoiceId: invoice.id, paymentId: intent.id, kind };
	});
}

/** The payments reach their final state: bank debits settle, the 3-D Secure ones are canceled. */
async function finishPayments(scale, payments) {
	await scale.stripe.hook('POST', 'settle_processing', {});
	await inParallel(
		payments.filter((p) => p.kind === 'canceled'),
		8,
		(p) => scale.stripePost(`/payment_intents/${p.paymentId}/cancel`, {}),
	);
}

/**
 * The deliveries, in two rounds: round 1 while the payments are in their first state, round 2
 * after they reached their final one. `outOfOrderShare` of the invoices get their first event
 * only in round 2, AFTER their final event (Stripe does not keep order); `duplicates` deliveries
 * repeat an event already delivered: 40% right behind their original in round 1 (in flight
 * together), 30% replays of round 1 events in round 2 (much later), 30% right behind their
 * original in round 2. The same seed gives the same schedule.
 */
function deliveryPlan(payments, { outOfOrderShare, duplicates, seed }) {
	const random = prng(seed);
	const ids = shuffle(
		payments.map((p) => p.paymentId),
		random,
	);
	const late = new Set(ids.slice(0, Math.round(ids.length * outOfOrderShare)));
	const soon1 = Math.round(duplicates * 0.4);
	const replays = Math.round(duplicates * 0.3);
	const soon2 = duplicates - soon1 - replays;
	const original = (event) => ({ event, duplicate: false });
	const copy = (event) => ({ event, duplicate: true });
	const insertCopies = (deliveries, events) => {
		for (const event of events) {
			const at = deliveries.findIndex((d) => d.event === event && !d.duplicate);
			deliveries.splice(at + 1 + Math.floor(random() * 3), 0, copy(event));
		}
	};
	let round1Events = [];
	return {
		late,
		/** `events`: Stripe's events so far (the payments in their first state). */
		round1(events) {
			const byPayment = eventsOf(events, payments, ['first']);
			round1Events = shuffle(
				payments.filter((p) => !late.has(p.paymentId)).map((p) => byPayment.get(p.paymentId).first),
				random,
			);
			const deliveries = round1Events.map(original);
			insertCopies(deliveries, shuffle(round1Events, random).slice(0, soon1));
			return deliveries;
		},
		/** `events`: Stripe's events, the final ones included. */
		round2(events) {
			const byPayment = eventsOf(events, payments, ['first', 'final']);
			const finals = shuffle(
				payments.map((p) => byPayment.get(p.paymentId).final),
				random,
			);
			const deliveries = finals.map(original);
			for (const p of shuffle(
				payments.filter((x) => late.has(x.paymentId)),
				random,
			)) {
				const after = deliveries.findIndex((d) => d.event === byPayment.get(p.paymentId).final);
				const at = after + 1 + Math.floor(random() * (deliveries.length - after));
				deliveries.splice(at, 0, original(byPayment.get(p.paymentId).first));
			}
			for (const event of shuffle(round1Events, random).slice(0, replays)) {
				deliveries.splice(Math.floor(random() * (deliveries.length + 1)), 0, copy(event));
			}
			insertCopies(deliveries, shuffle(finals, random).slice(0, soon2));
			return deliveries;
		},
	};
}

/** Stripe's events for the payments: the first and (once made) the final one of each. */
function eventsOf(events, payments, slots) {
	const byPayment = new Map(payments.map((p) => [p.paymentId, {}]));
	for (const event of events) {
		const entry = byPayment.get(event.data.object.id);
		if (!entry) continue;
		const state = event.type.replace('payment_intent.', '');
		const slot = ['processing', 'requires_action'].includes(state) ? 'first' : 'final';
		if (entry[slot]) throw new Error(`two ${slot} events for ${event.data.object.id}`);
		entry[slot] = event;
	}
	for (const [id, entry] of byPayment) {
		for (const slot of slots)
			if (!entry[slot]) throw new Error(`payment ${id} has no ${slot} event`);
	}
	return byPayment;
}

/**
 * The trigger's Stripe endpoint as both sides know it: Stripe's endpoints (there must be one
 * only) and the id and signing secret the trigger keeps in its static data (sealed with a key
 * derived from the Stripe credential's key), which n8n stores with the workflow in PostgreSQL for
 * every process to read.
 */
async function triggerEndpoint(scale, workflowId) {
	const endpoints = (await scale.stripe.api('GET', '/webhook_endpoints')).data;
	const staticData = JSON.parse(
		scale.sql(`SELECT "staticData" FROM workflow_entity WHERE id = '${workflowId}'`).trim() || '{}',
	);
	const kept = staticData['node:Payment Webhook Trigger'] ?? {};
	const secret = kept.sealedEndpointSecret
		? openEndpointSecret({
				sealed: kept.sealedEndpointSecret,
				stripeSecretKey: scale.stripeSecretKey,
				endpointId: kept.endpointId,
			})
		: undefined;
	return { endpoints, kept, url: endpoints[0]?.url, secret };
}

/** Delivers (again) every payment event Stripe made since `sinceSeconds`, as Stripe retries. */
async function deliverEventsSince(scale, workflowId, sinceSeconds, { concurrency }) {
	const { url, secret } = await triggerEndpoint(scale, workflowId);
	const events = await scale.stripeEvents(PAYMENT_EVENTS, sinceSeconds);
	return deliver(
		url,
		secret,
		events.map((event) => ({ event, duplicate: false })),
		{ concurrency },
	);
}

/** POSTs the deliveries to the endpoint, `concurrency` at once, each signed as Stripe signs. */
async function deliver(url, secret, deliveries, { concurrency }) {
	return inParallel(deliveries, concurrency, async ({ event, duplicate }) => {
		const payload = JSON.stringify(event, null, 2);
		const started = Date.now();
		const res = await fetch(url, {
			method: 'POST',
			headers: {
				'content-type': 'application/json; charset=utf-8',
				'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret }),
				'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
			},
			body: payload,
			signal: AbortSignal.timeout(30_000),
		});
		await res.text();
		return {
			eventId: event.id,
			type: event.type,
			duplicate,
			status: res.status,
			ms: Date.now() - started,
		};
	});
}

module.exports = {
	PAYMENT_EVENTS,
	FIRST_STATE,
	FINAL_STATE,
	createPayments,
	finishPayments,
	deliveryPlan,
	triggerEndpoint,
	deliverEventsSince,
	deliver,
	kindOf,
};

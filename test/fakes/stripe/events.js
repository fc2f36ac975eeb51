// @ts-check
'use strict';
/**
 * What the events list keeps, and disputes (the one kind of event the fake makes only on demand).
 *
 * Retention: https://docs.stripe.com/api/events: "we only guarantee access to events up to 30
 * days old"; https://docs.stripe.com/webhooks/process-undelivered-events: "Stripe only returns
 * events created in the last 30 days". The list and a retrieve both stop at that age (a retrieve
 * of an older event is Stripe's 404 `No such event`); `forgetOldEvents` drops them from the store
 * as Stripe eventually does. `ageEvents` moves events back in time, so a test can make a cursor
 * older than Stripe keeps without waiting a month.
 *
 * Disputes: https://docs.stripe.com/api/disputes/object (`dp_`, the charge and PaymentIntent,
 * `amount`, `currency`, `reason`, `status` needs_response ... won | lost) and
 * https://docs.stripe.com/api/events/types (`charge.dispute.created` when a customer disputes a
 * charge, `charge.dispute.closed` when it is won or lost, each carrying the dispute).
 */
const { invalidRequest, noSuch } = require('./errors');
const { newId, nowSeconds } = require('./store');

const EVENT_RETENTION_SECONDS = 30 * 24 * 60 * 60;

/** The oldest `created` the events list still shows. */
function keptSince() {
	return nowSeconds() - EVENT_RETENTION_SECONDS;
}

function retrieveEvent(fake, id) {
	const event = fake.store.get('event', id);
	if (!event || event.created < keptSince()) throw noSuch('event', id);
	return event;
}

/** Moves events (all, or those of `ids`) `seconds` back in time; returns how many moved. */
function ageEvents(fake, seconds, ids) {
	const wanted = ids ? new Set(/** @type {string[]} */ ([]).concat(ids)) : null;
	let moved = 0;
	for (const event of fake.store.table('event').values()) {
		if (wanted && !wanted.has(event.id)) continue;
		event.created -= seconds;
		moved++;
	}
	return moved;
}

/** Drops the events older than Stripe keeps; returns how many were dropped. */
function forgetOldEvents(fake) {
	const since = keptSince();
	const table = fake.store.table('event');
	let dropped = 0;
	for (const [id, event] of table) {
		if (event.created < since) {
			table.delete(id);
			dropped++;
		}
	}
	return dropped;
}

/** A customer disputes the PaymentIntent's charge: `charge.dispute.created`. */
/**
 * @param {import('./store').FakeAccount} fake
 * @param {string} paymentIntentId
 * @param {{reason?: string, amount?: number}} [opts] amount: the whole charge if absent
 */
function createDispute(fake, paymentIntentId, { reason = 'fraudulent', amount } = {}) {
	const intent = fake.store.require('payment_intent', paymentIntentId);
	const charge = fake.store.get('charge', intent.latest_charge);
	if (!charge || intent.status !== 'succeeded') {
		throw invalidRequest(`PaymentIntent ${paymentIntentId} has no succeeded charge to dispute.`);
	}
	const dispute = {
		id: newId('dp_'),
		object: 'dispute',
		amount: amount ?? charge.amount - charge.amount_refunded,
		balance_transactions: [],
		charge: charge.id,
		created: nowSeconds(),
		currency: charge.currency,
		evidence_details: { due_by: nowSeconds() + 7 * 24 * 60 * 60, has_evidence: false },
		is_charge_refundable: false,
		livemode: false,
		metadata: {},
		payment_intent: intent.id,
		reason,
		status: 'needs_response',
	};
	fake.store.insert('dispute', dispute);
	charge.disputed = true;
	fake.emit('charge.dispute.created', dispute);
	return dispute;
}

/** The dispute ends (`won` or `lost`): `charge.dispute.closed`. */
function closeDispute(fake, disputeId, status) {
	if (status !== 'won' && status !== 'lost') {
		throw invalidRequest('A dispute closes as won or lost.', { param: 'status' });
	}
	const dispute = fake.store.require('dispute', disputeId);
	dispute.status = status;
	fake.emit('charge.dispute.closed', dispute);
	return dispute;
}

module.exports = {
	EVENT_RETENTION_SECONDS,
	keptSince,
	retrieveEvent,
	ageEvents,
	forgetOldEvents,
	createDispute,
	closeDispute,
};

// @ts-check
'use strict';
/**
 * PaymentIntents (create / confirm / cancel / list, 3D Secure, bank debits that settle later),
 * charges, refunds, the balance, and the ledger of succeeded PaymentIntents per invoice.
 */
const { cardError, invalidRequest, unexpectedState } = require('./errors');
const {
	amountIn,
	bool,
	createdFilter,
	currency,
	formatMoney,
	hash,
	int,
	list,
	mergeMetadata,
	oneOf,
	str,
} = require('./params');
const { internal, newId, nowSeconds, snapshot } = require('./store');
const objects = require('./objects');
const { liveCustomer } = require('./customers');
const {
	DECLINES,
	assertUsable,
	catalogEntry,
	errorDetails,
	resolvePaymentMethod,
} = require('./payment-methods');

// --- ledger ---------------------------------------------------------------------------------

/** Invoice ids named by a PaymentIntent: `invoice_id`, `invoice_ids`, `invoice_ids_2`, ... */
function invoiceIdsOf(metadata) {
	const keys = Object.keys(metadata)
		.filter((k) => /^invoice_ids(_\d+)?$/.test(k))
		.sort((a, b) => Number(a.split('_')[2] || 1) - Number(b.split('_')[2] || 1));
	const ids = keys.flatMap((k) => metadata[k].split(','));
	if (metadata.invoice_id) ids.unshift(metadata.invoice_id);
	return [...new Set(ids.map((s) => s.trim()).filter(Boolean))];
}

class Ledger {
	constructor() {
		this.entries = [];
	}

	record(pi) {
		this.entries.push({
			paymentIntentId: pi.id,
			invoiceIds: invoiceIdsOf(pi.metadata),
			amount: pi.amount,
			currency: pi.currency,
			customer: pi.customer,
		});
	}

	chargesFor(invoiceId) {
		return this.entries.filter((e) => e.invoiceIds.includes(invoiceId)).length;
	}

	allCharges() {
		return this.entries.map((e) => ({ ...e, invoiceIds: [...e.invoiceIds] }));
	}

	duplicates() {
		const counts = new Map();
		for (const e of this.entries)
			for (const id of e.invoiceIds) counts.set(id, (counts.get(id) || 0) + 1);
		return [...counts].filter(([, n]) => n > 1).map(([id]) => id);
	}
}

// --- payment intents --------------------------------------------------------------------------

const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];
const CANCELABLE = [
	'requires_payment_method',
	'requires_capture',
	'requires_confirmation',
	'requires_action',
];
const DEFAULT_TYPES = ['card', 'us_bank_account'];

function offSessionParam(params) {
	const raw = params.off_session;
	if (raw === 'one_off' || raw === 'recurring') return true;
	return bool(params, 'off_session');
}

/** allowed_payment_method_types (stripe 23) or the older payment_method_types. */
function paymentMethodTypes(params) {
	const types =
		list(params, 'allowed_payment_method_types') ?? list(params, 'payment_method_types');
	const apm = hash(params, 'automatic_payment_methods');
	if (types && apm && bool(apm, 'enabled')) {
		throw invalidRequest(
			'You may only specify one of these parameters: automatic_payment_methods, allowed_payment_method_types.',
			{ param: 'automatic_payment_methods' },
		);
	}
	if (types) {
		for (const [i, t] of types.entries()) {
			if (typeof t !== 'string' || !/^[a-z_]+$/.test(t)) {
				throw invalidRequest(`Invalid payment method type: ${t}`, {
					param: `allowed_payment_method_types[${i}]`,
				});
			}
		}
		return { types, allowedTypes: types, automatic: null };
	}
	const allowRedirects = apm ? oneOf(apm, 'allow_redirects', ['always', 'never']) : undefined;
	return {
		types: DEFAULT_TYPES,
		allowedTypes: null,
		automatic: { allow_redirects: allowRedirects ?? 'always', enabled: true },
	};
}

function checkTypeAllowed(pi, pm) {
	if (!pi.payment_method_types.includes(pm.type)) {
		throw invalidRequest(
			`The PaymentMethod provided (${pm.type}) is not allowed for this PaymentIntent. Please attach a PaymentMethod of one of the following types: ${pi.payment_method_types.join(', ')}.`,
			{ param: 'payment_method', code: 'payment_intent_incompatible_payment_method' },
		);
	}
}

function createPaymentIntent(fake, params, ctx) {
	const cur = currency(params);
	const amount = amountIn(params, cur);
	const metadata = mergeMetadata({}, params.metadata);
	const customer = str(params, 'customer');
	if (customer) liveCustomer(fake, customer, 'customer');
	const confirm = bool(params, 'confirm') ?? false;
	const offSession = offSessionParam(params);
	if (offSession !== undefined && !confirm) {
		throw invalidRequest('`off_session` can only be set when `confirm` is true.', {
			param: 'off_session',
		});
	}
	const suffix = str(params, 'statement_descriptor_suffix');
	if (suffix && suffix.length > 22) {
		throw invalidRequest('statement_descriptor_suffix may be at most 22 characters.', {
			param: 'statement_descriptor_suffix',
		});
	}
	const typeInfo = paymentMethodTypes(params);
	let pm;
	if (params.payment_method !== undefined) {
		pm = resolvePaymentMethod(fake, str(params, 'payment_method'));
		assertUsable(pm, customer);
	}
	const pi = objects.paymentIntent({
		amount,
		currency: cur,
		customer,
		metadata,
		description: str(params, 'description'),
		receiptEmail: str(params, 'receipt_email'),
		setupFutureUsage: oneOf(params, 'setup_future_usage', ['off_session', 'on_session']),
		statementDescriptorSuffix: suffix,
		paymentMethod: pm && pm.id,
		...typeInfo,
	});
	if (pm) checkTypeAllowed(pi, pm);
	fake.store.insert('payment_intent', pi);
	fake.emit('payment_intent.created', pi, ctx);
	if (confirm) {
		attemptPayment(fake, pi, {
			offSession: offSession ?? false,
			returnUrl: str(params, 'return_url'),
			errorOnRequiresAction: bool(params, 'error_on_requires_action'),
			ctx,
		});
	}
	return pi;
}

function confirmPaymentIntent(fake, id, params, ctx) {
	const pi = fake.store.require('payment_intent', id);
	if (!CONFIRMABLE.includes(pi.status)) {
		throw unexpectedState(
			`You cannot confirm this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be confirmed: ${CONFIRMABLE.join(', ')}.`,
		);
	}
	if (params.payment_method !== undefined) {
		const pm = resolvePaymentMethod(fake, str(params, 'payment_method'));
		assertUsable(pm, pi.customer);
		checkTypeAllowed(pi, pm);
		pi.payment_method = pm.id;
	}
	if (params.metadata !== undefined) pi.metadata = mergeMetadata(pi.metadata, params.metadata);
	if (params.receipt_email !== undefined) pi.receipt_email = str(params, 'receipt_email') ?? null;
	const sfu = oneOf(params, 'setup_future_usage', ['off_session', 'on_session']);
	if (sfu) pi.setup_future_usage = sfu;
	if (!pi.payment_method) {
		throw unexpectedState(
			"You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
		);
	}
	attemptPayment(fake, pi, {
		offSession: offSessionParam(params) ?? false,
		returnUrl: str(params, 'return_url'),
		errorOnRequiresAction: bool(params, 'error_on_requires_action'),
		ctx,
	});
	return pi;
}

/**
 * Runs a charge attempt with the PaymentIntent's method; outcomes follow the test card.
 * A decline stores the failed state, then throws Stripe's 402 carrying the PaymentIntent.
 */
/**
 * @param {import('./store').FakeAccount} fake
 * @param {any} pi
 * @param {{offSession: boolean, returnUrl?: string, errorOnRequiresAction?: boolean, ctx: any}} opts
 */
function attemptPayment(fake, pi, { offSession, returnUrl, errorOnRequiresAction, ctx }) {
	const pm = fake.store.require('payment_method', pi.payment_method, 'payment_method');
	const entry = catalogEntry(pm);
	pi.last_payment_error = null;
	pi.next_action = null;
	if (!pm.customer) internal(pm).consumed = true;
	const authenticated = internal(pi).authenticated;
	internal(pi).authenticated = false;
	if (entry.authentication && !authenticated) {
		if (offSession || errorOnRequiresAction) {
			decline(fake, pi, pm, DECLINES.authenticationRequired, ctx);
		}
		pi.status = 'requires_action';
		pi.next_action = nextAction(fake, pi.id, returnUrl);
		fake.emit('payment_intent.requires_action', pi, ctx);
		return;
	}
	const forced = fake.forcedDeclines.shift();
	if (forced) decline(fake, pi, pm, DECLINES[forced], ctx);
	if (entry.decline) decline(fake, pi, pm, entry.decline, ctx);
	if (entry.settle) {
		const ch = fake.store.insert('charge', objects.charge(pi, pm, 'pending'));
		pi.status = 'processing';
		pi.latest_charge = ch.id;
		fake.emit('charge.pending', ch, ctx);
		fake.emit('payment_intent.processing', pi, ctx);
		return;
	}
	const ch = fake.store.insert('charge', objects.charge(pi, pm, 'succeeded'));
	pi.latest_charge = ch.id;
	fake.emit('charge.succeeded', ch, ctx);
	succeed(fake, pi, pm, ctx);
}

function nextAction(fake, intentId, returnUrl) {
	const url = `${fake.baseUrl}/3ds/${intentId}`;
	if (returnUrl)
		return { redirect_to_url: { return_url: returnUrl, url }, type: 'redirect_to_url' };
	return {
		type: 'use_stripe_sdk',
		use_stripe_sdk: { source: newId('src_'), stripe_js: url, type: 'three_d_secure_redirect' },
	};
}

function succeed(fake, pi, pm, ctx) {
	pi.status = 'succeeded';
	pi.amount_received = pi.amount;
	if (pi.setup_future_usage && pi.customer && !pm.customer) {
		pm.customer = pi.customer;
		fake.emit('payment_method.attached', pm, ctx);
	}
	fake.ledger.record(pi);
	fake.emit('payment_intent.succeeded', pi, ctx);
}

function decline(fake, pi, pm, failure, ctx) {
	const details = errorDetails(failure);
	const ch = fake.store.insert('charge', objects.charge(pi, pm, 'failed', details));
	pi.status = 'requires_payment_method';
	pi.latest_charge = ch.id;
	pi.last_payment_error = {
		...details,
		charge: ch.id,
		payment_method: snapshot(pm),
		type: 'card_error',
	};
	fake.emit('charge.failed', ch, ctx);
	fake.emit('payment_intent.payment_failed', pi, ctx);
	throw cardError({
		...details,
		charge: ch.id,
		payment_intent: snapshot(pi),
		payment_method: snapshot(pm),
	});
}

/** The customer finishes (or fails) 3D Secure for a PaymentIntent in requires_action. */
function authenticatePaymentIntent(fake, pi, succeeded, ctx = null) {
	if (pi.status !== 'requires_action') {
		throw unexpectedState(
			`This PaymentIntent has a status of ${pi.status}; nothing to authenticate.`,
		);
	}
	if (succeeded) {
		internal(pi).authenticated = true;
		attemptPayment(fake, pi, { offSession: false, ctx });
		return pi;
	}
	const pm = fake.store.get('payment_method', pi.payment_method);
	pi.status = 'requires_payment_method';
	pi.next_action = null;
	pi.last_payment_error = {
		code: 'payment_intent_authentication_failure',
		doc_url: 'https://stripe.com/docs/error-codes/payment-intent-authentication-failure',
		message:
			'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.',
		payment_method: snapshot(pm),
		type: 'invalid_request_error',
	};
	fake.emit('payment_intent.payment_failed', pi, ctx);
	return pi;
}

function cancelPaymentIntent(fake, id, params, ctx) {
	const pi = fake.store.require('payment_intent', id);
	const reason = oneOf(params, 'cancellation_reason', [
		'duplicate',
		'fraudulent',
		'requested_by_customer',
		'abandoned',
	]);
	if (!CANCELABLE.includes(pi.status)) {
		throw unexpectedState(
			`You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`,
		);
	}
	pi.status = 'canceled';
	pi.canceled_at = nowSeconds();
	pi.cancellation_reason = reason ?? null;
	pi.next_action = null;
	fake.emit('payment_intent.canceled', pi, ctx);
	return pi;
}

function listPaymentIntents(fake, params) {
	const customer = str(params, 'customer');
	const created = createdFilter(params);
	return fake.store.newestFirst(
		'payment_intent',
		(pi) => (!customer || pi.customer === customer) && created(pi.created),
	);
}

/** Bank debits in `processing` settle: succeed, or fail per the test account. */
function settleProcessing(fake) {
	const settled = [];
	for (const pi of fake.store.newestFirst('payment_intent', (p) => p.status === 'processing')) {
		const pm = fake.store.get('payment_method', pi.payment_method);
		const ch = fake.store.get('charge', pi.latest_charge);
		const failure = catalogEntry(pm).settleFailure;
		const session = fake.store.get('checkout.session', internal(pi).checkoutSession);
		if (failure) {
			const details = errorDetails(failure);
			Object.assign(ch, {
				status: 'failed',
				failure_code: details.code,
				failure_message: details.message,
			});
			pi.status = 'requires_payment_method';
			pi.last_payment_error = {
				...details,
				charge: ch.id,
				payment_method: snapshot(pm),
				type: 'card_error',
			};
			fake.emit('charge.failed', ch, null);
			fake.emit('payment_intent.payment_failed', pi, null);
			if (session) fake.emit('checkout.session.async_payment_failed', session, null);
		} else {
			Object.assign(ch, {
				status: 'succeeded',
				paid: true,
				captured: true,
				amount_captured: ch.amount,
				balance_transaction: newId('txn_'),
			});
			fake.emit('charge.succeeded', ch, null);
			succeed(fake, pi, pm, null);
			if (session) {
				session.payment_status = 'paid';
				fake.emit('checkout.session.async_payment_succeeded', session, null);
			}
		}
		settled.push(pi.id);
	}
	return settled;
}

// --- refunds & balance -----------------------------------------------------------------------

function createRefund(fake, params, ctx) {
	const chargeId = str(params, 'charge');
	const piId = str(params, 'payment_intent');
	if (!chargeId && !piId) {
		throw invalidRequest(
			'One of the following params should be provided for this request: payment_intent or charge.',
		);
	}
	let pi;
	let ch;
	if (chargeId) {
		ch = fake.store.require('charge', chargeId, 'charge');
		pi = fake.store.get('payment_intent', ch.payment_intent);
	} else {
		pi = fake.store.require('payment_intent', piId, 'payment_intent');
		ch = fake.store.get('charge', pi.latest_charge);
	}
	if (!ch || ch.status !== 'succeeded') {
		throw invalidRequest(
			`This PaymentIntent (${pi.id}) does not have a successful charge to refund.`,
			{
				param: chargeId ? 'charge' : 'payment_intent',
			},
		);
	}
	const remaining = ch.amount_captured - ch.amount_refunded;
	if (remaining === 0) {
		throw invalidRequest(`Charge ${ch.id} has already been refunded.`, {
			code: 'charge_already_refunded',
		});
	}
	const amount = int(params, 'amount', { min: 1 }) ?? remaining;
	if (amount > remaining) {
		throw invalidRequest(
			`Refund amount (${formatMoney(amount, ch.currency)}) is greater than unrefunded amount on charge (${formatMoney(remaining, ch.currency)})`,
			{ param: 'amount', code: 'amount_too_large' },
		);
	}
	const re = objects.refund(pi, ch, {
		amount,
		reason: oneOf(params, 'reason', ['duplicate', 'fraudulent', 'requested_by_customer']),
		metadata: mergeMetadata({}, params.metadata),
	});
	fake.store.insert('refund', re);
	const previous = { amount_refunded: ch.amount_refunded, refunded: ch.refunded };
	ch.amount_refunded += amount;
	ch.refunded = ch.amount_refunded === ch.amount_captured;
	fake.emit('refund.created', re, ctx);
	fake.emit('charge.refunded', ch, ctx, previous);
	return re;
}

function listRefunds(fake, params) {
	const pi = str(params, 'payment_intent');
	const ch = str(params, 'charge');
	const created = createdFilter(params);
	return fake.store.newestFirst(
		'refund',
		(r) => (!pi || r.payment_intent === pi) && (!ch || r.charge === ch) && created(r.created),
	);
}

function balance(fake) {
	const sums = new Map([['usd', { available: 0, pending: 0 }]]);
	/** @returns {{available: number, pending: number}} */
	const of = (cur) => {
		let sum = sums.get(cur);
		if (!sum) sums.set(cur, (sum = { available: 0, pending: 0 }));
		return sum;
	};
	for (const ch of fake.store.table('charge').values()) {
		if (ch.status === 'succeeded')
			of(ch.currency).available += ch.amount_captured - ch.amount_refunded;
		if (ch.status === 'pending') of(ch.currency).pending += ch.amount;
	}
	const entries = (key) =>
		[...sums].map(([cur, s]) => ({
			amount: s[key],
			currency: cur,
			source_types: { card: s[key] },
		}));
	return {
		object: 'balance',
		available: entries('available'),
		connect_reserved: [{ amount: 0, currency: 'usd' }],
		livemode: false,
		pending: entries('pending'),
	};
}

// --- set-up helper ----------------------------------------------------------------------------

const SEED_STATUSES = [
	'requires_payment_method',
	'requires_action',
	'processing',
	'succeeded',
	'canceled',
];

/** A PaymentIntent already in a given state (no events): e.g. a pending payment from yesterday. */
function seedPaymentIntent(fake, spec) {
	const status = spec.status ?? 'succeeded';
	if (!SEED_STATUSES.includes(status))
		throw new Error(`seed: unsupported PaymentIntent status ${status}`);
	if (!Number.isInteger(spec.amount) || spec.amount < 1)
		throw new Error('seed: amount must be a positive integer');
	const cur = spec.currency ?? 'usd';
	const pm = resolvePaymentMethod(fake, spec.paymentMethod ?? 'pm_card_visa');
	const pi = objects.paymentIntent({
		amount: spec.amount,
		currency: cur,
		customer: spec.customer ?? null,
		metadata: { ...(spec.metadata || {}) },
		description: spec.description,
		paymentMethod: pm.id,
		created: spec.created,
		types: DEFAULT_TYPES,
		automatic: { allow_redirects: 'always', enabled: true },
	});
	fake.store.insert('payment_intent', pi);
	pi.status = status;
	if (status === 'succeeded' || status === 'processing') {
		const ch = objects.charge(pi, pm, status === 'succeeded' ? 'succeeded' : 'pending');
		fake.store.insert('charge', ch);
		pi.latest_charge = ch.id;
	}
	if (status === 'succeeded') {
		pi.amount_received = pi.amount;
		fake.ledger.record(pi);
	}
	if (status === 'requires_action') pi.next_action = nextAction(fake, pi.id);
	if (status === 'canceled') pi.canceled_at = pi.created;
	return pi;
}

module.exports = {
	Ledger,
	createPaymentIntent,
	confirmPaymentIntent,
	attemptPayment,
	authenticatePaymentIntent,
	cancelPaymentIntent,
	listPaymentIntents,
	settleProcessing,
	createRefund,
	listRefunds,
	balance,
	seedPaymentIntent,
	paymentMethodTypes,
	nextAction,
	checkTypeAllowed,
};

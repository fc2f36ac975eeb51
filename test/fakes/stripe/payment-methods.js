// @ts-check
'use strict';
/**
 * Stripe's test payment methods (usable by id, each use makes a fresh `pm_...` as Stripe does) and
 * attach / detach with Stripe's rules: the plain decline cards are refused already at attach,
 * `pm_card_chargeCustomerFail` attaches and then declines every charge, a detached or once-used
 * unattached method may not be used again.
 */
const { createHash } = require('node:crypto');
const { cardError, invalidRequest, missingParam } = require('./errors');
const { internal } = require('./store');
const objects = require('./objects');

const DECLINES = {
	generic: {
		code: 'card_declined',
		decline_code: 'generic_decline',
		message: 'Your card was declined.',
	},
	insufficientFunds: {
		code: 'card_declined',
		decline_code: 'insufficient_funds',
		message: 'Your card has insufficient funds.',
	},
	expired: {
		code: 'expired_card',
		decline_code: 'expired_card',
		message: 'Your card has expired.',
	},
	processing: {
		code: 'processing_error',
		message: 'An error occurred while processing your card. Try again in a little bit.',
	},
	authenticationRequired: {
		code: 'authentication_required',
		decline_code: 'authentication_required',
		message: 'Your card was declined. This transaction requires authentication.',
	},
	// Stripe's lost-card test card (4000000000009987, docs.stripe.com/testing#declined-payments),
	// for a saved card through declineNextCharges: the plain card is refused when attached.
	lostCard: {
		code: 'card_declined',
		decline_code: 'lost_card',
		message: 'Your card was declined.',
	},
	// A generic decline with the issuer's advice not to retry
	// (docs.stripe.com/declines/card#retrying-issuer-declines); no test card gives it.
	doNotTryAgain: {
		code: 'card_declined',
		decline_code: 'generic_decline',
		advice_code: 'do_not_try_again',
		message: 'Your card was declined.',
	},
	bankInsufficientFunds: {
		code: 'insufficient_funds',
		message: "The customer's account has insufficient funds to cover this payment.",
	},
};

function card(brand, number, extra = {}) {
	return {
		type: 'card',
		brand,
		number,
		last4: number.slice(-4),
		funding: 'credit',
		country: 'US',
		...extra,
	};
}

function bank(last4, extra) {
	return { type: 'us_bank_account', number: `00012345${last4}`, last4, ...extra };
}

/**
 * `decline`: every charge declines with it; `refuseAttach`: attaching declines too;
 * `authentication`: 3D Secure on every payment; `settle`: bank debits stay `processing` until
 * settleProcessing(), then succeed (or fail with `settleFailure`).
 */
const CATALOG = {
	pm_card_visa: card('visa', '4242424242424242'),
	pm_card_mastercard: card('mastercard', '5555555555554444'),
	pm_card_amex: card('amex', '378282246310005'),
	pm_card_chargeDeclined: card('visa', '4000000000000002', {
		decline: DECLINES.generic,
		refuseAttach: true,
	}),
	pm_card_chargeDeclinedInsufficientFunds: card('visa', '4000000000009995', {
		decline: DECLINES.insufficientFunds,
		refuseAttach: true,
	}),
	pm_card_chargeDeclinedExpiredCard: card('visa', '4000000000000069', {
		decline: DECLINES.expired,
		refuseAttach: true,
	}),
	pm_card_chargeDeclinedProcessingError: card('visa', '4000000000000119', {
		decline: DECLINES.processing,
		refuseAttach: true,
	}),
	pm_card_authenticationRequired: card('visa', '4000002760003184', { authentication: true }),
	pm_card_chargeCustomerFail: card('visa', '4000000000000341', { decline: DECLINES.generic }),
	pm_usBankAccount_success: bank('6789', { settle: true }),
	pm_usBankAccount_insufficientFunds: bank('2227', {
		settle: true,
		settleFailure: DECLINES.bankInsufficientFunds,
	}),
};
for (const entry of Object.values(CATALOG)) {
	entry.fingerprint = createHash('sha256').update(entry.number).digest('base64url').slice(0, 16);
}

function catalogEntry(pm) {
	return CATALOG[internal(pm).catalog];
}

function errorDetails(decline) {
	return {
		...decline,
		doc_url: `https://stripe.com/docs/error-codes/${decline.code.replace(/_/g, '-')}`,
	};
}

/** A fresh copy of a test method (by its alias), or a stored method by id. */
function resolvePaymentMethod(fake, id, param = 'payment_method') {
	if (typeof id !== 'string' || id === '') throw missingParam(param);
	const entry = CATALOG[id];
	if (entry) {
		return fake.store.insert('payment_method', objects.paymentMethod(entry), { catalog: id });
	}
	return fake.store.require('payment_method', id, param);
}

/** Stripe's refusals for a method that cannot be used with this customer (or without one). */
function assertUsable(pm, customerId, param = 'payment_method') {
	if (pm.customer && pm.customer !== customerId) {
		throw invalidRequest(
			customerId
				? `The provided PaymentMethod belongs to a different Customer (${pm.customer}).`
				: 'The provided PaymentMethod is attached to a Customer; please also provide the Customer ID via the `customer` parameter.',
			{ param, code: 'payment_method_invalid_parameter' },
		);
	}
	const { detached, consumed } = internal(pm);
	if (!pm.customer && (detached || consumed)) {
		throw invalidRequest(
			'The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.',
			{ param, code: 'payment_method_unexpected_state' },
		);
	}
}

/** Attaches (a fresh copy of a test method, or an unattached stored one) to a customer. */
function attachPaymentMethod(fake, pmId, customerId, ctx) {
	if (!customerId) throw missingParam('customer');
	const customer = fake.store.require('customer', customerId, 'customer');
	if (customer.deleted)
		throw invalidRequest(`No such customer: '${customerId}'`, {
			param: 'customer',
			code: 'resource_missing',
		});
	const pm = resolvePaymentMethod(fake, pmId, 'payment_method');
	if (pm.customer === customerId) return pm;
	if (pm.customer) {
		throw invalidRequest(
			'The payment method you provided has already been attached to a customer.',
			{
				code: 'payment_method_unexpected_state',
			},
		);
	}
	assertUsable(pm, customerId);
	const entry = catalogEntry(pm);
	if (entry.refuseAttach) {
		internal(pm).consumed = true;
		throw cardError({ ...errorDetails(entry.decline), param: '' });
	}
	pm.customer = customerId;
	fake.emit('payment_method.attached', pm, ctx);
	return pm;
}

function detachPaymentMethod(fake, pmId, ctx) {
	const pm = fake.store.require('payment_method', pmId);
	if (!pm.customer) {
		throw invalidRequest(
			'The payment method you provided is not attached to a customer so detachment is impossible.',
			{ code: 'payment_method_unexpected_state' },
		);
	}
	const customer = fake.store.get('customer', pm.customer);
	if (customer && customer.invoice_settings.default_payment_method === pm.id) {
		customer.invoice_settings.default_payment_method = null;
		fake.touchCustomer(customer);
		fake.emit('customer.updated', customer, ctx, {
			invoice_settings: { default_payment_method: pm.id },
		});
	}
	const previous = { customer: pm.customer };
	pm.customer = null;
	internal(pm).detached = true;
	fake.emit('payment_method.detached', pm, ctx, previous);
	return pm;
}

module.exports = {
	CATALOG,
	DECLINES,
	catalogEntry,
	errorDetails,
	resolvePaymentMethod,
	assertUsable,
	attachPaymentMethod,
	detachPaymentMethod,
};

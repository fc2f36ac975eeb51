// @ts-check
'use strict';
/**
 * Hosted flows: Checkout Sessions (payment and setup mode), SetupIntents, customer portal
 * sessions, and what happens when the customer finishes them (the tests drive that by hand or
 * through the fake's HTML pages).
 */
const {
	StripeApiError,
	cardError,
	invalidRequest,
	missingParam,
	unexpectedState,
} = require('./errors');
const {
	bool,
	checkAmount,
	createdFilter,
	currency,
	hash,
	int,
	list,
	mergeMetadata,
	oneOf,
	str,
	url,
} = require('./params');
const { internal, newId, nowSeconds, snapshot } = require('./store');
const objects = require('./objects');
const { createCustomer, liveCustomer, touchCustomer } = require('./customers');
const {
	assertUsable,
	attachPaymentMethod,
	catalogEntry,
	errorDetails,
	resolvePaymentMethod,
} = require('./payment-methods');
const { attemptPayment, checkTypeAllowed, nextAction, paymentMethodTypes } = require('./payments');

// --- checkout sessions -----------------------------------------------------------------------

function lineItems(params) {
	const items = list(params, 'line_items');
	if (!items || items.length === 0) throw missingParam('line_items');
	let cur;
	let total = 0;
	const out = items.map((item, i) => {
		const p = `line_items[${i}]`;
		if (!item || typeof item !== 'object') throw invalidRequest('Invalid object', { param: p });
		if (item.price) {
			throw invalidRequest(`No such price: '${item.price}'`, {
				param: `${p}[price]`,
				code: 'resource_missing',
			});
		}
		if (!item.price_data) throw missingParam(`${p}[price_data]`);
		const pd = hash(item, 'price_data');
		const itemCurrency = currency(
			{ [`${p}[price_data][currency]`]: pd.currency },
			`${p}[price_data][currency]`,
		);
		if (!itemCurrency) throw missingParam(`${p}[price_data][currency]`);
		if (cur && itemCurrency !== cur) {
			throw invalidRequest('All line items must use the same currency.', {
				param: `${p}[price_data][currency]`,
			});
		}
		cur = itemCurrency;
		const unitAmount = int(
			{ [`${p}[price_data][unit_amount]`]: pd.unit_amount },
			`${p}[price_data][unit_amount]`,
			{ min: 0 },
		);
		if (unitAmount === undefined) throw missingParam(`${p}[price_data][unit_amount]`);
		const product = pd.product_data && typeof pd.product_data === 'object' ? pd.product_data : null;
		if (!product || !product.name) throw missingParam(`${p}[price_data][product_data][name]`);
		const quantity = int({ [`${p}[quantity]`]: item.quantity }, `${p}[quantity]`, { min: 1 });
		if (quantity === undefined) throw missingParam(`${p}[quantity]`);
		total += unitAmount * quantity;
		return { name: String(product.name), unitAmount, quantity };
	});
	checkAmount(total, cur, 'line_items');
	return { items: out, currency: cur, total };
}

function intentData(params, name) {
	const data = hash(params, name) || {};
	return {
		metadata: mergeMetadata({}, data.metadata, `${name}[metadata]`),
		description: str(data, 'description'),
		receiptEmail: str(data, 'receipt_email'),
		setupFutureUsage: oneOf(data, 'setup_future_usage', ['off_session', 'on_session']),
	};
}

function createCheckoutSession(fake, params) {
	const mode = oneOf(params, 'mode', ['payment', 'setup', 'subscription']);
	if (!mode) throw missingParam('mode');
	if (mode === 'subscription') {
		throw invalidRequest('Subscriptions are not modelled by this fake Stripe server.', {
			param: 'mode',
		});
	}
	const customer = str(params, 'customer');
	if (customer) liveCustomer(fake, customer, 'customer');
	const customerEmail = str(params, 'customer_email');
	if (customer && customerEmail) {
		throw invalidRequest(
			'You may only specify one of these parameters: customer, customer_email.',
			{
				param: 'customer_email',
			},
		);
	}
	const { types, allowedTypes } = paymentMethodTypes(params);
	const common = {
		mode,
		customer,
		customerEmail,
		types,
		allowedTypes,
		metadata: mergeMetadata({}, params.metadata),
		successUrl: url(params, 'success_url'),
		cancelUrl: url(params, 'cancel_url'),
		clientReferenceId: str(params, 'client_reference_id'),
		customerCreation:
			oneOf(params, 'customer_creation', ['always', 'if_required']) ?? 'if_required',
		baseUrl: fake.baseUrl,
	};
	const expiresAt = int(params, 'expires_at');
	if (expiresAt !== undefined) {
		const now = nowSeconds();
		if (expiresAt < now + 30 * 60 || expiresAt > now + 24 * 3600) {
			throw invalidRequest('expires_at must be between 30 minutes and 24 hours from now.', {
				param: 'expires_at',
			});
		}
		common.expiresAt = expiresAt;
	}
	let session;
	if (mode === 'payment') {
		const items = lineItems(params);
		session = objects.checkoutSession({
			...common,
			currency: items.currency,
			amountTotal: items.total,
		});
		fake.store.insert('checkout.session', session, {
			lineItems: items.items,
			intentData: intentData(params, 'payment_intent_data'),
		});
	} else {
		if (params.line_items !== undefined) {
			throw invalidRequest('You can not pass `line_items` in `setup` mode.', {
				param: 'line_items',
			});
		}
		const cur = currency(params);
		if (!cur && !allowedTypes) throw missingParam('currency');
		session = objects.checkoutSession({ ...common, currency: cur });
		fake.store.insert('checkout.session', session, {
			lineItems: [],
			intentData: intentData(params, 'setup_intent_data'),
		});
	}
	return session;
}

/** The line items of a session, as Stripe lists them (`item` objects, first to last). */
function listLineItems(fake, id) {
	const session = fake.store.require('checkout.session', id);
	return internal(session).lineItems.map((line, index) => ({
		id: `li_${session.id.slice(-12)}${index}`,
		object: 'item',
		amount_discount: 0,
		amount_subtotal: line.unitAmount * line.quantity,
		amount_tax: 0,
		amount_total: line.unitAmount * line.quantity,
		currency: session.currency,
		description: line.name,
		price: {
			object: 'price',
			currency: session.currency,
			unit_amount: line.unitAmount,
			type: 'one_time',
		},
		quantity: line.quantity,
	}));
}

/** The page stops taking payments; a PaymentIntent it made is left as it is. */
function expireSession(fake, session, ctx) {
	session.status = 'expired';
	session.url = null;
	fake.emit('checkout.session.expired', session, ctx);
	return session;
}

/** The session as it stands now: one past `expires_at` has expired (the fake notices when asked). */
function currentSession(fake, id) {
	const session = fake.store.require('checkout.session', id);
	if (session.status === 'open' && nowSeconds() > session.expires_at) {
		expireSession(fake, session, null);
	}
	return session;
}

const SESSION_STATUSES = ['open', 'complete', 'expired'];

/**
 * GET /v1/checkout/sessions: newest first, filtered by customer, status, payment_intent and
 * created. A listed session past its expires_at has expired, so `status=open` never lists one.
 */
function listCheckoutSessions(fake, params) {
	const customer = str(params, 'customer');
	const status = oneOf(params, 'status', SESSION_STATUSES);
	const paymentIntent = str(params, 'payment_intent');
	const created = createdFilter(params);
	return fake.store
		.newestFirst(
			'checkout.session',
			(s) =>
				(!customer || s.customer === customer) &&
				(!paymentIntent || s.payment_intent === paymentIntent) &&
				created(s.created),
		)
		.map((s) => currentSession(fake, s.id))
		.filter((s) => !status || s.status === status);
}

function openSession(fake, id) {
	const session = currentSession(fake, id);
	if (session.status !== 'open') {
		throw invalidRequest(`This Checkout Session is no longer open (status: ${session.status}).`);
	}
	return session;
}

/** POST /v1/checkout/sessions/:id/expire: only an open session expires; Stripe's words otherwise. */
function expireCheckoutSession(fake, id, ctx) {
	const session = currentSession(fake, id);
	if (session.status !== 'open') {
		throw invalidRequest(
			`Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of \`${session.status}\`.`,
		);
	}
	return expireSession(fake, session, ctx);
}

/**
 * The customer pays (payment mode) or saves a method (setup mode) on the hosted page. A declined
 * card leaves the session open, as Checkout shows the error and lets the customer try again.
 * @returns {{session, paymentIntent?, setupIntent?, error?}}
 */
function completeCheckoutSession(fake, id, { paymentMethod = 'pm_card_visa', ctx = null } = {}) {
	const session = openSession(fake, id);
	const data = internal(session).intentData;
	const pm = resolvePaymentMethod(fake, paymentMethod);
	if (!session.customer && session.customer_creation === 'always') {
		session.customer = createCustomer(fake, { email: session.customer_email ?? undefined }, ctx).id;
	}
	assertUsable(pm, session.customer);
	const customer = session.customer ? fake.store.get('customer', session.customer) : null;
	const result = { session };
	try {
		if (session.mode === 'payment') {
			let pi = fake.store.get('payment_intent', session.payment_intent);
			if (!pi) {
				pi = objects.paymentIntent({
					amount: session.amount_total,
					currency: session.currency,
					customer: session.customer,
					metadata: { ...data.metadata },
					description: data.description,
					receiptEmail: data.receiptEmail,
					setupFutureUsage: data.setupFutureUsage,
					types: session.payment_method_types,
					allowedTypes: session.allowed_payment_method_types,
				});
				fake.store.insert('payment_intent', pi, { checkoutSession: session.id });
				session.payment_intent = pi.id;
				fake.emit('payment_intent.created', pi, ctx);
			}
			result.paymentIntent = pi;
			checkTypeAllowed(pi, pm);
			pi.payment_method = pm.id;
			// The customer completes any 3D Secure challenge on the hosted page.
			internal(pi).authenticated = true;
			attemptPayment(fake, pi, { offSession: false, ctx });
			session.payment_status = pi.status === 'succeeded' ? 'paid' : 'unpaid';
		} else {
			const si = objects.setupIntent({
				customer: session.customer,
				metadata: { ...data.metadata },
				description: data.description,
				types: session.payment_method_types,
				allowedTypes: session.allowed_payment_method_types,
				paymentMethod: pm.id,
			});
			fake.store.insert('setup_intent', si, { authenticated: true });
			session.setup_intent = si.id;
			result.setupIntent = si;
			fake.emit('setup_intent.created', si, ctx);
			confirmSetup(fake, si, { ctx });
		}
	} catch (error) {
		if (error instanceof StripeApiError && error.status === 402) {
			result.error = error.body().error;
			return result;
		}
		throw error;
	}
	session.status = 'complete';
	session.url = null;
	session.customer_details = {
		address: objects.address({}),
		business_name: null,
		email: session.customer_email ?? (customer && customer.email) ?? 'customer@example.com',
		individual_name: null,
		name: customer ? customer.name : null,
		phone: null,
		tax_exempt: 'none',
		tax_ids: [],
	};
	fake.emit('checkout.session.completed', session, ctx);
	return result;
}

// --- setup intents ---------------------------------------------------------------------------

function createSetupIntent(fake, params, ctx) {
	const customer = str(params, 'customer');
	if (customer) liveCustomer(fake, customer, 'customer');
	const typeInfo = paymentMethodTypes(params);
	let pm;
	if (params.payment_method !== undefined) {
		pm = resolvePaymentMethod(fake, str(params, 'payment_method'));
		assertUsable(pm, customer);
	}
	const si = objects.setupIntent({
		customer,
		metadata: mergeMetadata({}, params.metadata),
		description: str(params, 'description'),
		usage: oneOf(params, 'usage', ['off_session', 'on_session']),
		paymentMethod: pm && pm.id,
		...typeInfo,
	});
	fake.store.insert('setup_intent', si);
	fake.emit('setup_intent.created', si, ctx);
	if (bool(params, 'confirm')) {
		if (!pm)
			throw unexpectedState(
				'You cannot confirm this SetupIntent because it is missing a payment method.',
				'setup_intent_unexpected_state',
			);
		confirmSetup(fake, si, { returnUrl: url(params, 'return_url'), ctx });
	}
	return si;
}

const SETUP_CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

function confirmSetupIntent(fake, id, params, ctx) {
	const si = fake.store.require('setup_intent', id);
	if (!SETUP_CONFIRMABLE.includes(si.status)) {
		throw unexpectedState(
			`You cannot confirm this SetupIntent because it has a status of ${si.status}.`,
			'setup_intent_unexpected_state',
		);
	}
	if (params.payment_method !== undefined) {
		const pm = resolvePaymentMethod(fake, str(params, 'payment_method'));
		assertUsable(pm, si.customer);
		si.payment_method = pm.id;
	}
	if (!si.payment_method) {
		throw unexpectedState(
			'You cannot confirm this SetupIntent because it is missing a payment method.',
			'setup_intent_unexpected_state',
		);
	}
	confirmSetup(fake, si, { returnUrl: url(params, 'return_url'), ctx });
	return si;
}

/** Saves the method for later: the plain decline cards fail here, 3D Secure cards ask first. */
/**
 * @param {import('./store').FakeAccount} fake
 * @param {any} si
 * @param {{returnUrl?: string, ctx: any}} opts
 */
function confirmSetup(fake, si, { returnUrl, ctx }) {
	const pm = fake.store.require('payment_method', si.payment_method, 'payment_method');
	const entry = catalogEntry(pm);
	si.last_setup_error = null;
	si.next_action = null;
	if (entry.refuseAttach) {
		const details = errorDetails(entry.decline);
		internal(pm).consumed = true;
		si.status = 'requires_payment_method';
		si.last_setup_error = { ...details, payment_method: snapshot(pm), type: 'card_error' };
		fake.emit('setup_intent.setup_failed', si, ctx);
		throw cardError({ ...details, setup_intent: snapshot(si), payment_method: snapshot(pm) });
	}
	if (entry.authentication && !internal(si).authenticated) {
		si.status = 'requires_action';
		si.next_action = nextAction(fake, si.id, returnUrl);
		fake.emit('setup_intent.requires_action', si, ctx);
		return;
	}
	internal(si).authenticated = false;
	if (si.customer && !pm.customer) {
		pm.customer = si.customer;
		fake.emit('payment_method.attached', pm, ctx);
	}
	si.status = 'succeeded';
	si.latest_attempt = newId('setatt_');
	fake.emit('setup_intent.succeeded', si, ctx);
}

function authenticateSetupIntent(fake, si, succeeded, ctx = null) {
	if (si.status !== 'requires_action') {
		throw unexpectedState(
			`This SetupIntent has a status of ${si.status}; nothing to authenticate.`,
			'setup_intent_unexpected_state',
		);
	}
	if (succeeded) {
		internal(si).authenticated = true;
		confirmSetup(fake, si, { ctx });
		return si;
	}
	si.status = 'requires_payment_method';
	si.next_action = null;
	si.last_setup_error = {
		code: 'setup_intent_authentication_failure',
		doc_url: 'https://stripe.com/docs/error-codes/setup-intent-authentication-failure',
		message:
			'The latest attempt to set up the payment method has failed because authentication failed.',
		payment_method: snapshot(fake.store.get('payment_method', si.payment_method)),
		type: 'invalid_request_error',
	};
	fake.emit('setup_intent.setup_failed', si, ctx);
	return si;
}

// --- customer portal -------------------------------------------------------------------------

const FLOW_TYPES = [
	'payment_method_update',
	'subscription_cancel',
	'subscription_update',
	'subscription_update_confirm',
];
const AFTER_COMPLETION = ['hosted_confirmation', 'portal_homepage', 'redirect'];

function portalFlow(params) {
	const data = hash(params, 'flow_data');
	if (!data) return null;
	const type = oneOf({ 'flow_data[type]': data.type }, 'flow_data[type]', FLOW_TYPES);
	if (!type) throw missingParam('flow_data[type]');
	if (type !== 'payment_method_update') {
		throw invalidRequest('Subscriptions are not modelled by this fake Stripe server.', {
			param: 'flow_data[type]',
		});
	}
	const after = hash(data, 'after_completion') || {};
	const afterType = oneOf({ t: after.type }, 't', AFTER_COMPLETION) ?? 'portal_homepage';
	let redirect = null;
	if (afterType === 'redirect') {
		const returnUrl = url(hash(after, 'redirect') || {}, 'return_url');
		if (!returnUrl) throw missingParam('flow_data[after_completion][redirect][return_url]');
		redirect = { return_url: returnUrl };
	}
	return {
		after_completion: {
			hosted_confirmation:
				afterType === 'hosted_confirmation'
					? {
							custom_message:
								str(hash(after, 'hosted_confirmation') || {}, 'custom_message') ?? null,
						}
					: null,
			redirect,
			type: afterType,
		},
		subscription_cancel: null,
		subscription_update: null,
		subscription_update_confirm: null,
		type,
	};
}

function createPortalSession(fake, params, ctx) {
	const customer = str(params, 'customer');
	if (!customer) throw missingParam('customer');
	liveCustomer(fake, customer, 'customer');
	const session = objects.portalSession({
		customer,
		flow: portalFlow(params),
		returnUrl: url(params, 'return_url'),
		locale: str(params, 'locale'),
		baseUrl: fake.baseUrl,
	});
	fake.store.insert('billing_portal.session', session);
	fake.emit('billing_portal.session.created', session, ctx);
	return session;
}

/** The customer adds a method in the portal; it becomes their default (automatic) method. */
function completePortalSession(fake, id, { paymentMethod = 'pm_card_visa', ctx = null } = {}) {
	const session = fake.store.require('billing_portal.session', id);
	const customer = liveCustomer(fake, session.customer);
	const pm = attachPaymentMethod(fake, paymentMethod, customer.id, ctx);
	const previous = customer.invoice_settings.default_payment_method;
	customer.invoice_settings.default_payment_method = pm.id;
	touchCustomer(fake, customer);
	fake.emit('customer.updated', customer, ctx, {
		invoice_settings: { default_payment_method: previous },
	});
	return { session, customer, paymentMethod: pm };
}

module.exports = {
	listLineItems,
	listCheckoutSessions,
	currentSession,
	createCheckoutSession,
	completeCheckoutSession,
	expireCheckoutSession,
	createSetupIntent,
	confirmSetupIntent,
	authenticateSetupIntent,
	createPortalSession,
	completePortalSession,
};

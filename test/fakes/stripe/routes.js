// @ts-check
'use strict';
/**
 * The /v1 route table: method, path pattern, the stripe@23 params interface the endpoint takes
 * (unknown parameters are refused like Stripe does), and the handler.
 */
const { invalidRequest } = require('./errors');
const { bool, createdFilter, paramSpec, str } = require('./params');
const events = require('./events');
const { paginate } = require('./store');
const customers = require('./customers');
const payments = require('./payments');
const sessions = require('./sessions');
const webhooks = require('./webhooks');
const {
	CATALOG,
	attachPaymentMethod,
	detachPaymentMethod,
	resolvePaymentMethod,
} = require('./payment-methods');

// stripe 23 renamed payment_method_types to allowed_payment_method_types; older clients send it.
const TYPES_ALIAS = ['payment_method_types'];

function route(method, pattern, [file, iface], handler, aliases = []) {
	const names = [];
	const regex = new RegExp(
		`^${pattern.replace(/:(\w+)/g, (_, name) => {
			names.push(name);
			return '([^/]+)';
		})}$`,
	);
	return {
		method,
		pattern,
		key: `${method} ${pattern}`,
		regex,
		names,
		spec: paramSpec(`${file}.d.ts`, iface),
		aliases,
		handler,
	};
}

function customersList(fake, params) {
	const email = str(params, 'email');
	const created = createdFilter(params);
	return paginate(
		fake.store.newestFirst('customer', (c) => (!email || c.email === email) && created(c.created)),
		params,
		'/v1/customers',
	);
}

// GET /v1/events as https://docs.stripe.com/api/events/list documents it: newest first, `type`
// (one name, or a group with a `*` wildcard) or `types[]` (up to 20 names, not both), `created`
// (exact or gt/gte/lt/lte), `delivery_success` ("If false, events which are still pending or have
// failed all delivery attempts to a webhook endpoint will be returned"), and only the events of
// the last 30 days (https://docs.stripe.com/webhooks/process-undelivered-events: "Stripe only
// returns events created in the last 30 days"). Cursor pagination is the store's.
function eventsList(fake, params) {
	const type = str(params, 'type');
	const types =
		params.types === undefined ? null : /** @type {string[]} */ ([]).concat(params.types);
	if (type && types) {
		throw invalidRequest('You may only specify one of these parameters: type, types.', {
			param: 'types',
		});
	}
	if (types && types.length > 20) {
		throw invalidRequest('Invalid array: types may hold at most 20 event types.', {
			param: 'types',
		});
	}
	const delivered = bool(params, 'delivery_success');
	const created = createdFilter(params);
	const matches = (t) =>
		(!type || (type.endsWith('*') ? t.startsWith(type.slice(0, -1)) : t === type)) &&
		(!types || types.includes(t));
	// A delivery counts once every endpoint it was sent to answered 2xx (pending_webhooks 0).
	const deliveryMatches = (e) =>
		delivered === undefined || (e.pending_webhooks === 0) === delivered;
	const since = events.keptSince();
	return paginate(
		fake.store.newestFirst(
			'event',
			(e) => e.created >= since && matches(e.type) && created(e.created) && deliveryMatches(e),
		),
		params,
		'/v1/events',
	);
}

function customerPaymentMethods(fake, params, id) {
	customers.liveCustomer(fake, id);
	const type = str(params, 'type');
	return paginate(
		fake.store.newestFirst(
			'payment_method',
			(pm) => pm.customer === id && (!type || pm.type === type),
		),
		params,
		`/v1/customers/${id}/payment_methods`,
	);
}

const ROUTES = [
	route('GET', '/v1/balance', ['Balance', 'BalanceRetrieveParams'], (f) => payments.balance(f)),

	route('POST', '/v1/customers', ['Customers', 'CustomerCreateParams'], (f, p, ctx) =>
		customers.createCustomer(f, p, ctx),
	),
	route('GET', '/v1/customers', ['Customers', 'CustomerListParams'], (f, p) => customersList(f, p)),
	route('GET', '/v1/customers/search', ['Customers', 'CustomerSearchParams'], (f, p) =>
		customers.searchCustomers(f, p),
	),
	route('GET', '/v1/customers/:id', ['Customers', 'CustomerRetrieveParams'], (f, p, ctx, { id }) =>
		f.store.require('customer', id),
	),
	route('POST', '/v1/customers/:id', ['Customers', 'CustomerUpdateParams'], (f, p, ctx, { id }) =>
		customers.updateCustomer(f, id, p, ctx),
	),
	route('DELETE', '/v1/customers/:id', ['Customers', 'CustomerDeleteParams'], (f, p, ctx, { id }) =>
		customers.deleteCustomer(f, id, ctx),
	),
	route(
		'GET',
		'/v1/customers/:id/payment_methods',
		['Customers', 'CustomerListPaymentMethodsParams'],
		(f, p, ctx, { id }) => customerPaymentMethods(f, p, id),
	),

	route(
		'GET',
		'/v1/payment_methods/:id',
		['PaymentMethods', 'PaymentMethodRetrieveParams'],
		(f, p, ctx, { id }) =>
			CATALOG[id] ? resolvePaymentMethod(f, id) : f.store.require('payment_method', id),
	),
	route(
		'POST',
		'/v1/payment_methods/:id/attach',
		['PaymentMethods', 'PaymentMethodAttachParams'],
		(f, p, ctx, { id }) => attachPaymentMethod(f, id, str(p, 'customer'), ctx),
	),
	route(
		'POST',
		'/v1/payment_methods/:id/detach',
		['PaymentMethods', 'PaymentMethodDetachParams'],
		(f, p, ctx, { id }) => detachPaymentMethod(f, id, ctx),
	),

	route(
		'POST',
		'/v1/payment_intents',
		['PaymentIntents', 'PaymentIntentCreateParams'],
		(f, p, ctx) => payments.createPaymentIntent(f, p, ctx),
		TYPES_ALIAS,
	),
	route('GET', '/v1/payment_intents', ['PaymentIntents', 'PaymentIntentListParams'], (f, p) =>
		paginate(payments.listPaymentIntents(f, p), p, '/v1/payment_intents'),
	),
	route(
		'GET',
		'/v1/payment_intents/:id',
		['PaymentIntents', 'PaymentIntentRetrieveParams'],
		(f, p, ctx, { id }) => f.store.require('payment_intent', id),
	),
	route(
		'POST',
		'/v1/payment_intents/:id/confirm',
		['PaymentIntents', 'PaymentIntentConfirmParams'],
		(f, p, ctx, { id }) => payments.confirmPaymentIntent(f, id, p, ctx),
		TYPES_ALIAS,
	),
	route(
		'POST',
		'/v1/payment_intents/:id/cancel',
		['PaymentIntents', 'PaymentIntentCancelParams'],
		(f, p, ctx, { id }) => payments.cancelPaymentIntent(f, id, p, ctx),
	),

	route('GET', '/v1/charges/:id', ['Charges', 'ChargeRetrieveParams'], (f, p, ctx, { id }) =>
		f.store.require('charge', id),
	),

	route('POST', '/v1/refunds', ['Refunds', 'RefundCreateParams'], (f, p, ctx) =>
		payments.createRefund(f, p, ctx),
	),
	route('GET', '/v1/refunds', ['Refunds', 'RefundListParams'], (f, p) =>
		paginate(payments.listRefunds(f, p), p, '/v1/refunds'),
	),
	route('GET', '/v1/refunds/:id', ['Refunds', 'RefundRetrieveParams'], (f, p, ctx, { id }) =>
		f.store.require('refund', id),
	),

	route(
		'POST',
		'/v1/checkout/sessions',
		['Checkout/Sessions', 'SessionCreateParams'],
		(f, p) => sessions.createCheckoutSession(f, p),
		TYPES_ALIAS,
	),
	route('GET', '/v1/checkout/sessions', ['Checkout/Sessions', 'SessionListParams'], (f, p) =>
		paginate(sessions.listCheckoutSessions(f, p), p, '/v1/checkout/sessions'),
	),
	route(
		'GET',
		'/v1/checkout/sessions/:id',
		['Checkout/Sessions', 'SessionRetrieveParams'],
		(f, p, ctx, { id }) => sessions.currentSession(f, id),
	),
	route(
		'POST',
		'/v1/checkout/sessions/:id/expire',
		['Checkout/Sessions', 'SessionExpireParams'],
		(f, p, ctx, { id }) => sessions.expireCheckoutSession(f, id, ctx),
	),
	route(
		'GET',
		'/v1/checkout/sessions/:id/line_items',
		['Checkout/Sessions', 'SessionListLineItemsParams'],
		(f, p, ctx, { id }) =>
			paginate(sessions.listLineItems(f, id), p, `/v1/checkout/sessions/${id}/line_items`),
	),

	route(
		'POST',
		'/v1/billing_portal/sessions',
		['BillingPortal/Sessions', 'SessionCreateParams'],
		(f, p, ctx) => sessions.createPortalSession(f, p, ctx),
	),

	route(
		'POST',
		'/v1/setup_intents',
		['SetupIntents', 'SetupIntentCreateParams'],
		(f, p, ctx) => sessions.createSetupIntent(f, p, ctx),
		TYPES_ALIAS,
	),
	route(
		'GET',
		'/v1/setup_intents/:id',
		['SetupIntents', 'SetupIntentRetrieveParams'],
		(f, p, ctx, { id }) => f.store.require('setup_intent', id),
	),
	route(
		'POST',
		'/v1/setup_intents/:id/confirm',
		['SetupIntents', 'SetupIntentConfirmParams'],
		(f, p, ctx, { id }) => sessions.confirmSetupIntent(f, id, p, ctx),
	),

	route(
		'POST',
		'/v1/webhook_endpoints',
		['WebhookEndpoints', 'WebhookEndpointCreateParams'],
		(f, p) => webhooks.createEndpoint(f, p),
	),
	route('GET', '/v1/webhook_endpoints', ['WebhookEndpoints', 'WebhookEndpointListParams'], (f, p) =>
		paginate(f.store.newestFirst('webhook_endpoint'), p, '/v1/webhook_endpoints'),
	),
	route(
		'GET',
		'/v1/webhook_endpoints/:id',
		['WebhookEndpoints', 'WebhookEndpointRetrieveParams'],
		(f, p, ctx, { id }) => f.store.require('webhook_endpoint', id),
	),
	route(
		'POST',
		'/v1/webhook_endpoints/:id',
		['WebhookEndpoints', 'WebhookEndpointUpdateParams'],
		(f, p, ctx, { id }) => webhooks.updateEndpoint(f, id, p),
	),
	route(
		'DELETE',
		'/v1/webhook_endpoints/:id',
		['WebhookEndpoints', 'WebhookEndpointDeleteParams'],
		(f, p, ctx, { id }) => webhooks.deleteEndpoint(f, id),
	),

	route('GET', '/v1/events', ['Events', 'EventListParams'], (f, p) => eventsList(f, p)),
	route('GET', '/v1/events/:id', ['Events', 'EventRetrieveParams'], (f, p, ctx, { id }) =>
		events.retrieveEvent(f, id),
	),
];

/** @returns {{route, pathParams} | {allowed: string[]} | null} */
/**
 * The route for a method and path, or the methods the path allows (405), or null (404).
 * @param {string} method
 * @param {string} pathname
 * @returns {{route: (typeof ROUTES)[number], pathParams: Record<string, string>, allowed?: undefined}
 *   | {route?: undefined, allowed: string[]} | null}
 */
function matchRoute(method, pathname) {
	const allowed = [];
	for (const r of ROUTES) {
		const m = r.regex.exec(pathname);
		if (!m) continue;
		if (r.method !== method) {
			allowed.push(r.method);
			continue;
		}
		/** @type {Record<string, string>} */
		const pathParams = {};
		r.names.forEach((name, i) => {
			pathParams[name] = decodeURIComponent(m[i + 1]);
		});
		return { route: r, pathParams };
	}
	return allowed.length > 0 ? { allowed } : null;
}

module.exports = { ROUTES, matchRoute };

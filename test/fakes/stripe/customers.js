// @ts-check
'use strict';
/**
 * Customers: create / update / delete with events, the automatic payment method
 * (`invoice_settings.default_payment_method`), and Stripe's eventually consistent search: each
 * write becomes visible to search only `searchLagMs` after it happened.
 */
const { invalidRequest, noSuch } = require('./errors');
const { hash, int, mergeMetadata, str } = require('./params');
const { internal, snapshot, randomToken } = require('./store');
const objects = require('./objects');
const { attachPaymentMethod } = require('./payment-methods');

function liveCustomer(fake, id, param) {
	const customer = fake.store.get('customer', id);
	if (!customer || customer.deleted) throw noSuch('customer', id, param);
	return customer;
}

/** Records a write for search: the new state becomes searchable after the lag. */
function touchCustomer(fake, customer) {
	const history = internal(customer).searchHistory || (internal(customer).searchHistory = []);
	const now = Date.now();
	// Set-up data written by the test helpers existed "before" the test: searchable at once.
	const visibleAt = fake.quiet ? 0 : now + fake.options.searchLagMs;
	history.push({ visibleAt, state: customer.deleted ? null : snapshot(customer) });
	// Only the newest entry already visible matters among the older ones.
	while (history.length > 1 && history[1].visibleAt <= now) history.shift();
}

function searchableState(customer, now) {
	const history = internal(customer).searchHistory || [];
	let state = null;
	for (const entry of history) if (entry.visibleAt <= now) state = entry.state;
	return state;
}

/**
 * `invoice_settings[default_payment_method]`: must be attached to this customer. `attached` is the
 * method this same request attached (`payment_method`), which the request may name by its alias,
 * as in Stripe's own example (`payment_method=pm_card_visa` with the default `pm_card_visa`).
 */
function setDefaultPaymentMethod(fake, customer, params, attached) {
	if (params.invoice_settings === undefined) return;
	const settings =
		params.invoice_settings === ''
			? { default_payment_method: '' }
			: hash(params, 'invoice_settings');
	let pmId = settings.default_payment_method;
	if (pmId === undefined) return;
	if (pmId === '') {
		customer.invoice_settings.default_payment_method = null;
		return;
	}
	if (attached && pmId === params.payment_method) pmId = attached.id;
	const pm = fake.store.get('payment_method', pmId);
	if (!pm || pm.customer !== customer.id) {
		throw invalidRequest(
			`The customer does not have a payment method with the ID ${pmId}. The payment method must be attached to the customer.`,
			{ param: 'invoice_settings[default_payment_method]', code: 'resource_missing' },
		);
	}
	customer.invoice_settings.default_payment_method = pm.id;
}

const SIMPLE_FIELDS = ['name', 'email', 'description', 'phone'];

function validateSimpleFields(params) {
	const out = {};
	for (const field of SIMPLE_FIELDS) {
		if (params[field] === undefined) continue;
		if (params[field] === '') out[field] = null;
		else out[field] = str(params, field);
	}
	if (out.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(out.email)) {
		throw invalidRequest(`Invalid email address: ${out.email}`, {
			param: 'email',
			code: 'email_invalid',
		});
	}
	return out;
}

/** POST /v1/customers; `created` backdates set-up data. */
/**
 * @param {import('./store').FakeAccount} fake
 * @param {Record<string, any>} params
 * @param {any} ctx
 * @param {{created?: number}} [opts]
 */
function createCustomer(fake, params, ctx, { created } = {}) {
	const fields = validateSimpleFields(params);
	const metadata = mergeMetadata({}, params.metadata);
	const customer = objects.customer({
		...fields,
		metadata,
		address: hash(params, 'address'),
		created,
	});
	fake.store.insert('customer', customer);
	const attached = params.payment_method
		? attachPaymentMethod(fake, params.payment_method, customer.id, ctx)
		: null;
	setDefaultPaymentMethod(fake, customer, params, attached);
	fake.emit('customer.created', customer, ctx);
	touchCustomer(fake, customer);
	return customer;
}

/** Stripe's previous_attributes: old values of changed fields, one level into hashes. */
function previousAttributes(before, after) {
	const previous = {};
	for (const key of Object.keys(after)) {
		const a = before[key];
		const b = after[key];
		if (JSON.stringify(a) === JSON.stringify(b)) continue;
		if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a)) {
			const inner = {};
			for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
				if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) inner[k] = a[k] ?? null;
			}
			previous[key] = inner;
		} else {
			previous[key] = a ?? null;
		}
	}
	return previous;
}

function updateCustomer(fake, id, params, ctx) {
	const customer = liveCustomer(fake, id);
	const before = snapshot(customer);
	Object.assign(customer, validateSimpleFields(params));
	customer.metadata = mergeMetadata(customer.metadata, params.metadata);
	if (params.address !== undefined) customer.address = objects.address(hash(params, 'address'));
	const attached = params.payment_method
		? attachPaymentMethod(fake, params.payment_method, customer.id, ctx)
		: null;
	setDefaultPaymentMethod(fake, customer, params, attached);
	const previous = previousAttributes(before, snapshot(customer));
	if (Object.keys(previous).length > 0) {
		touchCustomer(fake, customer);
		fake.emit('customer.updated', customer, ctx, previous);
	}
	return customer;
}

function deleteCustomer(fake, id, ctx) {
	const customer = liveCustomer(fake, id);
	const last = snapshot(customer);
	for (const pm of fake.store.newestFirst('payment_method', (p) => p.customer === id)) {
		pm.customer = null;
		internal(pm).detached = true;
	}
	const stub = fake.store.replace('customer', objects.deletedCustomer(id));
	touchCustomer(fake, stub);
	fake.emit('customer.deleted', last, ctx);
	return stub;
}

// --- search -------------------------------------------------------------------------------

const SEARCH_FIELDS = ['name', 'email', 'phone', 'description'];
// quoted strings may hold their quote or a backslash escaped with a backslash, as in Stripe's
const CLAUSE =
	/^\s*(-)?(metadata\[(['"])((?:\\.|(?!\3)[^\\])+)\3\]|[a-z_]+)\s*(:|~)\s*(['"])((?:\\.|(?!\6)[^\\])*)\6\s*/;
const unescape = (text) => text.replace(/\\(.)/g, '$1');

function parseSearchQuery(query) {
	const clauses = [];
	const joins = new Set();
	let rest = query;
	for (let guard = 0; guard < 10; guard++) {
		const match = rest.match(CLAUSE);
		if (!match) {
			throw invalidRequest(`Invalid search query: could not parse '${rest.slice(0, 60)}'.`, {
				param: 'query',
			});
		}
		const [whole, negate, field, , escapedKey, op, , escapedValue] = match;
		const metadataKey = escapedKey === undefined ? undefined : unescape(escapedKey);
		const value = unescape(escapedValue);
		if (!metadataKey && !SEARCH_FIELDS.includes(field)) {
			throw invalidRequest(
				`Field \`${field}\` is an unsupported search field for resource \`customers\`.`,
				{
					param: 'query',
				},
			);
		}
		if (op === '~' && value.length < 3) {
			throw invalidRequest('Substring search (~) needs at least 3 characters.', { param: 'query' });
		}
		clauses.push({
			negate: Boolean(negate),
			field: metadataKey ? null : field,
			metadataKey,
			op,
			value,
		});
		rest = rest.slice(whole.length);
		if (rest === '') break;
		const join = rest.match(/^(AND|OR)\s+/);
		if (!join)
			throw invalidRequest(`Invalid search query near '${rest.slice(0, 60)}'.`, { param: 'query' });
		joins.add(join[1]);
		rest = rest.slice(join[0].length);
	}
	if (rest !== '')
		throw invalidRequest('Search queries may hold at most 10 clauses.', { param: 'query' });
	if (joins.size > 1) {
		throw invalidRequest('A search query may not mix AND and OR.', { param: 'query' });
	}
	return { clauses, any: joins.has('OR') };
}

function clauseMatches(state, { negate, field, metadataKey, op, value }) {
	const actual = metadataKey ? state.metadata[metadataKey] : state[field];
	let hit = false;
	if (typeof actual === 'string') {
		const a = actual.toLowerCase();
		const v = value.toLowerCase();
		hit = op === ':' ? a === v : a.includes(v);
	}
	return negate ? !hit : hit;
}

/** GET /v1/customers/search: `{object:'search_result', data, has_more, next_page}`. */
function searchCustomers(fake, params) {
	const query = str(params, 'query');
	const limit = int(params, 'limit', { min: 1, max: 100 }) ?? 10;
	const { clauses, any } = parseSearchQuery(query);
	const now = Date.now();
	const hits = [];
	for (const customer of fake.store.table('customer').values()) {
		const state = searchableState(customer, now);
		if (!state) continue;
		const results = clauses.map((c) => clauseMatches(state, c));
		if (any ? results.some(Boolean) : results.every(Boolean)) hits.push({ customer, state });
	}
	hits.sort(
		(a, b) =>
			b.state.created - a.state.created || internal(b.customer).seq - internal(a.customer).seq,
	);
	let offset = 0;
	const page = str(params, 'page');
	if (page) {
		const decoded = /^page_fake_(\d+)_[A-Za-z0-9]+$/.exec(page);
		if (!decoded) throw invalidRequest(`Invalid page: ${page}`, { param: 'page' });
		offset = Number(decoded[1]);
	}
	const slice = hits.slice(offset, offset + limit);
	const hasMore = hits.length > offset + limit;
	return {
		object: 'search_result',
		data: slice.map((h) => snapshot(h.state)),
		has_more: hasMore,
		next_page: hasMore ? `page_fake_${offset + limit}_${randomToken(8)}` : null,
		url: '/v1/customers/search',
	};
}

module.exports = {
	liveCustomer,
	touchCustomer,
	createCustomer,
	updateCustomer,
	deleteCustomer,
	searchCustomers,
};

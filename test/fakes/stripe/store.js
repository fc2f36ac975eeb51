// @ts-check
'use strict';
/** In-memory tables keyed by Stripe id, Stripe-style ids, list pagination and `expand[]`. */
const { randomBytes } = require('node:crypto');
const { invalidRequest, noSuch } = require('./errors');
const { int, str } = require('./params');

// Bookkeeping the API never shows (insertion order, behaviour of a test card, ...): a symbol key
// is skipped by JSON.stringify and Object.keys, so answers never leak it.
const INTERNAL = Symbol('internal');

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function randomToken(length) {
	const bytes = randomBytes(length);
	let out = '';
	for (let i = 0; i < length; i++) out += BASE62[bytes[i] % 62];
	return out;
}

const ID_LENGTH = { cus_: 14, cs_test_: 58 };
function newId(prefix) {
	return `${prefix}${randomToken(ID_LENGTH[prefix] || 24)}`;
}

// Test hook: how far the fake's clock runs ahead of the machine's (advanceClock), so a test can
// let minutes pass for what Stripe dates (a claim growing stale) without waiting for them.
let clockAheadSeconds = 0;

function nowSeconds() {
	return Math.floor(Date.now() / 1000) + clockAheadSeconds;
}

function advanceClock(seconds) {
	clockAheadSeconds += seconds;
	return clockAheadSeconds;
}

function resetClock() {
	clockAheadSeconds = 0;
}

/** What the API answers for an object: a deep copy without the internal bookkeeping. */
function snapshot(obj) {
	return obj === undefined ? undefined : JSON.parse(JSON.stringify(obj));
}

function internal(obj) {
	return obj[INTERNAL];
}

// Which table an id belongs to, by prefix (longest first), for `expand[]`.
const KIND_BY_PREFIX = [
	['cs_test_', 'checkout.session'],
	['seti_', 'setup_intent'],
	['cus_', 'customer'],
	['pm_', 'payment_method'],
	['pi_', 'payment_intent'],
	['ch_', 'charge'],
	['re_', 'refund'],
	['bps_', 'billing_portal.session'],
	['we_', 'webhook_endpoint'],
	['evt_', 'event'],
	['dp_', 'dispute'],
];

const RESOURCE_NAMES = {
	customer: 'customer',
	payment_method: 'PaymentMethod',
	payment_intent: 'payment_intent',
	charge: 'charge',
	refund: 'refund',
	'checkout.session': 'checkout.session',
	'billing_portal.session': 'billing_portal.session',
	setup_intent: 'setupintent',
	webhook_endpoint: 'webhook endpoint',
	event: 'event',
	dispute: 'dispute',
};

/**
 * The fake Stripe account every domain module reads and writes (built by startStripeServer).
 * @typedef {object} FakeAccount
 * @property {Store} store the objects, by kind and id
 * @property {import('./payments').Ledger} ledger the charges, by invoice
 * @property {string[]} forcedDeclines issuer declines forced on the next charges (DECLINES keys)
 * @property {{searchLagMs: number}} options
 * @property {string} baseUrl the server's own URL (3D Secure and hosted pages link to it)
 * @property {boolean} quiet true while a set-up helper runs: no events
 * @property {(type: string, obj: object, ctx?: any, previous?: object) => any} emit
 *   records an event and queues its webhook deliveries; null while quiet
 * @property {(customer: Record<string, any>) => void} touchCustomer
 * @property {<T>(fn: () => T) => T} quietly runs a set-up helper: no events, searchable at once
 */

class Store {
	constructor() {
		this.tables = new Map();
		this.seq = 0;
	}

	table(kind) {
		if (!this.tables.has(kind)) this.tables.set(kind, new Map());
		return this.tables.get(kind);
	}

	insert(kind, obj, extra = {}) {
		obj[INTERNAL] = { seq: ++this.seq, ...extra };
		this.table(kind).set(obj.id, obj);
		return obj;
	}

	/** Replaces an object in place (used for deletion stubs), keeping its bookkeeping. */
	replace(kind, obj, extra = {}) {
		const previous = this.table(kind).get(obj.id);
		obj[INTERNAL] = { ...(previous ? internal(previous) : { seq: ++this.seq }), ...extra };
		this.table(kind).set(obj.id, obj);
		return obj;
	}

	get(kind, id) {
		return typeof id === 'string' ? this.table(kind).get(id) : undefined;
	}

	/** The object, or Stripe's `No such ...` (404 on the path, 400 naming a parameter). */
	require(kind, id, param) {
		const obj = this.get(kind, id);
		if (!obj) throw noSuch(RESOURCE_NAMES[kind], id, param);
		return obj;
	}

	/** Live (not deleted) objects, newest first as Stripe lists them. */
	/** @param {(obj: any) => boolean} [predicate] */
	newestFirst(kind, predicate = () => true) {
		return [...this.table(kind).values()]
			.filter((o) => !o.deleted && predicate(o))
			.sort((a, b) => b.created - a.created || internal(b).seq - internal(a).seq);
	}

	byId(id) {
		const entry = KIND_BY_PREFIX.find(([prefix]) => id.startsWith(prefix));
		return entry ? this.get(entry[1], id) : undefined;
	}
}

/** Stripe's list answer with `limit`, `starting_after`, `ending_before` over newest-first items. */
function paginate(items, params, url) {
	const limit = int(params, 'limit', { min: 1, max: 100 }) ?? 10;
	const after = str(params, 'starting_after');
	const before = str(params, 'ending_before');
	if (after && before) {
		throw invalidRequest(
			'You may only specify one of these parameters: ending_before, starting_after.',
			{ param: 'ending_before' },
		);
	}
	let page;
	let hasMore;
	const cursor = after || before;
	if (!cursor) {
		page = items.slice(0, limit);
		hasMore = items.length > limit;
	} else {
		const index = items.findIndex((o) => o.id === cursor);
		if (index === -1) {
			throw invalidRequest(`No such object: '${cursor}'`, {
				param: after ? 'starting_after' : 'ending_before',
				code: 'resource_missing',
			});
		}
		if (after) {
			page = items.slice(index + 1, index + 1 + limit);
			hasMore = items.length > index + 1 + limit;
		} else {
			const start = Math.max(0, index - limit);
			page = items.slice(start, index);
			hasMore = start > 0;
		}
	}
	return { object: 'list', data: page.map(snapshot), has_more: hasMore, url };
}

function cannotExpand(path) {
	return invalidRequest(`This property cannot be expanded (${path}).`, { param: 'expand' });
}

/** Applies `expand[]` paths (dotted, `data.` first for lists) to an answer copy, in place. */
function applyExpand(store, answer, rawExpand) {
	if (rawExpand === undefined || rawExpand === '') return answer;
	const paths = Array.isArray(rawExpand) ? rawExpand : [rawExpand];
	for (const fullPath of paths) {
		if (typeof fullPath !== 'string') throw invalidRequest('Invalid array', { param: 'expand' });
		let segments = fullPath.split('.');
		let targets = [answer];
		if (answer.object === 'list' || answer.object === 'search_result') {
			if (segments[0] !== 'data' || segments.length < 2) throw cannotExpand(fullPath);
			segments = segments.slice(1);
			targets = answer.data;
		}
		if (segments.length > 4) {
			throw invalidRequest('You cannot expand more than 4 levels of a property.', {
				param: 'expand',
			});
		}
		for (const target of targets) expandPath(store, target, segments, fullPath);
	}
	return answer;
}

function expandPath(store, target, segments, fullPath) {
	const [field, ...rest] = segments;
	if (target === null || typeof target !== 'object' || !(field in target)) {
		throw cannotExpand(fullPath);
	}
	let value = target[field];
	if (typeof value === 'string') {
		const found = store.byId(value);
		if (!found) throw cannotExpand(fullPath);
		value = snapshot(found);
		target[field] = value;
	} else if (rest.length === 0 && value !== null && typeof value !== 'object') {
		throw cannotExpand(fullPath);
	}
	if (rest.length > 0 && value !== null) expandPath(store, value, rest, fullPath);
}

module.exports = {
	Store,
	internal,
	newId,
	randomToken,
	nowSeconds,
	advanceClock,
	resetClock,
	snapshot,
	paginate,
	applyExpand,
};

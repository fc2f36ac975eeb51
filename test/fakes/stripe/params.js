// @ts-check
'use strict';
/**
 * Parameter rules: which top-level parameters each endpoint takes (read from the `stripe` package's
 * own .d.ts files, so the fake refuses exactly what stripe@23 would not send), plus Stripe's
 * coercions and limits for integers, booleans, amounts, currencies and metadata.
 */
const fs = require('node:fs');
const path = require('node:path');
const { invalidRequest, missingParam } = require('./errors');

const RESOURCES_DIR = path.join(path.dirname(require.resolve('stripe')), 'resources');
const PAGINATION = ['limit', 'starting_after', 'ending_before'];

const specCache = new Map();

/**
 * Top-level parameter names of an `interface XParams` in a stripe .d.ts file.
 * @returns {{ known: Set<string>, required: string[] }}
 */
function paramSpec(file, interfaceName) {
	const cacheKey = `${file}#${interfaceName}`;
	if (specCache.has(cacheKey)) return specCache.get(cacheKey);
	const lines = fs.readFileSync(path.join(RESOURCES_DIR, file), 'utf8').split('\n');
	const head = new RegExp(`^(\\s*)(?:export )?interface ${interfaceName}( extends \\w+)? \\{$`);
	const start = lines.findIndex((line) => head.test(line));
	if (start === -1) throw new Error(`stripe types: ${interfaceName} not found in ${file}`);
	const [, indent, parent] = /** @type {RegExpMatchArray} */ (lines[start].match(head));
	const member = new RegExp(`^${indent} {4}(\\w+)(\\??):`);
	const known = new Set(parent ? PAGINATION : []);
	const required = [];
	for (let i = start + 1; i < lines.length && lines[i] !== `${indent}}`; i++) {
		const match = lines[i].match(member);
		if (!match) continue;
		known.add(match[1]);
		if (!match[2]) required.push(match[1]);
	}
	const spec = { known, required };
	specCache.set(cacheKey, spec);
	return spec;
}

/** Stripe answers 400 parameter_unknown / parameter_missing before doing anything. */
function checkParams(params, spec, aliases = []) {
	for (const name of Object.keys(params)) {
		if (!spec.known.has(name) && !aliases.includes(name)) {
			throw invalidRequest(`Received unknown parameter: ${name}`, {
				param: name,
				code: 'parameter_unknown',
			});
		}
	}
	for (const name of spec.required) {
		if (params[name] === undefined || params[name] === '') throw missingParam(name);
	}
}

/** Every `EnabledEvent` a webhook endpoint may subscribe to, from the stripe types. */
let enabledEventsCache;
function knownEventTypes() {
	if (!enabledEventsCache) {
		const text = fs.readFileSync(path.join(RESOURCES_DIR, 'WebhookEndpoints.d.ts'), 'utf8');
		const line = text.split('\n').find((l) => /^\s*type EnabledEvent = /.test(l));
		if (!line) throw new Error('stripe types: EnabledEvent not found in WebhookEndpoints.d.ts');
		enabledEventsCache = new Set(
			/** @type {RegExpMatchArray} */ (line.match(/'[^']+'/g)).map((s) => s.slice(1, -1)),
		);
	}
	return enabledEventsCache;
}

/**
 * @param {Record<string, any>} params
 * @param {string} name
 * @param {{min?: number, max?: number}} [bounds]
 */
function int(params, name, { min, max } = {}) {
	const raw = params[name];
	if (raw === undefined || raw === '') return undefined;
	const text = String(raw);
	if (!/^-?\d+$/.test(text)) {
		throw invalidRequest(`Invalid integer: ${text}`, {
			param: name,
			code: 'parameter_invalid_integer',
		});
	}
	const value = Number(text);
	if (min !== undefined && value < min) {
		throw invalidRequest(`This value must be greater than or equal to ${min}.`, { param: name });
	}
	if (max !== undefined && value > max) {
		throw invalidRequest(`This value must be less than or equal to ${max}.`, { param: name });
	}
	return value;
}

function bool(params, name) {
	const raw = params[name];
	if (raw === undefined || raw === '') return undefined;
	if (raw === 'true' || raw === true) return true;
	if (raw === 'false' || raw === false) return false;
	throw invalidRequest(`Invalid boolean: ${raw}`, { param: name });
}

function str(params, name) {
	const raw = params[name];
	if (raw === undefined || raw === '') return undefined;
	if (typeof raw !== 'string') throw invalidRequest(`Invalid string: ${name}`, { param: name });
	return raw;
}

function oneOf(params, name, allowed) {
	const value = str(params, name);
	if (value !== undefined && !allowed.includes(value)) {
		throw invalidRequest(`Invalid ${name}: must be one of ${allowed.join(', ')}`, { param: name });
	}
	return value;
}

function list(params, name) {
	const raw = params[name];
	if (raw === undefined || raw === '') return undefined;
	if (!Array.isArray(raw)) throw invalidRequest(`Invalid array`, { param: name });
	return raw;
}

function hash(params, name) {
	const raw = params[name];
	if (raw === undefined || raw === '') return undefined;
	if (typeof raw !== 'object' || Array.isArray(raw)) {
		throw invalidRequest(`Invalid object`, { param: name });
	}
	return raw;
}

function url(params, name) {
	const value = str(params, name);
	if (value === undefined) return undefined;
	let parsed;
	try {
		parsed = new URL(value);
	} catch {
		parsed = null;
	}
	if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) {
		throw invalidRequest('Not a valid URL', { param: name, code: 'url_invalid' });
	}
	return value;
}

// Stripe's supported presentment currencies (test mode accepts all of them).
const CURRENCIES = new Set(
	(
		'usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp ' +
		'byn bzd cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip ' +
		'gmd gnf gtq gyd hkd hnl htg huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd kzt ' +
		'lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok npr ' +
		'nzd omr pab pen pgk php pkr pln pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd ' +
		'std szl thb tjs tnd top try ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xof xpf yer zar zmw'
	).split(' '),
);
const ZERO_DECIMAL = new Set(
	'bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' '),
);
const THREE_DECIMAL = new Set('bhd jod kwd omr tnd'.split(' '));
// Stripe's published minimum charge amounts, in minor units; others fall back to 50.
const MINIMUMS = {
	usd: 50,
	aed: 200,
	aud: 50,
	bgn: 100,
	brl: 50,
	cad: 50,
	chf: 50,
	czk: 1500,
	dkk: 250,
	eur: 50,
	gbp: 30,
	hkd: 400,
	huf: 17500,
	inr: 50,
	jpy: 50,
	mxn: 1000,
	myr: 200,
	nok: 300,
	nzd: 50,
	pln: 200,
	ron: 200,
	sek: 300,
	sgd: 50,
	thb: 1000,
};
const MAX_AMOUNT = 99999999;
const SYMBOLS = { usd: '$', eur: '€', gbp: '£', jpy: '¥' };

function exponent(currency) {
	if (ZERO_DECIMAL.has(currency)) return 0;
	return THREE_DECIMAL.has(currency) ? 3 : 2;
}

function formatMoney(minor, currency) {
	const digits = exponent(currency);
	const major = (minor / 10 ** digits).toLocaleString('en-US', {
		minimumFractionDigits: digits,
		maximumFractionDigits: digits,
	});
	return `${SYMBOLS[currency] || ''}${major}`;
}

function currency(params, name = 'currency') {
	const value = str(params, name);
	if (value === undefined) return undefined;
	if (!CURRENCIES.has(value)) {
		throw invalidRequest(
			`Invalid currency: ${value}. Stripe currently supports these currencies: ${[...CURRENCIES].join(', ')}`,
			{ param: name },
		);
	}
	return value;
}

/** Checks a charge amount against Stripe's per-currency minimum and 8-digit maximum. */
function checkAmount(amount, cur, param = 'amount') {
	if (amount < 1) {
		throw invalidRequest('This value must be greater than or equal to 1.', { param });
	}
	const minimum = MINIMUMS[cur] ?? (THREE_DECIMAL.has(cur) ? 500 : 50);
	if (amount < minimum) {
		throw invalidRequest(`Amount must be at least ${formatMoney(minimum, cur)} ${cur}`, {
			param,
			code: 'amount_too_small',
		});
	}
	if (amount > MAX_AMOUNT) {
		throw invalidRequest(`Amount must be no more than ${formatMoney(MAX_AMOUNT, cur)}`, {
			param,
			code: 'amount_too_large',
		});
	}
	if (THREE_DECIMAL.has(cur) && amount % 10 !== 0) {
		throw invalidRequest(
			`Amounts in ${cur} must be a multiple of 10 (Stripe rounds the last decimal place).`,
			{ param, code: 'invalid_charge_amount' },
		);
	}
}

function amountIn(params, cur, name = 'amount') {
	const value = int(params, name);
	if (value === undefined) throw missingParam(name);
	checkAmount(value, cur, name);
	return value;
}

/**
 * Metadata with Stripe's limits (50 keys, key <= 40 chars, value <= 500 chars). An empty value
 * unsets a key; `metadata=` clears all of them.
 */
function mergeMetadata(current, raw, param = 'metadata') {
	if (raw === undefined) return current;
	if (raw === '') return {};
	if (typeof raw !== 'object' || Array.isArray(raw)) {
		throw invalidRequest('Invalid hash', { param });
	}
	const next = { ...current };
	for (const [key, value] of Object.entries(raw)) {
		const keyParam = `${param}[${key}]`;
		if (typeof value !== 'string') {
			throw invalidRequest(`Invalid string: metadata values must be strings`, { param: keyParam });
		}
		if (key.length > 40) {
			throw invalidRequest(
				`Metadata keys can have a maximum length of 40 characters. The key "${key.slice(0, 60)}" is too long.`,
				{ param: keyParam },
			);
		}
		if (value.length > 500) {
			throw invalidRequest(
				`Metadata values can have up to 500 characters, but you passed in a value that is ${value.length} characters.`,
				{ param: keyParam },
			);
		}
		if (value === '') delete next[key];
		else next[key] = value;
	}
	if (Object.keys(next).length > 50) {
		throw invalidRequest(
			`You can have up to 50 metadata keys; this request would leave ${Object.keys(next).length}.`,
			{ param },
		);
	}
	return next;
}

/** `created=123` or `created[gte]=...` -> predicate on unix seconds. */
function createdFilter(params, name = 'created') {
	const raw = params[name];
	if (raw === undefined || raw === '') return () => true;
	if (typeof raw === 'string') {
		const exact = int(params, name);
		return (t) => t === exact;
	}
	const bounds = {};
	for (const op of Object.keys(raw)) {
		if (!['gt', 'gte', 'lt', 'lte'].includes(op)) {
			throw invalidRequest(`Received unknown parameter: ${name}[${op}]`, {
				param: `${name}[${op}]`,
				code: 'parameter_unknown',
			});
		}
		const param = `${name}[${op}]`;
		bounds[op] = int({ [param]: raw[op] }, param);
	}
	return (t) =>
		(bounds.gt === undefined || t > bounds.gt) &&
		(bounds.gte === undefined || t >= bounds.gte) &&
		(bounds.lt === undefined || t < bounds.lt) &&
		(bounds.lte === undefined || t <= bounds.lte);
}

module.exports = {
	paramSpec,
	checkParams,
	knownEventTypes,
	int,
	bool,
	str,
	oneOf,
	list,
	hash,
	url,
	currency,
	checkAmount,
	amountIn,
	mergeMetadata,
	createdFilter,
	formatMoney,
};

// @ts-check
'use strict';
/**
 * Stripe's form encoding: `a[b][0][c]=v`, `expand[]=x`, `expand[0]=x` (as stripe-node sends).
 * Objects whose keys are all indices become arrays, as Stripe reads them.
 */

class FormError extends Error {}

const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

function decode(text) {
	try {
		return decodeURIComponent(text.replace(/\+/g, ' '));
	} catch {
		throw new FormError(`Invalid URL encoding: ${text.slice(0, 40)}`);
	}
}

/** `a[b][]` -> ['a', 'b', ''] */
function keyPath(rawKey) {
	const open = rawKey.indexOf('[');
	if (open === -1) return [rawKey];
	const path = [rawKey.slice(0, open)];
	const rest = rawKey.slice(open);
	const re = /\[([^\][]*)\]/y;
	let consumed = 0;
	let match;
	while ((match = re.exec(rest))) {
		path.push(match[1]);
		consumed = re.lastIndex;
	}
	if (consumed !== rest.length) throw new FormError(`Invalid parameter name: ${rawKey}`);
	return path;
}

function isContainer(value) {
	return value !== null && typeof value === 'object';
}

function setPath(root, path, value, rawKey) {
	let node = root;
	for (let i = 0; i < path.length; i++) {
		let segment = path[i];
		if (FORBIDDEN_KEYS.has(segment)) throw new FormError(`Invalid parameter name: ${rawKey}`);
		if (segment === '') {
			// `[]` appends: give it the next free index of this container
			segment = String(Object.keys(node).length);
		}
		const last = i === path.length - 1;
		if (last) {
			if (isContainer(node[segment])) {
				throw new FormError(`Invalid hash: ${rawKey} is given both as a value and as a hash`);
			}
			node[segment] = value;
		} else {
			if (node[segment] === undefined) node[segment] = {};
			else if (!isContainer(node[segment])) {
				throw new FormError(`Invalid hash: ${rawKey} is given both as a value and as a hash`);
			}
			node = node[segment];
		}
	}
}

function finalize(value) {
	if (!isContainer(value)) return value;
	const keys = Object.keys(value);
	const indexed = keys.length > 0 && keys.every((k) => /^(0|[1-9]\d{0,3})$/.test(k));
	if (indexed) {
		const sorted = keys.map(Number).sort((a, b) => a - b);
		return sorted.map((k) => finalize(value[k]));
	}
	const out = {};
	for (const k of keys) out[k] = finalize(value[k]);
	return out;
}

/** Parses an x-www-form-urlencoded body or query string into nested params. */
function parseForm(text) {
	const root = {};
	if (!text) return root;
	for (const pair of text.split('&')) {
		if (pair === '') continue;
		const eq = pair.indexOf('=');
		const rawKey = decode(eq === -1 ? pair : pair.slice(0, eq));
		const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
		const path = keyPath(rawKey);
		if (path[0] === '') throw new FormError(`Invalid parameter name: ${rawKey}`);
		setPath(root, path, value, rawKey);
	}
	return finalize(root);
}

/** The inverse, for the tests' client: nested params to Stripe's encoding. */
function encodeForm(params) {
	const parts = [];
	const walk = (prefix, value) => {
		if (value === undefined) return;
		if (Array.isArray(value)) {
			value.forEach((item, i) => walk(`${prefix}[${i}]`, item));
		} else if (isContainer(value)) {
			for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}[${k}]` : k, v);
		} else {
			parts.push(
				`${encodeURIComponent(prefix)}=${encodeURIComponent(value === null ? '' : value)}`,
			);
		}
	};
	walk('', params);
	return parts.join('&');
}

module.exports = { parseForm, encodeForm, FormError };

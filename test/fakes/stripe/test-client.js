// @ts-check
'use strict';
/** A bare HTTP client for the fake's tests: Stripe's form encoding, raw status/headers/bytes. */
const { encodeForm } = require('./form');

/**
 * @param {string} baseUrl
 * @param {string | null} [secretKey] null: no Authorization header
 */
function apiClient(baseUrl, secretKey = 'sk_test_fake') {
	/**
	 * @param {string} method
	 * @param {string} path
	 * @param {Record<string, any>} [params]
	 * @param {Record<string, string>} [headers]
	 */
	async function call(method, path, params, headers = {}) {
		const encoded = params ? encodeForm(params) : '';
		const isPost = method === 'POST';
		const query = !isPost && encoded ? `?${encoded}` : '';
		const res = await fetch(`${baseUrl}${path}${query}`, {
			method,
			headers: {
				...(secretKey ? { Authorization: `Bearer ${secretKey}` } : {}),
				...(isPost ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
				...headers,
			},
			body: isPost ? encoded : undefined,
		});
		const text = await res.text();
		/** @type {any} */
		let body;
		try {
			body = JSON.parse(text);
		} catch {
			body = undefined;
		}
		return { status: res.status, headers: res.headers, text, body };
	}
	/** @typedef {(path: string, params?: Record<string, any>, headers?: Record<string, string>) => ReturnType<typeof call>} Call */
	/** @type {{get: Call, post: Call, del: Call}} */
	return {
		get: (path, params, headers) => call('GET', path, params, headers),
		post: (path, params, headers) => call('POST', path, params, headers),
		del: (path, params, headers) => call('DELETE', path, params, headers),
	};
}

/** POSTs JSON to one of the fake's /_test hooks. */
/**
 * @param {string} baseUrl
 * @param {string} path
 * @param {any} [body] absent: a GET
 * @returns {Promise<{status: number, body: any}>}
 */
async function testHook(baseUrl, path, body) {
	const res = await fetch(`${baseUrl}${path}`, {
		method: body === undefined ? 'GET' : 'POST',
		headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: res.status, body: await res.json() };
}

module.exports = { apiClient, testHook };

'use strict';
/** A bare HTTP client for the fake's tests: Stripe's form encoding, raw status/headers/bytes. */
const { encodeForm } = require('./form');

function apiClient(baseUrl, secretKey = 'sk_test_fake') {
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
		let body;
		try {
			body = JSON.parse(text);
		} catch {
			body = undefined;
		}
		return { status: res.status, headers: res.headers, text, body };
	}
	return {
		get: (path, params, headers) => call('GET', path, params, headers),
		post: (path, params, headers) => call('POST', path, params, headers),
		del: (path, params, headers) => call('DELETE', path, params, headers),
	};
}

/** POSTs JSON to one of the fake's /_test hooks. */
async function testHook(baseUrl, path, body) {
	const res = await fetch(`${baseUrl}${path}`, {
		method: body === undefined ? 'GET' : 'POST',
		headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: res.status, body: await res.json() };
}

module.exports = { apiClient, testHook };

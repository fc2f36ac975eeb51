'use strict';
// @ts-check
/**
 * A Gateway360Http (nodes/core/gateway360/transport.ts) made of node:http, for core tests that
 * run the transport against the fake gateway without n8n. Like the credential's `authenticate`,
 * it appends `security_key` to the body of requests marked `authenticate`; `sent` records every
 * request as the core handed it over (before the key is added).
 */
const http = require('node:http');

function nodeHttp(securityKey, { sent = [] } = {}) {
	const send = (request) =>
		new Promise((resolve, reject) => {
			sent.push({ ...request });
			const body = request.authenticate
				? `${request.body ? `${request.body}&` : ''}security_key=${encodeURIComponent(securityKey)}`
				: request.body;
			const outgoing = http.request(
				request.url,
				{ method: request.method, headers: request.headers, agent: false },
				(response) => {
					const chunks = [];
					response.on('data', (chunk) => chunks.push(chunk));
					response.on('end', () =>
						resolve({
							statusCode: response.statusCode,
							body: Buffer.concat(chunks).toString('utf8'),
						}),
					);
					response.on('error', reject);
				},
			);
			outgoing.on('error', reject);
			outgoing.end(body);
		});
	send.sent = sent;
	return send;
}

module.exports = { nodeHttp };

// @ts-check
import http from 'node:http';

/**
 * An HTTP server standing where n8n's webhook URL would be: it keeps what the Stripe server POSTs
 * (signed with the endpoint's real secret), for the test to hand to the trigger.
 */
export async function startReceiver() {
	const received = [];
	const server = http.createServer((request, response) => {
		const chunks = [];
		request.on('data', (chunk) => chunks.push(chunk));
		request.on('end', () => {
			received.push({ headers: request.headers, rawBody: Buffer.concat(chunks) });
			response.writeHead(200).end();
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	return {
		received,
		webhookBaseUrl: `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}/webhook`,
		close: () => new Promise((resolve) => server.close(resolve)),
	};
}

'use strict';
// @ts-check
/**
 * A local NMI-style gateway standing in for 360 Payments in tests (in memory, 127.0.0.1).
 *
 *   const { startGateway360Server } = require('./gateway360-server');
 *   const gateway = await startGateway360Server({
 *     securityKeys: ['...'],   // private keys transact.php / query.php accept (security_key)
 *     tokenKeys: ['...'],      // public tokenization keys Collect.js accepts
 *     signingKey: '...',       // signs webhooks (Webhook-Signature); none = no webhooks
 *     webhookUrl: 'http://127.0.0.1:.../webhook',  // optional, also gateway.webhooks.setUrl()
 *     latencyMs: 0,            // added to every /api request before it runs
 *     port: 0, host: '127.0.0.1',
 *   });
 *   gateway.url                         // 'http://127.0.0.1:<port>' (the credential's base URL)
 *   gateway.ledger.chargesFor(orderId)  // money taken for that order id: approved sales and
 *                                       //   captured auths, not voided (a hold is no charge)
 *   gateway.ledger.salesFor(orderId)    // [{transactionId, orderId, type, amount, currency,
 *                                       //   condition, captured, voided, refunded}]
 *   gateway.ledger.sales()              // every approved sale and auth; .duplicates(): order ids
 *                                       //   whose money was taken twice
 *   gateway.createToken({ ccnumber, ccexp, cvv })  // a payment token, as Collect.js makes one
 *   gateway.settle()                    // pendingsettlement -> complete (refundable, no longer voidable)
 *   gateway.chargeBack(id, amount?, reason?) // the bank takes back (part of) a sale: a chargeback
 *                                       // action, and NMI's chargeback.batch.complete webhook
 *   gateway.ageTransaction(id, shift)   // rewrites its action dates with shift(date) (a sale made days ago)
 *   gateway.transactions()              // every transaction, with its actions
 *   gateway.requests                    // [{method, path, type, securityKeyInBody, securityKeyInUrl}]
 *   gateway.setDown(true)               // /api and /token requests get their connection dropped
 *   gateway.setLatency(ms)              // ms, or [min, max] drawn per request (racers cross)
 *   gateway.webhooks.events / .deliveries / .setUrl(url) / await .idle()
 *   await gateway.close()
 *
 * Protocol (as REFERENCE.md describes the NMI family):
 *   POST /api/transact.php  form: security_key, type sale|auth|capture|void|refund|validate,
 *     amount, surcharge, currency, payment_token, orderid, order_description, email,
 *     merchant_defined_field_1..20, transactionid -> URL-encoded response, responsetext,
 *     authcode, transactionid, avsresponse, cvvresponse, orderid, type, response_code. A wrong
 *     key: response=3 "Authentication Failed".
 *   POST /api/query.php  form: security_key, transaction_id, order_id, condition, action_type,
 *     start_date, end_date (YYYYMMDDhhmmss), result_limit, page_number (from 0) -> XML
 *     <nm_response><transaction>...</transaction></nm_response> (merchant-defined fields as
 *     <merchant_defined_field id="N">); a wrong key:
 *     <nm_response><error_response>Authentication Failed</error_response></nm_response>.
 *   GET /token/Collect.js, GET /token/field, POST /token/api/field, POST /token/api/tokenize:
 *     the fake Collect.js (see gateway360/collect.js).
 *     start_date/end_date select by last-modified date (the last action), report_type=
 *     test_mode_status answers <test_mode_status>enabled|disabled</test_mode_status>.
 *   Refunds: a transaction of its own (negative amount, original_transaction_id) and an action
 *     on the sale, or only one of them (option refundShape 'both' | 'transaction' | 'action').
 *   Test mode (option testMode, default true): amounts under 1.00 decline (200 DECLINE);
 *     webhooks carry features.is_test_mode.
 *   Payment tokens are single-use. Refunds need a settled transaction, voids an unsettled one.
 *   An auth is a hold, no money taken: condition `pending` until captured (the Query API's
 *   condition of auth-only transactions awaiting capture, https://docs.nmi.com/reference/query-1);
 *   a capture, of at most the amount authorised, flags it for settlement (`pendingsettlement`),
 *   and only then does settlement take it; a void cancels an unsettled sale or captured auth, or
 *   a hold not captured so that it can never be (Payment API, type=capture and type=void,
 *   https://secure.nmi.com/merchants/resources/integration/integration_portal.php#transaction_variables).
 *
 * Test cards (gateway360/cards.js): 4111111111111111, 5431111111111111, 341111111111111 and any
 * other Luhn-valid number approve; 4000000000000002 declines (200 DECLINE), 4000000000009995
 * declines (202 Insufficient funds), 4000000000000069 declines (223 Expired card),
 * 4000000000000119 is a processor error (response=3, 400).
 *
 * Test hooks over HTTP (no key), for a server in another process: GET /_test/ledger,
 * GET /_test/transactions, GET /_test/requests, POST /_test/tokens {ccnumber, ccexp, cvv},
 * POST /_test/settle, POST /_test/chargebacks {transactionId, amount?, reason?} (gateway.chargeBack),
 * POST /_test/down {down}, POST /_test/latency {ms},
 * POST /_test/webhooks/url {url}, GET /_test/webhooks/deliveries, POST /_test/webhooks/redeliver
 * {eventId} (an event sent again, as it was).
 *
 * Standalone: `node test/fakes/gateway360-server.js --port 12112 --security-key K
 * --token-key T [--signing-key S] [--webhook-url URL] [--latency ms]` prints the URL and serves
 * until SIGTERM. Webhooks need the package built (`npm run build`): they are signed by
 * dist/nodes/core/webhooks/gateway360Signature.js.
 */
const http = require('node:http');
const { setTimeout: sleep } = require('node:timers/promises');
const { outcomeOf, validateCard } = require('./gateway360/cards');
const { COLLECT_JS, fieldPage } = require('./gateway360/collect');
const { queryAnswer, queryError, runQuery, testModeAnswer } = require('./gateway360/query');
const { Store, fromCents, merchantDefinedFields, toCents } = require('./gateway360/store');
const { WebhookSender } = require('./gateway360/webhooks');

const MAX_BODY_BYTES = 256 * 1024;
const MAX_CARD_SESSIONS = 10_000;
const CORS = {
	'Access-Control-Allow-Origin': '*',
	'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
	'Access-Control-Allow-Headers': 'Content-Type',
};

function readBody(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				reject(Object.assign(new Error('body too large'), { status: 413 }));
				req.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/** A form (or, for the test hooks, JSON) body as a plain object; the first value of a name wins. */
function parseFields(raw, contentType = '') {
	if (/json/i.test(contentType)) return raw.trim() ? JSON.parse(raw) : {};
	const fields = {};
	for (const [name, value] of new URLSearchParams(raw)) if (!(name in fields)) fields[name] = value;
	return fields;
}

function send(res, status, body, headers = {}) {
	res.writeHead(status, { 'Content-Length': Buffer.byteLength(body), ...headers });
	res.end(body);
}

const sendJson = (res, status, value, headers = {}) =>
	send(res, status, JSON.stringify(value), { 'Content-Type': 'application/json', ...headers });

function transactAnswer(fields) {
	const answer = {
		response: '3',
		responsetext: '',
		authcode: '',
		transactionid: '',
		avsresponse: '',
		cvvresponse: '',
		orderid: '',
		type: '',
		response_code: '300',
		...fields,
	};
	return Object.entries(answer)
		.map(([name, value]) => `${name}=${encodeURIComponent(String(value))}`)
		.join('&');
}

/**
 * What startGateway360Server takes (the file's head says what each does).
 * @typedef {object} Gateway360ServerOptions
 * @property {string[]} [securityKeys]
 * @property {string[]} [tokenKeys]
 * @property {string | null} [signingKey]
 * @property {string | null} [webhookUrl]
 * @property {number | [number, number]} [latencyMs]
 * @property {number} [port]
 * @property {string} [host]
 * @property {number} [webhookAttempts]
 * @property {number} [webhookRetryDelayMs]
 * @property {number} [webhookTimeoutMs]
 * @property {boolean} [testMode]
 * @property {'both' | 'transaction' | 'action'} [refundShape]
 */

/** @param {Gateway360ServerOptions} [options] */
async function startGateway360Server(options = {}) {
	const opts = {
		securityKeys: ['gw360-security-key-for-tests-0001'],
		tokenKeys: ['gw360pub-test01-test02-test03'],
		signingKey: null,
		webhookUrl: null,
		latencyMs: 0,
		port: 0,
		host: '127.0.0.1',
		webhookAttempts: 3,
		webhookRetryDelayMs: 100,
		webhookTimeoutMs: 2000,
		testMode: true,
		refundShape: 'both',
		...options,
	};
	const store = new Store();
	const cardSessions = new Map();
	const webhooks = new WebhookSender({
		url: opts.webhookUrl,
		signingKey: opts.signingKey,
		attempts: opts.webhookAttempts,
		retryDelayMs: opts.webhookRetryDelayMs,
		timeoutMs: opts.webhookTimeoutMs,
		testMode: opts.testMode,
	});
	const requests = [];
	let down = false;
	let latencyMs = opts.latencyMs;
	/** The delay of one request: fixed, or drawn from [min, max] per request. */
	const delayMs = () =>
		Array.isArray(latencyMs)
			? latencyMs[0] + Math.random() * (latencyMs[1] - latencyMs[0])
			: latencyMs;

	const emit = (transaction, action) =>
		webhooks.emit(webhooks.eventFor(transaction, action, action.success ? 'success' : 'failure'));

	/**
	 * The card holder's bank takes back `amount` (all when not given) of a sale: a `chargeback`
	 * action on it (Query API action types, https://docs.nmi.com/reference/query-1), and the
	 * `chargeback.batch.complete` webhook NMI sends for it. Returns the action.
	 */
	function chargeBack(transactionId, amount, reason) {
		const transaction = store.transactions.get(transactionId);
		if (!transaction) throw new Error(`No transaction ${transactionId}`);
		const action = store.addAction(transaction, {
			actionType: 'chargeback',
			amountCents: amount === undefined ? transaction.actions[0].amountCents : toCents(amount),
			success: true,
			responseCode: '100',
			responseText: 'Chargeback',
		});
		webhooks.emit(webhooks.chargebackBatchEvent(transaction, action, reason));
		return action;
	}

	// ------------------------------------------------------------------ transact.php

	function charge(fields, type) {
		const amountCents = toCents(fields.amount);
		if (amountCents === null || amountCents <= 0) {
			return { responsetext: `Invalid amount ${fields.amount ?? ''}`.trim(), type };
		}
		const surchargeCents = fields.surcharge === undefined ? null : toCents(fields.surcharge);
		if (
			fields.surcharge !== undefined &&
			(surchargeCents === null || surchargeCents > amountCents)
		) {
			return { responsetext: 'Invalid surcharge', type };
		}
		const currency = (fields.currency || 'USD').toUpperCase();
		if (!/^[A-Z]{3}$/.test(currency)) return { responsetext: 'Invalid currency', type };
		if (!fields.payment_token) {
			return { responsetext: 'Payment information is missing: send a payment_token', type };
		}
		const spent = store.spendToken(fields.payment_token);
		if (spent.error) return { responsetext: spent.error, type, orderid: fields.orderid ?? '' };
		const card = spent.card;
		// In test mode NMI approves every valid card and declines any amount under 1.00
		// (Payment API, Testing Information,
		// https://secure.nmi.com/merchants/resources/integration/integration_portal.php#testing_information).
		const outcome =
			opts.testMode && amountCents < 100
				? { outcome: 'decline', responseCode: '200', responseText: 'DECLINE' }
				: outcomeOf(card.number);
		const approved = outcome.outcome === 'approve';
		const transaction = store.newTransaction({
			orderId: fields.orderid ?? '',
			orderDescription: fields.order_description ?? '',
			email: fields.email ?? '',
			currency,
			surchargeCents,
			merchantDefinedFields: merchantDefinedFields(fields),
			// an approved auth holds the money until it is captured (see the header)
			condition: approved ? (type === 'auth' ? 'pending' : 'pendingsettlement') : 'failed',
			authorizationCode: approved ? store.authCode() : '',
			card,
		});
		const responseCode = approved ? '100' : outcome.responseCode;
		const responseText = approved ? 'SUCCESS' : outcome.responseText;
		const action = store.addAction(transaction, {
			actionType: type,
			amountCents,
			success: approved,
			responseCode,
			responseText,
			processorResponseCode: approved ? '00' : '05',
		});
		emit(transaction, action);
		return {
			response: approved ? '1' : outcome.outcome === 'decline' ? '2' : '3',
			responsetext: responseText,
			authcode: transaction.authorizationCode,
			transactionid: transaction.transactionId,
			avsresponse: approved ? 'Y' : '',
			cvvresponse: approved ? 'M' : '',
			orderid: transaction.orderId,
			type,
			response_code: responseCode,
		};
	}

	function reversal(fields, type) {
		const transaction = store.transactions.get(fields.transactionid ?? '');
		if (!transaction)
			return { responsetext: `Transaction not found ${fields.transactionid ?? ''}`.trim(), type };
		const first = transaction.actions[0];
		const charged = ['sale', 'auth'].includes(first.actionType) && first.success;
		const refundedCents = transaction.actions
			.filter((a) => a.actionType === 'refund' && a.success)
			.reduce((sum, a) => sum + a.amountCents, 0);
		const capturedCents =
			transaction.actions.find((a) => a.actionType === 'capture' && a.success)?.amountCents ??
			(first.actionType === 'sale' ? first.amountCents : 0);
		const refuse = (text) => {
			const action = store.addAction(transaction, {
				actionType: type,
				amountCents: toCents(fields.amount) ?? 0,
				success: false,
				responseCode: '300',
				responseText: text,
			});
			emit(transaction, action);
			return {
				responsetext: text,
				transactionid: transaction.transactionId,
				orderid: transaction.orderId,
				type,
			};
		};
		const ok = (action, transactionId, subject = transaction) => {
			emit(subject, action);
			return {
				response: '1',
				responsetext: 'SUCCESS',
				transactionid: transactionId,
				orderid: transaction.orderId,
				type,
				response_code: '100',
			};
		};

		if (type === 'void') {
			if (
				!charged ||
				!['pending', 'pendingsettlement'].includes(transaction.condition) ||
				refundedCents > 0
			) {
				return refuse('Transaction cannot be voided: only unsettled approved transactions can be');
			}
			transaction.condition = 'canceled';
			const amountCents = first.amountCents;
			return ok(
				store.addAction(transaction, {
					actionType: 'void',
					amountCents,
					success: true,
					responseCode: '100',
					responseText: 'Transaction Void Successful',
				}),
				transaction.transactionId,
			);
		}
		if (type === 'capture') {
			const alreadyCaptured = transaction.actions.some(
				(a) => a.actionType === 'capture' && a.success,
			);
			if (
				first.actionType !== 'auth' ||
				!charged ||
				alreadyCaptured ||
				transaction.condition !== 'pending'
			) {
				return refuse('Transaction cannot be captured');
			}
			const amountCents = fields.amount === undefined ? first.amountCents : toCents(fields.amount);
			if (amountCents === null || amountCents <= 0 || amountCents > first.amountCents) {
				return refuse('Capture amount may not exceed the authorized amount');
			}
			transaction.condition = 'pendingsettlement';
			return ok(
				store.addAction(transaction, {
					actionType: 'capture',
					amountCents,
					success: true,
					responseCode: '100',
					responseText: 'SUCCESS',
				}),
				transaction.transactionId,
			);
		}
		// refund
		if (!charged || transaction.condition !== 'complete') {
			return refuse('Only settled transactions can be refunded; void an unsettled one');
		}
		const leftCents = capturedCents - refundedCents;
		const amountCents = fields.amount === undefined ? leftCents : toCents(fields.amount);
		if (amountCents === null || amountCents <= 0 || amountCents > leftCents) {
			return refuse('Refund amount may not exceed the transaction balance');
		}
		// A refund is a transaction of its own, its amount negative, naming the sale
		// (original_transaction_id), and may also be told as an action on the sale (Query API,
		// https://docs.nmi.com/reference/query-1): opts.refundShape says which the fake answers.
		const refund = store.newTransaction({
			orderId: transaction.orderId,
			orderDescription: transaction.orderDescription,
			email: transaction.email,
			currency: transaction.currency,
			condition: 'pendingsettlement',
		});
		refund.ccNumber = transaction.ccNumber;
		refund.ccType = transaction.ccType;
		refund.originalTransactionId = transaction.transactionId;
		const refundAction = store.addAction(refund, {
			actionType: 'refund',
			amountCents,
			negative: true,
			success: true,
			responseCode: '100',
			responseText: 'SUCCESS',
		});
		refund.unlisted = opts.refundShape === 'action';
		// Kept on the sale for the fake's own bookkeeping; shown only when the shape says so.
		store.addAction(transaction, {
			actionType: 'refund',
			amountCents,
			success: true,
			responseCode: '100',
			responseText: 'SUCCESS',
			date: refundAction.date,
			hidden: opts.refundShape === 'transaction',
		});
		// The refund's webhook names the refund's own transaction, not the sale's.
		return ok(refundAction, refund.transactionId, refund);
	}

	function validate(fields) {
		if (fields.amount !== undefined && toCents(fields.amount) !== 0) {
			return {
				responsetext: 'Validate transactions must have an amount of 0.00',
				type: 'validate',
			};
		}
		if (!fields.payment_token)
			return { responsetext: 'Payment information is missing', type: 'validate' };
		const spent = store.spendToken(fields.payment_token);
		if (spent.error) return { responsetext: spent.error, type: 'validate' };
		const outcome = outcomeOf(spent.card.number);
		const approved = outcome.outcome === 'approve';
		const transaction = store.newTransaction({
			orderId: fields.orderid ?? '',
			currency: (fields.currency || 'USD').toUpperCase(),
			condition: approved ? 'complete' : 'failed',
			card: spent.card,
		});
		store.addAction(transaction, {
			actionType: 'validate',
			amountCents: 0,
			success: approved,
			responseCode: approved ? '100' : outcome.responseCode,
			responseText: approved ? 'SUCCESS' : outcome.responseText,
		});
		return {
			response: approved ? '1' : outcome.outcome === 'decline' ? '2' : '3',
			responsetext: approved ? 'SUCCESS' : outcome.responseText,
			transactionid: transaction.transactionId,
			orderid: transaction.orderId,
			type: 'validate',
			response_code: approved ? '100' : outcome.responseCode,
		};
	}

	function transact(fields) {
		const type = fields.type ?? '';
		if (!opts.securityKeys.includes(fields.security_key)) {
			return { responsetext: 'Authentication Failed', type };
		}
		switch (type) {
			case 'sale':
			case 'auth':
				return charge(fields, type);
			case 'capture':
			case 'void':
			case 'refund':
				return reversal(fields, type);
			case 'validate':
				return validate(fields);
			default:
				return { responsetext: 'Invalid Transaction Type', type };
		}
	}

	// ------------------------------------------------------------------ Collect.js endpoints

	function storeCardField(fields) {
		const { session, field, value } = fields;
		if (!/^[0-9a-f]{32}$/.test(session ?? '') || !['ccnumber', 'ccexp', 'cvv'].includes(field)) {
			return { status: 400, body: { error: 'Bad field request' } };
		}
		if (!cardSessions.has(session) && cardSessions.size >= MAX_CARD_SESSIONS) {
			cardSessions.delete(cardSessions.keys().next().value);
		}
		const entry = cardSessions.get(session) ?? {};
		entry[field] = String(value ?? '').slice(0, 64);
		cardSessions.set(session, entry);
		return { status: 200, body: { stored: field } };
	}

	function tokenize(fields) {
		if (!opts.tokenKeys.includes(fields.key)) {
			return { status: 401, body: { error: 'Invalid tokenization key' } };
		}
		const entry = cardSessions.get(fields.session ?? '');
		if (!entry)
			return {
				status: 422,
				body: { errors: [{ field: 'ccnumber', message: 'Card number is required' }] },
			};
		const errors = validateCard(entry);
		if (errors.length > 0) return { status: 422, body: { errors } };
		cardSessions.delete(fields.session);
		return { status: 200, body: store.createToken(entry) };
	}

	// ------------------------------------------------------------------ test hooks

	/** A sale, or an auth once captured, that was not voided: money taken (a hold is not). */
	const moneyTaken = (sale) => sale.captured && !sale.voided;

	const ledger = {
		sales: () => store.sales(),
		salesFor: (orderId) => store.sales().filter((sale) => sale.orderId === orderId),
		chargesFor: (orderId) =>
			store.sales().filter((sale) => sale.orderId === orderId && moneyTaken(sale)).length,
		duplicates: () => {
			const counts = new Map();
			for (const sale of store.sales()) {
				if (moneyTaken(sale)) counts.set(sale.orderId, (counts.get(sale.orderId) ?? 0) + 1);
			}
			return [...counts].filter(([, count]) => count > 1).map(([orderId]) => orderId);
		},
	};

	function createToken(card) {
		const errors = validateCard({ ccexp: '12/39', cvv: '123', ...card });
		if (errors.length > 0)
			throw new Error(`Not a usable test card: ${errors.map((e) => e.message).join(', ')}`);
		return store.createToken({ ccexp: '12/39', cvv: '123', ...card }).token;
	}

	function settle() {
		let settled = 0;
		for (const transaction of store.list()) {
			if (transaction.condition !== 'pendingsettlement') continue;
			transaction.condition = 'complete';
			store.addAction(transaction, {
				actionType: 'settle',
				amountCents: transaction.actions[0].amountCents,
				success: true,
				responseCode: '100',
				responseText: 'SUCCESS',
			});
			settled++;
		}
		return settled;
	}

	function transactions() {
		return store.list().map((t) => ({
			...t,
			surcharge: t.surchargeCents === null ? null : fromCents(t.surchargeCents),
			actions: t.actions.map((a) => ({ ...a, amount: fromCents(a.amountCents) })),
		}));
	}

	async function handleTestHook(req, res, path, fields) {
		const route = `${req.method} ${path}`;
		switch (route) {
			case 'GET /_test/ledger':
				return sendJson(res, 200, { sales: ledger.sales(), duplicates: ledger.duplicates() });
			case 'GET /_test/transactions':
				return sendJson(res, 200, transactions());
			case 'GET /_test/requests':
				return sendJson(res, 200, requests);
			case 'POST /_test/tokens':
				return sendJson(res, 200, { token: createToken(fields) });
			case 'POST /_test/chargebacks':
				try {
					const action = chargeBack(
						fields.transactionId,
						fields.amount || undefined,
						fields.reason,
					);
					return sendJson(res, 200, { chargedBack: fromCents(action.amountCents) });
				} catch (error) {
					return sendJson(res, 404, { error: error.message });
				}
			case 'POST /_test/settle':
				return sendJson(res, 200, { settled: settle() });
			case 'POST /_test/down':
				down = fields.down === true || fields.down === 'true';
				return sendJson(res, 200, { down });
			case 'POST /_test/latency':
				latencyMs = Array.isArray(fields.ms) ? fields.ms.map(Number) : Number(fields.ms) || 0;
				return sendJson(res, 200, { latencyMs });
			case 'POST /_test/webhooks/url':
				webhooks.url = fields.url || null;
				return sendJson(res, 200, { url: webhooks.url });
			case 'GET /_test/webhooks/deliveries':
				return sendJson(res, 200, webhooks.deliveries);
			case 'POST /_test/webhooks/redeliver': {
				// the same event sent again (its event_id and body; a new signature), as the gateway
				// resends one: answered once the delivery (and its retries) ended
				const event = webhooks.events.find((e) => e.event_id === fields.eventId);
				if (!event || !webhooks.url)
					return sendJson(res, 404, { error: 'No such event or no URL' });
				const before = webhooks.deliveries.length;
				await webhooks.deliver(event, webhooks.url);
				return sendJson(res, 200, { deliveries: webhooks.deliveries.slice(before) });
			}
			default:
				return sendJson(res, 404, { error: `No test hook ${route}` });
		}
	}

	// ------------------------------------------------------------------ HTTP

	async function handle(req, res) {
		const url = new URL(req.url, 'http://gateway.local');
		const path = url.pathname;
		const isGateway = path.startsWith('/api/') || path.startsWith('/token/');
		if (isGateway && down) {
			req.socket.destroy();
			return undefined;
		}
		if (req.method === 'OPTIONS' && path.startsWith('/token/api/')) {
			return send(res, 204, '', CORS);
		}
		const raw = req.method === 'POST' ? await readBody(req) : '';
		const fields = parseFields(raw, req.headers['content-type']);

		if (path.startsWith('/_test/')) return handleTestHook(req, res, path, fields);
		if (path.startsWith('/api/')) {
			requests.push({
				method: req.method,
				path,
				type: fields.type ?? null,
				securityKeyInBody: typeof fields.security_key === 'string',
				securityKeyInUrl: url.searchParams.has('security_key'),
			});
			const delay = delayMs();
			if (delay > 0) await sleep(delay);
		}

		if (req.method === 'POST' && path === '/api/transact.php') {
			return send(res, 200, transactAnswer(transact(fields)), {
				'Content-Type': 'text/html; charset=UTF-8',
			});
		}
		if (req.method === 'POST' && path === '/api/query.php') {
			let xml = queryError('Authentication Failed');
			if (opts.securityKeys.includes(fields.security_key)) {
				const found = runQuery(store, fields);
				xml = found === null ? testModeAnswer(opts.testMode) : queryAnswer(found);
			}
			return send(res, 200, xml, { 'Content-Type': 'text/xml; charset=UTF-8' });
		}
		if (req.method === 'GET' && path === '/token/Collect.js') {
			return send(res, 200, COLLECT_JS, {
				'Content-Type': 'application/javascript; charset=UTF-8',
			});
		}
		if (req.method === 'GET' && path === '/token/field') {
			const page = fieldPage({
				field: url.searchParams.get('field') ?? 'ccnumber',
				placeholder: url.searchParams.get('placeholder') ?? '',
				title: url.searchParams.get('title') ?? '',
			});
			return send(res, 200, page, { 'Content-Type': 'text/html; charset=UTF-8' });
		}
		if (req.method === 'POST' && path === '/token/api/field') {
			const { status, body } = storeCardField(fields);
			return sendJson(res, status, body, CORS);
		}
		if (req.method === 'POST' && path === '/token/api/tokenize') {
			const { status, body } = tokenize(fields);
			return sendJson(res, status, body, CORS);
		}
		return send(res, 404, 'Not found', { 'Content-Type': 'text/plain' });
	}

	const server = http.createServer((req, res) => {
		handle(req, res).catch((error) => {
			if (res.headersSent) return res.destroy();
			// A bug in the fake (or a bad test hook call): say so loudly, not like a gateway answer.
			return sendJson(res, error.status ?? 500, { error: `Fake gateway: ${error.message}` });
		});
	});

	await /** @type {Promise<void>} */ (
		new Promise((resolve, reject) => {
			server.once('error', reject);
			server.listen(opts.port, opts.host, resolve);
		})
	);
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());

	let closing;
	return {
		url: `http://${opts.host}:${port}`,
		ledger,
		requests,
		createToken,
		settle,
		transactions,
		/**
		 * The card holder's bank takes back `amount` (all when not given) of a sale: a
		 * `chargeback` action on it (Query API action types, https://docs.nmi.com/reference/query-1).
		 */
		chargeBack(transactionId, amount, reason) {
			return chargeBack(transactionId, amount, reason);
		},
		ageTransaction(transactionId, shift) {
			for (const action of store.transactions.get(transactionId)?.actions ?? []) {
				action.date = shift(action.date);
			}
		},
		webhooks: {
			get events() {
				return webhooks.events;
			},
			get deliveries() {
				return webhooks.deliveries;
			},
			setUrl(url) {
				webhooks.url = url;
			},
			idle: () => webhooks.idle(),
		},
		setDown(value) {
			down = Boolean(value);
		},
		setLatency(ms) {
			latencyMs = ms;
		},
		close() {
			closing ??= (async () => {
				webhooks.closed = true;
				await /** @type {Promise<void>} */ (
					new Promise((resolve) => {
						server.close(() => resolve());
						server.closeAllConnections();
					})
				);
				await webhooks.idle();
			})();
			return closing;
		},
	};
}

/** @param {string[]} argv */
function parseArgs(argv) {
	/** @type {Gateway360ServerOptions} */
	const options = {};
	const securityKeys = [];
	const tokenKeys = [];
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const next = () => argv[++i];
		if (arg === '--port') options.port = Number(next());
		else if (arg === '--host') options.host = next();
		else if (arg === '--security-key') securityKeys.push(next());
		else if (arg === '--token-key') tokenKeys.push(next());
		else if (arg === '--signing-key') options.signingKey = next();
		else if (arg === '--webhook-url') options.webhookUrl = next();
		else if (arg === '--latency') options.latencyMs = Number(next());
		else throw new Error(`Unknown argument: ${arg}`);
	}
	// none given: the defaults
	if (securityKeys.length > 0) options.securityKeys = securityKeys;
	if (tokenKeys.length > 0) options.tokenKeys = tokenKeys;
	return options;
}

if (require.main === module) {
	startGateway360Server(parseArgs(process.argv.slice(2))).then(
		(gateway) => {
			console.log(gateway.url);
			const stop = () => gateway.close().then(() => process.exit(0));
			process.on('SIGTERM', stop);
			process.on('SIGINT', stop);
		},
		(error) => {
			console.error(error.message);
			process.exit(1);
		},
	);
}

module.exports = { startGateway360Server };

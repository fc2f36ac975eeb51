// @ts-check
'use strict';
/**
 * A local, in-memory, Stripe-compatible HTTP server for tests (the API of stripe@23).
 *
 *   const { startStripeServer } = require('./stripe-server');
 *   const stripe = await startStripeServer({
 *     secretKeys: ['sk_test_fake'], // Bearer (or Basic) keys accepted; others -> 401
 *     latencyMs: 0,                 // processing time added to each /v1 request an endpoint runs
 *     limits: 'live',               // Stripe's documented limits: 'live' | 'sandbox' | {global,
 *                                   //   endpoint, search, paymentIntentUpdatesPerHour}; none if absent
 *     rateLimitPerSecond: 0,        // the global limit alone (overrides limits.global); 0 = none
 *     webhookDelivery: true,        // POST events to the registered webhook endpoints
 *     searchLagMs: 0,               // customer search sees a write only this long after it
 *     port: 0, host: '127.0.0.1',   // port 0 = a random free port
 *     webhookAttempts: 3, webhookRetryDelayMs: 100, webhookTimeoutMs: 2000,
 *   });
 *   stripe.url                           // 'http://127.0.0.1:<port>'
 *   stripe.ledger.chargesFor(invoiceId)  // succeeded PaymentIntents naming that invoice
 *   stripe.ledger.allCharges()           // [{paymentIntentId, invoiceIds, amount, currency,
 *                                        //   customer}]
 *   stripe.ledger.duplicates()           // invoice ids charged more than once
 *   stripe.stats                         // live: {requests, http429, http429ByReason: {reason: n},
 *                                        //   dropped, byRoute: {'POST /v1/payment_intents/:id/confirm':
 *                                        //   n} (endpoints as Stripe names them, ids folded),
 *                                        //   inFlight, maxInFlight, perSecond: {unixSecond: n},
 *                                        //   maxPerSlidingSecond}
 *   stripe.resetStats()
 *   stripe.setFaults({ dropAfterCommit, error500AfterCommit, http429, on, reason })
 *       // replaces the faults. The next n matching requests (`on`: 'POST /v1/payment_intents',
 *       // a route pattern or a concrete path; omitted = any /v1 request): run, then destroy the
 *       // socket / run, then answer 500 (kept as the idempotent result) / answer 429, not run
 *       // (Stripe-Rate-Limited-Reason: `reason`, default global-rate).
 *   stripe.setLatency(ms, on?); stripe.setRateLimit(rps);   // on: only that route, e.g. 'POST /v1/payment_intents'
 *   stripe.setLimits('live' | 'sandbox' | {global, endpoint, search, paymentIntentUpdatesPerHour})
 *       // replaces every limit (setRateLimit: the global one alone); both forget the windows
 *       // ms: a number, or [min, max] drawn per request (racers' requests then cross each other)
 *   stripe.advanceClock(seconds)         // Stripe's clock runs ahead (per process; reset by close())
 *   stripe.setSearchLag(ms);
 *   stripe.declineNextCharges(n, kind)          // the next n charges decline at the issuer
 *                                               //   (kind: processing | generic | insufficientFunds | expired)
 *   stripe.webhooks.setMode({ duplicate, reverseOrder, hold })
 *   await stripe.webhooks.flush()        // delivers held events (newest first if reverseOrder)
 *   await stripe.webhooks.idle()         // waits for deliveries under way, retries included
 *   stripe.webhooks.deliveries           // [{endpointId, eventId, eventType, status, ok, attempt,
 *                                        //   duplicate, error?}], one per attempt
 *   stripe.emit(type, object)            // an event made by hand, delivered like the others
 *   stripe.createCustomer(params)        // set-up helper: no HTTP, no events, searchable at once;
 *       // Stripe's create params plus `created` and `defaultPaymentMethod: 'pm_card_visa'`
 *   stripe.seed({ customers: 2500 | [params], paymentIntents: [{customer, amount, currency,
 *       status, metadata, created, paymentMethod}] })  // bulk set-up, same rules
 *   stripe.completeCheckoutSession(id, { paymentMethod: 'pm_card_visa' })
 *       // -> {session, paymentIntent?, setupIntent?, error?}; a decline leaves the session open
 *   stripe.completePortalSession(id, { paymentMethod })  // saves a new default method
 *   stripe.authenticate(intentId, { succeed: true })     // finish 3D Secure (pi_ or seti_)
 *   stripe.settleProcessing()            // bank debits in processing succeed (or fail)
 *   stripe.ageEvents(seconds, ids?)      // events (all, or those ids) made `seconds` earlier
 *   stripe.forgetOldEvents()             // drops events older than Stripe's 30 days (the list and
 *                                        //   a retrieve already hide them)
 *   stripe.dispute(paymentIntentId, { reason, amount })   // charge.dispute.created
 *   stripe.closeDispute(disputeId, 'won' | 'lost')        // charge.dispute.closed
 *   await stripe.close()
 *
 * The same hooks over HTTP (JSON or form bodies, no auth), for a server in another process:
 *   GET /_test/ledger, GET /_test/stats, POST /_test/stats/reset, POST /_test/faults,
 *   POST /_test/latency {ms}, POST /_test/rate_limit {rps}, POST /_test/search_lag {ms},
 *   POST /_test/limits {preset} or {global, endpoint, search, paymentIntentUpdatesPerHour},
 *   GET /_test/limits,
 *   POST /_test/webhooks/mode, POST /_test/webhooks/flush, GET /_test/webhooks/deliveries,
 *   POST /_test/events {type, object}, POST /_test/customers, POST /_test/seed,
 *   POST /_test/checkout_sessions/:id/complete {paymentMethod},
 *   POST /_test/billing_portal_sessions/:id/complete {paymentMethod},
 *   POST /_test/intents/:id/authenticate {succeed}, POST /_test/settle_processing,
 *   POST /_test/events/age {seconds, ids?}, POST /_test/events/forget_old,
 *   POST /_test/disputes {paymentIntent, reason?, amount?}, POST /_test/disputes/:id/close {status}
 * Hosted pages (tiny HTML forms): /checkout/:id, /billing_portal/:id, /3ds/:id.
 *
 * Run standalone: `node test/fakes/stripe-server.js --port 12111 [--secret-key sk_test_x]...
 * [--latency ms] [--limits live|sandbox] [--rate-limit rps] [--search-lag ms] [--no-webhooks]`
 * prints the URL and serves until SIGTERM.
 *
 * Test payment methods: pm_card_visa, pm_card_mastercard, pm_card_amex, pm_card_chargeDeclined,
 * pm_card_chargeDeclinedInsufficientFunds, pm_card_chargeDeclinedExpiredCard,
 * pm_card_chargeDeclinedProcessingError, pm_card_authenticationRequired,
 * pm_card_chargeCustomerFail, and the fake's own bank debits pm_usBankAccount_success and
 * pm_usBankAccount_insufficientFunds (processing until settleProcessing()).
 *
 * Stripe behaviour kept: ids with Stripe's prefixes, `Request-Id` on every answer, form-encoded
 * parameters (unknown ones refused, checked against the stripe@23 types), lists newest first,
 * idempotent replay (`Idempotent-Replayed: true`, same status and bytes; `idempotency_error` for
 * other parameters; 409 while the first request runs; keys scoped per secret key), 402 card
 * errors carrying the PaymentIntent, signed webhooks, the documented rate limits (global,
 * per endpoint, search, per PaymentIntent; stripe/limits.js) answered 429 with
 * `Stripe-Rate-Limited-Reason`. All secret keys share one account's data.
 * Parameters Stripe takes that the fake does not model are accepted and ignored.
 */
const http = require('node:http');
const { setTimeout: sleep } = require('node:timers/promises');
const Stripe = require('stripe');
const { StripeApiError, invalidRequest } = require('./stripe/errors');
const { FormError, parseForm } = require('./stripe/form');
const { checkParams } = require('./stripe/params');
const { Store, advanceClock, applyExpand, newId, resetClock, snapshot } = require('./stripe/store');

/** A request's processing time: a fixed number of ms, or a [min, max] range drawn per request. */
function latencyNow(latency) {
	if (!Array.isArray(latency)) return latency;
	const [min, max] = latency;
	return min + Math.random() * Math.max(0, max - min);
}
const { createCustomer, touchCustomer } = require('./stripe/customers');
const payments = require('./stripe/payments');
const sessions = require('./stripe/sessions');
const objects = require('./stripe/objects');
const { WebhookDispatcher, subscribers } = require('./stripe/webhooks');
const { matchRoute } = require('./stripe/routes');
const { RateLimits, updatedPaymentIntent } = require('./stripe/limits');
const { handlePage } = require('./stripe/pages');
const events = require('./stripe/events');

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_IDEMPOTENCY_KEY = 255;

function readBody(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				reject(invalidRequest('Request body too large.', { status: 413 }));
				req.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/** Stable form of parameters, so the same request in another key order is still "the same". */
function canonical(value) {
	if (Array.isArray(value)) return value.map(canonical);
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.keys(value)
				.sort()
				.map((k) => [k, canonical(value[k])]),
		);
	}
	return value;
}

function maskKey(key) {
	return key.length > 12
		? `${key.slice(0, 8)}${'*'.repeat(key.length - 12)}${key.slice(-4)}`
		: '****';
}

function apiKeyOf(req) {
	const header = req.headers.authorization || '';
	const bearer = /^Bearer\s+(\S+)$/i.exec(header);
	if (bearer) return bearer[1];
	const basic = /^Basic\s+(\S+)$/i.exec(header);
	if (basic) return Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0];
	return '';
}

function newStats() {
	return {
		requests: 0,
		http429: 0,
		http429ByReason: {},
		dropped: 0,
		byRoute: {},
		inFlight: 0,
		maxInFlight: 0,
		perSecond: {},
		maxPerSlidingSecond: 0,
		// requests by route in each tenth of a second (epoch ms / 100): a bench tells which of its
		// steps sent what by the steps' own start and end times
		byRouteByTenth: {},
	};
}

/**
 * @typedef {object} StripeServerOptions
 * @property {string[]} [secretKeys] Bearer (or Basic) keys accepted; others -> 401
 * @property {number | [number, number]} [latencyMs] fixed, or a [min, max] range per request
 * @property {string | Record<string, number>} [limits] 'live' | 'sandbox' | {global, endpoint,
 *   search, paymentIntentUpdatesPerHour}
 * @property {number} [rateLimitPerSecond]
 * @property {boolean} [webhookDelivery]
 * @property {number} [searchLagMs]
 * @property {number} [port]
 * @property {string} [host]
 * @property {number} [webhookAttempts]
 * @property {number} [webhookRetryDelayMs]
 * @property {number} [webhookTimeoutMs]
 */

/**
 * @typedef {object} SeedOptions
 * @property {number | Array<Record<string, any>>} [customers] a count, or createCustomer params
 * @property {Array<Record<string, any>>} [paymentIntents] {customer, amount, currency, status,
 *   metadata, created, paymentMethod}
 */

/** @param {StripeServerOptions} [options] */
async function startStripeServer(options = {}) {
	const opts = {
		secretKeys: ['sk_test_fake'],
		latencyMs: 0,
		limits: undefined,
		rateLimitPerSecond: 0,
		webhookDelivery: true,
		searchLagMs: 0,
		port: 0,
		host: '127.0.0.1',
		webhookAttempts: 3,
		webhookRetryDelayMs: 100,
		webhookTimeoutMs: 2000,
		...options,
	};
	const store = new Store();
	const dispatcher = new WebhookDispatcher(store, {
		attempts: opts.webhookAttempts,
		retryDelayMs: opts.webhookRetryDelayMs,
		timeoutMs: opts.webhookTimeoutMs,
	});

	/** @type {import('./stripe/store').FakeAccount} The account: what every domain module reads and writes. */
	const fake = {
		store,
		ledger: new payments.Ledger(),
		/** Issuer declines forced on the next charges (DECLINES keys), e.g. a transient processing error. */
		/** @type {string[]} */
		forcedDeclines: [],
		options: { searchLagMs: opts.searchLagMs },
		baseUrl: '',
		quiet: false,
		emit(type, obj, ctx, previous) {
			if (fake.quiet) return null;
			const endpoints = opts.webhookDelivery ? subscribers(store, type) : [];
			const event = objects.event(type, snapshot(obj), {
				apiVersion: Stripe.API_VERSION,
				previous,
				request: ctx ? { id: ctx.requestId, idempotency_key: ctx.idempotencyKey ?? null } : null,
				pendingWebhooks: endpoints.length,
			});
			store.insert('event', event);
			dispatcher.enqueue(event, endpoints);
			return event;
		},
		touchCustomer(customer) {
			touchCustomer(fake, customer);
		},
		/** Set-up helpers: no events, and search sees the data at once. */
		quietly(fn) {
			fake.quiet = true;
			try {
				return fn();
			} finally {
				fake.quiet = false;
			}
		},
	};

	/** @type {number | [number, number]} */
	let latencyMs = opts.latencyMs;
	let latencyOn = null; // null = every /v1 request; else only this route ('POST /v1/payment_intents')
	const limits = new RateLimits(opts.limits);
	if (opts.rateLimitPerSecond) limits.setGlobal(opts.rateLimitPerSecond);
	let faults = { dropAfterCommit: 0, error500AfterCommit: 0, http429: 0, on: null, reason: null };
	const stats = newStats();
	const received = []; // timestamps of all /v1 requests, for maxPerSlidingSecond
	const idempotency = new Map();

	function countRequest(now) {
		stats.requests++;
		const second = Math.floor(now / 1000);
		stats.perSecond[second] = (stats.perSecond[second] || 0) + 1;
		received.push(now);
		while (received.length && received[0] <= now - 1000) received.shift();
		stats.maxPerSlidingSecond = Math.max(stats.maxPerSlidingSecond, received.length);
	}

	function faultApplies(routeKey, method, pathname) {
		return !faults.on || faults.on === routeKey || faults.on === `${method} ${pathname}`;
	}

	function takeFault(kind, routeKey, method, pathname) {
		if (faults[kind] > 0 && faultApplies(routeKey, method, pathname)) {
			faults[kind]--;
			return true;
		}
		return false;
	}

	function send(res, status, body, headers = {}) {
		const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
		res.writeHead(status, {
			'Content-Type': 'application/json',
			'Content-Length': Buffer.byteLength(text),
			...headers,
		});
		res.end(text);
	}

	function sendError(res, error, requestId, headers) {
		send(res, error.status, error.body(requestId), headers);
	}

	/** Stripe's 429 (https://docs.stripe.com/rate-limits): the limit hit named, no Retry-After. */
	function rateLimited(res, requestId, reason) {
		stats.http429++;
		stats.http429ByReason[reason] = (stats.http429ByReason[reason] || 0) + 1;
		sendError(
			res,
			new StripeApiError(429, {
				type: 'rate_limit_error',
				code: 'rate_limit',
				message:
					'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
			}),
			requestId,
			{ 'Stripe-Should-Retry': 'true', 'Stripe-Rate-Limited-Reason': reason },
		);
	}

	function authError(req) {
		const key = apiKeyOf(req);
		if (!key) {
			return new StripeApiError(401, {
				type: 'invalid_request_error',
				message:
					"You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
			});
		}
		if (!opts.secretKeys.includes(key)) {
			return new StripeApiError(401, {
				type: 'invalid_request_error',
				message: `Invalid API Key provided: ${maskKey(key)}`,
			});
		}
		return null;
	}

	function paramsOf(req, url, raw) {
		if (req.method !== 'POST') return parseForm(url.search.slice(1));
		const type = (req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
		if (raw !== '' && type !== 'application/x-www-form-urlencoded') {
			throw invalidRequest(
				`Invalid request: the body must be application/x-www-form-urlencoded, not ${type || 'untyped'}.`,
			);
		}
		return parseForm(raw);
	}

	/** Looks the key up; answers the request itself (replay / conflict) or returns the entry. */
	function claimIdempotencyKey(res, requestId, scopedKey, fingerprint, rawKey) {
		const entry = idempotency.get(scopedKey);
		if (!entry) {
			const claimed = { fingerprint, state: 'in_flight' };
			idempotency.set(scopedKey, claimed);
			return claimed;
		}
		if (entry.fingerprint !== fingerprint) {
			sendError(
				res,
				new StripeApiError(400, {
					type: 'idempotency_error',
					message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${rawKey}' if you meant to execute a different request.`,
				}),
				requestId,
				{ 'Idempotency-Key': rawKey },
			);
		} else if (entry.state === 'in_flight') {
			sendError(
				res,
				new StripeApiError(409, {
					type: 'idempotency_error',
					code: 'idempotency_key_in_use',
					message: `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${rawKey}. Please try again later.`,
				}),
				requestId,
				{ 'Idempotency-Key': rawKey },
			);
		} else {
			send(res, entry.status, entry.body, {
				'Idempotency-Key': rawKey,
				'Idempotent-Replayed': 'true',
				'Original-Request': entry.requestId,
			});
		}
		return null;
	}

	/** Runs the route's handler; `committed`: whether Stripe would keep this answer for the key. */
	function runEndpoint(match, params, ctx) {
		try {
			const result = match.route.handler(fake, params, ctx, match.pathParams);
			return { status: 200, body: snapshot(result), committed: true };
		} catch (error) {
			if (!(error instanceof StripeApiError)) throw error;
			return { status: error.status, body: error.body(ctx.requestId), committed: error.committed };
		}
	}

	async function handleApi(req, res, url, requestId) {
		const now = Date.now();
		countRequest(now);
		const match = matchRoute(req.method, url.pathname);
		const routeKey = match && match.route ? match.route.key : `${req.method} ${url.pathname}`;
		stats.byRoute[routeKey] = (stats.byRoute[routeKey] || 0) + 1;
		const tenth = (stats.byRouteByTenth[Math.floor(now / 100)] ??= {});
		tenth[routeKey] = (tenth[routeKey] || 0) + 1;
		stats.inFlight++;
		stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
		let claimed = null;
		let scopedKey = null;
		try {
			const raw = await readBody(req);
			const denied = authError(req);
			if (denied) return sendError(res, denied, requestId);
			const limitHit = limits.admit(
				routeKey,
				updatedPaymentIntent(req.method, url.pathname),
				Date.now(),
			);
			if (limitHit) return rateLimited(res, requestId, limitHit);
			if (takeFault('http429', routeKey, req.method, url.pathname))
				return rateLimited(res, requestId, faults.reason || 'global-rate');
			if (!match || !match.route) {
				return sendError(
					res,
					invalidRequest(
						`Unrecognized request URL (${req.method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
						{ status: 404 },
					),
					requestId,
				);
			}
			const params = paramsOf(req, url, raw);
			checkParams(params, match.route.spec, match.route.aliases);

			const rawKey = req.method === 'POST' ? req.headers['idempotency-key'] : undefined;
			const echo = rawKey ? { 'Idempotency-Key': rawKey } : {};
			if (rawKey !== undefined) {
				if (rawKey.length > MAX_IDEMPOTENCY_KEY || rawKey.length === 0) {
					throw invalidRequest(
						`Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY} characters long.`,
					);
				}
				scopedKey = `${apiKeyOf(req)}\u0000${rawKey}`;
				const fingerprint = `${req.method} ${url.pathname} ${JSON.stringify(canonical(params))}`;
				claimed = claimIdempotencyKey(res, requestId, scopedKey, fingerprint, rawKey);
				if (!claimed) return undefined;
			}

			// Processing time: the idempotency key stays claimed meanwhile, as on Stripe.
			const processingMs = latencyNow(latencyMs);
			if (processingMs > 0 && (!latencyOn || latencyOn === routeKey)) await sleep(processingMs);
			const ctx = { requestId, idempotencyKey: rawKey };
			let { status, body, committed } = runEndpoint(match, params, ctx);
			if (status === 200) {
				try {
					applyExpand(store, body, params.expand);
				} catch (error) {
					if (!(error instanceof StripeApiError)) throw error;
					// The write already happened: the key keeps this answer, so a retry cannot redo it.
					status = error.status;
					body = error.body(requestId);
				}
			}
			let drop = false;
			if (committed) {
				drop = takeFault('dropAfterCommit', routeKey, req.method, url.pathname);
				if (!drop && takeFault('error500AfterCommit', routeKey, req.method, url.pathname)) {
					status = 500;
					body = {
						error: {
							type: 'api_error',
							message: 'An unknown error occurred while processing your request.',
						},
					};
				}
			}
			const text = JSON.stringify(body, null, 2);
			if (claimed) {
				if (committed) Object.assign(claimed, { state: 'done', status, body: text, requestId });
				else idempotency.delete(scopedKey);
				claimed = null;
			}
			if (drop) {
				stats.dropped++;
				req.socket.destroy();
				return undefined;
			}
			return send(res, status, text, echo);
		} catch (error) {
			if (claimed) idempotency.delete(scopedKey);
			if (error instanceof StripeApiError) return sendError(res, error, requestId);
			if (error instanceof FormError)
				return sendError(res, invalidRequest(error.message), requestId);
			throw error;
		} finally {
			stats.inFlight--;
		}
	}

	// --- test hooks (JS and HTTP) -------------------------------------------------------------

	const api = {
		url: '',
		stats,
		ledger: {
			chargesFor: (invoiceId) => fake.ledger.chargesFor(invoiceId),
			allCharges: () => fake.ledger.allCharges(),
			duplicates: () => fake.ledger.duplicates(),
		},
		webhooks: {
			setMode: (mode) => dispatcher.setMode(mode),
			flush: () => dispatcher.flush(),
			idle: () => dispatcher.idle(),
			get deliveries() {
				return dispatcher.deliveries.map((d) => ({ ...d }));
			},
		},
		resetStats() {
			Object.assign(stats, newStats(), { inFlight: stats.inFlight });
			received.length = 0;
		},
		setFaults(next = {}) {
			faults = {
				dropAfterCommit: next.dropAfterCommit || 0,
				error500AfterCommit: next.error500AfterCommit || 0,
				http429: next.http429 || 0,
				on: next.on || null,
				reason: next.reason || null,
			};
			return { ...faults };
		},
		/** The next `count` charge attempts decline with `kind` (a key of DECLINES: processing, generic...). */
		declineNextCharges(count, kind = 'processing') {
			for (let i = 0; i < count; i++) fake.forcedDeclines.push(kind);
		},
		setLatency(ms, on) {
			latencyMs = Array.isArray(ms) ? [Number(ms[0]) || 0, Number(ms[1]) || 0] : Number(ms) || 0;
			latencyOn = on || null;
		},
		/** Stripe's clock (object `created`, `canceled_at`...) runs `seconds` further ahead. */
		advanceClock(seconds) {
			return advanceClock(Number(seconds) || 0);
		},
		setRateLimit(rps) {
			limits.setGlobal(rps);
		},
		/** 'live', 'sandbox' or {global, endpoint, search, paymentIntentUpdatesPerHour}; absent = none. */
		setLimits(spec) {
			return limits.set(spec);
		},
		get limits() {
			return { ...limits.limits };
		},
		setSearchLag(ms) {
			fake.options.searchLagMs = Number(ms) || 0;
		},
		emit(type, object) {
			return snapshot(fake.emit(type, object, null));
		},
		/** @param {Record<string, any>} [params] */
		createCustomer(params = {}) {
			const { created, defaultPaymentMethod, ...stripeParams } = params;
			if (defaultPaymentMethod) {
				stripeParams.payment_method = defaultPaymentMethod;
				stripeParams.invoice_settings = { default_payment_method: defaultPaymentMethod };
			}
			return fake.quietly(() => snapshot(createCustomer(fake, stripeParams, null, { created })));
		},
		/** @param {SeedOptions} [options] */
		seed({ customers = [], paymentIntents = [] } = {}) {
			const customerSpecs =
				typeof customers === 'number'
					? Array.from({ length: customers }, (_, i) => ({
							name: `Customer ${i + 1}`,
							email: `customer${i + 1}@example.com`,
						}))
					: customers;
			return {
				customers: customerSpecs.map((spec) => api.createCustomer(spec)),
				paymentIntents: fake.quietly(() =>
					paymentIntents.map((spec) => snapshot(payments.seedPaymentIntent(fake, spec))),
				),
			};
		},
		/**
		 * @param {string} id
		 * @param {{paymentMethod?: string}} [opts]
		 */
		completeCheckoutSession(id, { paymentMethod } = {}) {
			return snapshot(sessions.completeCheckoutSession(fake, id, { paymentMethod }));
		},
		/**
		 * @param {string} id
		 * @param {{paymentMethod?: string}} [opts]
		 */
		completePortalSession(id, { paymentMethod } = {}) {
			return snapshot(sessions.completePortalSession(fake, id, { paymentMethod }));
		},
		authenticate(intentId, { succeed = true } = {}) {
			if (String(intentId).startsWith('seti_')) {
				return snapshot(
					sessions.authenticateSetupIntent(fake, store.require('setup_intent', intentId), succeed),
				);
			}
			return snapshot(
				payments.authenticatePaymentIntent(
					fake,
					store.require('payment_intent', intentId),
					succeed,
				),
			);
		},
		settleProcessing() {
			return payments.settleProcessing(fake);
		},
		ageEvents(seconds, ids) {
			return events.ageEvents(fake, Number(seconds), ids);
		},
		forgetOldEvents() {
			return events.forgetOldEvents(fake);
		},
		dispute(paymentIntentId, options = {}) {
			return snapshot(events.createDispute(fake, paymentIntentId, options));
		},
		closeDispute(disputeId, status) {
			return snapshot(events.closeDispute(fake, disputeId, status));
		},
		close: () => close(),
	};

	const truthy = (v) => v === true || v === 'true';
	/** @type {Array<[string, RegExp, (body: any, id: string) => any]>} */
	const TEST_ROUTES = [
		[
			'GET',
			/^\/_test\/ledger$/,
			() => ({
				charges: api.ledger.allCharges(),
				duplicates: api.ledger.duplicates(),
			}),
		],
		['GET', /^\/_test\/stats$/, () => stats],
		['POST', /^\/_test\/stats\/reset$/, () => api.resetStats() ?? stats],
		[
			'POST',
			/^\/_test\/faults$/,
			(b) =>
				api.setFaults({
					dropAfterCommit: Number(b.dropAfterCommit) || 0,
					error500AfterCommit: Number(b.error500AfterCommit) || 0,
					http429: Number(b.http429) || 0,
					on: b.on,
					reason: b.reason,
				}),
		],
		[
			'POST',
			/^\/_test\/latency$/,
			(b) => api.setLatency(b.ms, b.on) ?? { ms: latencyMs, on: latencyOn },
		],
		['POST', /^\/_test\/rate_limit$/, (b) => api.setRateLimit(b.rps) ?? { rps: api.limits.global }],
		['POST', /^\/_test\/limits$/, (b) => api.setLimits(b.preset ?? b)],
		['GET', /^\/_test\/limits$/, () => api.limits],
		[
			'POST',
			/^\/_test\/search_lag$/,
			(b) => api.setSearchLag(b.ms) ?? { ms: fake.options.searchLagMs },
		],
		[
			'POST',
			/^\/_test\/webhooks\/mode$/,
			(b) =>
				api.webhooks.setMode(Object.fromEntries(Object.entries(b).map(([k, v]) => [k, truthy(v)]))),
		],
		['POST', /^\/_test\/webhooks\/flush$/, async () => ({ delivered: await api.webhooks.flush() })],
		['GET', /^\/_test\/webhooks\/deliveries$/, () => ({ deliveries: api.webhooks.deliveries })],
		['POST', /^\/_test\/events$/, (b) => api.emit(b.type, b.object)],
		['POST', /^\/_test\/customers$/, (b) => api.createCustomer(b)],
		[
			'POST',
			/^\/_test\/seed$/,
			(b) =>
				api.seed({
					customers: typeof b.customers === 'string' ? Number(b.customers) : b.customers,
					paymentIntents: b.paymentIntents,
				}),
		],
		[
			'POST',
			/^\/_test\/checkout_sessions\/([^/]+)\/complete$/,
			(b, id) =>
				api.completeCheckoutSession(id, { paymentMethod: b.paymentMethod ?? b.payment_method }),
		],
		[
			'POST',
			/^\/_test\/billing_portal_sessions\/([^/]+)\/complete$/,
			(b, id) =>
				api.completePortalSession(id, { paymentMethod: b.paymentMethod ?? b.payment_method }),
		],
		[
			'POST',
			/^\/_test\/intents\/([^/]+)\/authenticate$/,
			(b, id) =>
				api.authenticate(id, { succeed: b.succeed === undefined ? true : truthy(b.succeed) }),
		],
		['POST', /^\/_test\/settle_processing$/, () => ({ settled: api.settleProcessing() })],
		['POST', /^\/_test\/events\/age$/, (b) => ({ aged: api.ageEvents(Number(b.seconds), b.ids) })],
		['POST', /^\/_test\/events\/forget_old$/, () => ({ dropped: api.forgetOldEvents() })],
		[
			'POST',
			/^\/_test\/disputes$/,
			(b) =>
				api.dispute(b.paymentIntent, {
					reason: b.reason,
					amount: b.amount === undefined ? undefined : Number(b.amount),
				}),
		],
		['POST', /^\/_test\/disputes\/([^/]+)\/close$/, (b, id) => api.closeDispute(id, b.status)],
	];

	async function handleTestHook(req, res, url, requestId) {
		const raw = await readBody(req);
		const json = (req.headers['content-type'] || '').includes('json');
		let body;
		try {
			body = json ? JSON.parse(raw || '{}') : parseForm(raw);
		} catch (error) {
			return sendError(res, invalidRequest(`Invalid body: ${error.message}`), requestId);
		}
		for (const [method, pattern, fn] of TEST_ROUTES) {
			const m = pattern.exec(url.pathname);
			if (m && method === req.method) {
				try {
					return send(res, 200, (await fn(body, m[1] && decodeURIComponent(m[1]))) ?? {});
				} catch (error) {
					if (error instanceof StripeApiError) return sendError(res, error, requestId);
					return sendError(res, invalidRequest(error.message), requestId);
				}
			}
		}
		return sendError(
			res,
			invalidRequest(`No test hook ${req.method} ${url.pathname}`, { status: 404 }),
			requestId,
		);
	}

	async function handlePageRequest(req, res, url) {
		const raw = await readBody(req);
		const answer = handlePage(
			fake,
			req.method,
			url.pathname,
			req.method === 'POST' ? parseForm(raw) : {},
		);
		if (!answer) return false;
		res.writeHead(answer.status, {
			'Content-Type': 'text/html; charset=utf-8',
			...(answer.headers || {}),
		});
		res.end(answer.html);
		return true;
	}

	async function handle(req, res) {
		const requestId = newId('req_');
		res.setHeader('Request-Id', requestId);
		res.setHeader('Stripe-Version', req.headers['stripe-version'] || Stripe.API_VERSION);
		const url = new URL(req.url, 'http://fake.invalid');
		if (url.pathname.startsWith('/v1/')) return handleApi(req, res, url, requestId);
		if (url.pathname.startsWith('/_test/')) return handleTestHook(req, res, url, requestId);
		if (await handlePageRequest(req, res, url)) return undefined;
		return sendError(
			res,
			invalidRequest(`Unrecognized request URL (${req.method}: ${url.pathname}).`, { status: 404 }),
			requestId,
		);
	}

	const server = http.createServer((req, res) => {
		handle(req, res).catch((error) => {
			// A bug in the fake: say so loudly rather than look like a Stripe outage.
			console.error('[fake stripe]', error);
			if (!res.headersSent) {
				send(res, 500, {
					error: { type: 'api_error', message: `Fake Stripe server bug: ${error.message}` },
				});
			} else {
				res.destroy();
			}
		});
	});

	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port, opts.host, () => resolve(undefined));
	});
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	fake.baseUrl = `http://${opts.host}:${port}`;
	api.url = fake.baseUrl;

	/** @type {Promise<void> | undefined} */
	let closing;
	function close() {
		if (!closing) {
			dispatcher.close();
			resetClock();
			closing = new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		}
		return closing;
	}

	return api;
}

/**
 * @param {string[]} argv
 * @returns {StripeServerOptions}
 */
function parseArgs(argv) {
	/** @type {StripeServerOptions} */
	const options = {};
	/** @type {string[]} */
	const secretKeys = [];
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const next = () => argv[++i];
		if (arg === '--port') options.port = Number(next());
		else if (arg === '--host') options.host = next();
		else if (arg === '--secret-key') secretKeys.push(next());
		else if (arg === '--latency') options.latencyMs = Number(next());
		else if (arg === '--rate-limit') options.rateLimitPerSecond = Number(next());
		else if (arg === '--limits') options.limits = next();
		else if (arg === '--search-lag') options.searchLagMs = Number(next());
		else if (arg === '--no-webhooks') options.webhookDelivery = false;
		else throw new Error(`Unknown argument: ${arg}`);
	}
	if (secretKeys.length > 0) options.secretKeys = secretKeys;
	return options;
}

if (require.main === module) {
	startStripeServer(parseArgs(process.argv.slice(2))).then(
		(stripe) => {
			console.log(stripe.url);
			const stop = () => stripe.close().then(() => process.exit(0));
			process.on('SIGTERM', stop);
			process.on('SIGINT', stop);
		},
		(error) => {
			console.error(error.message);
			process.exit(1);
		},
	);
}

module.exports = { startStripeServer };

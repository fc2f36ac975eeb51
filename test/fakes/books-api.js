'use strict';
// @ts-check
/**
 * The demo "books": a small in-memory REST API holding customers, invoices and the payment
 * records our workflows write back. The contract is docs/books-api.md; what a payment record does
 * to the books is the package's ledger (nodes/core/books/ledger.ts), applied here as every adapter
 * applies it.
 *
 *   const books = await startBooksApi({ port: 0, token: 'secret', timeZone: 'Europe/Berlin' });
 *   books.url; books.state(); books.reset(); await books.close();
 *
 * `seed` is 'demo' (the default: ~5 customers and 12 invoices dated relative to today in
 * `timeZone`), 'empty', or `{ customers, invoices, payments, callers, mismatches }` to load as
 * given.
 */
const http = require('node:http');
const { timingSafeEqual } = require('node:crypto');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const LEDGER_MODULE = 'nodes/core/books/ledger';

/**
 * The ledger rules from the TypeScript source (under jest, which compiles it) or from the build
 * (`npm run build`) when the books run as a plain Node process (`npm start`, the e2e stack).
 */
function loadLedger() {
	try {
		return require(path.join(ROOT, LEDGER_MODULE));
	} catch (sourceError) {
		try {
			return require(path.join(ROOT, 'dist', LEDGER_MODULE));
		} catch {
			throw new Error(
				`The demo books apply ${LEDGER_MODULE}; run "npm run build" first to run them outside jest (${sourceError.message})`,
			);
		}
	}
}

const ledger = loadLedger();

const MAX_BODY_BYTES = 1024 * 1024;

/** A handler's answer when it is not a plain 200. */
class Answer {
	constructor(status, body) {
		this.status = status;
		this.body = body;
	}
}

class BooksError extends Error {
	constructor(status, code, message) {
		super(message);
		this.status = status;
		this.code = code;
	}
}

// ---- dates in the books' time zone ----

/** Today's calendar date (YYYY-MM-DD) in the time zone. */
function todayIn(timeZone, now = new Date()) {
	// en-CA formats as YYYY-MM-DD
	return new Intl.DateTimeFormat('en-CA', {
		timeZone,
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
	}).format(now);
}

function addDays(isoDate, days) {
	const [y, m, d] = isoDate.split('-').map(Number);
	return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

// ---- the demo data set ----

function demoSeed(today) {
	const day = (offset) => addDays(today, offset);
	const customers = [
		{
			id: 'cust-1001',
			name: 'Acme Plumbing Ltd',
			email: 'office@acme-plumbing.example.com',
			phone: '+1 555 0101',
			address: { line1: '12 Water Lane', city: 'Springfield', postalCode: '62701', country: 'US' },
			accountsEmail: 'ap@acme-plumbing.example.com',
			accountsCcEmail: 'controller@acme-plumbing.example.com',
			stripeCustomerId: null,
		},
		{
			id: 'cust-1002',
			name: 'Brightside Dental',
			email: 'frontdesk@brightside-dental.example.com',
			phone: '+1 555 0102',
			address: { line1: '400 Smile Avenue', city: 'Portland', postalCode: '97201', country: 'US' },
			accountsEmail: 'billing@brightside-dental.example.com',
			accountsCcEmail: null,
			stripeCustomerId: null,
		},
		{
			id: 'cust-1003',
			name: 'Café Lumière SARL',
			email: 'bonjour@cafe-lumiere.example.com',
			phone: '+33 1 555 0103',
			address: { line1: '8 rue des Lilas', city: 'Paris', postalCode: '75011', country: 'FR' },
			accountsEmail: 'compta@cafe-lumiere.example.com',
			accountsCcEmail: 'gerant@cafe-lumiere.example.com',
			stripeCustomerId: null,
		},
		{
			id: 'cust-1004',
			name: 'Kumo Design KK',
			email: 'hello@kumo-design.example.com',
			phone: '+81 3 5550 0104',
			address: { line1: '2-1 Shibuya', city: 'Tokyo', postalCode: '150-0002', country: 'JP' },
			accountsEmail: 'keiri@kumo-design.example.com',
			accountsCcEmail: null,
			stripeCustomerId: null,
		},
		{
			id: 'cust-1005',
			name: 'Northwind Traders',
			email: 'contact@northwind.example.com',
			phone: '+1 555 0105',
			address: { line1: '1 Harbour Road', city: 'Seattle', postalCode: '98101', country: 'US' },
			accountsEmail: 'accounts@northwind.example.com',
			accountsCcEmail: 'cfo@northwind.example.com',
			stripeCustomerId: null,
		},
	];

	const invoice = (n, fields) => ({
		id: `inv-${n}`,
		number: `INV-${n}`,
		customerId: fields.customerId,
		currency: fields.currency,
		total: fields.total,
		balance: fields.balance ?? fields.total,
		createdAt: fields.createdAt,
		dueDate: fields.dueDate,
		recurringInvoiceId: fields.recurringInvoiceId ?? null,
		status: fields.status ?? 'open',
		paymentStatus: fields.paymentStatus ?? 'unpaid',
		sentToProvider: fields.sentToProvider ?? true,
	});
	const invoices = [
		// recurring, due yesterday: auto-pay on the due date charges it today
		invoice(2001, {
			customerId: 'cust-1001',
			currency: 'USD',
			total: '250.00',
			createdAt: day(-30),
			dueDate: day(-1),
			recurringInvoiceId: 'rec-301',
		}),
		// recurring, created today: auto-pay on the creation date charges it today
		invoice(2002, {
			customerId: 'cust-1001',
			currency: 'USD',
			total: '99.00',
			createdAt: day(0),
			dueDate: day(7),
			recurringInvoiceId: 'rec-301',
		}),
		// recurring, due today
		invoice(2003, {
			customerId: 'cust-1002',
			currency: 'USD',
			total: '1250.00',
			createdAt: day(-14),
			dueDate: day(0),
			recurringInvoiceId: 'rec-302',
		}),
		// one-off invoices an agent or the customer pays by hand
		invoice(2004, {
			customerId: 'cust-1002',
			currency: 'USD',
			total: '480.50',
			createdAt: day(-20),
			dueDate: day(7),
		}),
		invoice(2005, {
			customerId: 'cust-1002',
			currency: 'USD',
			total: '75.00',
			createdAt: day(-40),
			dueDate: day(-10),
		}),
		// the one EUR invoice: recurring, created yesterday, due next week
		invoice(2006, {
			customerId: 'cust-1003',
			currency: 'EUR',
			total: '640.00',
			createdAt: day(-1),
			dueDate: day(7),
			recurringInvoiceId: 'rec-303',
		}),
		// the one JPY invoice (zero-decimal currency): recurring, due today
		invoice(2007, {
			customerId: 'cust-1004',
			currency: 'JPY',
			total: '15000',
			createdAt: day(-7),
			dueDate: day(0),
			recurringInvoiceId: 'rec-304',
		}),
		// zero balance: already paid, never charged again
		invoice(2008, {
			customerId: 'cust-1005',
			currency: 'USD',
			total: '300.00',
			balance: '0.00',
			createdAt: day(-31),
			dueDate: day(-1),
			recurringInvoiceId: 'rec-305',
			status: 'paid',
			paymentStatus: 'paid',
		}),
		// a payment is still processing: auto-pay must skip it
		invoice(2009, {
			customerId: 'cust-1005',
			currency: 'USD',
			total: '1999.99',
			createdAt: day(-3),
			dueDate: day(-1),
			recurringInvoiceId: 'rec-305',
			paymentStatus: 'pending',
		}),
		// the customer must authenticate a payment (3-D Secure): auto-pay must skip it
		invoice(2010, {
			customerId: 'cust-1005',
			currency: 'USD',
			total: '45.00',
			createdAt: day(-5),
			dueDate: day(-2),
			recurringInvoiceId: 'rec-306',
			paymentStatus: 'action_required',
		}),
		// never sent to the payment provider: paying it is refused (Aptean Pay's rule)
		invoice(2011, {
			customerId: 'cust-1001',
			currency: 'USD',
			total: '120.00',
			createdAt: day(0),
			dueDate: day(14),
			sentToProvider: false,
		}),
		// recurring, due next week
		invoice(2012, {
			customerId: 'cust-1005',
			currency: 'USD',
			total: '360.00',
			createdAt: day(0),
			dueDate: day(7),
			recurringInvoiceId: 'rec-306',
		}),
	];

	const seedPayment = (invoiceId, paymentId, status, amount, currency, daysAgo) => ({
		invoiceId,
		paymentId,
		provider: 'stripe',
		status,
		amount: { amount, currency: currency.toLowerCase() },
		recordedAt: `${day(-daysAgo)}T09:00:00.000Z`,
		updatedAt: `${day(-daysAgo)}T09:00:00.000Z`,
	});
	// People who may ask to pay (docs/books-api.md "Callers"): the token's subject is the id.
	const callers = [
		{
			id: 'agent-7',
			kind: 'agent',
			name: 'Dana Agent',
			email: 'dana.agent@invoice-payments.example.com',
			active: true,
			customerId: null,
			canReceiveManualStripePayments: true,
			invoiceAccessLevel: null,
		},
		{
			id: 'agent-8',
			kind: 'agent',
			name: 'Lee Agent',
			email: 'lee.agent@invoice-payments.example.com',
			active: true,
			customerId: null,
			canReceiveManualStripePayments: false,
			invoiceAccessLevel: null,
		},
		{
			id: 'portal-501',
			kind: 'portal',
			name: 'Pat Portal',
			email: 'pat@acme-plumbing.example.com',
			active: true,
			customerId: 'cust-1001',
			canReceiveManualStripePayments: false,
			invoiceAccessLevel: 'customer',
		},
		{
			id: 'portal-502',
			kind: 'portal',
			name: 'Sam Portal',
			email: 'sam@brightside-dental.example.com',
			active: true,
			customerId: 'cust-1002',
			canReceiveManualStripePayments: false,
			invoiceAccessLevel: 'customer',
		},
		{
			id: 'portal-503',
			kind: 'portal',
			name: 'Robin Portal',
			email: 'robin@brightside-dental.example.com',
			active: true,
			customerId: 'cust-1002',
			canReceiveManualStripePayments: false,
			invoiceAccessLevel: 'none',
		},
	];

	const payments = [
		seedPayment('inv-2008', 'pi_demo_2008_paid', 'succeeded', '300.00', 'USD', 1),
		seedPayment('inv-2009', 'pi_demo_2009_processing', 'processing', '1999.99', 'USD', 1),
		seedPayment('inv-2010', 'pi_demo_2010_action', 'requires_action', '45.00', 'USD', 2),
	];
	return { customers, invoices, payments, callers, mismatches: [] };
}

function loadSeed(seed, today) {
	if (seed === undefined || seed === null || seed === 'demo') return demoSeed(today);
	if (seed === 'empty') {
		return { customers: [], invoices: [], payments: [], callers: [], mismatches: [] };
	}
	if (typeof seed !== 'object' || Array.isArray(seed)) {
		throw new BooksError(
			400,
			'invalid_seed',
			"seed is 'demo', 'empty' or { customers, invoices, payments, callers, mismatches }",
		);
	}
	const copy = JSON.parse(JSON.stringify(seed));
	return {
		customers: copy.customers ?? [],
		invoices: copy.invoices ?? [],
		payments: copy.payments ?? [],
		callers: copy.callers ?? [],
		mismatches: copy.mismatches ?? [],
	};
}

// ---- HTTP ----

function createBooks({ seed, timeZone, today }) {
	let data;
	let currentTimeZone = timeZone;
	const reset = (next = {}) => {
		currentTimeZone = next.timeZone ?? currentTimeZone;
		const day = next.today ?? today ?? todayIn(currentTimeZone);
		data = loadSeed(next.seed === undefined ? seed : next.seed, day);
		return {
			today: day,
			timeZone: currentTimeZone,
			customers: data.customers.length,
			invoices: data.invoices.length,
		};
	};
	reset();

	const findInvoice = (id) => {
		const invoice = data.invoices.find((candidate) => candidate.id === id);
		if (!invoice) throw new BooksError(404, 'not_found', `No invoice ${id}`);
		return invoice;
	};

	/** The invoice's records in `list` (the books' payments or mismatches). */
	const recordsOf = (list, invoice) => list.filter((held) => held.invoiceId === invoice.id);

	/**
	 * Applies a payment report with the ledger rules (nodes/core/books/ledger.ts, the one owner:
	 * docs/books-api.md "The ledger rules") and stores what they decide: the record in the
	 * payments or kept apart as a mismatch, and the invoice after it.
	 */
	const applyReport = (invoice, report, reasons) => {
		const customer = data.customers.find((candidate) => candidate.id === invoice.customerId);
		const paymentId = report && typeof report === 'object' ? report.paymentId : undefined;
		let outcome;
		try {
			outcome = ledger.applyPaymentReport({
				invoice,
				payments: recordsOf(data.payments, invoice),
				mismatches: recordsOf(data.mismatches, invoice),
				stripeCustomerId: customer?.stripeCustomerId ?? null,
				samePaymentElsewhere: data.payments.filter(
					(held) => held.invoiceId !== invoice.id && held.paymentId === paymentId,
				),
				report,
				reasons,
				now: new Date().toISOString(),
			});
		} catch (error) {
			if (error instanceof ledger.LedgerInputError) {
				throw new BooksError(400, error.code, error.message);
			}
			throw error;
		}
		const list = outcome.list === 'payments' ? data.payments : data.mismatches;
		const at = list.findIndex(
			(held) => held.invoiceId === invoice.id && held.paymentId === outcome.record.paymentId,
		);
		if (at === -1) list.push(outcome.record);
		else list[at] = outcome.record;
		// the invoice object stays the one the books list
		Object.assign(invoice, outcome.invoice);
		return outcome;
	};

	const answerOf = ({ record, invoice, created, statusChanged, previousStatus }) => ({
		payment: record,
		invoice,
		created,
		statusChanged,
		previousStatus,
	});

	const recordPayment = (invoice, body) => {
		const outcome = applyReport(invoice, body, undefined);
		if (outcome.list === 'mismatches') {
			return new Answer(409, {
				error: {
					code: 'payment_mismatch',
					message: `The payment does not match invoice ${invoice.number}: ${outcome.reasons.map((r) => r.message).join('; ')}`,
					reasons: outcome.reasons,
				},
				...answerOf(outcome),
			});
		}
		return new Answer(outcome.created ? 201 : 200, answerOf(outcome));
	};

	/** A record the caller found not to match (docs/books-api.md "Payment mismatches"). */
	const recordMismatch = (invoice, body) => {
		if (!body || typeof body !== 'object' || Array.isArray(body)) {
			throw new BooksError(400, 'invalid_body', 'Send { payment, reasons } as a JSON object');
		}
		const outcome = applyReport(invoice, body.payment, body.reasons ?? []);
		return new Answer(outcome.created ? 201 : 200, answerOf(outcome));
	};

	/** @type {Array<[method: string, path: RegExp, answer: (match: string[], body: any, query: URLSearchParams) => unknown]>} */
	const routes = [
		['GET', /^\/customers$/, () => data.customers],
		[
			'GET',
			/^\/customers\/([^/]+)$/,
			(m) => {
				const customer = data.customers.find((c) => c.id === m[1]);
				if (!customer) throw new BooksError(404, 'not_found', `No customer ${m[1]}`);
				return customer;
			},
		],
		[
			'PATCH',
			/^\/customers\/([^/]+)$/,
			(m, body) => {
				const customer = data.customers.find((c) => c.id === m[1]);
				if (!customer) throw new BooksError(404, 'not_found', `No customer ${m[1]}`);
				const value = body && body.stripeCustomerId;
				if (
					body === null ||
					typeof body !== 'object' ||
					Object.keys(body).some((k) => k !== 'stripeCustomerId') ||
					(value !== null && typeof value !== 'string')
				) {
					throw new BooksError(
						400,
						'invalid_body',
						'Only { stripeCustomerId: "cus_..." | null } can be changed',
					);
				}
				customer.stripeCustomerId = value;
				return customer;
			},
		],
		[
			'GET',
			/^\/invoices$/,
			(m, body, query) => {
				// a comma-separated filter, or null when absent or empty
				const oneOf = (name) => {
					const values = query.get(name);
					return values ? values.split(',') : null;
				};
				const statuses = oneOf('status');
				const paymentStatuses = oneOf('paymentStatus');
				const customerId = query.get('customerId');
				const recurring = query.get('recurring');
				if (recurring !== null && recurring !== 'true' && recurring !== 'false') {
					throw new BooksError(400, 'invalid_query', 'recurring is true or false');
				}
				return data.invoices.filter(
					(invoice) =>
						(!statuses || statuses.includes(invoice.status)) &&
						(!paymentStatuses || paymentStatuses.includes(invoice.paymentStatus)) &&
						(!customerId || invoice.customerId === customerId) &&
						(recurring === null ||
							(invoice.recurringInvoiceId !== null) === (recurring === 'true')),
				);
			},
		],
		['GET', /^\/invoices\/([^/]+)$/, (m) => findInvoice(m[1])],
		[
			'GET',
			/^\/invoices\/([^/]+)\/payments$/,
			(m) => {
				findInvoice(m[1]);
				return data.payments.filter((p) => p.invoiceId === m[1]);
			},
		],
		[
			'POST',
			/^\/invoices\/([^/]+)\/payments$/,
			(m, body) => recordPayment(findInvoice(m[1]), body),
		],
		[
			'GET',
			/^\/invoices\/([^/]+)\/payment-mismatches$/,
			(m) => {
				findInvoice(m[1]);
				return data.mismatches.filter((p) => p.invoiceId === m[1]);
			},
		],
		[
			'POST',
			/^\/invoices\/([^/]+)\/payment-mismatches$/,
			(m, body) => recordMismatch(findInvoice(m[1]), body),
		],
		[
			'PUT',
			/^\/invoices\/([^/]+)\/collection$/,
			// The invoice's collection state, set by the daily auto-pay's end action "mark in the
			// books" when its retry schedule ends unpaid (docs/recovery.md, "End actions"); the
			// contract is ours: a state and what the caller says of it, set again idempotently.
			(m, body) => {
				const invoice = findInvoice(m[1]);
				if (
					body === null ||
					typeof body !== 'object' ||
					typeof body.state !== 'string' ||
					body.state === ''
				) {
					throw new BooksError(
						400,
						'invalid_body',
						'A collection state { state: "..." } is required',
					);
				}
				invoice.collection = { ...body, updatedAt: new Date().toISOString() };
				return invoice;
			},
		],
		['GET', /^\/payments$/, () => data.payments],
		['GET', /^\/payment-mismatches$/, () => data.mismatches],
		[
			'GET',
			/^\/callers\/([^/]+)$/,
			(m) => {
				const found = data.callers.find((candidate) => candidate.id === m[1]);
				if (!found) throw new BooksError(404, 'not_found', `No caller ${m[1]}`);
				return found;
			},
		],
		['POST', /^\/_reset$/, (m, body) => reset(body ?? {})],
	];

	const route = (method, pathname, body, query) => {
		let pathMatched = false;
		for (const [routeMethod, pattern, handler] of routes) {
			const match = pattern.exec(pathname);
			if (!match) continue;
			pathMatched = true;
			if (routeMethod !== method) continue;
			const result = handler(
				match.map((part, i) => (i === 0 ? part : decodeURIComponent(part))),
				body,
				query,
			);
			return result instanceof Answer ? result : new Answer(200, result);
		}
		if (pathMatched)
			throw new BooksError(405, 'method_not_allowed', `${method} is not allowed on ${pathname}`);
		throw new BooksError(404, 'not_found', `No route ${method} ${pathname}`);
	};

	return { route, reset, state: () => JSON.parse(JSON.stringify(data)) };
}

function tokenMatches(header, token) {
	const expected = Buffer.from(`Bearer ${token}`);
	const given = Buffer.from(header || '');
	return given.length === expected.length && timingSafeEqual(given, expected);
}

function readJson(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				reject(new BooksError(413, 'too_large', 'Body too large'));
				req.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			if (text.trim() === '') return resolve(undefined);
			try {
				resolve(JSON.parse(text));
			} catch {
				reject(new BooksError(400, 'invalid_json', 'The body is not valid JSON'));
			}
		});
		req.on('error', reject);
	});
}

function send(res, status, body) {
	const text = JSON.stringify(body, null, 2);
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'content-length': Buffer.byteLength(text),
	});
	res.end(text);
}

/**
 * @param {object} [options]
 * @param {number} [options.port] 0: any free port
 * @param {string} [options.host]
 * @param {string | null} [options.token] the bearer token every route but /health wants (null: none)
 * @param {'demo' | 'empty' | object | null} [options.seed]
 * @param {string} [options.timeZone]
 * @param {string | null} [options.today] YYYY-MM-DD (null: today in `timeZone`)
 */
async function startBooksApi({
	port = 0,
	host = '127.0.0.1',
	token = null,
	seed = 'demo',
	timeZone = 'UTC',
	today = null,
} = {}) {
	const books = createBooks({ seed, timeZone, today });
	const sockets = new Set();
	const server = http.createServer(async (req, res) => {
		try {
			const url = new URL(/** @type {string} */ (req.url), 'http://books');
			if (url.pathname === '/health' && req.method === 'GET') return send(res, 200, { ok: true });
			if (token && !tokenMatches(req.headers.authorization, token)) {
				res.setHeader('www-authenticate', 'Bearer realm="books"');
				throw new BooksError(401, 'unauthorized', 'Send Authorization: Bearer <token>');
			}
			const method = /** @type {string} */ (req.method);
			const body = ['POST', 'PATCH', 'PUT'].includes(method)
				? await readJson(req)
				: (req.resume(), undefined);
			const answer = books.route(
				method,
				url.pathname.replace(/\/+$/, '') || '/',
				body,
				url.searchParams,
			);
			send(res, answer.status, answer.body);
		} catch (error) {
			if (error instanceof BooksError)
				return send(res, error.status, { error: { code: error.code, message: error.message } });
			send(res, 500, { error: { code: 'internal', message: String(error && error.message) } });
		}
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await /** @type {Promise<void>} */ (
		new Promise((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, host, () => {
				server.off('error', reject);
				resolve();
			});
		})
	);
	const boundPort = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
	return {
		port: boundPort,
		url: `http://${host}:${boundPort}`,
		reset: (options) => books.reset(options),
		state: () => books.state(),
		close: () =>
			/** @type {Promise<void>} */ (
				new Promise((resolve) => {
					for (const socket of sockets) socket.destroy();
					server.close(() => resolve());
				})
			),
	};
}

module.exports = { startBooksApi, todayIn, addDays };

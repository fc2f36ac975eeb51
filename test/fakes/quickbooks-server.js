'use strict';
// @ts-check
/**
 * A local QuickBooks Online Accounting API (v3) for tests: one or more companies (realms) in
 * memory, on 127.0.0.1, answering as Intuit documents. Only what the books adapter
 * (workflows/books-quickbooks.json) needs is modelled: customers, invoices, payments linked to
 * invoices, sales receipts (the processing fee as its own income), the query endpoint, and the
 * documented errors, throttles and request ids.
 *
 *   const { startQuickBooksServer } = require('./quickbooks-server');
 *   const qbo = await startQuickBooksServer({
 *     realmId: '9341452000000001',   // the company id in every path
 *     accessTokens: ['qbo_test_token'], refreshTokens: ['qbo_test_refresh'],
 *     seed: 'demo',                  // 'demo' (the demo books in QuickBooks' shapes), 'empty', or
 *                                    //   { Customer, Invoice, Payment, Item, Account } as given
 *     today: '2026-03-10', timeZone: 'UTC',   // dates of the demo seed
 *     limits: 'documented',          // Intuit's throttles (below), or null: none, or
 *                                    //   { perMinute, perSecond, concurrent } (0 = off)
 *     latencyMs: 0,                  // processing time of each /v3 request (lets requests overlap)
 *   });
 *   qbo.url / qbo.baseUrl            // 'http://127.0.0.1:<port>', '<url>/v3/company/<realmId>'
 *   qbo.company()                    // a copy: { Customer, Invoice, Payment, SalesReceipt, ... }
 *   qbo.requests                     // [{ method, path, query, requestid, minorversion, status }]
 *   qbo.stats                        // { requests, http429, maxInFlight, maxPerMinute, maxPerSecond }
 *   qbo.setLimits(spec); qbo.setLatency(ms); qbo.failNext(n, status) // next n /v3 requests
 *   qbo.revokeAccessToken(token)     // the next request with it gets 401 (n8n then refreshes)
 *   await qbo.reset({ seed, today }); await qbo.close();
 * Over HTTP, for a server in another process: GET /_test/company, GET /_test/requests,
 * GET /_test/stats, POST /_test/reset {seed, today, timeZone}, POST /_test/limits {limits},
 * POST /_test/latency {ms}, POST /_test/fail {count, status}, POST /_test/revoke {token}.
 * Token endpoint (refresh grants, as https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer):
 * POST /oauth2/v1/tokens/bearer.
 * Standalone: `node test/fakes/quickbooks-server.js --port 12113 [--realm-id R] [--access-token T]
 * [--refresh-token R] [--today YYYY-MM-DD] [--time-zone Z] [--no-limits] [--latency ms]` prints
 * the URL and serves until SIGTERM.
 *
 * Sources (Intuit's public developer documentation, read 2026):
 * - Entities and operations: https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice,
 *   .../all-entities/payment, .../all-entities/customer, .../all-entities/salesreceipt. An invoice
 *   carries TotalAmt, Balance, DueDate, TxnDate, DocNumber, CustomerRef, CurrencyRef, EmailStatus,
 *   BillEmail/BillEmailCc, LinkedTxn and RecurDataRef (the recurring template it was made from);
 *   a customer PrimaryEmailAddr, BillAddr, PrimaryPhone, CurrencyRef; a payment TotalAmt,
 *   CustomerRef and Line[].LinkedTxn[{TxnId, TxnType: 'Invoice'}], the amount of a line applied
 *   to that invoice, the rest UnappliedAmt.
 * - Linked transactions: https://developer.intuit.com/app/developer/qbo/docs/workflows/manage-linked-transactions
 *   (a payment applied to an invoice appears in the invoice's LinkedTxn as TxnType Payment).
 * - Queries: https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries
 *   (select * | count(*) from <Entity> where ... AND ...; no OR; ORDERBY; STARTPOSITION is
 *   1-based; MAXRESULTS at most 1000, 100 when absent; the answer's QueryResponse holds the
 *   entities with startPosition and maxResults, or totalCount for count(*); an empty answer is
 *   QueryResponse: {}).
 * - Updates: full and sparse (`"sparse": true`: only the fields sent change) need the entity's
 *   current SyncToken; a stale one is refused with 5010 "Stale Object Error" (optimistic
 *   locking): https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/change-data-capture
 *   and the entity pages' "Full update"/"Sparse update" sections.
 * - Errors: https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes
 *   and .../handling-common-errors: `{ Fault: { Error: [{ Message, Detail, code, element }],
 *   type: 'ValidationFault' }, time }` with HTTP 400 (610 Object Not Found, 2020 Required param
 *   missing, 6000 business validation, 4000 query parse error); 401 when the token is expired or
 *   revoked, its body in the lower-case form Intuit's gateway sends
 *   (`fault.error[0].message` "message=AuthenticationFailed; errorCode=003200; statusCode=401",
 *   type AUTHENTICATION), as the sandbox answers it.
 * - Throttles: https://developer.intuit.com/app/developer/qbo/docs/learn/limits-and-throttles
 *   (500 requests per minute per realm; 10 requests per second per realm and app; HTTP 429 when
 *   throttled, "wait 60 seconds before retrying") and the concurrency limit of
 *   https://developer.intuit.com/hub/blog/2016/08/08/idg-concurrent-api-use-changes-coming-soon
 *   (at most 10 concurrent requests per realm and app, else 429). The 429 body is a Fault of type
 *   ThrottleExceeded, code 3001. A throttled request is not run and takes no slot.
 * - Request ids: https://blogs.intuit.com/2015/04/06/15346/ (`?requestid=` unique per company,
 *   at most 50 characters; a request repeated with a request id already seen is not run again,
 *   the first answer is sent again). The fake keeps them for POSTs (reads change nothing) for
 *   its lifetime, and answers a longer id with a ValidationFault (its own choice: Intuit does not
 *   say what a longer one gets).
 * - JSON only with `Accept: application/json` (QuickBooks answers XML otherwise); the fake
 *   answers 406 instead, so a request that would get XML is caught.
 * - `minorversion` is recorded per request (QuickBooks takes it as a query parameter); the fake
 *   answers the same fields whatever the minor version.
 */
const { setTimeout: sleep } = require('node:timers/promises');
const {
	TokenIssuer,
	bearerOf,
	booksDemoData,
	fromMinor,
	readBody,
	runStandalone,
	send,
	serveFake,
	toMinor,
	windowsOf,
} = require('./accounting-http');

const DOCUMENTED_LIMITS = { perMinute: 500, perSecond: 10, concurrent: 10 };
const NO_LIMITS = { perMinute: 0, perSecond: 0, concurrent: 0 };
const DEFAULT_MAX_RESULTS = 100;
const MAX_RESULTS = 1000;
const MAX_REQUEST_ID = 50;
/** Entities the fake reads by id and queries, by the lower-case name in paths. */
const ENTITIES = {
	customer: 'Customer',
	invoice: 'Invoice',
	payment: 'Payment',
	salesreceipt: 'SalesReceipt',
	item: 'Item',
	account: 'Account',
};
const FEE_ITEM = { Id: '2', Name: 'Card processing fee', Type: 'Service', Active: true };

class QboFault extends Error {
	/**
	 * @param {number} status
	 * @param {string} type ValidationFault, AuthenticationFault, ThrottleExceeded, ...
	 * @param {string} code
	 * @param {string} message
	 * @param {string} [detail]
	 * @param {string} [element]
	 */
	constructor(status, type, code, message, detail = message, element = '') {
		super(message);
		this.status = status;
		this.type = type;
		this.code = code;
		this.detail = detail;
		this.element = element;
	}
}

const now = () => new Date().toISOString();
const validation = (code, message, detail, element) =>
	new QboFault(400, 'ValidationFault', code, message, detail, element);
const notFound = (entity, id) =>
	validation(
		'610',
		'Object Not Found',
		`Object Not Found : Something you're trying to use has been made inactive or is not found: ${entity} ${id}`,
	);
/** 2020: a field QuickBooks requires is not in the request. */
const missing = (element) =>
	validation(
		'2020',
		'Required param missing, need to supply the required value for the API',
		`Required parameter ${element} is missing in the request`,
		element,
	);
/** 6000: the request is well formed but QuickBooks' accounting rules refuse it. */
const businessError = (detail) =>
	validation(
		'6000',
		'A business validation error has occurred while processing your request',
		detail,
	);

function faultBody(fault) {
	return {
		Fault: {
			Error: [
				{ Message: fault.message, Detail: fault.detail, code: fault.code, element: fault.element },
			],
			type: fault.type,
		},
		time: now(),
	};
}

// ---- seeds ----

const numericId = (id) => String(id).replace(/^\D+-?/, '');

/**
 * The demo books (docs/books-api.md "Seed") as a QuickBooks company: ids lose their prefix
 * (cust-1001 -> 1001, inv-2001 -> 2001, rec-301 -> RecurDataRef 301); a customer's accounts
 * address is its PrimaryEmailAddr (where QuickBooks sends invoices) and each invoice's BillEmail,
 * the accounts CC its BillEmailCc; an invoice sent to the provider is EmailStatus EmailSent; a
 * succeeded payment record becomes a Payment linked to its invoice (QuickBooks keeps money, not
 * payment attempts).
 * @param {{ customers?: any[], invoices?: any[], payments?: any[] }} books the books' records
 */
function quickBooksSeedFromBooks({ customers = [], invoices = [], payments = [] }) {
	const stamp = (date) => ({ CreateTime: `${date}T09:00:00-00:00`, LastUpdatedTime: now() });
	const Customer = customers.map((c) => ({
		Id: numericId(c.id),
		SyncToken: '0',
		DisplayName: c.name,
		CompanyName: c.name,
		PrimaryEmailAddr: { Address: c.accountsEmail || c.email },
		PrimaryPhone: c.phone ? { FreeFormNumber: c.phone } : undefined,
		BillAddr: c.address
			? {
					Line1: c.address.line1,
					City: c.address.city,
					PostalCode: c.address.postalCode,
					Country: c.address.country,
				}
			: undefined,
		CurrencyRef: { value: invoices.find((i) => i.customerId === c.id)?.currency ?? 'USD' },
		Active: true,
		Balance: 0,
		MetaData: stamp('2026-01-01'),
	}));
	const customerOf = (id) => customers.find((c) => c.id === id);
	const Invoice = invoices.map((i) => {
		const customer = customerOf(i.customerId);
		const voided = i.status === 'void';
		const total = voided ? 0 : Number(i.total);
		return {
			Id: numericId(i.id),
			SyncToken: '0',
			DocNumber: i.number,
			TxnDate: i.createdAt,
			DueDate: i.dueDate,
			CustomerRef: { value: numericId(i.customerId), name: customer?.name },
			CurrencyRef: { value: i.currency },
			Line: [
				{
					Id: '1',
					LineNum: 1,
					Amount: total,
					Description: `Services ${i.number}`,
					DetailType: 'SalesItemLineDetail',
					SalesItemLineDetail: { ItemRef: { value: '1', name: 'Services' } },
				},
			],
			TotalAmt: total,
			Balance: voided ? 0 : Number(i.balance),
			EmailStatus: i.sentToProvider === false ? 'NotSet' : 'EmailSent',
			BillEmail: { Address: customer?.accountsEmail || customer?.email },
			...(customer?.accountsCcEmail ? { BillEmailCc: { Address: customer.accountsCcEmail } } : {}),
			...(i.recurringInvoiceId ? { RecurDataRef: { value: numericId(i.recurringInvoiceId) } } : {}),
			...(voided ? { PrivateNote: 'Voided' } : {}),
			LinkedTxn: [],
			MetaData: stamp(i.createdAt),
		};
	});
	const Payment = [];
	for (const record of payments.filter((p) => p.status === 'succeeded')) {
		const invoice = Invoice.find((i) => i.Id === numericId(record.invoiceId));
		if (!invoice) continue;
		const Id = String(5000 + Payment.length + 1);
		const amount = Number(record.amount.amount);
		Payment.push({
			Id,
			SyncToken: '0',
			TxnDate: String(record.recordedAt).slice(0, 10),
			CustomerRef: invoice.CustomerRef,
			CurrencyRef: invoice.CurrencyRef,
			TotalAmt: amount,
			UnappliedAmt: 0,
			PrivateNote: record.paymentId,
			Line: [{ Amount: amount, LinkedTxn: [{ TxnId: invoice.Id, TxnType: 'Invoice' }] }],
			MetaData: stamp(String(record.recordedAt).slice(0, 10)),
		});
		invoice.LinkedTxn.push({ TxnId: Id, TxnType: 'Payment' });
	}
	return { Customer, Invoice, Payment };
}

async function loadSeed(seed, { today, timeZone }) {
	const base = {
		Customer: [],
		Invoice: [],
		Payment: [],
		SalesReceipt: [],
		Item: [{ Id: '1', Name: 'Services', Type: 'Service', Active: true }, FEE_ITEM],
		Account: [
			{ Id: '35', Name: 'Checking', AccountType: 'Bank', Active: true },
			{ Id: '4', Name: 'Undeposited Funds', AccountType: 'Other Current Asset', Active: true },
		],
	};
	if (seed === 'empty') return base;
	if (seed === undefined || seed === null || seed === 'demo') {
		return { ...base, ...quickBooksSeedFromBooks(await booksDemoData({ today, timeZone })) };
	}
	return { ...base, ...JSON.parse(JSON.stringify(seed)) };
}

// ---- the query language (data-queries page) ----

const QUERY =
	/^\s*select\s+(\*|count\(\*\))\s+from\s+(\w+)(?:\s+where\s+(.+?))?(?:\s+orderby\s+(\w+(?:\.\w+)?)(?:\s+(asc|desc))?)?(?:\s+startposition\s+(\d+))?(?:\s+maxresults\s+(\d+))?\s*$/i;
const CONDITION = /^\s*([\w.]+)\s*(=|<>|!=|<=|>=|<|>|\s+in\s+|\s+like\s+)\s*(.+?)\s*$/i;

function parseValue(text) {
	const quoted = /^'((?:[^'\\]|\\.)*)'$/.exec(text.trim());
	if (quoted) return quoted[1].replace(/\\'/g, "'");
	if (/^-?\d+(\.\d+)?$/.test(text.trim())) return text.trim();
	if (/^(true|false)$/i.test(text.trim())) return text.trim().toLowerCase();
	throw validation('4000', 'Error parsing query', `QueryParserError: Invalid value ${text}`);
}

/** A field's value for comparison: references compare by their value, as QuickBooks does. */
function fieldOf(entity, path) {
	let value = entity;
	for (const part of path.split('.')) value = value == null ? undefined : value[part];
	if (value && typeof value === 'object' && 'value' in value) return value.value;
	return value;
}

function compare(actual, op, expected) {
	if (actual === undefined || actual === null) return op === '<>' || op === '!=';
	const numeric = typeof actual === 'number' || /^-?\d+(\.\d+)?$/.test(String(actual));
	const a = numeric ? Number(actual) : String(actual);
	const b = numeric ? Number(expected) : String(expected);
	switch (op) {
		case '=':
			return a === b;
		case '<>':
		case '!=':
			return a !== b;
		case '<':
			return a < b;
		case '>':
			return a > b;
		case '<=':
			return a <= b;
		case '>=':
			return a >= b;
		default:
			return false;
	}
}

function runQuery(company, text) {
	const match = QUERY.exec(text || '');
	if (!match) {
		throw validation(
			'4000',
			'Error parsing query',
			`QueryParserError: Encountered an error near ${text}`,
		);
	}
	const [, what, entityName, where, orderBy, direction, start, max] = match;
	const name = Object.values(ENTITIES).find((e) => e.toLowerCase() === entityName.toLowerCase());
	if (!name) {
		throw validation('4001', 'Invalid query', `QueryValidationError: Unknown entity ${entityName}`);
	}
	if (where && /\s+or\s+/i.test(where)) {
		throw validation('4000', 'Error parsing query', 'QueryParserError: OR is not supported');
	}
	const conditions = (where ? where.split(/\s+and\s+/i) : []).map((clause) => {
		const parts = CONDITION.exec(clause);
		if (!parts) throw validation('4000', 'Error parsing query', `QueryParserError: ${clause}`);
		const op = parts[2].trim().toLowerCase();
		const list = op === 'in' ? /^\((.*)\)$/.exec(parts[3].trim()) : null;
		if (op === 'in' && !list)
			throw validation('4000', 'Error parsing query', `QueryParserError: ${clause}`);
		return {
			field: parts[1],
			op,
			value: list ? list[1].split(',').map(parseValue) : parseValue(parts[3]),
		};
	});
	const matches = (entity) =>
		conditions.every(({ field, op, value }) => {
			const actual = fieldOf(entity, field);
			if (op === 'in') return value.some((v) => compare(actual, '=', v));
			if (op === 'like') {
				const pattern = new RegExp(
					`^${String(value)
						.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
						.replace(/%/g, '.*')}$`,
					'i',
				);
				return pattern.test(String(actual ?? ''));
			}
			return compare(actual, op, value);
		});
	let rows = company[name].filter(matches);
	if (what.toLowerCase() === 'count(*)')
		return { QueryResponse: { totalCount: rows.length }, time: now() };
	const key = orderBy || 'Id';
	const sign = direction && direction.toLowerCase() === 'desc' ? -1 : 1;
	rows = [...rows].sort((x, y) => {
		const a = fieldOf(x, key);
		const b = fieldOf(y, key);
		const numeric = /^-?\d+(\.\d+)?$/.test(String(a)) && /^-?\d+(\.\d+)?$/.test(String(b));
		return sign * (numeric ? Number(a) - Number(b) : String(a).localeCompare(String(b)));
	});
	const startPosition = start ? Number(start) : 1;
	const maxResults = max ? Number(max) : DEFAULT_MAX_RESULTS;
	if (startPosition < 1 || maxResults < 1 || maxResults > MAX_RESULTS) {
		throw validation(
			'4001',
			'Invalid query',
			`QueryValidationError: STARTPOSITION is from 1 and MAXRESULTS from 1 to ${MAX_RESULTS}`,
		);
	}
	const page = rows.slice(startPosition - 1, startPosition - 1 + maxResults);
	if (page.length === 0) return { QueryResponse: {}, time: now() };
	return { QueryResponse: { [name]: page, startPosition, maxResults: page.length }, time: now() };
}

// ---- writes ----

function nextId(company) {
	company.lastId = (company.lastId ?? 9000) + 1;
	return String(company.lastId);
}

function touch(entity) {
	entity.SyncToken = String(Number(entity.SyncToken) + 1);
	entity.MetaData = { ...entity.MetaData, LastUpdatedTime: now() };
}

function findOr610(company, name, id) {
	const found = company[name].find((e) => e.Id === String(id));
	if (!found) throw notFound(name, id);
	return found;
}

/** A current SyncToken, or 5010 (optimistic locking: someone changed the entity since it was read). */
function checkSyncToken(entity, body, name) {
	if (body.SyncToken === undefined) {
		throw missing('SyncToken');
	}
	if (String(body.SyncToken) !== entity.SyncToken) {
		throw validation(
			'5010',
			'Stale Object Error',
			`Stale Object Error : You and ${name} ${entity.Id} were working on this at the same time. SyncToken ${body.SyncToken} is not the current ${entity.SyncToken}.`,
		);
	}
}

/** Applies (sign 1) or takes back (sign -1) a payment's lines on its invoices' balances. */
function applyLines(company, payment, sign) {
	for (const line of payment.Line ?? []) {
		for (const link of line.LinkedTxn ?? []) {
			if (link.TxnType !== 'Invoice') continue;
			const invoice = findOr610(company, 'Invoice', link.TxnId);
			const currency = invoice.CurrencyRef.value;
			const balance = toMinor(invoice.Balance, currency) - sign * toMinor(line.Amount, currency);
			invoice.Balance = fromMinor(balance, currency);
			invoice.LinkedTxn = (invoice.LinkedTxn ?? []).filter(
				(l) => !(l.TxnType === 'Payment' && l.TxnId === payment.Id),
			);
			if (sign > 0) invoice.LinkedTxn.push({ TxnId: payment.Id, TxnType: 'Payment' });
			touch(invoice);
		}
	}
}

/**
 * What QuickBooks refuses of a payment: no customer or amount (2020); a line linked to an invoice
 * it does not hold (610), of another customer, for more than the invoice's balance, or lines over
 * the payment's total (6000, a business validation error).
 */
function checkPayment(company, payment) {
	if (!payment.CustomerRef || !payment.CustomerRef.value) {
		throw missing('CustomerRef');
	}
	if (typeof payment.TotalAmt !== 'number' || !(payment.TotalAmt >= 0)) {
		throw missing('TotalAmt');
	}
	const customer = findOr610(company, 'Customer', payment.CustomerRef.value);
	const currency = payment.CurrencyRef?.value ?? customer.CurrencyRef?.value ?? 'USD';
	let appliedMinor = 0;
	for (const line of payment.Line ?? []) {
		if (typeof line.Amount !== 'number' || line.Amount < 0) {
			throw missing('Line.Amount');
		}
		for (const link of line.LinkedTxn ?? []) {
			if (link.TxnType !== 'Invoice') continue;
			const invoice = findOr610(company, 'Invoice', link.TxnId);
			if (invoice.CustomerRef.value !== customer.Id) {
				throw businessError(
					`Business Validation Error: Invoice ${invoice.DocNumber} is not of customer ${customer.DisplayName}.`,
				);
			}
			if (invoice.CurrencyRef.value !== currency) {
				throw businessError(
					`Business Validation Error: The currency of the payment must be the currency of invoice ${invoice.DocNumber}.`,
				);
			}
			if (toMinor(line.Amount, currency) > toMinor(invoice.Balance, currency)) {
				throw businessError(
					`Business Validation Error: The amount applied to invoice ${invoice.DocNumber} is more than its open balance ${invoice.Balance}.`,
				);
			}
		}
		appliedMinor += toMinor(line.Amount, currency);
	}
	if (appliedMinor > toMinor(payment.TotalAmt, currency)) {
		throw businessError(
			'Business Validation Error: The amounts applied are more than the payment total.',
		);
	}
	return { customer, currency, appliedMinor };
}

function savePayment(company, body, operation) {
	if (operation === 'delete') {
		const payment = findOr610(company, 'Payment', body.Id);
		checkSyncToken(payment, body, 'Payment');
		applyLines(company, payment, -1);
		company.Payment = company.Payment.filter((p) => p !== payment);
		return { Payment: { Id: payment.Id, status: 'Deleted', domain: 'QBO' }, time: now() };
	}
	if (body.Id === undefined) {
		const payment = { ...body, Id: nextId(company), SyncToken: '0' };
		const { customer, currency, appliedMinor } = checkPayment(company, payment);
		Object.assign(payment, {
			CustomerRef: { value: customer.Id, name: customer.DisplayName },
			CurrencyRef: { value: currency },
			TxnDate: body.TxnDate ?? now().slice(0, 10),
			UnappliedAmt: fromMinor(toMinor(payment.TotalAmt, currency) - appliedMinor, currency),
			domain: 'QBO',
			sparse: false,
			MetaData: { CreateTime: now(), LastUpdatedTime: now() },
		});
		company.Payment.push(payment);
		applyLines(company, payment, 1);
		return { Payment: payment, time: now() };
	}
	const payment = findOr610(company, 'Payment', body.Id);
	checkSyncToken(payment, body, 'Payment');
	const next = body.sparse ? { ...payment, ...body } : { ...body, MetaData: payment.MetaData };
	delete next.sparse;
	applyLines(company, payment, -1);
	try {
		const { currency, appliedMinor } = checkPayment(company, next);
		next.UnappliedAmt = fromMinor(toMinor(next.TotalAmt, currency) - appliedMinor, currency);
	} catch (error) {
		applyLines(company, payment, 1);
		throw error;
	}
	for (const key of Object.keys(payment)) delete payment[key];
	Object.assign(payment, next, { Id: String(body.Id), SyncToken: String(body.SyncToken) });
	touch(payment);
	applyLines(company, payment, 1);
	return { Payment: payment, time: now() };
}

/** A sales receipt: money received at once for items (the processing fee as its own income). */
function createSalesReceipt(company, body) {
	if (!body.CustomerRef || !body.CustomerRef.value) {
		throw missing('CustomerRef');
	}
	const customer = findOr610(company, 'Customer', body.CustomerRef.value);
	if (!Array.isArray(body.Line) || body.Line.length === 0) {
		throw missing('Line');
	}
	const currency = body.CurrencyRef?.value ?? customer.CurrencyRef?.value ?? 'USD';
	let totalMinor = 0;
	for (const line of body.Line) {
		if (line.DetailType !== 'SalesItemLineDetail' || !line.SalesItemLineDetail?.ItemRef?.value) {
			throw missing('Line.SalesItemLineDetail.ItemRef');
		}
		findOr610(company, 'Item', line.SalesItemLineDetail.ItemRef.value);
		totalMinor += toMinor(line.Amount, currency);
	}
	if (body.DepositToAccountRef) findOr610(company, 'Account', body.DepositToAccountRef.value);
	const receipt = {
		...body,
		Id: nextId(company),
		SyncToken: '0',
		CustomerRef: { value: customer.Id, name: customer.DisplayName },
		CurrencyRef: { value: currency },
		TxnDate: body.TxnDate ?? now().slice(0, 10),
		TotalAmt: fromMinor(totalMinor, currency),
		Balance: 0,
		domain: 'QBO',
		MetaData: { CreateTime: now(), LastUpdatedTime: now() },
	};
	company.SalesReceipt.push(receipt);
	return { SalesReceipt: receipt, time: now() };
}

/**
 * A full or sparse update of a customer or an invoice. Money fields of an invoice follow its
 * lines (TotalAmt is their sum; Balance what of it is not paid), as QuickBooks computes them.
 */
function updateEntity(company, name, body) {
	if (body.Id === undefined) {
		throw missing('Id');
	}
	const entity = findOr610(company, name, body.Id);
	checkSyncToken(entity, body, name);
	const { sparse, ...fields } = body;
	const next = sparse ? { ...entity, ...fields } : { ...fields, MetaData: entity.MetaData };
	if (name === 'Invoice') {
		const currency = entity.CurrencyRef.value;
		const paidMinor = toMinor(entity.TotalAmt, currency) - toMinor(entity.Balance, currency);
		const totalMinor = (next.Line ?? [])
			.filter((line) => line.DetailType !== 'SubTotalLineDetail')
			.reduce((sum, line) => sum + toMinor(line.Amount, currency), 0);
		if (totalMinor < paidMinor) {
			throw businessError(
				`Business Validation Error: Invoice ${entity.DocNumber} would total less than is paid of it.`,
			);
		}
		Object.assign(next, {
			TotalAmt: fromMinor(totalMinor, currency),
			Balance: fromMinor(totalMinor - paidMinor, currency),
			LinkedTxn: entity.LinkedTxn,
			CurrencyRef: entity.CurrencyRef,
		});
	}
	for (const key of Object.keys(entity)) delete entity[key];
	Object.assign(entity, next, { Id: String(body.Id), SyncToken: String(body.SyncToken) });
	touch(entity);
	return { [name]: entity, time: now() };
}

// ---- the server ----

function limitsFrom(spec) {
	if (spec === null || spec === undefined || spec === 'none') return { ...NO_LIMITS };
	if (spec === 'documented') return { ...DOCUMENTED_LIMITS };
	return { ...NO_LIMITS, ...spec };
}

/**
 * @param {object} [options]
 * @param {string} [options.realmId]
 * @param {string[]} [options.accessTokens]
 * @param {string[]} [options.refreshTokens]
 * @param {'demo' | 'empty' | object} [options.seed]
 * @param {string | null} [options.today]
 * @param {string} [options.timeZone]
 * @param {'documented' | null | {perMinute?: number, perSecond?: number, concurrent?: number}} [options.limits]
 * @param {number} [options.latencyMs]
 * @param {number} [options.port]
 * @param {string} [options.host]
 */
async function startQuickBooksServer({
	realmId = '9341452000000001',
	accessTokens = ['qbo_test_token'],
	refreshTokens = ['qbo_test_refresh'],
	seed = 'demo',
	today = null,
	timeZone = 'UTC',
	limits = 'documented',
	latencyMs = 0,
	port = 0,
	host = '127.0.0.1',
} = {}) {
	const tokens = new Set(accessTokens);
	const issuer = new TokenIssuer(tokens, refreshTokens, 'qbo');
	let dates = { today, timeZone };
	let company = await loadSeed(seed, dates);
	let currentLimits = limitsFrom(limits);
	let latency = latencyMs;
	let failures = { count: 0, status: 500 };
	/** requestid -> the first answer (or the promise of it while the first request runs) */
	const answered = new Map();
	const realms = new Map();
	const requests = [];
	const stats = { requests: 0, http429: 0, maxInFlight: 0, maxPerMinute: 0, maxPerSecond: 0 };

	/** Intuit's throttles, per realm: 429 ThrottleExceeded for a request over any of them. */
	const admit = (realm) => {
		const t = Date.now();
		const scope = windowsOf(realms, realm, { minute: 60_000, second: 1000 });
		const { minute, second } = scope.windows;
		const over =
			(currentLimits.concurrent > 0 && scope.inFlight >= currentLimits.concurrent) ||
			(currentLimits.perMinute > 0 && minute.count(t) >= currentLimits.perMinute) ||
			(currentLimits.perSecond > 0 && second.count(t) >= currentLimits.perSecond);
		if (over) return null;
		minute.take(t);
		second.take(t);
		scope.inFlight++;
		stats.maxInFlight = Math.max(stats.maxInFlight, scope.inFlight);
		stats.maxPerMinute = Math.max(stats.maxPerMinute, minute.count(t));
		stats.maxPerSecond = Math.max(stats.maxPerSecond, second.count(t));
		return () => {
			scope.inFlight--;
		};
	};

	const route = (method, rest, query, raw) => {
		const parts = rest.split('/').filter(Boolean);
		const entity = ENTITIES[parts[0]?.toLowerCase()];
		if (parts[0] === 'query' && (method === 'GET' || method === 'POST')) {
			return runQuery(company, method === 'GET' ? query.get('query') : raw);
		}
		if (method === 'GET' && entity && parts.length === 2) {
			return { [entity]: findOr610(company, entity, parts[1]), time: now() };
		}
		if (method === 'POST' && parts.length === 1) {
			let body;
			try {
				body = JSON.parse(raw || 'null');
			} catch {
				throw validation('2500', 'Invalid Request', 'Request has invalid or unsupported JSON');
			}
			if (!body || typeof body !== 'object') {
				throw validation('2500', 'Invalid Request', 'Request has invalid or unsupported JSON');
			}
			if (entity === 'Payment') return savePayment(company, body, query.get('operation'));
			if (entity === 'SalesReceipt' && body.Id === undefined)
				return createSalesReceipt(company, body);
			if (entity === 'Customer' || entity === 'Invoice') return updateEntity(company, entity, body);
		}
		return null;
	};

	const handleApi = async (req, res, url, realm, rest) => {
		const requestId = url.searchParams.get('requestid');
		const record = {
			method: req.method,
			path: url.pathname,
			query: url.searchParams.get('query'),
			requestid: requestId,
			minorversion: url.searchParams.get('minorversion'),
			status: 0,
		};
		requests.push(record);
		stats.requests++;
		const answer = (status, body) => {
			record.status = status;
			send(res, status, body);
		};
		const token = bearerOf(req);
		if (!tokens.has(token)) {
			// As Intuit's gateway answers an expired or revoked token.
			record.status = 401;
			return send(
				res,
				401,
				{
					warnings: null,
					intuitObject: null,
					fault: {
						error: [
							{
								message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401',
								detail: 'Token expired or invalid',
								code: '3200',
								element: null,
							},
						],
						type: 'AUTHENTICATION',
					},
					time: Date.now(),
				},
				{ 'www-authenticate': 'Bearer realm="Intuit", error="invalid_token"' },
			);
		}
		if (realm !== realmId) {
			return answer(
				403,
				faultBody(
					new QboFault(
						403,
						'AuthorizationFault',
						'3100',
						'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403',
						`The app is not connected to company ${realm}`,
					),
				),
			);
		}
		if (!String(req.headers.accept || '').includes('application/json')) {
			return answer(
				406,
				faultBody(
					validation(
						'406',
						'Not Acceptable',
						'Send Accept: application/json (QuickBooks answers XML otherwise)',
					),
				),
			);
		}
		const release = admit(realm);
		if (!release) {
			stats.http429++;
			req.resume();
			return answer(
				429,
				faultBody(
					new QboFault(
						429,
						'ThrottleExceeded',
						'3001',
						'message=ThrottleExceeded; errorCode=003001; statusCode=429',
						'The request limit was reached. Wait 60 seconds before retrying.',
					),
				),
			);
		}
		try {
			const raw = req.method === 'POST' ? await readBody(req) : (req.resume(), '');
			if (latency > 0) await sleep(latency);
			if (failures.count > 0) {
				failures.count--;
				return answer(
					failures.status,
					faultBody(
						new QboFault(
							failures.status,
							'SystemFault',
							'10000',
							'An application error has occurred while processing your request',
							'System Failure Error: the fake was told to fail this request',
						),
					),
				);
			}
			if (req.method === 'POST' && requestId) {
				if (requestId.length > MAX_REQUEST_ID) {
					throw validation(
						'2500',
						'Invalid Request',
						`requestid is at most ${MAX_REQUEST_ID} characters`,
					);
				}
				const key = `${realm}:${requestId}`;
				if (answered.has(key)) {
					const first = await answered.get(key);
					return answer(first.status, first.body);
				}
				const run = (async () => {
					try {
						const body = route(req.method, rest, url.searchParams, raw);
						return body ? { status: 200, body } : { status: 404, body: notFoundRoute(req, url) };
					} catch (error) {
						if (error instanceof QboFault) return { status: error.status, body: faultBody(error) };
						throw error;
					}
				})();
				answered.set(key, run);
				const first = await run;
				return answer(first.status, first.body);
			}
			const body = route(req.method, rest, url.searchParams, raw);
			if (!body) return answer(404, notFoundRoute(req, url));
			return answer(200, body);
		} finally {
			release();
		}
	};

	const notFoundRoute = (req, url) =>
		faultBody(validation('404', 'Not Found', `No resource ${req.method} ${url.pathname}`));

	const resetTo = async (next = {}) => {
		dates = { today: next.today ?? dates.today, timeZone: next.timeZone ?? dates.timeZone };
		company = await loadSeed(next.seed === undefined ? seed : next.seed, dates);
		answered.clear();
		realms.clear();
		requests.length = 0;
		return { Customer: company.Customer.length, Invoice: company.Invoice.length };
	};

	const testRoutes = {
		'GET /_test/company': () => JSON.parse(JSON.stringify(company)),
		'GET /_test/requests': () => requests,
		'GET /_test/stats': () => stats,
		'POST /_test/reset': (body) => resetTo(body),
		'POST /_test/limits': (body) => {
			currentLimits = limitsFrom(body.limits);
			realms.clear();
			return currentLimits;
		},
		'POST /_test/latency': (body) => {
			latency = Number(body.ms) || 0;
			return { ms: latency };
		},
		'POST /_test/fail': (body) => {
			failures = { count: Number(body.count) || 0, status: Number(body.status) || 500 };
			return failures;
		},
		'POST /_test/revoke': (body) => ({ revoked: tokens.delete(String(body.token)) }),
	};

	const server = await serveFake({
		apiPath: new RegExp(`^/v3/company/([^/]+/.*)$`),
		handleApi: (req, res, url, rest) => {
			const [, realm, path] = /** @type {RegExpExecArray} */ (/^([^/]+)\/(.*)$/.exec(rest));
			return handleApi(req, res, url, realm, path);
		},
		tokenPath: '/oauth2/v1/tokens/bearer',
		issuer,
		testRoutes,
		errorAnswer: (error) =>
			error instanceof QboFault
				? { status: error.status, body: faultBody(error) }
				: {
						status: 500,
						body: faultBody(new QboFault(500, 'SystemFault', '10000', String(error))),
					},
		port,
		host,
	});

	return {
		url: server.url,
		port: server.port,
		realmId,
		baseUrl: `${server.url}/v3/company/${realmId}`,
		requests,
		stats,
		company: () => JSON.parse(JSON.stringify(company)),
		reset: resetTo,
		setLimits: (spec) => {
			currentLimits = limitsFrom(spec);
			realms.clear();
		},
		setLatency: (ms) => {
			latency = ms;
		},
		failNext: (count, status = 500) => {
			failures = { count, status };
		},
		revokeAccessToken: (token) => tokens.delete(token),
		tokenGrants: () => issuer.grants,
		close: server.close,
	};
}

if (require.main === module) runStandalone(startQuickBooksServer, { '--realm-id': 'realmId' });

module.exports = {
	startQuickBooksServer,
	quickBooksSeedFromBooks,
	DOCUMENTED_LIMITS,
	FEE_ITEM,
};

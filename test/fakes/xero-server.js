'use strict';
// @ts-check
/**
 * A local Xero Accounting API (api.xro/2.0) for tests: organisations (tenants) in memory, on
 * 127.0.0.1, answering as Xero documents. Only what the books adapter
 * (workflows/books-xero.json) needs is modelled: contacts, sales invoices (ACCREC), payments
 * against invoices, receive-money bank transactions (the processing fee as its own income), the
 * `where`/`Statuses`/`page` reads, and the documented errors, rate limits and idempotency keys.
 *
 *   const { startXeroServer } = require('./xero-server');
 *   const xero = await startXeroServer({
 *     tenantId: '...',                  // the Xero-tenant-id every request names
 *     accessTokens: ['xero_test_token'], refreshTokens: ['xero_test_refresh'],
 *     seed: 'demo',                     // 'demo' (the demo books in Xero's shapes), 'empty', or
 *                                       //   { Contacts, Invoices, Payments, Accounts } as given
 *     today: '2026-03-10', timeZone: 'UTC',
 *     limits: 'documented',             // Xero's limits (below), null: none, or
 *                                       //   { concurrent, perMinute, perDay, appPerMinute } (0 = off)
 *     latencyMs: 0,
 *   });
 *   xero.url / xero.baseUrl           // 'http://127.0.0.1:<port>', '<url>/api.xro/2.0'
 *   xero.organisation()               // a copy: { Contacts, Invoices, Payments, BankTransactions, Accounts }
 *   xero.requests                     // [{ method, path, query, idempotencyKey, tenantId, status }]
 *   xero.stats                        // { requests, http429, byProblem, maxInFlight, maxPerMinute }
 *   xero.setLimits(spec); xero.setLatency(ms); xero.revokeAccessToken(token)
 *   await xero.reset({ seed, today }); await xero.close();
 * Over HTTP: GET /_test/organisation, GET /_test/requests, GET /_test/stats,
 * POST /_test/reset {seed, today, timeZone}, POST /_test/limits {limits}, POST /_test/latency {ms},
 * POST /_test/revoke {token}. Token endpoint (refresh grants, as
 * https://identity.xero.com/connect/token): POST /connect/token.
 * Standalone: `node test/fakes/xero-server.js --port 12114 [--tenant-id T] [--access-token T]
 * [--refresh-token R] [--today YYYY-MM-DD] [--time-zone Z] [--no-limits] [--latency ms]` prints
 * the URL and serves until SIGTERM.
 *
 * Sources (Xero's public developer documentation and its OpenAPI description, read 2026):
 * - Shapes of Invoices, Contacts, ContactPersons, Payments, BankTransactions, Accounts, the
 *   `pagination` block and the error body: Xero's OpenAPI description of the Accounting API,
 *   https://github.com/XeroAPI/Xero-OpenAPI (xero_accounting.yaml), and
 *   https://developer.xero.com/documentation/api/accounting/invoices, .../payments,
 *   .../contacts, .../banktransactions. An ACCREC invoice carries Status (DRAFT, SUBMITTED,
 *   AUTHORISED, PAID, VOIDED), Total, AmountDue, AmountPaid, DueDate, CurrencyCode,
 *   RepeatingInvoiceID (the repeating invoice it was made from), SentToContact and its Payments;
 *   a contact EmailAddress and ContactPersons [{ FirstName, LastName, EmailAddress,
 *   IncludeInEmails }]; a payment Invoice {InvoiceID | InvoiceNumber}, Account {Code | AccountID},
 *   Date, Amount (at most the amount outstanding), Reference. Dates are answered in Xero's
 *   `/Date(ms+0000)/` form with `DateString`/`DueDateString`.
 * - Reads: GET /Invoices with `where` (Type=="ACCREC" && Status=="AUTHORISED", Guid("..."),
 *   DateTime(y,m,d); AND/&& and OR/||), `Statuses`, `IDs`, `InvoiceNumbers`, `ContactIDs`, `page`
 *   ("up to 100 invoices will be returned in a single API call"; `pageSize` otherwise, capped
 *   at 1000 by the fake) and `order`; without `page`, every invoice, without line items.
 * - Headers: `xero-tenant-id` is required on every call (the spec's requiredHeader); JSON only
 *   with `Accept: application/json` (Xero answers XML otherwise: the fake answers 406 instead).
 * - Errors: https://developer.xero.com/documentation/api/http-response-codes: 400 with
 *   `{ ErrorNumber: 10, Type: 'ValidationException', Message: 'A validation exception occurred',
 *   Elements: [{ ...the element, ValidationErrors: [{ Message }] }] }`; with
 *   `summarizeErrors=false` a PUT answers 200 and marks the failed elements; 401 invalid
 *   credentials (the body Xero's OAuth 2.0 gateway sends: `{ Title: 'Unauthorized', Status: 401,
 *   Detail: 'AuthenticationUnsuccessful' }`); 403 for a tenant the token may not reach; 404 for
 *   an unknown resource.
 * - Rate limits: https://developer.xero.com/documentation/guides/oauth2/limits/ and
 *   https://developer.xero.com/faq/limits: per tenant 5 calls in progress at once, 60 calls per
 *   minute, 5,000 per day; 10,000 per minute per app across tenants; every answer carries
 *   X-DayLimit-Remaining, X-MinLimit-Remaining and X-AppMinLimit-Remaining; over a limit, 429
 *   with X-Rate-Limit-Problem (minute, day, concurrent, appminute) and, for the minute and day
 *   limits, Retry-After in seconds. The fake counts a rolling minute and a rolling day; a
 *   refused call is not run and takes no slot.
 * - Idempotency: the spec's `Idempotency-Key` header on PUT/POST ("safely retry requests without
 *   the risk of duplicate processing. 128 character max"), see
 *   https://developer.xero.com/documentation/guides/idempotent-requests/idempotency. A key seen
 *   before (per tenant) gets the first answer again without running; the fake keeps keys for its
 *   lifetime (Xero keeps them for a short while only: a retry days later is not covered) and
 *   refuses a longer key with a ValidationException.
 */
const { createHash } = require('node:crypto');
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

const DOCUMENTED_LIMITS = { concurrent: 5, perMinute: 60, perDay: 5000, appPerMinute: 10000 };
const NO_LIMITS = { concurrent: 0, perMinute: 0, perDay: 0, appPerMinute: 0 };
const PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
const MAX_IDEMPOTENCY_KEY = 128;
const DAY_MS = 24 * 3600 * 1000;
const BANK_ACCOUNT = { AccountID: '', Code: '090', Name: 'Business Bank Account', Type: 'BANK' };

/** A 400 ValidationException: `elements` are the refused elements, each with its messages. */
class XeroValidation extends Error {
	constructor(messages, element = {}) {
		super(messages.join('; '));
		this.messages = messages;
		this.element = element;
	}
}
class XeroNotFound extends Error {}

const validationBody = (elements) => ({
	ErrorNumber: 10,
	Type: 'ValidationException',
	Message: 'A validation exception occurred',
	Elements: elements,
});

/** A stable Xero-style id (a GUID) from a name, so the demo ids are the same every run. */
function guidOf(name) {
	const hex = createHash('sha1').update(String(name)).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const msDate = (isoDate) => `/Date(${Date.parse(`${isoDate}T00:00:00Z`)}+0000)/`;
const dateFields = (isoDate, prefix = '') => ({
	[`${prefix}Date`]: msDate(isoDate),
	[`${prefix}DateString`]: `${isoDate}T00:00:00`,
});
const updatedNow = () => {
	const t = Date.now();
	return {
		UpdatedDateUTC: `/Date(${t}+0000)/`,
		UpdatedDateUTCString: new Date(t).toISOString().slice(0, 19),
	};
};

// ---- seeds ----

/**
 * The demo books (docs/books-api.md "Seed") as a Xero organisation: ids become GUIDs made from
 * the books ids (guidOf('inv-2001')); open invoices are AUTHORISED, paid ones PAID, void ones
 * VOIDED; a customer's accounts address is the contact's EmailAddress (where Xero sends
 * invoices) and its accounts CC a contact person included in emails; an invoice never sent to
 * the provider is SentToContact false; a succeeded payment record becomes a Payment (Reference:
 * its paymentId) to the bank account 090.
 */
function xeroSeedFromBooks({ customers = [], invoices = [], payments = [] }) {
	const Contacts = customers.map((c) => ({
		ContactID: guidOf(c.id),
		ContactStatus: 'ACTIVE',
		Name: c.name,
		EmailAddress: c.accountsEmail || c.email,
		ContactPersons: c.accountsCcEmail
			? [
					{
						FirstName: 'Accounts',
						LastName: 'CC',
						EmailAddress: c.accountsCcEmail,
						IncludeInEmails: true,
					},
				]
			: [],
		Addresses: c.address
			? [
					{
						AddressType: 'POBOX',
						AddressLine1: c.address.line1,
						City: c.address.city,
						PostalCode: c.address.postalCode,
						Country: c.address.country,
					},
				]
			: [],
		Phones: c.phone ? [{ PhoneType: 'DEFAULT', PhoneNumber: c.phone }] : [],
		DefaultCurrency: invoices.find((i) => i.customerId === c.id)?.currency,
		IsCustomer: true,
		...updatedNow(),
	}));
	const contactOf = (id) => Contacts[customers.findIndex((c) => c.id === id)];
	const Invoices = invoices.map((i) => {
		const contact = contactOf(i.customerId);
		const status = i.status === 'void' ? 'VOIDED' : i.status === 'paid' ? 'PAID' : 'AUTHORISED';
		const total = Number(i.total);
		const due = status === 'VOIDED' ? 0 : Number(i.balance);
		return {
			Type: 'ACCREC',
			InvoiceID: guidOf(i.id),
			InvoiceNumber: i.number,
			Reference: '',
			Contact: { ContactID: contact.ContactID, Name: contact.Name },
			...dateFields(i.createdAt),
			...dateFields(i.dueDate, 'Due'),
			Status: status,
			LineAmountTypes: 'NoTax',
			LineItems: [
				{
					LineItemID: guidOf(`${i.id}-line`),
					Description: `Services ${i.number}`,
					Quantity: 1,
					UnitAmount: total,
					LineAmount: total,
					AccountCode: '200',
				},
			],
			SubTotal: total,
			TotalTax: 0,
			Total: total,
			AmountDue: due,
			AmountPaid:
				status === 'VOIDED'
					? 0
					: fromMinor(toMinor(total, i.currency) - toMinor(due, i.currency), i.currency),
			AmountCredited: 0,
			CurrencyCode: i.currency,
			SentToContact: i.sentToProvider !== false,
			...(i.recurringInvoiceId ? { RepeatingInvoiceID: guidOf(i.recurringInvoiceId) } : {}),
			Payments: [],
			HasErrors: false,
			...updatedNow(),
		};
	});
	const Payments = [];
	for (const record of payments.filter((p) => p.status === 'succeeded')) {
		const invoice = Invoices.find((i) => i.InvoiceID === guidOf(record.invoiceId));
		if (!invoice) continue;
		const day = String(record.recordedAt).slice(0, 10);
		const payment = {
			PaymentID: guidOf(`payment-${record.paymentId}`),
			...dateFields(day),
			Amount: Number(record.amount.amount),
			Reference: record.paymentId,
			Status: 'AUTHORISED',
			PaymentType: 'ACCRECPAYMENT',
			Account: { ...BANK_ACCOUNT, AccountID: guidOf('account-090') },
			Invoice: {
				InvoiceID: invoice.InvoiceID,
				InvoiceNumber: invoice.InvoiceNumber,
				Type: 'ACCREC',
			},
			...updatedNow(),
		};
		Payments.push(payment);
		invoice.Payments.push({
			PaymentID: payment.PaymentID,
			Date: payment.Date,
			Amount: payment.Amount,
		});
	}
	return { Contacts, Invoices, Payments };
}

const DEMO_ACCOUNTS = [
	{ ...BANK_ACCOUNT, AccountID: guidOf('account-090') },
	{ AccountID: guidOf('account-200'), Code: '200', Name: 'Sales', Type: 'REVENUE' },
	{ AccountID: guidOf('account-260'), Code: '260', Name: 'Other Revenue', Type: 'REVENUE' },
	{
		AccountID: guidOf('account-270'),
		Code: '270',
		Name: 'Card processing fees received',
		Type: 'REVENUE',
	},
];

async function loadSeed(seed, { today, timeZone }) {
	const base = {
		Contacts: [],
		Invoices: [],
		Payments: [],
		BankTransactions: [],
		Accounts: DEMO_ACCOUNTS.map((a) => ({ ...a })),
	};
	if (seed === 'empty') return base;
	if (seed === undefined || seed === null || seed === 'demo') {
		return { ...base, ...xeroSeedFromBooks(await booksDemoData({ today, timeZone })) };
	}
	return { ...base, ...JSON.parse(JSON.stringify(seed)) };
}

// ---- the `where` filter ----

const CLAUSE = /^\s*([\w.]+)\s*(==|!=|>=|<=|>|<)\s*(.+?)\s*$/;

function literal(text) {
	const s = text.trim();
	let m = /^"(.*)"$/.exec(s);
	if (m) return m[1];
	m = /^guid\("([^"]+)"\)$/i.exec(s);
	if (m) return m[1].toLowerCase();
	m = /^datetime\((\d{4}),\s*(\d{1,2}),\s*(\d{1,2})\)$/i.exec(s);
	if (m) return `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
	if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
	if (/^(true|false)$/i.test(s)) return s.toLowerCase() === 'true';
	throw new XeroValidation([`The where filter has a value Xero cannot read: ${s}`]);
}

/** A field for comparison; dates compare as YYYY-MM-DD (their DateString). */
function fieldOf(entity, path) {
	if (path === 'Date' || path === 'DueDate')
		return String(entity[`${path}String`] ?? '').slice(0, 10) || undefined;
	let value = entity;
	for (const part of path.split('.')) value = value == null ? undefined : value[part];
	return typeof value === 'string' && /^[0-9a-f-]{36}$/i.test(value) ? value.toLowerCase() : value;
}

function whereFilter(where) {
	if (!where) return () => true;
	const alternatives = where.split(/\s+OR\s+|\|\|/i).map((part) =>
		part.split(/\s+AND\s+|&&/i).map((clause) => {
			const m = CLAUSE.exec(clause);
			if (!m) throw new XeroValidation([`The where filter cannot be read near: ${clause.trim()}`]);
			return { path: m[1], op: m[2], value: literal(m[3]) };
		}),
	);
	return (entity) =>
		alternatives.some((clauses) =>
			clauses.every(({ path, op, value }) => {
				const actual = fieldOf(entity, path);
				switch (op) {
					case '==':
						return actual === value;
					case '!=':
						return actual !== value;
					case '>':
						return actual > value;
					case '<':
						return actual < value;
					case '>=':
						return actual >= value;
					default:
						return actual <= value;
				}
			}),
		);
}

const listParam = (query, name) =>
	query.get(name)
		? String(query.get(name))
				.split(',')
				.map((s) => s.trim().replace(/^"|"$/g, ''))
				.filter(Boolean)
		: null;

/** `page` and `pageSize` over a filtered list; every row without `page`. */
function paged(rows, query, key) {
	if (!query.get('page')) return { [key]: rows };
	const page = Number(query.get('page'));
	const pageSize = query.get('pageSize') ? Number(query.get('pageSize')) : PAGE_SIZE;
	if (
		!Number.isInteger(page) ||
		page < 1 ||
		!Number.isInteger(pageSize) ||
		pageSize < 1 ||
		pageSize > MAX_PAGE_SIZE
	) {
		throw new XeroValidation([`page is from 1 and pageSize from 1 to ${MAX_PAGE_SIZE}`]);
	}
	return {
		pagination: {
			page,
			pageSize,
			pageCount: Math.ceil(rows.length / pageSize),
			itemCount: rows.length,
		},
		[key]: rows.slice((page - 1) * pageSize, page * pageSize),
	};
}

function orderBy(rows, order) {
	if (!order) return rows;
	const [field, direction] = order.trim().split(/\s+/);
	const sign = direction && direction.toUpperCase() === 'DESC' ? -1 : 1;
	return [...rows].sort((a, b) => {
		const x = fieldOf(a, field);
		const y = fieldOf(b, field);
		return sign * (x < y ? -1 : x > y ? 1 : 0);
	});
}

// ---- writes ----

function findInvoice(org, ref) {
	const id = String(ref?.InvoiceID ?? '').toLowerCase();
	return org.Invoices.find(
		(i) =>
			(id && i.InvoiceID === id) || (ref?.InvoiceNumber && i.InvoiceNumber === ref.InvoiceNumber),
	);
}

function findAccount(org, ref) {
	return org.Accounts.find(
		(a) =>
			(ref?.Code && a.Code === String(ref.Code)) ||
			(ref?.AccountID && a.AccountID === String(ref.AccountID).toLowerCase()),
	);
}

/** One payment against an invoice, or the messages Xero refuses it with. */
function createPayment(org, input) {
	const errors = [];
	const invoice = findInvoice(org, input.Invoice);
	const account = findAccount(org, input.Account);
	if (!invoice) errors.push('Invoice could not be found');
	if (!account) errors.push('Account could not be found');
	else if (account.Type !== 'BANK' && !account.EnablePaymentsToAccount) {
		errors.push(
			`Payments can only be made to bank accounts or accounts with payments enabled: ${account.Code}`,
		);
	}
	const amount = Number(input.Amount);
	if (!(amount > 0)) errors.push('Payment amount must be greater than zero');
	if (!/^\d{4}-\d{2}-\d{2}/.test(String(input.Date ?? '')))
		errors.push('A valid payment date is required');
	if (invoice && invoice.Status !== 'AUTHORISED') {
		errors.push('Payments can only be made against Authorised documents');
	} else if (
		invoice &&
		toMinor(amount, invoice.CurrencyCode) > toMinor(invoice.AmountDue, invoice.CurrencyCode)
	) {
		errors.push('Payment amount exceeds the amount outstanding on this document');
	}
	if (errors.length) throw new XeroValidation(errors, input);
	if (!invoice || !account) throw new XeroValidation(['unreachable'], input);
	const currency = invoice.CurrencyCode;
	const dueMinor = toMinor(invoice.AmountDue, currency) - toMinor(amount, currency);
	invoice.AmountDue = fromMinor(dueMinor, currency);
	invoice.AmountPaid = fromMinor(
		toMinor(invoice.AmountPaid, currency) + toMinor(amount, currency),
		currency,
	);
	if (dueMinor === 0) invoice.Status = 'PAID';
	const payment = {
		PaymentID: guidOf(`payment-${org.Payments.length}-${Date.now()}-${Math.random()}`),
		...dateFields(String(input.Date).slice(0, 10)),
		Amount: amount,
		BankAmount: amount,
		CurrencyRate: 1,
		Reference: input.Reference ?? '',
		Status: 'AUTHORISED',
		PaymentType: 'ACCRECPAYMENT',
		IsReconciled: false,
		HasAccount: true,
		Account: { AccountID: account.AccountID, Code: account.Code, Name: account.Name },
		Invoice: {
			Type: invoice.Type,
			InvoiceID: invoice.InvoiceID,
			InvoiceNumber: invoice.InvoiceNumber,
			Contact: invoice.Contact,
			AmountDue: invoice.AmountDue,
			AmountPaid: invoice.AmountPaid,
			Status: invoice.Status,
			CurrencyCode: currency,
		},
		HasValidationErrors: false,
		...updatedNow(),
	};
	org.Payments.push(payment);
	invoice.Payments.push({
		PaymentID: payment.PaymentID,
		Date: payment.Date,
		Amount: amount,
		Reference: payment.Reference,
	});
	Object.assign(invoice, updatedNow());
	return payment;
}

/** Deleting a payment (POST /Payments/{id} with Status DELETED) reopens what it paid. */
function deletePayment(org, paymentId, body) {
	const payment = org.Payments.find((p) => p.PaymentID === paymentId.toLowerCase());
	if (!payment) throw new XeroNotFound();
	if (body.Status !== 'DELETED')
		throw new XeroValidation(['Only the Status DELETED may be set on a payment'], body);
	if (payment.Status === 'DELETED')
		throw new XeroValidation(['The payment has been deleted already'], body);
	const invoice = findInvoice(org, payment.Invoice);
	payment.Status = 'DELETED';
	Object.assign(payment, updatedNow());
	if (invoice) {
		const currency = invoice.CurrencyCode;
		invoice.AmountDue = fromMinor(
			toMinor(invoice.AmountDue, currency) + toMinor(payment.Amount, currency),
			currency,
		);
		invoice.AmountPaid = fromMinor(
			toMinor(invoice.AmountPaid, currency) - toMinor(payment.Amount, currency),
			currency,
		);
		invoice.Payments = invoice.Payments.filter((p) => p.PaymentID !== payment.PaymentID);
		if (invoice.Status === 'PAID') invoice.Status = 'AUTHORISED';
	}
	return payment;
}

/** Money received that no invoice asked for: a RECEIVE bank transaction (the fee's income). */
function createBankTransaction(org, input) {
	const errors = [];
	const contactId = String(input.Contact?.ContactID ?? '').toLowerCase();
	const contact = org.Contacts.find((c) => c.ContactID === contactId);
	const bank = findAccount(org, input.BankAccount);
	if (input.Type !== 'RECEIVE' && input.Type !== 'SPEND')
		errors.push('Type must be RECEIVE or SPEND');
	if (!contact) errors.push('A contact must be specified for this type of transaction');
	if (!bank || bank.Type !== 'BANK') errors.push('The BankAccount must be a bank account');
	const lines = Array.isArray(input.LineItems) ? input.LineItems : [];
	if (lines.length === 0) errors.push('At least one line item is required');
	for (const line of lines) {
		if (!findAccount(org, { Code: line.AccountCode }))
			errors.push(`Account code '${line.AccountCode}' is not a valid code for this document.`);
	}
	if (errors.length) throw new XeroValidation(errors, input);
	const currency = input.CurrencyCode ?? contact?.DefaultCurrency ?? 'USD';
	const totalMinor = lines.reduce(
		(sum, line) => sum + toMinor(Number(line.UnitAmount) * Number(line.Quantity ?? 1), currency),
		0,
	);
	const transaction = {
		...input,
		BankTransactionID: guidOf(`bank-${org.BankTransactions.length}-${Date.now()}-${Math.random()}`),
		Contact: { ContactID: contact?.ContactID, Name: contact?.Name },
		BankAccount: { AccountID: bank?.AccountID, Code: bank?.Code, Name: bank?.Name },
		...dateFields(String(input.Date ?? new Date().toISOString()).slice(0, 10)),
		CurrencyCode: currency,
		SubTotal: fromMinor(totalMinor, currency),
		TotalTax: 0,
		Total: fromMinor(totalMinor, currency),
		Status: 'AUTHORISED',
		IsReconciled: false,
		...updatedNow(),
	};
	org.BankTransactions.push(transaction);
	return transaction;
}

/** PUT/POST of a list: all or nothing, or with summarizeErrors=false each element on its own. */
function createAll(org, items, create, key, summarize) {
	if (!summarize) {
		return {
			[key]: items.map((item) => {
				try {
					return create(org, item);
				} catch (error) {
					if (!(error instanceof XeroValidation)) throw error;
					return {
						...item,
						StatusAttributeString: 'ERROR',
						HasValidationErrors: true,
						ValidationErrors: error.messages.map((Message) => ({ Message })),
					};
				}
			}),
		};
	}
	const snapshot = JSON.stringify(org);
	const created = [];
	try {
		for (const item of items) created.push(create(org, item));
	} catch (error) {
		Object.assign(org, JSON.parse(snapshot));
		throw error;
	}
	return { [key]: created };
}

// ---- the server ----

function limitsFrom(spec) {
	if (spec === null || spec === undefined || spec === 'none') return { ...NO_LIMITS };
	if (spec === 'documented') return { ...DOCUMENTED_LIMITS };
	return { ...NO_LIMITS, ...spec };
}

/**
 * @param {object} [options]
 * @param {string} [options.tenantId]
 * @param {string[]} [options.accessTokens]
 * @param {string[]} [options.refreshTokens]
 * @param {'demo' | 'empty' | object} [options.seed]
 * @param {string | null} [options.today]
 * @param {string} [options.timeZone]
 * @param {'documented' | null | {concurrent?: number, perMinute?: number, perDay?: number, appPerMinute?: number}} [options.limits]
 * @param {number} [options.latencyMs]
 * @param {number} [options.port]
 * @param {string} [options.host]
 */
async function startXeroServer({
	tenantId = guidOf('tenant-demo'),
	accessTokens = ['xero_test_token'],
	refreshTokens = ['xero_test_refresh'],
	seed = 'demo',
	today = null,
	timeZone = 'UTC',
	limits = 'documented',
	latencyMs = 0,
	port = 0,
	host = '127.0.0.1',
} = {}) {
	const tokens = new Set(accessTokens);
	const issuer = new TokenIssuer(tokens, refreshTokens, 'xero');
	let dates = { today, timeZone };
	let org = await loadSeed(seed, dates);
	let currentLimits = limitsFrom(limits);
	let latency = latencyMs;
	/** `<tenant> <Idempotency-Key>` -> the first answer (a promise while it runs) */
	const answered = new Map();
	const scopes = new Map();
	const requests = [];
	const stats = { requests: 0, http429: 0, byProblem: {}, maxInFlight: 0, maxPerMinute: 0 };

	const remaining = (scope, app, t) => ({
		'x-daylimit-remaining': String(
			Math.max(0, (currentLimits.perDay || DOCUMENTED_LIMITS.perDay) - scope.windows.day.count(t)),
		),
		'x-minlimit-remaining': String(
			Math.max(
				0,
				(currentLimits.perMinute || DOCUMENTED_LIMITS.perMinute) - scope.windows.minute.count(t),
			),
		),
		'x-appminlimit-remaining': String(
			Math.max(
				0,
				(currentLimits.appPerMinute || DOCUMENTED_LIMITS.appPerMinute) -
					app.windows.minute.count(t),
			),
		),
	});

	/** Xero's limits, per tenant and per app: the problem and its headers, or a slot taken. */
	const admit = (tenant) => {
		const t = Date.now();
		const scope = windowsOf(scopes, tenant, { minute: 60_000, day: DAY_MS });
		const app = windowsOf(scopes, '*app*', { minute: 60_000 });
		const { minute, day } = scope.windows;
		const retryAfter = (window) => String(Math.max(1, Math.ceil(window.waitMs(t) / 1000)));
		let problem = null;
		if (currentLimits.concurrent > 0 && scope.inFlight >= currentLimits.concurrent)
			problem = { name: 'concurrent' };
		else if (currentLimits.perDay > 0 && day.count(t) >= currentLimits.perDay)
			problem = { name: 'day', retry: retryAfter(day) };
		else if (currentLimits.perMinute > 0 && minute.count(t) >= currentLimits.perMinute)
			problem = { name: 'minute', retry: retryAfter(minute) };
		else if (
			currentLimits.appPerMinute > 0 &&
			app.windows.minute.count(t) >= currentLimits.appPerMinute
		)
			problem = { name: 'appminute', retry: retryAfter(app.windows.minute) };
		if (problem) {
			return {
				problem: problem.name,
				headers: {
					...remaining(scope, app, t),
					'x-rate-limit-problem': problem.name,
					...(problem.retry ? { 'retry-after': problem.retry } : {}),
				},
			};
		}
		minute.take(t);
		day.take(t);
		app.windows.minute.take(t);
		scope.inFlight++;
		stats.maxInFlight = Math.max(stats.maxInFlight, scope.inFlight);
		stats.maxPerMinute = Math.max(stats.maxPerMinute, minute.count(t));
		return {
			headers: remaining(scope, app, t),
			release: () => {
				scope.inFlight--;
			},
		};
	};

	const route = (method, parts, query, raw) => {
		const [resource, id] = parts;
		const body = method === 'GET' ? null : parseJson(raw);
		if (resource === 'Invoices' && method === 'GET') {
			if (id) {
				const invoice = findInvoice(
					org,
					/^[0-9a-f-]{36}$/i.test(id) ? { InvoiceID: id } : { InvoiceNumber: id },
				);
				if (!invoice) throw new XeroNotFound();
				return { Invoices: [invoice] };
			}
			const ids = listParam(query, 'IDs')?.map((s) => s.toLowerCase());
			const numbers = listParam(query, 'InvoiceNumbers');
			const contacts = listParam(query, 'ContactIDs')?.map((s) => s.toLowerCase());
			const statuses = listParam(query, 'Statuses');
			const where = whereFilter(query.get('where'));
			const rows = org.Invoices.filter(
				(i) =>
					(!ids || ids.includes(i.InvoiceID)) &&
					(!numbers || numbers.includes(i.InvoiceNumber)) &&
					(!contacts || contacts.includes(i.Contact.ContactID)) &&
					(!statuses || statuses.includes(i.Status)) &&
					where(i),
			);
			const answer = paged(orderBy(rows, query.get('order')), query, 'Invoices');
			// Without `page` Xero leaves the line items out of a list.
			if (!query.get('page'))
				answer.Invoices = answer.Invoices.map(({ LineItems, ...rest }) => rest);
			return answer;
		}
		if (resource === 'Contacts' && method === 'GET') {
			if (id) {
				const contact = org.Contacts.find((c) => c.ContactID === id.toLowerCase());
				if (!contact) throw new XeroNotFound();
				return { Contacts: [contact] };
			}
			const ids = listParam(query, 'IDs')?.map((s) => s.toLowerCase());
			const where = whereFilter(query.get('where'));
			const rows = org.Contacts.filter((c) => (!ids || ids.includes(c.ContactID)) && where(c));
			return paged(orderBy(rows, query.get('order')), query, 'Contacts');
		}
		if (resource === 'Payments' && method === 'GET') {
			if (id) {
				const payment = org.Payments.find((p) => p.PaymentID === id.toLowerCase());
				if (!payment) throw new XeroNotFound();
				return { Payments: [payment] };
			}
			const where = whereFilter(query.get('where'));
			return paged(orderBy(org.Payments.filter(where), query.get('order')), query, 'Payments');
		}
		const summarize = query.get('summarizeErrors') !== 'false';
		if (resource === 'Payments' && id && method === 'POST')
			return { Payments: [deletePayment(org, id, body)] };
		if (resource === 'Payments' && (method === 'PUT' || method === 'POST')) {
			const items = Array.isArray(body?.Payments) ? body.Payments : [body];
			return createAll(org, items, createPayment, 'Payments', summarize);
		}
		if (resource === 'BankTransactions' && (method === 'PUT' || method === 'POST') && !id) {
			const items = Array.isArray(body?.BankTransactions) ? body.BankTransactions : [body];
			return createAll(org, items, createBankTransaction, 'BankTransactions', summarize);
		}
		if (resource === 'Accounts' && method === 'GET') return { Accounts: org.Accounts };
		throw new XeroNotFound();
	};

	const parseJson = (raw) => {
		try {
			const value = JSON.parse(raw || 'null');
			if (value && typeof value === 'object') return value;
		} catch {
			// answered below
		}
		throw new XeroValidation(['The request body is not a JSON object']);
	};

	/** An answer of the API: its status and body (what an idempotent replay sends again). */
	const run = (method, parts, query, raw) => {
		try {
			// Every answer in Xero's envelope (the spec's examples: Id, Status, ProviderName, DateTimeUTC).
			const envelope = {
				Id: guidOf(`answer-${Date.now()}-${Math.random()}`),
				Status: 'OK',
				ProviderName: 'Invoice Payments tests',
				DateTimeUTC: `/Date(${Date.now()})/`,
			};
			return { status: 200, body: { ...envelope, ...route(method, parts, query, raw) } };
		} catch (error) {
			if (error instanceof XeroValidation)
				return {
					status: 400,
					body: validationBody([
						{ ...error.element, ValidationErrors: error.messages.map((Message) => ({ Message })) },
					]),
				};
			if (error instanceof XeroNotFound)
				return { status: 404, body: "The resource you're looking for cannot be found" };
			throw error;
		}
	};

	const handleApi = async (req, res, url, rest) => {
		const tenant = String(req.headers['xero-tenant-id'] || '');
		const key = req.headers['idempotency-key'] ? String(req.headers['idempotency-key']) : null;
		const record = {
			method: req.method,
			path: url.pathname,
			query: url.search,
			idempotencyKey: key,
			tenantId: tenant,
			status: 0,
		};
		requests.push(record);
		stats.requests++;
		const answer = (status, body, headers = {}) => {
			record.status = status;
			send(res, status, body, headers);
		};
		if (!tokens.has(bearerOf(req))) {
			req.resume();
			return answer(
				401,
				{
					Type: null,
					Title: 'Unauthorized',
					Status: 401,
					Detail: 'AuthenticationUnsuccessful',
					Instance: guidOf(`401-${Date.now()}`),
					Extensions: {},
				},
				{ 'www-authenticate': 'Bearer error="invalid_token"' },
			);
		}
		if (tenant.toLowerCase() !== tenantId) {
			req.resume();
			return answer(403, {
				Type: null,
				Title: 'Forbidden',
				Status: 403,
				Detail: 'AuthenticationUnsuccessful',
				Instance: guidOf(`403-${Date.now()}`),
				Extensions: {},
			});
		}
		if (!String(req.headers.accept || '').includes('application/json')) {
			req.resume();
			return answer(
				406,
				validationBody([
					{
						ValidationErrors: [
							{ Message: 'Send Accept: application/json (Xero answers XML otherwise)' },
						],
					},
				]),
			);
		}
		const admitted = admit(tenant);
		if (!admitted.release) {
			stats.http429++;
			stats.byProblem[admitted.problem] = (stats.byProblem[admitted.problem] || 0) + 1;
			req.resume();
			return answer(
				429,
				'oauth_problem=rate limit exceeded&oauth_problem_advice=please wait before retrying the xero api',
				admitted.headers,
			);
		}
		try {
			const raw = req.method === 'GET' ? (req.resume(), '') : await readBody(req);
			if (latency > 0) await sleep(latency);
			const parts = rest.split('/').filter(Boolean).map(decodeURIComponent);
			if (key && req.method !== 'GET') {
				if (key.length > MAX_IDEMPOTENCY_KEY) {
					return answer(
						400,
						validationBody([
							{
								ValidationErrors: [
									{ Message: `Idempotency-Key is at most ${MAX_IDEMPOTENCY_KEY} characters` },
								],
							},
						]),
						admitted.headers,
					);
				}
				const scoped = `${tenant} ${key}`;
				if (!answered.has(scoped))
					answered.set(
						scoped,
						Promise.resolve().then(() => run(req.method, parts, url.searchParams, raw)),
					);
				const first = await answered.get(scoped);
				return answer(first.status, first.body, admitted.headers);
			}
			const result = run(req.method, parts, url.searchParams, raw);
			return answer(result.status, result.body, admitted.headers);
		} finally {
			admitted.release();
		}
	};

	const resetTo = async (next = {}) => {
		dates = { today: next.today ?? dates.today, timeZone: next.timeZone ?? dates.timeZone };
		org = await loadSeed(next.seed === undefined ? seed : next.seed, dates);
		answered.clear();
		scopes.clear();
		requests.length = 0;
		return { Contacts: org.Contacts.length, Invoices: org.Invoices.length };
	};
	const setLimits = (spec) => {
		currentLimits = limitsFrom(spec);
		scopes.clear();
		return currentLimits;
	};

	const testRoutes = {
		'GET /_test/organisation': () => JSON.parse(JSON.stringify(org)),
		'GET /_test/requests': () => requests,
		'GET /_test/stats': () => stats,
		'POST /_test/reset': (body) => resetTo(body),
		'POST /_test/limits': (body) => setLimits(body.limits),
		'POST /_test/latency': (body) => {
			latency = Number(body.ms) || 0;
			return { ms: latency };
		},
		'POST /_test/revoke': (body) => ({ revoked: tokens.delete(String(body.token)) }),
	};

	const server = await serveFake({
		apiPath: /^\/api\.xro\/2\.0\/(.*)$/,
		handleApi,
		tokenPath: '/connect/token',
		issuer,
		testRoutes,
		errorAnswer: (error) => ({
			status: 500,
			body: { ErrorNumber: 500, Type: 'InternalServerError', Message: String(error) },
		}),
		port,
		host,
	});

	return {
		url: server.url,
		port: server.port,
		tenantId,
		baseUrl: `${server.url}/api.xro/2.0`,
		requests,
		stats,
		organisation: () => JSON.parse(JSON.stringify(org)),
		reset: resetTo,
		setLimits,
		setLatency: (ms) => {
			latency = ms;
		},
		revokeAccessToken: (token) => tokens.delete(token),
		close: server.close,
	};
}

if (require.main === module) runStandalone(startXeroServer, { '--tenant-id': 'tenantId' });

module.exports = { startXeroServer, xeroSeedFromBooks, guidOf, DOCUMENTED_LIMITS };

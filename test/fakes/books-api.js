'use strict';
// @ts-check
/**
 * The demo "books": a small in-memory REST API holding customers, invoices and the payment
 * records our workflows write back. The contract is docs/books-api.md.
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

const PAYMENT_STATUSES = [
	'succeeded',
	'processing',
	'requires_action',
	'failed',
	'canceled',
	'pending',
	'refunded',
];
// A payment never leaves these: a late, out-of-order webhook must not undo them. Only a refund
// report moves a record between succeeded and refunded (docs/books-api.md "Refunds").
const FINAL_STATUSES = ['succeeded', 'canceled', 'refunded'];
const REFUND_STATUSES = ['succeeded', 'refunded'];
// A payment in these took no money: only whose it is matters (docs/books-api.md "Matching").
const MOVED_NO_MONEY = ['failed', 'canceled'];
const ZERO_DECIMAL = ['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'UGX', 'XAF', 'XOF'];
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

// ---- money as the books show it: decimal strings in the currency's own decimals ----

function decimals(currency) {
	return ZERO_DECIMAL.includes(currency.toUpperCase()) ? 0 : 2;
}

/** A decimal string in the currency's decimals as minor units; validated before. */
function parseMinor(amount, currency) {
	const [whole, fraction = ''] = amount.split('.');
	const places = decimals(currency);
	return Number(whole) * 10 ** places + Number(fraction.padEnd(places, '0').slice(0, places) || 0);
}

function formatAmount(minor, currency) {
	const places = decimals(currency);
	if (places === 0) return String(minor);
	const sign = minor < 0 ? '-' : '';
	const abs = Math.abs(minor);
	return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
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

// ---- payment records ----

/** Minor units given back of a record (0 when it reports no refund). */
function refundedMinor(record, currency) {
	const refunded = record.refund && record.refund.amountRefunded;
	return refunded ? parseMinor(refunded.amount, currency) : 0;
}

/** A succeeded payment part of which went back: it pays the invoice only in part. */
const partlyRefunded = (record, currency) =>
	record.status === 'succeeded' && refundedMinor(record, currency) > 0;

function invoicePaymentStatus(records, currency) {
	const has = (...statuses) => records.some((record) => statuses.includes(record.status));
	if (
		records.some((record) => record.status === 'succeeded' && !partlyRefunded(record, currency))
	) {
		return 'paid';
	}
	if (has('pending', 'processing')) return 'pending';
	if (has('requires_action')) return 'action_required';
	const latest = records.reduce((a, b) => (b.updatedAt >= a.updatedAt ? b : a));
	if (latest.status === 'failed') return 'failed';
	return records.some((record) => partlyRefunded(record, currency)) ? 'partially_paid' : 'unpaid';
}

/**
 * What a refund reopens: the amount refunded when a payment kept part of the invoice (the
 * payment that kept most decides), else the whole total; never more than the total.
 */
function reopenedBalanceMinor(records, invoice) {
	const totalMinor = parseMinor(invoice.total, invoice.currency);
	const partial = records
		.filter((record) => partlyRefunded(record, invoice.currency))
		.map((record) => refundedMinor(record, invoice.currency));
	return partial.length === 0 ? totalMinor : Math.min(totalMinor, ...partial);
}

const isMoney = (value) =>
	Boolean(value) &&
	typeof value === 'object' &&
	typeof value.amount === 'string' &&
	typeof value.currency === 'string' &&
	/^\d+(\.\d+)?$/.test(value.amount);

/** A refund report: the record's `refund` filled, or the status `refunded`. */
const isRefundReport = (body) =>
	body.status === 'refunded' || (body.refund !== null && body.refund !== undefined);

function validatePaymentRecord(body, invoice) {
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		throw new BooksError(400, 'invalid_body', 'Send a payment record as a JSON object');
	}
	if (typeof body.paymentId !== 'string' || body.paymentId.trim() === '') {
		throw new BooksError(400, 'invalid_payment_id', 'paymentId is required');
	}
	if (!PAYMENT_STATUSES.includes(body.status)) {
		throw new BooksError(
			400,
			'invalid_status',
			`status must be one of ${PAYMENT_STATUSES.join(', ')}`,
		);
	}
	const amount = body.amount;
	if (
		!amount ||
		typeof amount !== 'object' ||
		typeof amount.amount !== 'string' ||
		typeof amount.currency !== 'string'
	) {
		throw new BooksError(
			400,
			'invalid_amount',
			'amount must be { amount: "12.50", currency: "usd" }',
		);
	}
	if (!/^\d+(\.\d+)?$/.test(amount.amount)) {
		throw new BooksError(
			400,
			'invalid_amount',
			'amount.amount must be a decimal string such as "12.50"',
		);
	}
	for (const field of ['fee', 'total', 'paymentAmount']) {
		if (body[field] !== undefined && body[field] !== null && !isMoney(body[field])) {
			throw new BooksError(
				400,
				'invalid_amount',
				`${field} must be null or { amount: "12.50", currency: "usd" }`,
			);
		}
	}
	// Another currency than the invoice's is a mismatch, kept (see "Matching"), not bad input.
	const refund = body.refund;
	if (refund !== undefined && refund !== null) {
		const sums = [refund.amountRefunded, refund.amountKept].filter((sum) => sum !== null);
		if (
			typeof refund !== 'object' ||
			!isMoney(refund.amountRefunded) ||
			(refund.amountKept !== null && !isMoney(refund.amountKept)) ||
			sums.some((sum) => sum.currency.toUpperCase() !== amount.currency.toUpperCase())
		) {
			throw new BooksError(
				400,
				'invalid_refund',
				'refund must be null or { amountRefunded: { amount: "12.50", currency }, amountKept: { amount, currency } | null } in the currency of the amount',
			);
		}
	}
	if (body.status === 'refunded' && (refund === undefined || refund === null)) {
		throw new BooksError(
			400,
			'invalid_refund',
			'A refunded payment says what was refunded (refund)',
		);
	}
	if (body.invoiceId !== undefined && body.invoiceId !== invoice.id) {
		throw new BooksError(
			400,
			'invoice_mismatch',
			`The record names invoice ${body.invoiceId}, the URL ${invoice.id}`,
		);
	}
}

// ---- matching: may this record pay this invoice? (docs/books-api.md "Matching") ----

const sameCurrency = (a, b) => a.toUpperCase() === b.toUpperCase();
const totalOf = (record, currency) =>
	record.total
		? parseMinor(record.total.amount, currency)
		: parseMinor(record.amount.amount, currency) +
			(record.fee ? parseMinor(record.fee.amount, currency) : 0);

/**
 * Why a record cannot pay the invoice it is posted to; [] when it can. The books' own check,
 * whatever the caller checked before: the customer, the currency, the lines adding up, and
 * what is owed (the balance, or what the books hold for this payment already).
 */
function mismatchReasons(body, invoice, data) {
	const reasons = [];
	const why = (code, message) => reasons.push({ code, message });
	const currency = invoice.currency;
	const customer = data.customers.find((candidate) => candidate.id === invoice.customerId);
	const booksId = body.customer?.booksId || null;
	const providerId = body.customer?.providerId || null;
	const mapped = customer?.stripeCustomerId || null;
	if (booksId && booksId !== invoice.customerId) {
		why(
			'CUSTOMER_MISMATCH',
			`The payment is of customer ${booksId}; invoice ${invoice.number} is of ${invoice.customerId}`,
		);
	}
	const stripeCustomer = body.provider === 'stripe' && providerId && mapped ? providerId : null;
	if (stripeCustomer && stripeCustomer !== mapped) {
		why(
			'STRIPE_CUSTOMER_MISMATCH',
			`The payment is of Stripe customer ${stripeCustomer}, not ${mapped} of customer ${invoice.customerId}`,
		);
	}
	if (!booksId && !stripeCustomer) {
		why('NO_CUSTOMER', `The payment names no customer the books can check`);
	}
	const sums = [body.amount, body.fee, body.total, body.paymentAmount].filter(Boolean);
	if (sums.some((sum) => !sameCurrency(sum.currency, currency))) {
		why('CURRENCY_MISMATCH', `Invoice ${invoice.number} is in ${currency}`);
		return reasons;
	}
	const amountMinor = parseMinor(body.amount.amount, currency);
	const feeMinor = body.fee ? parseMinor(body.fee.amount, currency) : 0;
	const totalMinor = totalOf(body, currency);
	if (totalMinor !== amountMinor + feeMinor) {
		why('LINES_MISMATCH', 'The total is not the amount plus the fee');
	}
	if (body.paymentAmount) {
		const paidMinor = parseMinor(body.paymentAmount.amount, currency);
		const others = Array.isArray(body.invoiceIds)
			? body.invoiceIds.filter((id) => id !== invoice.id)
			: [];
		// The other invoices' lines of a combined payment arrive one by one: never more in all.
		const heldElsewhere = data.payments
			.filter((p) => p.paymentId === body.paymentId && others.includes(p.invoiceId))
			.reduce((sum, p) => sum + totalOf(p, currency), 0);
		const linesMinor = totalMinor + heldElsewhere;
		if (others.length === 0 ? linesMinor !== paidMinor : linesMinor > paidMinor) {
			why(
				'LINES_MISMATCH',
				`The invoice lines do not add up to the payment's ${formatAmount(paidMinor, currency)}`,
			);
		}
	}
	if (!MOVED_NO_MONEY.includes(body.status)) {
		const held = data.payments.find(
			(p) => p.invoiceId === invoice.id && p.paymentId === body.paymentId,
		);
		const owedMinor = held
			? parseMinor(held.amount.amount, currency)
			: parseMinor(invoice.balance, currency);
		if (amountMinor !== owedMinor) {
			const paid = `${formatAmount(amountMinor, currency)} ${currency}`;
			const owed = `${formatAmount(owedMinor, currency)} ${currency}`;
			if (held) {
				why('AMOUNT_MISMATCH', `The payment reports ${paid}; the books recorded ${owed} for it`);
			} else if (owedMinor === 0) {
				why(
					'ALREADY_PAID',
					`Invoice ${invoice.number} is paid already: ${paid} pays nothing of it`,
				);
			} else {
				why('AMOUNT_MISMATCH', `The payment pays ${paid}; invoice ${invoice.number} owes ${owed}`);
			}
		}
	}
	return reasons;
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

	/**
	 * Stores a report in `list` idempotently by (invoiceId, paymentId) (docs/books-api.md
	 * "Recording payments"): a new record, or the update of the one held.
	 */
	const storeReport = (list, invoice, body, fields = {}) => {
		const now = new Date().toISOString();
		const existing = list.find((p) => p.invoiceId === invoice.id && p.paymentId === body.paymentId);
		const previousStatus = existing ? existing.status : null;
		if (!existing) {
			const record = {
				...body,
				...fields,
				invoiceId: invoice.id,
				recordedAt: now,
				updatedAt: now,
				history: [{ status: body.status, at: now }],
			};
			list.push(record);
			return { record, created: true, previousStatus };
		}
		const history = existing.history ?? [];
		history.push({ status: body.status, at: now });
		const report = isRefundReport(body);
		if (report && REFUND_STATUSES.includes(existing.status)) {
			// What was refunded changes, not what was paid: the payment's fields stay.
			Object.assign(existing, {
				status: body.status,
				refund: body.refund,
				updatedAt: now,
				history,
			});
		} else if (FINAL_STATUSES.includes(existing.status) && body.status !== existing.status) {
			existing.history = history;
		} else {
			// A report without refund news never erases the refund the books know.
			const keep = !report && existing.refund ? { refund: existing.refund } : {};
			Object.assign(existing, body, keep, fields, {
				invoiceId: invoice.id,
				updatedAt: now,
				history,
			});
		}
		return { record: existing, created: false, previousStatus };
	};

	/** Keeps a record that does not match its invoice apart: it counts for nothing. */
	const keepMismatch = (invoice, body, reasons) => {
		const { record, created, previousStatus } = storeReport(data.mismatches, invoice, body, {
			reasons,
		});
		const statusChanged = record.status !== previousStatus;
		return { payment: record, invoice, created, statusChanged, previousStatus };
	};

	const recordPayment = (invoice, body) => {
		validatePaymentRecord(body, invoice);
		const keptAlready = data.mismatches.some(
			(p) => p.invoiceId === invoice.id && p.paymentId === body.paymentId,
		);
		const reasons = [
			...(keptAlready
				? [
						{
							code: 'KEPT_AS_MISMATCH',
							message:
								'The books keep this payment as a mismatch: no report of it pays the invoice',
						},
					]
				: []),
			...mismatchReasons(body, invoice, data),
		];
		if (reasons.length > 0) {
			const kept = keepMismatch(invoice, body, reasons);
			return new Answer(409, {
				error: {
					code: 'payment_mismatch',
					message: `The payment does not match invoice ${invoice.number}: ${reasons.map((r) => r.message).join('; ')}`,
					reasons,
				},
				...kept,
			});
		}
		const { record, created, previousStatus } = storeReport(data.payments, invoice, body);
		const records = data.payments.filter((p) => p.invoiceId === invoice.id);
		invoice.paymentStatus = invoicePaymentStatus(records, invoice.currency);
		if (invoice.paymentStatus === 'paid') {
			invoice.balance = formatAmount(0, invoice.currency);
			invoice.status = 'paid';
		} else if (invoice.status !== 'void' && records.some(isRefundReport)) {
			// A refund reopens what no payment pays any more.
			invoice.balance = formatAmount(reopenedBalanceMinor(records, invoice), invoice.currency);
			invoice.status = 'open';
		}
		// Whoever first records a status learns it here: emails follow only that one answer.
		const statusChanged = record.status !== previousStatus;
		return new Answer(created ? 201 : 200, {
			payment: record,
			invoice,
			created,
			statusChanged,
			previousStatus,
		});
	};

	/** A record the caller found not to match (docs/books-api.md "Payment mismatches"). */
	const recordMismatch = (invoice, body) => {
		if (!body || typeof body !== 'object' || Array.isArray(body)) {
			throw new BooksError(400, 'invalid_body', 'Send { payment, reasons } as a JSON object');
		}
		const reasons = body.reasons;
		if (
			!Array.isArray(reasons) ||
			reasons.length === 0 ||
			reasons.some(
				(reason) =>
					!reason || typeof reason.code !== 'string' || typeof reason.message !== 'string',
			)
		) {
			throw new BooksError(
				400,
				'invalid_reasons',
				'reasons must be a list of { code, message }, at least one',
			);
		}
		validatePaymentRecord(body.payment, invoice);
		const kept = keepMismatch(invoice, body.payment, reasons);
		return new Answer(kept.created ? 201 : 200, kept);
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

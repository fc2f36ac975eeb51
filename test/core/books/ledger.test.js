// @ts-check
import {
	applyPaymentReport,
	applyPaymentReports,
	invoiceFollowingRecords,
	LedgerInputError,
} from '../../../nodes/core/books/ledger';

/** @typedef {import('../../../nodes/core/books/ledger').LedgerInvoice} LedgerInvoice */
/** @typedef {import('../../../nodes/core/books/ledger').StoredRecord} StoredRecord */
/** @typedef {import('../../../nodes/core/books/ledger').LedgerOutcome} LedgerOutcome */

/**
 * The ledger rules, ported from the demo REST books' tests (test/fakes/books-api.test.js): a
 * tiny in-memory books holding invoices, records and mismatches, each report applied with the
 * core rule and its outcome stored, as every adapter does.
 */
function makeBooks() {
	/** @param {string} n @param {string} customerId @param {string} total @param {string} [currency] @returns {LedgerInvoice} */
	const invoice = (n, customerId, total, currency = 'USD') => ({
		id: `inv-${n}`,
		number: `INV-${n}`,
		customerId,
		currency,
		total,
		balance: total,
		status: 'open',
		paymentStatus: 'unpaid',
	});
	/** @type {Record<string, LedgerInvoice>} */
	const invoices = {
		'inv-2001': invoice('2001', 'cust-1001', '250.00'),
		'inv-2002': invoice('2002', 'cust-1001', '99.00'),
		'inv-2007': invoice('2007', 'cust-1004', '15000', 'JPY'),
		'inv-2012': invoice('2012', 'cust-1005', '360.00'),
	};
	/** @type {Record<string, string | null>} */
	const stripeCustomers = { 'cust-1001': null, 'cust-1004': null, 'cust-1005': null };
	/** @type {StoredRecord[]} */
	let payments = [];
	/** @type {StoredRecord[]} */
	let mismatches = [];
	let clock = Date.UTC(2026, 2, 10, 9);
	const now = () => new Date((clock += 1000)).toISOString();

	/**
	 * @param {string} invoiceId
	 * @param {unknown} report
	 * @param {unknown} [reasons]
	 */
	const inputFor = (invoiceId, report, reasons) => {
		const held = invoices[invoiceId];
		const paymentId = /** @type {any} */ (report)?.paymentId;
		return {
			invoice: held,
			payments: payments.filter((p) => p.invoiceId === invoiceId),
			mismatches: mismatches.filter((p) => p.invoiceId === invoiceId),
			stripeCustomerId: stripeCustomers[held.customerId] ?? null,
			samePaymentElsewhere: payments.filter(
				(p) => p.paymentId === paymentId && p.invoiceId !== invoiceId,
			),
			report,
			reasons,
			now: now(),
		};
	};
	/** @param {LedgerOutcome} outcome */
	const commit = (outcome) => {
		const key = (/** @type {StoredRecord} */ p) =>
			p.invoiceId === outcome.record.invoiceId && p.paymentId === outcome.record.paymentId;
		const store = (/** @type {StoredRecord[]} */ list) =>
			list.some(key) ? list.map((p) => (key(p) ? outcome.record : p)) : [...list, outcome.record];
		if (outcome.list === 'payments') payments = store(payments);
		else mismatches = store(mismatches);
		invoices[outcome.invoice.id] = outcome.invoice;
		return outcome;
	};
	return {
		invoices,
		stripeCustomers,
		inputFor,
		payments: () => payments,
		mismatches: () => mismatches,
		/** @param {unknown} report @param {string} [invoiceId] */
		post: (report, invoiceId = 'inv-2001') =>
			commit(applyPaymentReport(inputFor(invoiceId, report))),
		/** @param {unknown} report @param {unknown} reasons @param {string} [invoiceId] */
		keep: (report, reasons, invoiceId = 'inv-2001') =>
			commit(applyPaymentReport(inputFor(invoiceId, report, reasons))),
	};
}

/** A payment of INV-2001 by its customer, Acme (cust-1001). */
const record = (paymentId, status, amount = '250.00', currency = 'usd') => ({
	provider: 'stripe',
	invoiceId: 'inv-2001',
	paymentId,
	status,
	customer: { booksId: 'cust-1001', providerId: null },
	amount: { amount, currency },
	fee: { amount: currency === 'jpy' ? '0' : '0.00', currency },
});
const usd = (amount) => ({ amount, currency: 'usd' });
const codes = (/** @type {LedgerOutcome} */ outcome) => outcome.reasons.map((r) => r.code);
/** @param {() => unknown} run */
const inputCode = (run) => {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(LedgerInputError);
		return /** @type {LedgerInputError} */ (error).code;
	}
	throw new Error('expected a LedgerInputError');
};

describe('recording payments', () => {
	test('one record per paymentId; the invoice moves with its status; a final status stays', () => {
		const books = makeBooks();
		const pending = books.post(record('pi_1', 'processing'));
		expect(pending).toMatchObject({ list: 'payments', created: true, previousStatus: null });
		expect(pending.invoice).toMatchObject({ paymentStatus: 'pending', balance: '250.00' });
		expect(books.post(record('pi_1', 'requires_action')).invoice.paymentStatus).toBe(
			'action_required',
		);
		const paid = books.post(record('pi_1', 'succeeded'));
		expect(paid).toMatchObject({ created: false, statusChanged: true });
		expect(paid.invoice).toMatchObject({ paymentStatus: 'paid', balance: '0.00', status: 'paid' });
		expect(paid.record.history.map((entry) => entry.status)).toEqual([
			'processing',
			'requires_action',
			'succeeded',
		]);
		// a late, out-of-order webhook does not undo a succeeded payment
		const late = books.post(record('pi_1', 'processing'));
		expect(late.record.status).toBe('succeeded');
		expect(late.invoice.paymentStatus).toBe('paid');
		expect(late.record.history).toHaveLength(4);
		expect(books.payments()).toHaveLength(1);
	});

	test('a failed payment marks the invoice failed and leaves the balance; a retry pays it', () => {
		const books = makeBooks();
		expect(books.post(record('pi_2', 'failed')).invoice).toMatchObject({
			paymentStatus: 'failed',
			balance: '250.00',
			status: 'open',
		});
		const retry = books.post(record('pi_3', 'succeeded'));
		expect(retry.created).toBe(true);
		expect(retry.invoice).toMatchObject({ paymentStatus: 'paid', balance: '0.00' });
		expect(books.payments().map((p) => p.status)).toEqual(['failed', 'succeeded']);
	});

	test('a payment in flight still shows pending when another attempt fails', () => {
		const books = makeBooks();
		books.post(record('pi_a', 'processing'));
		expect(books.post(record('pi_b', 'failed')).invoice.paymentStatus).toBe('pending');
	});

	test('zero-decimal balances', () => {
		const books = makeBooks();
		const yen = {
			...record('pi_jpy', 'succeeded', '15000', 'jpy'),
			invoiceId: 'inv-2007',
			customer: { booksId: 'cust-1004', providerId: null },
		};
		expect(books.post(yen, 'inv-2007').invoice).toMatchObject({
			balance: '0',
			paymentStatus: 'paid',
		});
	});

	test('bad records are refused with the REST books error codes and change nothing', () => {
		const books = makeBooks();
		const apply = (report, invoiceId = 'inv-2001') =>
			applyPaymentReport(books.inputFor(invoiceId, report));
		expect(inputCode(() => apply({ ...record('pi_x', 'succeeded'), fee: usd('lots') }))).toBe(
			'invalid_amount',
		);
		expect(inputCode(() => apply(record('pi_x', 'succeeded', '250.001')))).toBe('invalid_amount');
		expect(inputCode(() => apply(record('pi_x', 'done')))).toBe('invalid_status');
		expect(inputCode(() => apply(record('', 'succeeded')))).toBe('invalid_payment_id');
		expect(inputCode(() => apply('a record'))).toBe('invalid_body');
		expect(inputCode(() => apply(record('pi_x', 'succeeded'), 'inv-2002'))).toBe(
			'invoice_mismatch',
		);
		expect(books.invoices['inv-2001'].paymentStatus).toBe('unpaid');
	});

	test('each answer says whether its status is new to the books', () => {
		const books = makeBooks();
		expect(books.post(record('pi_9', 'processing'))).toMatchObject({
			created: true,
			statusChanged: true,
			previousStatus: null,
		});
		expect(books.post(record('pi_9', 'processing'))).toMatchObject({
			created: false,
			statusChanged: false,
			previousStatus: 'processing',
		});
		expect(books.post(record('pi_9', 'succeeded'))).toMatchObject({
			statusChanged: true,
			previousStatus: 'processing',
		});
		const late = books.post(record('pi_9', 'failed'));
		expect(late).toMatchObject({ statusChanged: false, previousStatus: 'succeeded' });
		expect(late.record.status).toBe('succeeded');
	});
});

describe('refunds', () => {
	const refundReport = (
		paymentId,
		refunded,
		kept,
		status = kept === '0.00' ? 'refunded' : 'succeeded',
	) => ({
		...record(paymentId, status),
		kind: 'refund',
		refund: { amountRefunded: usd(refunded), amountKept: kept === null ? null : usd(kept) },
	});

	test('a full refund reopens the invoice with its balance; told again, nothing changes', () => {
		const books = makeBooks();
		books.post({
			...record('pi_r1', 'succeeded'),
			paymentMethod: { id: 'pm_1', label: 'Visa •••• 4242' },
		});
		const refunded = books.post(refundReport('pi_r1', '250.00', '0.00'));
		expect(refunded).toMatchObject({ statusChanged: true, previousStatus: 'succeeded' });
		expect(refunded.invoice).toMatchObject({
			status: 'open',
			paymentStatus: 'unpaid',
			balance: '250.00',
		});
		// what was refunded changes, not what was paid
		expect(refunded.record).toMatchObject({
			status: 'refunded',
			amount: { amount: '250.00' },
			paymentMethod: { label: 'Visa •••• 4242' },
			refund: { amountRefunded: usd('250.00'), amountKept: usd('0.00') },
		});
		expect(refunded.record.kind).toBeUndefined();
		const again = books.post(refundReport('pi_r1', '250.00', '0.00'));
		expect(again).toMatchObject({ created: false, statusChanged: false });
		expect(again.invoice).toMatchObject({ status: 'open', balance: '250.00' });
		// a late success without refund news does not close the invoice again
		const late = books.post(record('pi_r1', 'succeeded'));
		expect(late.record).toMatchObject({
			status: 'refunded',
			refund: { amountRefunded: usd('250.00') },
		});
		expect(late.invoice).toMatchObject({ status: 'open', balance: '250.00' });
		expect(books.payments()).toHaveLength(1);
		expect(books.post(record('pi_r2', 'succeeded')).invoice).toMatchObject({
			status: 'paid',
			paymentStatus: 'paid',
			balance: '0.00',
		});
	});

	test('a partial refund: the balance is the amount refunded, the payment still succeeded', () => {
		const books = makeBooks();
		books.post(record('pi_p1', 'succeeded'));
		const partial = books.post(refundReport('pi_p1', '100.00', '150.00'));
		expect(partial).toMatchObject({ statusChanged: false, previousStatus: 'succeeded' });
		expect(partial.record).toMatchObject({
			status: 'succeeded',
			refund: { amountKept: usd('150.00') },
		});
		expect(partial.invoice).toMatchObject({
			status: 'open',
			paymentStatus: 'partially_paid',
			balance: '100.00',
		});
		expect(books.post(refundReport('pi_p1', '180.00', '70.00')).invoice.balance).toBe('180.00');
		const late = books.post(record('pi_p1', 'succeeded'));
		expect(late.record.refund?.amountRefunded).toEqual(usd('180.00'));
		expect(late.invoice.balance).toBe('180.00');
		const inFlight = books.post(record('pi_p2', 'processing', '180.00'));
		expect(inFlight.invoice).toMatchObject({ paymentStatus: 'pending', balance: '180.00' });
	});

	test('a failed refund (nothing refunded any more) makes the payment count again', () => {
		const books = makeBooks();
		books.post(record('pi_f1', 'succeeded'));
		books.post(refundReport('pi_f1', '250.00', '0.00'));
		const failed = books.post(refundReport('pi_f1', '0.00', '250.00', 'succeeded'));
		expect(failed).toMatchObject({ statusChanged: true, previousStatus: 'refunded' });
		expect(failed.invoice).toMatchObject({
			status: 'paid',
			paymentStatus: 'paid',
			balance: '0.00',
		});
	});

	test('a refund heard of first is recorded; a canceled payment cannot be refunded', () => {
		const books = makeBooks();
		const first = books.post(refundReport('pi_n1', '50.00', null, 'succeeded'));
		expect(first.created).toBe(true);
		expect(first.invoice).toMatchObject({ paymentStatus: 'partially_paid', balance: '50.00' });
		const other = makeBooks();
		other.post(record('pi_c1', 'canceled'));
		expect(other.post(refundReport('pi_c1', '250.00', '0.00')).record.status).toBe('canceled');
	});

	test('a void invoice stays void after a refund', () => {
		const invoice = {
			...makeBooks().invoices['inv-2001'],
			status: 'void',
		};
		const refunded = /** @type {StoredRecord} */ ({
			...record('pi_v', 'refunded'),
			refund: { amountRefunded: usd('250.00'), amountKept: usd('0.00') },
			recordedAt: 'a',
			updatedAt: 'a',
			history: [],
		});
		expect(invoiceFollowingRecords(invoice, [refunded])).toMatchObject({
			status: 'void',
			paymentStatus: 'unpaid',
			balance: '250.00',
		});
	});

	test('bad refunds are refused', () => {
		const books = makeBooks();
		books.post(record('pi_b1', 'succeeded'));
		const cases = [
			{ ...record('pi_b1', 'refunded') },
			{ ...record('pi_b1', 'refunded'), refund: { amountKept: usd('0.00') } },
			{
				...record('pi_b1', 'refunded'),
				refund: { amountRefunded: { amount: '250.00', currency: 'eur' }, amountKept: null },
			},
			{ ...record('pi_b1', 'refunded'), refund: { amountRefunded: usd('2,50'), amountKept: null } },
			{ ...record('pi_b1', 'refunded'), refund: 'all of it' },
		];
		for (const report of cases) {
			expect(inputCode(() => applyPaymentReport(books.inputFor('inv-2001', report)))).toBe(
				'invalid_refund',
			);
		}
	});
});

describe('matching: a record that does not match its invoice is kept apart and pays nothing', () => {
	const unpaid = { status: 'open', paymentStatus: 'unpaid', balance: '250.00' };

	test('a $1 payment naming the invoice is kept as a mismatch; later reports of it stay one', () => {
		const books = makeBooks();
		const cheap = books.post(record('pi_cheap', 'succeeded', '1.00'));
		expect(cheap).toMatchObject({
			list: 'mismatches',
			created: true,
			statusChanged: true,
			invoice: unpaid,
		});
		expect(codes(cheap)).toEqual(['AMOUNT_MISMATCH']);
		expect(cheap.record.reasons).toEqual(cheap.reasons);
		expect(books.payments()).toEqual([]);
		const again = books.post(record('pi_cheap', 'succeeded', '250.00'));
		expect(again).toMatchObject({ list: 'mismatches', created: false, statusChanged: false });
		expect(codes(again)).toEqual(['KEPT_AS_MISMATCH']);
		expect(books.mismatches()).toHaveLength(1);
		expect(books.invoices['inv-2001']).toMatchObject(unpaid);
	});

	test("another customer's payment, or one naming no customer, does not pay the invoice", () => {
		const books = makeBooks();
		expect(
			codes(
				books.post({
					...record('pi_other', 'succeeded'),
					customer: { booksId: 'cust-1002', providerId: 'cus_B' },
				}),
			),
		).toEqual(['CUSTOMER_MISMATCH']);
		expect(codes(books.post({ ...record('pi_nobody', 'succeeded'), customer: null }))).toEqual([
			'NO_CUSTOMER',
		]);
		// no Stripe customer in the books: a Stripe customer alone identifies nobody
		expect(
			codes(
				books.post({
					...record('pi_unmapped', 'succeeded'),
					customer: { booksId: null, providerId: 'cus_A' },
				}),
			),
		).toEqual(['NO_CUSTOMER']);
		books.stripeCustomers['cust-1001'] = 'cus_A';
		expect(
			codes(
				books.post({
					...record('pi_stripe', 'succeeded'),
					customer: { booksId: 'cust-1001', providerId: 'cus_B' },
				}),
			),
		).toEqual(['STRIPE_CUSTOMER_MISMATCH']);
		const mapped = books.post({
			...record('pi_mapped', 'succeeded'),
			customer: { booksId: null, providerId: 'cus_A' },
		});
		expect(mapped.list).toBe('payments');
		expect(mapped.invoice.paymentStatus).toBe('paid');
	});

	test('another currency, or lines not adding up to the payment, are mismatches', () => {
		const books = makeBooks();
		expect(codes(books.post(record('pi_eur', 'succeeded', '250.00', 'eur')))).toEqual([
			'CURRENCY_MISMATCH',
		]);
		expect(
			codes(
				books.post({
					...record('pi_lines', 'succeeded'),
					total: usd('250.00'),
					paymentAmount: usd('1.00'),
					invoiceIds: ['inv-2001'],
				}),
			),
		).toEqual(['LINES_MISMATCH']);
		expect(codes(books.post({ ...record('pi_total', 'succeeded'), total: usd('300.00') }))).toEqual(
			['LINES_MISMATCH'],
		);
		expect(books.invoices['inv-2001']).toMatchObject(unpaid);
	});

	test("a combined payment's lines, recorded one by one, never add up to more than it took", () => {
		const books = makeBooks();
		const line = (invoiceId, customerId, amount) => ({
			...record('pi_both', 'succeeded', amount),
			invoiceId,
			customer: { booksId: customerId, providerId: null },
			total: usd(amount),
			paymentAmount: usd('349.00'),
			invoiceIds: ['inv-2001', 'inv-2002'],
		});
		expect(books.post(line('inv-2001', 'cust-1001', '250.00')).list).toBe('payments');
		expect(books.post(line('inv-2002', 'cust-1001', '99.00'), 'inv-2002').list).toBe('payments');
		const third = books.post(
			{
				...line('inv-2012', 'cust-1005', '360.00'),
				invoiceIds: ['inv-2001', 'inv-2002', 'inv-2012'],
			},
			'inv-2012',
		);
		expect(codes(third)).toEqual(['LINES_MISMATCH']);
	});

	test('a later report of a counted payment matches what was recorded; a second payment of a paid invoice does not', () => {
		const books = makeBooks();
		expect(books.post(record('pi_1', 'succeeded')).list).toBe('payments');
		const later = books.post({ ...record('pi_1', 'succeeded'), kind: 'payment' });
		expect(later).toMatchObject({ list: 'payments', created: false });
		const twice = books.post(record('pi_2', 'succeeded'));
		expect(codes(twice)).toEqual(['ALREADY_PAID']);
		// a failed attempt took nothing: whose it is is all that is checked
		expect(books.post(record('pi_3', 'failed', '1.00')).list).toBe('payments');
		expect(books.invoices['inv-2001'].paymentStatus).toBe('paid');
	});

	test('a mismatch the caller found is kept with its reasons and counts for nothing', () => {
		const books = makeBooks();
		const reasons = [{ code: 'CUSTOMER_MISMATCH', message: 'Of another customer' }];
		const kept = books.keep({ ...record('pi_kept', 'processing'), kind: 'payment' }, reasons);
		expect(kept).toMatchObject({
			list: 'mismatches',
			created: true,
			statusChanged: true,
			previousStatus: null,
			record: { paymentId: 'pi_kept', status: 'processing', reasons },
			invoice: unpaid,
		});
		expect(books.keep(record('pi_kept', 'processing'), reasons)).toMatchObject({
			created: false,
			statusChanged: false,
		});
		const succeeded = books.keep(record('pi_kept', 'succeeded'), reasons);
		expect(succeeded).toMatchObject({ statusChanged: true, previousStatus: 'processing' });
		expect(succeeded.record.history.map((h) => h.status)).toEqual([
			'processing',
			'processing',
			'succeeded',
		]);
		expect(books.payments()).toEqual([]);
		expect(books.post(record('pi_kept', 'succeeded')).list).toBe('mismatches');
		for (const bad of [[], [{ code: 'X' }], 'wrong']) {
			expect(
				inputCode(() =>
					applyPaymentReport(books.inputFor('inv-2001', record('pi_x', 'succeeded'), bad)),
				),
			).toBe('invalid_reasons');
		}
	});
});

describe('the reports of one run, in order', () => {
	test("each sees what the earlier ones stored: the same payment twice, a combined payment's lines", () => {
		const books = makeBooks();
		const line = (invoiceId, amount, paymentAmount = '349.00') => ({
			...record('pi_run', 'succeeded', amount),
			invoiceId,
			total: usd(amount),
			paymentAmount: usd(paymentAmount),
			invoiceIds: ['inv-2001', 'inv-2002'],
		});
		// every input read from the same snapshot, as an adapter reads its tables once per call
		const results = applyPaymentReports([
			books.inputFor('inv-2001', record('pi_a', 'processing')),
			books.inputFor('inv-2001', record('pi_a', 'succeeded')),
			books.inputFor('inv-2001', record('pi_b', 'succeeded')),
			books.inputFor('inv-2002', 'not a record'),
			books.inputFor('inv-2002', line('inv-2002', '99.00', '100.00')),
		]);
		/** @type {any[]} */
		const outcomes = results.map((result) => (result.ok ? result.outcome : result.error.code));
		expect(outcomes[0]).toMatchObject({ created: true, statusChanged: true });
		expect(outcomes[1]).toMatchObject({
			created: false,
			previousStatus: 'processing',
			invoice: { paymentStatus: 'paid', balance: '0.00' },
		});
		expect(outcomes[1].record.history).toHaveLength(2);
		// the second payment of the invoice the first one paid
		expect(codes(outcomes[2])).toEqual(['ALREADY_PAID']);
		expect(outcomes[3]).toBe('invalid_body');
		// a combined payment's line: not complete (another invoice is named), and not more than it took
		expect(outcomes[4]).toMatchObject({ list: 'payments' });

		const combined = applyPaymentReports([
			books.inputFor('inv-2001', line('inv-2001', '250.00', '300.00')),
			books.inputFor('inv-2002', line('inv-2002', '99.00', '300.00')),
		]);
		// the second line, with the first one stored in this run, is over what the payment took
		expect(combined[0]).toMatchObject({ ok: true, outcome: { list: 'payments' } });
		expect(combined[1]).toMatchObject({ ok: true, outcome: { list: 'mismatches' } });
		expect(codes(/** @type {any} */ (combined[1]).outcome)).toEqual(['LINES_MISMATCH']);
	});
});

// @ts-check
import { createScan } from '../../nodes/core/autopay/eligibility';

/** @typedef {import('../../nodes/core/autopay/types').CustomerFacts} CustomerFacts */
/** @typedef {import('../../nodes/core/autopay/types').StripePaymentFact} StripePaymentFact */

// One million invoices in one run: every decision is checked against what its position in a
// block of 25 was built to get, and the summary must add up exactly. Timing is measured apart
// (bench/scan.bench.js). In the scale suite, not the fast `npm test`: it is about size, like
// the queue-mode runs beside it, and needs no stack.
const N = 1_000_000;
const BLOCK = 25;
const BLOCKS = N / BLOCK;
const RUN_CAP = 399_000;

/** @type {import('../../nodes/core/autopay/types').ScanSettings} */
const SETTINGS = {
	takePaymentOn: 'dueDate',
	timeZone: 'Europe/Berlin',
	asOf: '2026-11-23T10:00:00+01:00',
	catchUpDays: 3,
	checkStripe: true,
	maxPerInvoice: { usd: '5000', eur: '5000' },
	maxChargesPerRun: RUN_CAP,
};

// Positions 0-9 are charged (until the run cap), each with its due date in another spelling,
// all between 2026-11-20 and 2026-11-23 in Berlin.
const CHARGE_DUE = [
	'2026-11-23',
	'2026-11-22T23:30:00Z',
	'2026-11-20T00:00:00+01:00',
	Date.UTC(2026, 10, 21, 12),
	String(Date.UTC(2026, 10, 21, 12)),
	'2026-11-23T23:59:59',
	'2026-11-21T08:15:30.123+05:30',
	'2026-11-22',
	new Date(Date.UTC(2026, 10, 22, 22, 59, 59)),
	'2026-11-19T23:00:00Z',
];

const REASONS = {
	10: 'NOT_DUE_YET',
	11: 'OUTSIDE_CATCH_UP_WINDOW',
	12: 'NOT_RECURRING',
	13: 'ALREADY_PAID',
	14: 'ZERO_BALANCE',
	15: 'PAYMENT_PENDING',
	16: 'ACTION_REQUIRED',
	17: 'INVALID_FIELD',
	18: 'DUPLICATE_IN_INPUT',
	19: 'NO_CUSTOMER_MAPPING',
	20: 'NO_AUTOMATIC_METHOD',
	21: 'ALREADY_PAID',
	22: 'INVALID_FIELD',
	23: 'DO_NOT_RETRY',
	24: 'OVER_CAP',
};

/** @type {import('../../nodes/core/autopay/types').AutomaticPaymentMethod} */
const VISA = { id: 'pm_visa', label: 'Visa •••• 4242', type: 'card' };
/** @type {CustomerFacts[]} */
const CUSTOMERS = Array.from({ length: 5000 }, (_, c) => ({
	stripeCustomerId: `cus_${c}`,
	automaticPaymentMethod: VISA,
	payments: [],
}));
/** @type {CustomerFacts} */
const UNMAPPED = { stripeCustomerId: null };
/** @type {CustomerFacts} */
const NO_METHOD = { stripeCustomerId: 'cus_x', automaticPaymentMethod: null, payments: [] };

/**
 * @param {number} i
 * @param {string} id
 * @param {string} status
 * @param {Partial<StripePaymentFact>} [extra]
 * @returns {CustomerFacts}
 */
function withIntent(i, id, status, extra = {}) {
	return {
		stripeCustomerId: `cus_p${i}`,
		automaticPaymentMethod: VISA,
		payments: [{ id: `pi_${i}`, status, invoiceIds: [id], ...extra }],
	};
}
const LOST_ON_VISA = {
	// the signals not given are absent, which the core reads as null
	lastDecline: /** @type {import('../../nodes/core/payments/declines').Decline} */ ({
		code: 'card_declined',
		declineCode: 'lost_card',
		paymentMethodId: VISA.id,
	}),
};

/**
 * The item at index i and the Stripe facts the shell would pass with it.
 * @param {number} i
 * @returns {[import('../../nodes/core/autopay/types').InvoiceFields, CustomerFacts]}
 */
function item(i) {
	const k = i % BLOCK;
	const invoice = {
		id: k === 18 ? `INV-${i - 18}` : `INV-${i}`,
		customerId: `C-${i % 5000}`,
		balance: k % 2 === 0 ? '125.00' : '80.50',
		currency: k % 2 === 0 ? 'USD' : 'EUR',
		createdAt: '2026-11-01',
		dueDate: k < 10 ? CHARGE_DUE[k] : '2026-11-22',
		recurringInvoiceId: `R-${i % 700}`,
		status: 'Open',
		paymentStatus: 'Unpaid',
	};
	let facts = CUSTOMERS[i % 5000];
	if (k === 10) invoice.dueDate = '2026-11-23T23:00:00Z';
	else if (k === 11) invoice.dueDate = '2026-11-19T22:59:59Z';
	else if (k === 12) invoice.recurringInvoiceId = '';
	else if (k === 13) invoice.status = 'Paid';
	else if (k === 14) invoice.balance = '0.00';
	else if (k === 15) invoice.paymentStatus = 'Processing';
	else if (k === 16) facts = withIntent(i, invoice.id, 'requires_action');
	else if (k === 17) invoice.dueDate = '2026-02-30';
	else if (k === 19) facts = UNMAPPED;
	else if (k === 20) facts = NO_METHOD;
	else if (k === 21) facts = withIntent(i, invoice.id, 'succeeded');
	else if (k === 22) invoice.balance = '0.20';
	else if (k === 23) facts = withIntent(i, invoice.id, 'requires_payment_method', LOST_ON_VISA);
	else if (k === 24) invoice.balance = '6000.00';
	return [invoice, facts];
}

test('1,000,000 invoices are classified, each as built, with exact totals', () => {
	const scan = createScan(SETTINGS);
	const firstKeys = [];
	const wrong = [];
	let candidates = 0;
	for (let i = 0; i < N; i += 1) {
		const [invoice, facts] = item(i);
		const decision = scan.classify(invoice, facts);
		const k = i % BLOCK;
		let expected = REASONS[k];
		if (k < 10) {
			candidates += 1;
			expected = candidates <= RUN_CAP ? 'charge' : 'OVER_CAP';
		}
		const got = decision.action === 'charge' ? 'charge' : decision.reason;
		if (got !== expected && wrong.length < 5) wrong.push({ i, expected, got, decision });
		if (decision.action === 'charge' && firstKeys.length < 25_000) {
			firstKeys.push(decision.idempotencyKey);
		}
	}
	expect(wrong).toEqual([]);

	expect(scan.summary()).toEqual({
		scanDay: '2026-11-23',
		timeZone: 'Europe/Berlin',
		takePaymentOn: 'dueDate',
		invoices: N,
		charged: RUN_CAP,
		skipped: N - RUN_CAP,
		skippedByReason: {
			INVALID_FIELD: 2 * BLOCKS,
			DUPLICATE_IN_INPUT: BLOCKS,
			NOT_RECURRING: BLOCKS,
			ALREADY_PAID: 2 * BLOCKS,
			ZERO_BALANCE: BLOCKS,
			NOT_DUE_YET: BLOCKS,
			OUTSIDE_CATCH_UP_WINDOW: BLOCKS,
			PAYMENT_PENDING: BLOCKS,
			ACTION_REQUIRED: BLOCKS,
			NO_CUSTOMER_MAPPING: BLOCKS,
			NO_AUTOMATIC_METHOD: BLOCKS,
			DO_NOT_RETRY: BLOCKS,
			RETRIES_EXHAUSTED: 0,
			RETRY_SCHEDULED: 0,
			OVER_CAP: BLOCKS + (10 * BLOCKS - RUN_CAP),
		},
		chargeTotals: {
			eur: {
				currency: 'eur',
				count: RUN_CAP / 2,
				amountMinor: 8050 * (RUN_CAP / 2),
				amount: '16059750.00',
			},
			usd: {
				currency: 'usd',
				count: RUN_CAP / 2,
				amountMinor: 12500 * (RUN_CAP / 2),
				amount: '24937500.00',
			},
		},
	});

	expect(new Set(firstKeys).size).toBe(firstKeys.length);
	expect(firstKeys.every((key) => key.startsWith('invpay-autopay-2026-11-23-'))).toBe(true);

	// The same input on the same day, in another run (another worker), gives the same keys.
	const again = createScan({ ...SETTINGS, asOf: '2026-11-23T23:59:59+01:00' });
	const againKeys = [];
	for (let i = 0; i < N && againKeys.length < firstKeys.length; i += 1) {
		const decision = again.classify(...item(i));
		if (decision.action === 'charge') againKeys.push(decision.idempotencyKey);
	}
	expect(againKeys).toEqual(firstKeys);
}, 180_000);

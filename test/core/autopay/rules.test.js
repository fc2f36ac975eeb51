// @ts-check
import fs from 'node:fs';
import path from 'node:path';

import * as reading from '../../../nodes/core/autopay/reading';
import { SKIP_REASONS } from '../../../nodes/core/autopay/types';
import { createScan, decline, FACTS, INVOICE, LINK_EXPIRES, LOST, SETTINGS } from './fixtures';

// The documented order (the numbered list at the top of rules.ts) and the code that applies the
// rules are one: the same rule functions in the same order, each giving the reason documented.
const RULES_FILE = path.join(__dirname, '../../../nodes/core/autopay/rules.ts');
const source = fs.readFileSync(RULES_FILE, 'utf8');

/** The numbered list of the header: [{ number, reason, name }]. */
function documentedRules() {
	const header = source.slice(0, source.indexOf('*/'));
	return [...header.matchAll(/^ \*\s+(\d+)\. ([A-Z_]+) \((\w+)\)$/gm)].map((match) => ({
		number: Number(match[1]),
		reason: match[2],
		name: match[3],
	}));
}

/** The functions an expression `a(...) ?? b(...) ?? ...` in `name`'s body calls, in order. */
function chainOf(name) {
	const start = source.indexOf(`function ${name}(`);
	expect(start).toBeGreaterThanOrEqual(0);
	const body = source.slice(source.indexOf('return (', start), source.indexOf('\n\t);\n', start));
	return [...body.matchAll(/(\w+)\(invoice/g)].map((match) => match[1]);
}

/** Rules 2-22 as the code applies them: the groups expanded in place. */
function appliedRules() {
	return chainOf('firstBrokenRule').flatMap((name) =>
		name === 'booksRule' || name === 'stripeRule' ? chainOf(name) : [name],
	);
}

const DOCUMENTED = documentedRules();

describe('the documented order is the order in code', () => {
	test('rules 1 to 22, numbered in order, each with a known reason', () => {
		expect(DOCUMENTED.map((rule) => rule.number)).toEqual(
			Array.from({ length: 22 }, (_, i) => i + 1),
		);
		for (const { reason } of DOCUMENTED) expect(SKIP_REASONS).toContain(reason);
	});

	test('rule 1 is the reading, and rules 2-22 are the functions firstBrokenRule applies, in order', () => {
		expect(DOCUMENTED[0].name).toBe('readInvoice');
		expect(typeof reading.readInvoice).toBe('function');
		expect(appliedRules()).toEqual(DOCUMENTED.slice(1).map((rule) => rule.name));
	});

	test('the books rules (needsCustomerFacts asks them) come before every Stripe rule', () => {
		const applied = appliedRules();
		const books = chainOf('booksRule');
		const stripe = chainOf('stripeRule');
		expect(Math.max(...books.map((name) => applied.indexOf(name)))).toBeLessThan(
			Math.min(...stripe.map((name) => applied.indexOf(name))),
		);
	});

	test('every reason is given by some rule, first used in the order of SKIP_REASONS', () => {
		const firstUse = [...new Set(DOCUMENTED.map((rule) => rule.reason))];
		expect(firstUse).toEqual([...SKIP_REASONS]);
	});
});

const addIntent =
	(id, status, extra = {}) =>
	(c) =>
		c.payments.push({ id, status, invoiceIds: ['INV-7'], ...extra });

/** A failed auto-pay attempt of INV-7 made for `day` (its idempotency key names the day). */
const addFailure = (id, day, signals) =>
	addIntent(id, 'requires_payment_method', {
		...decline(signals),
		idempotencyKey: `invpay-autopay-${day}-0123456789abcdef`,
	});
const SOFT = { code: 'card_declined', declineCode: 'insufficient_funds' };

// How to break each rule, and what its skip says. Applying the breakers of rules i..22 (later
// ones first, so an earlier one wins where two set the same field) must give rule i's documented
// reason and sentence: a rule that moved, or a second rule answering first, fails here.
// prettier-ignore
const BREAKERS = {
	readInvoice: [(c) => (c.invoice.dueDate = 'soon'), /^Invoice INV-7 has an unusable dueDate/],
	duplicateInInput: [(c) => (c.earlierItem = true), /appears more than once in the input/],
	notRecurring: [(c) => (c.invoice.recurringInvoiceId = ''), /is not linked to a recurring invoice/],
	paidInTheBooks: [(c) => (c.invoice.status = 'Paid'), /is marked "Paid" in the books/],
	nothingOwed: [(c) => (c.invoice.balance = '0.00'), /has a balance of 0.00 USD/],
	notChargeable: [(c) => (c.invoice.balance = '0.30'), /cannot be charged: Amount 0.30 USD is below/],
	notDueYet: [(c) => (c.invoice.dueDate = '2026-11-24'), /is due on 2026-11-24, after today/],
	outsideCatchUpWindow: [(c) => (c.invoice.dueDate = '2026-11-01'), /2026-11-01, 22 days ago, outside the catch-up window/],
	pendingInTheBooks: [(c) => (c.invoice.paymentStatus = 'Pending'), /has a payment pending in the books \("Pending"\)/],
	actionInTheBooks: [(c) => (c.invoice.status = 'Action Required'), /"Action Required" in the books/],
	pendingInStripe: [addIntent('pi_p', 'processing'), /Stripe payment pi_p that is still processing/],
	actionInStripe: [addIntent('pi_a', 'requires_action'), /Stripe payment pi_a waiting for the customer/],
	paidInStripe: [addIntent('pi_s', 'succeeded'), /already paid in Stripe \(pi_s succeeded\)/],
	openPayLink: [(c) => c.payLinks.push({ id: 'cs_o', expiresAt: LINK_EXPIRES, invoiceIds: ['INV-7'] }), /open pay link \(Checkout Session cs_o/],
	noCustomerMapping: [(c) => (c.facts.stripeCustomerId = null), /is not mapped to a Stripe customer/],
	noAutomaticMethod: [(c) => (c.facts.automaticPaymentMethod = null), /has no automatic payment setup/],
	retryForbiddenOnMethod: [addIntent('pi_d', 'requires_payment_method', decline(LOST)), /its payment pi_d was declined on Visa/],
	retriesExhausted: [addFailure('pi_x', '2026-11-08', SOFT), /schedule \(days 1, 3, 5, 7, 10, 14 after the first failure on 2026-11-08\) ended on 2026-11-22/],
	customerMustAct: [(c) => c.payments.unshift({ id: 'pi_3ds', status: 'requires_payment_method', invoiceIds: ['INV-7'], ...decline({ code: 'authentication_required' }), idempotencyKey: 'invpay-autopay-2026-11-23-0123456789abcdef' }), /not charged off-session: its last payment pi_3ds .* only the customer can resolve/],
	retryNotDue: [addFailure('pi_t', '2026-11-23', SOFT), /not charged today: the retry schedule .* tries it next on 2026-11-24/],
	lateWithoutFailure: [(c) => (c.invoice.dueDate = '2026-11-19'), /2026-11-19, 4 days ago, outside the catch-up window/],
	overCap: [(c) => (c.settings.maxPerInvoice = { usd: '100' }), /above the per-invoice cap of 100.00 USD/],
};

describe('each rule gives its documented reason, in the documented order', () => {
	test('a breaker for every documented rule', () => {
		expect(Object.keys(BREAKERS)).toEqual(DOCUMENTED.map((rule) => rule.name));
	});

	test.each(DOCUMENTED.map((rule) => [rule.number, rule.name, rule.reason]))(
		'breaking rule %i (%s) and every later one gives %s',
		(number, name, reason) => {
			const c = {
				invoice: { ...INVOICE },
				settings: { ...SETTINGS, checkStripe: true },
				facts: { ...FACTS },
				payments: [],
				payLinks: [],
				earlierItem: false,
			};
			for (const rule of DOCUMENTED.slice(number - 1).reverse()) BREAKERS[rule.name][0](c);
			c.facts.payments = c.payments;
			c.facts.payLinks = c.payLinks;
			const scan = createScan(c.settings);
			if (c.earlierItem) scan.classify({ ...INVOICE }, FACTS);
			const decision = scan.classify(c.invoice, c.facts);
			expect(decision.reason).toBe(reason);
			expect(decision.message).toMatch(BREAKERS[name][1]);
		},
	);

	test('an invoice breaking no rule is charged', () => {
		const scan = createScan({ ...SETTINGS, checkStripe: true, maxPerInvoice: { usd: 500 } });
		expect(scan.classify(INVOICE, FACTS).action).toBe('charge');
	});
});

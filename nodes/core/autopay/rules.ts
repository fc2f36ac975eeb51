/**
 * The auto-pay rules, in the order they are applied: the first rule an invoice breaks is its one
 * reason (stable across runs). Rule 1 is the reading of the item (reading.ts): no rule can judge
 * what could not be read. Rules 2-22 are the functions below, applied in this order by
 * firstBrokenRule; test/core/autopay/rules.test.js holds this list and that code to one another.
 *
 *  1. INVALID_FIELD (readInvoice)
 *     id, customerId, currency (or defaultCurrency), balance, or the date the mode needs
 *     (createdAt / dueDate) missing or unreadable, checked in that order. Unknown status words are
 *     not errors.
 *  2. DUPLICATE_IN_INPUT (duplicateInInput)
 *     an earlier item of this run had the same invoice id (whatever that item's outcome; only the
 *     first occurrence can ever be charged).
 *  3. NOT_RECURRING (notRecurring)
 *     "recurring only" is on and the invoice has no recurring invoice id (empty, 0 and negative
 *     ids are the "none" some books write).
 *  4. ALREADY_PAID (paidInTheBooks)
 *     status or paymentStatus says nothing more is owed (PAID_WORDS), whatever the balance says:
 *     a paid or void invoice is never charged.
 *  5. ZERO_BALANCE (nothingOwed)
 *     balance is 0 or a credit (negative).
 *  6. INVALID_FIELD (notChargeable)
 *     the balance is outside what Stripe charges (below the currency's minimum, above eight
 *     digits): assertChargeable's message, field balance. After 5 because a zero balance is not
 *     bad data; before the dates because the invoice can never be auto-paid as it stands.
 *  7. NOT_DUE_YET (notDueYet)
 *     the payment day is after today.
 *  8. OUTSIDE_CATCH_UP_WINDOW (outsideCatchUpWindow)
 *     the payment day is before today - catchUpDays. With the retry policy (retryPolicy.ts: on,
 *     with Check Stripe) only before that less the schedule's last day: an invoice in between may
 *     be in a retry schedule, which the window must not end early; rule 21 judges it once its
 *     attempts are read.
 *  9. PAYMENT_PENDING (pendingInTheBooks)
 *     status or paymentStatus says a payment is pending (PENDING_WORDS).
 * 10. ACTION_REQUIRED (actionInTheBooks)
 *     status or paymentStatus says action required (ACTION_WORDS).
 *     Check Stripe only, from the customer's facts:
 * 11. PAYMENT_PENDING (pendingInStripe)
 *     a PaymentIntent for this invoice is processing or requires_capture.
 * 12. ACTION_REQUIRED (actionInStripe)
 *     a PaymentIntent for this invoice is requires_action.
 * 13. ALREADY_PAID (paidInStripe)
 *     a PaymentIntent for this invoice succeeded (the books may not have recorded it yet) and its
 *     money was not refunded in full (a partly refunded one still pays the invoice; a fully
 *     refunded one pays nothing, see refundState.ts).
 * 14. PAYMENT_PENDING (openPayLink)
 *     an open pay link (payment-mode Checkout Session) covers this invoice: the customer may pay
 *     it at any moment.
 * 15. NO_CUSTOMER_MAPPING (noCustomerMapping)
 *     the customer has no Stripe customer (or no facts were passed).
 * 16. NO_AUTOMATIC_METHOD (noAutomaticMethod)
 *     the customer has no automatic payment method.
 * 17. DO_NOT_RETRY (retryForbiddenOnMethod)
 *     a PaymentIntent for this invoice was declined on the customer's automatic method with a
 *     decline the card networks forbid retrying (declines.ts; the newest such one is named, with
 *     its code). The block lifts when the automatic method is another one. After 16 because the
 *     block is judged against that method; after the payments and pay links because those say
 *     more (paid, on its way).
 *     Check Stripe and the retry policy only (retryPolicy.ts), for an invoice whose charges failed
 *     (a decline on another method than the automatic one counts for nothing: charged now):
 * 18. RETRIES_EXHAUSTED (retriesExhausted)
 *     the retry schedule of the failures on the automatic method has ended, or the reattempts
 *     reached the card networks' cap (named, with its count).
 * 19. ACTION_REQUIRED (customerMustAct)
 *     the newest failure on the automatic method needs the customer (authentication_required, or
 *     advice confirm_card_data) and today is no retry day: never retried off-session; on retry
 *     days the invoice is charged with howToPay payLink (a page the customer pays on).
 * 20. RETRY_SCHEDULED (retryNotDue)
 *     today is not a retry day of the schedule (or today's try was made): names the next one.
 * 21. OUTSIDE_CATCH_UP_WINDOW (lateWithoutFailure)
 *     past the catch-up window (rule 8 left it to the policy) and no retry is due: no failed
 *     charge to recover, or none due today.
 * 22. OVER_CAP (overCap)
 *     above the per-invoice cap, then the run's charge count, then the run's total in the
 *     invoice's currency. Run caps count only invoices that reach this step and are charged, in
 *     input order: an invoice that would pass the total is skipped and a later, smaller one may
 *     still fit.
 * Otherwise: charge the full balance.
 *
 * Rules 3-10 judge the invoice and the settings alone (booksRule), and come before every Stripe
 * rule, so needsCustomerFacts can ask them before any Stripe read; rules 11-21 judge the
 * customer's Stripe facts (stripeRule, with Check Stripe only); rules 2 and 22 the run so far.
 *
 * The order is written as one expression per group, `a(...) ?? b(...) ?? ...`, not as an array
 * walked in a loop: each call then has one target, which V8 inlines, where a loop calling an
 * array's functions is one call site with many targets (about 70 ns more per invoice, measured on
 * a million).
 */
import { retryBan } from '../payments/declines';
import type { ScanCaches } from './caches';
import { invalidField, retryForbidden, skip, skipByPayment, skipByRetryPolicy } from './decisions';
import type { SayingMeaning } from './invoiceValues';
import * as say from './messages';
import { isDeclined } from './retryPolicy';
import type { ReadInvoice } from './reading';
import type { SeenIds } from './seenIds';
import type { ScanConfig } from './settings';
import type { RunTally } from './summary';
import type { CustomerFacts, SkipDecision, SkipReason, StripePaymentFact } from './types';

/** What a rule knows besides the invoice: the run's settings, what it has met so far, its caches. */
export interface RuleRun {
	readonly config: ScanConfig;
	readonly caches: ScanCaches;
	/** the invoice ids met so far (rule 2) */
	readonly seenIds: SeenIds;
	/** the charges decided so far (rule 22) */
	readonly tally: RunTally<SkipReason>;
}

const PENDING_INTENT = new Set(['processing', 'requires_capture']);

/** Every readable id is remembered (reading.ts too), so no later item with it is ever charged. */
function duplicateInInput(invoice: ReadInvoice, run: RuleRun): SkipDecision | undefined {
	if (run.seenIds.add(invoice.invoiceId)) return undefined;
	return skip('DUPLICATE_IN_INPUT', invoice, say.duplicateInInput(invoice.invoiceId));
}

function notRecurring(invoice: ReadInvoice, { config }: RuleRun): SkipDecision | undefined {
	if (!config.recurringOnly || invoice.recurring) return undefined;
	return skip('NOT_RECURRING', invoice, say.notRecurring(invoice.invoiceId));
}

/** The skip when status or paymentStatus means `meaning`, quoting that field (status first). */
function booksSay(
	meaning: SayingMeaning,
	reason: SkipReason,
	invoice: ReadInvoice,
	run: RuleRun,
): SkipDecision | undefined {
	const { status, paymentStatus } = invoice;
	const saying =
		status.meaning === meaning ? status : paymentStatus.meaning === meaning ? paymentStatus : null;
	if (saying === null) return undefined;
	return skip(reason, invoice, run.caches.booksStatus(invoice, meaning, saying.word));
}

function paidInTheBooks(invoice: ReadInvoice, run: RuleRun): SkipDecision | undefined {
	return booksSay('paid', 'ALREADY_PAID', invoice, run);
}

function nothingOwed(invoice: ReadInvoice): SkipDecision | undefined {
	const { invoiceId, amountMinor, currency } = invoice;
	if (amountMinor > 0) return undefined;
	return skip('ZERO_BALANCE', invoice, say.zeroBalance(invoiceId, amountMinor, currency));
}

function notChargeable(invoice: ReadInvoice, run: RuleRun): SkipDecision | undefined {
	const problem = run.caches.chargeProblem(invoice);
	if (problem === '') return undefined;
	const { invoiceId, paymentDay } = invoice;
	const message = say.notChargeable(invoiceId, problem);
	return invalidField(run.config.fieldNames.balance, message, invoiceId, paymentDay);
}

function notDueYet(invoice: ReadInvoice, run: RuleRun): SkipDecision | undefined {
	if (invoice.paymentEpochDay <= run.config.today) return undefined;
	return skip('NOT_DUE_YET', invoice, run.caches.notDueYet(invoice));
}

function outsideCatchUpWindow(invoice: ReadInvoice, run: RuleRun): SkipDecision | undefined {
	if (invoice.paymentEpochDay >= run.config.retryEarliestDay) return undefined;
	return skip('OUTSIDE_CATCH_UP_WINDOW', invoice, run.caches.outsideCatchUpWindow(invoice));
}

function pendingInTheBooks(invoice: ReadInvoice, run: RuleRun): SkipDecision | undefined {
	return booksSay('pending', 'PAYMENT_PENDING', invoice, run);
}

function actionInTheBooks(invoice: ReadInvoice, run: RuleRun): SkipDecision | undefined {
	return booksSay('action', 'ACTION_REQUIRED', invoice, run);
}

/** The skip for `reason` when a PaymentIntent of the invoice `is` so (the newest such one). */
function byStripePayment(
	reason: SkipReason,
	is: (payment: StripePaymentFact) => boolean,
	sentence: (invoiceId: string, payment: StripePaymentFact) => string,
	invoice: ReadInvoice,
	run: RuleRun,
	facts: CustomerFacts | undefined,
): SkipDecision | undefined {
	const payment = run.caches.paymentsFor(facts, invoice.invoiceId)?.find(is);
	if (payment === undefined) return undefined;
	return skipByPayment(reason, invoice, sentence(invoice.invoiceId, payment), payment.id);
}

const isPending = ({ status }: StripePaymentFact) => PENDING_INTENT.has(status);

const awaitsCustomer = ({ status }: StripePaymentFact) => status === 'requires_action';

/** A fully refunded payment pays nothing; a partly refunded one still pays the invoice. */
const paysInvoice = ({ status, fullyRefunded }: StripePaymentFact) =>
	status === 'succeeded' && fullyRefunded !== true;

function pendingInStripe(invoice: ReadInvoice, run: RuleRun, facts: CustomerFacts | undefined) {
	return byStripePayment('PAYMENT_PENDING', isPending, say.pendingInStripe, invoice, run, facts);
}

function actionInStripe(invoice: ReadInvoice, run: RuleRun, facts: CustomerFacts | undefined) {
	return byStripePayment(
		'ACTION_REQUIRED',
		awaitsCustomer,
		say.actionInStripe,
		invoice,
		run,
		facts,
	);
}

function paidInStripe(invoice: ReadInvoice, run: RuleRun, facts: CustomerFacts | undefined) {
	return byStripePayment('ALREADY_PAID', paysInvoice, say.paidInStripe, invoice, run, facts);
}

function openPayLink(
	invoice: ReadInvoice,
	run: RuleRun,
	facts: CustomerFacts | undefined,
): SkipDecision | undefined {
	const payLink = run.caches.payLinksFor(facts, invoice.invoiceId)?.[0];
	if (payLink === undefined) return undefined;
	return skip('PAYMENT_PENDING', invoice, say.openPayLink(invoice.invoiceId, payLink));
}

function noCustomerMapping(
	invoice: ReadInvoice,
	facts: CustomerFacts | undefined,
): SkipDecision | undefined {
	if (facts?.stripeCustomerId) return undefined;
	const message = say.noCustomerMapping(invoice.customerId, invoice.invoiceId);
	return skip('NO_CUSTOMER_MAPPING', invoice, message);
}

function noAutomaticMethod(
	invoice: ReadInvoice,
	facts: CustomerFacts | undefined,
): SkipDecision | undefined {
	if (facts?.automaticPaymentMethod?.id) return undefined;
	const message = say.noAutomaticMethod(invoice.customerId, invoice.invoiceId);
	return skip('NO_AUTOMATIC_METHOD', invoice, message);
}

/**
 * The newest PaymentIntent of the invoice declined on the automatic method with a decline that
 * forbids a retry. A decline that does not name its method counts as made on this one: an unknown
 * method is no proof that the method changed.
 */
function retryForbiddenOnMethod(
	invoice: ReadInvoice,
	run: RuleRun,
	facts: CustomerFacts | undefined,
): SkipDecision | undefined {
	const payments = run.caches.paymentsFor(facts, invoice.invoiceId);
	const method = facts?.automaticPaymentMethod;
	if (payments === undefined || !method) return undefined;
	for (const payment of payments) {
		const decline = payment.lastDecline;
		if (decline === undefined || !isDeclined(payment)) continue;
		if ((decline.paymentMethodId ?? method.id) !== method.id) continue;
		const ban = retryBan(decline);
		if (ban === undefined) continue;
		const message = say.doNotRetry(invoice, payment, method, ban);
		return retryForbidden(invoice, message, payment.id, ban.code);
	}
	return undefined;
}

/** The policy's verdict, when the policy is on (the caches compute it once per invoice). */
function retryVerdict(invoice: ReadInvoice, run: RuleRun, facts: CustomerFacts | undefined) {
	return run.config.retry === undefined ? undefined : run.caches.retryVerdict(invoice, facts);
}

function retriesExhausted(
	invoice: ReadInvoice,
	run: RuleRun,
	facts: CustomerFacts | undefined,
): SkipDecision | undefined {
	const verdict = retryVerdict(invoice, run, facts);
	if (verdict?.kind !== 'exhausted' || run.config.retry === undefined) return undefined;
	const { attempt, startDay, cap, reattempts, recovery } = verdict;
	const message = say.retriesExhausted(
		invoice,
		attempt,
		run.config.retry,
		startDay,
		cap,
		reattempts,
	);
	const paymentId = attempt.payment.id;
	return skipByRetryPolicy('RETRIES_EXHAUSTED', invoice, message, paymentId, recovery);
}

function customerMustAct(
	invoice: ReadInvoice,
	run: RuleRun,
	facts: CustomerFacts | undefined,
): SkipDecision | undefined {
	const verdict = retryVerdict(invoice, run, facts);
	if (verdict?.kind !== 'customer') return undefined;
	const message = say.customerMustAct(
		invoice.invoiceId,
		verdict.attempt,
		verdict.recovery.nextTryDay,
	);
	const paymentId = verdict.attempt.payment.id;
	return skipByRetryPolicy('ACTION_REQUIRED', invoice, message, paymentId, verdict.recovery);
}

function retryNotDue(
	invoice: ReadInvoice,
	run: RuleRun,
	facts: CustomerFacts | undefined,
): SkipDecision | undefined {
	const verdict = retryVerdict(invoice, run, facts);
	if (verdict?.kind !== 'scheduled' || run.config.retry === undefined) return undefined;
	const { attempt, startDay, recovery } = verdict;
	const message = say.retryScheduled(
		invoice.invoiceId,
		attempt,
		run.config.retry,
		startDay,
		recovery.nextTryDay,
	);
	return skipByRetryPolicy('RETRY_SCHEDULED', invoice, message, attempt.payment.id, recovery);
}

/** Past the catch-up window, kept for the policy by rule 8, with no retry due today. */
function lateWithoutFailure(
	invoice: ReadInvoice,
	run: RuleRun,
	facts: CustomerFacts | undefined,
): SkipDecision | undefined {
	if (invoice.paymentEpochDay >= run.config.earliestDay) return undefined;
	if (retryVerdict(invoice, run, facts)?.kind === 'charge') return undefined;
	return skip('OUTSIDE_CATCH_UP_WINDOW', invoice, run.caches.outsideCatchUpWindow(invoice));
}

function overCap(invoice: ReadInvoice, run: RuleRun): SkipDecision | undefined {
	const why = perInvoiceCapWhy(invoice, run) ?? runCountCapWhy(run) ?? runTotalCapWhy(invoice, run);
	if (why === undefined) return undefined;
	const { invoiceId, amountMinor, currency } = invoice;
	return skip('OVER_CAP', invoice, say.overCap(invoiceId, amountMinor, currency, why));
}

// Once a cap map is set, a currency it does not list is over the cap: a limit that a second
// currency silently escapes would not be a limit.

function perInvoiceCapWhy({ amountMinor, currency }: ReadInvoice, { config }: RuleRun) {
	if (config.maxPerInvoice === undefined) return undefined;
	const cap = config.maxPerInvoice.get(currency);
	if (cap === undefined) return say.noCapFor(currency, 'per-invoice');
	return amountMinor > cap ? say.abovePerInvoiceCap(cap, currency) : undefined;
}

function runCountCapWhy({ config, tally }: RuleRun) {
	const max = config.maxChargesPerRun;
	return max !== undefined && tally.chargeCount >= max ? say.runCountCapReached(max) : undefined;
}

function runTotalCapWhy({ amountMinor, currency }: ReadInvoice, { config, tally }: RuleRun) {
	if (config.maxTotalPerRun === undefined) return undefined;
	const cap = config.maxTotalPerRun.get(currency);
	if (cap === undefined) return say.noCapFor(currency, 'per-run');
	const total = tally.chargedMinor(currency) + amountMinor;
	return total > cap ? say.aboveRunTotalCap(total, cap, currency) : undefined;
}

/** Rules 2-22, in the order above: the skip of the first one the invoice breaks. */
export function firstBrokenRule(
	invoice: ReadInvoice,
	run: RuleRun,
	facts: CustomerFacts | undefined,
): SkipDecision | undefined {
	return (
		duplicateInInput(invoice, run) ??
		booksRule(invoice, run) ??
		(run.config.checkStripe ? stripeRule(invoice, run, facts) : undefined) ??
		overCap(invoice, run)
	);
}

/** Rules 3-10: the invoice and the settings alone. */
export function booksRule(invoice: ReadInvoice, run: RuleRun): SkipDecision | undefined {
	return (
		notRecurring(invoice, run) ??
		paidInTheBooks(invoice, run) ??
		nothingOwed(invoice) ??
		notChargeable(invoice, run) ??
		notDueYet(invoice, run) ??
		outsideCatchUpWindow(invoice, run) ??
		pendingInTheBooks(invoice, run) ??
		actionInTheBooks(invoice, run)
	);
}

/** Rules 11-21: the customer's Stripe facts. */
function stripeRule(
	invoice: ReadInvoice,
	run: RuleRun,
	facts: CustomerFacts | undefined,
): SkipDecision | undefined {
	return (
		pendingInStripe(invoice, run, facts) ??
		actionInStripe(invoice, run, facts) ??
		paidInStripe(invoice, run, facts) ??
		openPayLink(invoice, run, facts) ??
		noCustomerMapping(invoice, facts) ??
		noAutomaticMethod(invoice, facts) ??
		retryForbiddenOnMethod(invoice, run, facts) ??
		retriesExhausted(invoice, run, facts) ??
		customerMustAct(invoice, run, facts) ??
		retryNotDue(invoice, run, facts) ??
		lateWithoutFailure(invoice, run, facts)
	);
}

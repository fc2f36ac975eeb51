/**
 * The auto-pay scan's vocabulary: what goes in (settings, invoice fields, what Stripe knows about a
 * customer) and what comes out (a charge or a skip with its one reason). Types only, and the
 * list of the reasons.
 */
import type { Decline } from '../payments/declines';

/** Every skip reason, in the order the rules first use it (the order of the run summary). */
export const SKIP_REASONS = [
	'INVALID_FIELD',
	'DUPLICATE_IN_INPUT',
	'NOT_RECURRING',
	'ALREADY_PAID',
	'ZERO_BALANCE',
	'NOT_DUE_YET',
	'OUTSIDE_CATCH_UP_WINDOW',
	'PAYMENT_PENDING',
	'ACTION_REQUIRED',
	'NO_CUSTOMER_MAPPING',
	'NO_AUTOMATIC_METHOD',
	'DO_NOT_RETRY',
	'RETRIES_EXHAUSTED',
	'RETRY_SCHEDULED',
	'OVER_CAP',
] as const;

export type SkipReason = (typeof SKIP_REASONS)[number];

export type TakePaymentOn = 'creationDate' | 'dueDate';

/** Currency code (any case) -> decimal amount in that currency, e.g. `{ usd: '5000.00' }`. */
export type CurrencyCaps = Record<string, string | number>;

/** The raw values of one input item, read from the fields the user named. */
export interface InvoiceFields {
	id: unknown;
	customerId: unknown;
	balance: unknown;
	currency?: unknown;
	createdAt?: unknown;
	dueDate?: unknown;
	recurringInvoiceId?: unknown;
	status?: unknown;
	paymentStatus?: unknown;
}

export type InvoiceField = keyof InvoiceFields;

export interface ScanSettings {
	takePaymentOn: TakePaymentOn;
	/** IANA name; today and every date are judged in it */
	timeZone: string;
	/** the moment of the run (handed in: the core reads no clock); any format dates.ts reads */
	asOf: unknown;
	/** days a missed payment day is still charged; default DEFAULT_CATCH_UP_DAYS (defaults.ts) */
	catchUpDays?: number;
	/** default true */
	recurringOnly?: boolean;
	/**
	 * apply the Stripe rules to the customerFacts passed with each invoice (undefined facts =
	 * no mapping; see needsCustomerFacts for which customers need a read at all)
	 */
	checkStripe?: boolean;
	/** used when an invoice has no currency */
	defaultCurrency?: string;
	maxPerInvoice?: CurrencyCaps;
	maxChargesPerRun?: number;
	maxTotalPerRun?: CurrencyCaps;
	/** the item's field names, so INVALID_FIELD names what the user sees; default the key itself */
	fieldNames?: Partial<Record<InvoiceField, string>>;
	/**
	 * with Check Stripe: retry failed automatic charges by the retry policy (retryPolicy.ts) instead
	 * of every day of the catch-up window; default DEFAULT_RETRY_POLICY (defaults.ts)
	 */
	retryPolicy?: boolean;
	/**
	 * the days after the first failure on which a failed charge is tried again, e.g. [1, 3, 5] or
	 * "1, 3, 5"; default DEFAULT_RETRY_SCHEDULE_DAYS (defaults.ts)
	 */
	retryScheduleDays?: readonly number[] | string;
}

/** A PaymentIntent of the customer, as the shell read it (recent ones, via a list call). */
export interface StripePaymentFact {
	id: string;
	/** Stripe PaymentIntent status */
	status: string;
	/** the invoice ids the PaymentIntent pays (from its metadata) */
	invoiceIds: readonly string[];
	/** succeeded, and all its money was refunded since (refundState.ts): it pays nothing */
	fullyRefunded?: boolean;
	/** its last failed attempt (Stripe's last_payment_error), with the method it was made on */
	lastDecline?: Decline;
	/** when Stripe created it, Unix seconds: the day of an attempt not made by the auto-pay */
	created?: number;
	/**
	 * the idempotency key it was made under (its metadata): an auto-pay key names the business day
	 * the attempt belongs to (idempotency.ts)
	 */
	idempotencyKey?: string | null;
	/**
	 * a claim made for a pay page (a pay link, or the page of a charge that needed the customer):
	 * the customer's own payment if they pay it, never an attempt on their method
	 */
	payLinkClaim?: boolean;
}

/** An open pay link of the customer (a payment-mode Checkout Session not paid yet). */
export interface StripePayLinkFact {
	/** the Checkout Session id */
	id: string;
	/** when the link stops taking payments, Unix seconds */
	expiresAt: number;
	/** the invoice ids the link pays (from its metadata) */
	invoiceIds: readonly string[];
}

/** A customer's automatic payment method, as a charge uses it. */
export interface AutomaticPaymentMethod {
	/** the Stripe PaymentMethod id, e.g. pm_1Q... */
	id: string;
	/** e.g. "Visa •••• 4242" (paymentMethodLabel.ts) */
	label: string;
	/** Stripe's PaymentMethod type, e.g. card or us_bank_account */
	type: string;
}

/** What Stripe says about one books customer; pass the same object for all their invoices. */
export interface CustomerFacts {
	/** the mapped Stripe customer; absent or empty = no mapping */
	stripeCustomerId?: string | null;
	/** that Stripe customer's email (null when it has none): where Stripe sends its receipts */
	stripeCustomerEmail?: string | null;
	automaticPaymentMethod?: AutomaticPaymentMethod | null;
	payments?: readonly StripePaymentFact[];
	/** open pay links: the customer may pay one at any moment */
	payLinks?: readonly StripePayLinkFact[];
}

/** The newest failed attempt of an invoice, as the retry policy read it from Stripe. */
export interface RecoveryDecline {
	/** the PaymentIntent that failed */
	paymentId: string;
	/** the business day the attempt belongs to, YYYY-MM-DD */
	day: string;
	/** Stripe's error code, e.g. card_declined, authentication_required */
	code: string | null;
	/** the issuer's reason, e.g. insufficient_funds */
	declineCode: string | null;
	/** Stripe's advice: do_not_try_again, try_again_later, confirm_card_data */
	adviceCode: string | null;
	/** the card network's two-digit advice */
	networkAdviceCode: string | null;
	/** the card network's decline code */
	networkDeclineCode: string | null;
	/** the method it was made on (null when Stripe did not name it) */
	paymentMethodId: string | null;
	/** that method as people read it, e.g. "Visa •••• 4242" (null when unknown) */
	paymentMethodLabel: string | null;
}

/**
 * Where the recovery of an invoice whose automatic charges failed stands (retryPolicy.ts), for
 * the emails and reports built on the scan: on a charge that is a retry, and on the skips the
 * retry policy decides (RETRY_SCHEDULED, RETRIES_EXHAUSTED, ACTION_REQUIRED for a decline the
 * customer must resolve) and on DO_NOT_RETRY. Read from Stripe's PaymentIntents only, so every
 * worker and every run tells the same. Days are YYYY-MM-DD in the business time zone.
 *
 * On a charge, nextTryDay, retriesLeft and lastTry say what follows if THIS charge fails too.
 */
export interface Recovery {
	/**
	 * why the decision is what it is: `schedule` (a retry day, or the schedule's end),
	 * `network-cap` (the card network's limit of retries is reached), `customer-action` (the bank
	 * wants the customer: only they can complete the payment, with the link), `hard-decline`
	 * (DO_NOT_RETRY), `method-changed` (the automatic method is not the one that failed)
	 */
	decidedBy: 'schedule' | 'network-cap' | 'customer-action' | 'hard-decline' | 'method-changed';
	/** failed attempts of the invoice so far, on every method */
	attempts: number;
	/** the day of the invoice's first failed attempt */
	firstFailureDay: string;
	/** the newest failed attempt */
	lastDecline: RecoveryDecline;
	/** the day of the next automatic try; null when none will be made */
	nextTryDay: string | null;
	/** automatic tries still to come (on a charge: after this one), at most */
	retriesLeft: number;
	/** this charge is the last automatic try of the schedule (always false on a skip) */
	lastTry: boolean;
	/**
	 * the schedule's last day: the first failure on the current automatic method plus the last
	 * retry day (on a method-changed charge: the end of the schedule that starts if it fails)
	 */
	scheduleEndDay: string;
	/** the charge is made because the automatic method changed since the last failure */
	methodChanged: boolean;
}

/**
 * An invoice to charge today: the whole payment request, so the pay step charges exactly this
 * without working any of it out again: the amount in minor units and its currency, and (with
 * Check Stripe) the Stripe customer, its email for Stripe's receipt and the automatic payment
 * method with its type, all as the scan read them, so the charge needs no read of the customer.
 * The idempotency key is pinned across releases: the same invoice, amount, currency and day give
 * the same key in every version, so a run after an upgrade never charges an invoice twice.
 */
export interface ChargeDecision {
	action: 'charge';
	invoiceId: string;
	customerId: string;
	/** the full balance */
	amountMinor: number;
	/** decimal string, e.g. "125.00" */
	amount: string;
	/** lowercase ISO code */
	currency: string;
	/** today in the business zone, YYYY-MM-DD: the day of the idempotency key */
	scanDay: string;
	/** the day the invoice became payable (creation or due day), YYYY-MM-DD */
	paymentDay: string;
	/** scanDay - paymentDay in days: 0 on the day, more when caught up */
	daysLate: number;
	takePaymentOn: TakePaymentOn;
	idempotencyKey: string;
	/** with Check Stripe: the Stripe customer to charge */
	stripeCustomerId?: string;
	/** with Check Stripe: that customer's email in Stripe, null when it has none */
	stripeCustomerEmail?: string | null;
	/** with Check Stripe: the customer's automatic payment method, the one charged */
	paymentMethod?: AutomaticPaymentMethod;
	/**
	 * 'payLink' when the customer must pay it themselves (the retry policy after a decline that
	 * needs them, e.g. authentication_required: recovery.decidedBy 'customer-action'): the pay step
	 * makes a page (a pay link) for them instead of charging off-session. Absent: charged
	 * off-session on paymentMethod.
	 */
	howToPay?: 'payLink';
	/** a retry of a failed automatic charge (retry policy on): where its recovery stands */
	recovery?: Recovery;
}

export interface SkipDecision {
	action: 'skip';
	reason: SkipReason;
	/** one human sentence */
	message: string;
	/** absent only when the id itself is unusable */
	invoiceId?: string;
	/** INVALID_FIELD: the item's field */
	field?: string;
	/** YYYY-MM-DD, whenever the payment day could be read */
	paymentDay?: string;
	/**
	 * ALREADY_PAID, PAYMENT_PENDING, ACTION_REQUIRED decided by a PaymentIntent in Stripe, and
	 * DO_NOT_RETRY: its id (an ALREADY_PAID one may be missing from the books, e.g. after a crash
	 * right after the charge; a DO_NOT_RETRY one is the declined payment)
	 */
	paymentId?: string;
	/** DO_NOT_RETRY: the code that forbids the retry, e.g. lost_card or do_not_try_again */
	declineCode?: string;
	/**
	 * the retry policy's skips (RETRY_SCHEDULED, RETRIES_EXHAUSTED, ACTION_REQUIRED for a decline
	 * only the customer can resolve) and DO_NOT_RETRY, retry policy on: where its recovery stands
	 */
	recovery?: Recovery;
}

export type Decision = ChargeDecision | SkipDecision;

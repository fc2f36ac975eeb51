/**
 * Auto-pay scan: which invoices to charge today, and for every other invoice the one reason why
 * not. Framework-free; the n8n node maps its parameters and items in and the decisions out.
 *
 * API
 * ```ts
 * const scan = createScan(settings);       // validates settings (CoreInputError naming them)
 * scan.scanDay;                            // 'YYYY-MM-DD': today in the business zone
 * scan.needsCustomerFacts(fields);         // Check Stripe: is this customer's Stripe read needed?
 * scan.classify(fields, customerFacts?);   // Decision, in input order (the scan has state)
 * scan.summary();                          // RunSummary: counts per reason, totals per currency
 * ```
 * One scan object per run: it remembers the invoice ids it has seen (DUPLICATE_IN_INPUT) and what
 * it has decided to charge (per-run caps). `classify` never throws for bad invoice data; a bad
 * field is an INVALID_FIELD skip naming the item's field.
 *
 * With Check Stripe the shell reads what Stripe knows before it classifies, once per run (for
 * many customers in pages of the whole account, not per customer) and passes each customer's
 * facts with each of their invoices. `needsCustomerFacts` says whether an invoice gets past every
 * rule that needs no Stripe data (duplicates and caps aside), so the shell can read only for
 * customers with such an invoice; a customer read for none of them may be passed as undefined,
 * and facts passed with an invoice that does not need them change nothing, because every Stripe
 * rule comes after every books rule.
 *
 * Evaluation order (the first rule an invoice breaks is its one reason; stable across runs):
 *  1. INVALID_FIELD           id, customerId, currency (or defaultCurrency), balance, or the date
 *                             the mode needs (createdAt / dueDate) missing or unreadable, checked
 *                             in that order. Unknown status words are not errors.
 *  2. DUPLICATE_IN_INPUT      an earlier item of this run had the same invoice id (whatever that
 *                             item's outcome; only the first occurrence can ever be charged).
 *  3. NOT_RECURRING           "recurring only" is on and the invoice has no recurring invoice id
 *                             (empty, 0 and negative ids are the "none" some books write).
 *  4. ALREADY_PAID            status or paymentStatus says nothing more is owed (PAID_WORDS),
 *                             whatever the balance says: a paid or void invoice is never charged.
 *  5. ZERO_BALANCE            balance is 0 or a credit (negative).
 *  6. INVALID_FIELD           the balance is outside what Stripe charges (below the currency's
 *                             minimum, above eight digits): assertChargeable's message, field
 *                             balance. After 5 because a zero balance is not bad data; before the
 *                             dates because the invoice can never be auto-paid as it stands.
 *  7. NOT_DUE_YET             the payment day is after today.
 *  8. OUTSIDE_CATCH_UP_WINDOW the payment day is before today - catchUpDays.
 *  9. PAYMENT_PENDING         status or paymentStatus says a payment is pending (PENDING_WORDS).
 * 10. ACTION_REQUIRED         status or paymentStatus says action required (ACTION_WORDS).
 *     Check Stripe only, from the customer's facts:
 * 11. PAYMENT_PENDING         a PaymentIntent for this invoice is processing or requires_capture.
 * 12. ACTION_REQUIRED         a PaymentIntent for this invoice is requires_action.
 * 13. ALREADY_PAID            a PaymentIntent for this invoice succeeded (the books may not have
 *                             recorded it yet) and its money was not refunded in full (a partly
 *                             refunded one still pays the invoice; a fully refunded one pays
 *                             nothing, see refundState.ts).
 * 14. PAYMENT_PENDING         an open pay link (payment-mode Checkout Session) covers this
 *                             invoice: the customer may pay it at any moment.
 * 15. NO_CUSTOMER_MAPPING     the customer has no Stripe customer (or no facts were passed).
 * 16. NO_AUTOMATIC_METHOD     the customer has no automatic payment method.
 * 17. DO_NOT_RETRY            a PaymentIntent for this invoice was declined on the customer's
 *                             automatic method with a decline the card networks forbid retrying
 *                             (declines.ts; the newest such one is named, with its code). The
 *                             block lifts when the automatic method is another one. After 16
 *                             because the block is judged against that method; after the
 *                             payments and pay links because those say more (paid, on its way).
 * 18. OVER_CAP                above the per-invoice cap, then the run's charge count, then the
 *                             run's total in the invoice's currency. Run caps count only invoices
 *                             that reach this step and are charged, in input order: an invoice
 *                             that would pass the total is skipped and a later, smaller one may
 *                             still fit.
 * Otherwise: charge the full balance.
 *
 * Dates: "payment day" is the creation day (takePaymentOn 'creationDate': the day the invoice was
 * generated from its recurring invoice) or the due day ('dueDate'), as a calendar day in the
 * business zone (see dates.ts for the formats); "today" is asOf's calendar day there. Due today
 * counts as due. catchUpDays 0 charges only invoices whose payment day is today.
 *
 * Caps are maps from currency code to a decimal in that currency (`{ usd: '5000', jpy: '600000' }`),
 * because one number cannot mean the same in USD and JPY. Once a cap map is set, an invoice in a
 * currency it does not list is OVER_CAP: a limit that a second currency silently escapes would
 * not be a limit. Caps hold per run; they are not a daily limit across schedulers.
 *
 * Idempotency: paymentIdempotencyKey({ provider: 'stripe', purpose: 'autopay', invoiceIds: [id],
 * amountMinor, currency, day: scanDay }), so the same input on the same day gives the same key.
 */
import { CoreInputError, asInputError } from '../errors';
import { paymentIdempotencyKeys } from '../idempotency';
import { assertChargeable, currencyRules, formatAmount, parseAmount } from '../money';
import { retryBan } from '../declines';
import type { Decline, RetryBan } from '../declines';
import { openPayLinkSentence } from '../stripe/paymentGuards';
import { BusinessCalendar, formatEpochDay } from './dates';
import { Memo } from '../memo';
import { SeenIds } from './seenIds';
import { RunTally, type RunSummary } from './summary';

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
	'OVER_CAP',
] as const;

export type SkipReason = (typeof SKIP_REASONS)[number];

export type TakePaymentOn = 'creationDate' | 'dueDate';

export const DEFAULT_CATCH_UP_DAYS = 3;

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
	/** days a missed payment day is still charged; default DEFAULT_CATCH_UP_DAYS */
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
}

export type Decision = ChargeDecision | SkipDecision;

type StatusMeaning = 'paid' | 'pending' | 'action' | 'other';

// Status words, compared lowercased with everything but letters removed ("Fully-Paid" ->
// "fullypaid"), in either status field. Chosen from the books and gateways the seeds name.
const STATUS_WORDS = new Map<string, StatusMeaning>();
const PAID_WORDS = [
	'paid',
	'fullypaid',
	'closed',
	'void',
	'voided',
	'cancelled',
	'canceled',
	'deleted',
	'writtenoff',
	'refunded',
	'succeeded',
	'completed',
];
const PENDING_WORDS = [
	'pending',
	'paymentpending',
	'processing',
	'paymentprocessing',
	'inprogress',
	'requirescapture',
];
const ACTION_WORDS = ['actionrequired', 'paymentactionrequired', 'requiresaction'];
for (const word of PAID_WORDS) STATUS_WORDS.set(word, 'paid');
for (const word of PENDING_WORDS) STATUS_WORDS.set(word, 'pending');
for (const word of ACTION_WORDS) STATUS_WORDS.set(word, 'action');

const PENDING_INTENT = new Set(['processing', 'requires_capture']);

// A declined PaymentIntent waits for another method, or was given up.
const DECLINED_INTENT = new Set(['requires_payment_method', 'canceled']);

const BAN_SIGNALS: Record<RetryBan['signal'], string> = {
	decline_code: 'decline code',
	advice_code: 'advice code',
	network_advice_code: 'card network advice code',
	network_decline_code: 'card network decline code',
};

/** A customer's facts (payments or pay links) by the invoice ids they name, indexed once. */
function byInvoice<T extends { invoiceIds: readonly string[] }>(
	cache: WeakMap<CustomerFacts, Map<string, T[]>>,
	facts: CustomerFacts,
	items: readonly T[],
): Map<string, T[]> {
	let index = cache.get(facts);
	if (index === undefined) {
		index = new Map();
		for (const item of items) {
			for (const invoiceId of item.invoiceIds) {
				const listed = index.get(invoiceId);
				if (listed === undefined) index.set(invoiceId, [item]);
				else listed.push(item);
			}
		}
		cache.set(facts, index);
	}
	return index;
}

// Read once: the test engine runs nodes in a vm context, where each read of a global such as
// Number costs a call into the context's interceptor, and this runs per invoice.
const { isFinite: isFiniteNumber } = Number;

function meaningOf(status: string): StatusMeaning {
	return STATUS_WORDS.get(status.toLowerCase().replace(/[^a-z]/g, '')) ?? 'other';
}

/** Caps in minor units per lowercase currency; undefined when no cap is set. */
function readCaps(caps: CurrencyCaps | undefined, label: string): Map<string, number> | undefined {
	if (caps === undefined || caps === null) return undefined;
	const byCurrency = new Map<string, number>();
	for (const [currency, value] of Object.entries(caps)) {
		const { code } = currencyRules(currency, label);
		byCurrency.set(code, parseAmount(value, code, `${label}.${code}`));
	}
	return byCurrency.size === 0 ? undefined : byCurrency;
}

function readCount(value: unknown, label: string, minimum: number): number {
	if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) {
		throw new CoreInputError(label, `${label} must be a whole number of at least ${minimum}`);
	}
	return value;
}

/** An id as text: a non-empty string or a finite number; undefined when unusable. */
function readId(value: unknown): string | undefined {
	if (typeof value === 'string') {
		const text = value.trim();
		return text === '' ? undefined : text;
	}
	if (typeof value === 'number' && isFiniteNumber(value)) return `${value}`;
	return undefined;
}

const MINUS = 45;
const ZERO = 48;

function hasRecurringId(value: unknown): boolean {
	if (typeof value === 'number') return value > 0;
	if (typeof value !== 'string') return false;
	const text = value.trim();
	if (text === '') return false;
	// Only a text starting with "-" or "0" can be one of the "none" ids.
	const first = text.charCodeAt(0);
	return (first !== MINUS && first !== ZERO) || !/^(?:-\d+|0+)$/.test(text);
}

function shown(minor: number, currency: string): string {
	return `${formatAmount(minor, currency)} ${currency.toUpperCase()}`;
}

function plural(count: number, unit: string): string {
	return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

export class AutoPayScan {
	/** today in the business zone, YYYY-MM-DD */
	readonly scanDay: string;

	readonly timeZone: string;

	readonly takePaymentOn: TakePaymentOn;

	private readonly calendar: BusinessCalendar;

	private readonly today: number;

	private readonly earliestDay: number;

	private readonly catchUpDays: number;

	private readonly recurringOnly: boolean;

	private readonly checkStripe: boolean;

	private readonly defaultCurrency: string | undefined;

	private readonly dateField: 'createdAt' | 'dueDate';

	private readonly fieldNames: Record<InvoiceField, string>;

	private readonly maxPerInvoice: Map<string, number> | undefined;

	private readonly maxTotalPerRun: Map<string, number> | undefined;

	private readonly maxChargesPerRun: number | undefined;

	private readonly seenIds = new SeenIds();

	private readonly tally = new RunTally<SkipReason>(SKIP_REASONS);

	// What repeats across the invoices of a run is worked out once (see Memo).
	private readonly dayTexts = new Memo<number, string>();

	private readonly statusMeanings = new Memo<string, StatusMeaning>();

	/** by currency value as the invoices write it ("usd", "USD ") */
	private readonly currencies = new Memo<string, CurrencyMemos>();

	/** by currency code */
	private readonly byCurrency = new Map<string, CurrencyMemos>();

	/** the idempotency key of a charge: paymentIdempotencyKey of this scan's attempts */
	private readonly keyFor: (invoiceIds: string[], amountMinor: number, currency: string) => string;

	// The ends of the frequent skip messages, per payment day or status word: a message is then
	// "Invoice <id>" and one shared end, not a new string built of every part for each invoice.
	private readonly notDueEnds = new Memo<number, string>();

	private readonly lateEnds = new Memo<number, string>();

	private readonly statusEnds: Record<'paid' | 'pending' | 'action', Memo<string, string>> = {
		paid: new Memo(),
		pending: new Memo(),
		action: new Memo(),
	};

	private readonly paymentsByInvoice = new WeakMap<
		CustomerFacts,
		Map<string, StripePaymentFact[]>
	>();

	private readonly payLinksByInvoice = new WeakMap<
		CustomerFacts,
		Map<string, StripePayLinkFact[]>
	>();

	constructor(settings: ScanSettings) {
		if (settings.takePaymentOn !== 'creationDate' && settings.takePaymentOn !== 'dueDate') {
			throw new CoreInputError(
				'takePaymentOn',
				`When to take payment must be "creationDate" or "dueDate", not "${String(settings.takePaymentOn)}"`,
			);
		}
		this.takePaymentOn = settings.takePaymentOn;
		this.dateField = settings.takePaymentOn === 'dueDate' ? 'dueDate' : 'createdAt';
		this.calendar = new BusinessCalendar(settings.timeZone, 'timeZone');
		this.timeZone = this.calendar.timeZone;
		this.today = this.calendar.dayOf(settings.asOf, 'asOf');
		this.scanDay = formatEpochDay(this.today);
		this.keyFor = paymentIdempotencyKeys({
			provider: 'stripe',
			purpose: 'autopay',
			day: this.scanDay,
		});
		this.catchUpDays =
			settings.catchUpDays === undefined
				? DEFAULT_CATCH_UP_DAYS
				: readCount(settings.catchUpDays, 'catchUpDays', 0);
		this.earliestDay = this.today - this.catchUpDays;
		this.recurringOnly = settings.recurringOnly ?? true;
		this.checkStripe = settings.checkStripe ?? false;
		this.defaultCurrency =
			settings.defaultCurrency === undefined || settings.defaultCurrency === ''
				? undefined
				: currencyRules(settings.defaultCurrency, 'defaultCurrency').code;
		this.maxPerInvoice = readCaps(settings.maxPerInvoice, 'maxPerInvoice');
		this.maxTotalPerRun = readCaps(settings.maxTotalPerRun, 'maxTotalPerRun');
		this.maxChargesPerRun =
			settings.maxChargesPerRun === undefined
				? undefined
				: readCount(settings.maxChargesPerRun, 'maxChargesPerRun', 1);
		const names = settings.fieldNames ?? {};
		this.fieldNames = {
			id: names.id ?? 'id',
			customerId: names.customerId ?? 'customerId',
			balance: names.balance ?? 'balance',
			currency: names.currency ?? 'currency',
			createdAt: names.createdAt ?? 'createdAt',
			dueDate: names.dueDate ?? 'dueDate',
			recurringInvoiceId: names.recurringInvoiceId ?? 'recurringInvoiceId',
			status: names.status ?? 'status',
			paymentStatus: names.paymentStatus ?? 'paymentStatus',
		};
	}

	/** Decides one invoice. Call in input order; `customerFacts` is read only with checkStripe. */
	classify(fields: InvoiceFields, customerFacts?: CustomerFacts): Decision {
		const invoice = this.read(fields);
		// Every readable id is remembered, so no later item with it is ever charged.
		const duplicate = invoice.invoiceId !== undefined && !this.seenIds.add(invoice.invoiceId);
		if ('action' in invoice) return this.record(invoice);
		if (duplicate) {
			return this.record(
				skip(
					'DUPLICATE_IN_INPUT',
					invoice,
					`Invoice ${invoice.invoiceId} appears more than once in the input; only its first item is considered`,
				),
			);
		}
		const refusal =
			this.booksRules(invoice, fields) ??
			(this.checkStripe ? this.stripeRules(invoice, customerFacts) : undefined) ??
			this.capRules(invoice);
		if (refusal !== undefined) return this.record(refusal);

		const { invoiceId, customerId, currency, amountMinor } = invoice;
		this.tally.recordCharge(currency, amountMinor);
		const charge: ChargeDecision = {
			action: 'charge',
			invoiceId,
			customerId,
			amountMinor,
			amount: this.amountText(amountMinor, invoice.money),
			currency,
			scanDay: this.scanDay,
			paymentDay: invoice.paymentDay,
			daysLate: this.today - invoice.paymentEpochDay,
			takePaymentOn: this.takePaymentOn,
			idempotencyKey: this.keyFor([invoiceId], amountMinor, currency),
		};
		// With Check Stripe, whom and with what to charge (stripeRules made sure both exist).
		if (
			this.checkStripe &&
			customerFacts?.stripeCustomerId &&
			customerFacts.automaticPaymentMethod
		) {
			charge.stripeCustomerId = customerFacts.stripeCustomerId;
			charge.stripeCustomerEmail = customerFacts.stripeCustomerEmail ?? null;
			charge.paymentMethod = customerFacts.automaticPaymentMethod;
		}
		return charge;
	}

	/**
	 * With Check Stripe: whether this invoice passes every rule that needs no Stripe data
	 * (duplicates and caps aside), i.e. whether its customer's Stripe facts can change anything.
	 * Leaves the run as it was.
	 */
	needsCustomerFacts(fields: InvoiceFields): boolean {
		if (!this.checkStripe) return false;
		const invoice = this.read(fields);
		return !('action' in invoice) && this.booksRules(invoice, fields) === undefined;
	}

	summary(): RunSummary<SkipReason> {
		return this.tally.summary({
			scanDay: this.scanDay,
			timeZone: this.timeZone,
			takePaymentOn: this.takePaymentOn,
		});
	}

	/** Rule 1: the fields every decision needs, or INVALID_FIELD (not yet counted). */
	private read(fields: InvoiceFields): ReadInvoice | SkipDecision {
		const invoiceId = readId(fields.id);
		if (invoiceId === undefined) {
			return this.invalid(undefined, 'id', 'The invoice has no id, so it cannot be paid safely');
		}
		const customerId = readId(fields.customerId);
		if (customerId === undefined) {
			return this.invalid(invoiceId, 'customerId', `Invoice ${invoiceId} has no customer id`);
		}
		let field: InvoiceField = 'currency';
		try {
			const money = this.currencyOf(fields.currency);
			field = 'balance';
			const amountMinor = this.balanceMinor(fields.balance, money);
			field = this.dateField;
			const paymentEpochDay = this.calendar.dayOf(fields[field], this.fieldNames[field]);
			return {
				invoiceId,
				customerId,
				currency: money.code,
				money,
				amountMinor,
				paymentEpochDay,
				paymentDay: this.dayText(paymentEpochDay),
			};
		} catch (error) {
			const problem = asInputError(error).message;
			return this.invalid(
				invoiceId,
				field,
				`Invoice ${invoiceId} has an unusable ${this.fieldNames[field]}: ${problem}`,
			);
		}
	}

	/** Rules 3-10: what the books and the calendar say. */
	private booksRules(invoice: ReadInvoice, fields: InvoiceFields): SkipDecision | undefined {
		const { invoiceId: id, amountMinor, currency, paymentDay: day } = invoice;
		if (this.recurringOnly && !hasRecurringId(fields.recurringInvoiceId)) {
			return skip(
				'NOT_RECURRING',
				invoice,
				`Invoice ${id} is not linked to a recurring invoice, and only recurring invoices are paid automatically`,
			);
		}
		const status = this.statusMeaning(fields.status);
		const paymentStatus = this.statusMeaning(fields.paymentStatus);
		if (status === 'paid' || paymentStatus === 'paid') {
			const end = this.statusEnd('paid', status, fields);
			return skip('ALREADY_PAID', invoice, `Invoice ${id}${end}`);
		}
		if (amountMinor <= 0) {
			const what = amountMinor < 0 ? 'a credit balance' : 'a balance';
			return skip(
				'ZERO_BALANCE',
				invoice,
				`Invoice ${id} has ${what} of ${shown(amountMinor, currency)}, so there is nothing to charge`,
			);
		}
		const problem = this.balanceProblem(amountMinor, invoice.money);
		if (problem !== '') {
			return this.invalid(id, 'balance', `Invoice ${id} cannot be charged: ${problem}`, day);
		}
		const paymentDay = invoice.paymentEpochDay;
		if (paymentDay > this.today) {
			const end =
				this.notDueEnds.get(paymentDay) ?? this.notDueEnds.set(paymentDay, this.notDueEnd(day));
			return skip('NOT_DUE_YET', invoice, `Invoice ${id}${end}`);
		}
		if (paymentDay < this.earliestDay) {
			const end =
				this.lateEnds.get(paymentDay) ??
				this.lateEnds.set(paymentDay, this.lateEnd(paymentDay, day));
			return skip('OUTSIDE_CATCH_UP_WINDOW', invoice, `Invoice ${id}${end}`);
		}
		if (status === 'pending' || paymentStatus === 'pending') {
			const end = this.statusEnd('pending', status, fields);
			return skip('PAYMENT_PENDING', invoice, `Invoice ${id}${end}`);
		}
		if (status === 'action' || paymentStatus === 'action') {
			const end = this.statusEnd('action', status, fields);
			return skip('ACTION_REQUIRED', invoice, `Invoice ${id}${end}`);
		}
		return undefined;
	}

	/** NOT_DUE_YET's message after "Invoice <id>". */
	private notDueEnd(day: string): string {
		const when = this.takePaymentOn === 'dueDate' ? 'is due on' : 'was created on';
		return ` ${when} ${day}, after today (${this.scanDay} in ${this.timeZone})`;
	}

	/** OUTSIDE_CATCH_UP_WINDOW's message after "Invoice <id>". */
	private lateEnd(paymentDay: number, day: string): string {
		const when = this.takePaymentOn === 'dueDate' ? 'was due on' : 'was created on';
		const ago = plural(this.today - paymentDay, 'day');
		const window = plural(this.catchUpDays, 'day');
		return ` ${when} ${day}, ${ago} ago, outside the catch-up window of ${window} (today is ${this.scanDay} in ${this.timeZone})`;
	}

	/**
	 * The message after "Invoice <id>" when the books' status says paid, pending or action
	 * required, quoting the status field that says so (status before paymentStatus).
	 */
	private statusEnd(
		meaning: 'paid' | 'pending' | 'action',
		status: StatusMeaning,
		fields: InvoiceFields,
	): string {
		const word = String(status === meaning ? fields.status : fields.paymentStatus);
		const ends = this.statusEnds[meaning];
		const known = ends.get(word);
		if (known !== undefined) return known;
		if (meaning === 'paid')
			return ends.set(word, ` is marked "${word}" in the books, so nothing is owed`);
		if (meaning === 'pending')
			return ends.set(word, ` has a payment pending in the books ("${word}")`);
		return ends.set(
			word,
			` has a payment waiting for the customer to act ("${word}" in the books)`,
		);
	}

	/**
	 * Rules 11-17: the customer's PaymentIntents and pay links, Stripe customer, automatic method,
	 * and a decline on that method that must not be retried.
	 */
	private stripeRules(
		invoice: ReadInvoice,
		facts: CustomerFacts | undefined,
	): SkipDecision | undefined {
		const id = invoice.invoiceId;
		const intents = this.intentsFor(facts, id);
		if (intents !== undefined) {
			const pending = intents.find((intent) => PENDING_INTENT.has(intent.status));
			if (pending !== undefined) {
				return skipByPayment(
					'PAYMENT_PENDING',
					invoice,
					`Invoice ${id} has a Stripe payment ${pending.id} that is still ${pending.status}`,
					pending.id,
				);
			}
			const action = intents.find((intent) => intent.status === 'requires_action');
			if (action !== undefined) {
				return skipByPayment(
					'ACTION_REQUIRED',
					invoice,
					`Invoice ${id} has a Stripe payment ${action.id} waiting for the customer to act (requires_action)`,
					action.id,
				);
			}
			const paid = intents.find(
				(intent) => intent.status === 'succeeded' && intent.fullyRefunded !== true,
			);
			if (paid !== undefined) {
				return skipByPayment(
					'ALREADY_PAID',
					invoice,
					`Invoice ${id} was already paid in Stripe (${paid.id} succeeded)`,
					paid.id,
				);
			}
		}
		const payLink = facts?.payLinks?.length
			? byInvoice(this.payLinksByInvoice, facts, facts.payLinks).get(id)?.[0]
			: undefined;
		if (payLink !== undefined) {
			return skip(
				'PAYMENT_PENDING',
				invoice,
				`Invoice ${id} ${openPayLinkSentence(payLink.id, payLink.expiresAt)}`,
			);
		}
		const customer = invoice.customerId;
		if (!facts?.stripeCustomerId) {
			return skip(
				'NO_CUSTOMER_MAPPING',
				invoice,
				`Customer ${customer} of invoice ${id} is not mapped to a Stripe customer`,
			);
		}
		const method = facts.automaticPaymentMethod;
		if (!method?.id) {
			return skip(
				'NO_AUTOMATIC_METHOD',
				invoice,
				`Customer ${customer} of invoice ${id} has no automatic payment setup`,
			);
		}
		return intents === undefined ? undefined : forbiddenRetry(invoice, intents, method);
	}

	/** Rule 18: the caps, per invoice and for the run so far. */
	private capRules(invoice: ReadInvoice): SkipDecision | undefined {
		const { amountMinor, currency } = invoice;
		let why: string | undefined;
		if (this.maxPerInvoice !== undefined) {
			const cap = this.maxPerInvoice.get(currency);
			if (cap === undefined) {
				why = `no per-invoice cap is set for ${currency.toUpperCase()}, and caps are in use`;
			} else if (amountMinor > cap)
				why = `it is above the per-invoice cap of ${shown(cap, currency)}`;
		}
		if (
			why === undefined &&
			this.maxChargesPerRun !== undefined &&
			this.tally.chargeCount >= this.maxChargesPerRun
		) {
			why = `this run has reached its cap of ${plural(this.maxChargesPerRun, 'charge')}`;
		}
		if (why === undefined && this.maxTotalPerRun !== undefined) {
			const cap = this.maxTotalPerRun.get(currency);
			const total = this.tally.chargedMinor(currency) + amountMinor;
			if (cap === undefined) {
				why = `no per-run cap is set for ${currency.toUpperCase()}, and caps are in use`;
			} else if (total > cap) {
				why = `it would take this run's ${currency.toUpperCase()} total to ${formatAmount(total, currency)}, above the per-run cap of ${shown(cap, currency)}`;
			}
		}
		if (why === undefined) return undefined;
		return skip(
			'OVER_CAP',
			invoice,
			`Invoice ${invoice.invoiceId} (${shown(amountMinor, currency)}) is not charged: ${why}`,
		);
	}

	/** The customer's PaymentIntents for this invoice, indexed once per customer. */
	private intentsFor(
		facts: CustomerFacts | undefined,
		invoiceId: string,
	): StripePaymentFact[] | undefined {
		if (facts === undefined || facts.payments === undefined || facts.payments.length === 0) {
			return undefined;
		}
		return byInvoice(this.paymentsByInvoice, facts, facts.payments).get(invoiceId);
	}

	private statusMeaning(value: unknown): StatusMeaning {
		if (typeof value !== 'string' || value === '') return 'other';
		return this.statusMeanings.get(value) ?? this.statusMeanings.set(value, meaningOf(value));
	}

	private dayText(day: number): string {
		return this.dayTexts.get(day) ?? this.dayTexts.set(day, formatEpochDay(day));
	}

	/**
	 * The currency of an invoice, from its currency value (the default currency when it has
	 * none); CoreInputError when Stripe does not charge in it.
	 */
	private currencyOf(value: unknown): CurrencyMemos {
		if (typeof value !== 'string') return this.memosOf(this.currencyCode(value));
		return (
			this.currencies.get(value) ??
			this.currencies.set(value, this.memosOf(this.currencyCode(value)))
		);
	}

	private currencyCode(value: unknown): string {
		const none =
			value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
		if (none && this.defaultCurrency !== undefined) return this.defaultCurrency;
		return currencyRules(value, 'currency').code;
	}

	private memosOf(code: string): CurrencyMemos {
		let memos = this.byCurrency.get(code);
		if (memos === undefined) {
			memos = { code, balances: new Memo(), problems: new Memo(), amounts: new Memo() };
			this.byCurrency.set(code, memos);
		}
		return memos;
	}

	/** The balance in minor units of the currency (see signedMinor). */
	private balanceMinor(value: unknown, { code, balances }: CurrencyMemos): number {
		if (typeof value !== 'string') return signedMinor(value, code);
		return balances.get(value) ?? balances.set(value, signedMinor(value, code));
	}

	/** What stops Stripe charging this balance (see chargeProblem); '' when nothing does. */
	private balanceProblem(minor: number, { code, problems }: CurrencyMemos): string {
		return problems.get(minor) ?? problems.set(minor, chargeProblem(minor, code));
	}

	/** formatAmount, for the charges of a run (which often share amounts). */
	private amountText(minor: number, { code, amounts }: CurrencyMemos): string {
		return amounts.get(minor) ?? amounts.set(minor, formatAmount(minor, code));
	}

	private record(decision: SkipDecision): SkipDecision {
		this.tally.recordSkip(decision.reason);
		return decision;
	}

	private invalid(
		invoiceId: string | undefined,
		field: InvoiceField,
		message: string,
		paymentDay?: string,
	): SkipDecision {
		const decision: SkipDecision = {
			action: 'skip',
			reason: 'INVALID_FIELD',
			message,
			field: this.fieldNames[field],
		};
		if (invoiceId !== undefined) decision.invoiceId = invoiceId;
		if (paymentDay !== undefined) decision.paymentDay = paymentDay;
		return decision;
	}
}

/** A currency of the run, and what a scan works out once for it: invoices share amounts. */
interface CurrencyMemos {
	/** lowercase ISO code */
	code: string;
	/** balance text -> minor units */
	balances: Memo<string, number>;
	/** minor units -> chargeProblem */
	problems: Memo<number, string>;
	/** minor units -> formatAmount */
	amounts: Memo<number, string>;
}

/** An invoice whose fields could all be read (rule 1 passed). */
interface ReadInvoice {
	invoiceId: string;
	customerId: string;
	currency: string;
	money: CurrencyMemos;
	/** the balance; negative for a credit */
	amountMinor: number;
	paymentEpochDay: number;
	paymentDay: string;
}

function skip(reason: SkipReason, invoice: ReadInvoice, message: string): SkipDecision {
	return {
		action: 'skip',
		reason,
		message,
		invoiceId: invoice.invoiceId,
		paymentDay: invoice.paymentDay,
	};
}

/** A skip a PaymentIntent decided: the same shape plus its id (rare, so the common shape stays). */
function skipByPayment(
	reason: SkipReason,
	invoice: ReadInvoice,
	message: string,
	paymentId: string,
): SkipDecision {
	return { ...skip(reason, invoice, message), paymentId };
}

/**
 * Rule 17: DO_NOT_RETRY when a PaymentIntent of the invoice (newest first) was declined on
 * `method` with a decline that forbids a retry. A decline that does not name its method counts
 * as made on this one: an unknown method is no proof that the method changed.
 */
function forbiddenRetry(
	invoice: ReadInvoice,
	intents: readonly StripePaymentFact[],
	method: { id: string; label: string },
): SkipDecision | undefined {
	for (const intent of intents) {
		const decline = intent.lastDecline;
		if (decline === undefined || !DECLINED_INTENT.has(intent.status)) continue;
		if ((decline.paymentMethodId ?? method.id) !== method.id) continue;
		const ban = retryBan(decline);
		if (ban === undefined) continue;
		return {
			...skipByPayment(
				'DO_NOT_RETRY',
				invoice,
				`Invoice ${invoice.invoiceId} is not charged again: its payment ${intent.id} was declined on ${method.label} (${method.id}) with ${BAN_SIGNALS[ban.signal]} ${ban.code} (${ban.meaning}), which the card networks forbid retrying; it is charged once customer ${invoice.customerId} has another automatic payment method`,
				intent.id,
			),
			declineCode: ban.code,
		};
	}
	return undefined;
}

/** assertChargeable's message for a balance, or '' when Stripe can charge it. */
function chargeProblem(minor: number, currency: string): string {
	try {
		assertChargeable(minor, currency, 'balance');
		return '';
	} catch (error) {
		return asInputError(error).message;
	}
}

/** The balance in minor units; a leading minus is a credit, kept negative for ZERO_BALANCE. */
function signedMinor(value: unknown, currency: string): number {
	if (typeof value === 'number' && value < 0) return -parseAmount(-value, currency, 'balance');
	if (typeof value === 'string') {
		const text = value.trim();
		if (text.startsWith('-')) return -parseAmount(text.slice(1), currency, 'balance');
	}
	return parseAmount(value, currency, 'balance');
}

export function createScan(settings: ScanSettings): AutoPayScan {
	return new AutoPayScan(settings);
}

/**
 * What one scan works out once and looks up after that: the speed of a million-invoice run lives
 * here, so the rules and the reading say only what they decide.
 *
 * A run meets the same currencies, balances, payment days and status words again and again. Each
 * is worked out once (a Memo: bounded, so a run of one-off values holds no million of them):
 * - a currency value as written ("usd", "USD ") -> its code and the memos of that currency:
 *   balance text -> minor units, minor units -> what stops Stripe charging it, minor units ->
 *   its decimal text. Every invoice carries its currency's memos, so no lookup repeats.
 * - an epoch day -> YYYY-MM-DD; a status word -> what it means.
 * - the frequent skip sentences: "Invoice <id>" and one end shared by every invoice with that
 *   payment day or status word, not a new string built of every part for each invoice.
 * - a customer's Stripe facts -> their payments and pay links by invoice id, indexed once per
 *   customer (the facts object is the same for all of a customer's invoices).
 * - the retry policy's verdict of the invoice being decided: the rules that read it and the
 *   charge ask for it in turn (one invoice at a time, so the last one is remembered).
 */
import { Memo } from '../memo';
import { formatAmount } from '../money/money';
import { formatEpochDay } from './dates';
import { chargeProblem, currencyCode, signedMinor, statusMeaning } from './invoiceValues';
import type { SayingMeaning, StatusMeaning } from './invoiceValues';
import { booksStatusEnd, invoiceSentence, notDueYetEnd, outsideCatchUpWindowEnd } from './messages';
import type { ReadInvoice } from './reading';
import { judgeRetry, readRetrySchedule } from './retryPolicy';
import type { RetryContext, RetryVerdict } from './retryPolicy';
import type { ScanConfig } from './settings';
import type { CustomerFacts, StripePayLinkFact, StripePaymentFact } from './types';

/** A currency of the run, and what a scan works out once for it: invoices share amounts. */
export interface CurrencyMemos {
	/** lowercase ISO code */
	code: string;
	/** balance text -> minor units */
	balances: Memo<string, number>;
	/** minor units -> chargeProblem */
	problems: Memo<number, string>;
	/** minor units -> formatAmount */
	amounts: Memo<number, string>;
}

/** A books status value: what it means, and the word as written (skip messages quote it). */
export interface BooksStatus {
	meaning: StatusMeaning;
	word: string;
}

/** Not a string, or empty: says nothing. */
const NO_STATUS: BooksStatus = { meaning: 'other', word: '' };

export class ScanCaches {
	/** by currency value as the invoices write it ("usd", "USD ") */
	private readonly currencies = new Memo<string, CurrencyMemos>();

	/** by currency code */
	private readonly byCode = new Map<string, CurrencyMemos>();

	private readonly dayTexts = new Memo<number, string>();

	private readonly statuses = new Memo<string, BooksStatus>();

	private readonly notDueEnds = new Memo<number, string>();

	private readonly lateEnds = new Memo<number, string>();

	private readonly statusEnds: Record<SayingMeaning, Memo<string, string>> = {
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

	private lastRetryInvoice: ReadInvoice | undefined;

	private lastRetryFacts: CustomerFacts | undefined;

	private lastRetryVerdict: RetryVerdict | undefined;

	/** the policy's context; with the policy off, the schedule only shapes unused fields */
	private readonly retryContext: RetryContext;

	constructor(private readonly config: ScanConfig) {
		this.retryContext = {
			schedule: config.retry ?? readRetrySchedule(undefined),
			calendar: config.calendar,
			today: config.today,
		};
	}

	/** The invoice's currency (see currencyCode); CoreInputError when Stripe does not charge in it. */
	currency(value: unknown): CurrencyMemos {
		if (typeof value !== 'string')
			return this.memosOf(currencyCode(value, this.config.defaultCurrency));
		return (
			this.currencies.get(value) ??
			this.currencies.set(value, this.memosOf(currencyCode(value, this.config.defaultCurrency)))
		);
	}

	/** The balance in minor units of the currency (see signedMinor); CoreInputError when unreadable. */
	balanceMinor(value: unknown, { code, balances }: CurrencyMemos): number {
		if (typeof value !== 'string') return signedMinor(value, code);
		return balances.get(value) ?? balances.set(value, signedMinor(value, code));
	}

	/** YYYY-MM-DD of an epoch day. */
	dayText(day: number): string {
		return this.dayTexts.get(day) ?? this.dayTexts.set(day, formatEpochDay(day));
	}

	status(value: unknown): BooksStatus {
		if (typeof value !== 'string' || value === '') return NO_STATUS;
		return (
			this.statuses.get(value) ??
			this.statuses.set(value, { meaning: statusMeaning(value), word: value })
		);
	}

	/** What stops Stripe charging the invoice's balance (see chargeProblem); '' when nothing does. */
	chargeProblem({ amountMinor, money }: ReadInvoice): string {
		const { code, problems } = money;
		return problems.get(amountMinor) ?? problems.set(amountMinor, chargeProblem(amountMinor, code));
	}

	/** The invoice's balance as a decimal (formatAmount): the charges of a run often share one. */
	amountText({ amountMinor, money }: ReadInvoice): string {
		const { code, amounts } = money;
		return amounts.get(amountMinor) ?? amounts.set(amountMinor, formatAmount(amountMinor, code));
	}

	/** NOT_DUE_YET's sentence. */
	notDueYet(invoice: ReadInvoice): string {
		const day = invoice.paymentEpochDay;
		const end =
			this.notDueEnds.get(day) ??
			this.notDueEnds.set(day, notDueYetEnd(this.config, invoice.paymentDay));
		return invoiceSentence(invoice.invoiceId, end);
	}

	/** OUTSIDE_CATCH_UP_WINDOW's sentence. */
	outsideCatchUpWindow(invoice: ReadInvoice): string {
		const day = invoice.paymentEpochDay;
		const end =
			this.lateEnds.get(day) ??
			this.lateEnds.set(day, outsideCatchUpWindowEnd(this.config, day, invoice.paymentDay));
		return invoiceSentence(invoice.invoiceId, end);
	}

	/** The sentence of a skip decided by a books status word that means paid, pending or action. */
	booksStatus(invoice: ReadInvoice, meaning: SayingMeaning, word: string): string {
		const ends = this.statusEnds[meaning];
		const end = ends.get(word) ?? ends.set(word, booksStatusEnd(meaning, word));
		return invoiceSentence(invoice.invoiceId, end);
	}

	/** The customer's PaymentIntents for this invoice (newest first); undefined when none. */
	paymentsFor(facts: CustomerFacts | undefined, invoiceId: string) {
		if (!facts?.payments?.length) return undefined;
		return byInvoice(this.paymentsByInvoice, facts, facts.payments).get(invoiceId);
	}

	/** The customer's open pay links for this invoice; undefined when none. */
	payLinksFor(facts: CustomerFacts | undefined, invoiceId: string) {
		if (!facts?.payLinks?.length) return undefined;
		return byInvoice(this.payLinksByInvoice, facts, facts.payLinks).get(invoiceId);
	}

	/**
	 * The retry policy's verdict (retryPolicy.ts) on the invoice's failed attempts with the
	 * customer's automatic method; undefined with no failed attempt or no automatic method.
	 */
	retryVerdict(invoice: ReadInvoice, facts: CustomerFacts | undefined): RetryVerdict | undefined {
		if (invoice === this.lastRetryInvoice && facts === this.lastRetryFacts) {
			return this.lastRetryVerdict;
		}
		const method = facts?.automaticPaymentMethod;
		const payments = this.paymentsFor(facts, invoice.invoiceId);
		const verdict =
			method && payments !== undefined
				? judgeRetry(payments, method, this.retryContext)
				: undefined;
		this.lastRetryInvoice = invoice;
		this.lastRetryFacts = facts;
		this.lastRetryVerdict = verdict;
		return verdict;
	}

	private memosOf(code: string): CurrencyMemos {
		let memos = this.byCode.get(code);
		if (memos === undefined) {
			memos = { code, balances: new Memo(), problems: new Memo(), amounts: new Memo() };
			this.byCode.set(code, memos);
		}
		return memos;
	}
}

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

/**
 * Auto-pay scan: which invoices to charge today, and for every other invoice the one reason why
 * not. Framework-free; the n8n node maps its parameters and items in and the decisions out.
 *
 * API
 * ```ts
 * const scan = createScan(settings);       // validates settings (CoreInputError naming them)
 * scan.scanDay;                            // 'YYYY-MM-DD': today in the business zone
 * const invoice = scan.read(fields);       // rule 1: the item's values, read and checked once
 * scan.needsCustomerFacts(invoice);        // Check Stripe: is this customer's Stripe read needed?
 * scan.classify(invoice, customerFacts?);  // Decision, in input order (the scan has state)
 * scan.summary();                          // RunSummary: counts per reason, totals per currency
 * ```
 * `needsCustomerFacts` and `classify` also take an item's raw fields (they read them first).
 * One scan object per run: it remembers the invoice ids it has seen (DUPLICATE_IN_INPUT) and what
 * it has decided to charge (per-run caps). `classify` never throws for bad invoice data; a bad
 * field is an INVALID_FIELD skip naming the item's field.
 *
 * The rules and their order: rules.ts. The modules: types.ts (what goes in and out), settings.ts,
 * reading.ts (rule 1), rules.ts, messages.ts (every skip sentence), decisions.ts (their shapes),
 * caches.ts (what a run works out once), summary.ts, seenIds.ts, dates.ts.
 *
 * With Check Stripe the shell reads what Stripe knows before it classifies, once per run (for
 * many customers in pages of the whole account, not per customer) and passes each customer's
 * facts with each of their invoices. `needsCustomerFacts` says whether an invoice gets past every
 * rule that needs no Stripe data (duplicates and caps aside), so the shell can read only for
 * customers with such an invoice; a customer read for none of them may be passed as undefined,
 * and facts passed with an invoice that does not need them change nothing, because every Stripe
 * rule comes after every books rule.
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
 * amountMinor, currency, day: scanDay }), so the same input on the same day gives the same key
 * (pinned across releases: first charges and scheduled retries keep it). A charge made because
 * the automatic method changed since the invoice's failed attempts (retryPolicy.ts) adds
 * `paymentMethod: <the new method's id>`: the failure may be today's, made under the plain key,
 * and the same key again would replay that decline instead of charging the new method. Two runs
 * charging the same new method on one day still share one key.
 *
 * Retry policy (Check Stripe, on by default): an invoice whose charges failed is charged only on
 * its schedule's days (rules 18-21, retryPolicy.ts); such a charge carries `recovery` (types.ts).
 */
import { paymentIdempotencyKey, paymentIdempotencyKeys } from '../payments/idempotency';
import { ScanCaches } from './caches';
import { charge } from './decisions';
import { isReadable, isReading, readInvoice } from './reading';
import type { InvoiceReading, ReadInvoice } from './reading';
import { booksRule, firstBrokenRule } from './rules';
import type { RuleRun } from './rules';
import { SeenIds } from './seenIds';
import { readScanSettings } from './settings';
import type { ScanConfig } from './settings';
import { RunTally, type RunSummary } from './summary';
import { SKIP_REASONS } from './types';
import type {
	CustomerFacts,
	Decision,
	InvoiceFields,
	ScanSettings,
	SkipDecision,
	SkipReason,
	TakePaymentOn,
} from './types';

/** One run of the scan (createScan). */
export class ScanRun {
	/** today in the business zone, YYYY-MM-DD */
	readonly scanDay: string;

	readonly timeZone: string;

	readonly takePaymentOn: TakePaymentOn;

	private readonly config: ScanConfig;

	private readonly caches: ScanCaches;

	private readonly tally = new RunTally<SkipReason>(SKIP_REASONS);

	private readonly run: RuleRun;

	/** the idempotency key of a charge: paymentIdempotencyKey of this scan's attempts */
	private readonly keyFor: (invoiceIds: string[], amountMinor: number, currency: string) => string;

	constructor(settings: ScanSettings) {
		const config = readScanSettings(settings);
		this.config = config;
		this.scanDay = config.scanDay;
		this.timeZone = config.timeZone;
		this.takePaymentOn = config.takePaymentOn;
		this.caches = new ScanCaches(config);
		this.run = { config, caches: this.caches, seenIds: new SeenIds(), tally: this.tally };
		this.keyFor = paymentIdempotencyKeys({
			provider: 'stripe',
			purpose: 'autopay',
			day: config.scanDay,
		});
	}

	/** Rule 1: the item's values, read and checked once, for needsCustomerFacts and classify. */
	read(fields: InvoiceFields): InvoiceReading {
		return readInvoice(fields, this.config, this.caches);
	}

	/** Decides one invoice. Call in input order; `customerFacts` is read only with checkStripe. */
	classify(invoice: InvoiceFields | InvoiceReading, customerFacts?: CustomerFacts): Decision {
		const reading = isReading(invoice) ? invoice : this.read(invoice);
		if (!isReadable(reading)) {
			// Its id is remembered all the same, so no later item with it is ever charged (rule 2).
			if (reading.invoiceId !== undefined) this.run.seenIds.add(reading.invoiceId);
			return this.skipped(reading.skip);
		}
		const skip = firstBrokenRule(reading, this.run, customerFacts);
		if (skip !== undefined) return this.skipped(skip);
		this.tally.recordCharge(reading.currency, reading.amountMinor);
		const verdict = this.config.checkStripe
			? this.caches.retryVerdict(reading, customerFacts)
			: undefined;
		const retry = verdict?.kind === 'charge' ? verdict.recovery : undefined;
		const key = retry?.methodChanged
			? this.keyForNewMethod(reading, customerFacts?.automaticPaymentMethod?.id)
			: this.keyFor([reading.invoiceId], reading.amountMinor, reading.currency);
		const amount = this.caches.amountText(reading);
		const recovery = this.config.retry === undefined ? undefined : retry;
		return charge(reading, this.config, amount, key, customerFacts, recovery);
	}

	/** The key of a charge on a method other than the one the invoice's charges failed on. */
	private keyForNewMethod(reading: ReadInvoice, paymentMethod: string | undefined): string {
		return paymentIdempotencyKey({
			provider: 'stripe',
			purpose: 'autopay',
			invoiceIds: [reading.invoiceId],
			amountMinor: reading.amountMinor,
			currency: reading.currency,
			day: this.config.scanDay,
			paymentMethod,
		});
	}

	/**
	 * With Check Stripe: whether this invoice passes every rule that needs no Stripe data
	 * (duplicates and caps aside), i.e. whether its customer's Stripe facts can change anything.
	 * Leaves the run as it was.
	 */
	needsCustomerFacts(invoice: InvoiceReading): invoice is ReadInvoice;
	needsCustomerFacts(invoice: InvoiceFields): boolean;
	needsCustomerFacts(invoice: InvoiceFields | InvoiceReading): boolean {
		if (!this.config.checkStripe) return false;
		const reading = isReading(invoice) ? invoice : this.read(invoice);
		return isReadable(reading) && booksRule(reading, this.run) === undefined;
	}

	summary(): RunSummary<SkipReason> {
		return this.tally.summary({
			scanDay: this.scanDay,
			timeZone: this.timeZone,
			takePaymentOn: this.takePaymentOn,
		});
	}

	private skipped(decision: SkipDecision): SkipDecision {
		this.tally.recordSkip(decision.reason);
		return decision;
	}
}

export function createScan(settings: ScanSettings): ScanRun {
	return new ScanRun(settings);
}

/**
 * The run summary of an auto-pay scan: how many invoices were looked at, how many will be
 * charged, how many were skipped for each reason, and what will be charged per currency.
 *
 * Generic over the reason codes so it has no dependency on the rules; the scan hands in its
 * reason list, and every reason appears in `skippedByReason` (0 when unused) so the summary item
 * keeps one shape from run to run.
 */
import { formatAmount } from '../money/money';

export interface CurrencyTotal {
	/** lowercase ISO code */
	currency: string;
	/** invoices to charge in this currency */
	count: number;
	amountMinor: number;
	/** decimal string, e.g. "1250.00" */
	amount: string;
}

export interface RunSummary<Reason extends string = string> {
	/** the business day of the run, YYYY-MM-DD in `timeZone` */
	scanDay: string;
	timeZone: string;
	takePaymentOn: string;
	/** invoices classified */
	invoices: number;
	charged: number;
	skipped: number;
	skippedByReason: Record<Reason, number>;
	/** what the Charge output will take, keyed by lowercase currency, in currency order */
	chargeTotals: Record<string, CurrencyTotal>;
}

export interface RunContext {
	scanDay: string;
	timeZone: string;
	takePaymentOn: string;
}

/** Counts one run as it is classified; cheap enough to run on every item. */
export class RunTally<Reason extends string> {
	private readonly reasons: readonly Reason[];

	private readonly skips = new Map<Reason, number>();

	private readonly totals = new Map<string, { count: number; amountMinor: number }>();

	private charged = 0;

	private skipped = 0;

	constructor(reasons: readonly Reason[]) {
		this.reasons = reasons;
	}

	recordCharge(currency: string, amountMinor: number): void {
		this.charged += 1;
		const total = this.totals.get(currency);
		if (total === undefined) this.totals.set(currency, { count: 1, amountMinor });
		else {
			total.count += 1;
			total.amountMinor += amountMinor;
		}
	}

	recordSkip(reason: Reason): void {
		this.skipped += 1;
		this.skips.set(reason, (this.skips.get(reason) ?? 0) + 1);
	}

	/** What this currency's charges add up to so far (the per-run cap needs it). */
	chargedMinor(currency: string): number {
		return this.totals.get(currency)?.amountMinor ?? 0;
	}

	get chargeCount(): number {
		return this.charged;
	}

	summary(context: RunContext): RunSummary<Reason> {
		const skippedByReason = {} as Record<Reason, number>;
		for (const reason of this.reasons) skippedByReason[reason] = this.skips.get(reason) ?? 0;
		const chargeTotals: Record<string, CurrencyTotal> = {};
		for (const currency of [...this.totals.keys()].sort()) {
			const { count, amountMinor } = this.totals.get(currency)!;
			chargeTotals[currency] = {
				currency,
				count,
				amountMinor,
				amount: formatAmount(amountMinor, currency),
			};
		}
		return {
			scanDay: context.scanDay,
			timeZone: context.timeZone,
			takePaymentOn: context.takePaymentOn,
			invoices: this.charged + this.skipped,
			charged: this.charged,
			skipped: this.skipped,
			skippedByReason,
			chargeTotals,
		};
	}
}

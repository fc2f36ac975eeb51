/**
 * The run summary of an auto-pay scan: how many invoices were looked at, how many will be
 * charged, how many were skipped for each reason, and what will be charged per currency.
 *
 * Generic over the reason codes so it has no dependency on the rules; the scan hands in its
 * reason list, and every reason appears in `skippedByReason` (0 when unused) so the summary item
 * keeps one shape from run to run.
 */
import { formatAmount } from '../money/money';
import type { Money } from '../money/money';

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

/** One charge of a run as the recovery figures read it. */
export interface RecoveryCharge {
	/** how it ended: succeeded, failed, or anything else (processing, an error, not known yet) */
	outcome: 'succeeded' | 'failed' | 'other';
	/** the scan's recovery when the charge was a retry (types.ts Recovery); null for a first charge */
	recovery: { methodChanged?: boolean | null } | null;
	/** what it takes (the record's total, or the scan's amount in a preview); null when unknown */
	total: Money | null;
	/** a failed charge the retry policy tries again (failureOutlook.ts) */
	retryFollows: boolean;
}

/** How the retries of one run went (docs/recovery.md, "Figures"). */
export interface RecoveryFigures {
	/** charges of the run that failed */
	failed: number;
	/** charges that were retries: by the schedule, or because the automatic method changed */
	retried: { bySchedule: number; byMethodUpdate: number };
	/** of those, the ones that succeeded */
	recovered: { byRetry: number; byMethodUpdate: number };
	/** invoices the schedule tries again: skipped RETRY_SCHEDULED, and failed today with a retry to come */
	stillInSchedule: number;
	/** invoices whose schedule ended unpaid (RETRIES_EXHAUSTED) */
	exhausted: number;
	/** the money the retries took, per currency in currency order */
	recoveredTotals: Record<string, CurrencyTotal>;
	/** the money the retries asked for, per currency (a preview's "at stake") */
	retriedTotals: Record<string, CurrencyTotal>;
}

function addTo(totals: Map<string, { count: number; sum: Money }>, amount: Money): void {
	const total = totals.get(amount.currency);
	if (total === undefined) totals.set(amount.currency, { count: 1, sum: amount });
	else {
		total.count += 1;
		total.sum = total.sum.plus(amount);
	}
}

function currencyTotals(totals: Map<string, { count: number; sum: Money }>) {
	const shown: Record<string, CurrencyTotal> = {};
	for (const currency of [...totals.keys()].sort()) {
		const { count, sum } = totals.get(currency)!;
		shown[currency] = {
			currency,
			count,
			amountMinor: sum.minor,
			amount: formatAmount(sum.minor, currency),
		};
	}
	return shown;
}

/** The recovery figures of a run from its charges and the reasons of its skips. */
export function recoveryFigures(
	charges: readonly RecoveryCharge[],
	skipReasons: Iterable<string>,
): RecoveryFigures {
	const figures: RecoveryFigures = {
		failed: 0,
		retried: { bySchedule: 0, byMethodUpdate: 0 },
		recovered: { byRetry: 0, byMethodUpdate: 0 },
		stillInSchedule: 0,
		exhausted: 0,
		recoveredTotals: {},
		retriedTotals: {},
	};
	const recovered = new Map<string, { count: number; sum: Money }>();
	const retried = new Map<string, { count: number; sum: Money }>();
	for (const charge of charges) {
		if (charge.outcome === 'failed') {
			figures.failed += 1;
			if (charge.retryFollows) figures.stillInSchedule += 1;
		}
		if (charge.recovery === null) continue;
		const byMethodUpdate = charge.recovery.methodChanged === true;
		if (byMethodUpdate) figures.retried.byMethodUpdate += 1;
		else figures.retried.bySchedule += 1;
		if (charge.total !== null) addTo(retried, charge.total);
		if (charge.outcome !== 'succeeded') continue;
		if (byMethodUpdate) figures.recovered.byMethodUpdate += 1;
		else figures.recovered.byRetry += 1;
		if (charge.total !== null) addTo(recovered, charge.total);
	}
	for (const reason of skipReasons) {
		if (reason === 'RETRY_SCHEDULED') figures.stillInSchedule += 1;
		else if (reason === 'RETRIES_EXHAUSTED') figures.exhausted += 1;
	}
	figures.recoveredTotals = currencyTotals(recovered);
	figures.retriedTotals = currencyTotals(retried);
	return figures;
}

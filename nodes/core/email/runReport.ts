import { failureOutlook } from '../autopay/failureOutlook';
import type { FailedChargeRecord, RetryPolicySettings } from '../autopay/failureOutlook';
import { recoveryFigures } from '../autopay/summary';
import type { CurrencyTotal, RecoveryCharge, RecoveryFigures } from '../autopay/summary';
import type { Recovery } from '../autopay/types';
import { readLocale } from '../locale';
import { CoreInputError } from '../errors';
import { formatMoney, Money } from '../money/money';
import { parseFailureAddress } from './addresses';
import { renderListReport } from './layouts';
import { oneLine } from './plainText';
import type { MoneyLike } from './record';
import { moneyOf } from './record';

/**
 * The daily auto-pay's reports to the team: the run report (what was charged, how it went, what
 * was skipped and why) and its preview the evening before (what the run would charge; a dry run
 * that charges nothing). Both read the Auto-Pay Scan's Run Summary and its Skipped items.
 * Both carry the recovery figures of the retry policy (docs/recovery.md, "Figures"): what failed,
 * what the retries recovered (by the schedule, after a method update) and how much per currency,
 * what is still in the schedule, and what ended unpaid with the end action taken.
 */

export interface RunReportSkip {
	invoiceId?: string | null;
	reason?: string | null;
	message?: string | null;
}

export interface RunReportPayment {
	invoiceId?: string | null;
	paymentId?: string | null;
	status?: string | null;
	total?: MoneyLike | null;
	failure?: { code?: string | null; declineCode?: string | null; message?: string | null } | null;
	paymentMethod?: { id?: string | null; label?: string | null } | null;
	idempotencyKey?: string | null;
	/** the scan's recovery, on a retry */
	recovery?: Partial<Recovery> | null;
	existingPayment?: boolean | null;
	error?: string | null;
}

/** What the run does with an invoice whose retry schedule ended unpaid (docs/recovery.md). */
export type RecoveryEndAction = 'leaveOpen' | 'markInBooks' | 'webhook';

const END_ACTION_WORDS: Record<RecoveryEndAction, string> = {
	leaveOpen: 'left open',
	markInBooks: 'marked in the books',
	webhook: 'sent to your system',
};

export interface RunReportInput {
	/** the Auto-Pay Scan's Run Summary item */
	summary: {
		scanDay?: string;
		timeZone?: string;
		invoices?: number;
		charged?: number;
		skipped?: number;
	} | null;
	skipped: RunReportSkip[];
	payments: RunReportPayment[];
	to: string;
	businessName?: string | null;
	locale?: string | null;
	/** the scan's retry policy; absent or off: no recovery figures */
	retryPolicy?: RetryPolicySettings | null;
	/** what the run does with an invoice whose schedule ended; default leaveOpen */
	endAction?: RecoveryEndAction | null;
}

export interface RunReport {
	to: string;
	subject: string;
	text: string;
	html: string;
	counts: {
		invoices: number;
		charged: number;
		succeeded: number;
		failed: number;
		other: number;
		skipped: number;
	};
	/** absent when the retry policy is off */
	recovery?: RecoveryFigures;
}

/** The report address: required, one address. */
function reportAddress(value: unknown): string {
	const to = parseFailureAddress(value, 'reportAddress');
	if (!to) throw new CoreInputError('reportAddress', 'A report address is required');
	return to;
}

function skipLine(skip: RunReportSkip): string {
	return [oneLine(skip.invoiceId, '?'), oneLine(skip.reason, ''), oneLine(skip.message, '')]
		.filter(Boolean)
		.join(' - ');
}

/** The daily auto-pay report: what was charged, how it went, and every invoice skipped and why. */
export function composeRunReport(input: RunReportInput): RunReport {
	const to = reportAddress(input.to);
	const locale = readLocale(input.locale, 'locale');
	const payments = Array.isArray(input.payments) ? input.payments : [];
	const skipped = Array.isArray(input.skipped) ? input.skipped : [];
	const status = (p: RunReportPayment) => (p.error ? 'error' : String(p.status ?? 'unknown'));
	const succeeded = payments.filter((p) => status(p) === 'succeeded').length;
	const failed = payments.filter((p) =>
		['failed', 'requires_action', 'error'].includes(status(p)),
	).length;
	const day = oneLine(input.summary?.scanDay, 'today');
	const counts = {
		invoices: input.summary?.invoices ?? payments.length + skipped.length,
		charged: payments.length,
		succeeded,
		failed,
		other: payments.length - succeeded - failed,
		skipped: skipped.length,
	};
	const subject = `Auto-pay run ${day}: ${counts.succeeded} paid, ${counts.failed} failed, ${counts.skipped} skipped`;
	const policy = input.retryPolicy;
	const recovery =
		policy && policy.retryPolicy !== false
			? recoveryFigures(
					payments.map((payment) => recoveryChargeOf(payment, status(payment), policy)),
					skipped.map((skip) => String(skip.reason ?? '')),
				)
			: null;
	const endAction = readEndAction(input.endAction);
	// A total the report cannot read is left out of its line: the report still goes.
	const totalOf = (p: RunReportPayment) => {
		try {
			const total = moneyOf(p.total, 'total');
			return total === null ? '' : formatMoney(total.minor, total.currency, locale);
		} catch {
			return '';
		}
	};
	const paymentLines = payments.map((p) =>
		[
			oneLine(p.invoiceId, '?'),
			status(p),
			totalOf(p),
			p.existingPayment ? '(paid earlier)' : '',
			p.error ? oneLine(p.error, '') : p.failure?.message ? oneLine(p.failure.message, '') : '',
		]
			.filter(Boolean)
			.join(' - '),
	);
	const { text, html } = renderListReport({
		heading: `Auto-pay run of ${day}${input.summary?.timeZone ? ` (${input.summary.timeZone})` : ''}`,
		figures: [
			`Invoices looked at: ${counts.invoices}`,
			`Charged: ${counts.charged} (succeeded ${counts.succeeded}, failed ${counts.failed}, other ${counts.other})`,
			`Skipped: ${counts.skipped}`,
			...(recovery === null
				? []
				: [
						`Recovery: ${recovery.failed} failed, ${recovery.recovered.byRetry + recovery.recovered.byMethodUpdate} recovered (by retry ${recovery.recovered.byRetry}, by method update ${recovery.recovered.byMethodUpdate}), ${recovery.stillInSchedule} still in the retry schedule, ${recovery.exhausted} retries exhausted`,
						`Money recovered: ${totalsShown(recovery.recoveredTotals, locale)}`,
					]),
		],
		lists: [
			['Payments', paymentLines],
			['Skipped invoices', skipped.map(skipLine)],
			...(recovery === null
				? []
				: ([
						[
							`Retries exhausted (${END_ACTION_WORDS[endAction]})`,
							skipped.filter((skip) => skip.reason === 'RETRIES_EXHAUSTED').map(skipLine),
						],
					] as Array<[string, string[]]>)),
		],
		businessName: input.businessName,
	});
	return { to, subject, text, html, counts, ...(recovery === null ? {} : { recovery }) };
}

function readEndAction(value: unknown): RecoveryEndAction {
	if (value === undefined || value === null || value === '') return 'leaveOpen';
	if (typeof value === 'string' && value in END_ACTION_WORDS) return value as RecoveryEndAction;
	throw new CoreInputError(
		'endAction',
		`The end action must be one of ${Object.keys(END_ACTION_WORDS).join(', ')}, not "${String(value).slice(0, 40)}"`,
	);
}

/** A payment of the run as the recovery figures count it. */
function recoveryChargeOf(
	payment: RunReportPayment,
	status: string,
	policy: RetryPolicySettings,
): RecoveryCharge {
	let total: Money | null = null;
	try {
		total = moneyOf(payment.total, 'total');
	} catch {
		// a total the report cannot read is not counted in the money: the report still goes
	}
	const outcome = status === 'succeeded' ? 'succeeded' : status === 'failed' ? 'failed' : 'other';
	const outlook =
		outcome === 'failed' && typeof payment.invoiceId === 'string'
			? failureOutlook(payment as FailedChargeRecord, policy)
			: undefined;
	return {
		outcome,
		recovery: payment.recovery ?? null,
		total,
		retryFollows: outlook?.kind === 'retry',
	};
}

/** Sums per currency for people, "none" when there are none. */
function totalsShown(totals: Record<string, CurrencyTotal>, locale: string): string {
	const shown = Object.values(totals).map((total) =>
		formatMoney(total.amountMinor, total.currency, locale),
	);
	return shown.length ? shown.join(', ') : 'none';
}

/** One invoice the scan would charge: the Auto-Pay Scan's Charge decision (its `autoPay`). */
export interface PreviewCharge {
	invoiceId?: string | null;
	customerId?: string | null;
	amountMinor?: number | null;
	currency?: string | null;
	paymentDay?: string | null;
	daysLate?: number | null;
	paymentMethod?: { label?: string | null } | null;
	/** the scan's recovery when the charge is a retry */
	recovery?: Partial<Recovery> | null;
}

export interface AutoPayPreviewInput {
	/** the Auto-Pay Scan's Run Summary item, scanned as of the coming run */
	summary: {
		scanDay?: string;
		timeZone?: string;
		invoices?: number;
		chargeTotals?: Record<string, { amountMinor?: number; currency?: string }>;
	} | null;
	charges: PreviewCharge[];
	skipped: RunReportSkip[];
	to: string;
	businessName?: string | null;
	locale?: string | null;
	/** the scan's retry policy; absent or off: no recovery figures */
	retryPolicy?: RetryPolicySettings | null;
}

export interface AutoPayPreview {
	to: string;
	subject: string;
	text: string;
	html: string;
	counts: { invoices: number; wouldCharge: number; skipped: number };
	/** what would be charged per currency, formatted, e.g. ["$1,250.00", "€80.00"] */
	totals: string[];
	/** what the run would retry, and where the schedules stand; absent when the policy is off */
	recovery?: RecoveryFigures;
}

/**
 * What the next auto-pay run would charge, from a scan run as of that run's moment with nothing
 * charged: each invoice with its amount and payment method, totals per currency, and every
 * invoice that would be skipped and why. The Stripe guards are read now, so a payment made or
 * started before the run still removes its invoice then.
 */
export function composeAutoPayPreview(input: AutoPayPreviewInput): AutoPayPreview {
	const to = reportAddress(input.to);
	const locale = readLocale(input.locale, 'locale');
	const charges = Array.isArray(input.charges) ? input.charges : [];
	const skipped = Array.isArray(input.skipped) ? input.skipped : [];
	// An amount the preview cannot show reads "?": the preview still goes.
	const amountShown = (minor: number | null | undefined, currency: string | null | undefined) => {
		try {
			return typeof minor === 'number' && currency ? formatMoney(minor, currency, locale) : '?';
		} catch {
			return '?';
		}
	};
	const totals = Object.values(input.summary?.chargeTotals ?? {}).map((total) =>
		amountShown(total.amountMinor, total.currency),
	);
	const counts = {
		invoices: input.summary?.invoices ?? charges.length + skipped.length,
		wouldCharge: charges.length,
		skipped: skipped.length,
	};
	const day = oneLine(input.summary?.scanDay, 'the next run');
	const recovery =
		input.retryPolicy && input.retryPolicy.retryPolicy !== false
			? recoveryFigures(
					charges.map((charge) => ({
						outcome: 'other' as const,
						recovery: charge.recovery ?? null,
						total: previewMoney(charge),
						retryFollows: false,
					})),
					skipped.map((skip) => String(skip.reason ?? '')),
				)
			: null;
	const chargeLines = charges.map((charge) =>
		[
			oneLine(charge.invoiceId, '?'),
			oneLine(charge.customerId, '?'),
			amountShown(charge.amountMinor, charge.currency),
			charge.paymentMethod?.label ? oneLine(charge.paymentMethod.label, '') : '',
			charge.daysLate ? `payable since ${oneLine(charge.paymentDay, '?')}` : '',
			retryNote(charge.recovery),
		]
			.filter(Boolean)
			.join(' - '),
	);
	const totalsNote = totals.length ? ` (${totals.join(', ')})` : '';
	const subject = `Auto-pay preview for ${day}: ${counts.wouldCharge} to charge${totalsNote}, ${counts.skipped} skipped`;
	const { text, html } = renderListReport({
		heading: `Auto-pay preview: what the run of ${day}${
			input.summary?.timeZone ? ` (${input.summary.timeZone})` : ''
		} would charge. Nothing has been charged.`,
		figures: [
			`Invoices looked at: ${counts.invoices}`,
			`Would charge: ${counts.wouldCharge}${totalsNote}`,
			`Would skip: ${counts.skipped}`,
			...(recovery === null
				? []
				: [
						`Recovery: would retry ${recovery.retried.bySchedule} by the schedule and ${recovery.retried.byMethodUpdate} after a method update (${totalsShown(recovery.retriedTotals, locale)} at stake), ${recovery.stillInSchedule} still in the retry schedule, ${recovery.exhausted} retries exhausted`,
					]),
		],
		lists: [
			['To charge', chargeLines],
			['Skipped invoices', skipped.map(skipLine)],
		],
		businessName: input.businessName,
	});
	return { to, subject, text, html, counts, totals, ...(recovery === null ? {} : { recovery }) };
}

function previewMoney(charge: PreviewCharge): Money | null {
	try {
		return typeof charge.amountMinor === 'number' && charge.currency
			? Money.of(charge.amountMinor, charge.currency)
			: null;
	} catch {
		return null; // an amount the preview cannot read: not in the sums, the preview still goes
	}
}

/** How a preview line names a retry: after a method update, the last try, or a scheduled one. */
function retryNote(recovery: Partial<Recovery> | null | undefined): string {
	if (!recovery) return '';
	if (recovery.methodChanged) return 'retry: the automatic method changed';
	const since = `failing since ${oneLine(recovery.firstFailureDay, '?')}`;
	return recovery.lastTry ? `last retry (${since})` : `retry (${since})`;
}

import { readLocale } from '../locale';
import { CoreInputError } from '../errors';
import { formatMoney } from '../money/money';
import { parseFailureAddress } from './addresses';
import { renderListReport } from './layouts';
import { oneLine } from './plainText';
import type { MoneyLike } from './record';
import { moneyOf } from './record';

/**
 * The daily auto-pay's reports to the team: the run report (what was charged, how it went, what
 * was skipped and why) and its preview the evening before (what the run would charge; a dry run
 * that charges nothing). Both read the Auto-Pay Scan's Run Summary and its Skipped items.
 */

export interface RunReportSkip {
	invoiceId?: string | null;
	reason?: string | null;
	message?: string | null;
}

export interface RunReportPayment {
	invoiceId?: string | null;
	status?: string | null;
	total?: MoneyLike | null;
	failure?: { message?: string | null } | null;
	existingPayment?: boolean | null;
	error?: string | null;
}

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
		],
		lists: [
			['Payments', paymentLines],
			['Skipped invoices', skipped.map(skipLine)],
		],
		businessName: input.businessName,
	});
	return { to, subject, text, html, counts };
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
}

export interface AutoPayPreview {
	to: string;
	subject: string;
	text: string;
	html: string;
	counts: { invoices: number; wouldCharge: number; skipped: number };
	/** what would be charged per currency, formatted, e.g. ["$1,250.00", "€80.00"] */
	totals: string[];
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
	const chargeLines = charges.map((charge) =>
		[
			oneLine(charge.invoiceId, '?'),
			oneLine(charge.customerId, '?'),
			amountShown(charge.amountMinor, charge.currency),
			charge.paymentMethod?.label ? oneLine(charge.paymentMethod.label, '') : '',
			charge.daysLate ? `payable since ${oneLine(charge.paymentDay, '?')}` : '',
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
		],
		lists: [
			['To charge', chargeLines],
			['Skipped invoices', skipped.map(skipLine)],
		],
		businessName: input.businessName,
	});
	return { to, subject, text, html, counts, totals };
}

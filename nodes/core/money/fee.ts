import { CoreInputError } from '../errors';
import { Money, currencyRules } from './money';

/** Fee rates are kept as integer millionths (0.0001 % steps): 2.9 % -> 29_000. */
export const FEE_RATE_SCALE = 1_000_000;

const PERCENT = /^(\d{1,3})(?:\.(\d+))?$/;

/** Parses a processing-fee percentage: 0 to 100, at most four decimals, never via floats. */
export function parseFeePercent(value: unknown, field = 'feePercent'): number {
	if (value === undefined || value === null || value === '') return 0;
	const text =
		typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	const match = PERCENT.exec(text);
	if (!match) {
		throw new CoreInputError(
			field,
			`Fee percentage "${String(value)}" is not a number from 0 to 100`,
		);
	}
	const fraction = (match[2] ?? '').replace(/0+$/, '');
	if (fraction.length > 4) {
		throw new CoreInputError(field, `Fee percentage "${text}" has more than 4 decimals`);
	}
	const rate = Number(match[1]) * 10_000 + Number(fraction.padEnd(4, '0'));
	if (rate > 100 * 10_000) {
		throw new CoreInputError(field, `Fee percentage "${text}" is above 100`);
	}
	return rate;
}

/**
 * The fee on one amount, rounded half up once, straight to the currency's step (rounding to
 * minor units first and then to the step would round twice and drift).
 */
export function feeFor(amountMinor: number, feeRate: number, currency: string): number {
	const step = BigInt(currencyRules(currency).step);
	const scaled = BigInt(amountMinor) * BigInt(feeRate);
	const unit = BigInt(FEE_RATE_SCALE) * step;
	return Number(((scaled * 2n + unit) / (unit * 2n)) * step);
}

export interface FeeLine {
	invoiceId: string;
	amountMinor: number;
	feeMinor: number;
	totalMinor: number;
}

export interface FeeBreakdown {
	currency: string;
	feeRate: number;
	lines: FeeLine[];
	amountMinor: number;
	feeMinor: number;
	/** what is charged: always the exact sum of the lines */
	totalMinor: number;
}

/** One fee line per invoice, as the seeds show them when several invoices are paid together. */
export function feeBreakdown(
	invoices: Array<{ invoiceId: string; amountMinor: number }>,
	feeRate: number,
	currency: string,
): FeeBreakdown {
	const { code } = currencyRules(currency);
	const lines = invoices.map(({ invoiceId, amountMinor }) => {
		const feeMinor = feeFor(amountMinor, feeRate, code);
		const total = Money.of(amountMinor, code).plus(Money.of(feeMinor, code));
		return { invoiceId, amountMinor, feeMinor, totalMinor: total.minor };
	});
	const sum = (pick: (line: FeeLine) => number) =>
		Money.sum(
			code,
			lines.map((line) => Money.of(pick(line), code)),
		).minor;
	return {
		currency: code,
		feeRate,
		lines,
		amountMinor: sum((line) => line.amountMinor),
		feeMinor: sum((line) => line.feeMinor),
		totalMinor: sum((line) => line.totalMinor),
	};
}

/** "2.9%" from a rate, for descriptions and fee line labels. */
export function formatFeePercent(feeRate: number): string {
	const whole = Math.floor(feeRate / 10_000);
	const fraction = String(feeRate % 10_000)
		.padStart(4, '0')
		.replace(/0+$/, '');
	return fraction ? `${whole}.${fraction}%` : `${whole}%`;
}

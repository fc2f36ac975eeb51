import { CoreInputError } from './errors';
import { Memo } from './memo';

/**
 * Currencies Stripe charges in, with the number of decimals its API amounts use.
 * Amounts are integer minor units inside the product; decimal strings only at the edges.
 */
export interface CurrencyRules {
	/** lowercase ISO 4217 code, as Stripe wants it */
	code: string;
	/** decimals in an API amount (JPY 0, USD 2, KWD 3) */
	exponent: number;
	/** decimals shown to people (ISK is charged with 2 but shown with 0) */
	displayDecimals: number;
	/** every amount sent must be a multiple of this many minor units */
	step: number;
	/** Stripe's minimum charge in minor units, where Stripe publishes one for the currency */
	minimumMinor?: number;
}

/** Stripe's limit: an amount has at most eight digits in minor units. */
export const MAX_AMOUNT_MINOR = 99_999_999;

const ZERO_DECIMAL = [
	'bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf',
	'xof', 'xpf',
];

// Stripe accepts these with three decimals only when the last digit is 0.
const THREE_DECIMAL = ['bhd', 'jod', 'kwd', 'omr', 'tnd'];

const TWO_DECIMAL = [
	'usd', 'aed', 'afn', 'all', 'amd', 'ang', 'aoa', 'ars', 'aud', 'awg', 'azn', 'bam', 'bbd', 'bdt',
	'bgn', 'bmd', 'bnd', 'bob', 'brl', 'bsd', 'bwp', 'byn', 'bzd', 'cad', 'cdf', 'chf', 'cny', 'cop',
	'crc', 'cve', 'czk', 'dkk', 'dop', 'dzd', 'egp', 'etb', 'eur', 'fjd', 'fkp', 'gbp', 'gel', 'gip',
	'gmd', 'gtq', 'gyd', 'hkd', 'hnl', 'htg', 'huf', 'idr', 'ils', 'inr', 'jmd', 'kes', 'kgs', 'khr',
	'kyd', 'kzt', 'lak', 'lbp', 'lkr', 'lrd', 'lsl', 'mad', 'mdl', 'mkd', 'mmk', 'mnt', 'mop', 'mur',
	'mvr', 'mwk', 'mxn', 'myr', 'mzn', 'nad', 'ngn', 'nio', 'nok', 'npr', 'nzd', 'pab', 'pen', 'pgk',
	'php', 'pkr', 'pln', 'qar', 'ron', 'rsd', 'rub', 'sar', 'sbd', 'scr', 'sek', 'sgd', 'shp', 'sle',
	'sos', 'srd', 'std', 'stn', 'szl', 'thb', 'tjs', 'top', 'try', 'ttd', 'twd', 'tzs', 'uah', 'uyu',
	'uzs', 'wst', 'xcd', 'xcg', 'yer', 'zar', 'zmw',
];

// Stripe's published minimum charge amounts (in minor units) for the currencies it lists.
const MINIMUM_MINOR: Record<string, number> = {
	usd: 50, aed: 200, aud: 50, bgn: 100, brl: 50, cad: 50, chf: 50, czk: 1500, dkk: 250, eur: 50,
	gbp: 30, hkd: 400, huf: 17500, inr: 50, jpy: 50, mxn: 1000, myr: 200, nok: 300, nzd: 50,
	pln: 200, ron: 200, sek: 300, sgd: 50, thb: 1000,
};

function buildTable(): Map<string, CurrencyRules> {
	const table = new Map<string, CurrencyRules>();
	const add = (code: string, exponent: number, displayDecimals: number, step: number) =>
		table.set(code, { code, exponent, displayDecimals, step, minimumMinor: MINIMUM_MINOR[code] });
	for (const code of TWO_DECIMAL) add(code, 2, 2, 1);
	for (const code of ZERO_DECIMAL) add(code, 0, 0, 1);
	for (const code of THREE_DECIMAL) add(code, 3, 3, 10);
	// ISK became zero-decimal, but Stripe still takes two-decimal amounts divisible by 100.
	add('isk', 2, 0, 100);
	return table;
}

const CURRENCIES = buildTable();

export function supportedCurrencies(): string[] {
	return [...CURRENCIES.keys()].sort();
}

export function currencyRules(currency: unknown, field = 'currency'): CurrencyRules {
	if (typeof currency !== 'string' || currency.trim() === '') {
		throw new CoreInputError(field, 'A currency is required (a three-letter ISO 4217 code such as USD)');
	}
	const rules = CURRENCIES.get(currency.trim().toLowerCase());
	if (!rules) {
		throw new CoreInputError(field, `Currency "${currency}" is not one Stripe charges in`);
	}
	return rules;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal amount exactly (no floating point) into minor units of the currency.
 * Numbers are accepted as their shortest decimal form, so 0.1 + 0.2 is refused, not rounded.
 * Three-decimal currencies are rounded half up to Stripe's step (5.125 KWD -> 5.130).
 */
export function parseAmount(value: unknown, currency: string, field = 'amount'): number {
	const rules = currencyRules(currency);
	let text: string;
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw new CoreInputError(field, `Amount ${value} is not a number`);
		text = String(value);
	} else if (typeof value === 'string') {
		text = value.trim();
	} else {
		throw new CoreInputError(field, 'An amount is required as a decimal string such as "125.00"');
	}
	if (text.startsWith('-')) {
		throw new CoreInputError(field, `Amount "${text}" is negative`);
	}
	const match = DECIMAL.exec(text.startsWith('+') ? text.slice(1) : text);
	if (!match) {
		throw new CoreInputError(field, `Amount "${text}" is not a decimal number such as "125.00"`);
	}
	const whole = match[1];
	const fraction = (match[2] ?? '').replace(/0+$/, '');
	if (fraction.length > rules.exponent) {
		throw new CoreInputError(
			field,
			`Amount "${text}" has more decimals than ${rules.code.toUpperCase()} allows (${rules.exponent})`,
		);
	}
	const digits = whole + fraction.padEnd(rules.exponent, '0');
	// Up to 15 digits a double holds the integer exactly (the common case, and the scan parses
	// a million of them); longer ones go through BigInt to be checked against the safe range.
	const minor = digits.length <= 15 ? Number(digits) : BigInt(digits);
	if (typeof minor === 'bigint' && minor > BigInt(Number.MAX_SAFE_INTEGER)) {
		throw new CoreInputError(field, `Amount "${text}" is too large`);
	}
	return roundToStep(Number(minor), rules.step);
}

/** Rounds half up to a multiple of `step` (Stripe's rule for three-decimal currencies). */
export function roundToStep(minor: number, step: number): number {
	if (step === 1) return minor;
	return Math.floor((minor + step / 2) / step) * step;
}

/** Minor units back to the decimal string Stripe and the books use ("1250.00", "1250", "5.130"). */
export function formatAmount(minor: number, currency: string): string {
	const { exponent } = currencyRules(currency);
	const negative = minor < 0;
	const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
	const text =
		exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
	return negative ? `-${text}` : text;
}

// Building an Intl.NumberFormat costs far more than formatting with one (a third of a
// millisecond: most of what normalising a webhook event took); each is built once.
const moneyFormats = new Memo<string, Intl.NumberFormat>(1_000);

/** For people: "$1,250.00", "¥1,250", "KWD 5.130". */
export function formatMoney(minor: number, currency: string, locale = 'en-US'): string {
	const rules = currencyRules(currency);
	const value = minor / 10 ** rules.exponent;
	const key = `${locale} ${rules.code}`;
	const format =
		moneyFormats.get(key) ??
		moneyFormats.set(
			key,
			new Intl.NumberFormat(locale, {
				style: 'currency',
				currency: rules.code.toUpperCase(),
				minimumFractionDigits: rules.displayDecimals,
				maximumFractionDigits: rules.displayDecimals,
			}),
		);
	return format.format(value);
}

/**
 * Stripe's bounds for one charge: more than zero, at least the currency's published minimum,
 * at most eight digits, and a multiple of the currency's step.
 */
export function assertChargeable(minor: number, currency: string, field = 'amount'): void {
	const rules = currencyRules(currency);
	const shown = () => `${formatAmount(minor, rules.code)} ${rules.code.toUpperCase()}`;
	if (!Number.isSafeInteger(minor) || minor <= 0) {
		throw new CoreInputError(field, `Amount ${shown()} must be more than zero`);
	}
	if (rules.minimumMinor !== undefined && minor < rules.minimumMinor) {
		throw new CoreInputError(
			field,
			`Amount ${shown()} is below Stripe's minimum charge of ${formatAmount(rules.minimumMinor, rules.code)} ${rules.code.toUpperCase()}`,
		);
	}
	if (minor > MAX_AMOUNT_MINOR) {
		throw new CoreInputError(
			field,
			`Amount ${shown()} is above Stripe's maximum of ${formatAmount(MAX_AMOUNT_MINOR, rules.code)} ${rules.code.toUpperCase()} (eight digits)`,
		);
	}
	if (minor % rules.step !== 0) {
		throw new CoreInputError(field, `Amount ${shown()} must be a multiple of ${rules.step} minor units`);
	}
}

/** A sum of money as every payment record carries it. */
export interface MoneyValue {
	/** decimal string, e.g. "1250.00" */
	amount: string;
	/** minor units, e.g. 125000 */
	minor: number;
	/** lowercase ISO code */
	currency: string;
	/** for people, e.g. "$1,250.00" */
	display: string;
}

export function money(minor: number, currency: string): MoneyValue {
	const { code } = currencyRules(currency);
	return { amount: formatAmount(minor, code), minor, currency: code, display: formatMoney(minor, code) };
}

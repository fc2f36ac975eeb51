import { DEFAULT_LOCALE } from '../defaults';
import { CoreInputError } from '../errors';
import { Memo } from '../memo';

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
	'bif',
	'clp',
	'djf',
	'gnf',
	'jpy',
	'kmf',
	'krw',
	'mga',
	'pyg',
	'rwf',
	'ugx',
	'vnd',
	'vuv',
	'xaf',
	'xof',
	'xpf',
];

// Stripe accepts these with three decimals only when the last digit is 0.
const THREE_DECIMAL = ['bhd', 'jod', 'kwd', 'omr', 'tnd'];

const TWO_DECIMAL = [
	'usd',
	'aed',
	'afn',
	'all',
	'amd',
	'ang',
	'aoa',
	'ars',
	'aud',
	'awg',
	'azn',
	'bam',
	'bbd',
	'bdt',
	'bgn',
	'bmd',
	'bnd',
	'bob',
	'brl',
	'bsd',
	'bwp',
	'byn',
	'bzd',
	'cad',
	'cdf',
	'chf',
	'cny',
	'cop',
	'crc',
	'cve',
	'czk',
	'dkk',
	'dop',
	'dzd',
	'egp',
	'etb',
	'eur',
	'fjd',
	'fkp',
	'gbp',
	'gel',
	'gip',
	'gmd',
	'gtq',
	'gyd',
	'hkd',
	'hnl',
	'htg',
	'huf',
	'idr',
	'ils',
	'inr',
	'jmd',
	'kes',
	'kgs',
	'khr',
	'kyd',
	'kzt',
	'lak',
	'lbp',
	'lkr',
	'lrd',
	'lsl',
	'mad',
	'mdl',
	'mkd',
	'mmk',
	'mnt',
	'mop',
	'mur',
	'mvr',
	'mwk',
	'mxn',
	'myr',
	'mzn',
	'nad',
	'ngn',
	'nio',
	'nok',
	'npr',
	'nzd',
	'pab',
	'pen',
	'pgk',
	'php',
	'pkr',
	'pln',
	'qar',
	'ron',
	'rsd',
	'rub',
	'sar',
	'sbd',
	'scr',
	'sek',
	'sgd',
	'shp',
	'sle',
	'sos',
	'srd',
	'std',
	'stn',
	'szl',
	'thb',
	'tjs',
	'top',
	'try',
	'ttd',
	'twd',
	'tzs',
	'uah',
	'uyu',
	'uzs',
	'wst',
	'xcd',
	'xcg',
	'yer',
	'zar',
	'zmw',
];

// Stripe's published minimum charge amounts (in minor units) for the currencies it lists.
const MINIMUM_MINOR: Record<string, number> = {
	usd: 50,
	aed: 200,
	aud: 50,
	bgn: 100,
	brl: 50,
	cad: 50,
	chf: 50,
	czk: 1500,
	dkk: 250,
	eur: 50,
	gbp: 30,
	hkd: 400,
	huf: 17500,
	inr: 50,
	jpy: 50,
	mxn: 1000,
	myr: 200,
	nok: 300,
	nzd: 50,
	pln: 200,
	ron: 200,
	sek: 300,
	sgd: 50,
	thb: 1000,
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
		throw new CoreInputError(
			field,
			'A currency is required (a three-letter ISO 4217 code such as USD)',
		);
	}
	const rules = CURRENCIES.get(currency.trim().toLowerCase());
	if (!rules) {
		throw new CoreInputError(field, `Currency "${currency}" is not one Stripe charges in`);
	}
	return rules;
}

/**
 * A currency code as a person or the books gave it: three letters, any case, and nothing else.
 * Whitespace and control characters are refused, not trimmed away: a code that carries them
 * came from the wrong field, and what else of that item came from there is unknown.
 */
export function parseCurrencyCode(value: unknown, field = 'currency'): string {
	if (typeof value === 'string' && /[\s\p{Cc}\p{Cf}]/u.test(value)) {
		throw new CoreInputError(
			field,
			`Currency ${JSON.stringify(value.slice(0, 20))} holds whitespace or a control character: enter the three-letter ISO 4217 code alone, such as USD`,
		);
	}
	return currencyRules(value, field).code;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * A non-negative decimal amount, checked for its form only (no currency yet): a string such as
 * "125.00" or a finite number, as its shortest decimal form. The match's input is the text
 * without a leading "+".
 */
function decimalMatch(value: unknown, field: string): RegExpExecArray {
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
	return match;
}

/** Checks an amount's form before its currency is known (e.g. a refund's, from the payment). */
export function assertDecimalAmount(value: unknown, field = 'amount'): void {
	decimalMatch(value, field);
}

/**
 * Parses a decimal amount exactly (no floating point) into minor units of the currency.
 * Numbers are accepted as their shortest decimal form, so 0.1 + 0.2 is refused, not rounded.
 * Nothing is ever rounded: 12.345 KWD is 12345 minor units, which Stripe cannot charge
 * (assertStripeExact says so), never 12.350.
 */
export function parseAmount(value: unknown, currency: string, field = 'amount'): number {
	const rules = currencyRules(currency);
	const match = decimalMatch(value, field);
	const text = match.input;
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
	return Number(minor);
}

/** Minor units back to the decimal string Stripe and the books use ("1250.00", "1250", "5.130"). */
export function formatAmount(minor: number, currency: string): string {
	const { exponent } = currencyRules(currency);
	const negative = minor < 0;
	const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
	const text = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
	return negative ? `-${text}` : text;
}

// Building an Intl.NumberFormat costs far more than formatting with one (a third of a
// millisecond: most of what normalising a webhook event took); each is built once.
const moneyFormats = new Memo<string, Intl.NumberFormat>(1_000);

/** For people: "$1,250.00", "¥1,250", "KWD 5.130". */
export function formatMoney(minor: number, currency: string, locale = DEFAULT_LOCALE): string {
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
 * at most eight digits, and a multiple of the currency's step. `madeOf` says what a total
 * nobody typed is made of (an amount and its fee), shown after it.
 */
export function assertChargeable(
	minor: number,
	currency: string,
	field = 'amount',
	madeOf?: string,
): void {
	const rules = currencyRules(currency);
	const shown = () =>
		`${formatAmount(minor, rules.code)} ${rules.code.toUpperCase()}${madeOf ? ` (${madeOf})` : ''}`;
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
	assertStripeExact(minor, rules.code, field);
}

/**
 * Stripe takes some currencies only in steps of several minor units (the three-decimal ones in
 * steps of 0.010, ISK in whole krónur): an amount between two steps cannot be charged or
 * refunded exactly, and rounding it would take more (or less) than the books say.
 * For amounts above zero (what is charged or refunded).
 */
export function assertStripeExact(minor: number, currency: string, field = 'amount'): void {
	const { code, step } = currencyRules(currency);
	const remainder = minor % step;
	if (remainder === 0) return;
	const below = minor - remainder;
	const amount = (value: number) => formatAmount(value, code);
	throw new CoreInputError(
		field,
		`Amount ${amount(minor)} ${code.toUpperCase()} cannot be charged or refunded exactly: Stripe takes ${code.toUpperCase()} only in steps of ${amount(step)} and money is never rounded here; use ${amount(below)} or ${amount(below + step)} and settle the difference in the books`,
	);
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
	return {
		amount: formatAmount(minor, code),
		minor,
		currency: code,
		display: formatMoney(minor, code),
	};
}

/** Money of two currencies met in one sum or comparison: a bug, never bad input. */
export class CurrencyMismatchError extends TypeError {
	constructor(operation: string, a: string, b: string) {
		super(
			`Cannot ${operation} ${a.toUpperCase()} and ${b.toUpperCase()}: amounts in different currencies never meet`,
		);
		this.name = 'CurrencyMismatchError';
	}
}

/**
 * An amount in minor units that carries its currency wherever sums and comparisons happen: adding
 * USD to JPY is a type error (at compile time when the currencies are known, a
 * CurrencyMismatchError at run time when they come from data).
 */
export class Money<C extends string = string> {
	private constructor(
		readonly minor: number,
		readonly currency: C,
	) {}

	/** `minor` whole minor units of a currency Stripe charges in (the code lowercased). */
	static of<C extends string>(minor: number, currency: C): Money<Lowercase<C>> {
		if (!Number.isSafeInteger(minor))
			throw new RangeError(`${minor} is not a whole number of minor units`);
		const { code } = currencyRules(currency);
		return new Money(minor, code as Lowercase<C>);
	}

	static zero<C extends string>(currency: C): Money<Lowercase<C>> {
		return Money.of(0, currency);
	}

	/** The sum of amounts of one currency (`currency` names it when there may be none). */
	static sum<C extends string>(
		currency: C,
		amounts: Iterable<Money<Lowercase<C>>>,
	): Money<Lowercase<C>> {
		let total = Money.zero(currency);
		for (const amount of amounts) total = total.plus(amount);
		return total;
	}

	plus(other: Money<C>): Money<C> {
		return new Money(this.minor + this.sameCurrency(other, 'add').minor, this.currency);
	}

	minus(other: Money<C>): Money<C> {
		return new Money(this.minor - this.sameCurrency(other, 'subtract').minor, this.currency);
	}

	/** -1, 0 or 1 as this is less than, equal to or more than `other`. */
	compare(other: Money<C>): -1 | 0 | 1 {
		const { minor } = this.sameCurrency(other, 'compare');
		return this.minor < minor ? -1 : this.minor > minor ? 1 : 0;
	}

	equals(other: Money<C>): boolean {
		return this.compare(other) === 0;
	}

	/** As every payment record carries a sum (MoneyValue). */
	toValue(): MoneyValue {
		return money(this.minor, this.currency);
	}

	private sameCurrency(other: Money<C>, operation: string): Money<C> {
		if (other.currency !== this.currency)
			throw new CurrencyMismatchError(operation, this.currency, other.currency);
		return other;
	}
}

import { isEmailAddress } from '../email/addresses';
import { CoreInputError } from '../errors';
import { DEFAULT_GUARD_LOOKBACK_DAYS } from '../defaults';
import { feeBreakdown, parseFeePercent } from '../money/fee';
import type { FeeBreakdown } from '../money/fee';
import { METADATA_MAX_VALUE, encodeInvoiceMetadata } from './invoiceMetadata';
import {
	assertChargeable,
	assertStripeExact,
	formatAmount,
	parseAmount,
	parseCurrencyCode,
} from '../money/money';
import { assertPaymentMethodId } from '../stripe/ids';
import type { HowToPay } from '../stripe/payInvoices';

/**
 * What a person or a workflow asks a payment to be, checked before the first request of an
 * execution: each item's invoice id, currency, amounts, fee, how to pay, receipt email,
 * Checkout URLs and idempotency key. A payment node checks every item with these first, so one
 * bad item fails a batch before anything is charged, and mapping lookups and other reads see
 * only valid input. Each error names the field the value was given in and says how to fix it.
 */

// Control characters, and the invisible ones (bidirectional overrides, zero-width marks, line
// and paragraph separators) that make a value look like another.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const INVISIBLE_OR_SPACE = /[\s\p{Cc}\p{Cf}]/u;

// Names every JavaScript object answers to (__proto__, constructor, toString...): an invoice
// id among them could reach an object's prototype wherever records are keyed by invoice id.
const RESERVED_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

// Loopback only: a Checkout page on this machine, for local tests and demos.
const LOOPBACK_HOST = /^(?:127(?:\.\d{1,3}){3}|\[::1\])$/;

/** A value as a message shows it: quoted, escapes visible, shortened. */
function quoted(text: string, max = 60): string {
	return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

/** Text given for a field: a string, a finite number as written, '' for nothing; else refused. */
function textOf(value: unknown, field: string, what: string): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	throw new CoreInputError(field, `${what} must be text, not ${typeof value}`);
}

/** Refuses text holding control or invisible characters (line breaks, tabs, formatting marks). */
export function assertVisibleText(text: string, field: string, what: string): void {
	if (INVISIBLE.test(text)) {
		throw new CoreInputError(
			field,
			`${what} ${quoted(text)} holds a control or invisible character (a line break, tab or formatting mark): enter it without them`,
		);
	}
}

/** An invoice id of the books, fit to be a key of records and to go into Stripe metadata. */
export function readInvoiceId(value: unknown, field = 'invoiceId'): string {
	const raw = textOf(value, field, 'The invoice ID');
	assertVisibleText(raw, field, 'Invoice ID');
	const invoiceId = raw.trim();
	if (invoiceId === '') {
		throw new CoreInputError(
			field,
			'An invoice ID is required: map the ID of the invoice in the books',
		);
	}
	if (RESERVED_NAMES.has(invoiceId)) {
		throw new CoreInputError(
			field,
			`Invoice ID ${quoted(invoiceId)} is a name every JavaScript object reserves: use the invoice's real ID from the books`,
		);
	}
	if (invoiceId.length > METADATA_MAX_VALUE) {
		throw new CoreInputError(
			field,
			`An invoice ID of ${invoiceId.length} characters is longer than a Stripe metadata value (${METADATA_MAX_VALUE}), where the payment records its invoices: use the invoice's ID or number from the books`,
		);
	}
	// The metadata encoder owns which ids it can store (no "," or "/", its own length limit).
	encodeInvoiceMetadata([{ invoiceId, amountMinor: 0, feeMinor: 0 }]);
	return invoiceId;
}

/** The invoice's currency, or the default currency when the item names none. */
export function readCurrency(value: unknown, defaultCurrency: unknown): string {
	if (value === undefined || value === null || value === '') {
		return parseCurrencyCode(defaultCurrency, 'defaultCurrency');
	}
	return parseCurrencyCode(value, 'currency');
}

/**
 * One invoice's part of a payment: more than zero, its whole balance unless partial payments are
 * allowed, never more than the balance, and an amount Stripe takes exactly in the currency.
 * `field` names where the amount was given (the balance itself when no other amount was).
 */
export function assertInvoiceAmount(
	invoice: { invoiceId: string; amountMinor: number; balanceMinor?: number },
	currency: string,
	allowPartialPayment: boolean,
	field = 'amount',
): void {
	const { invoiceId, amountMinor, balanceMinor } = invoice;
	const amount = (minor: number) => formatAmount(minor, currency);
	if (amountMinor <= 0) {
		throw new CoreInputError(
			field,
			`Amount ${amount(amountMinor)} for invoice ${invoiceId} must be more than zero`,
		);
	}
	if (balanceMinor !== undefined && !allowPartialPayment && amountMinor !== balanceMinor) {
		throw new CoreInputError(
			field,
			`Amount ${amount(amountMinor)} for invoice ${invoiceId} is not its balance ${amount(balanceMinor)}: only full payments are allowed (pay the balance, or allow partial payment)`,
		);
	}
	if (balanceMinor !== undefined && amountMinor > balanceMinor) {
		throw new CoreInputError(
			field,
			`Amount ${amount(amountMinor)} for invoice ${invoiceId} is more than its balance ${amount(balanceMinor)}`,
		);
	}
	assertStripeExact(amountMinor, currency, field);
}

export interface InvoiceAmountInput {
	invoiceId: string;
	currency: string;
	/** the invoice's open balance in the books */
	balance: unknown;
	/** what to pay of it; empty pays the balance */
	amount?: unknown;
	allowPartialPayment?: boolean;
}

/**
 * The balance and the amount to pay of one invoice, in minor units, checked; `amountField` is
 * where the amount paid was given ("balance" when no other amount was).
 */
export function readInvoiceAmount(input: InvoiceAmountInput): {
	balanceMinor: number;
	amountMinor: number;
	amountField: 'amount' | 'balance';
} {
	const { invoiceId, currency, amount } = input;
	const balanceMinor = parseAmount(input.balance, currency, 'balance');
	const amountField = textOf(amount, 'amount', 'The amount').trim() === '' ? 'balance' : 'amount';
	const amountMinor =
		amountField === 'amount' ? parseAmount(amount, currency, 'amount') : balanceMinor;
	assertInvoiceAmount(
		{ invoiceId, amountMinor, balanceMinor },
		currency,
		input.allowPartialPayment === true,
		amountField,
	);
	return { balanceMinor, amountMinor, amountField };
}

/**
 * The fee lines and total of a payment, the total checked against Stripe's bounds; `field`
 * names where its amounts were given. A combined payment must also fit in one payment's metadata.
 */
export function chargeableBreakdown(
	invoices: Array<{ invoiceId: string; amountMinor: number }>,
	feeRate: number,
	currency: string,
	field: string,
): FeeBreakdown {
	const breakdown = feeBreakdown(invoices, feeRate, currency);
	const amount = (minor: number) => formatAmount(minor, currency);
	assertChargeable(
		breakdown.totalMinor,
		currency,
		field,
		// The total is not a number the user typed: say what it is made of.
		breakdown.feeMinor > 0
			? `${amount(breakdown.amountMinor)} plus the processing fee of ${amount(breakdown.feeMinor)}`
			: undefined,
	);
	encodeInvoiceMetadata(breakdown.lines);
	return breakdown;
}

/** The ways a payment can be made, as requests and parameters name them. */
export type HowToPayKind = HowToPay['kind'];

export const HOW_TO_PAY_KINDS: readonly HowToPayKind[] = ['automatic', 'savedMethod', 'payLink'];

export function isHowToPayKind(value: unknown): value is HowToPayKind {
	return (HOW_TO_PAY_KINDS as readonly unknown[]).includes(value);
}

export function readHowToPay(kind: unknown, paymentMethodId: unknown): HowToPay {
	if (!isHowToPayKind(kind)) {
		throw new CoreInputError(
			'howToPay',
			`How to pay ${quoted(String(kind))} is not one of ${HOW_TO_PAY_KINDS.join(', ')}`,
		);
	}
	if (kind === 'savedMethod') {
		return { kind, paymentMethodId: assertPaymentMethodId(paymentMethodId, 'paymentMethodId') };
	}
	return { kind };
}

/**
 * Where Stripe Checkout sends the customer (after paying, on leaving, back from the portal):
 * an https address, or http on this machine (127.0.0.1). Empty is none, unless `required`
 * says what the address is for. Returned as given, so Stripe's {CHECKOUT_SESSION_ID}
 * placeholder stays as it was written.
 */
export function readRedirectUrl(value: unknown, field: string): string | undefined;
export function readRedirectUrl(value: unknown, field: string, required: string): string;
export function readRedirectUrl(
	value: unknown,
	field: string,
	required?: string,
): string | undefined {
	const text = textOf(value, field, 'The URL').trim();
	if (text === '') {
		if (required) throw new CoreInputError(field, `A URL is required: ${required}`);
		return undefined;
	}
	if (INVISIBLE_OR_SPACE.test(text)) {
		throw new CoreInputError(
			field,
			`URL ${quoted(text)} holds whitespace or a control character: enter the address alone`,
		);
	}
	const url = URL.canParse(text) ? new URL(text) : null;
	if (!url) {
		throw new CoreInputError(
			field,
			`${quoted(text)} is not an absolute URL: enter one that starts with https://`,
		);
	}
	if (url.protocol === 'http:' && !LOOPBACK_HOST.test(url.hostname)) {
		throw new CoreInputError(
			field,
			`${quoted(text)} uses http: Stripe sends the customer there, so it must use https (http only for 127.0.0.1, this machine)`,
		);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new CoreInputError(
			field,
			`${quoted(text)} is not a web address (${url.protocol}): enter one that starts with https://`,
		);
	}
	if (url.username || url.password) {
		throw new CoreInputError(
			field,
			'The URL holds a user name or password: leave them out of the address',
		);
	}
	return text;
}

/** The address Stripe's receipt goes to: one email address, no line breaks; empty is none. */
export function readReceiptEmail(value: unknown, field = 'receiptEmail'): string | undefined {
	const raw = textOf(value, field, 'The receipt email');
	if (raw.trim() === '') return undefined;
	if (INVISIBLE.test(raw)) {
		throw new CoreInputError(
			field,
			`Receipt email ${quoted(raw)} holds a line break or control character: enter one address such as name@example.com`,
		);
	}
	const address = raw.trim();
	if (!isEmailAddress(address)) {
		throw new CoreInputError(
			field,
			`${quoted(address)} is not one email address: enter one such as name@example.com`,
		);
	}
	return address;
}

/** A key given by hand: Stripe takes up to 255 characters, sent as a header (visible ASCII). */
export function readIdempotencyKey(value: unknown, field = 'idempotencyKey'): string | undefined {
	const raw = textOf(value, field, 'The idempotency key');
	if (raw.trim() === '') return undefined;
	if (!/^[\x21-\x7e]{1,255}$/.test(raw.trim()) || INVISIBLE.test(raw)) {
		throw new CoreInputError(
			field,
			`Idempotency key ${quoted(raw, 40)} must be 1 to 255 visible ASCII characters without spaces (Stripe's limit): use the key Auto-Pay Scan outputs, or leave it empty`,
		);
	}
	return raw.trim();
}

/** Whether a switch is on: a boolean, or "true"/"false" from an expression; else refused. */
function readSwitch(value: unknown, field: string, what: string): boolean {
	if (value === undefined || value === null || value === '') return false;
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	throw new CoreInputError(field, `${what} must be true or false, not ${quoted(String(value))}`);
}

export interface PaymentOptionsInput {
	purpose?: unknown;
	description?: unknown;
	allowPartialPayment?: unknown;
	useStripeReceiptEmails?: unknown;
	receiptEmail?: unknown;
	idempotencyKey?: unknown;
	successUrl?: unknown;
	cancelUrl?: unknown;
	guardLookbackDays?: unknown;
}

export interface PaymentOptions {
	purpose: 'manual' | 'autopay';
	description?: string;
	allowPartialPayment: boolean;
	useStripeReceiptEmails: boolean;
	/** the receipt address given; with Stripe receipts on and none given, the customer's email */
	receiptEmail?: string;
	idempotencyKey?: string;
	checkoutUrls: { successUrl?: string; cancelUrl?: string };
	guardLookbackDays?: number;
}

/** The options of a payment, each checked. */
export function readPaymentOptions(raw: PaymentOptionsInput): PaymentOptions {
	const purpose = raw.purpose ?? 'manual';
	if (purpose !== 'manual' && purpose !== 'autopay') {
		throw new CoreInputError(
			'purpose',
			`Purpose ${quoted(String(purpose))} must be manual or autopay`,
		);
	}
	const useStripeReceiptEmails = readSwitch(
		raw.useStripeReceiptEmails,
		'useStripeReceiptEmails',
		'Use Stripe receipt emails',
	);
	let guardLookbackDays: number | undefined;
	if (
		raw.guardLookbackDays !== undefined &&
		raw.guardLookbackDays !== null &&
		raw.guardLookbackDays !== ''
	) {
		guardLookbackDays = Number(raw.guardLookbackDays);
		// Too short a lookback would miss a payment already made, and charge again.
		if (!Number.isInteger(guardLookbackDays) || guardLookbackDays < 1) {
			throw new CoreInputError(
				'guardLookbackDays',
				`Guard lookback ${quoted(String(raw.guardLookbackDays))} is not a whole number of days of 1 or more (the default is ${DEFAULT_GUARD_LOOKBACK_DAYS})`,
			);
		}
	}
	const description = textOf(raw.description, 'description', 'The description').trim();
	return {
		purpose,
		...(description ? { description } : {}),
		allowPartialPayment: readSwitch(
			raw.allowPartialPayment,
			'allowPartialPayment',
			'Allow partial payment',
		),
		useStripeReceiptEmails,
		receiptEmail: useStripeReceiptEmails ? readReceiptEmail(raw.receiptEmail) : undefined,
		idempotencyKey: readIdempotencyKey(raw.idempotencyKey),
		checkoutUrls: {
			successUrl: readRedirectUrl(raw.successUrl, 'successUrl'),
			cancelUrl: readRedirectUrl(raw.cancelUrl, 'cancelUrl'),
		},
		guardLookbackDays,
	};
}

export interface PayInvoiceInputValues {
	invoiceId: unknown;
	currency: unknown;
	defaultCurrency: unknown;
	balance: unknown;
	amount?: unknown;
	feePercent: unknown;
	howToPay: unknown;
	paymentMethodId?: unknown;
	options: PaymentOptionsInput;
}

export interface PayInvoiceInput extends PaymentOptions {
	invoiceId: string;
	currency: string;
	balanceMinor: number;
	amountMinor: number;
	feeRate: number;
	how: HowToPay;
}

/** Everything one item of Pay Invoice asks for, checked, before any request. */
export function readPayInvoiceInput(values: PayInvoiceInputValues): PayInvoiceInput {
	const invoiceId = readInvoiceId(values.invoiceId);
	const currency = readCurrency(values.currency, values.defaultCurrency);
	const options = readPaymentOptions(values.options);
	const { balanceMinor, amountMinor, amountField } = readInvoiceAmount({
		invoiceId,
		currency,
		balance: values.balance,
		amount: values.amount,
		allowPartialPayment: options.allowPartialPayment,
	});
	const feeRate = parseFeePercent(values.feePercent);
	chargeableBreakdown([{ invoiceId, amountMinor }], feeRate, currency, amountField);
	const how = readHowToPay(values.howToPay, values.paymentMethodId);
	return { ...options, invoiceId, currency, balanceMinor, amountMinor, feeRate, how };
}

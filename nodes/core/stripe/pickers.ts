/**
 * The "From list" pages of the editor's payment method and payment pickers: what is listed, in
 * which order, how each entry reads, and what the text typed into the picker's search matches.
 * Pages follow Stripe's list pagination (`starting_after` the last listed id), so a text filters
 * what a page listed and the next page goes on from there.
 */
import type Stripe from 'stripe';

import { asInputError, settled } from '../errors';
import { formatMoney } from '../money/money';
import { decodeInvoiceMetadata } from '../payments/invoiceMetadata';
import { paymentMethodLabel } from '../payments/paymentMethodLabel';
import type { PaymentMethodLike } from '../payments/paymentMethodLabel';
import { paymentStatusFromStripe } from '../payments/paymentRecord';
import {
	CustomerMappingLookup,
	FILTERED_PICKER_PAGE_SIZE,
	PICKER_PAGE_SIZE,
	retrieveCustomer,
} from './customers';
import { stripeIdPattern } from './ids';
import { isReleasedClaim } from './paymentGuards';
import type { StripeTransport } from './transport';

/** One entry of a picker's list. */
export interface PickerEntry {
	name: string;
	value: string;
}

/** A page of a picker: its entries and the token of the next page, if there is one. */
export interface PickerPage<T extends PickerEntry = PickerEntry> {
	entries: T[];
	next?: string;
}

/** Whether an entry's text holds what was typed into the picker's search, ignoring case. */
export function pickerTextMatches(
	texts: Array<string | null | undefined>,
	wanted: string,
): boolean {
	const text = wanted.trim().toLowerCase();
	if (text === '') return true;
	return texts.some((value) => typeof value === 'string' && value.toLowerCase().includes(text));
}

// ---- payment methods ----

/** A payment method as its picker entry reads it. */
export interface PaymentMethodForPicker extends PaymentMethodLike {
	id: string;
	card?:
		| (PaymentMethodLike['card'] & { exp_month?: number | null; exp_year?: number | null })
		| null;
}

/** "Visa •••• 4242, expires 12/2030", with "(automatic)" when it is the customer's automatic method. */
export function paymentMethodPickerLabel(
	method: PaymentMethodForPicker,
	automaticMethodId?: string | null,
): string {
	let label = paymentMethodLabel(method);
	const month = method.card?.exp_month;
	const year = method.card?.exp_year;
	if (method.type === 'card' && month && year) {
		label += `, expires ${String(month).padStart(2, '0')}/${year}`;
	}
	return automaticMethodId && method.id === automaticMethodId ? `${label} (automatic)` : label;
}

/**
 * Whose payment methods the picker lists: the "Customer" parameter as the editor holds it. The
 * editor does not evaluate expressions for a picker, so a customer given by one cannot be listed.
 */
export type PickerCustomer =
	| { kind: 'booksCustomer'; booksCustomerId: string }
	| { kind: 'stripeCustomer'; stripeCustomerId: string }
	| { kind: 'none'; message: string };

export const NO_CUSTOMER_CHOSEN =
	"Choose the customer first: this list shows that customer's saved payment methods";
export const CUSTOMER_IS_EXPRESSION =
	'The customer is set by an expression, which the list cannot read: enter the payment method by ID, or pick the customer from the list';

/** The "Customer" resource locator's `{ mode, value }` (or a plain string) as a picker customer. */
export function pickerCustomer(locator: unknown): PickerCustomer {
	const { mode, value } =
		typeof locator === 'object' && locator !== null
			? (locator as { mode?: unknown; value?: unknown })
			: { mode: 'id', value: locator };
	const text = typeof value === 'string' ? value.trim() : '';
	if (text === '') return { kind: 'none', message: NO_CUSTOMER_CHOSEN };
	if (text.startsWith('=')) return { kind: 'none', message: CUSTOMER_IS_EXPRESSION };
	if (mode === 'mapping') return { kind: 'booksCustomer', booksCustomerId: text };
	if (!new RegExp(stripeIdPattern('cus')).test(text)) {
		return {
			kind: 'none',
			message: `"${text.slice(0, 40)}" is not a Stripe customer ID (cus_...)`,
		};
	}
	return { kind: 'stripeCustomer', stripeCustomerId: text };
}

/**
 * One page of a customer's saved payment methods of the given types, newest first. A customer
 * that cannot be found (not mapped, deleted) is said in the one entry of the page, not thrown:
 * the picker is a place to look, and an empty value cannot be charged.
 */
export async function paymentMethodPickerPage(
	transport: StripeTransport,
	customer: PickerCustomer,
	{
		text = '',
		pageToken,
		types,
		mappingMetadataKey,
	}: { text?: string; pageToken?: string; types: readonly string[]; mappingMetadataKey: string },
): Promise<PickerPage> {
	if (customer.kind === 'none') return { entries: [{ name: customer.message, value: '' }] };
	const found = await settled(
		customer.kind === 'booksCustomer'
			? new CustomerMappingLookup(transport, mappingMetadataKey).requireCustomer(
					customer.booksCustomerId,
				)
			: retrieveCustomer(transport, customer.stripeCustomerId),
	);
	if (!found.ok) return { entries: [{ name: asInputError(found.error).message, value: '' }] };
	const stripeCustomer = found.value;
	const automatic = stripeCustomer.invoice_settings?.default_payment_method;
	const automaticId = typeof automatic === 'string' ? automatic : (automatic?.id ?? null);
	const wanted = text.trim();
	const page = await transport.request<Stripe.ApiList<Stripe.PaymentMethod>>(
		'GET',
		`/v1/customers/${stripeCustomer.id}/payment_methods`,
		{
			params: {
				limit: wanted ? FILTERED_PICKER_PAGE_SIZE : PICKER_PAGE_SIZE,
				...(pageToken ? { starting_after: pageToken } : {}),
			},
		},
	);
	const entries = page.data
		.filter((method) => types.includes(method.type))
		.map((method) => ({
			id: method.id,
			label: paymentMethodPickerLabel(method as unknown as PaymentMethodForPicker, automaticId),
		}))
		.filter(({ id, label }) => pickerTextMatches([label, id], wanted))
		.map(({ id, label }) => ({ name: label, value: id }));
	return { entries, next: page.has_more ? page.data[page.data.length - 1]?.id : undefined };
}

// ---- payments ----

/** A PaymentIntent as its picker entry reads it. */
export interface PaymentForPicker extends PickerEntry {
	/** the Stripe Dashboard path of the payment */
	dashboardPath: string;
}

/** "$1,250.00 USD, succeeded, invoice INV-1042, 2026-12-07": amount, status, invoices, day (UTC). */
export function paymentPickerLabel(
	intent: Pick<
		Stripe.PaymentIntent,
		'amount' | 'currency' | 'status' | 'metadata' | 'created' | 'last_payment_error'
	>,
): string {
	const currency = intent.currency.toLowerCase();
	let amount: string;
	try {
		amount = `${formatMoney(intent.amount, currency)} ${currency.toUpperCase()}`;
	} catch {
		amount = `${intent.amount} ${currency.toUpperCase()} (minor units)`; // a currency the rules lack
	}
	const status = paymentStatusFromStripe(intent.status, Boolean(intent.last_payment_error)).replace(
		/_/g,
		' ',
	);
	const invoices = decodeInvoiceMetadata(intent.metadata).map((line) => line.invoiceId);
	const parts = [amount, status];
	if (invoices.length === 1) parts.push(`invoice ${invoices[0]}`);
	else if (invoices.length > 1) {
		const shown = invoices.slice(0, 3).join(', ');
		parts.push(`invoices ${shown}${invoices.length > 3 ? ` and ${invoices.length - 3} more` : ''}`);
	}
	parts.push(new Date(intent.created * 1000).toISOString().slice(0, 10));
	return parts.join(', ');
}

/**
 * One page of the account's recent payments, newest first (Stripe's list order), each by its
 * amount, status, invoices and day. A claim that ended before any money moved is no payment
 * and is left out. The text matches the entry's words, the PaymentIntent ID and every invoice ID.
 */
export async function paymentPickerPage(
	transport: StripeTransport,
	{ text = '', pageToken }: { text?: string; pageToken?: string },
): Promise<PickerPage<PaymentForPicker>> {
	const wanted = text.trim();
	const page = await transport.request<Stripe.ApiList<Stripe.PaymentIntent>>(
		'GET',
		'/v1/payment_intents',
		{
			params: {
				limit: wanted ? FILTERED_PICKER_PAGE_SIZE : PICKER_PAGE_SIZE,
				...(pageToken ? { starting_after: pageToken } : {}),
			},
		},
	);
	const entries = page.data
		.filter((intent) => !isReleasedClaim(intent))
		.map((intent) => ({
			intent,
			label: paymentPickerLabel(intent),
			invoices: decodeInvoiceMetadata(intent.metadata).map((line) => line.invoiceId),
		}))
		.filter(({ intent, label, invoices }) =>
			pickerTextMatches([label, intent.id, ...invoices], wanted),
		)
		.map(({ intent, label }) => ({
			name: `${label} (${intent.id})`,
			value: intent.id,
			dashboardPath: `payments/${intent.id}`,
		}));
	return { entries, next: page.has_more ? page.data[page.data.length - 1]?.id : undefined };
}

import type Stripe from 'stripe';

import type { CustomerFacts, StripePayLinkFact, StripePaymentFact } from '../../core/autopay/types';
import { declineOf } from '../../core/payments/declines';
import { decodeInvoiceMetadata } from '../../core/payments/invoiceMetadata';
import { paymentMethodLabel } from '../../core/payments/paymentMethodLabel';
import type { PaymentMethodLike } from '../../core/payments/paymentMethodLabel';
import {
	CLAIM_METADATA_KEY,
	IDEMPOTENCY_METADATA_KEY,
	openPayLinks,
	recentPaymentIntents,
} from '../../core/stripe/paymentGuards';
import { customersByBooksId } from '../../core/stripe/customers';
import { isFullyRefunded } from '../../core/stripe/refundState';
import type { StripeTransport } from '../../core/stripe/transport';

export interface CustomerFactsSettings {
	/** the Stripe customer metadata key holding the books customer id */
	metadataKey: string;
	/** the start of the payment lookback, Unix seconds */
	sinceSeconds: number;
	/** the payment method types an automatic method may have */
	importedTypes: readonly string[];
}

/**
 * Up to this many books customers in the running, their payments and pay links are read per
 * customer: two requests each, at most 20 whatever the size of the account, and never more than
 * the account-wide read's two pages for one customer. Above it, the whole account is read in
 * pages of 100: a cost that grows with the account's recent payments, not with the customers of
 * the run (2,000 customers: a few dozen requests instead of 4,000). A large account on a day with
 * few invoices due would otherwise read its whole lookback to judge a handful of customers.
 */
export const PER_CUSTOMER_READS_UP_TO = 10;

/** A customer's PaymentIntents (newest first, as Stripe lists them) and open pay links. */
interface CustomerPayments {
	intents: Stripe.PaymentIntent[];
	payLinks: Stripe.Checkout.Session[];
}

/**
 * What Stripe knows about these books customers (those with an invoice still in the running),
 * by books customer id, read with as few requests as the rule allows. One consistent list of
 * every customer (their automatic method expanded) gives the mappings, emails and methods; the
 * recent PaymentIntents (each with its latest charge, which shows refunds, and its last decline)
 * and the open Checkout Sessions (pay links not paid yet: Stripe makes their PaymentIntent only
 * when the customer pays) are read for the whole account alongside it, or per customer for a few
 * customers (PER_CUSTOMER_READS_UP_TO). Either way a customer's facts hold the same objects:
 * a list of the whole account filtered to one customer is that customer's list.
 * No customer in the running: no request at all.
 */
export async function readCustomerFacts(
	transport: StripeTransport,
	settings: CustomerFactsSettings,
	booksCustomerIds: ReadonlySet<string>,
): Promise<Map<string, CustomerFacts>> {
	const facts = new Map<string, CustomerFacts>();
	if (booksCustomerIds.size === 0) return facts;
	const perCustomer = booksCustomerIds.size <= PER_CUSTOMER_READS_UP_TO;
	// The three account-wide lists are independent (each its own Stripe endpoint and budget).
	const [customers, account] = await Promise.all([
		customersByBooksId(transport, settings.metadataKey, {
			withAutomaticMethod: true,
			only: booksCustomerIds,
		}),
		perCustomer ? undefined : accountPayments(transport, settings.sinceSeconds),
	]);
	for (const booksCustomerId of booksCustomerIds) {
		const matches = customers.get(booksCustomerId) ?? [];
		// Two Stripe customers on one books id is a broken mapping: never guess which to charge.
		if (matches.length !== 1) {
			facts.set(booksCustomerId, { stripeCustomerId: null });
			continue;
		}
		const [customer] = matches;
		const payments = account
			? {
					intents: account.intents.get(customer.id) ?? [],
					payLinks: account.payLinks.get(customer.id) ?? [],
				}
			: await customerPayments(transport, customer.id, settings.sinceSeconds);
		facts.set(booksCustomerId, factsOf(customer, payments, settings.importedTypes));
	}
	return facts;
}

/** One customer's payments and open pay links: two lists, read side by side. */
async function customerPayments(
	transport: StripeTransport,
	stripeCustomerId: string,
	sinceSeconds: number,
): Promise<CustomerPayments> {
	const [intents, payLinks] = await Promise.all([
		recentPaymentIntents(transport, stripeCustomerId, sinceSeconds),
		openPayLinks(transport, stripeCustomerId),
	]);
	return { intents, payLinks };
}

/** The whole account's recent payments and open pay links, by Stripe customer id. */
async function accountPayments(
	transport: StripeTransport,
	sinceSeconds: number,
): Promise<{
	intents: Map<string, Stripe.PaymentIntent[]>;
	payLinks: Map<string, Stripe.Checkout.Session[]>;
}> {
	const [intents, payLinks] = await Promise.all([
		recentPaymentIntents(transport, null, sinceSeconds),
		openPayLinks(transport, null),
	]);
	return { intents: byCustomer(intents), payLinks: byCustomer(payLinks) };
}

/**
 * Objects by the Stripe customer they belong to, each customer's in the order listed (newest
 * first); those of no customer (a guest's pay link) belong to none of the run's customers.
 */
function byCustomer<T extends { customer: string | { id: string } | null }>(
	objects: T[],
): Map<string, T[]> {
	const index = new Map<string, T[]>();
	for (const object of objects) {
		const customer = typeof object.customer === 'string' ? object.customer : object.customer?.id;
		if (!customer) continue;
		const listed = index.get(customer);
		if (listed === undefined) index.set(customer, [object]);
		else listed.push(object);
	}
	return index;
}

function factsOf(
	customer: Stripe.Customer,
	{ intents, payLinks }: CustomerPayments,
	importedTypes: readonly string[],
): CustomerFacts {
	const method = customer.invoice_settings?.default_payment_method as Stripe.PaymentMethod | null;
	const usable = method && importedTypes.includes(method.type) ? method : null;
	return {
		stripeCustomerId: customer.id,
		stripeCustomerEmail: customer.email || null,
		automaticPaymentMethod: usable
			? {
					id: usable.id,
					label: paymentMethodLabel(usable as unknown as PaymentMethodLike),
					type: usable.type,
				}
			: null,
		payments: intents.map(paymentFact),
		payLinks: payLinks.filter((session) => session.mode === 'payment').map(payLinkFact),
	};
}

function paymentFact(intent: Stripe.PaymentIntent): StripePaymentFact {
	return {
		id: intent.id,
		status: intent.status,
		invoiceIds: decodeInvoiceMetadata(intent.metadata).map((line) => line.invoiceId),
		fullyRefunded: isFullyRefunded(intent),
		lastDecline: declineOf(intent.last_payment_error),
		created: intent.created,
		idempotencyKey: intent.metadata?.[IDEMPOTENCY_METADATA_KEY] ?? null,
		payLinkClaim: intent.metadata?.[CLAIM_METADATA_KEY] === 'pay_link',
	};
}

function payLinkFact(session: Stripe.Checkout.Session): StripePayLinkFact {
	return {
		id: session.id,
		expiresAt: session.expires_at,
		invoiceIds: decodeInvoiceMetadata(session.metadata).map((line) => line.invoiceId),
	};
}

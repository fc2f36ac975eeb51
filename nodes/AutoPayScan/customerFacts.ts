import type Stripe from 'stripe';

import type { CustomerFacts } from '../core/autopay/eligibility';
import { declineOf } from '../core/declines';
import { decodeInvoiceMetadata } from '../core/invoiceMetadata';
import { paymentMethodLabel } from '../core/paymentMethodLabel';
import type { PaymentMethodLike } from '../core/paymentMethodLabel';
import { openPayLinks, recentPaymentIntents } from '../core/stripe/paymentGuards';
import { isFullyRefunded } from '../core/stripe/refundState';
import type { StripeTransport } from '../core/stripe/transport';

/**
 * What Stripe knows about the books customers of a scan, read with as few requests as the rule
 * allows: one consistent list of every customer (with their automatic method expanded) gives the
 * mappings and methods; then, per customer that has an invoice still in the running, one list of
 * recent PaymentIntents (each with its latest charge, which shows refunds, and its last decline)
 * and one of open Checkout Sessions (pay links not paid yet: Stripe makes their PaymentIntent
 * only when the customer pays).
 */
export class CustomerFactsReader {
	private customers?: Map<string, Stripe.Customer[]>;

	private readonly facts = new Map<string, CustomerFacts>();

	constructor(
		private readonly transport: StripeTransport,
		private readonly metadataKey: string,
		private readonly sinceSeconds: number,
		private readonly importedTypes: string[],
	) {}

	private async customerIndex(): Promise<Map<string, Stripe.Customer[]>> {
		if (this.customers) return this.customers;
		const index = new Map<string, Stripe.Customer[]>();
		const all = this.transport.listAll<Stripe.Customer>('/v1/customers', {
			expand: ['data.invoice_settings.default_payment_method'],
		});
		for await (const customer of all) {
			const booksId = customer.metadata?.[this.metadataKey];
			if (!booksId) continue;
			index.set(booksId, [...(index.get(booksId) ?? []), customer]);
		}
		this.customers = index;
		return index;
	}

	async factsFor(booksCustomerId: string): Promise<CustomerFacts> {
		const known = this.facts.get(booksCustomerId);
		if (known) return known;
		const matches = (await this.customerIndex()).get(booksCustomerId) ?? [];
		let facts: CustomerFacts;
		// Two Stripe customers on one books id is a broken mapping: never guess which to charge.
		if (matches.length !== 1) {
			facts = { stripeCustomerId: null };
		} else {
			const [customer] = matches;
			const method = customer.invoice_settings?.default_payment_method as Stripe.PaymentMethod | null;
			const usable = method && this.importedTypes.includes(method.type) ? method : null;
			const [intents, payLinks] = await Promise.all([
				recentPaymentIntents(this.transport, customer.id, this.sinceSeconds),
				openPayLinks(this.transport, customer.id),
			]);
			facts = {
				stripeCustomerId: customer.id,
				automaticPaymentMethod: usable
					? { id: usable.id, label: paymentMethodLabel(usable as unknown as PaymentMethodLike) }
					: null,
				payments: intents.map((intent) => ({
					id: intent.id,
					status: intent.status,
					invoiceIds: decodeInvoiceMetadata(intent.metadata).map((line) => line.invoiceId),
					fullyRefunded: isFullyRefunded(intent),
					lastDecline: declineOf(intent.last_payment_error),
				})),
				payLinks: payLinks
					.filter((session) => session.mode === 'payment')
					.map((session) => ({
						id: session.id,
						expiresAt: session.expires_at,
						invoiceIds: decodeInvoiceMetadata(session.metadata).map((line) => line.invoiceId),
					})),
			};
		}
		this.facts.set(booksCustomerId, facts);
		return facts;
	}
}

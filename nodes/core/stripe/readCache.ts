import type Stripe from 'stripe';

import { AccountPaymentsView } from './accountPayments';
import { retrieveCustomer } from './customers';
import { assertCustomerId } from './ids';
import { openPayLinks, recentPayLinks, recentPaymentIntents } from './paymentGuards';
import type { StripeTransport } from './transport';

/** A customer's recent PaymentIntents and open pay links, read together. */
export interface PaymentsRead {
	intents: Stripe.PaymentIntent[];
	payLinks: Stripe.Checkout.Session[];
}

/** The read windows of the claim protocol (claimReadWindows), unix seconds. */
export interface ReadWindows {
	sinceSeconds: number;
	payLinksSinceSeconds: number;
}

/**
 * Whose payments one read lists: one customer's (a batch of few customers: an agent, the portal),
 * or the whole account's (a run over many customers, the daily auto-pay: AccountPaymentsView),
 * which grows with pages of 100 instead of two lists per customer.
 */
export type ReadScope = 'customer' | 'account';

export interface StripeReadCacheOptions {
	scope?: ReadScope;
	/** the clock that spaces account reads (ACCOUNT_READ_INTERVAL_MS) */
	now?: () => number;
}

/**
 * Reads shared by the items of ONE node execution: a batch pays many invoices of few customers,
 * so each customer (with its automatic method), its recent payments and its open pay links are
 * read once, and items running at the same time wait for the same request. Not kept beyond the
 * execution: another run must read afresh. Within a run a repeated invoice is still safe,
 * because its charge carries the same idempotency key.
 */
export class StripeReadCache {
	private readonly customers = new Map<string, Promise<Stripe.Customer>>();

	private readonly intents = new Map<string, Promise<Stripe.PaymentIntent[]>>();

	private readonly payLinks = new Map<string, Promise<Stripe.Checkout.Session[]>>();

	/** Moments of this execution: each claim made moves it on (see paymentsAfter). */
	private moment = 0;

	private readonly freshReads = new Map<
		string,
		{ startedAt: number; read: Promise<PaymentsRead> }
	>();

	private readonly scope: ReadScope;

	private readonly now: () => number;

	private readonly accountViews = new Map<string, AccountPaymentsView>();

	constructor(
		private readonly transport: StripeTransport,
		options: StripeReadCacheOptions = {},
	) {
		this.scope = options.scope ?? 'customer';
		this.now = options.now ?? Date.now;
	}

	/** The customer with its automatic method expanded (retrieveCustomer); deleted or missing is bad input. */
	customer(customerId: string, field = 'customer'): Promise<Stripe.Customer> {
		const id = assertCustomerId(customerId, field);
		let read = this.customers.get(id);
		if (!read) {
			read = retrieveCustomer(this.transport, id, field, { withAutomaticMethod: true });
			this.customers.set(id, read);
			// A failed read is not remembered: the next item asks again.
			read.catch(() => this.customers.delete(id));
		}
		return read;
	}

	/**
	 * A first look at what already holds a customer's invoices, before any claim: their recent
	 * PaymentIntents and open pay links. It only spares a claim for an invoice paid already; the
	 * claim's own read is what makes a charge safe.
	 */
	async firstLook(customerId: string, windows: ReadWindows): Promise<PaymentsRead> {
		if (this.scope === 'account') {
			const view = this.accountView(windows);
			await view.readAfter(0, () => this.moment);
			const { intents, payLinks } = view.customerPayments(customerId);
			return { intents, payLinks: payLinks.filter((session) => session.status === 'open') };
		}
		const [intents, payLinks] = await Promise.all([
			this.recentIntents(customerId, windows.sinceSeconds),
			this.openPayLinks(customerId),
		]);
		return { intents, payLinks };
	}

	/** The customer's PaymentIntents created since then, newest first (a consistent list). */
	private recentIntents(customerId: string, sinceSeconds: number): Promise<Stripe.PaymentIntent[]> {
		const key = `${customerId}:${sinceSeconds}`;
		let read = this.intents.get(key);
		if (!read) {
			read = recentPaymentIntents(this.transport, customerId, sinceSeconds);
			this.intents.set(key, read);
			read.catch(() => this.intents.delete(key));
		}
		return read;
	}

	/** Marks a write of this execution (a claim made): reads started after it see it. */
	mark(): number {
		this.moment += 1;
		return this.moment;
	}

	/**
	 * The customer's payments and pay links (every status), read after the moment given (Stripe's
	 * lists are consistent: a read sent after a write's answer sees it). Claims of this execution
	 * made before a read was sent share it, so a batch reads each customer a few times, not per
	 * invoice; in the account scope one read serves every customer. `fresh` reads the customer
	 * itself whatever the scope: a wait for a rival needs its status now, not as last listed.
	 */
	async paymentsAfter(
		customerId: string,
		windows: ReadWindows,
		moment: number,
		fresh = false,
	): Promise<PaymentsRead> {
		if (this.scope === 'account') {
			const view = this.accountView(windows);
			if (fresh) {
				const read = await this.readPaymentsThenPayLinks(customerId, windows);
				view.merge(read);
				return read;
			}
			await view.readAfter(moment, () => this.moment);
			return view.customerPayments(customerId);
		}
		return await this.customerPaymentsAfter(customerId, windows, moment);
	}

	private customerPaymentsAfter(
		customerId: string,
		windows: ReadWindows,
		moment: number,
	): Promise<PaymentsRead> {
		const key = `${customerId}:${windows.sinceSeconds}`;
		const current = this.freshReads.get(key);
		if (current && current.startedAt >= moment) return current.read;
		const read = this.readPaymentsThenPayLinks(customerId, windows);
		this.freshReads.set(key, { startedAt: this.moment, read });
		read.catch(() => {
			if (this.freshReads.get(key)?.read === read) this.freshReads.delete(key);
		});
		return read;
	}

	/**
	 * Payments first, pay links after their answer, never at once: a pay link is handed out only
	 * after its claim is turned into it, so a claim seen turned has its page in the second read,
	 * open or paid (docs/money-safety.md).
	 */
	private async readPaymentsThenPayLinks(
		customerId: string,
		windows: ReadWindows,
	): Promise<PaymentsRead> {
		const intents = await recentPaymentIntents(this.transport, customerId, windows.sinceSeconds);
		const payLinks = await recentPayLinks(this.transport, customerId, windows.payLinksSinceSeconds);
		return { intents, payLinks };
	}

	private accountView(windows: ReadWindows): AccountPaymentsView {
		const key = `${windows.sinceSeconds}:${windows.payLinksSinceSeconds}`;
		let view = this.accountViews.get(key);
		if (view === undefined) {
			view = new AccountPaymentsView(
				this.transport,
				windows.sinceSeconds,
				windows.payLinksSinceSeconds,
				this.now,
			);
			this.accountViews.set(key, view);
		}
		return view;
	}

	/** The customer's open Checkout Sessions (pay links not paid yet). */
	private openPayLinks(customerId: string): Promise<Stripe.Checkout.Session[]> {
		let read = this.payLinks.get(customerId);
		if (!read) {
			read = openPayLinks(this.transport, customerId);
			this.payLinks.set(customerId, read);
			read.catch(() => this.payLinks.delete(customerId));
		}
		return read;
	}
}

import type Stripe from 'stripe';

import { recentPayLinks, recentPaymentIntents } from './paymentGuards';
import type { PaymentsRead } from './readCache';
import type { StripeTransport } from './transport';

/**
 * Stripe stamps `created` in whole seconds, on its own servers' clocks: a PaymentIntent created
 * after a list request was answered may carry the second of that answer, or (clocks of two servers
 * a little apart) one just before it. Each read after the first asks for what was created since
 * the newest object the read before it returned, less this margin.
 */
export const CREATED_MARGIN_SECONDS = 3;

/**
 * How often, at most, the account is read again for claims waiting on a read: one read serves
 * every claim made before it was sent, so a run of 25 claims a second waits up to about this long
 * per claim and sends one read (two lists) a second instead of two per claim.
 */
export const ACCOUNT_READ_INTERVAL_MS = 1000;

interface Seen<T> {
	value: T;
	/** the number of the read that returned it: a later read's copy replaces an earlier one's */
	read: number;
}

type ById<T> = Map<string, Seen<T>>;

function customerOf(value: { customer?: string | { id: string } | null }): string | null {
	const { customer } = value;
	if (!customer) return null;
	return typeof customer === 'string' ? customer : customer.id;
}

/**
 * The PaymentIntents and pay links (Checkout Sessions) of the WHOLE account, for one node
 * execution that pays many customers (the daily auto-pay): the claim protocol's read after each
 * claim (invoiceClaims.ts) is served from here, so a run of 2,000 customers reads the account a
 * page at a time, not two lists per customer (docs/stripe-limits.md).
 *
 * Why this is still the read the protocol needs (docs/money-safety.md): a claim is judged on a
 * view that holds every PaymentIntent and pay link created before a list request sent after the
 * claim's answer. The first read lists the whole windows (payments of the lookback, pay links of a
 * pay link's lifetime); each later one lists what was created since the newest object the list
 * before it returned (less CREATED_MARGIN_SECONDS): anything missing from a list was created after
 * its first page was asked for, so after every object that list returned. Lists are consistent
 * right after a write, and the pay links are listed after the payments' answer, as the
 * per-customer read does; so the newest pay link may be younger than anything the payments list
 * could show, and bounds only the next pay-link list.
 *
 * Objects listed earlier keep the status they had then until a later read lists them again. That
 * only ever errs towards giving way: statuses move forward (an open claim is then confirmed or
 * canceled, an open page paid or expired), and every step that acts on another request's claim is
 * a compare-and-set at Stripe (cancel and confirm), so a stale "open" costs a wait, never a second
 * charge. Waits read the customer afresh (`merge`), and what they read replaces what was listed.
 */
export class AccountPaymentsView {
	private readonly intents = new Map<string, ById<Stripe.PaymentIntent>>();

	private readonly payLinks = new Map<string, ById<Stripe.Checkout.Session>>();

	/** reads started so far; a read's number orders the copies of one object */
	private reads = 0;

	/** `created` from which the next read lists payments (undefined: the whole window) */
	private intentsFrom?: number;

	/** `created` from which the next read lists pay links (undefined: the whole window) */
	private payLinksFrom?: number;

	/** the next read, joined by every caller that comes before it is sent */
	private next?: { sent: boolean; done: Promise<void> };

	/** the read sent last: the next one waits for it (one account read at a time) */
	private last: Promise<void> = Promise.resolve();

	/** moments (StripeReadCache.mark) covered by a finished read */
	private coveredMoment = -1;

	private lastStartMs = Number.NEGATIVE_INFINITY;

	constructor(
		private readonly transport: StripeTransport,
		private readonly sinceSeconds: number,
		private readonly payLinksSinceSeconds: number,
		private readonly now: () => number,
	) {}

	/**
	 * Resolves once a read sent after `moment` (of StripeReadCache.mark) has been merged. Callers
	 * waiting at the same time share one read.
	 */
	async readAfter(moment: number, currentMoment: () => number): Promise<void> {
		while (this.coveredMoment < moment) {
			// A read already sent may have been sent before this caller's claim was answered: only
			// one not sent yet surely sees it.
			let next = this.next;
			if (next === undefined || next.sent) {
				const entry = { sent: false, done: Promise.resolve() };
				entry.done = this.sendWhenDue(entry, this.last, currentMoment);
				this.last = entry.done;
				this.next = entry;
				next = entry;
			}
			await next.done;
		}
	}

	/** The customer's payments and pay links in the view, newest first, within the windows. */
	customerPayments(customerId: string): PaymentsRead {
		return {
			intents: newestFirst(this.intents.get(customerId), this.sinceSeconds),
			payLinks: newestFirst(this.payLinks.get(customerId), this.payLinksSinceSeconds),
		};
	}

	/** Merges a customer's fresh read (sent after every read started so far). */
	merge(read: PaymentsRead): void {
		const number = ++this.reads;
		for (const intent of read.intents) put(this.intents, intent, number);
		for (const session of read.payLinks) put(this.payLinks, session, number);
	}

	private async sendWhenDue(
		entry: { sent: boolean },
		previous: Promise<void>,
		currentMoment: () => number,
	): Promise<void> {
		await previous.catch(() => undefined);
		const wait = this.lastStartMs + ACCOUNT_READ_INTERVAL_MS - this.now();
		if (wait > 0) await this.transport.wait(wait);
		entry.sent = true;
		const moment = currentMoment();
		const number = ++this.reads;
		this.lastStartMs = this.now();
		await this.readOnce(number);
		this.coveredMoment = Math.max(this.coveredMoment, moment);
	}

	private async readOnce(number: number): Promise<void> {
		const { intentsFrom, payLinksFrom } = this;
		const intents = await recentPaymentIntents(
			this.transport,
			null,
			intentsFrom ?? this.sinceSeconds,
		);
		const payLinks = await recentPayLinks(
			this.transport,
			null,
			payLinksFrom ?? this.payLinksSinceSeconds,
		);
		for (const intent of intents) put(this.intents, intent, number);
		for (const session of payLinks) put(this.payLinks, session, number);
		// Each list is bounded by what existed when IT was sent: the payments by the newest
		// payment (the pay links, listed after them, may be newer than anything the payments list
		// could show); the pay links by the newest of both.
		const newestIntent = newestCreated(intents);
		const newestPayLink = Math.max(newestIntent, newestCreated(payLinks));
		if (Number.isFinite(newestIntent)) {
			this.intentsFrom = Math.max(
				intentsFrom ?? this.sinceSeconds,
				newestIntent - CREATED_MARGIN_SECONDS,
			);
		}
		if (Number.isFinite(newestPayLink)) {
			this.payLinksFrom = Math.max(
				payLinksFrom ?? this.payLinksSinceSeconds,
				newestPayLink - CREATED_MARGIN_SECONDS,
			);
		}
	}
}

function newestCreated(values: ReadonlyArray<{ created: number }>): number {
	let newest = Number.NEGATIVE_INFINITY;
	for (const { created } of values) newest = Math.max(newest, created);
	return newest;
}

function put<T extends { id: string; customer?: string | { id: string } | null }>(
	byCustomer: Map<string, ById<T>>,
	value: T,
	read: number,
): void {
	const customer = customerOf(value);
	if (customer === null) return;
	let byId = byCustomer.get(customer);
	if (byId === undefined) {
		byId = new Map();
		byCustomer.set(customer, byId);
	}
	const known = byId.get(value.id);
	if (known === undefined || known.read <= read) byId.set(value.id, { value, read });
}

function newestFirst<T extends { created: number }>(byId: ById<T> | undefined, since: number): T[] {
	if (byId === undefined) return [];
	const values: T[] = [];
	for (const { value } of byId.values()) if (value.created >= since) values.push(value);
	return values.sort((a, b) => b.created - a.created);
}

/**
 * The retry policy: when an invoice whose automatic charges failed is tried again, decided from
 * its PaymentIntents in Stripe alone (each attempt's day, status and last_payment_error), so every
 * worker, every run and a reinstall decide the same with no state of ours. docs/recovery.md.
 *
 * - A failed attempt is a PaymentIntent of the invoice that is requires_payment_method or canceled
 *   with a last_payment_error. Its day is the business day its auto-pay idempotency key names (the
 *   scan day it was made for: a run with an As Of in the past still places it right), else the
 *   business day Stripe created it; with neither, today (so it never lets a second try through).
 * - Only the attempts on the customer's current automatic method count (a decline that names no
 *   method counts as made on it, as in rule 17). When every failure was on another method, the
 *   method changed since: the invoice is charged now (and a fresh schedule starts if that fails).
 * - Hard declines are rule 17's (declines.ts retryBan): this policy is asked only after it.
 * - The newest attempt on the method asks for the customer (authentication_required, or Stripe's
 *   advice confirm_card_data): never retried off-session; only the customer can complete it. On
 *   each retry day of the schedule they are handed a new page to pay on (the charge decision says
 *   howToPay payLink: their own payment, no reattempt), the days between wait for them (or for
 *   another automatic method).
 * - Every other decline is soft (insufficient_funds, generic_decline, processing_error,
 *   try_again_later, issuer_not_available, expired_card: Stripe refreshes a saved card's expiry
 *   when the network sends new details, so the same method may pass later) and is tried again on
 *   the schedule: the days after the first failure on the method (default 1, 3, 5, 7, 10, 14). At
 *   most one try a day; a retry day with no run is made up once at the next run, up to the
 *   schedule's last day; after it, RETRIES_EXHAUSTED.
 * - Never more than the networks allow (networkCap): when the reattempts on the method in any 30
 *   days reach the cap, RETRIES_EXHAUSTED naming it.
 */
import { DEFAULT_RETRY_SCHEDULE_DAYS } from '../defaults';
import { CoreInputError } from '../errors';
import type { Decline } from '../payments/declines';
import { idempotencyKeyDay } from '../payments/idempotency';
import { epochDay, formatEpochDay } from './dates';
import type { BusinessCalendar } from './dates';
import type { AutomaticPaymentMethod, Recovery, RecoveryDecline, StripePaymentFact } from './types';

/** The latest retry day a schedule may name: about two months of reads (docs/recovery.md). */
export const MAX_RETRY_DAY = 60;

/** The days after the first failure on which a failed charge is tried again. */
export interface RetrySchedule {
	/** ascending, distinct, whole days from 1 to MAX_RETRY_DAY */
	days: readonly number[];
	/** the last of them: the schedule ends that many days after the first failure */
	lastDay: number;
}

/**
 * The schedule from a setting: a list of days in any order, or the same as text, whole numbers
 * separated by commas ("1, 3, 5"); empty or absent: DEFAULT_RETRY_SCHEDULE_DAYS.
 */
export function readRetrySchedule(value: unknown, label = 'retryScheduleDays'): RetrySchedule {
	const listed = typeof value === 'string' && value.trim() !== '' ? value.split(',') : value;
	const given =
		listed === undefined || listed === null || listed === '' ? DEFAULT_RETRY_SCHEDULE_DAYS : listed;
	if (!Array.isArray(given) || given.length === 0) {
		throw new CoreInputError(
			label,
			'The retry schedule must list at least one day after the first failure, e.g. 1, 3, 5, 7, 10, 14',
		);
	}
	const days = new Set<number>();
	for (const entry of given as unknown[]) {
		const day = typeof entry === 'string' && /^\s*\d+\s*$/.test(entry) ? Number(entry) : entry;
		if (typeof day !== 'number' || !Number.isSafeInteger(day) || day < 1 || day > MAX_RETRY_DAY) {
			throw new CoreInputError(
				label,
				`Retry day ${JSON.stringify(entry)} is not a whole number of days from 1 to ${MAX_RETRY_DAY}`,
			);
		}
		days.add(day);
	}
	const sorted = [...days].sort((a, b) => a - b);
	return { days: sorted, lastDay: sorted[sorted.length - 1] };
}

/** How many reattempts of one failed payment a network allows, and in how many days. */
export interface NetworkCap {
	reattempts: number;
	windowDays: number;
	/** the rule in a few words, for the skip sentence */
	name: string;
}

// Visa's core rules allow 15 reattempts of one transaction in 30 days, 20 in the April 2026
// edition (REFERENCE.md; support.stripe.com/questions/payment-blocked-due-to-excessive-retries).
// The day of April is not given, so 15 holds through 30 April 2026: never more than either allows.
const VISA_20_REATTEMPTS_FROM = epochDay(2026, 5, 1);

/** The days in which a card network counts the reattempts of one payment. */
export const NETWORK_CAP_WINDOW_DAYS = 30;

/**
 * The cap for a retry made on `day` with this method. Every card follows Visa's numbers: no
 * Mastercard count is in REFERENCE.md, and Visa's is the stricter of the published ones, so a card
 * of any brand stays within its network's rules. A US bank debit returned for insufficient funds
 * may be presented again at most twice within 180 days (Nacha Operating Rules, reinitiation).
 */
export function networkCap(methodType: string, day: number): NetworkCap {
	if (methodType === 'us_bank_account') {
		return {
			reattempts: 2,
			windowDays: 180,
			name: "Nacha's limit of 2 re-presentments of a returned bank debit in 180 days",
		};
	}
	const reattempts = day >= VISA_20_REATTEMPTS_FROM ? 20 : 15;
	return {
		reattempts,
		windowDays: NETWORK_CAP_WINDOW_DAYS,
		name: `the card networks' limit of ${reattempts} reattempts in 30 days (Visa's rule, applied to every card)`,
	};
}

/** One failed attempt of the invoice. */
export interface FailedAttempt {
	payment: StripePaymentFact;
	decline: Decline;
	/** the business day it belongs to, as an epoch day */
	day: number;
}

const DECLINED_INTENT = new Set(['requires_payment_method', 'canceled']);

/** A declined PaymentIntent: it waits for another method, or was given up. */
export function isDeclined(payment: StripePaymentFact): boolean {
	return DECLINED_INTENT.has(payment.status);
}

function attemptDay(payment: StripePaymentFact, calendar: BusinessCalendar, today: number) {
	const day = idempotencyKeyDay(payment.idempotencyKey, 'autopay');
	if (day !== null) {
		const [year, month, date] = day.split('-').map(Number);
		return epochDay(year, month, date);
	}
	const { created } = payment;
	if (typeof created === 'number' && Number.isFinite(created)) {
		return calendar.dayOfInstant(created * 1000);
	}
	return today;
}

/** The invoice's failed attempts, newest first (by day; Stripe's order within a day). */
export function failedAttempts(
	payments: readonly StripePaymentFact[] | undefined,
	calendar: BusinessCalendar,
	today: number,
): FailedAttempt[] {
	const attempts: FailedAttempt[] = [];
	for (const payment of payments ?? []) {
		const decline = payment.lastDecline;
		if (decline === undefined || !isDeclined(payment)) continue;
		attempts.push({ payment, decline, day: attemptDay(payment, calendar, today) });
	}
	return attempts.sort((a, b) => b.day - a.day);
}

/** A decline only the customer can resolve: the bank wants them present, or new card data. */
export function needsCustomer(decline: Decline): boolean {
	return (
		decline.code === 'authentication_required' ||
		decline.declineCode === 'authentication_required' ||
		decline.adviceCode === 'confirm_card_data'
	);
}

/** What the policy decided, with the recovery facts the decision carries. */
export type RetryVerdict =
	| { kind: 'charge'; recovery: Recovery }
	| { kind: 'scheduled'; recovery: Recovery; attempt: FailedAttempt; startDay: number }
	| {
			kind: 'exhausted';
			recovery: Recovery;
			attempt: FailedAttempt;
			startDay: number;
			/** the cap reached; undefined when the schedule ended */
			cap?: NetworkCap;
			/** reattempts counted against the cap */
			reattempts: number;
	  }
	| { kind: 'customer'; recovery: Recovery; attempt: FailedAttempt };

export interface RetryContext {
	schedule: RetrySchedule;
	calendar: BusinessCalendar;
	/** today in the business zone, as an epoch day */
	today: number;
}

function recoveryDecline({ payment, decline, day }: FailedAttempt): RecoveryDecline {
	return {
		paymentId: payment.id,
		day: formatEpochDay(day),
		code: decline.code ?? null,
		declineCode: decline.declineCode ?? null,
		adviceCode: decline.adviceCode ?? null,
		networkAdviceCode: decline.networkAdviceCode ?? null,
		networkDeclineCode: decline.networkDeclineCode ?? null,
		paymentMethodId: decline.paymentMethodId ?? null,
		paymentMethodLabel: decline.paymentMethodLabel ?? null,
	};
}

/**
 * The most reattempts (attempts after the first on the method) in any window of the cap's days
 * that ends on an attempt's day or today: once the cap was reached it stays reached, so a decision
 * never turns from "exhausted" back to a retry as the window moves on.
 */
function reattemptsAtMost(onMethod: FailedAttempt[], cap: NetworkCap, today: number) {
	const reattemptDays = onMethod.slice(0, -1).map((attempt) => attempt.day);
	let most = 0;
	for (const end of [today, ...reattemptDays]) {
		const count = reattemptDays.filter((day) => day <= end && day > end - cap.windowDays).length;
		most = Math.max(most, count);
	}
	return most;
}

/** Reattempts in the cap's window ending today. */
function reattemptsNow(onMethod: FailedAttempt[], cap: NetworkCap, today: number) {
	return onMethod.slice(0, -1).filter((attempt) => attempt.day > today - cap.windowDays).length;
}

/**
 * The policy's verdict for an invoice with these PaymentIntents (newest first) and this automatic
 * method; undefined when no attempt of the invoice failed (a first charge: not the policy's).
 */
export function judgeRetry(
	payments: readonly StripePaymentFact[] | undefined,
	method: AutomaticPaymentMethod,
	{ schedule, calendar, today }: RetryContext,
): RetryVerdict | undefined {
	const failed = failedAttempts(payments, calendar, today);
	if (failed.length === 0) return undefined;
	const { days, lastDay } = schedule;
	const base = {
		attempts: failed.length,
		firstFailureDay: formatEpochDay(failed[failed.length - 1].day),
		lastDecline: recoveryDecline(failed[0]),
	};
	const onMethod = failed.filter(
		(attempt) => (attempt.decline.paymentMethodId ?? method.id) === method.id,
	);
	if (onMethod.length === 0) {
		const recovery: Recovery = {
			decidedBy: 'method-changed',
			...base,
			nextTryDay: formatEpochDay(today + days[0]),
			retriesLeft: days.length,
			lastTry: false,
			scheduleEndDay: formatEpochDay(today + lastDay),
			methodChanged: true,
		};
		return { kind: 'charge', recovery };
	}
	const newest = onMethod[0];
	const startDay = onMethod[onMethod.length - 1].day;
	const offset = today - startDay;
	const scheduleEndDay = formatEpochDay(startDay + lastDay);
	const ended = (decidedBy: Recovery['decidedBy']): Recovery => ({
		decidedBy,
		...base,
		nextTryDay: null,
		retriesLeft: 0,
		lastTry: false,
		scheduleEndDay,
		methodChanged: false,
	});
	// The retry day reached (the latest one on or before today), and whether it was tried.
	const dueDay = days.filter((day) => day <= offset).pop();
	const dueUntried =
		dueDay !== undefined && !onMethod.some((attempt) => attempt.day >= startDay + dueDay);
	const laterDays = days.filter((day) => day > offset);
	const cap = networkCap(method.type, today);
	const reattempts = reattemptsAtMost(onMethod, cap, today);
	if (offset > lastDay || (!dueUntried && laterDays.length === 0)) {
		return {
			kind: 'exhausted',
			recovery: ended('schedule'),
			attempt: newest,
			startDay,
			reattempts,
		};
	}
	if (reattempts >= cap.reattempts) {
		return {
			kind: 'exhausted',
			recovery: ended('network-cap'),
			attempt: newest,
			startDay,
			cap,
			reattempts,
		};
	}
	const capLeft = cap.reattempts - reattemptsNow(onMethod, cap, today);
	const nextTryDay = laterDays.length ? formatEpochDay(startDay + laterDays[0]) : null;
	if (needsCustomer(newest.decline)) {
		// Never off-session again: on a retry day the customer is handed a new page to pay on (their
		// own payment, no reattempt of the declined one); the days between wait for them. A page
		// made on or after the retry day is that day's try.
		const pageDue =
			dueUntried &&
			!(payments ?? []).some(
				(payment) =>
					payment.payLinkClaim === true &&
					payment.invoiceIds.length > 0 &&
					attemptDay(payment, calendar, today) >= startDay + (dueDay ?? 0),
			);
		const recovery: Recovery = {
			decidedBy: 'customer-action',
			...base,
			nextTryDay,
			retriesLeft: laterDays.length,
			lastTry: pageDue && laterDays.length === 0,
			scheduleEndDay,
			methodChanged: false,
		};
		return pageDue ? { kind: 'charge', recovery } : { kind: 'customer', recovery, attempt: newest };
	}
	if (dueUntried) {
		const retriesLeft = Math.max(0, Math.min(laterDays.length, capLeft - 1));
		const recovery: Recovery = {
			decidedBy: 'schedule',
			...base,
			nextTryDay: retriesLeft > 0 ? nextTryDay : null,
			retriesLeft,
			lastTry: retriesLeft === 0,
			scheduleEndDay,
			methodChanged: false,
		};
		return { kind: 'charge', recovery };
	}
	const recovery: Recovery = {
		decidedBy: 'schedule',
		...base,
		nextTryDay,
		retriesLeft: Math.min(laterDays.length, capLeft),
		lastTry: false,
		scheduleEndDay,
		methodChanged: false,
	};
	return { kind: 'scheduled', recovery, attempt: newest, startDay };
}

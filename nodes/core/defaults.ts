/**
 * The defaults a user sees in the editor and gets when a parameter is left empty, in one place:
 * the node descriptions show these values and the readers fall back to them, so the two cannot
 * drift. Each says why it is what it is.
 */

/**
 * How far back a customer's payments are read to find one that already pays an invoice, in days:
 * longer than a monthly invoice's life (a catch-up run of last month's invoice still sees its
 * payment), short enough to stay a few pages.
 */
export const DEFAULT_GUARD_LOOKBACK_DAYS = 45;

/** How many days after its payment day an unpaid invoice is still charged (missed runs). */
export const DEFAULT_CATCH_UP_DAYS = 3;

/** Payment method types taken as an automatic method unless the admin imports more. */
export const DEFAULT_IMPORTED_PAYMENT_METHOD_TYPES: readonly string[] = ['card'];

/**
 * Requests to Stripe in flight at once. The limiter starts at most 100 requests per 1.1 s (91/s,
 * Stripe's live global limit); by Little's law that needs 91/s x the mean latency in flight: 32
 * holds it up to ~350 ms, Stripe's usual for reads and writes; confirms, slower (the card network
 * answers), are 25/s on their own endpoint: 25/s x 1.2 s = 30. At 8 a run was capped at 80/s.
 */
export const DEFAULT_REQUESTS_IN_FLIGHT = 32;

/** stripe-node's own timeout: long enough for a slow confirm, short enough to retry a dead socket. */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 80;

/**
 * Whether a failed automatic charge is retried by the retry policy (retryPolicy.ts) rather than
 * every day of the catch-up window: on, because a schedule that follows the decline recovers more
 * and never breaks the card networks' retry rules.
 */
export const DEFAULT_RETRY_POLICY = true;

/**
 * The days after the first failed automatic charge on which it is tried again: six retries over
 * two weeks, most of them early (funds often arrive within days), inside every card network's cap
 * and close to Stripe's Smart Retries default of 8 tries within 2 weeks.
 */
export const DEFAULT_RETRY_SCHEDULE_DAYS: readonly number[] = [1, 3, 5, 7, 10, 14];

/** The locale amounts are shown in when none is set: a BCP 47 tag, as Intl.NumberFormat takes it. */
export const DEFAULT_LOCALE = 'en-US';

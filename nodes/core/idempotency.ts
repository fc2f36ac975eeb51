import { hash } from 'node:crypto';

import { CoreInputError } from './errors';

/** What a payment attempt is, for its idempotency key. */
export interface PaymentAttempt {
	provider: 'stripe' | 'gateway360';
	/** why the money is taken: the daily auto-pay, an agent or portal payment, a pay link */
	purpose: 'autopay' | 'manual' | 'paylink' | 'setup';
	invoiceIds: string[];
	amountMinor: number;
	currency: string;
	/** the business day (YYYY-MM-DD in the business time zone) the attempt belongs to */
	day: string;
	/** the payment method chosen by hand, so a retry with another card is a new attempt */
	paymentMethod?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The same attempt on the same business day always yields the same key, whichever worker or
 * scheduler sends it, so Stripe answers a repeat with the first result instead of charging again.
 * Invoice order does not matter. Hashed so any number of invoices fits Stripe's 255 characters.
 */
export function paymentIdempotencyKey(attempt: PaymentAttempt): string {
	if (attempt.invoiceIds.length === 0) {
		throw new CoreInputError('invoiceId', 'At least one invoice id is needed for an idempotency key');
	}
	if (!DAY.test(attempt.day)) {
		throw new CoreInputError('day', `Day "${attempt.day}" is not a YYYY-MM-DD date`);
	}
	const canonical = JSON.stringify([
		attempt.provider,
		attempt.purpose,
		[...attempt.invoiceIds].sort(),
		attempt.amountMinor,
		attempt.currency.toLowerCase(),
		attempt.day,
		attempt.paymentMethod ?? '',
	]);
	// One-shot hashing: the auto-pay scan makes a key per invoice, a million in a big run.
	const digest = hash('sha256', canonical, 'hex').slice(0, 40);
	return `invpay-${attempt.purpose}-${attempt.day}-${digest}`;
}

/** A key for a non-payment write (create customer, refund...) derived from what makes it unique. */
export function operationIdempotencyKey(operation: string, ...parts: Array<string | number>): string {
	const digest = hash('sha256', JSON.stringify([operation, ...parts]), 'hex').slice(0, 40);
	return `invpay-${operation}-${digest}`;
}

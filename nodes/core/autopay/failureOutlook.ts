/**
 * What follows a failed automatic charge, read from its payment record alone, for the emails and
 * the run report: another try on a day, the end of the schedule, never again (a hard decline), or
 * only the customer can complete it. The retry policy (retryPolicy.ts) stays the one owner of
 * when: a retry carries its `recovery` from the scan; a first charge carries none, so its failure
 * is judged by the policy itself as the only failed attempt on the day its key names.
 */
import type { Decline, RetryBan } from '../payments/declines';
import { retryBan } from '../payments/declines';
import { idempotencyKeyDay } from '../payments/idempotency';
import { BusinessCalendar, epochDay } from './dates';
import { judgeRetry, needsCustomer, readRetrySchedule } from './retryPolicy';
import type { Recovery } from './types';

/** The retry policy as the daily run's Settings give it to the emails and the report. */
export interface RetryPolicySettings {
	/** the Auto-Pay Scan's Retry Failed Charges by Schedule; off: no outlook at all */
	retryPolicy?: boolean | null;
	/** its Retry Days After the First Failure (a list or "1, 3, 5"); empty: the default */
	retryScheduleDays?: unknown;
}

/** The parts of a payment record the outlook reads. */
export interface FailedChargeRecord {
	invoiceId: string;
	paymentId?: string | null;
	status: string;
	paymentMethod?: { id?: string | null; label?: string | null } | null;
	failure?: { code?: string | null; declineCode?: string | null } | null;
	idempotencyKey?: string | null;
	/** the scan's recovery, on a retry (Charge Scanned Invoice copies it) */
	recovery?: Partial<Recovery> | null;
}

export type FailureOutlook =
	| {
			kind: 'retry';
			/** YYYY-MM-DD in the business zone */
			nextTryDay: string;
			/** automatic tries still to come */
			retriesLeft: number;
			/** the invoice's first failure: no retry was made yet */
			firstFailure: boolean;
	  }
	/** the schedule is over: that was the last automatic try */
	| { kind: 'ended' }
	/** a hard decline: never retried (rule 17) */
	| { kind: 'never'; ban: RetryBan }
	/** only the customer can complete the payment */
	| { kind: 'customer' };

function declineOfRecord(record: FailedChargeRecord): Decline {
	return {
		code: record.failure?.code ?? null,
		declineCode: record.failure?.declineCode ?? null,
		adviceCode: null,
		networkAdviceCode: null,
		networkDeclineCode: null,
		cardBrand: null,
		paymentMethodId: record.paymentMethod?.id ?? null,
		paymentMethodLabel: record.paymentMethod?.label ?? null,
	};
}

/**
 * What follows this failed charge under the retry policy; undefined when the policy is off, the
 * record did not fail, or it is not a charge of the daily auto-pay (its key names no auto-pay day).
 */
export function failureOutlook(
	record: FailedChargeRecord,
	settings: RetryPolicySettings,
): FailureOutlook | undefined {
	if (settings.retryPolicy === false || record.status !== 'failed') return undefined;
	const decline = declineOfRecord(record);
	const ban = retryBan(decline);
	const recovery = record.recovery;
	const keyDay = idempotencyKeyDay(record.idempotencyKey, 'autopay');
	if (!recovery && keyDay === null) return undefined;
	if (ban !== undefined) return { kind: 'never', ban };
	if (needsCustomer(decline)) return { kind: 'customer' };
	if (recovery) {
		const { nextTryDay, retriesLeft } = recovery;
		return typeof nextTryDay === 'string' && typeof retriesLeft === 'number' && retriesLeft > 0
			? { kind: 'retry', nextTryDay, retriesLeft, firstFailure: false }
			: { kind: 'ended' };
	}
	const [year, month, day] = (keyDay as string).split('-').map(Number);
	const methodId = decline.paymentMethodId ?? 'the-automatic-method';
	const verdict = judgeRetry(
		[
			{
				id: record.paymentId ?? 'the-failed-payment',
				status: 'requires_payment_method',
				invoiceIds: [record.invoiceId],
				lastDecline: decline,
				idempotencyKey: record.idempotencyKey,
			},
		],
		{ id: methodId, label: decline.paymentMethodLabel ?? '', type: 'card' },
		{
			schedule: readRetrySchedule(settings.retryScheduleDays),
			// the key names the day, so the calendar is never asked
			calendar: new BusinessCalendar('UTC'),
			today: epochDay(year, month, day),
		},
	);
	if (verdict?.kind === 'scheduled' && verdict.recovery.nextTryDay !== null) {
		return {
			kind: 'retry',
			nextTryDay: verdict.recovery.nextTryDay,
			retriesLeft: verdict.recovery.retriesLeft,
			firstFailure: true,
		};
	}
	return verdict?.kind === 'customer' ? { kind: 'customer' } : { kind: 'ended' };
}

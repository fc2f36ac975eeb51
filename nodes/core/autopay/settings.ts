/**
 * A scan's settings, checked once and worked out into what the rules compare against: today and
 * the earliest day of the catch-up window as epoch days, caps in minor units per currency, the
 * item's field names. Bad settings throw a CoreInputError naming the setting, before any invoice.
 */
import { DEFAULT_CATCH_UP_DAYS, DEFAULT_RETRY_POLICY } from '../defaults';
import { CoreInputError } from '../errors';
import { currencyRules, parseAmount } from '../money/money';
import { BusinessCalendar, formatEpochDay } from './dates';
import { readRetrySchedule } from './retryPolicy';
import type { RetrySchedule } from './retryPolicy';
import type { CurrencyCaps, InvoiceField, ScanSettings, TakePaymentOn } from './types';

export interface ScanConfig {
	takePaymentOn: TakePaymentOn;
	/** the field that holds the payment day in this mode */
	dateField: 'createdAt' | 'dueDate';
	calendar: BusinessCalendar;
	timeZone: string;
	/** today in the business zone, as an epoch day */
	today: number;
	/** today in the business zone, YYYY-MM-DD */
	scanDay: string;
	catchUpDays: number;
	/** the first payment day still charged: today - catchUpDays */
	earliestDay: number;
	/**
	 * the retry schedule when the retry policy judges failed charges (policy on and Check Stripe,
	 * which reads the attempts); undefined otherwise
	 */
	retry: RetrySchedule | undefined;
	/**
	 * the first payment day whose invoice may still be in a retry schedule: earliestDay less the
	 * schedule's last day with the retry policy (rule 8 leaves the days between to rule 21),
	 * earliestDay without
	 */
	retryEarliestDay: number;
	recurringOnly: boolean;
	checkStripe: boolean;
	/** lowercase ISO code, for invoices without a currency */
	defaultCurrency: string | undefined;
	/** minor units per lowercase currency; undefined when no cap is set */
	maxPerInvoice: Map<string, number> | undefined;
	maxChargesPerRun: number | undefined;
	maxTotalPerRun: Map<string, number> | undefined;
	/** the item's field names, as INVALID_FIELD names them */
	fieldNames: Record<InvoiceField, string>;
}

export function readScanSettings(settings: ScanSettings): ScanConfig {
	const { takePaymentOn } = settings;
	if (takePaymentOn !== 'creationDate' && takePaymentOn !== 'dueDate') {
		throw new CoreInputError(
			'takePaymentOn',
			`When to take payment must be "creationDate" or "dueDate", not "${String(takePaymentOn)}"`,
		);
	}
	const calendar = new BusinessCalendar(settings.timeZone, 'timeZone');
	const today = calendar.dayOf(settings.asOf, 'asOf');
	const catchUpDays =
		settings.catchUpDays === undefined
			? DEFAULT_CATCH_UP_DAYS
			: readCount(settings.catchUpDays, 'catchUpDays', 0);
	const defaultCurrency =
		settings.defaultCurrency === undefined || settings.defaultCurrency === ''
			? undefined
			: currencyRules(settings.defaultCurrency, 'defaultCurrency').code;
	const maxPerInvoice = readCaps(settings.maxPerInvoice, 'maxPerInvoice');
	const maxTotalPerRun = readCaps(settings.maxTotalPerRun, 'maxTotalPerRun');
	const maxChargesPerRun =
		settings.maxChargesPerRun === undefined
			? undefined
			: readCount(settings.maxChargesPerRun, 'maxChargesPerRun', 1);
	const names = settings.fieldNames ?? {};
	const checkStripe = settings.checkStripe ?? false;
	const schedule = readRetrySchedule(settings.retryScheduleDays);
	const retry =
		checkStripe && (settings.retryPolicy ?? DEFAULT_RETRY_POLICY) ? schedule : undefined;
	return {
		takePaymentOn,
		dateField: takePaymentOn === 'dueDate' ? 'dueDate' : 'createdAt',
		calendar,
		timeZone: calendar.timeZone,
		today,
		scanDay: formatEpochDay(today),
		catchUpDays,
		earliestDay: today - catchUpDays,
		retry,
		retryEarliestDay: today - catchUpDays - (retry?.lastDay ?? 0),
		recurringOnly: settings.recurringOnly ?? true,
		checkStripe,
		defaultCurrency,
		maxPerInvoice,
		maxChargesPerRun,
		maxTotalPerRun,
		fieldNames: {
			id: names.id ?? 'id',
			customerId: names.customerId ?? 'customerId',
			balance: names.balance ?? 'balance',
			currency: names.currency ?? 'currency',
			createdAt: names.createdAt ?? 'createdAt',
			dueDate: names.dueDate ?? 'dueDate',
			recurringInvoiceId: names.recurringInvoiceId ?? 'recurringInvoiceId',
			status: names.status ?? 'status',
			paymentStatus: names.paymentStatus ?? 'paymentStatus',
		},
	};
}

/** Caps in minor units per lowercase currency; undefined when no cap is set. */
function readCaps(caps: CurrencyCaps | undefined, label: string): Map<string, number> | undefined {
	if (caps === undefined || caps === null) return undefined;
	const byCurrency = new Map<string, number>();
	for (const [currency, value] of Object.entries(caps)) {
		const { code } = currencyRules(currency, label);
		byCurrency.set(code, parseAmount(value, code, `${label}.${code}`));
	}
	return byCurrency.size === 0 ? undefined : byCurrency;
}

function readCount(value: unknown, label: string, minimum: number): number {
	if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) {
		throw new CoreInputError(label, `${label} must be a whole number of at least ${minimum}`);
	}
	return value;
}

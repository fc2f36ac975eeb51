// @ts-check
import { SKIP_REASONS } from '../../../nodes/core/autopay/types';
import { DEFAULT_CATCH_UP_DAYS } from '../../../nodes/core/defaults';
import { CoreInputError } from '../../../nodes/core/errors';
import { paymentIdempotencyKey } from '../../../nodes/core/payments/idempotency';
import {
	createScan,
	decline,
	FACTS,
	INVOICE,
	LINK_EXPIRES,
	LOST,
	SETTINGS,
	VISA,
} from './fixtures';

const STRIPE = { checkStripe: true };

/** @typedef {import('../../../nodes/core/autopay/types').CustomerFacts} CustomerFacts */
/** @typedef {import('./fixtures').DecisionFields} DecisionFields */

/**
 * @param {string} status
 * @param {string[]} [invoiceIds]
 * @param {object} [extra]
 * @returns {CustomerFacts}
 */
function withPayment(status, invoiceIds = ['INV-7'], extra = {}) {
	return { ...FACTS, payments: [{ id: 'pi_1', status, invoiceIds, ...extra }] };
}
/**
 * A failed attempt of INV-7; `day`: the business day its auto-pay key names (none: no key, no
 * created, so the policy takes it as made today).
 * @param {Parameters<typeof decline>[0]} signals
 * @param {{ status?: string, method?: string | null, facts?: CustomerFacts, day?: string }} [options]
 * @returns {CustomerFacts}
 */
function withDecline(
	signals,
	{ status = 'requires_payment_method', method, facts = FACTS, day } = {},
) {
	const key = day === undefined ? {} : { idempotencyKey: `invpay-autopay-${day}-00000000000000` };
	return {
		...facts,
		payments: [{ id: 'pi_1', status, invoiceIds: ['INV-7'], ...decline(signals, method), ...key }],
	};
}
const SOFT = { code: 'card_declined', declineCode: 'insufficient_funds' };
const YESTERDAY = '2026-11-22';
/** @param {string} id @param {string} day */
const failedOn = (id, day) =>
	/** @type {NonNullable<CustomerFacts['payments']>} */ (withDecline(SOFT, { day }).payments).map(
		(payment) => ({ ...payment, id }),
	);
const REFUNDED = { fullyRefunded: true };
/** @returns {CustomerFacts} */
function withPayLink(invoiceIds = ['INV-7'], facts = FACTS) {
	return { ...facts, payLinks: [{ id: 'cs_1', expiresAt: LINK_EXPIRES, invoiceIds }] };
}

/** @type {Partial<DecisionFields>} */
const CHARGE = { action: 'charge' };
/** @returns {Partial<DecisionFields>} */
const skip = (reason, extra = {}) => ({ action: 'skip', reason, ...extra });
const invalid = (field) => skip('INVALID_FIELD', { field });

// [description, invoice fields, settings, customer facts, expected decision]
// One case per line: these tables read as tables.
/** @type {Array<[string, Record<string, unknown>, Partial<import('../../../nodes/core/autopay/types').ScanSettings>, CustomerFacts | undefined, Partial<DecisionFields>]>} */
// prettier-ignore
const CASES = [
	// due dates and the catch-up window (today is 2026-11-23 in Berlin, window 3 days)
	['due today is charged', {}, {}, undefined, { ...CHARGE, amountMinor: 12500, amount: '125.00', currency: 'usd', scanDay: '2026-11-23', paymentDay: '2026-11-23', daysLate: 0, invoiceId: 'INV-7', customerId: 'C-1', takePaymentOn: 'dueDate' }],
	['due yesterday, window 3: caught up', { dueDate: '2026-11-22' }, {}, undefined, { ...CHARGE, paymentDay: '2026-11-22', daysLate: 1 }],
	['due 3 days ago, window 3: last day of the window', { dueDate: '2026-11-20' }, {}, undefined, { ...CHARGE, daysLate: 3 }],
	['due 4 days ago, window 3', { dueDate: '2026-11-19' }, {}, undefined, skip('OUTSIDE_CATCH_UP_WINDOW', { paymentDay: '2026-11-19' })],
	['due yesterday, window 0', { dueDate: '2026-11-22' }, { catchUpDays: 0 }, undefined, skip('OUTSIDE_CATCH_UP_WINDOW')],
	['due today, window 0', {}, { catchUpDays: 0 }, undefined, CHARGE],
	['due yesterday, window 1', { dueDate: '2026-11-22' }, { catchUpDays: 1 }, undefined, { ...CHARGE, daysLate: 1 }],
	['due 2 days ago, window 1', { dueDate: '2026-11-21' }, { catchUpDays: 1 }, undefined, skip('OUTSIDE_CATCH_UP_WINDOW')],
	['due tomorrow', { dueDate: '2026-11-24' }, {}, undefined, skip('NOT_DUE_YET', { paymentDay: '2026-11-24' })],
	['catch-up window defaults to 3 days', { dueDate: '2026-11-20' }, { catchUpDays: undefined }, undefined, { ...CHARGE, daysLate: DEFAULT_CATCH_UP_DAYS }],
	// creation-date mode
	['creation date today, due in 30 days', { createdAt: '2026-11-23', dueDate: '2026-12-23' }, { takePaymentOn: 'creationDate' }, undefined, { ...CHARGE, paymentDay: '2026-11-23', takePaymentOn: 'creationDate' }],
	['creation date tomorrow', { createdAt: '2026-11-24' }, { takePaymentOn: 'creationDate' }, undefined, skip('NOT_DUE_YET')],
	['creation date 5 days ago, window 3', { createdAt: '2026-11-18' }, { takePaymentOn: 'creationDate' }, undefined, skip('OUTSIDE_CATCH_UP_WINDOW')],
	['creation mode ignores an unreadable due date', { createdAt: '2026-11-23', dueDate: 'tomorrow' }, { takePaymentOn: 'creationDate' }, undefined, CHARGE],
	['due mode ignores an unreadable creation date', { createdAt: 'yesterday' }, {}, undefined, CHARGE],
	['due date missing in due mode', { dueDate: undefined }, {}, undefined, invalid('dueDate')],
	['creation date missing in creation mode', { createdAt: null }, { takePaymentOn: 'creationDate' }, undefined, invalid('createdAt')],
	// today at the edges of the business day
	['asOf 23:59:59.999 local, due the next day', { dueDate: '2026-11-24' }, { asOf: '2026-11-23T23:59:59.999+01:00' }, undefined, skip('NOT_DUE_YET')],
	['asOf 00:00 local (23:00Z the day before), due that day', { dueDate: '2026-11-24' }, { asOf: '2026-11-23T23:00:00Z' }, undefined, { ...CHARGE, scanDay: '2026-11-24', daysLate: 0 }],
	['asOf 23:59 local, due that day', {}, { asOf: '2026-11-23T23:59:00+01:00' }, undefined, { ...CHARGE, scanDay: '2026-11-23' }],
	['asOf 00:00 local, window 0, due the day before', {}, { asOf: '2026-11-24T00:00:00+01:00', catchUpDays: 0 }, undefined, skip('OUTSIDE_CATCH_UP_WINDOW')],
	['asOf as epoch ms, 00:00 local', { dueDate: '2026-11-24' }, { asOf: Date.UTC(2026, 10, 23, 23) }, undefined, { ...CHARGE, scanDay: '2026-11-24' }],
	['asOf as a Date', {}, { asOf: new Date('2026-11-23T08:00:00Z') }, undefined, { ...CHARGE, scanDay: '2026-11-23' }],
	// due dates as instants, judged in the business zone
	['due 23:30Z is 00:30 tomorrow in Berlin', { dueDate: '2026-11-23T23:30:00Z' }, {}, undefined, skip('NOT_DUE_YET', { paymentDay: '2026-11-24' })],
	['due 00:30 local with offset', { dueDate: '2026-11-23T00:30:00+01:00' }, {}, undefined, CHARGE],
	['due 00:30 tomorrow with offset', { dueDate: '2026-11-24T00:30:00+01:00' }, {}, undefined, skip('NOT_DUE_YET')],
	['due without offset is local time', { dueDate: '2026-11-23T23:30:00' }, {}, undefined, { ...CHARGE, paymentDay: '2026-11-23' }],
	['due as epoch ms', { dueDate: Date.UTC(2026, 10, 23, 12) }, {}, undefined, CHARGE],
	['due as epoch ms string', { dueDate: String(Date.UTC(2026, 10, 22, 23, 30)) }, {}, undefined, { ...CHARGE, paymentDay: '2026-11-23' }],
	['due as Date object', { dueDate: new Date('2026-11-22T23:30:00Z') }, {}, undefined, { ...CHARGE, paymentDay: '2026-11-23' }],
	['NY fall back: 04:30Z Nov 2 is still Nov 1, today', { dueDate: '2026-11-02T04:30:00Z' }, { timeZone: 'America/New_York', asOf: '2026-11-01T12:00:00-05:00' }, undefined, { ...CHARGE, paymentDay: '2026-11-01' }],
	['NY fall back: asOf 23:30 EST Nov 1 (Nov 2 in UTC), due Nov 2', { dueDate: '2026-11-02' }, { timeZone: 'America/New_York', asOf: '2026-11-02T04:30:00Z' }, undefined, skip('NOT_DUE_YET')],
	['NY spring forward: asOf 00:30 EDT Mar 9, due Mar 9', { dueDate: '2026-03-09' }, { timeZone: 'America/New_York', asOf: '2026-03-09T04:30:00Z' }, undefined, { ...CHARGE, scanDay: '2026-03-09' }],
	['Berlin spring forward: 00:30 CET Mar 29 (Mar 28 in UTC)', { dueDate: '2026-03-28T23:30:00Z' }, { asOf: '2026-03-29T12:00:00+02:00', catchUpDays: 0 }, undefined, { ...CHARGE, paymentDay: '2026-03-29' }],
	['Berlin fall back: 23:30 CET Oct 25 is not yet Oct 26', { dueDate: '2026-10-26' }, { asOf: '2026-10-25T22:30:00Z' }, undefined, skip('NOT_DUE_YET')],
	['Auckland: 11:30Z Nov 22 is Nov 23 there', {}, { timeZone: 'Pacific/Auckland', asOf: '2026-11-22T11:30:00Z' }, undefined, { ...CHARGE, scanDay: '2026-11-23' }],
	['Kolkata: 18:30Z is midnight IST', {}, { timeZone: 'Asia/Kolkata', asOf: '2026-11-22T18:30:00Z' }, undefined, { ...CHARGE, scanDay: '2026-11-23' }],
	['Kolkata: 18:29:59Z is still the day before', {}, { timeZone: 'Asia/Kolkata', asOf: '2026-11-22T18:29:59Z' }, undefined, skip('NOT_DUE_YET')],
	['month end: due Jan 31, today Feb 1, window 1', { dueDate: '2026-01-31' }, { asOf: '2026-02-01T08:00:00+01:00', catchUpDays: 1 }, undefined, { ...CHARGE, daysLate: 1 }],
	['2026 is no leap year: Feb 26 to Mar 1 is 3 days', { dueDate: '2026-02-26' }, { asOf: '2026-03-01T08:00:00+01:00' }, undefined, { ...CHARGE, daysLate: 3 }],
	['2028 is a leap year: Feb 26 to Mar 1 is 4 days', { dueDate: '2028-02-26' }, { asOf: '2028-03-01T08:00:00+01:00' }, undefined, skip('OUTSIDE_CATCH_UP_WINDOW')],
	['due on leap day 2028', { dueDate: '2028-02-29' }, { asOf: '2028-02-29T08:00:00+01:00' }, undefined, { ...CHARGE, scanDay: '2028-02-29' }],
	// unreadable dates are INVALID_FIELD, never "not due"
	['due 2027-02-29 does not exist', { dueDate: '2027-02-29' }, {}, undefined, invalid('dueDate')],
	['due 2026-02-30 does not exist', { dueDate: '2026-02-30' }, {}, undefined, invalid('dueDate')],
	['due "tomorrow"', { dueDate: 'tomorrow' }, {}, undefined, invalid('dueDate')],
	['due empty string', { dueDate: '' }, {}, undefined, invalid('dueDate')],
	['due in Unix seconds', { dueDate: 1_795_392_000 }, {}, undefined, invalid('dueDate')],
	// ids, currency, balance
	['missing id', { id: undefined }, {}, undefined, invalid('id')],
	['blank id', { id: '  ' }, {}, undefined, invalid('id')],
	['numeric id', { id: 7 }, {}, undefined, { ...CHARGE, invoiceId: '7' }],
	['missing customer', { customerId: '' }, {}, undefined, invalid('customerId')],
	['missing currency, no default', { currency: undefined }, {}, undefined, invalid('currency')],
	['blank currency, default EUR', { currency: ' ' }, { defaultCurrency: 'EUR' }, undefined, { ...CHARGE, currency: 'eur' }],
	['unknown currency', { currency: 'XYZ' }, { defaultCurrency: 'EUR' }, undefined, invalid('currency')],
	['balance not a number', { balance: 'abc' }, {}, undefined, invalid('balance')],
	['balance with thousands separator', { balance: '1,250.00' }, {}, undefined, invalid('balance')],
	['balance with more decimals than USD has', { balance: '12.345' }, {}, undefined, invalid('balance')],
	["balance below Stripe's USD minimum", { balance: '0.30' }, {}, undefined, { ...invalid('balance'), paymentDay: '2026-11-23' }],
	['balance above eight digits', { balance: '1000000.00' }, {}, undefined, invalid('balance')],
	['JPY has no decimals', { balance: '5000', currency: 'jpy' }, {}, undefined, { ...CHARGE, amountMinor: 5000, amount: '5000', currency: 'jpy' }],
	["KWD in Stripe's steps of 10 is charged exactly", { balance: '5.130', currency: 'KWD' }, {}, undefined, { ...CHARGE, amountMinor: 5130, amount: '5.130' }],
	["KWD between Stripe's steps of 10 is refused, never rounded", { balance: '5.125', currency: 'KWD' }, {}, undefined, invalid('balance')],
	['balance as a number', { balance: 125.5 }, {}, undefined, { ...CHARGE, amountMinor: 12550, amount: '125.50' }],
	['zero balance', { balance: '0.00' }, {}, undefined, skip('ZERO_BALANCE')],
	['credit balance (string)', { balance: '-20.00' }, {}, undefined, skip('ZERO_BALANCE')],
	['credit balance (number)', { balance: -20 }, {}, undefined, skip('ZERO_BALANCE')],
	// statuses in the books
	['status Paid with zero balance', { status: 'Paid', balance: '0.00' }, {}, undefined, skip('ALREADY_PAID')],
	['status PAID with a balance left', { status: 'PAID' }, {}, undefined, skip('ALREADY_PAID')],
	['payment status paid', { paymentStatus: 'paid' }, {}, undefined, skip('ALREADY_PAID')],
	['status Void', { status: 'Void' }, {}, undefined, skip('ALREADY_PAID')],
	['status Fully-Paid', { status: 'Fully-Paid' }, {}, undefined, skip('ALREADY_PAID')],
	['status Partially Paid is still owed', { status: 'Partially Paid' }, {}, undefined, CHARGE],
	['unknown status word', { status: 'Overdue' }, {}, undefined, CHARGE],
	['numeric status', { status: 42 }, {}, undefined, CHARGE],
	['status "constructor" is just a word', { status: 'constructor' }, {}, undefined, CHARGE],
	['payment status Pending', { paymentStatus: 'Pending' }, {}, undefined, skip('PAYMENT_PENDING')],
	['payment status processing', { paymentStatus: 'processing' }, {}, undefined, skip('PAYMENT_PENDING')],
	['payment status Action Required', { paymentStatus: 'Action Required' }, {}, undefined, skip('ACTION_REQUIRED')],
	['payment status requires_action', { paymentStatus: 'requires_action' }, {}, undefined, skip('ACTION_REQUIRED')],
	// recurring invoices only
	['no recurring invoice id', { recurringInvoiceId: '' }, {}, undefined, skip('NOT_RECURRING')],
	['recurring invoice id 0 means none', { recurringInvoiceId: 0 }, {}, undefined, skip('NOT_RECURRING')],
	['recurring invoice id -1 means none', { recurringInvoiceId: '-1' }, {}, undefined, skip('NOT_RECURRING')],
	['not recurring, "recurring only" off', { recurringInvoiceId: null }, { recurringOnly: false }, undefined, CHARGE],
	['numeric recurring invoice id', { recurringInvoiceId: 15 }, {}, undefined, CHARGE],
	// Check Stripe
	['mapped with an automatic method', {}, STRIPE, FACTS, { ...CHARGE, stripeCustomerId: 'cus_1', paymentMethod: VISA }],
	['no facts for the customer', {}, STRIPE, undefined, skip('NO_CUSTOMER_MAPPING')],
	['no Stripe customer', {}, STRIPE, { ...FACTS, stripeCustomerId: null }, skip('NO_CUSTOMER_MAPPING')],
	['no automatic method', {}, STRIPE, { ...FACTS, automaticPaymentMethod: null }, skip('NO_AUTOMATIC_METHOD')],
	['PaymentIntent processing', {}, STRIPE, withPayment('processing'), skip('PAYMENT_PENDING')],
	['PaymentIntent requires_capture', {}, STRIPE, withPayment('requires_capture'), skip('PAYMENT_PENDING')],
	['PaymentIntent requires_action', {}, STRIPE, withPayment('requires_action'), skip('ACTION_REQUIRED')],
	['PaymentIntent succeeded', {}, STRIPE, withPayment('succeeded'), skip('ALREADY_PAID')],
	['combined PaymentIntent over several invoices processing', {}, STRIPE, withPayment('processing', ['INV-6', 'INV-7']), skip('PAYMENT_PENDING')],
	["another invoice's PaymentIntent processing", {}, STRIPE, withPayment('processing', ['INV-8']), CHARGE],
	['declined earlier (requires_payment_method): try again', {}, STRIPE, withPayment('requires_payment_method'), CHARGE],
	['canceled PaymentIntent', {}, STRIPE, withPayment('canceled'), CHARGE],
	// refunds: a fully refunded payment pays nothing, a partly refunded one still pays
	['PaymentIntent succeeded, then fully refunded', {}, STRIPE, withPayment('succeeded', ['INV-7'], REFUNDED), { ...CHARGE, stripeCustomerId: 'cus_1', paymentMethod: VISA }],
	['PaymentIntent succeeded, then partly refunded', {}, STRIPE, withPayment('succeeded', ['INV-7'], { fullyRefunded: false }), skip('ALREADY_PAID', { paymentId: 'pi_1' })],
	['combined PaymentIntent fully refunded', {}, STRIPE, withPayment('succeeded', ['INV-6', 'INV-7'], REFUNDED), CHARGE],
	// declines the card networks forbid retrying, on the automatic method
	['declined lost_card on the automatic method', {}, STRIPE, withDecline(LOST), skip('DO_NOT_RETRY', { paymentId: 'pi_1', declineCode: 'lost_card' })],
	['declined with advice do_not_try_again', {}, STRIPE, withDecline({ declineCode: 'generic_decline', adviceCode: 'do_not_try_again' }), skip('DO_NOT_RETRY', { declineCode: 'do_not_try_again' })],
	['declined with Mastercard advice 21', {}, STRIPE, withDecline({ declineCode: 'generic_decline', networkAdviceCode: '21', cardBrand: 'mastercard' }), skip('DO_NOT_RETRY', { declineCode: '21' })],
	['declined stolen_card, then canceled', {}, STRIPE, withDecline({ declineCode: 'stolen_card' }, { status: 'canceled' }), skip('DO_NOT_RETRY', { declineCode: 'stolen_card' })],
	['declined lost_card, the method not named', {}, STRIPE, withDecline(LOST, { method: null }), skip('DO_NOT_RETRY')],
	['declined lost_card on a method the customer has since replaced', {}, STRIPE, withDecline(LOST, { method: 'pm_old' }), CHARGE],
	// the retry policy (on by default with Check Stripe; schedule 1, 3, 5, 7, 10, 14)
	['declined insufficient_funds yesterday: day 1, tried again', {}, STRIPE, withDecline(SOFT, { day: YESTERDAY }), { ...CHARGE, recovery: expect.objectContaining({ decidedBy: 'schedule', attempts: 1, nextTryDay: '2026-11-25', retriesLeft: 5 }) }],
	['declined generic_decline, advice try_again_later, yesterday: tried again', {}, STRIPE, withDecline({ declineCode: 'generic_decline', adviceCode: 'try_again_later' }, { day: YESTERDAY }), CHARGE],
	['declined insufficient_funds today: next try tomorrow', {}, STRIPE, withDecline(SOFT, { day: '2026-11-23' }), skip('RETRY_SCHEDULED', { paymentId: 'pi_1', recovery: expect.objectContaining({ nextTryDay: '2026-11-24' }) })],
	['declined, the day unknown: taken as today', {}, STRIPE, withDecline(SOFT), skip('RETRY_SCHEDULED')],
	['declined two days ago, retried yesterday: day 2 is no retry day', {}, STRIPE, { ...FACTS, payments: [...failedOn('pi_2', YESTERDAY), ...failedOn('pi_1', '2026-11-21')] }, skip('RETRY_SCHEDULED', { paymentId: 'pi_2', recovery: expect.objectContaining({ attempts: 2, firstFailureDay: '2026-11-21', nextTryDay: '2026-11-24', retriesLeft: 5 }) })],
	['declined two days ago, no run yesterday: day 1 made up today', {}, STRIPE, withDecline(SOFT, { day: '2026-11-21' }), { ...CHARGE, recovery: expect.objectContaining({ nextTryDay: '2026-11-24' }) }],
	['declined 14 days ago: the last try', { dueDate: '2026-11-09' }, STRIPE, withDecline(SOFT, { day: '2026-11-09' }), { ...CHARGE, recovery: expect.objectContaining({ lastTry: true, retriesLeft: 0, nextTryDay: null }) }],
	['declined 15 days ago: the schedule has ended', { dueDate: '2026-11-08' }, STRIPE, withDecline(SOFT, { day: '2026-11-08' }), skip('RETRIES_EXHAUSTED', { paymentId: 'pi_1' })],
	['declined authentication_required: never off-session, a page on the retry day', {}, STRIPE, withDecline({ code: 'authentication_required', declineCode: 'authentication_required' }, { day: YESTERDAY }), { ...CHARGE, howToPay: 'payLink', recovery: expect.objectContaining({ decidedBy: 'customer-action' }) }],
	['declined with advice confirm_card_data: the customer must act, on a page', {}, STRIPE, withDecline({ declineCode: 'generic_decline', adviceCode: 'confirm_card_data' }, { day: YESTERDAY }), { ...CHARGE, howToPay: 'payLink' }],
	['retry policy off: declined today, charged again within the window', {}, { ...STRIPE, retryPolicy: false }, withDecline(SOFT, { day: '2026-11-23' }), CHARGE],
	['retry policy off: no recovery on a retry', {}, { ...STRIPE, retryPolicy: false }, withDecline(SOFT, { day: YESTERDAY }), CHARGE],
	['due 10 days ago, never attempted: outside the window', { dueDate: '2026-11-13' }, STRIPE, FACTS, skip('OUTSIDE_CATCH_UP_WINDOW')],
	['due 10 days ago, failed 3 days ago: the schedule, not the window', { dueDate: '2026-11-13' }, STRIPE, withDecline(SOFT, { day: '2026-11-20' }), CHARGE],
	['due 25 days ago: beyond any schedule, no Stripe rule asked', { dueDate: '2026-10-29' }, STRIPE, withDecline(SOFT, { day: '2026-11-20' }), skip('OUTSIDE_CATCH_UP_WINDOW')],
	["another invoice's PaymentIntent declined lost_card", {}, STRIPE, { ...FACTS, payments: [{ id: 'pi_1', status: 'requires_payment_method', invoiceIds: ['INV-8'], ...decline(LOST) }] }, CHARGE],
	['Check Stripe off: declines are not read', {}, {}, withDecline(LOST), CHARGE],
	['Check Stripe off: facts are not read', {}, {}, withPayment('processing'), CHARGE],
	['open pay link for the invoice', {}, STRIPE, withPayLink(), skip('PAYMENT_PENDING')],
	['open pay link over several invoices', {}, STRIPE, withPayLink(['INV-6', 'INV-7']), skip('PAYMENT_PENDING')],
	["another invoice's open pay link", {}, STRIPE, withPayLink(['INV-8']), CHARGE],
	['Check Stripe off: open pay links are not read', {}, {}, withPayLink(), CHARGE],
	// caps
	['above the per-invoice cap', {}, { maxPerInvoice: { usd: '100' } }, undefined, skip('OVER_CAP')],
	['equal to the per-invoice cap', {}, { maxPerInvoice: { USD: '125.00' } }, undefined, CHARGE],
	['per-invoice cap set only for another currency', {}, { maxPerInvoice: { eur: 1000 } }, undefined, skip('OVER_CAP')],
	['above the per-run total', {}, { maxTotalPerRun: { usd: '100' } }, undefined, skip('OVER_CAP')],
	['within every cap', {}, { maxPerInvoice: { usd: 200 }, maxTotalPerRun: { usd: '500' }, maxChargesPerRun: 1 }, undefined, CHARGE],
	// several rules broken: the first in the documented order wins
	['bad date, not recurring, zero balance', { dueDate: 'soon', recurringInvoiceId: '', balance: '0' }, {}, undefined, invalid('dueDate')],
	['bad currency before bad balance', { currency: 'XYZ', balance: 'abc' }, {}, undefined, invalid('currency')],
	['missing customer before bad date', { customerId: null, dueDate: 'soon' }, {}, undefined, invalid('customerId')],
	['not recurring, paid, not due', { recurringInvoiceId: '', status: 'Paid', dueDate: '2026-12-01' }, {}, undefined, skip('NOT_RECURRING')],
	['paid, zero balance, not due', { status: 'Paid', balance: '0', dueDate: '2026-12-01' }, {}, undefined, skip('ALREADY_PAID')],
	['zero balance, not due', { balance: '0', dueDate: '2026-12-01' }, {}, undefined, skip('ZERO_BALANCE')],
	['below the minimum, not due', { balance: '0.30', dueDate: '2026-12-01' }, {}, undefined, invalid('balance')],
	['not due, pending', { dueDate: '2026-12-01', paymentStatus: 'Pending' }, {}, undefined, skip('NOT_DUE_YET')],
	['outside the window, pending', { dueDate: '2026-11-01', paymentStatus: 'Pending' }, {}, undefined, skip('OUTSIDE_CATCH_UP_WINDOW')],
	['pending in the books, PaymentIntent requires_action, no mapping', { paymentStatus: 'Pending' }, STRIPE, { ...withPayment('requires_action'), stripeCustomerId: null }, skip('PAYMENT_PENDING')],
	['action required in the books before a PaymentIntent processing', { paymentStatus: 'Action Required' }, STRIPE, withPayment('processing'), skip('ACTION_REQUIRED')],
	['action required in the books, PaymentIntent succeeded', { paymentStatus: 'Action Required' }, STRIPE, withPayment('succeeded'), skip('ACTION_REQUIRED')],
	['PaymentIntent succeeded, no automatic method', {}, STRIPE, { ...withPayment('succeeded'), automaticPaymentMethod: null }, skip('ALREADY_PAID')],
	['PaymentIntent succeeded and an open pay link', {}, STRIPE, withPayLink(['INV-7'], withPayment('succeeded')), skip('ALREADY_PAID')],
	['open pay link, no automatic method', {}, STRIPE, withPayLink(['INV-7'], { ...FACTS, automaticPaymentMethod: null }), skip('PAYMENT_PENDING')],
	['no mapping, over the cap', {}, { ...STRIPE, maxPerInvoice: { usd: 1 } }, { stripeCustomerId: '' }, skip('NO_CUSTOMER_MAPPING')],
	['no automatic method, over the cap', {}, { ...STRIPE, maxPerInvoice: { usd: 1 } }, { ...FACTS, automaticPaymentMethod: undefined }, skip('NO_AUTOMATIC_METHOD')],
	['declined lost_card, no automatic method', {}, STRIPE, withDecline(LOST, { facts: { ...FACTS, automaticPaymentMethod: null } }), skip('NO_AUTOMATIC_METHOD')],
	['declined lost_card, over the cap', {}, { ...STRIPE, maxPerInvoice: { usd: 1 } }, withDecline(LOST), skip('DO_NOT_RETRY')],
	['declined lost_card, then paid with another method', {}, STRIPE, { ...FACTS, payments: [{ id: 'pi_2', status: 'succeeded', invoiceIds: ['INV-7'] }, { id: 'pi_1', status: 'requires_payment_method', invoiceIds: ['INV-7'], ...decline(LOST) }] }, skip('ALREADY_PAID', { paymentId: 'pi_2' })],
	['declined lost_card, paid since, that payment refunded in full', {}, STRIPE, { ...FACTS, payments: [{ id: 'pi_2', status: 'succeeded', invoiceIds: ['INV-7'], ...REFUNDED }, { id: 'pi_1', status: 'requires_payment_method', invoiceIds: ['INV-7'], ...decline(LOST) }] }, skip('DO_NOT_RETRY', { paymentId: 'pi_1' })],
];

describe('auto-pay decisions', () => {
	test('the table covers every reason and at least 60 cases', () => {
		expect(CASES.length).toBeGreaterThanOrEqual(60);
		const reasons = new Set(CASES.map((row) => row[4].reason).filter(Boolean));
		expect([...reasons].sort()).toEqual(
			SKIP_REASONS.filter((r) => r !== 'DUPLICATE_IN_INPUT').sort(),
		);
	});

	test.each(CASES)('%s', (_, invoice, settings, facts, expected) => {
		const scan = createScan({ ...SETTINGS, ...settings });
		const decision = scan.classify({ ...INVOICE, ...invoice }, facts);
		expect(decision).toMatchObject(expected);
		if (expected.action === 'skip') {
			expect(decision.message).toMatch(/^[A-Z].*[^.]$/);
			expect(Object.keys(decision)).not.toContain('idempotencyKey');
			// only a skip a PaymentIntent decided names one (a paid one may be missing from the books)
			const byIntent = facts?.payments?.find((payment) => decision.message.includes(payment.id));
			if (settings.checkStripe && byIntent) expect(decision.paymentId).toBe(byIntent.id);
			else expect(Object.keys(decision)).not.toContain('paymentId');
			// only a DO_NOT_RETRY names the decline that forbids a retry
			if (decision.reason !== 'DO_NOT_RETRY')
				expect(Object.keys(decision)).not.toContain('declineCode');
			// only the retry policy's skips carry recovery
			if (!['RETRY_SCHEDULED', 'RETRIES_EXHAUSTED'].includes(decision.reason)) {
				if (decision.reason !== 'ACTION_REQUIRED' || !decision.message.includes('off-session'))
					expect(Object.keys(decision)).not.toContain('recovery');
			}
		} else {
			// a charge on a method other than the failed one has the method in its key
			const methodChanged = decision.recovery?.methodChanged ?? false;
			expect(decision.idempotencyKey).toBe(
				paymentIdempotencyKey({
					provider: 'stripe',
					purpose: 'autopay',
					invoiceIds: [decision.invoiceId],
					amountMinor: decision.amountMinor,
					currency: decision.currency,
					day: decision.scanDay,
					...(methodChanged ? { paymentMethod: decision.paymentMethod?.id } : {}),
				}),
			);
		}
	});
});

describe('one scan of many invoices', () => {
	// A scan remembers what repeats (dates, amounts, status words, message ends): every case of
	// the table, classified in one scan (each with an id of its own), must decide as
	// in a scan of its own, message included; twice over, so the second round is answered from
	// what the first remembered.
	test.each(
		/** @type {Array<[string, Partial<import('../../../nodes/core/autopay/types').ScanSettings>]>} */ ([
			['in due-date mode', {}],
			['in creation-date mode', { takePaymentOn: 'creationDate' }],
			['with Check Stripe', STRIPE],
		]),
	)('decides every case of the table as a fresh scan does, %s', (_, settings) => {
		const cases = CASES.filter(
			([, invoice, caseSettings]) => !('id' in invoice) && Object.keys(caseSettings).length === 0,
		);
		expect(cases.length).toBeGreaterThan(30);
		const shared = createScan({ ...SETTINGS, ...settings });
		for (const round of [1, 2]) {
			cases.forEach(([, invoice, , facts], index) => {
				const item = { ...INVOICE, ...invoice, id: `INV-7-${round}-${index}` };
				const fresh = createScan({ ...SETTINGS, ...settings }).classify(item, facts);
				expect(shared.classify(item, facts)).toEqual(fresh);
			});
		}
	});

	test('quotes the status word of each invoice, from the field that says so', () => {
		const scan = createScan(SETTINGS);
		const message = (id, status, paymentStatus) =>
			scan.classify({ ...INVOICE, id, status, paymentStatus }).message;
		expect(message('A', 'Paid', 'Unpaid')).toBe(
			'Invoice A is marked "Paid" in the books, so nothing is owed',
		);
		expect(message('B', 'Open', 'Paid')).toBe(
			'Invoice B is marked "Paid" in the books, so nothing is owed',
		);
		expect(message('C', 'VOID', 'Paid')).toBe(
			'Invoice C is marked "VOID" in the books, so nothing is owed',
		);
		expect(message('D', 'Pending', 'Processing')).toBe(
			'Invoice D has a payment pending in the books ("Pending")',
		);
		expect(message('E', 'Open', 'Processing')).toBe(
			'Invoice E has a payment pending in the books ("Processing")',
		);
		expect(message('F', 'Open', 'Action Required')).toBe(
			'Invoice F has a payment waiting for the customer to act ("Action Required" in the books)',
		);
	});

	test('a forbidden retry names the declined payment, its code and what lifts the block', () => {
		const scan = createScan({ ...SETTINGS, ...STRIPE });
		const blocked = (id, signals) =>
			scan.classify(
				{ ...INVOICE, id },
				{
					...FACTS,
					payments: [
						{
							id: `pi_${id}`,
							status: 'requires_payment_method',
							invoiceIds: [id],
							...decline(signals),
						},
					],
				},
			);
		expect(blocked('A', LOST)).toEqual({
			action: 'skip',
			reason: 'DO_NOT_RETRY',
			message:
				'Invoice A is not charged again: its payment pi_A was declined on Visa •••• 4242 (pm_1) with decline code lost_card (the card is reported lost), which the card networks forbid retrying; it is charged once customer C-1 has another automatic payment method',
			invoiceId: 'A',
			paymentDay: '2026-11-23',
			paymentId: 'pi_A',
			declineCode: 'lost_card',
		});
		expect(
			blocked('B', { declineCode: 'generic_decline', adviceCode: 'do_not_try_again' }).message,
		).toBe(
			'Invoice B is not charged again: its payment pi_B was declined on Visa •••• 4242 (pm_1) with advice code do_not_try_again (the issuer says not to try again), which the card networks forbid retrying; it is charged once customer C-1 has another automatic payment method',
		);
		// the newest forbidding decline is named (Stripe lists newest first)
		const two = scan.classify(
			{ ...INVOICE, id: 'C' },
			{
				...FACTS,
				payments: [
					{
						id: 'pi_new',
						status: 'requires_payment_method',
						invoiceIds: ['C'],
						...decline({ declineCode: 'insufficient_funds' }),
					},
					{
						id: 'pi_mid',
						status: 'requires_payment_method',
						invoiceIds: ['C'],
						...decline({ declineCode: 'stolen_card' }),
					},
					{ id: 'pi_old', status: 'canceled', invoiceIds: ['C'], ...decline(LOST) },
				],
			},
		);
		expect(two).toMatchObject({
			reason: 'DO_NOT_RETRY',
			paymentId: 'pi_mid',
			declineCode: 'stolen_card',
		});
	});

	test('beyond what it remembers, a scan still reads every date and amount', () => {
		const scan = createScan({ ...SETTINGS, catchUpDays: 40_000 });
		// 12,000 distinct due dates and balances: more than a scan remembers of either.
		for (let i = 0; i < 12_000; i += 1) {
			const day = new Date(Date.UTC(2026, 10, 23 - i)).toISOString().slice(0, 10);
			const decision = scan.classify({
				...INVOICE,
				id: `M-${i}`,
				dueDate: day,
				balance: `${100 + i}.25`,
			});
			expect(decision).toMatchObject({
				action: 'charge',
				paymentDay: day,
				daysLate: i,
				amountMinor: 10_025 + i * 100,
			});
		}
	});
});

// The order of the rules, rule by rule: autopay-rules.test.js.

describe('one run', () => {
	test('duplicates: the first item is classified normally, later ones are skipped', () => {
		const scan = createScan(SETTINGS);
		expect(scan.classify({ ...INVOICE, dueDate: '2026-12-01' }).reason).toBe('NOT_DUE_YET');
		const second = scan.classify(INVOICE);
		expect(second).toMatchObject({ reason: 'DUPLICATE_IN_INPUT', invoiceId: 'INV-7' });
		expect(second.message).toBe(
			'Invoice INV-7 appears more than once in the input; only its first item is considered',
		);
		// an unreadable later copy reports its bad field first
		expect(scan.classify({ ...INVOICE, balance: 'x' }).reason).toBe('INVALID_FIELD');
		// 7 and "7" are the same invoice
		expect(scan.classify({ ...INVOICE, id: 7 }).action).toBe('charge');
		expect(scan.classify({ ...INVOICE, id: ' 7 ' }).reason).toBe('DUPLICATE_IN_INPUT');
		// an item whose id could not be read does not reserve anything
		expect(scan.classify({ ...INVOICE, id: '' }).reason).toBe('INVALID_FIELD');
		expect(scan.classify({ ...INVOICE, id: 'INV-8' }).action).toBe('charge');
	});

	test('a duplicate whose first item was invalid is still never charged', () => {
		const scan = createScan(SETTINGS);
		expect(scan.classify({ ...INVOICE, balance: '12.3.4' }).reason).toBe('INVALID_FIELD');
		expect(scan.classify(INVOICE).reason).toBe('DUPLICATE_IN_INPUT');
	});

	test('run count cap counts only invoices that will be charged', () => {
		const scan = createScan({ ...SETTINGS, maxChargesPerRun: 2 });
		const reasons = ['A', 'B', 'C', 'D', 'E'].map((id, i) => {
			const decision = scan.classify({ ...INVOICE, id, balance: i === 1 ? '0' : '10.00' });
			return decision.reason ?? decision.action;
		});
		expect(reasons).toEqual(['charge', 'ZERO_BALANCE', 'charge', 'OVER_CAP', 'OVER_CAP']);
		expect(scan.classify({ ...INVOICE, id: 'F' }).message).toBe(
			'Invoice F (125.00 USD) is not charged: this run has reached its cap of 2 charges',
		);
	});

	test('run total cap is per currency, in input order; a smaller later invoice may still fit', () => {
		const scan = createScan({ ...SETTINGS, maxTotalPerRun: { usd: '300', eur: '100.00' } });
		const run = [
			['A', '200.00', 'usd'],
			['B', '150.00', 'usd'],
			['C', '100.00', 'usd'],
			['D', '90.00', 'eur'],
			['E', '20.00', 'eur'],
			['F', '0.50', 'usd'],
		].map(([id, balance, currency]) => scan.classify({ ...INVOICE, id, balance, currency }));
		expect(run.map((d) => d.reason ?? d.action)).toEqual([
			'charge',
			'OVER_CAP',
			'charge',
			'charge',
			'OVER_CAP',
			'OVER_CAP',
		]);
		expect(run[1].message).toBe(
			"Invoice B (150.00 USD) is not charged: it would take this run's USD total to 350.00, above the per-run cap of 300.00 USD",
		);
		expect(scan.summary().chargeTotals).toEqual({
			eur: { currency: 'eur', count: 1, amountMinor: 9000, amount: '90.00' },
			usd: { currency: 'usd', count: 2, amountMinor: 30000, amount: '300.00' },
		});
	});

	test('the same input on the same day gives the same keys; another day gives others', () => {
		const items = Array.from({ length: 50 }, (_, i) => ({
			...INVOICE,
			id: `INV-${i}`,
			balance: `${100 + i}.00`,
		}));
		const keys = (asOf) => {
			const scan = createScan({ ...SETTINGS, asOf });
			return items.map((item) => scan.classify(item).idempotencyKey);
		};
		const morning = keys('2026-11-23T06:00:00+01:00');
		expect(new Set(morning).size).toBe(50);
		expect(keys('2026-11-23T23:59:59+01:00')).toEqual(morning);
		expect(keys(Date.UTC(2026, 10, 23, 12))).toEqual(morning);
		const nextDay = keys('2026-11-24T00:00:00+01:00');
		expect(nextDay.some((key) => morning.includes(key))).toBe(false);
		expect(morning[0]).toMatch(/^invpay-autopay-2026-11-23-[0-9a-f]{40}$/);
	});

	test('summary: every reason counted, totals per currency', () => {
		const scan = createScan({ ...SETTINGS, checkStripe: true });
		scan.classify({ ...INVOICE, id: '1' }, FACTS);
		scan.classify({ ...INVOICE, id: '2', balance: '5000', currency: 'JPY' }, FACTS);
		scan.classify({ ...INVOICE, id: '3', balance: '0.50' }, FACTS);
		scan.classify({ ...INVOICE, id: '3' }, FACTS);
		scan.classify({ ...INVOICE, id: '4', dueDate: '2026-12-01' }, FACTS);
		scan.classify({ ...INVOICE, id: '5' }, { ...FACTS, automaticPaymentMethod: null });
		scan.classify({ ...INVOICE, id: '6', currency: 'nope' }, FACTS);
		scan.classify(
			{ ...INVOICE, id: '7' },
			{
				...FACTS,
				payments: [
					{ id: 'pi_7', status: 'requires_payment_method', invoiceIds: ['7'], ...decline(LOST) },
				],
			},
		);
		const summary = scan.summary();
		expect(summary).toEqual({
			scanDay: '2026-11-23',
			timeZone: 'Europe/Berlin',
			takePaymentOn: 'dueDate',
			invoices: 8,
			charged: 3,
			skipped: 5,
			skippedByReason: {
				INVALID_FIELD: 1,
				DUPLICATE_IN_INPUT: 1,
				NOT_RECURRING: 0,
				ALREADY_PAID: 0,
				ZERO_BALANCE: 0,
				NOT_DUE_YET: 1,
				OUTSIDE_CATCH_UP_WINDOW: 0,
				PAYMENT_PENDING: 0,
				ACTION_REQUIRED: 0,
				NO_CUSTOMER_MAPPING: 0,
				NO_AUTOMATIC_METHOD: 1,
				DO_NOT_RETRY: 1,
				RETRIES_EXHAUSTED: 0,
				RETRY_SCHEDULED: 0,
				OVER_CAP: 0,
			},
			chargeTotals: {
				jpy: { currency: 'jpy', count: 1, amountMinor: 5000, amount: '5000' },
				usd: { currency: 'usd', count: 2, amountMinor: 12550, amount: '125.50' },
			},
		});
		expect(Object.keys(summary.chargeTotals)).toEqual(['jpy', 'usd']);
	});

	test('an empty run has a summary of zeros', () => {
		const summary = createScan(SETTINGS).summary();
		expect(summary).toMatchObject({ invoices: 0, charged: 0, skipped: 0, chargeTotals: {} });
		expect(Object.values(summary.skippedByReason)).toEqual(SKIP_REASONS.map(() => 0));
	});
});

describe('needsCustomerFacts', () => {
	const scan = createScan({ ...SETTINGS, checkStripe: true });

	test.each([
		['a chargeable invoice', {}, true],
		['due tomorrow', { dueDate: '2026-11-24' }, false],
		['paid', { status: 'Paid' }, false],
		['pending in the books', { paymentStatus: 'Pending' }, false],
		['unreadable', { balance: 'x' }, false],
		['not recurring', { recurringInvoiceId: '' }, false],
	])('%s: %p', (_, invoice, expected) => {
		expect(scan.needsCustomerFacts({ ...INVOICE, ...invoice })).toBe(expected);
	});

	test('asking changes nothing in the run, and without Check Stripe nothing is needed', () => {
		expect(scan.needsCustomerFacts(INVOICE)).toBe(true);
		expect(scan.classify(INVOICE, FACTS).action).toBe('charge');
		expect(scan.summary().invoices).toBe(1);
		expect(createScan(SETTINGS).needsCustomerFacts(INVOICE)).toBe(false);
	});

	test('where no facts are needed, leaving them out changes no decision in the table', () => {
		const rows = CASES.filter(([, , settings]) => settings.checkStripe);
		let compared = 0;
		for (const [, invoice, settings, facts] of rows) {
			const fields = { ...INVOICE, ...invoice };
			const scan = createScan({ ...SETTINGS, ...settings });
			if (scan.needsCustomerFacts(fields)) continue;
			const withFacts = createScan({ ...SETTINGS, ...settings }).classify(fields, facts);
			expect(scan.classify(fields, undefined)).toEqual(withFacts);
			compared += 1;
		}
		expect(compared).toBeGreaterThanOrEqual(2);
	});
});

describe('read once', () => {
	test('a reading decides as the fields it was read from, for every case in the table', () => {
		for (const [, invoice, settings, facts] of CASES) {
			const fields = { ...INVOICE, ...invoice };
			const fromFields = createScan({ ...SETTINGS, ...settings });
			const fromReading = createScan({ ...SETTINGS, ...settings });
			const reading = fromReading.read(fields);
			expect(fromReading.needsCustomerFacts(reading)).toBe(fromFields.needsCustomerFacts(fields));
			expect(fromReading.classify(reading, facts)).toEqual(fromFields.classify(fields, facts));
		}
	});

	test('reading leaves the run as it was; the item is judged when it is classified', () => {
		const scan = createScan({ ...SETTINGS, checkStripe: true });
		const first = scan.read(INVOICE);
		const second = scan.read(INVOICE);
		const unreadable = scan.read({ ...INVOICE, id: 'INV-9', balance: 'x' });
		expect(scan.summary().invoices).toBe(0);
		expect(scan.needsCustomerFacts(unreadable)).toBe(false);
		expect(scan.classify(first, FACTS).action).toBe('charge');
		expect(scan.classify(second, FACTS).reason).toBe('DUPLICATE_IN_INPUT');
		// an unreadable item's id is remembered all the same
		expect(scan.classify(unreadable, FACTS).reason).toBe('INVALID_FIELD');
		expect(scan.classify({ ...INVOICE, id: 'INV-9' }, FACTS).reason).toBe('DUPLICATE_IN_INPUT');
	});

	test("an item's own fields are never taken for a reading, whatever they are called", () => {
		const scan = createScan(SETTINGS);
		// fields beyond InvoiceFields, on purpose
		const item = /** @type {any} */ ({ ...INVOICE, kind: 'invoice', skip: { action: 'skip' } });
		expect(scan.classify(item).action).toBe('charge');
	});
});

describe('messages', () => {
	/**
	 * @param {Record<string, unknown>} invoice
	 * @param {Partial<import('../../../nodes/core/autopay/types').ScanSettings>} [settings]
	 * @param {CustomerFacts} [facts]
	 */
	const message = (invoice, settings = {}, facts = undefined) =>
		createScan({ ...SETTINGS, ...settings }).classify({ ...INVOICE, ...invoice }, facts).message;

	// One case per line: these tables read as tables.
	// prettier-ignore
	test.each(/** @type {Array<[Record<string, unknown>, Partial<import('../../../nodes/core/autopay/types').ScanSettings>, CustomerFacts | undefined, string]>} */ ([
		[{ dueDate: '2026-11-30' }, {}, undefined, 'Invoice INV-7 is due on 2026-11-30, after today (2026-11-23 in Europe/Berlin)'],
		[{ createdAt: '2026-11-30' }, { takePaymentOn: 'creationDate' }, undefined, 'Invoice INV-7 was created on 2026-11-30, after today (2026-11-23 in Europe/Berlin)'],
		[{ dueDate: '2026-11-10' }, {}, undefined, 'Invoice INV-7 was due on 2026-11-10, 13 days ago, outside the catch-up window of 3 days (today is 2026-11-23 in Europe/Berlin)'],
		[{ dueDate: '2026-11-22' }, { catchUpDays: 0 }, undefined, 'Invoice INV-7 was due on 2026-11-22, 1 day ago, outside the catch-up window of 0 days (today is 2026-11-23 in Europe/Berlin)'],
		[{ dueDate: 'tomorrow' }, {}, undefined, 'Invoice INV-7 has an unusable dueDate: "tomorrow" is not a date: use YYYY-MM-DD, an ISO 8601 timestamp or epoch milliseconds'],
		[{ balance: '0.30' }, {}, undefined, "Invoice INV-7 cannot be charged: Amount 0.30 USD is below Stripe's minimum charge of 0.50 USD"],
		[{ balance: '-20.00' }, {}, undefined, 'Invoice INV-7 has a credit balance of -20.00 USD, so there is nothing to charge'],
		[{ balance: '0' }, {}, undefined, 'Invoice INV-7 has a balance of 0.00 USD, so there is nothing to charge'],
		[{ status: 'Void' }, {}, undefined, 'Invoice INV-7 is marked "Void" in the books, so nothing is owed'],
		[{ recurringInvoiceId: '' }, {}, undefined, 'Invoice INV-7 is not linked to a recurring invoice, and only recurring invoices are paid automatically'],
		[{ paymentStatus: 'Processing' }, {}, undefined, 'Invoice INV-7 has a payment pending in the books ("Processing")'],
		[{}, STRIPE, withPayment('processing'), 'Invoice INV-7 has a Stripe payment pi_1 that is still processing'],
		[{}, STRIPE, withPayment('requires_action'), 'Invoice INV-7 has a Stripe payment pi_1 waiting for the customer to act (requires_action)'],
		[{}, STRIPE, withPayment('succeeded'), 'Invoice INV-7 was already paid in Stripe (pi_1 succeeded)'],
		[{}, STRIPE, withPayLink(), 'Invoice INV-7 has an open pay link (Checkout Session cs_1, open until 2026-11-24T08:00:00.000Z)'],
		[{}, STRIPE, undefined, 'Customer C-1 of invoice INV-7 is not mapped to a Stripe customer'],
		[{}, STRIPE, { stripeCustomerId: 'cus_1' }, 'Customer C-1 of invoice INV-7 has no automatic payment setup'],
		[{}, { maxPerInvoice: { usd: '100' } }, undefined, 'Invoice INV-7 (125.00 USD) is not charged: it is above the per-invoice cap of 100.00 USD'],
		[{ currency: 'GBP' }, { maxPerInvoice: { usd: '100' } }, undefined, 'Invoice INV-7 (125.00 GBP) is not charged: no per-invoice cap is set for GBP, and caps are in use'],
		[{ customerId: undefined }, {}, undefined, 'Invoice INV-7 has no customer id'],
		[{ id: null }, {}, undefined, 'The invoice has no id, so it cannot be paid safely'],
	]))('%j %j', (invoice, settings, facts, expected) => {
		expect(message(invoice, settings, facts)).toBe(expected);
	});

	test("INVALID_FIELD names the item's own field", () => {
		const scan = createScan({
			...SETTINGS,
			fieldNames: { dueDate: 'DueDate', balance: 'amount_due', id: 'Number' },
		});
		expect(scan.classify({ ...INVOICE, dueDate: '31/12/2026' })).toMatchObject({
			field: 'DueDate',
			message: expect.stringMatching(/^Invoice INV-7 has an unusable DueDate: /),
		});
		expect(scan.classify({ ...INVOICE, id: 'X', balance: '0.10' }).field).toBe('amount_due');
		expect(scan.classify({ ...INVOICE, id: undefined }).field).toBe('Number');
	});
});

describe('settings', () => {
	function settingsError(settings) {
		try {
			createScan({ ...SETTINGS, ...settings });
		} catch (error) {
			expect(error).toBeInstanceOf(CoreInputError);
			return error;
		}
		throw new Error('expected a CoreInputError');
	}

	test.each([
		[{ takePaymentOn: 'invoiceDate' }, 'takePaymentOn'],
		[{ timeZone: 'Berlin' }, 'timeZone'],
		[{ asOf: 'now' }, 'asOf'],
		[{ asOf: undefined }, 'asOf'],
		[{ catchUpDays: -1 }, 'catchUpDays'],
		[{ catchUpDays: 1.5 }, 'catchUpDays'],
		[{ catchUpDays: '3' }, 'catchUpDays'],
		[{ maxChargesPerRun: 0 }, 'maxChargesPerRun'],
		[{ maxPerInvoice: { xyz: '100' } }, 'maxPerInvoice'],
		[{ maxPerInvoice: { usd: 'lots' } }, 'maxPerInvoice.usd'],
		[{ maxTotalPerRun: { jpy: '10.5' } }, 'maxTotalPerRun.jpy'],
		[{ defaultCurrency: 'euro' }, 'defaultCurrency'],
	])('%j is refused, naming %s', (settings, field) => {
		expect(settingsError(settings).field).toBe(field);
	});

	test('scanDay is today in the business zone', () => {
		expect(createScan({ ...SETTINGS, asOf: '2026-11-22T23:30:00Z' }).scanDay).toBe('2026-11-23');
		expect(
			createScan({ ...SETTINGS, timeZone: 'America/New_York', asOf: '2026-11-23T03:30:00Z' })
				.scanDay,
		).toBe('2026-11-22');
	});
});

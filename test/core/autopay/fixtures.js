// @ts-check
// The invoice, settings and Stripe facts the auto-pay core tests start from (each test changes
// what it is about).
import { createScan as createCoreScan } from '../../../nodes/core/autopay/eligibility';

/** @typedef {import('../../../nodes/core/autopay/eligibility').ScanRun} ScanRun */
/** @typedef {import('../../../nodes/core/autopay/types').ChargeDecision} ChargeDecision */
/** @typedef {import('../../../nodes/core/autopay/types').SkipDecision} SkipDecision */
/** @typedef {import('../../../nodes/core/payments/declines').Decline} Decline */
/**
 * A decision as these tests read it: a charge's fields and a skip's at once (those of the other
 * kind read undefined; each test asserts which kind it got).
 * @typedef {Omit<ChargeDecision, 'action'> & Omit<SkipDecision, 'action'> & { action: 'charge' | 'skip' }} DecisionFields
 */

/**
 * The core's createScan, its decisions typed to be read field by field.
 * @param {import('../../../nodes/core/autopay/types').ScanSettings} settings
 * @returns {Omit<ScanRun, 'classify'> & { classify(...args: Parameters<ScanRun['classify']>): DecisionFields }}
 */
export const createScan = (settings) => /** @type {any} */ (createCoreScan(settings));

/** Monday 2026-11-23, 09:00 in Berlin. @type {import('../../../nodes/core/autopay/types').ScanSettings} */
export const SETTINGS = {
	takePaymentOn: 'dueDate',
	timeZone: 'Europe/Berlin',
	asOf: '2026-11-23T09:00:00+01:00',
	catchUpDays: 3,
};

/** Due today, recurring, open: charged unless a test says otherwise. @type {import('../../../nodes/core/autopay/types').InvoiceFields} */
export const INVOICE = {
	id: 'INV-7',
	customerId: 'C-1',
	balance: '125.00',
	currency: 'USD',
	createdAt: '2026-11-01',
	dueDate: '2026-11-23',
	recurringInvoiceId: 'R-1',
	status: 'Open',
	paymentStatus: 'Unpaid',
};

/** @type {import('../../../nodes/core/autopay/types').AutomaticPaymentMethod} */
export const VISA = { id: 'pm_1', label: 'Visa •••• 4242', type: 'card' };

/** A mapped customer with an automatic method and no payments. @type {import('../../../nodes/core/autopay/types').CustomerFacts} */
export const FACTS = { stripeCustomerId: 'cus_1', automaticPaymentMethod: VISA, payments: [] };

/**
 * A PaymentIntent of the invoice declined on a method (the automatic one, pm_1, by default).
 * @param {Partial<Decline>} signals
 * @param {string | null} [paymentMethodId]
 */
export const decline = (signals, paymentMethodId = 'pm_1') => ({
	// the signals not given are absent, which the core reads as null
	lastDecline: /** @type {Decline} */ ({ paymentMethodId, ...signals }),
});

/** A decline the card networks forbid retrying. */
export const LOST = { code: 'card_declined', declineCode: 'lost_card' };

/** An open pay link (Checkout Session) is open until 2026-11-24T08:00:00.000Z. */
export const LINK_EXPIRES = Date.UTC(2026, 10, 24, 8) / 1000;

// The invoice, settings and Stripe facts the auto-pay core tests start from (each test changes
// what it is about).

/** Monday 2026-11-23, 09:00 in Berlin. */
export const SETTINGS = {
	takePaymentOn: 'dueDate',
	timeZone: 'Europe/Berlin',
	asOf: '2026-11-23T09:00:00+01:00',
	catchUpDays: 3,
};

/** Due today, recurring, open: charged unless a test says otherwise. */
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

export const VISA = { id: 'pm_1', label: 'Visa •••• 4242' };

/** A mapped customer with an automatic method and no payments. */
export const FACTS = { stripeCustomerId: 'cus_1', automaticPaymentMethod: VISA, payments: [] };

/** A PaymentIntent of the invoice declined on a method (the automatic one, pm_1, by default). */
export const decline = (signals, paymentMethodId = 'pm_1') => ({
	lastDecline: { paymentMethodId, ...signals },
});

/** A decline the card networks forbid retrying. */
export const LOST = { code: 'card_declined', declineCode: 'lost_card' };

/** An open pay link (Checkout Session) is open until 2026-11-24T08:00:00.000Z. */
export const LINK_EXPIRES = Date.UTC(2026, 10, 24, 8) / 1000;

'use strict';
/**
 * Books data for one test: every id and name carries the test's prefix, so tests that share the
 * Stripe account (customers and payments accumulate there) never see each other's customers.
 * Dates are calendar days relative to today in the books' time zone.
 */
const { addDays, todayIn } = require('../../fakes/books-api');

function seedFor(prefix, timeZone, { customers = [], invoices = [], callers = [] }) {
	const today = todayIn(timeZone);
	const day = (offset) => addDays(today, offset);
	return {
		today,
		seed: {
			customers: customers.map((c) => ({
				id: `${prefix}-${c.key}`,
				name: `${c.name} (${prefix})`,
				email: c.email ?? `office@${c.key}.${prefix}.example.com`,
				phone: '+1 555 0100',
				address: {
					line1: '1 Test Street',
					city: 'Springfield',
					postalCode: '62701',
					country: 'US',
				},
				accountsEmail:
					c.accountsEmail === undefined ? `ap@${c.key}.${prefix}.example.com` : c.accountsEmail,
				accountsCcEmail: c.accountsCcEmail ?? null,
				stripeCustomerId: null,
			})),
			invoices: invoices.map((i) => ({
				id: `${prefix}-${i.key}`,
				number: `${prefix.toUpperCase()}-${i.key.toUpperCase()}`,
				customerId: `${prefix}-${i.customer}`,
				currency: i.currency ?? 'USD',
				total: i.total,
				balance: i.balance ?? i.total,
				createdAt: day(i.created ?? -10),
				dueDate: day(i.due ?? 0),
				recurringInvoiceId: i.recurring === false ? null : `rec-${prefix}-${i.customer}`,
				status: i.status ?? 'open',
				paymentStatus: i.paymentStatus ?? 'unpaid',
				sentToProvider: i.sentToProvider ?? true,
			})),
			payments: [],
			callers: callers.map(({ key, customer, ...caller }) => ({
				active: true,
				canReceiveManualStripePayments: false,
				invoiceAccessLevel: null,
				...caller,
				id: `${prefix}-${key}`,
				customerId: customer ? `${prefix}-${customer}` : null,
			})),
		},
	};
}

module.exports = { seedFor };

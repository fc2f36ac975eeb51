'use strict';
// @ts-check
/**
 * Books data for one test: every id and name carries the test's prefix, so tests that share the
 * Stripe account (customers and payments accumulate there) never see each other's customers.
 * Dates are calendar days relative to today in the books' time zone.
 */
const { addDays, todayIn } = require('../../fakes/books-api');

/**
 * A customer: `key` makes its id and emails, `name` is shown with the prefix.
 * @typedef {object} SeedCustomer
 * @property {string} key
 * @property {string} name
 * @property {string} [email] office@<key>...
 * @property {string | null} [accountsEmail] ap@<key>...; null: none
 * @property {string | null} [accountsCcEmail] none
 */
/**
 * An invoice of `customer` (a customer's key); days are from today.
 * @typedef {object} SeedInvoice
 * @property {string} key
 * @property {string} customer
 * @property {string} total
 * @property {string} [balance] the total
 * @property {string} [currency] USD
 * @property {number} [created] -10
 * @property {number} [due] 0
 * @property {boolean} [recurring] false: not from a recurring invoice
 * @property {string} [status] open
 * @property {string} [paymentStatus] unpaid
 * @property {boolean} [sentToProvider] true
 */
/**
 * A caller of the pay workflow (a portal user or an agent), of `customer` (a customer's key) if
 * any; its other fields go to the books as given.
 * @typedef {{ key: string, customer?: string, [field: string]: unknown }} SeedCaller
 */

/**
 * @param {string} prefix
 * @param {string} timeZone
 * @param {{ customers?: SeedCustomer[], invoices?: SeedInvoice[], callers?: SeedCaller[] }} data
 */
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

/**
 * The books customer `id` of a seed (an error when it holds none).
 * @param {ReturnType<typeof seedFor>['seed']} seed
 * @param {string} id
 */
function seededCustomer(seed, id) {
	const customer = seed.customers.find((c) => c.id === id);
	if (!customer) throw new Error(`The seed holds no customer ${id}`);
	return customer;
}

module.exports = { seedFor, seededCustomer };

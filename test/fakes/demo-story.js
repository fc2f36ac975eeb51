'use strict';
// @ts-check
/**
 * The story `npm start` tells (README "The first ten minutes"): the Stripe test server seeded
 * with customers whose names are the demo books' customers (test/fakes/books-api.js, and the
 * same books the Data Tables setup loads), each with an automatic payment method, so that the
 * shipped workflows, run as the tour runs them, meet every case an ops person should see:
 *
 *   customer mapping sync   Acme Plumbing Ltd, Brightside Dental, Kumo Design KK mapped by exact
 *                           name; Café Lumière SARL ambiguous (two Stripe customers of that
 *                           name); Northwind Traders unmatched (none)
 *   daily auto-pay          INV-2001 (Acme, Visa) paid; INV-2003 (Brightside, a card the bank
 *                           declines) failed, retried by the schedule; INV-2007 (Kumo, a card
 *                           that needs 3-D Secure) waits for the customer; the other five
 *                           skipped with their reasons (not due yet, a payment pending, action
 *                           required in the books)
 *
 * Used by scripts/local-stack/demo-story.mjs (`npm start`), by test/fakes/demo-story.test.js and
 * by test/e2e/22-first-ten-minutes.e2e.js, so the three cannot drift apart.
 */

/** The processing fee `npm start` sets in every workflow's Settings → feePercent. */
const DEMO_FEE_PERCENT = '3';

/**
 * The Stripe customers (createCustomer params of the Stripe test server, `defaultPaymentMethod`
 * its test cards). No `books_customer_id` metadata: mapping them is the mapping sync's job.
 */
const STRIPE_CUSTOMERS = [
	{
		name: 'Acme Plumbing Ltd',
		email: 'ap@acme-plumbing.example.com',
		defaultPaymentMethod: 'pm_card_visa',
	},
	{
		// attaches, then every charge is declined (generic_decline: the schedule retries it)
		name: 'Brightside Dental',
		email: 'billing@brightside-dental.example.com',
		defaultPaymentMethod: 'pm_card_chargeCustomerFail',
	},
	{
		// every payment asks the cardholder for 3-D Secure
		name: 'Kumo Design KK',
		email: 'keiri@kumo-design.example.com',
		defaultPaymentMethod: 'pm_card_authenticationRequired',
	},
	// two Stripe customers of one name: the mapping sync reports it, never guesses
	{
		name: 'Café Lumière SARL',
		email: 'compta@cafe-lumiere.example.com',
		defaultPaymentMethod: 'pm_card_visa',
	},
	{
		name: 'Café Lumière SARL',
		email: 'lyon@cafe-lumiere.example.com',
		defaultPaymentMethod: 'pm_card_mastercard',
	},
	// Northwind Traders: no Stripe customer at all
];

/** What the tour shows: the outcome of each step, by books customer and invoice. */
const STORY = {
	mapping: {
		mapped: ['cust-1001', 'cust-1002', 'cust-1004'],
		ambiguous: ['cust-1003'],
		unmatched: ['cust-1005'],
	},
	autoPay: {
		paid: ['inv-2001'],
		failed: ['inv-2003'],
		actionRequired: ['inv-2007'],
		skipped: {
			'inv-2002': 'NOT_DUE_YET',
			'inv-2006': 'NOT_DUE_YET',
			'inv-2009': 'PAYMENT_PENDING',
			'inv-2010': 'ACTION_REQUIRED',
			'inv-2012': 'NOT_DUE_YET',
		},
	},
};

/** The seed for the Stripe test server's seed() / POST /_test/seed. */
function stripeSeed() {
	return { customers: STRIPE_CUSTOMERS.map((customer) => ({ ...customer })) };
}

/**
 * Seeds a running Stripe test server (another process) over its test hook.
 * @param {string} stripeUrl
 * @returns {Promise<{ customers: Array<{ id: string, name: string }> }>}
 */
async function seedStripe(stripeUrl) {
	const res = await fetch(`${stripeUrl.replace(/\/+$/, '')}/_test/seed`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(stripeSeed()),
		signal: AbortSignal.timeout(10_000),
	});
	const text = await res.text();
	if (!res.ok) throw new Error(`seeding the Stripe test server: HTTP ${res.status} ${text}`);
	return JSON.parse(text);
}

module.exports = { DEMO_FEE_PERCENT, STRIPE_CUSTOMERS, STORY, stripeSeed, seedStripe };

// @ts-check
/**
 * The demo story `npm start` seeds (test/fakes/demo-story.js) against the demo books: the Stripe
 * test server holds the customers the story says, with the automatic payment methods it says,
 * and the package's own mapping rule maps, reports ambiguous and unmatched exactly the books
 * customers the README's tour names.
 */
import { planMappings } from '../../nodes/core/mapping/generate';
import { startBooksApi } from './books-api';
import { STORY, seedStripe, stripeSeed } from './demo-story';
import { startStripeServer } from './stripe-server';

const KEY = 'sk_test_story';

describe('the demo story', () => {
	let stripe;
	let books;

	beforeAll(async () => {
		stripe = await startStripeServer({ secretKeys: [KEY], webhookDelivery: false });
		books = await startBooksApi({ port: 0, token: null, seed: 'demo', today: '2026-03-10' });
	});
	afterAll(async () => {
		await stripe?.close();
		await books?.close();
	});

	const stripeApi = async (route) => {
		const res = await fetch(`${stripe.url}/v1${route}`, {
			headers: { authorization: `Bearer ${KEY}` },
		});
		expect(res.status).toBe(200);
		return res.json();
	};

	test('seeds the Stripe server over its test hook, as npm start does', async () => {
		const seeded = await seedStripe(stripe.url);
		expect(seeded.customers.map((c) => c.name)).toEqual(stripeSeed().customers.map((c) => c.name));
		const listed = (await stripeApi('/customers?limit=100')).data;
		expect(listed).toHaveLength(5);
		// no mapping yet: that is the mapping sync's job
		expect(listed.every((c) => !c.metadata.books_customer_id)).toBe(true);
	});

	test('every Stripe customer of the story has its automatic payment method', async () => {
		const methods = {};
		for (const customer of (await stripeApi('/customers?limit=100')).data) {
			const full = await stripeApi(
				`/customers/${customer.id}?expand[]=invoice_settings.default_payment_method`,
			);
			const pm = full.invoice_settings.default_payment_method;
			(methods[customer.name] ??= []).push(pm.card.last4);
		}
		expect(methods).toEqual({
			'Acme Plumbing Ltd': ['4242'],
			'Brightside Dental': ['0341'], // attaches, every charge declined
			'Kumo Design KK': ['3184'], // 3-D Secure on every payment
			'Café Lumière SARL': expect.arrayContaining(['4242', '4444']),
		});
	});

	test('the mapping rule maps, and reports ambiguous and unmatched, the books customers the tour names', async () => {
		const booksCustomers = books.state().customers;
		const stripeCustomers = (await stripeApi('/customers?limit=100')).data;
		const decisions = planMappings({
			booksCustomers,
			stripeCustomers,
			metadataKey: 'books_customer_id',
			matching: 'exact',
		});
		const by = (outcome) =>
			decisions
				.filter((d) => d.outcome === outcome)
				.map((d) => d.booksCustomerId)
				.sort();
		expect(by('mapped')).toEqual(STORY.mapping.mapped);
		expect(by('ambiguous')).toEqual(STORY.mapping.ambiguous);
		expect(by('unmatched')).toEqual(STORY.mapping.unmatched);
	});

	test("the story's invoices are the demo books' invoices", () => {
		const ids = new Set(books.state().invoices.map((i) => i.id));
		const named = [
			...STORY.autoPay.paid,
			...STORY.autoPay.failed,
			...STORY.autoPay.actionRequired,
			...Object.keys(STORY.autoPay.skipped),
		];
		expect(named.filter((id) => !ids.has(id))).toEqual([]);
		// every open recurring invoice of the books is in the story once
		const openRecurring = books
			.state()
			.invoices.filter((i) => i.status === 'open' && i.recurringInvoiceId)
			.map((i) => i.id)
			.sort();
		expect([...named].sort()).toEqual(openRecurring);
	});
});

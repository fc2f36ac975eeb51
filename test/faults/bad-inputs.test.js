// @ts-check
/**
 * At least 50 bad inputs across the nodes, each failing with its exact message, before any
 * charge or write reaches the provider (the server's POST and DELETE counters do not move).
 * Most are our NodeOperationErrors naming the item and the field; a literal parameter that
 * breaks a rule the node declares (a required field left empty, a resource locator that is not
 * a Stripe ID) is refused by n8n itself before the workflow starts (WorkflowHasIssuesError).
 */
import { apiClient } from '../fakes/stripe/test-client';
import { runNode, SECRET_KEY, startStripe } from '../engine/stripe-node';
import cases from './bad-inputs.cases';
import expected from './bad-inputs.expected';

let stripe;
let context;
let ids;
beforeAll(async () => {
	stripe = await startStripe();
	const api = apiClient(stripe.url, SECRET_KEY);
	const mapped = stripe.createCustomer({
		name: 'Bad input customer',
		metadata: { books_customer_id: 'BAD-C' },
		defaultPaymentMethod: 'pm_card_visa',
	});
	const noMethod = stripe.createCustomer({
		name: 'No method',
		metadata: { books_customer_id: 'BAD-NOPM' },
	});
	const other = stripe.createCustomer({ name: 'Other', defaultPaymentMethod: 'pm_card_visa' });
	const free = stripe.createCustomer({ name: 'Free' });
	const deleted = stripe.createCustomer({ name: 'Deleted' });
	await api.del(`/v1/customers/${deleted.id}`);
	const bank = (
		await api.post('/v1/payment_methods/pm_usBankAccount_success/attach', { customer: mapped.id })
	).body;
	const [waiting, paid] = stripe.seed({
		paymentIntents: [
			{
				customer: mapped.id,
				amount: 1000,
				currency: 'usd',
				status: 'requires_payment_method',
				metadata: { invoice_ids: 'W-1' },
			},
			{
				customer: mapped.id,
				amount: 1000,
				currency: 'usd',
				status: 'succeeded',
				metadata: { invoice_ids: 'P-1' },
			},
		],
	}).paymentIntents;
	ids = {
		deletedId: deleted.id,
		mappedStripeId: mapped.id,
		noMethodStripeId: noMethod.id,
		foreignMethod: other.invoice_settings.default_payment_method,
		bankMethod: bank.id,
		waitingPayment: waiting.id,
		paidPayment: paid.id,
	};
	context = {
		deletedCustomer: { deletedId: deleted.id },
		customerWithoutMethod: {},
		mappedCustomer: { mappedStripeId: mapped.id },
		freeCustomer: { freeStripeId: free.id },
		foreignMethod: { foreignMethod: other.invoice_settings.default_payment_method },
		bankMethod: { bankMethod: bank.id },
		waitingPayment: { waitingPayment: waiting.id },
		paidPayment: { paidPayment: paid.id },
	};
});
afterAll(async () => {
	await stripe.close();
});

const posts = () =>
	Object.entries(stripe.stats.byRoute)
		.filter(([route]) => route.startsWith('POST') || route.startsWith('DELETE'))
		.reduce((sum, [, count]) => sum + count, 0);

test('the corpus has at least 50 cases, each with its expected message', () => {
	expect(cases.length).toBeGreaterThanOrEqual(50);
	expect(Object.keys(expected).sort()).toEqual(cases.map(([name]) => name).sort());
});

// A rest parameter: jest would take a fifth named parameter for a done callback.
test.each(cases)('%s', async (...row) => {
	const [name, node, parameters, input, needs] = row;
	const items = input.map((json) => ({ ...json, ...(needs ? context[needs] : {}) }));
	const before = posts();
	const result = await runNode(stripe, node, parameters, items);
	const message = expected[name].replace(/\$\{(\w+)\}/g, (_, key) => ids[key]);
	expect(`${result.error?.name}: ${result.error?.message}`).toBe(message);
	expect(posts()).toBe(before);
});

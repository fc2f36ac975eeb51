// @ts-check
/**
 * The daily auto-pay and the portal's "pay all" of the same invoices, started at the same moment
 * in a real n8n, against a Stripe whose every request takes 150-300 ms: each invoice is charged
 * once (the ledger), recorded once as paid in the books, and the request that gave way says who
 * holds the invoice or refuses its combined payment whole (docs/money-safety.md).
 */
import { clients, loadState } from './support/clients';
import { settle } from './support/settle';
import { seedFor } from './support/seed';

const state = loadState();
const c = clients(state);
const { n8n, stripe, books, request, jwt } = c;
const P = 'race';
const CUSTOMERS = ['c1', 'c2', 'c3'];
const HOOK = n8n.webhook('invoice-payments/pay');

test('auto-pay and three portal payments of the same invoices at once: one charge per invoice', async () => {
	const { seed } = seedFor(P, state.timeZone, {
		customers: CUSTOMERS.map((key) => ({ key, name: `Racing ${key}` })),
		// two recurring invoices per customer, due today: the auto-pay charges them, the portal pays all
		invoices: CUSTOMERS.flatMap((customer, i) => [
			{ key: `i${2 * i + 1}`, customer, total: `${10 + i}.00` },
			{ key: `i${2 * i + 2}`, customer, total: `${20 + i}.00` },
		]),
		callers: CUSTOMERS.map((customer) => ({
			key: `p-${customer}`,
			kind: 'portal',
			name: `Portal ${customer}`,
			email: `portal@${customer}.race.example.com`,
			customer,
			invoiceAccessLevel: 'customer',
		})),
	});
	await books.reset(seed);
	for (const customer of seed.customers) {
		await stripe.createCustomer({
			name: customer.name,
			email: customer.email,
			metadata: { books_customer_id: customer.id },
			defaultPaymentMethod: 'pm_card_visa',
		});
	}
	const ids = seed.invoices.map((invoice) => invoice.id);

	await stripe.hook('POST', 'latency', { ms: [150, 300] });
	let autoPay;
	let portal;
	try {
		[autoPay, ...portal] = await Promise.all([
			n8n.execute('invPayWf2AutoPay'),
			...CUSTOMERS.map((customer) =>
				request('POST', HOOK, {
					headers: { authorization: `Bearer ${jwt({ sub: `${P}-p-${customer}` })}` },
					body: { payAll: true, howToPay: 'automatic' },
				}),
			),
		]);
	} finally {
		await stripe.hook('POST', 'latency', { ms: 0 });
	}
	expect(autoPay.status).toBe('success');
	await settle(c);

	const { charges } = await stripe.ledger();
	const ours = charges.filter((charge) => charge.invoiceIds.some((id) => id.startsWith(`${P}-`)));
	const chargesPerInvoice = ids.map(
		(id) => ours.filter((charge) => charge.invoiceIds.includes(id)).length,
	);
	// every invoice paid, each exactly once, by one run or the other
	expect(chargesPerInvoice).toEqual(ids.map(() => 1));

	// a portal request either paid its customer's invoices in one payment or was refused whole
	for (const res of portal) {
		if (res.status === 200)
			expect(res.json).toEqual(expect.objectContaining({ payments: expect.any(Array) }));
		else
			expect(res.json.error.message).toMatch(
				/pay the other invoices without it|nothing (was|new was) charged/,
			);
	}

	const records = (await books.payments()).filter((p) => p.invoiceId.startsWith(`${P}-`));
	const succeeded = records.filter((r) => r.status === 'succeeded');
	expect(succeeded.map((r) => r.invoiceId).sort()).toEqual([...ids].sort());
	for (const id of ids) expect((await books.invoice(id)).paymentStatus).toBe('paid');
}, 120_000);

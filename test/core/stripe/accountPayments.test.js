// @ts-check
/**
 * AccountPaymentsView (nodes/core/stripe/accountPayments.ts): the account-wide read the daily
 * run's claims share. What it must never do is miss a payment created before a read it serves was
 * sent; what it should do is list only what is new after its first read. Driven against the local
 * Stripe server, with its clock moved to make `created` seconds apart.
 */
import { StripeReadCache } from '../../../nodes/core/stripe/readCache';
import { StripeTransport } from '../../../nodes/core/stripe/transport';
import { startStripeServer } from '../../fakes/stripe-server';

const KEY = 'sk_test_account_view';
let stripe;
beforeAll(async () => {
	stripe = await startStripeServer({ secretKeys: [KEY] });
});
afterAll(async () => {
	await stripe.close();
});

/** A transport that runs `hooks[path]` once, right after the answer of the next list of that path. */
function transport(hooks = {}) {
	const lists = [];
	/** @type {import('../../../nodes/core/stripe/transport').StripeHttp} */
	const http = async ({ method, url, headers, body }) => {
		const response = await fetch(url, {
			method,
			headers: { ...headers, Authorization: `Bearer ${KEY}` },
			body,
		});
		const answer = {
			statusCode: response.status,
			headers: Object.fromEntries(response.headers),
			body: await response.text(),
		};
		const { pathname, searchParams } = new URL(url);
		if (method === 'GET') {
			lists.push({ path: pathname, createdFrom: Number(searchParams.get('created[gte]')) });
			const hook = hooks[pathname];
			delete hooks[pathname];
			await hook?.();
		}
		return answer;
	};
	return {
		transport: new StripeTransport({ http, baseUrl: stripe.url, sleep: async () => {} }),
		lists,
	};
}

let n = 0;
function customer() {
	return stripe.createCustomer({
		name: `AV-${++n}`,
		metadata: { books_customer_id: `AV-${n}` },
		defaultPaymentMethod: 'pm_card_visa',
	});
}

/** A payment of an invoice made by someone else (another worker, the Dashboard). */
async function payElsewhere(customerId, invoiceId) {
	const { transport: plain } = transport();
	return await plain.request('POST', '/v1/payment_intents', {
		params: {
			amount: 4000,
			currency: 'usd',
			customer: customerId,
			payment_method: 'pm_card_visa',
			confirm: true,
			metadata: { invoice_ids: invoiceId, invoice_lines: '4000/0', invoice_count: '1' },
		},
	});
}

async function payLinkElsewhere(customerId) {
	const { transport: plain } = transport();
	return await plain.request('POST', '/v1/checkout/sessions', {
		params: {
			mode: 'payment',
			customer: customerId,
			success_url: 'https://example.com/ok',
			line_items: [
				{
					price_data: { currency: 'usd', unit_amount: 500, product_data: { name: 'x' } },
					quantity: 1,
				},
			],
		},
	});
}

// One execution's windows (its clock read once); the fake's clock may run ahead of ours.
const NOW = Math.floor(Date.now() / 1000) + 3600;
const windows = () => ({ sinceSeconds: NOW - 45 * 86_400, payLinksSinceSeconds: NOW - 2 * 86_400 });

describe('a payment made between the two lists of a read', () => {
	test('is in the next read, even when the pay-link list showed something seconds newer', async () => {
		const paid = customer();
		const other = customer();
		await payElsewhere(other.id, 'AV-INV-0');
		/** @type {any} the payment made between the two lists */
		let payment;
		const { transport: t } = transport({
			// after the payments list was answered, before the pay-link list: someone pays, and
			// seconds later someone makes a pay link, which the pay-link list then shows
			'/v1/payment_intents': async () => {
				payment = await payElsewhere(paid.id, 'AV-INV-1');
				stripe.advanceClock(10);
				await payLinkElsewhere(other.id);
			},
		});
		const reads = new StripeReadCache(t, { scope: 'account' });
		const first = await reads.firstLook(paid.id, windows());
		expect(first.intents.map((pi) => pi.id)).not.toContain(payment.id);
		const after = await reads.paymentsAfter(paid.id, windows(), reads.mark());
		expect(after.intents.map((pi) => pi.id)).toContain(payment.id);
	});
});

describe('reads after the first', () => {
	test('list only what was created since the newest object of the list before, less the margin; each read serves every claim made before it was sent', async () => {
		const c = customer();
		await payElsewhere(c.id, 'AV-INV-2');
		const { transport: t, lists } = transport();
		const reads = new StripeReadCache(t, { scope: 'account' });
		await reads.firstLook(c.id, windows());
		const [firstPayments] = lists;
		expect(firstPayments.createdFrom).toBe(windows().sinceSeconds);
		stripe.advanceClock(60);
		const later = await payElsewhere(c.id, 'AV-INV-3');
		const moments = [reads.mark(), reads.mark(), reads.mark()];
		const served = await Promise.all(
			moments.map((moment) => reads.paymentsAfter(c.id, windows(), moment)),
		);
		for (const read of served) expect(read.intents.map((pi) => pi.id)).toContain(later.id);
		// One read (two lists) for the three claims, starting near the newest payment seen before.
		const after = lists.slice(2);
		expect(after.map((list) => list.path)).toEqual([
			'/v1/payment_intents',
			'/v1/checkout/sessions',
		]);
		expect(after[0].createdFrom).toBeGreaterThan(later.created - 120);
		expect(after[0].createdFrom).toBeLessThanOrEqual(later.created);
	});
});

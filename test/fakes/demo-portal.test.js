// @ts-check
/**
 * The demo customer portal (test/fakes/demo-portal.js) against stand-ins for what it talks to:
 * the books (answers as the books contract gives them), the pay workflow's webhooks and Stripe.
 * What a person sees and what the portal asks the workflow for.
 */
import { startPortal } from './demo-portal';

const CUSTOMERS = {
	'cust-1002': {
		id: 'cust-1002',
		name: 'Brightside Dental',
		stripeCustomerId: 'cus_bright',
	},
	'cust-1005': { id: 'cust-1005', name: 'Northwind Traders', stripeCustomerId: null },
};
const CALLERS = {
	'portal-502': {
		id: 'portal-502',
		kind: 'portal',
		name: 'Sam Portal',
		active: true,
		customerId: 'cust-1002',
		invoiceAccessLevel: 'customer',
	},
	'portal-503': {
		id: 'portal-503',
		kind: 'portal',
		name: 'Robin Portal',
		active: true,
		customerId: 'cust-1002',
		invoiceAccessLevel: 'none',
	},
	'agent-7': { id: 'agent-7', kind: 'agent', name: 'Dana Agent', active: true, customerId: null },
	'agent-9': { id: 'agent-9', kind: 'agent', name: 'Gone Agent', active: false, customerId: null },
};
const invoice = (n, fields) => ({
	id: `inv-${n}`,
	number: `INV-${n}`,
	customerId: 'cust-1002',
	currency: 'USD',
	status: 'open',
	paymentStatus: 'unpaid',
	dueDate: '2026-12-14',
	...fields,
	balance: fields.balance ?? fields.total,
});

describe('demo customer portal', () => {
	let portal;
	let invoices;
	let automatic;
	/** @type {Array<[string, string, any]>} */
	let payCalls;
	let payAnswer;
	const deps = {
		async books(requests) {
			return requests.map((r) => {
				const base = { operation: r.operation, ref: null, error: null };
				if (r.operation === 'getCaller')
					return CALLERS[r.callerId]
						? { ...base, caller: CALLERS[r.callerId] }
						: { ...base, error: { code: 'not_found', message: 'no caller' } };
				if (r.operation === 'getCustomer') return { ...base, customer: CUSTOMERS[r.customerId] };
				if (r.operation === 'listCustomers')
					return { ...base, customers: Object.values(CUSTOMERS) };
				if (r.operation === 'listCustomerInvoices')
					return { ...base, invoices: invoices.filter((i) => i.customerId === r.customerId) };
				return { ...base, error: { code: 'unknown_operation', message: r.operation } };
			});
		},
		async pay(kind, callerId, body) {
			payCalls.push([kind, callerId, body]);
			return payAnswer;
		},
		async automaticMethod(id) {
			return id === 'cus_bright' ? automatic : null;
		},
		async addMethodLink(id, booksId, returnUrl) {
			return `http://stripe.test/checkout/setup?c=${id}&b=${booksId}&r=${encodeURIComponent(returnUrl)}`;
		},
		async methodPortalLink(id, returnUrl) {
			return `http://stripe.test/billing_portal/x?c=${id}&r=${encodeURIComponent(returnUrl)}`;
		},
		async mailbox() {
			return [
				{
					id: 'm1',
					receivedAt: '2026-12-07T06:00:01.000Z',
					from: 'invoices@demo-services.example.com',
					to: 'hello@kumo-design.example.com',
					cc: null,
					subject: 'Payment Failure: invoice INV-2007',
					text: 'We could not take your payment',
					html: '<p>We could not take your payment <a href="http://x/checkout/cs">Complete</a></p>',
				},
				{
					id: 'm2',
					receivedAt: '2026-12-07T06:00:02.000Z',
					to: 'accounts@demo-services.example.com',
					subject: 'Auto-pay run 2026-12-07: 1 paid, 2 failed, 5 skipped',
					text: 'Auto-pay run <of> 2026-12-07',
					html: null,
				},
			];
		},
		async webInvoiceLink(invoiceId) {
			return `http://n8n.test/webhook/invoice-payments/web-invoice?invoice=${invoiceId}&sig=s`;
		},
	};

	beforeAll(async () => {
		portal = await startPortal({ port: 0, feePercent: '3', deps });
	});
	afterAll(() => portal?.close());
	beforeEach(() => {
		invoices = [
			invoice(2003, { total: '1250.00', paymentStatus: 'failed', dueDate: '2026-12-07' }),
			invoice(2004, { total: '480.50' }),
			invoice(2005, { total: '75.00', paymentStatus: 'pending' }),
			invoice(2099, { total: '300.00', balance: '0.00', status: 'paid', paymentStatus: 'paid' }),
			invoice(3001, { total: '10.00', customerId: 'cust-1005' }),
		];
		automatic = 'Visa •••• 0341';
		payCalls = [];
		payAnswer = { status: 200, json: { payments: [], notIncluded: [] } };
	});

	/** @param {string} path @param {{ cookie?: string, form?: Record<string, string | string[]> }} [opts] */
	async function go(path, { cookie, form } = {}) {
		let body;
		if (form) {
			const params = new URLSearchParams();
			for (const [k, v] of Object.entries(form))
				for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
			body = params.toString();
		}
		const res = await fetch(`${portal.url}${path}`, {
			method: form ? 'POST' : 'GET',
			redirect: 'manual',
			headers: {
				...(cookie ? { cookie } : {}),
				...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
			},
			body,
		});
		const setCookie = res.headers.get('set-cookie');
		return {
			status: res.status,
			location: res.headers.get('location'),
			cookie: setCookie ? setCookie.split(';')[0] : null,
			text: await res.text(),
		};
	}
	const rowOf = async (cookie, number) =>
		rows((await go('/invoices', { cookie })).text).find((r) => r.startsWith(`${number} |`));
	const signIn = async (callerId) => (await go('/sign-in', { form: { callerId } })).cookie ?? '';
	/** The invoice rows as text: cells joined by " | ". */
	const rows = (text) =>
		[...text.matchAll(/<tr data-invoice="[^"]*">(.*?)<\/tr>/g)].map((m) =>
			[...m[1].matchAll(/<td[^>]*>(.*?)<\/td>/g)]
				.map((c) => c[1].replace(/<[^>]*>/g, '').trim())
				.filter(Boolean)
				.join(' | '),
		);

	test('the sign-in page lists the demo people; a portal user lands on the invoices', async () => {
		const home = await go('/');
		expect(home.text).toContain('Sign in as Sam Portal');
		expect(home.text).toContain('Sign in as Dana Agent');
		const signed = await go('/sign-in', { form: { callerId: 'portal-502' } });
		expect(signed.status).toBe(303);
		expect(signed.location).toBe('/invoices');
		expect(signed.cookie).toMatch(/^demo_portal=/);
	});

	test('an unknown or inactive person is not signed in; a forged cookie counts for nothing', async () => {
		for (const callerId of ['portal-999', 'agent-9']) {
			const res = await go('/sign-in', { form: { callerId } });
			expect([res.status, res.cookie]).toEqual([303, null]);
			expect(res.location).toContain('error=');
		}
		const forged = await go('/invoices', { cookie: 'demo_portal=portal-502.AAAA' });
		expect([forged.status, forged.location]).toEqual([303, '/?error=Please%20sign%20in']);
	});

	test('the invoices with the processing fee, the status words and the automatic method', async () => {
		const res = await go('/invoices', { cookie: await signIn('portal-502') });
		expect(res.status).toBe(200);
		expect(res.text).toContain('Invoices of Brightside Dental');
		expect(res.text).toContain('Processing fee (3%)');
		expect(res.text).toMatch(/id="automatic-method">Visa •••• 0341</);
		expect(rows(res.text)).toEqual([
			'INV-2003 | 2026-12-07 | $1,250.00 | $37.50 | $1,287.50 | Payment failed | Pay INV-2003 Web invoice (Pay Now)',
			'INV-2004 | 2026-12-14 | $480.50 | $14.42 | $494.92 | Open | Pay INV-2004 Web invoice (Pay Now)',
			// a payment under way: nothing to pay until it ends
			'INV-2005 | 2026-12-14 | $75.00 | $2.25 | $77.25 | Pending',
			'INV-2099 | 2026-12-14 | $300.00 | Paid',
		]);
		// a payment under way: the page refreshes itself until it settles
		expect(res.text).toContain('http-equiv="refresh"');
		invoices = invoices.filter((i) => i.paymentStatus !== 'pending');
		const settled = await go('/invoices', { cookie: await signIn('portal-502') });
		expect(settled.text).not.toContain('http-equiv="refresh"');
	});

	test('pay one: the portal webhook is asked for that invoice on the automatic method; the answer shown', async () => {
		const cookie = await signIn('portal-502');
		payAnswer = {
			status: 200,
			json: { payments: [{ invoiceId: 'inv-2004', status: 'succeeded' }], notIncluded: [] },
		};
		const res = await go('/pay', { cookie, form: { invoiceId: 'inv-2004' } });
		expect(payCalls).toEqual([
			['portal', 'portal-502', { invoiceIds: ['inv-2004'], howToPay: 'automatic' }],
		]);
		expect(res.status).toBe(303);
		const shown = await go(res.location ?? '', { cookie });
		expect(shown.text).toContain('INV-2004: paid');
	});

	test('pay all, and pay all with another card (a pay link the browser is sent to)', async () => {
		const cookie = await signIn('portal-502');
		payAnswer = {
			status: 200,
			json: {
				payments: [
					{ invoiceId: 'inv-2003', status: 'succeeded' },
					{
						invoiceId: 'inv-2004',
						status: 'failed',
						failure: { message: 'Your card was declined.' },
					},
				],
				notIncluded: [{ invoiceId: 'inv-2005', message: 'a payment is pending' }],
			},
		};
		const all = await go('/pay', { cookie, form: { all: '1' } });
		const shown = await go(all.location ?? '', { cookie });
		expect(shown.text).toContain(
			'INV-2003: paid; INV-2004: failed (Your card was declined.). Not included: INV-2005 (a payment is pending)',
		);
		payAnswer = {
			status: 200,
			json: { payLink: 'http://stripe.test/checkout/cs_1', invoices: [] },
		};
		const link = await go('/pay', { cookie, form: { all: '1', howToPay: 'payLink' } });
		expect([link.status, link.location]).toEqual([303, 'http://stripe.test/checkout/cs_1']);
		expect(payCalls.map((c) => c[2])).toEqual([
			{ payAll: true, howToPay: 'automatic' },
			{ payAll: true, howToPay: 'payLink' },
		]);
	});

	test("the workflow's refusal is shown in its own words; without an automatic method, a pay link", async () => {
		const cookie = await signIn('portal-502');
		payAnswer = {
			status: 409,
			json: { error: { code: 'NOT_SENT', message: 'Invoice INV-2004 was never sent' } },
		};
		const refused = await go('/pay', { cookie, form: { invoiceId: 'inv-2004' } });
		expect(decodeURIComponent(refused.location ?? '')).toContain(
			'error=Not paid: Invoice INV-2004 was never sent',
		);
		automatic = null;
		const page = await go('/invoices', { cookie });
		expect(page.text).toMatch(/id="automatic-method">No automatic payment setup</);
		expect(page.text).not.toContain('Change the automatic payment method');
		payAnswer = {
			status: 200,
			json: { payLink: 'http://stripe.test/checkout/cs_2', invoices: [] },
		};
		await go('/pay', { cookie, form: { invoiceId: 'inv-2004' } });
		expect(payCalls.at(-1)?.[2]).toEqual({ invoiceIds: ['inv-2004'], howToPay: 'payLink' });
	});

	test('add or change the automatic method: to the setup page or the customer portal, back to the portal', async () => {
		const cookie = await signIn('portal-502');
		const add = await go('/payment-method/add', { cookie, form: {} });
		expect(add.status).toBe(303);
		expect(add.location).toBe(
			`http://stripe.test/checkout/setup?c=cus_bright&b=cust-1002&r=${encodeURIComponent(`${portal.url}/payment-method-added`)}`,
		);
		const change = await go('/payment-method/change', { cookie, form: {} });
		expect(change.location).toBe(
			`http://stripe.test/billing_portal/x?c=cus_bright&r=${encodeURIComponent(`${portal.url}/payment-method-changed`)}`,
		);
		const back = await go('/payment-method-added', { cookie });
		expect(back.text).toContain('Your payment method is saved.');
	});

	test("the web invoice of the customer's own invoice only", async () => {
		const cookie = await signIn('portal-502');
		const mine = await go('/web-invoice', { cookie, form: { invoiceId: 'inv-2004' } });
		expect(mine.location).toBe(
			'http://n8n.test/webhook/invoice-payments/web-invoice?invoice=inv-2004&sig=s',
		);
		const other = await go('/web-invoice', { cookie, form: { invoiceId: 'inv-3001' } });
		expect(decodeURIComponent(other.location ?? '')).toBe('/invoices?error=No such invoice');
	});

	test('a portal user without invoice access sees and pays nothing', async () => {
		const cookie = await signIn('portal-503');
		const page = await go('/invoices', { cookie });
		expect(page.text).toContain('may not see or pay');
		expect(rows(page.text)).toEqual([]);
		await go('/pay', { cookie, form: { invoiceId: 'inv-2004' } });
		expect(payCalls).toEqual([]);
	});

	test('an agent picks a customer and takes a payment for the invoices ticked; a portal user cannot', async () => {
		const cookie = await signIn('agent-7');
		const page = await go('/agent?customer=cust-1002', { cookie });
		expect(page.text).toContain('Agent: take a manual payment');
		expect(page.text).toContain('<option value="cust-1005">Northwind Traders</option>');
		expect(page.text).toContain('value="inv-2004" form="take-payment"');
		payAnswer = {
			status: 200,
			json: { payLink: 'http://stripe.test/checkout/cs_3', invoices: [] },
		};
		const taken = await go('/agent/pay', {
			cookie,
			form: { customerId: 'cust-1002', invoiceIds: ['inv-2003', 'inv-2004'], howToPay: 'payLink' },
		});
		expect(taken.location).toBe('http://stripe.test/checkout/cs_3');
		expect(payCalls).toEqual([
			[
				'agent',
				'agent-7',
				{ customerId: 'cust-1002', invoiceIds: ['inv-2003', 'inv-2004'], howToPay: 'payLink' },
			],
		]);
		const portalUser = await signIn('portal-502');
		await go('/agent/pay', {
			cookie: portalUser,
			form: { customerId: 'cust-1002', invoiceIds: 'inv-2004' },
		});
		expect(payCalls).toHaveLength(1);
	});

	test('paid on a payment page: Pending until the books have it, then Paid; an agent comes back to the customer', async () => {
		const cookie = await signIn('portal-502');
		payAnswer = {
			status: 200,
			json: {
				payLink: 'http://stripe.test/checkout/cs_4',
				invoices: [{ invoiceId: 'inv-2004' }],
			},
		};
		await go('/pay', { cookie, form: { invoiceId: 'inv-2004', howToPay: 'payLink' } });
		// sent to the page, not back from it: still open
		expect(await rowOf(cookie, 'INV-2004')).toContain('| Open |');
		const back = await go('/invoices/paid', { cookie });
		expect(back.text).toContain('Thank you: your payment is being confirmed.');
		expect(rows(back.text).find((r) => r.startsWith('INV-2004'))).toBe(
			'INV-2004 | 2026-12-14 | $480.50 | $14.42 | $494.92 | Pending',
		);
		expect(back.text).toContain('http-equiv="refresh"');
		// the payment-status workflow recorded it
		Object.assign(
			invoices.find((i) => i.id === 'inv-2004'),
			{ status: 'paid', paymentStatus: 'paid', balance: '0.00' },
		);
		expect(await rowOf(cookie, 'INV-2004')).toBe('INV-2004 | 2026-12-14 | $480.50 | Paid');

		const agent = await signIn('agent-7');
		payAnswer = {
			status: 200,
			json: { payLink: 'http://stripe.test/checkout/cs_5', invoices: [{ invoiceId: 'inv-2005' }] },
		};
		await go('/agent/pay', {
			cookie: agent,
			form: { customerId: 'cust-1002', invoiceIds: 'inv-2005', howToPay: 'payLink' },
		});
		const returned = await go('/invoices/paid', { cookie: agent });
		expect(returned.location).toMatch(
			/^\/agent\?customer=cust-1002&notice=Paid%20on%20the%20payment%20page/,
		);
		const view = await go(returned.location ?? '', { cookie: agent });
		expect(rows(view.text).find((r) => r.startsWith('INV-2005'))).toBe(
			'INV-2005 | 2026-12-14 | $75.00 | $2.25 | $77.25 | Pending',
		);
	});

	test('the demo mailbox: newest first, each email shown in a sandboxed frame or as text', async () => {
		const list = await go('/mailbox');
		expect(list.status).toBe(200);
		const subjects = [...list.text.matchAll(/<a href="\/mailbox\/(m\d)">([^<]*)<\/a>/g)].map(
			(m) => [m[1], m[2]],
		);
		expect(subjects).toEqual([
			['m2', 'Auto-pay run 2026-12-07: 1 paid, 2 failed, 5 skipped'],
			['m1', 'Payment Failure: invoice INV-2007'],
		]);
		const one = await go('/mailbox/m1');
		expect(one.text).toContain('<th>To</th><td>hello@kumo-design.example.com</td>');
		expect(one.text).toContain(
			'<iframe sandbox="allow-same-origin" title="email" style="width:100%;height:34rem;border:1px solid #ddd" srcdoc="&#60;p&#62;We could not take your payment',
		);
		const text = await go('/mailbox/m2');
		expect(text.text).toContain('<pre>Auto-pay run &#60;of&#62; 2026-12-07</pre>');
		expect((await go('/mailbox/nope')).status).toBe(404);
	});
});

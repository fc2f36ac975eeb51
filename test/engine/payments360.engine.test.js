// @ts-check
// Engine tests of the 360 Payments node: workflow JSON run by n8n-core against the local gateway.
import { buildPaymentRecord } from '../../nodes/core/payments/paymentRecord';
import { startGateway360Server } from '../fakes/gateway360-server';
import { runWorkflow, singleNodeWorkflow } from './harness';

const NODE = 'payments360';
const SECURITY_KEY = 'engine-security-key-7f3a9c2e51d04b68';
const TOKEN_KEY = 'engpub-7f3a9c-2e51d0-4b68aa';
const SIGNING_KEY = 'engine-signing-key-0c1d2e3f';

let gateway;
beforeAll(async () => {
	gateway = await startGateway360Server({ securityKeys: [SECURITY_KEY], tokenKeys: [TOKEN_KEY] });
});
afterAll(async () => {
	await gateway.close();
});

const credentials = (overrides = {}) => ({
	payments360Api: {
		securityKey: SECURITY_KEY,
		tokenKey: TOKEN_KEY,
		gatewayBaseUrl: gateway.url,
		webhookSigningKey: SIGNING_KEY,
		...overrides,
	},
});

async function run(
	parameters,
	input = [{}],
	/** @type {{onError?: string, creds?: Record<string, Record<string, unknown>>}} */
	{ onError, creds = credentials() } = {},
) {
	const workflow = singleNodeWorkflow('360', NODE, parameters, {
		payments360Api: { id: '1', name: '360 Payments (local gateway)' },
	});
	if (onError) workflow.nodes[1].onError = onError;
	return await runWorkflow(workflow, { credentials: creds, input });
}

/** Every string of a run, errors included, for "no key in any output" checks. */
const allText = (value) =>
	JSON.stringify(value, (_, v) =>
		v instanceof Error ? { message: v.message, stack: v.stack, .../** @type {object} */ (v) } : v,
	);

let counter = 0;
/** A books invoice ID (the gateway's order ID); its number is the same in upper case. */
const invoiceId = () => `web-${++counter}`;
const token = (ccnumber = '4111111111111111') => gateway.createToken({ ccnumber });

const chargeParams = (extra = {}) => ({
	resource: 'transaction',
	operation: 'charge',
	invoiceId: '={{ $json.invoice }}',
	invoiceNumber: '={{ $json.number ?? $json.invoice.toUpperCase() }}',
	customerId: '={{ $json.customer ?? "cust-1" }}',
	amount: '={{ $json.amount }}',
	currency: '={{ $json.currency ?? "" }}',
	paymentToken: '={{ $json.token }}',
	customerEmail: '={{ $json.email ?? "" }}',
	feePercent: '={{ $json.fee ?? "0" }}',
	...extra,
});
/** Charge Token surcharging credit cards, the card's category from the item (Collect.js's). */
const surcharging = chargeParams({
	options: { surchargeCreditCards: true, cardCategory: '={{ $json.category ?? "" }}' },
});
const charge = (invoice, extra = {}) => ({
	invoice,
	amount: '100.00',
	token: token(),
	email: 'payer@example.com',
	...extra,
});
/** A sale keyed at the gateway outside Charge Token (a virtual terminal, another system). */
async function outsideSale(orderid, amount) {
	const response = await fetch(`${gateway.url}/api/transact.php`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			security_key: SECURITY_KEY,
			type: 'sale',
			amount,
			orderid,
			payment_token: token(),
		}),
	});
	return Object.fromEntries(new URLSearchParams(await response.text()));
}

describe('Verify Connection ("Connect Accounts")', () => {
	const verify = { resource: 'connection', operation: 'verify' };

	test('both keys work: connected, with each check', async () => {
		const [result] = (await run(verify)).output('360');
		expect(result).toMatchObject({
			provider: 'gateway360',
			connected: true,
			gatewayBaseUrl: gateway.url,
		});
		expect(result.checks.every((check) => check.ok)).toBe(true);
		expect(result.checkedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
	});

	test.each([
		[
			{ securityKey: 'wrong-security-key-00000000000' },
			'Not connected: The gateway refused the security key (Authentication Failed)',
		],
		[
			{ tokenKey: 'bad key' },
			'Not connected: The token key is not a well-formed public tokenization key (16 to 128 letters, digits and dashes)',
		],
		[{ tokenKey: SECURITY_KEY }, /^Not connected: The token key is the security key/],
		[{ gatewayBaseUrl: '' }, /^Not connected: The 360 Payments credential has no Gateway Base URL/],
	])('%p: not connected, with the reason, no key in the output', async (change, reason) => {
		const result = await run(verify, [{}], { creds: credentials(change) });
		const [output] = result.output('360');
		expect(output.connected).toBe(false);
		expect(output.reason).toMatch(reason);
		expect(allText(result.run)).not.toContain(SECURITY_KEY);
	});

	test('a gateway that is down: not connected, not an error', async () => {
		gateway.setDown(true);
		const result = await run(verify).finally(() => gateway.setDown(false));
		expect(result.error).toBeUndefined();
		expect(result.output('360')[0].reason).toBe(
			`Not connected: Could not reach the gateway at ${gateway.url} (connection reset)`,
		);
	});
});

describe('Create Pay Now Page', () => {
	const pageParams = {
		resource: 'payNowPage',
		operation: 'create',
		invoiceNumber: '={{ $json.invoice }}',
		amount: '={{ $json.amount }}',
		currency: 'usd',
		customerEmail: '={{ $json.email }}',
		feePercent: '={{ $json.fee ?? "0" }}',
		postUrl: 'https://n8n.example.com/webhook/pay-now/charge',
		options: { heading: 'Acme Services' },
	};

	test('the page for one invoice: gateway Collect.js with the token key, never the security key', async () => {
		const result = await run(pageParams, [
			{ invoice: 'INV-77', amount: '1250.00', email: 'payer@example.com', fee: '2.9' },
		]);
		const [page] = result.output('360');
		expect(page).toMatchObject({
			provider: 'gateway360',
			invoiceNumber: 'INV-77',
			amount: { amount: '1250.00' },
			fee: { amount: '36.25' },
			total: { amount: '1286.25', display: '$1,286.25' },
			collectJsUrl: `${gateway.url}/token/Collect.js`,
			postUrl: 'https://n8n.example.com/webhook/pay-now/charge',
		});
		expect(page.html).toContain(
			`<script src="${gateway.url}/token/Collect.js" data-tokenization-key="${TOKEN_KEY}"`,
		);
		expect(page.html).toMatch(/id="invoice-number"[^>]*value="INV-77" readonly/);
		expect(page.html).toContain('Acme Services');
		expect(allText(result.run)).not.toContain(SECURITY_KEY);
	});

	test.each([
		[{ amount: '0' }, 'Item 0: invalid "Amount": Amount $0.00 must be more than zero'],
		[{ amount: '-5.00' }, 'Item 0: invalid "Amount": Amount "-5.00" is negative'],
		[{ invoice: '' }, 'Item 0: invalid "Invoice Number": An invoice number is required'],
	])('%p is refused naming the item and field', async (change, message) => {
		const result = await run(pageParams, [
			{ invoice: 'INV-78', amount: '10.00', email: 'a@b.co', ...change },
		]);
		expect(result.error.message).toBe(message);
	});

	test('a locale that is no language tag is refused naming the item and the option', async () => {
		const result = await run({ ...pageParams, options: { locale: 'en_US!' } }, [
			{ invoice: 'INV-80', amount: '10.00', email: 'a@b.co' },
		]);
		expect(result.error.message).toBe(
			'Item 0: invalid "Locale": "en_US!" is not a language tag: write one such as en-US, de-DE or fr-CH (amounts are shown in its format)',
		);
	});

	test('a relative post URL is refused', async () => {
		const result = await run({ ...pageParams, postUrl: '/webhook/x' }, [
			{ invoice: 'INV-79', amount: '10.00', email: 'a@b.co' },
		]);
		expect(result.error.message).toMatch(
			/^Item 0: invalid "Post Token To": "\/webhook\/x" is not an absolute http\(s\) URL/,
		);
	});
});

describe('Charge Token', () => {
	test('a sale for the invoice amount: the same payment record shape as Stripe, charged once', async () => {
		const invoice = invoiceId();
		const result = await run(surcharging, [
			charge(invoice, { fee: '2.9', customer: 'C-1', category: 'credit' }),
		]);
		const [record] = result.output('360');
		const stripeShaped = buildPaymentRecord({
			provider: 'stripe',
			invoiceId: 'x',
			currency: 'usd',
			amountMinor: 1,
			feeMinor: 0,
			status: 'succeeded',
		});
		expect(Object.keys(record).sort()).toEqual(
			[...Object.keys(stripeShaped), 'existingPayment'].sort(),
		);
		expect(record).toMatchObject({
			provider: 'gateway360',
			invoiceId: invoice,
			status: 'succeeded',
			customer: { booksId: 'C-1', providerId: null },
			amount: { amount: '100.00', minor: 10000, currency: 'usd' },
			fee: { amount: '2.90', minor: 290 },
			total: { amount: '102.90', minor: 10290, display: '$102.90' },
			paymentMethod: { id: null, label: 'Visa •••• 1111' },
			failure: null,
			existingPayment: false,
		});
		expect(gateway.ledger.salesFor(invoice)).toEqual([
			expect.objectContaining({ transactionId: record.paymentId, amount: '102.90', voided: false }),
		]);
		expect(result.items('360')[0].pairedItem).toEqual({ item: 0 });
	});

	test('the sale carries the invoice ID as its order ID, the customer and the number beside it', async () => {
		const invoice = invoiceId();
		const [record] = (
			await run(chargeParams(), [charge(invoice, { number: 'INV-0042', customer: 'cust-7' })])
		).output('360');
		const stored = gateway.transactions().find((t) => t.transactionId === record.paymentId);
		expect(stored).toMatchObject({
			orderId: invoice,
			orderDescription: 'Invoice INV-0042',
			merchantDefinedFields: { 1: 'cust-7', 2: 'INV-0042' },
		});
	});

	test('a $10 sale of the same order ID is not "already paid" for a $500 invoice: an error naming it, nothing charged', async () => {
		const invoice = invoiceId();
		const small = await outsideSale(invoice, '10.00');
		const result = await run(chargeParams(), [
			charge(invoice, { number: invoice, amount: '500.00' }),
		]);
		expect(result.error).toBeDefined();
		expect(result.error.name).toBe('NodeApiError');
		expect(result.error.message).toBe(
			`360 Payments: Invoice ${invoice} (order ID ${invoice}) already has sale ${small.transactionid} at the gateway that is not this payment (it names no customer, so Charge Token did not make it; it charged $10.00, not $500.00); nothing was charged. If that sale paid this invoice, record it in your books; if not, void or refund it; then pay again.`,
		);
		expect(gateway.ledger.salesFor(invoice).map((sale) => sale.amount)).toEqual(['10.00']);
	});

	test('a sale of the same order for another customer is not "already paid" either; with Continue On Fail the item says why', async () => {
		const invoice = invoiceId();
		const [other] = (
			await run(chargeParams(), [charge(invoice, { customer: 'cust-other' })])
		).output('360');
		const [item] = (
			await run(chargeParams(), [charge(invoice)], { onError: 'continueRegularOutput' })
		).output('360');
		expect(item.existingPayment).toBeUndefined();
		expect(item.error).toMatch(
			new RegExp(
				`already has sale ${other.paymentId} at the gateway that is not this payment \\(it is for customer cust-other, not cust-1\\)`,
			),
		);
		expect(gateway.ledger.chargesFor(invoice)).toBe(1);
	});

	test('a sale the books already hold (Payments Recorded in Books, a list) does not stop paying the rest', async () => {
		const invoice = invoiceId();
		const phone = await outsideSale(invoice, '10.00');
		const params = chargeParams({ options: { recordedPaymentIds: '={{ $json.recorded }}' } });
		const [record] = (
			await run(params, [charge(invoice, { amount: '490.00', recorded: [phone.transactionid] })])
		).output('360');
		expect(record).toMatchObject({
			status: 'succeeded',
			existingPayment: false,
			total: { amount: '490.00' },
		});
		expect(gateway.ledger.chargesFor(invoice)).toBe(2);
	});

	test('double submit in one run (same token, two items): charged once, both name that payment', async () => {
		const item = charge(invoiceId());
		const [first, second] = (await run(chargeParams(), [item, item])).output('360');
		expect(gateway.ledger.chargesFor(item.invoice)).toBe(1);
		expect([first.existingPayment, second.existingPayment]).toEqual([false, true]);
		expect(second.paymentId).toBe(first.paymentId);
		expect(second.guard.reason).toBe('ALREADY_PAID');
	});

	test('double submit as two executions at once (a double click): charged once', async () => {
		gateway.setLatency(25);
		const item = charge(invoiceId());
		const runs = await Promise.all([
			run(chargeParams(), [item]),
			run(chargeParams(), [item]),
		]).finally(() => gateway.setLatency(0));
		expect(gateway.ledger.chargesFor(item.invoice)).toBe(1);
		const records = runs.map((r) => r.output('360')[0]);
		expect(new Set(records.map((r) => r.paymentId)).size).toBe(1);
		expect(records.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
	});

	test('two pages of one invoice paid at once with two cards: one charge stays, the other is voided', async () => {
		gateway.setLatency(25);
		const invoice = invoiceId();
		const runs = await Promise.all([
			run(chargeParams(), [charge(invoice)]),
			run(chargeParams(), [charge(invoice)]),
		]).finally(() => gateway.setLatency(0));
		expect(gateway.ledger.salesFor(invoice)).toHaveLength(2);
		expect(gateway.ledger.chargesFor(invoice)).toBe(1);
		const records = runs.map((r) => r.output('360')[0]);
		expect(records[0].paymentId).toBe(records[1].paymentId);
		expect(records.filter((r) => r.voidedTransactionId)).toHaveLength(1);
	});

	test('a retry after success (a re-run) charges nothing', async () => {
		const item = charge(invoiceId());
		const [first] = (await run(chargeParams(), [item])).output('360');
		const [again] = (await run(chargeParams(), [{ ...item, token: token() }])).output('360');
		expect(again).toMatchObject({
			paymentId: first.paymentId,
			existingPayment: true,
			status: 'succeeded',
		});
		expect(gateway.ledger.chargesFor(item.invoice)).toBe(1);
	});

	test('a decline is a failed record with the gateway reason; the invoice can then be paid', async () => {
		const invoice = invoiceId();
		const [failed] = (
			await run(chargeParams(), [charge(invoice, { token: token('4000000000000002') })])
		).output('360');
		expect(failed).toMatchObject({
			status: 'failed',
			failure: { code: '200', declineCode: null, message: 'DECLINE' },
			existingPayment: false,
		});
		const [paid] = (await run(chargeParams(), [charge(invoice)])).output('360');
		expect(paid.status).toBe('succeeded');
		expect(gateway.ledger.chargesFor(invoice)).toBe(1);
	});

	test('response=3 is a clear error naming the gateway response, nothing charged', async () => {
		const invoice = invoiceId();
		const result = await run(chargeParams(), [
			charge(invoice, { token: token('4000000000000119') }),
		]);
		expect(result.error.message).toBe(
			'360 Payments: The gateway refused the payment: Transaction error returned by processor (response code 400)',
		);
		expect(result.error.name).toBe('NodeApiError');
		expect(gateway.ledger.chargesFor(invoice)).toBe(0);
	});

	test.each([
		[{ amount: '0.00' }, 'Item 0: invalid "Amount": Amount $0.00 must be more than zero'],
		[{ amount: '-1.00' }, 'Item 0: invalid "Amount": Amount "-1.00" is negative'],
		[
			{ token: '' },
			'Item 0: invalid "Payment Token": A payment token is required: the one Collect.js made in the browser and the Pay Now page posted',
		],
		[
			{ currency: 'xyz' },
			'Item 0: invalid "Currency Name or ID": Currency "xyz" is not one Stripe charges in',
		],
		[
			{ invoice: 'inv/1' },
			'Item 0: invalid "Invoice ID": "inv/1" is not an invoice ID (1 to 100 letters, digits, ".", "_", ":" or "-")',
		],
		[{ customer: '' }, 'Item 0: invalid "Customer ID": A books customer ID is required'],
	])('bad input %p never reaches the gateway', async (change, message) => {
		const before = gateway.requests.length;
		const result = await run(chargeParams(), [charge(invoiceId(), change)]);
		expect(result.error.message).toBe(message);
		expect(result.error.name).toBe('NodeOperationError');
		expect(gateway.requests.length).toBe(before);
	});

	test.each([
		['surcharging off (the default), a credit card', chargeParams(), 'credit'],
		['surcharging on, a debit card', surcharging, 'debit'],
		['surcharging on, a prepaid card', surcharging, 'prepaid'],
		['surcharging on, a card of unknown category', surcharging, 'unknown'],
		['surcharging on, no category told', surcharging, ''],
	])('%s: no surcharge is sent and no fee charged', async (_, params, category) => {
		const invoice = invoiceId();
		const result = await run(params, [charge(invoice, { fee: '3', category })]);
		const [record] = result.output('360');
		expect(record).toMatchObject({
			status: 'succeeded',
			amount: { amount: '100.00' },
			fee: { amount: '0.00' },
			total: { amount: '100.00' },
		});
		// the gateway got no surcharge field
		expect(gateway.transactions().find((t) => t.orderId === invoice)?.surcharge).toBeNull();
		expect(gateway.ledger.salesFor(invoice).map((s) => s.amount)).toEqual(['100.00']);
	});

	test('surcharging on, a credit card: the fee is sent as the surcharge', async () => {
		const invoice = invoiceId();
		const result = await run(surcharging, [charge(invoice, { fee: '3', category: 'Credit' })]);
		expect(result.output('360')[0]).toMatchObject({
			fee: { amount: '3.00' },
			total: { amount: '103.00' },
		});
		expect(gateway.ledger.salesFor(invoice).map((s) => s.amount)).toEqual(['103.00']);
		const stored = gateway.transactions().find((t) => t.orderId === invoice);
		expect(stored?.surcharge).toBe('3.00');
	});

	test('a card category that is not one is bad input naming Card Category, before the gateway', async () => {
		const before = gateway.requests.length;
		const result = await run(surcharging, [charge(invoiceId(), { fee: '3', category: 'gold' })]);
		expect(result.error.message).toBe(
			'Item 0: invalid "Card Category": "gold" is not a card category (credit, debit, prepaid or unknown)',
		);
		expect(gateway.requests.length).toBe(before);
	});

	test('a reused token for an unpaid invoice is a clear error', async () => {
		const spent = token();
		await run(chargeParams(), [charge(invoiceId(), { token: spent })]);
		const result = await run(chargeParams(), [charge(invoiceId(), { token: spent })]);
		expect(result.error.message).toBe(
			'360 Payments: The gateway refused the payment: Payment token already used (response code 300)',
		);
	});

	test('a batch never half-fails: one bad item fails the node before any item is charged', async () => {
		const items = [
			charge(invoiceId()),
			charge(invoiceId()),
			charge(invoiceId(), { customer: ' ' }),
		];
		const before = gateway.requests.length;
		const result = await run(chargeParams(), items);
		expect(result.error.message).toBe(
			'Item 2: invalid "Customer ID": A books customer ID is required',
		);
		expect(gateway.requests.length).toBe(before);
		expect(items.map((i) => gateway.ledger.chargesFor(i.invoice))).toEqual([0, 0, 0]);
	});

	test('with Continue On Fail the bad item carries its error and the rest are charged', async () => {
		const items = [charge(invoiceId()), charge(invoiceId(), { amount: '0' }), charge(invoiceId())];
		const outputs = (await run(chargeParams(), items, { onError: 'continueRegularOutput' })).output(
			'360',
		);
		expect(outputs.map((o) => o.status ?? o.error)).toEqual([
			'succeeded',
			'Item 1: invalid "Amount": Amount $0.00 must be more than zero',
			'succeeded',
		]);
		expect(items.map((i) => gateway.ledger.chargesFor(i.invoice))).toEqual([1, 0, 1]);
	});

	test('wrong keys: a clear error, nothing charged, no key in any output', async () => {
		const invoice = invoiceId();
		const result = await run(chargeParams(), [charge(invoice)], {
			creds: credentials({ securityKey: 'wrong-security-key-0123456789' }),
		});
		expect(result.error.message).toBe(
			'360 Payments: The gateway refused the query: Authentication Failed',
		);
		expect(gateway.ledger.chargesFor(invoice)).toBe(0);
		expect(allText(result.run)).not.toContain('wrong-security-key-0123456789');
	});

	test('a missing base URL is an error naming the field', async () => {
		const result = await run(chargeParams(), [charge(invoiceId())], {
			creds: credentials({ gatewayBaseUrl: '' }),
		});
		expect(result.error.message).toMatch(
			/^Item 0: invalid "gatewayBaseUrl": The 360 Payments credential has no Gateway Base URL/,
		);
	});

	test('a gateway that is down: a clear error, nothing charged, and the charge works once it is back', async () => {
		const item = charge(invoiceId());
		gateway.setDown(true);
		const result = await run(chargeParams(), [item]).finally(() => gateway.setDown(false));
		expect(result.error.message).toBe(
			'360 Payments: Could not reach the 360 Payments gateway (connection reset)',
		);
		expect(gateway.ledger.chargesFor(item.invoice)).toBe(0);
		expect((await run(chargeParams(), [item])).output('360')[0].status).toBe('succeeded');
	}, 20_000);

	test('the security key travels only in POST bodies, never in a URL or an output', async () => {
		const before = gateway.requests.length;
		const result = await run(chargeParams(), [charge(invoiceId())]);
		const sent = gateway.requests.slice(before);
		expect(sent.length).toBeGreaterThan(0);
		expect(
			sent.every((r) => r.method === 'POST' && r.securityKeyInBody && !r.securityKeyInUrl),
		).toBe(true);
		expect(allText(result.run)).not.toContain(SECURITY_KEY);
		expect(allText(result.run)).not.toContain(SIGNING_KEY);
	});
});

describe('Get, Get Many, Refund, Void', () => {
	async function paid(amount = '40.00') {
		const item = charge(invoiceId(), { amount });
		const [record] = (await run(chargeParams(), [item])).output('360');
		return record;
	}

	test('Get Transaction: the record with the gateway details', async () => {
		const record = await paid();
		const [view] = (
			await run({ resource: 'transaction', operation: 'get', transactionId: record.paymentId })
		).output('360');
		expect(view).toMatchObject({
			provider: 'gateway360',
			paymentId: record.paymentId,
			invoiceId: record.invoiceId,
			status: 'succeeded',
			kind: 'payment',
			total: { amount: '40.00' },
			transaction: {
				condition: 'pendingsettlement',
				voidable: true,
				refundable: false,
				email: 'payer@example.com',
			},
		});
		expect(view.transaction.actions.map((a) => [a.type, a.success])).toEqual([['sale', true]]);
	});

	test('Get Transaction of an unknown ID names the field', async () => {
		const result = await run({
			resource: 'transaction',
			operation: 'get',
			transactionId: '123456789',
		});
		expect(result.error.message).toBe(
			'Item 0: invalid "Transaction ID": The gateway has no transaction 123456789',
		);
	});

	test('Get Many by invoice ID: every transaction of that order, declines included', async () => {
		const invoice = invoiceId();
		await run(chargeParams(), [charge(invoice, { token: token('4000000000000002') })]);
		await run(chargeParams(), [charge(invoice)]);
		const views = (
			await run({
				resource: 'transaction',
				operation: 'getMany',
				findBy: 'invoiceId',
				invoiceId: invoice,
				returnAll: true,
			})
		).output('360');
		expect(
			views.map((v) => [v.invoiceId, v.status, v.customer.booksId, v.transaction.invoiceNumber]),
		).toEqual([
			[invoice, 'failed', 'cust-1', invoice.toUpperCase()],
			[invoice, 'succeeded', 'cust-1', invoice.toUpperCase()],
		]);
	});

	test('Get Many by date range, with a limit and a type filter', async () => {
		const start = new Date(Date.now() - 60_000).toISOString();
		await paid();
		await paid();
		const end = new Date(Date.now() + 60_000).toISOString();
		const params = {
			resource: 'transaction',
			operation: 'getMany',
			findBy: 'dateRange',
			startDate: start,
			endDate: end,
			actionTypes: ['sale'],
		};
		const all = (await run({ ...params, returnAll: true })).output('360');
		expect(all.length).toBeGreaterThanOrEqual(2);
		expect(all.every((v) => v.transaction.actions[0].type === 'sale')).toBe(true);
		const limited = (await run({ ...params, returnAll: false, limit: 1 })).output('360');
		expect(limited).toHaveLength(1);
		const empty = (
			await run({
				...params,
				startDate: '2001-01-01T00:00:00Z',
				endDate: '2001-01-02T00:00:00Z',
				returnAll: true,
			})
		).output('360');
		expect(empty).toEqual([]);
	});

	test('Get Many with an end before its start is refused', async () => {
		const result = await run({
			resource: 'transaction',
			operation: 'getMany',
			findBy: 'dateRange',
			startDate: '2026-02-01T00:00:00Z',
			endDate: '2026-01-01T00:00:00Z',
			returnAll: true,
		});
		expect(result.error.message).toBe(
			'Item 0: invalid "To": The end of the range is before its start',
		);
	});

	test('Void an unsettled payment: canceled, and the ledger no longer counts it', async () => {
		const record = await paid();
		const [voided] = (
			await run({ resource: 'transaction', operation: 'void', transactionId: record.paymentId })
		).output('360');
		expect(voided).toMatchObject({
			paymentId: record.paymentId,
			status: 'canceled',
			voided: { amount: '40.00' },
		});
		expect(gateway.ledger.chargesFor(record.invoiceId)).toBe(0);
		const again = await run({
			resource: 'transaction',
			operation: 'void',
			transactionId: record.paymentId,
		});
		expect(again.error.message).toBe(
			`Item 0: invalid "Transaction ID": Transaction ${record.paymentId} cannot be voided: it is already voided`,
		);
	});

	test('Refund: an unsettled payment is refused with advice; a settled one in part, then in full', async () => {
		const record = await paid('40.00');
		const refund = (amount) =>
			run({
				resource: 'transaction',
				operation: 'refund',
				transactionId: record.paymentId,
				amount,
			});
		expect((await refund('')).error.message).toMatch(/has not settled yet: void it instead/);
		gateway.settle();
		const [part] = (await refund('15.00')).output('360');
		expect(part).toMatchObject({
			provider: 'gateway360',
			paymentId: record.paymentId,
			invoiceId: record.invoiceId,
			refunded: { amount: '15.00' },
			leftToRefund: { amount: '25.00' },
			fullRefund: false,
		});
		expect((await refund('25.01')).error.message).toBe(
			`Item 0: invalid "Amount": Cannot refund 25.01 USD of transaction ${record.paymentId}: 25.00 is left to refund`,
		);
		const [rest] = (await refund('')).output('360');
		expect(rest).toMatchObject({
			refunded: { amount: '25.00' },
			leftToRefund: { amount: '0.00' },
			fullRefund: true,
		});
		const [view] = (
			await run({ resource: 'transaction', operation: 'get', transactionId: record.paymentId })
		).output('360');
		expect(view.transaction).toMatchObject({
			refunded: { amount: '40.00' },
			leftToRefund: { amount: '0.00' },
			refundable: false,
		});
		// refunded in full: it no longer pays the invoice, which may be paid again
		expect(view).toMatchObject({
			status: 'refunded',
			refund: { amountRefunded: { amount: '40.00' }, amountKept: { amount: '0.00' } },
		});
		const [again] = (
			await run(chargeParams(), [charge(record.invoiceId, { amount: '40.00' })])
		).output('360');
		expect(again).toMatchObject({ status: 'succeeded', existingPayment: false });
		expect(again.paymentId).not.toBe(record.paymentId);
	});
});

describe('Online Payment Provider: one at a time', () => {
	test.each([
		[true, true, 'gateway360', 'stripe'],
		['true', false, 'gateway360', null],
		[false, true, 'stripe', null],
		[false, false, 'none', null],
	])(
		'360 %p, Stripe %p -> %s (no 360 credential needed)',
		async (gateway360Connected, stripeConnected, provider, ignored) => {
			const result = await run(
				{
					resource: 'provider',
					operation: 'choose',
					gateway360Connected: '={{ $json.gateway360Connected }}',
					stripeConnected: '={{ $json.stripeConnected }}',
				},
				[{ invoice: 'INV-5', gateway360Connected, stripeConnected }],
				{ creds: {} },
			);
			const [item] = result.output('360');
			expect(item).toMatchObject({
				invoice: 'INV-5',
				onlinePaymentProvider: provider,
				payNowOffered: provider !== 'none',
				ignoredProvider: ignored,
			});
			expect(item.onlinePaymentReason).toBeTruthy();
		},
	);
});

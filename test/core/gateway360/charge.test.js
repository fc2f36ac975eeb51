// @ts-check
// The charge guard, refunds and voids of the core, run against the local gateway over HTTP.
import { CoreInputError } from '../../../nodes/core/errors';
import {
	InvoiceLocks,
	chargeToken,
	paymentFields,
	readCardCategory,
	readTransactionIdList,
	surchargeAllowed,
	validateChargeRequest,
} from '../../../nodes/core/gateway360/charge';
import { Gateway360ApiError } from '../../../nodes/core/gateway360/errors';
import { refundPayment, voidPayment } from '../../../nodes/core/gateway360/reversals';
import { Gateway360Transport } from '../../../nodes/core/gateway360/transport';
import { startGateway360Server } from '../../fakes/gateway360-server';
import { nodeHttp } from '../../fakes/gateway360/node-http';

const SECURITY_KEY = 'core-test-security-key-00000001';
let gateway;
let transport;
let sent;

beforeAll(async () => {
	gateway = await startGateway360Server({ securityKeys: [SECURITY_KEY] });
});
afterAll(async () => {
	await gateway.close();
});
beforeEach(() => {
	const http = nodeHttp(SECURITY_KEY);
	sent = http.sent;
	transport = new Gateway360Transport({ http, baseUrl: gateway.url, sleep: async () => {} });
});

let counter = 0;
const token = (ccnumber = '4111111111111111') => gateway.createToken({ ccnumber });
const request = (extra = {}) => {
	const n = ++counter;
	return {
		invoiceId: `core-inv-${n}`,
		invoiceNumber: `CORE-${n}`,
		customerId: 'cust-1',
		amountMinor: 10000,
		feeMinor: 0,
		currency: 'usd',
		paymentToken: token(),
		...extra,
	};
};
/** A sale made at the gateway outside Charge Token (a virtual terminal, another system). */
const outsideSale = (orderid, amount, fields = {}) =>
	transport.transact({
		type: 'sale',
		payment_token: token(),
		amount,
		currency: 'USD',
		orderid,
		...fields,
	});
const conflictOf = (promise) =>
	promise.then(
		(outcome) => ({ unexpectedOutcome: outcome }),
		(error) => error,
	);

describe('chargeToken', () => {
	test('an approved sale is a succeeded payment record with the card label', async () => {
		const req = request({
			feeMinor: 290,
			surchargeCreditCards: true,
			cardCategory: 'credit',
			customerEmail: 'payer@example.com',
			customerId: 'C-9',
		});
		const outcome = await chargeToken(transport, req);
		expect(outcome.existingPayment).toBe(false);
		expect(outcome.record).toMatchObject({
			provider: 'gateway360',
			invoiceId: req.invoiceId,
			status: 'succeeded',
			amount: { minor: 10000 },
			fee: { minor: 290 },
			total: { minor: 10290, amount: '102.90' },
			customer: { booksId: 'C-9', providerId: null },
			paymentMethod: { label: 'Visa •••• 1111' },
			failure: null,
		});
		const [sale] = gateway.ledger.salesFor(req.invoiceId);
		expect(sale).toMatchObject({
			transactionId: outcome.record.paymentId,
			amount: '102.90',
			currency: 'USD',
		});
		const stored = gateway.transactions().find((t) => t.transactionId === sale.transactionId);
		// The order ID is the books' invoice ID; customer and number ride along as merchant-defined fields.
		expect(stored).toMatchObject({
			orderId: req.invoiceId,
			surcharge: '2.90',
			email: 'payer@example.com',
			orderDescription: `Invoice ${req.invoiceNumber}`,
			merchantDefinedFields: { 1: 'C-9', 2: req.invoiceNumber },
		});
		// Guard read, sale, re-read: the key was added by the http function, never by the core.
		expect(sent.map((r) => new URLSearchParams(r.body).get('type') ?? 'query')).toEqual([
			'query',
			'sale',
			'query',
		]);
		expect(sent.every((r) => !/security_key/.test(r.body))).toBe(true);
	});

	test('a second charge of a paid invoice charges nothing and returns the first payment', async () => {
		const req = request();
		const first = await chargeToken(transport, req);
		const second = await chargeToken(transport, { ...req, paymentToken: token() });
		expect(second.existingPayment).toBe(true);
		expect(second.record.paymentId).toBe(first.record.paymentId);
		expect(second.record.guard).toEqual({
			reason: 'ALREADY_PAID',
			message: `Invoice ${req.invoiceNumber} already has an approved payment (${first.record.paymentId}); nothing new was charged`,
		});
		expect(second.record).toMatchObject({
			invoiceId: req.invoiceId,
			customer: { booksId: 'cust-1' },
			total: { minor: 10000 },
		});
		expect(gateway.ledger.chargesFor(req.invoiceId)).toBe(1);
	});

	test('the same token sent twice at once charges once; both answers name that payment', async () => {
		const req = request();
		const results = await Promise.all([chargeToken(transport, req), chargeToken(transport, req)]);
		expect(gateway.ledger.chargesFor(req.invoiceId)).toBe(1);
		expect(new Set(results.map((r) => r.record.paymentId)).size).toBe(1);
		expect(results.map((r) => r.existingPayment).sort()).toEqual([false, true]);
	});

	test('two tokens for one invoice at once: the later sale is voided, one charge stays', async () => {
		gateway.setLatency(30);
		const base = request();
		const results = await Promise.all(
			[token(), token(), token()].map((paymentToken) =>
				chargeToken(transport, { ...base, paymentToken }),
			),
		).finally(() => gateway.setLatency(0));
		// All three passed the guard before any sale existed: the race really happened.
		expect(gateway.ledger.salesFor(base.invoiceId)).toHaveLength(3);
		expect(gateway.ledger.chargesFor(base.invoiceId)).toBe(1);
		expect(gateway.ledger.duplicates()).not.toContain(base.invoiceId);
		const kept = gateway.ledger.salesFor(base.invoiceId).find((sale) => !sale.voided);
		expect(results.every((r) => r.record.paymentId === kept.transactionId)).toBe(true);
		const voided = results.map((r) => r.voidedTransactionId).filter(Boolean);
		expect(voided).toHaveLength(2);
		expect(results.filter((r) => r.existingPayment)).toHaveLength(2);
	});

	test.each([
		['4000000000000002', '200', 'DECLINE'],
		['4000000000009995', '202', 'Insufficient funds'],
	])('a decline (%s) is a failed record with the gateway reason', async (card, code, text) => {
		const req = request({ paymentToken: token(card) });
		const outcome = await chargeToken(transport, req);
		expect(outcome.record).toMatchObject({ status: 'failed', failure: { code, message: text } });
		expect(outcome.record.paymentId).toMatch(/^\d+$/);
		expect(gateway.ledger.chargesFor(req.invoiceId)).toBe(0);
		// A declined invoice can be paid with another card.
		const retry = await chargeToken(transport, { ...req, paymentToken: token() });
		expect(retry.record.status).toBe('succeeded');
	});

	test('response=3 is an error naming the gateway reason, nothing charged', async () => {
		const req = request({ paymentToken: token('4000000000000119') });
		const failure = await chargeToken(transport, req).catch((e) => e);
		expect(failure).toBeInstanceOf(Gateway360ApiError);
		expect(failure).toMatchObject({ kind: 'gateway_error', responseCode: '400' });
		expect(failure.message).toBe(
			'The gateway refused the payment: Transaction error returned by processor (response code 400)',
		);
		expect(gateway.ledger.chargesFor(req.invoiceId)).toBe(0);
	});

	test('a spent token for an unpaid invoice is a clear error', async () => {
		const spent = token();
		await chargeToken(transport, request({ paymentToken: spent }));
		await expect(chargeToken(transport, request({ paymentToken: spent }))).rejects.toThrow(
			'The gateway refused the payment: Payment token already used (response code 300)',
		);
	});

	test.each([
		[{ amountMinor: 0 }, 'amount', /must be more than zero/],
		[{ amountMinor: -100 }, 'amount', /must be more than zero/],
		[{ paymentToken: '' }, 'paymentToken', /A payment token is required/],
		[{ paymentToken: 'not a token!' }, 'paymentToken', /not one Collect.js makes/],
		[{ invoiceNumber: '  ' }, 'invoiceNumber', /invoice number is required/],
		[{ invoiceNumber: 'INV\n1' }, 'invoiceNumber', /not usable at the gateway/],
		[{ invoiceId: '' }, 'invoiceId', /is not an invoice ID/],
		[{ invoiceId: 'inv 1' }, 'invoiceId', /is not an invoice ID/],
		[{ customerId: ' ' }, 'customerId', /A books customer ID is required/],
		[{ customerEmail: 'nobody' }, 'customerEmail', /not an email address/],
	])('bad input never reaches the gateway: %p', async (change, field, message) => {
		const failure = await chargeToken(transport, request(change)).catch((e) => e);
		expect(failure).toBeInstanceOf(CoreInputError);
		expect(failure.field).toBe(field);
		expect(failure.message).toMatch(message);
		expect(sent).toHaveLength(0);
	});

	test('a wrong security key is an authentication error before any sale', async () => {
		const wrong = new Gateway360Transport({
			http: nodeHttp('wrong-key-000000000000'),
			baseUrl: gateway.url,
			sleep: async () => {},
		});
		const failure = await chargeToken(wrong, request()).catch((e) => e);
		expect(failure).toMatchObject({
			kind: 'authentication',
			message: 'The gateway refused the query: Authentication Failed',
		});
	});
});

describe('already paid: the same order ID, customer and total, nothing less', () => {
	test('a $10 sale of the same order ID does not pay a $500 invoice: refused, naming it, nothing charged', async () => {
		// Books whose invoice IDs are their numbers: the order ID alone cannot tell the sales apart.
		const req = request({ invoiceId: 'INV-500', invoiceNumber: 'INV-500', amountMinor: 50000 });
		const small = await outsideSale('INV-500', '10.00');
		const failure = await conflictOf(chargeToken(transport, req));
		expect(failure).toBeInstanceOf(Gateway360ApiError);
		expect(failure).toMatchObject({
			kind: 'conflicting_payment',
			transactionId: small.transactionId,
		});
		expect(failure.message).toBe(
			`Invoice INV-500 (order ID INV-500) already has sale ${small.transactionId} at the gateway that is not this payment (it names no customer, so Charge Token did not make it; it charged $10.00, not $500.00); nothing was charged. If that sale paid this invoice, record it in your books; if not, void or refund it; then pay again.`,
		);
		expect(gateway.ledger.salesFor('INV-500').map((sale) => sale.amount)).toEqual(['10.00']);
	});

	test('an earlier Charge Token sale of another total for the same customer is not this payment either', async () => {
		const earlier = request({ amountMinor: 1000 });
		const { record } = await chargeToken(transport, earlier);
		const failure = await conflictOf(
			chargeToken(transport, { ...earlier, amountMinor: 50000, paymentToken: token() }),
		);
		expect(failure).toMatchObject({ kind: 'conflicting_payment', transactionId: record.paymentId });
		expect(failure.message).toContain('(it charged $10.00, not $500.00)');
		expect(gateway.ledger.chargesFor(earlier.invoiceId)).toBe(1);
	});

	test('the same total for another customer is not this payment: refused, nothing charged', async () => {
		const req = request();
		const other = await chargeToken(transport, { ...req, customerId: 'cust-other' });
		const failure = await conflictOf(chargeToken(transport, { ...req, paymentToken: token() }));
		expect(failure).toMatchObject({
			kind: 'conflicting_payment',
			transactionId: other.record.paymentId,
		});
		expect(failure.message).toContain('(it is for customer cust-other, not cust-1)');
		expect(gateway.ledger.chargesFor(req.invoiceId)).toBe(1);
	});

	test('the fee counts: a sale of the invoice amount without its fee is not this payment', async () => {
		const req = request({ feeMinor: 290, surchargeCreditCards: true, cardCategory: 'credit' });
		await chargeToken(transport, { ...req, feeMinor: 0 });
		const failure = await conflictOf(chargeToken(transport, { ...req, paymentToken: token() }));
		expect(failure.message).toContain('(it charged $100.00, not $102.90)');
	});

	test('a sale of another invoice with the same number does not touch this one', async () => {
		const req = request({ invoiceNumber: 'SHARED-1' });
		await chargeToken(transport, { ...request({ invoiceNumber: 'SHARED-1' }), amountMinor: 1000 });
		const outcome = await chargeToken(transport, req);
		expect(outcome).toMatchObject({
			existingPayment: false,
			record: { status: 'succeeded', invoiceId: req.invoiceId },
		});
	});

	test('a voided sale does not count as paid: the invoice is charged', async () => {
		const req = request();
		const first = await chargeToken(transport, req);
		await voidPayment(transport, { transactionId: /** @type {string} */ (first.record.paymentId) });
		const again = await chargeToken(transport, { ...req, paymentToken: token() });
		expect(again).toMatchObject({ existingPayment: false, record: { status: 'succeeded' } });
		expect(again.record.paymentId).not.toBe(first.record.paymentId);
		expect(gateway.ledger.chargesFor(req.invoiceId)).toBe(1);
	});

	test('a sale refunded in full does not count as paid, nor does one made elsewhere', async () => {
		const req = request();
		const first = await chargeToken(transport, req);
		const elsewhere = await outsideSale(req.invoiceId, '7.00');
		gateway.settle();
		await refundPayment(transport, {
			transactionId: /** @type {string} */ (first.record.paymentId),
		});
		await refundPayment(transport, { transactionId: elsewhere.transactionId });
		const again = await chargeToken(transport, { ...req, paymentToken: token() });
		expect(again).toMatchObject({ existingPayment: false, record: { status: 'succeeded' } });
	});

	test('a partly refunded payment still pays the invoice; the guard says what went back', async () => {
		const req = request();
		const first = await chargeToken(transport, req);
		gateway.settle();
		await refundPayment(transport, {
			transactionId: /** @type {string} */ (first.record.paymentId),
			amount: '30.00',
		});
		const again = await chargeToken(transport, { ...req, paymentToken: token() });
		expect(again.existingPayment).toBe(true);
		expect(again.record.paymentId).toBe(first.record.paymentId);
		expect(again.record).toMatchObject({
			status: 'succeeded',
			refund: { amountRefunded: { amount: '30.00' }, amountKept: { amount: '70.00' } },
		});
		expect(again.record.guard?.message).toMatch(
			/; nothing new was charged\. \$30\.00 of it was refunded since, \$70\.00 kept$/,
		);
	});

	test('a sale the books already hold is off the balance: paying the rest is charged, and kept', async () => {
		// $10 taken by phone and recorded in the books: $490 is left to pay online.
		const req = request({ amountMinor: 49000 });
		const phone = await outsideSale(req.invoiceId, '10.00');
		const refused = await conflictOf(chargeToken(transport, req));
		expect(refused).toMatchObject({
			kind: 'conflicting_payment',
			transactionId: phone.transactionId,
		});
		const paid = await chargeToken(transport, {
			...req,
			paymentToken: token(),
			recordedPaymentIds: [phone.transactionId],
		});
		expect(paid).toMatchObject({
			existingPayment: false,
			voidedTransactionId: null,
			record: { status: 'succeeded', total: { amount: '490.00' } },
		});
		expect(
			gateway.ledger.salesFor(req.invoiceId).map((sale) => [sale.amount, sale.voided]),
		).toEqual([
			['10.00', false],
			['490.00', false],
		]);
	});

	test('a payment the books hold that is this payment still means paid (a double click after recording)', async () => {
		const req = request();
		const first = await chargeToken(transport, req);
		const again = await chargeToken(transport, {
			...req,
			paymentToken: token(),
			recordedPaymentIds: [/** @type {string} */ (first.record.paymentId)],
		});
		expect(again).toMatchObject({
			existingPayment: true,
			record: { paymentId: first.record.paymentId },
		});
		expect(gateway.ledger.chargesFor(req.invoiceId)).toBe(1);
	});

	test('recorded payment IDs are read from a list or comma-separated text, and must be transaction IDs', async () => {
		expect(readTransactionIdList(' 7000000001, ,7000000002 ')).toEqual([
			'7000000001',
			'7000000002',
		]);
		expect(readTransactionIdList(['7000000003', 7000000004])).toEqual(['7000000003', '7000000004']);
		expect(readTransactionIdList(undefined)).toEqual([]);
		const failure = await chargeToken(
			transport,
			request({ recordedPaymentIds: ['1 OR 1=1'] }),
		).catch((e) => e);
		expect(failure).toBeInstanceOf(CoreInputError);
		expect(failure).toMatchObject({
			field: 'recordedPaymentIds',
			message: '"1 OR 1=1" is not a gateway transaction ID',
		});
		expect(sent).toHaveLength(0);
	});

	test('a matching payment wins over a conflicting sale of the same order', async () => {
		const req = request();
		const paid = await chargeToken(transport, req);
		await outsideSale(req.invoiceId, '3.00');
		const again = await chargeToken(transport, { ...req, paymentToken: token() });
		expect(again).toMatchObject({
			existingPayment: true,
			record: { paymentId: paid.record.paymentId },
		});
	});

	test('a conflicting sale made while ours was on its way: ours is voided and the charge refused', async () => {
		const req = request();
		/** @type {{ transactionId: string } | undefined} */
		let other;
		// Someone keys a sale for the order in the instant between our guard read and our sale.
		const racing = new Proxy(transport, {
			get(target, name) {
				if (name !== 'transact') return target[name].bind?.(target) ?? target[name];
				return async (fields) => {
					if (fields.type === 'sale' && !other) other = await outsideSale(req.invoiceId, '10.00');
					return await target.transact(fields);
				};
			},
		});
		const failure = await conflictOf(chargeToken(racing, req));
		expect(failure).toMatchObject({
			kind: 'conflicting_payment',
			transactionId: /** @type {{ transactionId: string }} */ (other).transactionId,
		});
		expect(failure.message).toMatch(
			/; this payment's sale \d+ was voided, nothing new is charged\./,
		);
		const sales = gateway.ledger.salesFor(req.invoiceId);
		expect(sales.map((sale) => [sale.amount, sale.voided])).toEqual([
			['10.00', false],
			['100.00', true],
		]);
	});
});

describe('InvoiceLocks', () => {
	test('work for one invoice runs one at a time, other invoices in parallel, failures do not block', async () => {
		const locks = new InvoiceLocks();
		const log = [];
		const step =
			(name, ms, fail = false) =>
			async () => {
				log.push(`start ${name}`);
				await new Promise((resolve) => setTimeout(resolve, ms));
				log.push(`end ${name}`);
				if (fail) throw new Error(name);
				return name;
			};
		const results = await Promise.allSettled([
			locks.run('A', step('a1', 20, true)),
			locks.run('A', step('a2', 1)),
			locks.run('B', step('b1', 1)),
		]);
		expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
		expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1'));
		expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
	});
});

describe('refund and void', () => {
	/** @returns {Promise<string>} the transaction id of the sale (an approved sale has one) */
	async function paid(amountMinor = 5000) {
		const req = request({ amountMinor });
		const { record } = await chargeToken(transport, req);
		return /** @type {string} */ (record.paymentId);
	}

	test('an unsettled payment is voided in full; a second void is refused by field', async () => {
		const id = await paid();
		const record = await voidPayment(transport, { transactionId: id });
		expect(record).toMatchObject({
			paymentId: id,
			status: 'canceled',
			voided: { amount: '50.00' },
		});
		expect(gateway.ledger.salesFor(record.invoiceId)[0].voided).toBe(true);
		await expect(voidPayment(transport, { transactionId: id })).rejects.toThrow(
			`Transaction ${id} cannot be voided: it is already voided`,
		);
	});

	test('an unsettled payment is not refunded: the advice is to void it', async () => {
		const id = await paid();
		const failure = await refundPayment(transport, { transactionId: id }).catch((e) => e);
		expect(failure).toBeInstanceOf(CoreInputError);
		expect(failure.message).toMatch(/has not settled yet: void it instead/);
	});

	test('a settled payment is refunded in parts, never beyond what is left', async () => {
		const id = await paid(5000);
		gateway.settle();
		await expect(voidPayment(transport, { transactionId: id })).rejects.toThrow(
			/it has settled: refund it instead/,
		);
		const part = await refundPayment(transport, { transactionId: id, amount: '20.00' });
		expect(part).toMatchObject({
			paymentId: id,
			status: 'succeeded',
			refunded: { amount: '20.00' },
			leftToRefund: { amount: '30.00' },
			fullRefund: false,
		});
		expect(part.refundId).toMatch(/^\d+$/);
		expect(part.refundId).not.toBe(id);
		const tooMuch = await refundPayment(transport, { transactionId: id, amount: '30.01' }).catch(
			(e) => e,
		);
		expect(tooMuch).toMatchObject({ field: 'amount' });
		expect(tooMuch.message).toBe(
			`Cannot refund 30.01 USD of transaction ${id}: 30.00 is left to refund`,
		);
		const rest = await refundPayment(transport, { transactionId: id });
		expect(rest).toMatchObject({
			refunded: { amount: '30.00' },
			leftToRefund: { amount: '0.00' },
			fullRefund: true,
		});
		await expect(refundPayment(transport, { transactionId: id })).rejects.toThrow(
			/already refunded in full/,
		);
	});

	test.each([['0'], ['-5'], ['abc']])(
		'a refund amount of %p is refused by field',
		async (amount) => {
			const id = await paid();
			gateway.settle();
			const failure = await refundPayment(transport, { transactionId: id, amount }).catch((e) => e);
			expect(failure).toBeInstanceOf(CoreInputError);
			expect(failure.field).toBe('amount');
		},
	);

	test('an unknown or malformed transaction ID is refused by field', async () => {
		await expect(voidPayment(transport, { transactionId: '999999999' })).rejects.toThrow(
			'The gateway has no transaction 999999999',
		);
		await expect(refundPayment(transport, { transactionId: '1 OR 1=1' })).rejects.toThrow(
			/is not a gateway transaction ID/,
		);
	});

	test('a declined payment cannot be voided or refunded', async () => {
		const { record } = await chargeToken(
			transport,
			request({ paymentToken: token('4000000000000002') }),
		);
		await expect(
			voidPayment(transport, { transactionId: /** @type {string} */ (record.paymentId) }),
		).rejects.toThrow(/cannot be voided: it is failed/);
		await expect(
			refundPayment(transport, { transactionId: /** @type {string} */ (record.paymentId) }),
		).rejects.toThrow(/is failed: only approved payments/);
	});
});

describe('surcharge: credit cards only, when the merchant surcharges', () => {
	test.each([
		[true, 'credit', true],
		[true, 'debit', false],
		[true, 'prepaid', false],
		[true, 'unknown', false],
		[true, null, false],
		[false, 'credit', false],
		[undefined, 'credit', false],
	])('surchargeCreditCards %p, card %p: surcharge allowed %p', (on, category, allowed) => {
		expect(
			surchargeAllowed({
				surchargeCreditCards: on,
				cardCategory: /** @type {any} */ (category),
			}),
		).toBe(allowed);
		const checked = validateChargeRequest(
			request({ feeMinor: 300, surchargeCreditCards: on, cardCategory: category }),
		);
		expect(checked.feeMinor).toBe(allowed ? 300 : 0);
		expect(paymentFields(checked).surcharge).toBe(allowed ? '3.00' : undefined);
	});

	test('a card category is read as Collect.js gives it; anything else is bad input', () => {
		expect(readCardCategory(' Credit ')).toBe('credit');
		expect(readCardCategory('')).toBeNull();
		expect(readCardCategory(undefined)).toBeNull();
		expect(() => readCardCategory('gold')).toThrow(CoreInputError);
	});
});

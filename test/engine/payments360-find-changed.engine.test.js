// @ts-check
// Engine tests of Transaction → Find Changed Transactions: the payments that changed at the
// gateway in a window, read from query.php as NMI documents it, as the books' payment records.
import { startGateway360Server } from '../fakes/gateway360-server';
import { runWorkflow, singleNodeWorkflow } from './harness';

const SECURITY_KEY = 'engine-security-key-5b2c8d1e90f34a77';
const TOKEN_KEY = 'engpub-5b2c8d-1e90f3-4a77bb';

async function withGateway(options, body) {
	const gateway = await startGateway360Server({
		securityKeys: [SECURITY_KEY],
		tokenKeys: [TOKEN_KEY],
		...options,
	});
	try {
		await body(gateway);
	} finally {
		await gateway.close();
	}
}

async function run(gateway, parameters) {
	const workflow = singleNodeWorkflow('360', 'payments360', parameters, {
		payments360Api: { id: '1', name: '360 Payments (local gateway)' },
	});
	return await runWorkflow(workflow, {
		credentials: {
			payments360Api: {
				securityKey: SECURITY_KEY,
				tokenKey: TOKEN_KEY,
				gatewayBaseUrl: gateway.url,
			},
		},
		input: [{}],
	});
}

async function transact(gateway, fields) {
	const response = await fetch(`${gateway.url}/api/transact.php`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ security_key: SECURITY_KEY, ...fields }),
	});
	return Object.fromEntries(new URLSearchParams(await response.text()));
}

const sale = (gateway, orderid, amount, extra = {}) =>
	transact(gateway, {
		type: 'sale',
		amount,
		orderid,
		payment_token: gateway.createToken({ ccnumber: '4111111111111111' }),
		merchant_defined_field_1: 'cust-1',
		...extra,
	});

/** A date shifted back by whole days, in the gateway's YYYYMMDDhhmmss. */
const daysBack = (days) => (date) => {
	const at = new Date(
		Date.UTC(
			+date.slice(0, 4),
			+date.slice(4, 6) - 1,
			+date.slice(6, 8),
			+date.slice(8, 10),
			+date.slice(10, 12),
		),
	);
	at.setUTCDate(at.getUTCDate() - days);
	return at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
};

const window = () => ({
	resource: 'transaction',
	operation: 'findChanged',
	changedFrom: new Date(Date.now() - 3_600_000).toISOString(),
	changedTo: new Date(Date.now() + 60_000).toISOString(),
});

test.each(['both', 'transaction', 'action'])(
	'refunds told as %s: sales, a partial and a full refund of old sales, a void; each payment once, as the books take it, not live in test mode',
	async (refundShape) => {
		await withGateway({ refundShape }, async (gateway) => {
			const paidToday = await sale(gateway, 'inv-new', '25.00');
			const partly = await sale(gateway, 'inv-partly', '100.00');
			const wholly = await sale(gateway, 'inv-wholly', '40.00', { surcharge: '1.20' });
			const settledToday = await sale(gateway, 'inv-settled', '10.00');
			gateway.settle();
			// the two refunded sales were made (and settled) ten days ago
			gateway.ageTransaction(partly.transactionid, daysBack(10));
			gateway.ageTransaction(wholly.transactionid, daysBack(10));
			const oldUntouched = await sale(gateway, 'inv-old', '5.00');
			gateway.ageTransaction(oldUntouched.transactionid, daysBack(10));
			await transact(gateway, {
				type: 'refund',
				transactionid: partly.transactionid,
				amount: '30.00',
			});
			await transact(gateway, { type: 'refund', transactionid: wholly.transactionid });
			const unsettled = await sale(gateway, 'inv-void', '10.00');
			await transact(gateway, { type: 'void', transactionid: unsettled.transactionid });

			const result = await run(gateway, window());
			expect(result.error).toBeUndefined();
			const records = result.output('360');
			const byInvoice = Object.fromEntries(records.map((r) => [r.invoiceId, r]));
			expect(records.map((r) => r.paymentId).sort()).toEqual(
				[
					paidToday.transactionid,
					partly.transactionid,
					wholly.transactionid,
					settledToday.transactionid,
					unsettled.transactionid,
				].sort(),
			);
			expect(byInvoice['inv-old']).toBeUndefined();
			expect(byInvoice['inv-new']).toMatchObject({
				provider: 'gateway360',
				status: 'succeeded',
				customer: { booksId: 'cust-1' },
				total: { amount: '25.00', currency: 'usd' },
				refund: null,
				livemode: false,
			});
			expect(byInvoice['inv-partly']).toMatchObject({
				paymentId: partly.transactionid,
				status: 'succeeded',
				refund: { amountRefunded: { amount: '30.00' }, amountKept: { amount: '70.00' } },
			});
			expect(byInvoice['inv-wholly']).toMatchObject({
				status: 'refunded',
				amount: { amount: '38.80' },
				fee: { amount: '1.20' },
				refund: { amountRefunded: { amount: '40.00' }, amountKept: { amount: '0.00' } },
			});
			expect(records.find((r) => r.paymentId === unsettled.transactionid)).toMatchObject({
				status: 'canceled',
			});
			expect(records.every((r) => r.livemode === false && !('chargeback' in r))).toBe(true);
		});
	},
);

test('a chargeback of an old sale: money back to the books, flagged as a chargeback', async () => {
	await withGateway({}, async (gateway) => {
		const disputed = await sale(gateway, 'inv-disputed', '80.00');
		gateway.settle();
		gateway.ageTransaction(disputed.transactionid, daysBack(20));
		gateway.chargeBack(disputed.transactionid);
		const [record] = (await run(gateway, window())).output('360');
		expect(record).toMatchObject({
			paymentId: disputed.transactionid,
			invoiceId: 'inv-disputed',
			status: 'refunded',
			refund: { amountRefunded: { amount: '80.00' }, amountKept: { amount: '0.00' } },
			chargeback: { amount: { amount: '80.00', currency: 'usd' } },
		});
	});
});

test('a live account: livemode true', async () => {
	await withGateway({ testMode: false }, async (gateway) => {
		await sale(gateway, 'inv-live', '12.00');
		const [record] = (await run(gateway, window())).output('360');
		expect(record).toMatchObject({ invoiceId: 'inv-live', livemode: true });
	});
});

test('a window ending before it starts is refused before any request, naming the parameter', async () => {
	await withGateway({}, async (gateway) => {
		const result = await run(gateway, {
			...window(),
			changedFrom: '2026-02-01T00:00:00Z',
			changedTo: '2026-01-01T00:00:00Z',
		});
		expect(result.error.message).toBe(
			'Item 0: invalid "Changed To": The end of the range is before its start',
		);
		expect(gateway.requests).toHaveLength(0);
	});
});

// @ts-check
// The fake gateway as NMI documents the points the adapter relies on: query.php's date window
// is the last-modified date, refunds are transactions of their own with a negative amount, test
// mode declines amounts under 1.00, and webhooks say test mode and the refund's own id.
import { Gateway360Transport } from '../../nodes/core/gateway360/transport';
import {
	currentGatewayTransaction,
	normaliseGateway360Event,
} from '../../nodes/core/webhooks/gateway360Event';
import { readTestMode, listTransactions } from '../../nodes/core/gateway360/transactions';
import { startGateway360Server } from './gateway360-server';

const SECURITY_KEY = 'fake-gateway-security-key-0001';

/** A transport to the fake that adds the key as the n8n credential does. */
function transportTo(gateway) {
	return new Gateway360Transport({
		baseUrl: gateway.url,
		sleep: async () => {},
		http: async (request) => {
			const body = request.authenticate
				? `${request.body ? `${request.body}&` : ''}security_key=${SECURITY_KEY}`
				: request.body;
			const response = await fetch(request.url, {
				method: request.method,
				headers: request.headers,
				body,
			});
			return { statusCode: response.status, body: await response.text() };
		},
	});
}

async function sale(gateway, amount, orderid = 'inv-9') {
	const transport = transportTo(gateway);
	const token = gateway.createToken({ ccnumber: '4111111111111111' });
	return await transport.transact({ type: 'sale', amount, payment_token: token, orderid });
}

/** Moves every action of the fake's transactions back by `days` (a sale made days ago). */
function age(gateway, days) {
	const shift = (date) => {
		const at = new Date(
			Date.UTC(+date.slice(0, 4), +date.slice(4, 6) - 1, +date.slice(6, 8), +date.slice(8, 10)),
		);
		at.setUTCDate(at.getUTCDate() - days);
		return at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
	};
	return shift;
}

/** @type {Array<'both' | 'transaction' | 'action'>} */
const SHAPES = ['both', 'transaction', 'action'];

describe.each(SHAPES)('refunds told as %s', (refundShape) => {
	let gateway;
	beforeAll(async () => {
		gateway = await startGateway360Server({ securityKeys: [SECURITY_KEY], refundShape });
	});
	afterAll(() => gateway.close());

	test("a sale refunded today is in today's window, refunded, whatever its creation date", async () => {
		const made = await sale(gateway, '40.00', `inv-${refundShape}`);
		gateway.settle();
		// the sale and its settlement happened ten days ago
		const shift = age(gateway, 10);
		const stored = gateway.transactions().find((t) => t.transactionId === made.transactionId);
		expect(stored).toBeDefined();
		gateway.ageTransaction(made.transactionId, shift);
		const transport = transportTo(gateway);
		const refund = await transport.transact({
			type: 'refund',
			transactionid: made.transactionId ?? '',
			amount: '15.00',
		});
		expect(refund.response).toBe(1);
		const today = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 8);
		const found = await listTransactions(transport, {
			startDate: `${today}000000`,
			endDate: `${today}235959`,
		});
		if (refundShape === 'transaction') {
			// only the refund was modified today; it names its sale
			expect(found.map((t) => [t.transactionId, t.originalTransactionId])).toEqual([
				[refund.transactionId, made.transactionId],
			]);
			expect(found[0].actions[0]).toMatchObject({ actionType: 'refund', amount: '-15.00' });
		} else {
			const payment = found.find((t) => t.transactionId === made.transactionId);
			expect(payment?.actions.filter((a) => a.actionType === 'refund')).toHaveLength(1);
			expect(payment?.actions.at(-1)).toMatchObject({ actionType: 'refund', amount: '15.00' });
		}
		// ten days ago the sale was made; a sale modified since (its refund on the sale) is no
		// longer in that window, a sale whose refund is only a transaction of its own still is
		const then = shift(`${today}120000`).slice(0, 8);
		const before = await listTransactions(transport, {
			startDate: `${then}000000`,
			endDate: `${then}235959`,
		});
		expect(before.map((t) => t.transactionId).includes(made.transactionId ?? '')).toBe(
			refundShape === 'transaction',
		);
	});
});

describe('test mode', () => {
	test('approves every valid card and declines amounts under 1.00', async () => {
		const gateway = await startGateway360Server({ securityKeys: [SECURITY_KEY] });
		try {
			expect(await sale(gateway, '0.99')).toMatchObject({
				response: 2,
				responseCode: '200',
				responseText: 'DECLINE',
			});
			expect(await sale(gateway, '1.00')).toMatchObject({ response: 1, responseCode: '100' });
			expect(await readTestMode(transportTo(gateway))).toBe(true);
		} finally {
			await gateway.close();
		}
	});

	test('a live account charges 0.99 and says test mode is disabled', async () => {
		const gateway = await startGateway360Server({ securityKeys: [SECURITY_KEY], testMode: false });
		try {
			expect(await sale(gateway, '0.99')).toMatchObject({ response: 1 });
			expect(await readTestMode(transportTo(gateway))).toBe(false);
		} finally {
			await gateway.close();
		}
	});
});

test("a refund's webhook names the refund's own transaction and test mode; re-read, the record is the sale's, refunded, not live", async () => {
	const gateway = await startGateway360Server({
		securityKeys: [SECURITY_KEY],
		refundShape: 'transaction',
	});
	try {
		const made = await sale(gateway, '30.00', 'inv-hook');
		gateway.settle();
		const transport = transportTo(gateway);
		const refund = await transport.transact({
			type: 'refund',
			transactionid: made.transactionId ?? '',
		});
		const event = gateway.webhooks.events.find(
			(e) => e.event_type === 'transaction.refund.success',
		);
		expect(event.event_body.transaction_id).toBe(refund.transactionId);
		expect(event.event_body.transaction_id).not.toBe(made.transactionId);
		expect(event.event_body.features).toEqual({ is_test_mode: true });

		const current = await currentGatewayTransaction(transport, refund.transactionId ?? '');
		expect(current?.transactionId).toBe(made.transactionId);
		const told = normaliseGateway360Event(event, { currentTransaction: current });
		expect(told.events[0]).toMatchObject({
			paymentId: made.transactionId,
			invoiceId: 'inv-hook',
			status: 'refunded',
			livemode: false,
			refund: { amountRefunded: { amount: '30.00' }, amountKept: { amount: '0.00' } },
		});
		// the body alone (no re-read): livemode false too
		const bodyOnly = normaliseGateway360Event(
			gateway.webhooks.events.find((e) => e.event_type === 'transaction.sale.success'),
		);
		expect(bodyOnly.events[0].livemode).toBe(false);
	} finally {
		await gateway.close();
	}
});

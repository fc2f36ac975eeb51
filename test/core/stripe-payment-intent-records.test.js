import { readFileSync } from 'node:fs';
import path from 'node:path';

import { encodeInvoiceMetadata } from '../../nodes/core/invoiceMetadata';
import { PAYMENT_STATUSES, blocksNewCharge } from '../../nodes/core/paymentRecord';
import {
	paymentRecordsFromIntent,
	refundsByInvoice,
} from '../../nodes/core/stripe/paymentIntentRecords';

const fixtures = JSON.parse(
	readFileSync(path.resolve(__dirname, '../../../shared/stripe/fixtures3.json'), 'utf8'),
).resources;

const LINES = [
	{ invoiceId: 'INV-1', amountMinor: 10000, feeMinor: 300 },
	{ invoiceId: 'INV-2', amountMinor: 2550, feeMinor: 77 },
	{ invoiceId: 'INV-3', amountMinor: 99, feeMinor: 3 },
];
const COMBINED_TOTAL = 13029;

/** Stripe's sample PaymentIntent, succeeded, with `latest_charge` expanded and `refunded` of it back. */
function intent({ lines = [LINES[0]], refunded = 0, expanded = true, status = 'succeeded' } = {}) {
	const amount = lines.reduce((sum, line) => sum + line.amountMinor + line.feeMinor, 0);
	const charge = {
		...fixtures.charge,
		id: 'ch_1',
		amount,
		amount_captured: amount,
		amount_refunded: refunded,
		refunded: refunded === amount,
		status: 'succeeded',
	};
	return {
		...fixtures.payment_intent,
		id: 'pi_1',
		status,
		amount,
		amount_received: amount,
		currency: 'usd',
		customer: 'cus_1',
		payment_method: 'pm_1',
		last_payment_error: null,
		next_action: null,
		latest_charge: expanded ? charge : 'ch_1',
		metadata: encodeInvoiceMetadata(lines, { books_customer_id: 'C-1' }),
	};
}

const summary = (records) =>
	records.map((record) => [
		record.invoiceId,
		record.status,
		record.refund && record.refund.amountRefunded.minor,
		record.refund && record.refund.amountKept.minor,
	]);

describe('payment records from a PaymentIntent: refunds', () => {
	test('refunded is one of the statuses, and does not block paying the invoice again', () => {
		expect(PAYMENT_STATUSES).toContain('refunded');
		expect(blocksNewCharge('refunded')).toBe(false);
		expect(blocksNewCharge('succeeded')).toBe(true);
	});

	test('nothing refunded: succeeded, refund null', () => {
		expect(summary(paymentRecordsFromIntent(intent()))).toEqual([
			['INV-1', 'succeeded', null, null],
		]);
	});

	test('a full refund: refunded, all of the total back, nothing kept', () => {
		const [record] = paymentRecordsFromIntent(intent({ refunded: 10300 }));
		expect(record).toMatchObject({
			status: 'refunded',
			total: { minor: 10300 },
			refund: {
				amountRefunded: { amount: '103.00', minor: 10300, currency: 'usd', display: '$103.00' },
				amountKept: { amount: '0.00', minor: 0, currency: 'usd' },
			},
		});
	});

	test('a partial refund: still succeeded, with what went back and what is kept', () => {
		const [record] = paymentRecordsFromIntent(intent({ refunded: 2500 }));
		expect(record).toMatchObject({
			status: 'succeeded',
			refund: { amountRefunded: { amount: '25.00' }, amountKept: { amount: '78.00', minor: 7800 } },
		});
	});

	test('the charge not expanded: the refund is not known, so the record says nothing of it', () => {
		expect(summary(paymentRecordsFromIntent(intent({ refunded: 10300, expanded: false })))).toEqual(
			[['INV-1', 'succeeded', null, null]],
		);
	});

	test('a payment that did not succeed has no refund, whatever its charge says', () => {
		const canceled = intent({ refunded: 10300, status: 'canceled' });
		expect(summary(paymentRecordsFromIntent(canceled))).toEqual([
			['INV-1', 'canceled', null, null],
		]);
	});

	test('a combined payment: the refund goes to its invoices in metadata order', () => {
		const records = paymentRecordsFromIntent(intent({ lines: LINES, refunded: 10400 }));
		expect(summary(records)).toEqual([
			['INV-1', 'refunded', 10300, 0],
			['INV-2', 'succeeded', 100, 2527],
			['INV-3', 'succeeded', null, null],
		]);
		expect(records.every((record) => record.combinedPaymentId === 'pi_1')).toBe(true);
		const full = paymentRecordsFromIntent(intent({ lines: LINES, refunded: COMBINED_TOTAL }));
		expect(full.map((record) => record.status)).toEqual(['refunded', 'refunded', 'refunded']);
	});
});

describe('refundsByInvoice', () => {
	const state = (refunded, full = false) => ({
		amountRefundedMinor: refunded,
		amountCapturedMinor: COMBINED_TOTAL,
		full,
	});

	test('every amount from nothing to all: shares in order, never more than a share, sums kept', () => {
		for (let refunded = 0; refunded <= COMBINED_TOTAL; refunded += 31) {
			const split = refundsByInvoice(LINES, state(refunded));
			expect(split.reduce((sum, entry) => sum + entry.refundedMinor, 0)).toBe(refunded);
			split.forEach((entry, index) => {
				const share = LINES[index].amountMinor + LINES[index].feeMinor;
				expect(entry.refundedMinor + entry.keptMinor).toBe(share);
				expect(entry.full).toBe(entry.keptMinor === 0);
				// a later invoice gets something only once every earlier one is refunded in full
				if (entry.refundedMinor > 0)
					expect(split.slice(0, index).every((earlier) => earlier.full)).toBe(true);
			});
		}
	});

	test('Stripe says the charge is refunded in full: every share is, whatever the lines sum to', () => {
		const split = refundsByInvoice(LINES, {
			amountRefundedMinor: 5000,
			amountCapturedMinor: 5000,
			full: true,
		});
		expect(split.map((entry) => entry.full)).toEqual([true, true, true]);
	});
});

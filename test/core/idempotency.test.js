import { operationIdempotencyKey, paymentIdempotencyKey } from '../../nodes/core/idempotency';

const attempt = {
	provider: 'stripe',
	purpose: 'autopay',
	invoiceIds: ['INV-2', 'INV-1'],
	amountMinor: 12500,
	currency: 'usd',
	day: '2026-11-23',
};

describe('paymentIdempotencyKey', () => {
	test('the same attempt on the same day gives the same key, whatever the invoice order', () => {
		const key = paymentIdempotencyKey(attempt);
		expect(paymentIdempotencyKey({ ...attempt, invoiceIds: ['INV-1', 'INV-2'] })).toBe(key);
		expect(paymentIdempotencyKey({ ...attempt, currency: 'USD' })).toBe(key);
		expect(key).toMatch(/^invpay-autopay-2026-11-23-[0-9a-f]{40}$/);
	});

	test.each([
		['another day', { day: '2026-11-24' }],
		['another amount', { amountMinor: 12501 }],
		['another currency', { currency: 'eur' }],
		['another invoice set', { invoiceIds: ['INV-1'] }],
		['another purpose', { purpose: 'manual' }],
		['another payment method', { paymentMethod: 'pm_123' }],
		['another provider', { provider: 'gateway360' }],
	])('%s gives another key', (_, change) => {
		expect(paymentIdempotencyKey({ ...attempt, ...change })).not.toBe(paymentIdempotencyKey(attempt));
	});

	test('stays under 255 characters for 5,000 invoices', () => {
		const invoiceIds = Array.from({ length: 5000 }, (_, i) => `INVOICE-${i}`);
		expect(paymentIdempotencyKey({ ...attempt, invoiceIds }).length).toBeLessThan(80);
	});

	test('refuses an empty invoice list and a malformed day', () => {
		expect(() => paymentIdempotencyKey({ ...attempt, invoiceIds: [] })).toThrow(
			expect.objectContaining({ field: 'invoiceId' }),
		);
		expect(() => paymentIdempotencyKey({ ...attempt, day: '23/11/2026' })).toThrow(
			'Day "23/11/2026" is not a YYYY-MM-DD date',
		);
	});
});

test('operationIdempotencyKey is deterministic per operation and parts', () => {
	expect(operationIdempotencyKey('create-customer', 'C-1')).toBe(
		operationIdempotencyKey('create-customer', 'C-1'),
	);
	expect(operationIdempotencyKey('create-customer', 'C-1')).not.toBe(
		operationIdempotencyKey('create-customer', 'C-2'),
	);
});

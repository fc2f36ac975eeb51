// @ts-check
import {
	idempotencyKeyDay,
	operationIdempotencyKey,
	paymentIdempotencyKey,
	paymentIdempotencyKeys,
} from '../../../nodes/core/payments/idempotency';

/** @typedef {import('../../../nodes/core/payments/idempotency').PaymentAttempt} PaymentAttempt */
/** @typedef {Parameters<typeof paymentIdempotencyKeys>[0]} SharedAttempt */

/** @type {PaymentAttempt} */
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

	test.each(
		/** @type {Array<[string, Partial<PaymentAttempt>]>} */ ([
			['another day', { day: '2026-11-24' }],
			['another amount', { amountMinor: 12501 }],
			['another currency', { currency: 'eur' }],
			['another invoice set', { invoiceIds: ['INV-1'] }],
			['another purpose', { purpose: 'manual' }],
			['another payment method', { paymentMethod: 'pm_123' }],
			['another provider', { provider: 'gateway360' }],
		]),
	)('%s gives another key', (_, change) => {
		expect(paymentIdempotencyKey({ ...attempt, ...change })).not.toBe(
			paymentIdempotencyKey(attempt),
		);
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

describe('idempotencyKeyDay (the day a key was made for)', () => {
	test("a payment key's own day, for its purpose only", () => {
		const key = paymentIdempotencyKey(attempt);
		expect(idempotencyKeyDay(key, 'autopay')).toBe('2026-11-23');
		expect(idempotencyKeyDay(key, 'manual')).toBeNull();
		const manual = paymentIdempotencyKey({ ...attempt, purpose: 'manual', day: '2026-12-01' });
		expect(idempotencyKeyDay(manual, 'manual')).toBe('2026-12-01');
	});

	test.each([
		null,
		undefined,
		42,
		'',
		'invpay-autopay-',
		'someone-elses-key',
		'invpay-autopay-2026-1-2-x',
	])('%j is no key of ours: null', (key) => {
		expect(idempotencyKeyDay(key, 'autopay')).toBeNull();
	});
});

describe('keys stay the same from release to release', () => {
	// A changed key would let a retry after an upgrade charge again: these values are pinned.
	// prettier-ignore
	test.each(/** @type {Array<[PaymentAttempt, string]>} */ ([
		[{ provider: 'stripe', purpose: 'autopay', invoiceIds: ['INV-1'], amountMinor: 12500, currency: 'usd', day: '2026-11-23' }, 'invpay-autopay-2026-11-23-5e2076c5036ca75e01dfee7870a4530645093d5c'],
		[{ provider: 'stripe', purpose: 'manual', invoiceIds: ['INV-2', 'INV-1', 'A"\\b', 'é\u2028\ud800'], amountMinor: 1, currency: 'EUR', day: '2026-01-01', paymentMethod: 'pm_1' }, 'invpay-manual-2026-01-01-b7797ab89119b17c261fad1dde74a22a282423eb'],
		[{ provider: 'gateway360', purpose: 'paylink', invoiceIds: ['Z', 'a', '10', '9'], amountMinor: 99999999, currency: 'Jpy', day: '1999-12-31' }, 'invpay-paylink-1999-12-31-43cc7575c23c70f01b93098a913e41cc50c8f62b'],
	]))('%j', (pinned, key) => {
		expect(paymentIdempotencyKey(pinned)).toBe(key);
	});

	test('operation keys', () => {
		expect(operationIdempotencyKey('create-customer', 'C-1', 5)).toBe(
			'invpay-create-customer-6886734ee39ec108c60b3afd98432a4ad9f37e7c',
		);
	});
});

describe('paymentIdempotencyKeys (the keys of one run)', () => {
	/** @type {SharedAttempt} */
	const shared = { provider: 'stripe', purpose: 'autopay', day: '2026-11-23' };

	// any[]: the ids include a number ([7]) on purpose
	// prettier-ignore
	test.each(/** @type {Array<[any[], number, string]>} */ ([
		[['INV-1'], 12500, 'usd'],
		[['INV-1'], 12500, 'USD'],
		[['INV-1'], 12501, 'usd'],
		[['INV-"1"\\'], 5, 'eur'],
		[['é\u2028\ud800'], 0, 'jpy'],
		[['INV-2', 'INV-1'], 99999999, 'kwd'],
		[[7], 1e21, 'usd'],
		[['INV-1'], Number.NaN, 'usd'],
		[['INV-1'], -0, 'usd'],
	]))('%j %p %s: the same key as paymentIdempotencyKey', (invoiceIds, amountMinor, currency) => {
		const keyFor = paymentIdempotencyKeys(shared);
		const expected = paymentIdempotencyKey({ ...shared, invoiceIds, amountMinor, currency });
		expect(keyFor(invoiceIds, amountMinor, currency)).toBe(expected);
		// and again, from what the first call wrote once
		expect(keyFor(invoiceIds, amountMinor, currency)).toBe(expected);
	});

	test('with a payment method, and for another purpose and provider', () => {
		/** @type {SharedAttempt} */
		const other = {
			provider: 'gateway360',
			purpose: 'manual',
			day: '2026-01-02',
			paymentMethod: 'pm_9',
		};
		expect(paymentIdempotencyKeys(other)(['B', 'A'], 300, 'gbp')).toBe(
			paymentIdempotencyKey({
				...other,
				invoiceIds: ['A', 'B'],
				amountMinor: 300,
				currency: 'GBP',
			}),
		);
	});

	test('the same errors, when a key is asked for', () => {
		expect(() => paymentIdempotencyKeys(shared)([], 100, 'usd')).toThrow(
			expect.objectContaining({ field: 'invoiceId' }),
		);
		const badDay = paymentIdempotencyKeys({ ...shared, day: '23/11/2026' });
		expect(() => badDay(['INV-1'], 100, 'usd')).toThrow(
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

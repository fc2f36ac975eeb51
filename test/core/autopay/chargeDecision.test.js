// @ts-check
import { readScannedCharge } from '../../../nodes/core/autopay/chargeDecision';
import { isCoreInputError } from '../../../nodes/core/errors';

/** A charge decision as the Auto-Pay Scan (Check Stripe on) outputs it. */
const decision = (overrides = {}) => ({
	action: 'charge',
	invoiceId: 'INV-7',
	customerId: 'C-7',
	amountMinor: 12500,
	amount: '125.00',
	currency: 'usd',
	stripeCustomerId: 'cus_7',
	stripeCustomerEmail: 'ap@example.com',
	paymentMethod: { id: 'pm_1', label: 'Visa •••• 4242', type: 'card' },
	idempotencyKey: 'invpay-autopay-2026-11-23-0123456789abcdef0123456789abcdef01234567',
	...overrides,
});

describe('readScannedCharge: how the money is asked for', () => {
	test('a decision that says nothing is charged off-session on its automatic method', () => {
		expect(readScannedCharge(decision())).toMatchObject({
			howToPay: 'automatic',
			paymentMethod: { id: 'pm_1', label: 'Visa •••• 4242' },
		});
	});

	test('a decision the customer must pay themselves asks on a page', () => {
		expect(readScannedCharge(decision({ howToPay: 'payLink' }))).toMatchObject({
			howToPay: 'payLink',
		});
	});

	test.each(['offSession', '', 42])('howToPay %j is refused, naming the decision', (howToPay) => {
		let caught;
		try {
			readScannedCharge(decision({ howToPay }));
		} catch (error) {
			caught = error;
		}
		expect(isCoreInputError(caught)).toBe(true);
		const error = /** @type {import('../../../nodes/core/errors').CoreInputError} */ (caught);
		expect(error.field).toBe('autoPayDecision');
		expect(error.message).toBe(
			`invoice INV-7 has howToPay ${JSON.stringify(howToPay)}: a scan decides "automatic" or "payLink"`,
		);
	});
});

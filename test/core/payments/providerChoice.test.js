// @ts-check
import {
	chooseOnlinePaymentProvider,
	connectionFlag,
} from '../../../nodes/core/payments/providerChoice';

describe('one online payment provider at a time', () => {
	test.each([
		[true, true, 'gateway360', true, 'stripe'],
		[true, false, 'gateway360', true, null],
		[false, true, 'stripe', true, null],
		[false, false, 'none', false, null],
	])(
		'360 connected %p, Stripe connected %p -> %s',
		(gateway360Connected, stripeConnected, provider, offered, ignored) => {
			const choice = chooseOnlinePaymentProvider({ gateway360Connected, stripeConnected });
			expect(choice).toMatchObject({
				onlinePaymentProvider: provider,
				payNowOffered: offered,
				ignoredProvider: ignored,
			});
			expect(choice.reason).toBeTruthy();
		},
	);

	test('both connected: the reason says 360 Payments takes priority', () => {
		expect(
			chooseOnlinePaymentProvider({ gateway360Connected: true, stripeConnected: true }).reason,
		).toMatch(/360 Payments is connected and takes priority over Stripe/);
	});
});

test.each([
	[true, true],
	[false, false],
	['true', true],
	[' TRUE ', true],
	['yes', true],
	['1', true],
	[1, true],
	['false', false],
	['0', false],
	['', false],
	['connected', false],
	[null, false],
	[undefined, false],
	[0, false],
])('connectionFlag(%p) is %p: online payment only on a clear yes', (value, flag) => {
	expect(connectionFlag(value)).toBe(flag);
});

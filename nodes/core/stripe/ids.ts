import { CoreInputError } from '../errors';

/** The form of a Stripe id with this prefix, as a regular expression's source (for the editor too). */
export function stripeIdPattern(prefix: string): string {
	return `^${prefix}_[A-Za-z0-9_]+$`;
}

function checker(prefix: string, noun: string) {
	const pattern = new RegExp(stripeIdPattern(prefix));
	return (value: unknown, field: string): string => {
		const id = String(value ?? '').trim();
		if (!pattern.test(id)) {
			throw new CoreInputError(field, `"${id}" is not a Stripe ${noun} ID (${prefix}_...)`);
		}
		return id;
	};
}

/** Stripe ids checked before they go into a request path. */
export const assertCustomerId = checker('cus', 'customer');
export const assertPaymentIntentId = checker('pi', 'PaymentIntent');
export const assertPaymentMethodId = checker('pm', 'payment method');

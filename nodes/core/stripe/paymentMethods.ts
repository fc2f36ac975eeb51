import type Stripe from 'stripe';

import { CoreInputError } from '../errors';
import { notFoundAsInputError } from './errors';
import { assertPaymentMethodId } from './ids';
import type { StripeTransport } from './transport';

/** Checks a payment method is of an allowed type; the field names where it came from. */
export function assertAllowedType(
	method: Stripe.PaymentMethod,
	allowedTypes: string[],
	field: string,
	allowedWhat = 'allowed here',
): void {
	if (!allowedTypes.includes(method.type)) {
		throw new CoreInputError(
			field,
			`Payment method ${method.id} is of type "${method.type}", which is not ${allowedWhat} (allowed: ${allowedTypes.join(', ')})`,
		);
	}
}

/** A payment method given by id that must exist, belong to the customer and be of an allowed type. */
export async function requireAttachedMethod(
	transport: StripeTransport,
	paymentMethodId: unknown,
	customerId: string,
	allowedTypes: string[],
	field = 'paymentMethodId',
): Promise<Stripe.PaymentMethod> {
	const id = assertPaymentMethodId(paymentMethodId, field);
	const method = await transport
		.request<Stripe.PaymentMethod>('GET', `/v1/payment_methods/${id}`)
		.catch(notFoundAsInputError(field, `Payment method ${id} does not exist`));
	const owner = typeof method.customer === 'string' ? method.customer : method.customer?.id;
	if (owner !== customerId) {
		throw new CoreInputError(
			field,
			`Payment method ${id} is not attached to customer ${customerId}`,
		);
	}
	assertAllowedType(method, allowedTypes, field);
	return method;
}

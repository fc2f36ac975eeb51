import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_GUARD_LOOKBACK_DAYS } from '../../../core/defaults';
import { byVersion, paymentLocator, paymentMethodLocator } from '../../../shared/stripePickers';

export const howToPayField: INodeProperties = {
	displayName: 'How to Pay',
	name: 'howToPay',
	type: 'options',
	default: 'automatic',
	options: [
		{
			name: "Customer's Automatic Payment Method",
			value: 'automatic',
			description:
				"Charge the customer's automatic payment method now, without the customer present",
		},
		{
			name: 'A Saved Payment Method',
			value: 'savedMethod',
			description: 'Charge a payment method attached to the customer',
		},
		{
			name: 'Pay Link',
			value: 'payLink',
			description: 'Return a Stripe Checkout link where the customer pays with new details',
		},
	],
};

/**
 * A payment method parameter: an ID text field in version 1, a picker from version 2 (the same
 * name, so each version reads what it stored).
 */
export function paymentMethodPicker(
	which: string,
	displayOptions?: INodeProperties['displayOptions'],
): INodeProperties[] {
	return byVersion(
		{
			displayName: 'Payment Method ID',
			name: 'paymentMethodId',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. pm_1Nq...',
			description: `A payment method attached to the customer, of ${which}`,
			displayOptions,
		},
		paymentMethodLocator({
			displayName: 'Payment Method',
			name: 'paymentMethodId',
			description: `One of the customer's saved payment methods, of ${which}: pick it from the list or enter its ID`,
			displayOptions,
		}),
	);
}

/** The saved payment method to charge. */
export const paymentMethodIdFields = paymentMethodPicker('an allowed type', {
	show: { howToPay: ['savedMethod'] },
});

/**
 * A payment (PaymentIntent) parameter: an ID text field in version 1, a picker from version 2.
 * `what` completes "The Stripe PaymentIntent ID of the payment..." and "The payment...".
 */
export function paymentPicker(
	what: string,
	displayOptions?: INodeProperties['displayOptions'],
): INodeProperties[] {
	return byVersion(
		{
			displayName: 'Payment ID',
			name: 'paymentId',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. pi_3Nq...',
			description: `The Stripe PaymentIntent ID of the payment${what}`,
			displayOptions,
		},
		paymentLocator({
			displayName: 'Payment',
			name: 'paymentId',
			description: `The payment${what}: pick it from the list or enter its ID`,
			displayOptions,
		}),
	);
}

export const paymentOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Allow Partial Payment',
			name: 'allowPartialPayment',
			type: 'boolean',
			default: false,
			description:
				'Whether an amount below the invoice balance may be paid (full payments only otherwise)',
		},
		{
			displayName: 'Cancel URL',
			name: 'cancelUrl',
			type: 'string',
			default: '',
			description: 'Where Checkout sends a customer who leaves a pay link without paying',
		},
		{
			displayName: 'Description',
			name: 'description',
			type: 'string',
			default: '',
			description:
				'Shown on the payment in Stripe and on the receipt; default "Invoice" and the invoice ID',
		},
		{
			displayName: 'Guard Lookback (Days)',
			name: 'guardLookbackDays',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_GUARD_LOOKBACK_DAYS,
			description:
				"How far back the customer's payments are read to find one already made, processing or waiting for this invoice",
		},
		{
			displayName: 'Idempotency Key',
			name: 'idempotencyKey',
			type: 'string',
			default: '',
			description:
				"Empty derives it from the invoice, amount, currency and today's date in the business time zone, so a re-run the same day cannot charge twice. Auto-Pay Scan outputs one.",
		},
		{
			displayName: 'Purpose',
			name: 'purpose',
			type: 'options',
			default: 'manual',
			options: [
				{ name: 'Manual (Agent or Customer)', value: 'manual' },
				{ name: 'Auto-Pay', value: 'autopay' },
			],
			description:
				'Auto-pay may use every imported payment method type; manual payments only the allowed manual types',
		},
		{
			displayName: 'Receipt Email',
			name: 'receiptEmail',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
			description: "Where Stripe's receipt goes; empty uses the Stripe customer's email",
			displayOptions: { show: { useStripeReceiptEmails: [true] } },
		},
		{
			displayName: 'Success URL',
			name: 'successUrl',
			type: 'string',
			default: '',
			description: 'Where Checkout sends the customer after paying through a pay link',
		},
		{
			displayName: 'Use Stripe Receipt Emails',
			name: 'useStripeReceiptEmails',
			type: 'boolean',
			default: false,
			description: 'Whether Stripe emails its own receipt for the payment',
		},
	],
};

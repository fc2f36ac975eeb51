import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import type Stripe from 'stripe';

import { BusinessCalendar } from '../../../core/autopay/dates';
import {
	checkCardExpiry,
	readCardExpiry,
	readPaymentDays,
} from '../../../core/payments/cardExpiry';
import {
	NO_AUTOMATIC_PAYMENT,
	paymentMethodLabel,
} from '../../../core/payments/paymentMethodLabel';
import type { PaymentMethodLike } from '../../../core/payments/paymentMethodLabel';
import { mapItemsInOrder } from '../../../shared/itemRunner';
import { fieldLabels } from '../../../shared/nodeErrors';
import { textParameter } from '../../../shared/parameters';
import { resolveCustomer } from '../../helpers/customer';
import { customerLocator } from '../customer.description';
import type { OperationContext } from '../node.type';

const properties: INodeProperties[] = [
	customerLocator,
	{
		displayName: 'Payment Days',
		name: 'paymentDays',
		type: 'json',
		default: '[]',
		description:
			"The payment days (due dates, or creation dates when payment is taken on creation) of the customer's open recurring invoices, as a list: the earliest is the next due day (today once it has passed)",
	},
	{
		displayName: 'As Of',
		name: 'asOf',
		type: 'string',
		default: '',
		placeholder: 'e.g. 2026-12-01',
		description:
			'The day of the check, in the Business Time Zone of Options for All Operations; empty: now. Set it to try the check as of another day.',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['paymentMethod'], operation: ['checkCardExpiry'] } },
	properties,
);

const labels = fieldLabels(properties);

/**
 * Pre-dunning: the customer's automatic payment method and, for a card, whether it expires before
 * their next due day (docs/recovery.md, "Before it fails"). One read of the customer per item.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ settings, customerLookup, reads }: OperationContext,
): Promise<INodeExecutionData[]> {
	const calendar = new BusinessCalendar(settings.timeZone);
	const nowMs = Date.now();
	return await mapItemsInOrder(
		this,
		items.length,
		settings.concurrency,
		async (itemIndex) => {
			const asOf = textParameter(this, 'asOf', itemIndex);
			const today = asOf === '' ? calendar.dateOf(nowMs, 'asOf') : calendar.dateOf(asOf, 'asOf');
			const paymentDays = readPaymentDays(this.getNodeParameter('paymentDays', itemIndex, [])).map(
				(day) => calendar.dateOf(day, 'paymentDays'),
			);
			const resolved = await resolveCustomer(this, itemIndex, { customerLookup, reads, settings });
			const customer = await reads.customer(resolved.stripe.id);
			const method = customer.invoice_settings
				?.default_payment_method as Stripe.PaymentMethod | null;
			const usable =
				method && settings.importedPaymentMethodTypes.includes(method.type) ? method : null;
			const card = readCardExpiry(usable?.type === 'card' ? usable.card : null);
			const check = card ? checkCardExpiry(card, paymentDays, today) : null;
			return [
				{
					json: {
						customerId: customer.id,
						booksCustomerId: resolved.booksCustomerId,
						hasAutomaticPaymentMethod: usable !== null,
						paymentMethodId: usable?.id ?? null,
						type: usable?.type ?? null,
						label: usable
							? paymentMethodLabel(usable as unknown as PaymentMethodLike)
							: NO_AUTOMATIC_PAYMENT,
						card,
						asOf: today,
						goodThrough: check?.goodThrough ?? null,
						nextDueDay: check?.nextDueDay ?? null,
						expiresBeforeNextDueDay: check?.expiresBeforeNextDueDay ?? false,
					},
					pairedItem: { item: itemIndex },
				},
			];
		},
		labels,
	);
}

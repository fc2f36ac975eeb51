import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { businessDate } from '../../../core/autopay/dates';
import { parseFeePercent } from '../../../core/fee';
import { paymentIdempotencyKey } from '../../../core/idempotency';
import { currencyRules, parseAmount } from '../../../core/money';
import { payInvoices } from '../../../core/stripe/payInvoices';
import type { HowToPay } from '../../../core/stripe/payInvoices';
import { mapItemsInOrder } from '../../../shared/itemRunner';
import { resolveCustomer } from '../../helpers/customer';
import { currencyField, feePercentField, invoiceIdField } from '../common.descriptions';
import { customerLocator } from '../customer.description';
import type { OperationContext } from '../node.type';
import { howToPayField, paymentMethodIdField, paymentOptions } from './payment.descriptions';

const properties: INodeProperties[] = [
	invoiceIdField,
	customerLocator,
	{
		displayName: 'Invoice Balance',
		name: 'balance',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 1250.00',
		description: 'The open balance of the invoice in the books, as a decimal string',
	},
	{
		displayName: 'Amount',
		name: 'amount',
		type: 'string',
		default: '',
		placeholder: 'e.g. 1250.00',
		description:
			'Amount to pay before the fee; empty pays the balance. Another amount needs "Allow Partial Payment".',
	},
	currencyField,
	feePercentField,
	howToPayField,
	paymentMethodIdField,
	paymentOptions,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['payment'], operation: ['payInvoice'] } },
	properties,
);

export interface PaymentItemOptions {
	description?: string;
	allowPartialPayment?: boolean;
	useStripeReceiptEmails?: boolean;
	receiptEmail?: string;
	idempotencyKey?: string;
	purpose?: 'manual' | 'autopay';
	successUrl?: string;
	cancelUrl?: string;
	guardLookbackDays?: number;
}

export function readHowToPay(context: IExecuteFunctions, itemIndex: number): HowToPay {
	const how = context.getNodeParameter('howToPay', itemIndex) as HowToPay['kind'];
	if (how === 'savedMethod') {
		return {
			kind: 'savedMethod',
			paymentMethodId: String(context.getNodeParameter('paymentMethodId', itemIndex, '')),
		};
	}
	return { kind: how };
}

/** Pays one invoice per item: a charge off-session, a saved method, or a pay link. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ stripe, settings, customerLookup, reads }: OperationContext,
): Promise<INodeExecutionData[]> {
	const nowMs = Date.now();
	const day = businessDate(nowMs, settings.timeZone, 'timeZone');
	return await mapItemsInOrder(this, items.length, settings.concurrency, async (itemIndex) => {
		const options = this.getNodeParameter('options', itemIndex, {}) as PaymentItemOptions;
		const invoiceId = String(this.getNodeParameter('invoiceId', itemIndex, '')).trim();
		const currency = currencyRules(
			String(this.getNodeParameter('currency', itemIndex, '')) || settings.currency,
		).code;
		const balanceMinor = parseAmount(
			this.getNodeParameter('balance', itemIndex, ''),
			currency,
			'balance',
		);
		const amountText = String(this.getNodeParameter('amount', itemIndex, '')).trim();
		const amountMinor = amountText === '' ? balanceMinor : parseAmount(amountText, currency);
		const feeRate = parseFeePercent(this.getNodeParameter('feePercent', itemIndex, '0'));
		const how = readHowToPay(this, itemIndex);
		const purpose = options.purpose ?? 'manual';
		const idempotencyKey =
			options.idempotencyKey?.trim() ||
			paymentIdempotencyKey({
				provider: 'stripe',
				purpose: how.kind === 'payLink' ? 'paylink' : purpose,
				invoiceIds: [invoiceId],
				amountMinor,
				currency,
				day,
				paymentMethod: how.kind === 'savedMethod' ? how.paymentMethodId : undefined,
			});
		const customer = await resolveCustomer(this, itemIndex, { customerLookup, reads, settings });
		const request = {
			invoices: [{ invoiceId, amountMinor, balanceMinor }],
			currency,
			stripeCustomerId: customer.stripe.id,
			booksCustomerId: customer.booksCustomerId,
			feeRate,
			how,
			allowedPaymentMethodTypes:
				how.kind === 'automatic' && purpose === 'autopay'
					? settings.importedPaymentMethodTypes
					: settings.allowedManualPaymentMethodTypes,
			idempotencyKey,
			purpose,
			description: options.description,
			receiptEmail: options.useStripeReceiptEmails
				? options.receiptEmail || customer.stripe.email || null
				: null,
			allowPartialPayment: options.allowPartialPayment,
			checkoutUrls: { successUrl: options.successUrl, cancelUrl: options.cancelUrl },
			guardLookbackDays: options.guardLookbackDays,
			nowSeconds: Math.floor(nowMs / 1000),
		};
		const outcome = await payInvoices(stripe.transport, request, reads);
		return outcome.records.map((record) => ({
			json: { ...record, existingPayment: outcome.existingPayment },
			pairedItem: { item: itemIndex },
		}));
	});
}

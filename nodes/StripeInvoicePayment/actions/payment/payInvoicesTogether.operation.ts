import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { businessDate } from '../../../core/autopay/dates';
import { CoreInputError } from '../../../core/errors';
import { parseFeePercent } from '../../../core/fee';
import { paymentIdempotencyKey } from '../../../core/idempotency';
import { currencyRules, parseAmount } from '../../../core/money';
import { payInvoices, validatePaymentRequest } from '../../../core/stripe/payInvoices';
import type { InvoiceToPay } from '../../../core/stripe/payInvoices';
import { toNodeError } from '../../../shared/nodeErrors';
import { resolveCustomer } from '../../helpers/customer';
import { currencyField, feePercentField, invoiceIdField } from '../common.descriptions';
import { customerLocator } from '../customer.description';
import type { OperationContext } from '../node.type';
import type { PaymentItemOptions } from './payInvoice.operation';
import { readHowToPay } from './payInvoice.operation';
import { howToPayField, paymentMethodIdField, paymentOptions } from './payment.descriptions';

const properties: INodeProperties[] = [
	{
		...invoiceIdField,
		description: 'The invoice ID in the books; one input item per invoice',
	},
	customerLocator,
	{
		displayName: 'Invoice Balance',
		name: 'balance',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 1250.00',
		description: 'The open balance of the invoice in the books; each invoice is paid in full',
	},
	currencyField,
	feePercentField,
	howToPayField,
	paymentMethodIdField,
	paymentOptions,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['payment'], operation: ['payInvoicesTogether'] } },
	properties,
);

interface BatchItem extends InvoiceToPay {
	itemIndex: number;
	customerKey: string;
	currency: string;
}

/**
 * All input items (the invoices of ONE customer, in ONE currency) become one payment; the
 * output is one payment record per invoice, all with the shared payment id. Mixed customers or
 * currencies fail before any request, naming the item.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ stripe, settings, customerLookup, reads }: OperationContext,
): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	const nowMs = Date.now();
	const batch: BatchItem[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const currency = currencyRules(
				String(this.getNodeParameter('currency', itemIndex, '')) || settings.currency,
			).code;
			const invoiceId = String(this.getNodeParameter('invoiceId', itemIndex, '')).trim();
			if (invoiceId === '') throw new CoreInputError('invoiceId', 'An invoice ID is required');
			const locator = this.getNodeParameter('customer', itemIndex) as {
				mode: string;
				value: string;
			};
			const balanceMinor = parseAmount(
				this.getNodeParameter('balance', itemIndex, ''),
				currency,
				'balance',
			);
			const item: BatchItem = {
				itemIndex,
				invoiceId,
				amountMinor: balanceMinor,
				balanceMinor,
				currency,
				customerKey: `${locator.mode}:${String(locator.value).trim()}`,
			};
			const first = batch[0];
			if (first && first.customerKey !== item.customerKey) {
				throw new CoreInputError(
					'customer',
					`Invoice ${invoiceId} belongs to another customer than invoice ${first.invoiceId}; one payment covers one customer`,
				);
			}
			if (first && first.currency !== currency) {
				throw new CoreInputError(
					'currency',
					`Invoice ${invoiceId} is in ${currency.toUpperCase()}, invoice ${first.invoiceId} in ${first.currency.toUpperCase()}; one payment has one currency`,
				);
			}
			if (batch.some((other) => other.invoiceId === invoiceId)) {
				throw new CoreInputError('invoiceId', `Invoice ${invoiceId} appears twice in this payment`);
			}
			batch.push(item);
		} catch (error) {
			// One payment for all: a bad item stops the batch, Continue On Fail or not.
			throw toNodeError(node, error, itemIndex);
		}
	}
	if (batch.length === 0) return [];

	const options = this.getNodeParameter('options', 0, {}) as PaymentItemOptions;
	const currency = batch[0].currency;
	const feeRate = parseFeePercent(this.getNodeParameter('feePercent', 0, '0'));
	const how = readHowToPay(this, 0);
	const purpose = options.purpose ?? 'manual';
	const invoices = batch.map(({ invoiceId, amountMinor, balanceMinor }) => ({
		invoiceId,
		amountMinor,
		balanceMinor,
	}));
	try {
		const customer = await resolveCustomer(this, 0, { customerLookup, reads, settings });
		const request = {
			invoices,
			currency,
			stripeCustomerId: customer.stripe.id,
			booksCustomerId: customer.booksCustomerId,
			feeRate,
			how,
			allowedPaymentMethodTypes:
				how.kind === 'automatic' && purpose === 'autopay'
					? settings.importedPaymentMethodTypes
					: settings.allowedManualPaymentMethodTypes,
			idempotencyKey: '',
			purpose,
			description: options.description,
			receiptEmail: options.useStripeReceiptEmails
				? options.receiptEmail || customer.stripe.email || null
				: null,
			checkoutUrls: { successUrl: options.successUrl, cancelUrl: options.cancelUrl },
			guardLookbackDays: options.guardLookbackDays,
			nowSeconds: Math.floor(nowMs / 1000),
		};
		const breakdown = validatePaymentRequest(request);
		request.idempotencyKey =
			options.idempotencyKey?.trim() ||
			paymentIdempotencyKey({
				provider: 'stripe',
				purpose: how.kind === 'payLink' ? 'paylink' : purpose,
				invoiceIds: invoices.map((invoice) => invoice.invoiceId),
				amountMinor: breakdown.amountMinor,
				currency,
				day: businessDate(nowMs, settings.timeZone, 'timeZone'),
				paymentMethod: how.kind === 'savedMethod' ? how.paymentMethodId : undefined,
			});
		const outcome = await payInvoices(stripe.transport, request, reads);
		const itemOf = new Map(batch.map((item) => [item.invoiceId, item.itemIndex]));
		return outcome.records.map((record) => ({
			json: { ...record, existingPayment: outcome.existingPayment },
			pairedItem: { item: itemOf.get(record.invoiceId) ?? 0 },
		}));
	} catch (error) {
		const nodeError = toNodeError(node, error, 0);
		if (!this.continueOnFail()) throw nodeError;
		if (nodeError instanceof NodeOperationError || nodeError instanceof Error) {
			return batch.map(({ itemIndex, invoiceId }) => ({
				json: { invoiceId, error: nodeError.message },
				pairedItem: { item: itemIndex },
			}));
		}
		return [];
	}
}

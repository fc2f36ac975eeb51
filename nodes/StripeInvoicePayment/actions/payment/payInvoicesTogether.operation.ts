import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { businessDate } from '../../../core/autopay/dates';
import { CoreInputError } from '../../../core/errors';
import { parseFeePercent } from '../../../core/money/fee';
import { paymentIdempotencyKey } from '../../../core/payments/idempotency';
import {
	chargeableBreakdown,
	readCurrency,
	readHowToPay,
	readInvoiceAmount,
	readInvoiceId,
	readPaymentOptions,
} from '../../../core/payments/paymentInput';
import type { PaymentOptionsInput } from '../../../core/payments/paymentInput';
import { payInvoices } from '../../../core/stripe/payInvoices';
import type { InvoiceToPay } from '../../../core/stripe/payInvoices';
import { errorItem } from '../../../shared/itemRunner';
import { toNodeError } from '../../../shared/nodeErrors';
import { idParameter } from '../../../shared/stripePickers';
import { findCustomer, readCustomerLocator } from '../../helpers/customer';
import type { PaymentSettings } from '../../helpers/settings';
import { currencyField, feePercentField, invoiceIdField } from '../common.descriptions';
import { customerLocator } from '../customer.description';
import type { OperationContext } from '../node.type';
import { paymentFieldLabels } from './payInvoice.operation';
import { howToPayField, paymentMethodIdFields, paymentOptions } from './payment.descriptions';

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
	...paymentMethodIdFields,
	paymentOptions,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['payment'], operation: ['payInvoicesTogether'] } },
	properties,
);

const labels = paymentFieldLabels(properties);

interface BatchItem extends InvoiceToPay {
	itemIndex: number;
	customerKey: string;
	currency: string;
}

/** One item's invoice, checked, and checked against the items before it. */
function readBatchItem(
	context: IExecuteFunctions,
	itemIndex: number,
	batch: BatchItem[],
	settings: PaymentSettings,
): BatchItem {
	const invoiceId = readInvoiceId(context.getNodeParameter('invoiceId', itemIndex, ''));
	const currency = readCurrency(
		context.getNodeParameter('currency', itemIndex, ''),
		settings.currency,
	);
	const locator = readCustomerLocator(context, itemIndex);
	// Full payments only: the amount is the balance.
	const { balanceMinor } = readInvoiceAmount({
		invoiceId,
		currency,
		balance: context.getNodeParameter('balance', itemIndex, ''),
	});
	const item: BatchItem = {
		itemIndex,
		invoiceId,
		amountMinor: balanceMinor,
		balanceMinor,
		currency,
		customerKey: JSON.stringify(locator),
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
	return item;
}

/**
 * All input items (the invoices of ONE customer, in ONE currency) become one payment; the
 * output is one payment record per invoice, all with the shared payment id. Every item is
 * checked before the first request: one bad item (or mixed customers or currencies) stops the
 * whole payment, naming the item; with Continue On Fail every item carries that error, since
 * the payment covers them all, and nothing is charged.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ stripe, settings, customerLookup, reads }: OperationContext,
): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	const nowMs = Date.now();
	const batch: BatchItem[] = [];
	const failed = (error: unknown, itemIndex: number) => {
		const nodeError = toNodeError(node, error, itemIndex, labels);
		if (!this.continueOnFail()) throw nodeError;
		// One payment covers every item: its error is every item's error.
		return items.map((_, index) => errorItem(nodeError, index));
	};
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			batch.push(readBatchItem(this, itemIndex, batch, settings));
		} catch (error) {
			return failed(error, itemIndex);
		}
	}
	if (batch.length === 0) return [];

	let payment;
	try {
		// The payment's own parameters are those of the first item.
		const options = readPaymentOptions(
			this.getNodeParameter('options', 0, {}) as PaymentOptionsInput,
		);
		const feeRate = parseFeePercent(this.getNodeParameter('feePercent', 0, '0'));
		const howToPay = this.getNodeParameter('howToPay', 0);
		const how = readHowToPay(
			howToPay,
			// shown (and so readable) only for a saved method
			howToPay === 'savedMethod' ? idParameter(this, 'paymentMethodId', 0) : undefined,
		);
		const currency = batch[0].currency;
		const invoices = batch.map(({ invoiceId, amountMinor, balanceMinor }) => ({
			invoiceId,
			amountMinor,
			balanceMinor,
		}));
		const breakdown = chargeableBreakdown(invoices, feeRate, currency, 'balance');
		payment = { options, feeRate, how, currency, invoices, breakdown };
	} catch (error) {
		return failed(error, 0);
	}

	const { options, feeRate, how, currency, invoices, breakdown } = payment;
	try {
		const customer = await findCustomer(readCustomerLocator(this, 0), {
			customerLookup,
			reads,
			settings,
		});
		const request = {
			invoices,
			currency,
			stripeCustomerId: customer.stripe.id,
			booksCustomerId: customer.booksCustomerId,
			feeRate,
			how,
			allowedPaymentMethodTypes:
				how.kind === 'automatic' && options.purpose === 'autopay'
					? settings.importedPaymentMethodTypes
					: settings.allowedManualPaymentMethodTypes,
			idempotencyKey:
				options.idempotencyKey ??
				paymentIdempotencyKey({
					provider: 'stripe',
					purpose: how.kind === 'payLink' ? 'paylink' : options.purpose,
					invoiceIds: invoices.map((invoice) => invoice.invoiceId),
					amountMinor: breakdown.amountMinor,
					currency,
					day: businessDate(nowMs, settings.timeZone, 'timeZone'),
					paymentMethod: how.kind === 'savedMethod' ? how.paymentMethodId : undefined,
				}),
			purpose: options.purpose,
			description: options.description,
			receiptEmail: options.useStripeReceiptEmails
				? options.receiptEmail || customer.stripe.email || null
				: null,
			checkoutUrls: options.checkoutUrls,
			guardLookbackDays: options.guardLookbackDays,
			nowSeconds: Math.floor(nowMs / 1000),
		};
		const outcome = await payInvoices(stripe.transport, request, reads);
		const itemOf = new Map(batch.map((item) => [item.invoiceId, item.itemIndex]));
		return outcome.records.map((record) => ({
			json: { ...record, existingPayment: outcome.existingPayment },
			pairedItem: { item: itemOf.get(record.invoiceId) ?? 0 },
		}));
	} catch (error) {
		return failed(error, 0);
	}
}

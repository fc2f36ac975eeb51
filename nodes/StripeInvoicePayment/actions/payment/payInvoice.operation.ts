import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { businessDate } from '../../../core/autopay/dates';
import { paymentIdempotencyKey } from '../../../core/payments/idempotency';
import { readPayInvoiceInput } from '../../../core/payments/paymentInput';
import type {
	PayInvoiceInputValues,
	PaymentOptionsInput,
} from '../../../core/payments/paymentInput';
import { payInvoices } from '../../../core/stripe/payInvoices';
import { checkItems, mapCheckedItems } from '../../../shared/itemRunner';
import { fieldLabels } from '../../../shared/nodeErrors';
import { idParameter } from '../../../shared/stripePickers';
import { findCustomer, readCustomerLocator } from '../../helpers/customer';
import type { PaymentSettings } from '../../helpers/settings';
import {
	currencyField,
	feePercentField,
	invoiceIdField,
	settingsCollection,
} from '../common.descriptions';
import { customerLocator } from '../customer.description';
import type { OperationContext } from '../node.type';
import { howToPayField, paymentMethodIdFields, paymentOptions } from './payment.descriptions';

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
	...paymentMethodIdFields,
	paymentOptions,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['payment'], operation: ['payInvoice'] } },
	properties,
);

/** Labels of the fields Pay Invoice and Pay Invoices Together check, as the user sees them. */
export const paymentFieldLabels = (operationProperties: INodeProperties[]) =>
	fieldLabels([...operationProperties, settingsCollection], {
		defaultCurrency: 'Default Currency Name or ID (Options for All Operations)',
		paymentMethod: 'How to Pay',
	});

const labels = paymentFieldLabels(properties);

/** The raw values of one item's payment parameters, for the core to check. */
function readPaymentValues(
	context: IExecuteFunctions,
	itemIndex: number,
	settings: PaymentSettings,
): PayInvoiceInputValues {
	const howToPay = context.getNodeParameter('howToPay', itemIndex);
	return {
		invoiceId: context.getNodeParameter('invoiceId', itemIndex, ''),
		currency: context.getNodeParameter('currency', itemIndex, ''),
		defaultCurrency: settings.currency,
		balance: context.getNodeParameter('balance', itemIndex, ''),
		amount: context.getNodeParameter('amount', itemIndex, ''),
		feePercent: context.getNodeParameter('feePercent', itemIndex, '0'),
		howToPay,
		paymentMethodId:
			howToPay === 'savedMethod' ? idParameter(context, 'paymentMethodId', itemIndex) : undefined,
		options: context.getNodeParameter('options', itemIndex, {}) as PaymentOptionsInput,
	};
}

/**
 * Pays one invoice per item: a charge off-session, a saved method, or a pay link. Every item's
 * input is checked before the first request, so a bad item fails the node (or, with Continue
 * On Fail, only itself) before anything is charged.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ stripe, settings, customerLookup, reads }: OperationContext,
): Promise<INodeExecutionData[]> {
	const nowMs = Date.now();
	const day = businessDate(nowMs, settings.timeZone, 'timeZone');
	const checked = await checkItems(
		this,
		items.length,
		settings.concurrency,
		(itemIndex) => ({
			input: readPayInvoiceInput(readPaymentValues(this, itemIndex, settings)),
			customer: readCustomerLocator(this, itemIndex),
		}),
		labels,
	);
	return await mapCheckedItems(
		this,
		checked,
		settings.concurrency,
		async ({ input, customer: locator }, itemIndex) => {
			const { invoiceId, amountMinor, balanceMinor, currency, how, purpose } = input;
			const idempotencyKey =
				input.idempotencyKey ??
				paymentIdempotencyKey({
					provider: 'stripe',
					purpose: how.kind === 'payLink' ? 'paylink' : purpose,
					invoiceIds: [invoiceId],
					amountMinor,
					currency,
					day,
					paymentMethod: how.kind === 'savedMethod' ? how.paymentMethodId : undefined,
				});
			const customer = await findCustomer(locator, { customerLookup, reads, settings });
			const request = {
				invoices: [{ invoiceId, amountMinor, balanceMinor }],
				currency,
				stripeCustomerId: customer.stripe.id,
				booksCustomerId: customer.booksCustomerId,
				feeRate: input.feeRate,
				how,
				allowedPaymentMethodTypes:
					how.kind === 'automatic' && purpose === 'autopay'
						? settings.importedPaymentMethodTypes
						: settings.allowedManualPaymentMethodTypes,
				idempotencyKey,
				purpose,
				description: input.description,
				receiptEmail: input.useStripeReceiptEmails
					? input.receiptEmail || customer.stripe.email || null
					: null,
				allowPartialPayment: input.allowPartialPayment,
				checkoutUrls: input.checkoutUrls,
				guardLookbackDays: input.guardLookbackDays,
				nowSeconds: Math.floor(nowMs / 1000),
			};
			const outcome = await payInvoices(stripe.transport, request, reads);
			return outcome.records.map((record) => ({
				json: { ...record, existingPayment: outcome.existingPayment },
				pairedItem: { item: itemIndex },
			}));
		},
		labels,
	);
}

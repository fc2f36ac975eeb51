import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { BOOKS_CUSTOMER_METADATA_KEY } from '../../../core/payments/invoiceMetadata';
import { DEFAULT_GUARD_LOOKBACK_DAYS } from '../../../core/defaults';

import {
	chargeToken,
	readCardCategory,
	readTransactionIdList,
	validateChargeRequest,
} from '../../../core/gateway360/charge';
import type { ChargeOutcome, ChargeRequest } from '../../../core/gateway360/charge';
import {
	chargeTokenClaimingStripe,
	validateClaimedCharge,
} from '../../../core/gateway360/chargeWithStripeClaim';
import { checkItems, checkItemsFurther } from '../../../shared/itemRunner';
import type { CheckedItems } from '../../../shared/itemRunner';
import { fieldLabels } from '../../../shared/nodeErrors';
import { mapCheckedGatewayItems } from '../../helpers/errors';
import { readWebInvoice } from '../../helpers/invoice';
import { connectStripe } from '../../helpers/stripe';
import {
	amountField,
	currencyField,
	customerEmailField,
	surchargePercentField,
	orderInvoiceIdField,
	invoiceNumberField,
} from '../common.descriptions';
import type { OperationContext } from '../node.type';

const properties: INodeProperties[] = [
	orderInvoiceIdField,
	invoiceNumberField,
	{
		displayName: 'Customer ID',
		name: 'customerId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. cust-1001',
		description:
			"The invoice's customer ID in your books, kept with the sale: an earlier sale of the invoice for another customer is never taken as its payment",
	},
	amountField,
	currencyField,
	{
		displayName: 'Payment Token',
		name: 'paymentToken',
		type: 'string',
		typeOptions: { password: true },
		required: true,
		default: '',
		placeholder: 'e.g. {{ $json.body.payment_token }}',
		description:
			'The single-use token Collect.js made from the card in the browser, as the Pay Now page posted it (field payment_token)',
	},
	customerEmailField,
	surchargePercentField,
	{
		displayName: 'Claim the Invoice in Stripe First',
		name: 'claimInStripe',
		type: 'boolean',
		noDataExpression: true,
		default: false,
		description:
			'Whether Stripe also takes payments for these invoices (auto-pay, pay links, the portal). On: the invoice is claimed in Stripe before the card is charged, as every Stripe payment claims it, so only one of them ever takes the money; the customer must be mapped to a Stripe customer.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Card Category',
				name: 'cardCategory',
				type: 'string',
				default: '',
				placeholder: 'e.g. {{ $json.body.card_category }}',
				description:
					"The card's category as Collect.js told the page that made the token (credit, debit, prepaid or unknown): with Surcharge Credit Cards on, the Processing Fee is charged for credit only",
			},
			{
				displayName: 'Description',
				name: 'description',
				type: 'string',
				default: '',
				description:
					'Order description kept by the gateway; empty sends "Invoice" and the invoice number',
			},
			{
				displayName: 'Guard Lookback in Stripe (Days)',
				name: 'guardLookbackDays',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_GUARD_LOOKBACK_DAYS,
				displayOptions: { show: { '/claimInStripe': [true] } },
				description:
					"How far back the customer's Stripe payments are read: the Stripe node's Guard Lookback",
			},
			{
				displayName: 'Mapping Metadata Key (Stripe)',
				name: 'mappingMetadataKey',
				type: 'string',
				default: BOOKS_CUSTOMER_METADATA_KEY,
				displayOptions: { show: { '/claimInStripe': [true] } },
				description:
					"Stripe customer metadata key holding the books customer ID: the Stripe node's setting of the same name",
			},
			{
				displayName: 'Payments Recorded in Books',
				name: 'recordedPaymentIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. 7000000042, 7000000043',
				description:
					'Gateway transaction IDs your books already hold as payments of this invoice (a list, or comma-separated): they are off the balance, so such a sale does not stop this charge. Read them before the balance. A sale for this customer and total still means the invoice is paid.',
			},
			{
				displayName: 'Surcharge Credit Cards',
				name: 'surchargeCreditCards',
				type: 'boolean',
				default: false,
				description:
					"Whether the Processing Fee is charged, as the gateway's surcharge, on credit cards (Card Category credit). Card rules allow surcharging credit cards only, never debit or prepaid ones: any other card, or one of unknown category, is charged without the fee. Off: no fee is charged.",
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['transaction'], operation: ['charge'] } },
	properties,
);

const labels = fieldLabels(properties);

interface ChargeOptions {
	cardCategory?: string;
	surchargeCreditCards?: boolean;
	description?: string;
	recordedPaymentIds?: unknown;
	mappingMetadataKey?: string;
	guardLookbackDays?: number;
}

/**
 * A `sale` of the invoice amount (plus its fee line) with the token; the invoice ID is the order
 * ID. Before charging, the order's sales are read: one for this customer and total means the
 * invoice is paid (returned with `existingPayment: true`, nothing charged); another sale still
 * holding money refuses the charge with an error naming it. A decline is a `failed` payment
 * record; a gateway error (`response=3`) is an error. With "Claim the Invoice in Stripe First",
 * the invoice is claimed in Stripe, then held, turned and captured at the gateway
 * (chargeWithStripeClaim.ts); a Stripe payment or pay link holding it is returned instead.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ client, settings, invoiceLocks }: OperationContext,
): Promise<INodeExecutionData[]> {
	const claimInStripe = this.getNodeParameter('claimInStripe', 0, false) as boolean;
	const validate = claimInStripe ? validateClaimedCharge : validateChargeRequest;
	// Every item's input first: one bad item fails the node (or, with Continue On Fail, only
	// itself) before anything is read or charged.
	const requests = await checkItems(
		this,
		items.length,
		settings.concurrency,
		(itemIndex) => {
			const invoice = readWebInvoice(this, itemIndex, settings);
			const options = this.getNodeParameter('options', itemIndex, {}) as ChargeOptions;
			return validate({
				...invoice,
				invoiceId: String(this.getNodeParameter('invoiceId', itemIndex, '')),
				customerId: String(this.getNodeParameter('customerId', itemIndex, '')),
				paymentToken: String(this.getNodeParameter('paymentToken', itemIndex, '')),
				customerEmail: String(this.getNodeParameter('customerEmail', itemIndex, '')),
				description: options.description?.trim() || null,
				recordedPaymentIds: readTransactionIdList(options.recordedPaymentIds),
				surchargeCreditCards: options.surchargeCreditCards === true,
				cardCategory: readCardCategory(options.cardCategory),
			});
		},
		labels,
	);
	const runner = { client, settings, labels };
	let charges: CheckedItems<{ request: ChargeRequest; stripeCustomerId: string | null }> =
		requests.map((checked) =>
			checked.ok
				? { ok: true, value: { request: checked.value, stripeCustomerId: null } }
				: checked,
		);
	const stripe = claimInStripe
		? await connectStripe.call(
				this,
				settings,
				this.getNodeParameter('options', 0, {}) as ChargeOptions,
			)
		: null;
	if (stripe) {
		// Each item's Stripe customer before any charge: an unmapped customer charges nothing.
		charges = await checkItemsFurther(
			this,
			requests,
			settings.concurrency,
			async (request) => {
				const customer = await stripe.customers.requireCustomer(request.customerId, 'customerId');
				return { request, stripeCustomerId: customer.id };
			},
			labels,
		);
	}
	return await mapCheckedGatewayItems(this, charges, runner, async (charge, itemIndex) => {
		const { request, stripeCustomerId } = charge;
		const transport = client.transport();
		const outcome: ChargeOutcome & { claimId?: string | null } = await invoiceLocks.run(
			request.invoiceId,
			async () =>
				stripe && stripeCustomerId
					? await chargeTokenClaimingStripe(transport, stripe.side(), request, stripeCustomerId)
					: await chargeToken(transport, request),
		);
		return [
			{
				json: {
					...outcome.record,
					existingPayment: outcome.existingPayment,
					...(outcome.voidedTransactionId
						? { voidedTransactionId: outcome.voidedTransactionId }
						: {}),
					...(outcome.claimId !== undefined ? { stripeClaimId: outcome.claimId } : {}),
				},
				pairedItem: { item: itemIndex },
			},
		];
	});
}

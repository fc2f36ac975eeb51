// @ts-check
// Engine tests of 360 Payments Charge Token with "Claim the Invoice in Stripe First": workflow JSON
// run by n8n-core against the local gateway and the local Stripe server.
import { Payments360 } from '../../nodes/Payments360/Payments360.node';
import { startGateway360Server } from '../fakes/gateway360-server';
import { runWorkflow, singleNodeWorkflow } from './harness';
import { payInvoiceParams, runNode, startStripe, stripeCredentials } from './stripe-node';

const SECURITY_KEY = 'engine-claim-security-key-5e1b7a';
const TOKEN_KEY = 'engpub-5e1b7a-9c2d40-aa01bb';

let gateway;
let stripe;
beforeAll(async () => {
	[gateway, stripe] = await Promise.all([
		startGateway360Server({ securityKeys: [SECURITY_KEY], tokenKeys: [TOKEN_KEY] }),
		startStripe(),
	]);
});
afterAll(async () => {
	await Promise.all([gateway.close(), stripe.close()]);
});

const credentials = () => ({
	payments360Api: { securityKey: SECURITY_KEY, tokenKey: TOKEN_KEY, gatewayBaseUrl: gateway.url },
	...stripeCredentials(stripe),
});

const chargeParams = (extra = {}) => ({
	resource: 'transaction',
	operation: 'charge',
	invoiceId: '={{ $json.invoice }}',
	invoiceNumber: '={{ $json.invoice.toUpperCase() }}',
	customerId: '={{ $json.customer }}',
	amount: '={{ $json.amount }}',
	currency: 'usd',
	paymentToken: '={{ $json.token }}',
	feePercent: '0',
	claimInStripe: true,
	...extra,
});

async function charge360(
	items,
	/** @type {{onError?: string, params?: Record<string, unknown>}} */
	{ onError, params = chargeParams() } = {},
) {
	const workflow = singleNodeWorkflow('360', 'payments360', params, {
		payments360Api: { id: '1', name: '360 Payments (local gateway)' },
		stripeInvoicePaymentsApi: { id: '2', name: 'Stripe (local test server)' },
	});
	if (onError) workflow.nodes[1].onError = onError;
	return await runWorkflow(workflow, { credentials: credentials(), input: items });
}

let counter = 0;
/** A books customer mapped to a Stripe customer with a saved card, and an invoice of theirs. */
function newInvoice() {
	const customer = `EC-${++counter}`;
	stripe.createCustomer({
		name: customer,
		metadata: { books_customer_id: customer },
		defaultPaymentMethod: 'pm_card_visa',
	});
	return {
		invoice: `eci-${counter}`,
		customer,
		amount: '40.00',
		token: gateway.createToken({ ccnumber: '4111111111111111' }),
	};
}

const moneyTaken = (invoice) =>
	stripe.ledger.chargesFor(invoice) + gateway.ledger.chargesFor(invoice);
const gatewayCharges = () => gateway.requests.filter((r) => r.path === '/api/transact.php').length;

test('the Stripe credential is asked for only when Charge Token claims invoices in Stripe', () => {
	const { credentials: listed, properties } = new Payments360().description;
	expect(listed?.find((c) => c.name === 'stripeInvoicePaymentsApi')).toEqual({
		name: 'stripeInvoicePaymentsApi',
		required: true,
		displayOptions: {
			show: { resource: ['transaction'], operation: ['charge'], claimInStripe: [true] },
		},
	});
	// a top-level boolean, so the credential's displayOptions can see it
	expect(properties.find((p) => p.name === 'claimInStripe')).toMatchObject({
		type: 'boolean',
		default: false,
		noDataExpression: true,
	});
});

test('claimed in Stripe, held and captured at the gateway: the money once; the Stripe node then refuses the invoice', async () => {
	const item = newInvoice();
	const result = await charge360([item]);
	const [record] = result.output('360');
	expect(record).toMatchObject({
		provider: 'gateway360',
		invoiceId: item.invoice,
		status: 'succeeded',
		existingPayment: false,
		stripeClaimId: expect.stringMatching(/^pi_/),
		customer: { booksId: item.customer },
		paymentMethod: { label: 'Visa •••• 1111' },
	});
	expect(result.items('360')[0].pairedItem).toEqual({ item: 0 });
	expect(gateway.ledger.salesFor(item.invoice)).toEqual([
		expect.objectContaining({ type: 'auth', captured: true, voided: false }),
	]);

	const stripeRun = await runNode(
		stripe,
		'stripeInvoicePayment',
		payInvoiceParams({ options: { purpose: 'manual' } }),
		[{ invoiceId: item.invoice, customerId: item.customer, balance: '40.00', currency: 'usd' }],
	);
	// Stripe has no record of that payment to hand the books: the Stripe node refuses, naming it.
	expect(stripeRun.error.message).toBe(
		`Item 0: Invoice ${item.invoice} was paid through 360 Payments (claim ${record.stripeClaimId}); nothing was charged`,
	);
	expect(moneyTaken(item.invoice)).toBe(1);
});

test('a Stripe payment of the invoice: its record, nothing at the gateway', async () => {
	const item = newInvoice();
	const [paid] = (
		await runNode(
			stripe,
			'stripeInvoicePayment',
			payInvoiceParams({ options: { purpose: 'manual' } }),
			[{ invoiceId: item.invoice, customerId: item.customer, balance: '40.00', currency: 'usd' }],
		)
	).output('Node');
	const [record] = (await charge360([item])).output('360');
	expect(record).toMatchObject({
		provider: 'stripe',
		paymentId: paid.paymentId,
		existingPayment: true,
		guard: { reason: 'ALREADY_PAID' },
	});
	expect(gateway.ledger.salesFor(item.invoice)).toEqual([]);
	expect(moneyTaken(item.invoice)).toBe(1);
});

test('a books customer not mapped to Stripe: an error naming Customer ID, before any charge of the batch', async () => {
	const good = newInvoice();
	const before = gatewayCharges();
	const result = await charge360([good, { ...newInvoice(), customer: 'nobody-mapped' }]);
	expect(result.error.message).toBe(
		'Item 1: invalid "Customer ID": Books customer nobody-mapped is not mapped to a Stripe customer (metadata "books_customer_id")',
	);
	expect(gatewayCharges()).toBe(before);
	expect(moneyTaken(good.invoice)).toBe(0);
});

test('an amount Stripe cannot hold as a claim is refused by field before any request', async () => {
	const item = { ...newInvoice(), amount: '0.30' };
	const before = gateway.requests.length;
	const result = await charge360([item]);
	expect(result.error.message).toBe(
		'Item 0: invalid "Amount": Amount 0.30 USD is below Stripe\'s minimum charge of 0.50 USD',
	);
	expect(gateway.requests.length).toBe(before);
});

test('the mapping metadata key of the Stripe node can be set', async () => {
	const item = newInvoice();
	const customer = `EK-${counter}`;
	stripe.createCustomer({ name: customer, metadata: { erp_customer: customer } });
	const params = chargeParams({
		options: { mappingMetadataKey: 'erp_customer', guardLookbackDays: 10 },
	});
	const [record] = (await charge360([{ ...item, customer }], { params })).output('360');
	expect(record).toMatchObject({ status: 'succeeded', customer: { booksId: customer } });
});

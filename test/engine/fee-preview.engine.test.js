// @ts-check
import { runWorkflow, singleNodeWorkflow } from './harness';

const credentials = { stripeInvoicePaymentsApi: { id: '1', name: 'Stripe test' } };
const stripeCredential = {
	stripeInvoicePaymentsApi: { secretKey: 'sk_test_unused', apiBaseUrl: 'http://127.0.0.1:9' },
};

describe('Stripe Invoice Payment: Fee Preview through the engine', () => {
	test('computes the fee line and the total per item, in input order', async () => {
		const workflow = singleNodeWorkflow(
			'Fee Preview',
			'stripeInvoicePayment',
			{
				resource: 'fee',
				operation: 'preview',
				invoiceId: '={{ $json.id }}',
				amount: '={{ $json.amount }}',
				currency: '={{ $json.currency }}',
				feePercent: '2.9',
			},
			credentials,
		);
		const result = await runWorkflow(workflow, {
			credentials: stripeCredential,
			input: [
				{ id: 'INV-1', amount: '100.00', currency: 'usd' },
				{ id: 'INV-2', amount: '1250', currency: 'JPY' },
				{ id: 'INV-3', amount: '5.130', currency: 'kwd' },
			],
		});
		const items = result.items('Fee Preview');
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(
			items.map((item) => [item.json.invoiceId, item.json.fee.display, item.json.total.display]),
		).toEqual(
			[
				['INV-1', '$2.90', '$102.90'],
				['INV-2', '¥36', '¥1,286'],
				['INV-3', 'KWD 0.150', 'KWD 5.280'],
			].map(([id, fee, total]) => [id, fee.replace(' ', '\u00a0'), total.replace(' ', '\u00a0')]),
		);
	});

	test('bad input fails with a NodeOperationError naming the item and field', async () => {
		const workflow = singleNodeWorkflow(
			'Fee Preview',
			'stripeInvoicePayment',
			{
				resource: 'fee',
				operation: 'preview',
				invoiceId: 'INV-9',
				amount: '={{ $json.amount }}',
				feePercent: '101',
			},
			credentials,
		);
		const result = await runWorkflow(workflow, {
			credentials: stripeCredential,
			input: [{ amount: '10.00' }],
		});
		expect(result.error.message).toBe(
			'Item 0: invalid "Processing Fee (%)": Fee percentage "101" is above 100',
		);
		expect(result.error.name).toBe('NodeOperationError');
	});

	test('with Continue On Fail the bad item carries its error and the rest go on', async () => {
		const workflow = singleNodeWorkflow(
			'Fee Preview',
			'stripeInvoicePayment',
			{
				resource: 'fee',
				operation: 'preview',
				invoiceId: '={{ $json.id }}',
				amount: '={{ $json.amount }}',
				feePercent: '10',
			},
			credentials,
		);
		workflow.nodes[1].onError = 'continueRegularOutput';
		const result = await runWorkflow(workflow, {
			credentials: stripeCredential,
			input: [
				{ id: 'A', amount: '10.00' },
				{ id: 'B', amount: '-1' },
				{ id: 'C', amount: '0.10' },
				{ id: 'D', amount: '20.00' },
			],
		});
		expect(result.output('Fee Preview').map((json) => json.error ?? json.total.amount)).toEqual([
			'11.00',
			'Item 1: invalid "Amount": Amount "-1" is negative',
			'Item 2: invalid "Amount": Amount 0.10 USD is below Stripe\'s minimum charge of 0.50 USD',
			'22.00',
		]);
	});
});

// @ts-check
/**
 * Invoice Payments Tools → Workflow Template → Get Many inside n8n's real WorkflowExecute: the
 * package's workflows as items whose `workflow` n8n's n8n node creates (e2e 24 creates them
 * through the public API), the admin's books adapter and credentials put in.
 */
import { runWorkflow, singleNodeWorkflow } from './harness';

const run = (parameters) =>
	runWorkflow(
		singleNodeWorkflow('Templates', 'invoicePaymentsTools', {
			resource: 'workflowTemplate',
			operation: 'getMany',
			...parameters,
		}),
	);

const settingsValue = (workflow, name) =>
	workflow.nodes
		.find((node) => node.name === 'Settings')
		.parameters.assignments.assignments.find((assignment) => assignment.name === name).value;

test('none chosen: every shipped workflow, processes first, each with the body to create', async () => {
	const result = await run({});
	const items = result.output('Templates');
	expect(items.map((item) => item.kind)).toEqual([
		...Array(8).fill('process'),
		'booksAdapter',
		'booksSetup',
		'booksAdapter',
		'booksAdapter',
		'booksAdapter',
	]);
	expect(items.find((item) => item.template === 'daily-auto-pay')).toMatchObject({
		name: 'Invoice payments: daily auto-pay',
		shippedId: 'invPayWf2AutoPay',
		workflow: { name: 'Invoice payments: daily auto-pay' },
	});
	for (const item of items) expect(item.workflow.id).toBeUndefined();
	expect(result.items('Templates').every((item) => item.pairedItem?.item === 0)).toBe(true);
});

test("chosen workflows only, with the adapter's ID and the admin's credentials in", async () => {
	const result = await run({
		templates: ['payment-status', 'books-rest'],
		booksWorkflowId: 'AdApTeR0001',
		reconciliationWorkflowId: 'ReCoN0000001',
		credentials: {
			credential: [
				{ type: 'stripeInvoicePaymentsApi', id: 'StRiPe000001', name: 'Stripe' },
				{ type: 'httpHeaderAuth', id: 'BoOkS0000001', name: '' },
			],
		},
	});
	const [status, rest] = result.output('Templates');
	expect([status.template, rest.template]).toEqual(['payment-status', 'books-rest']);
	expect(settingsValue(status.workflow, 'booksWorkflowId')).toBe('AdApTeR0001');
	expect(settingsValue(status.workflow, 'reconciliationWorkflowId')).toBe('ReCoN0000001');
	const stripeRefs = status.workflow.nodes
		.filter((node) => node.credentials?.stripeInvoicePaymentsApi)
		.map((node) => node.credentials.stripeInvoicePaymentsApi);
	expect(stripeRefs.length).toBeGreaterThan(0);
	for (const ref of stripeRefs) expect(ref).toEqual({ id: 'StRiPe000001', name: 'Stripe' });
	const booksApi = rest.workflow.nodes.find((node) => node.credentials?.httpHeaderAuth);
	expect(booksApi.credentials.httpHeaderAuth.id).toBe('BoOkS0000001');
});

test('a credential entry without an ID fails before anything, naming the parameter', async () => {
	const result = await run({
		credentials: { credential: [{ type: 'smtp', id: ' ', name: 'Mail' }] },
	});
	expect(result.error?.message).toMatch(/Credentials/);
	expect(result.error?.message).toMatch(/smtp credential has no ID/);
});

/**
 * The workflows this package ships (workflows/ and workflows/books/), handed out as JSON an
 * admin creates in their n8n with n8n's own n8n node (Workflow → Create, the public API). An
 * admin who installed the package from n8n's Community Nodes page has them without opening
 * `~/.n8n/nodes/node_modules` (docs/importing-workflows.md).
 *
 * Creating through the public API never overwrites: each creation is a new workflow with a new
 * ID, so an admin's edited Settings survive a second import. Because the IDs are new, a process
 * must be told which books adapter to call (its Settings → booksWorkflowId), and the nodes which
 * credentials to use: both are options of `workflowForImport`.
 */
import { CoreInputError } from '../errors';

import autoPayDryRun from '../../../workflows/auto-pay-dry-run.json';
import cardExpiryCheck from '../../../workflows/card-expiry-check.json';
import customerMappingSync from '../../../workflows/customer-mapping-sync.json';
import dailyAutoPay from '../../../workflows/daily-auto-pay.json';
import payOutstandingInvoices from '../../../workflows/pay-outstanding-invoices.json';
import paymentStatus from '../../../workflows/payment-status.json';
import reconciliation from '../../../workflows/reconciliation.json';
import webInvoicePayNow from '../../../workflows/web-invoice-pay-now.json';
import booksDataTablesSetup from '../../../workflows/books/books-data-tables-setup.json';
import booksDataTables from '../../../workflows/books/books-data-tables.json';
import booksQuickBooks from '../../../workflows/books/books-quickbooks.json';
import booksRest from '../../../workflows/books/books-rest.json';
import booksXero from '../../../workflows/books/books-xero.json';

/** A process calls the books; an adapter is the books; the setup makes an adapter's tables. */
export type WorkflowTemplateKind = 'process' | 'booksAdapter' | 'booksSetup';

type CredentialReference = { id: string | null; name: string };

type WorkflowNode = {
	name: string;
	type: string;
	parameters?: Record<string, unknown>;
	credentials?: Record<string, CredentialReference>;
	[key: string]: unknown;
};

type ShippedWorkflow = {
	id: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	settings: Record<string, unknown>;
};

export type WorkflowTemplate = {
	/** the file's name without `.json`: the handle an admin selects */
	template: string;
	kind: WorkflowTemplateKind;
	/** the ID the workflow has when imported from the repository (`n8n import:workflow`) */
	shippedId: string;
	name: string;
	description: string;
};

/** What n8n's public API takes to create a workflow (POST /api/v1/workflows). */
export type WorkflowForImport = {
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	settings: Record<string, unknown>;
};

const SHIPPED: Array<{
	template: string;
	kind: WorkflowTemplateKind;
	description: string;
	workflow: unknown;
}> = [
	{
		template: 'customer-mapping-sync',
		kind: 'process',
		description: 'Maps each customer of the books to a Stripe customer and saves the mapping',
		workflow: customerMappingSync,
	},
	{
		template: 'daily-auto-pay',
		kind: 'process',
		description:
			"Charges the recurring invoices due today on each customer's automatic payment method, retries failed charges on schedule, records and emails each payment",
		workflow: dailyAutoPay,
	},
	{
		template: 'auto-pay-dry-run',
		kind: 'process',
		description: "Tells the team what tomorrow's auto-pay would charge, charging nothing",
		workflow: autoPayDryRun,
	},
	{
		template: 'card-expiry-check',
		kind: 'process',
		description:
			'Asks customers whose automatic card expires before their next due date to add another',
		workflow: cardExpiryCheck,
	},
	{
		template: 'payment-status',
		kind: 'process',
		description:
			"Takes Stripe's and 360 Payments' verified webhooks and moves each payment's state into the books",
		workflow: paymentStatus,
	},
	{
		template: 'pay-outstanding-invoices',
		kind: 'process',
		description:
			"Lets a signed-in customer (portal) or an agent pay open invoices through Stripe's checkout",
		workflow: payOutstandingInvoices,
	},
	{
		template: 'web-invoice-pay-now',
		kind: 'process',
		description: 'Serves a signed web invoice whose Pay Now button takes the card',
		workflow: webInvoicePayNow,
	},
	{
		template: 'reconciliation',
		kind: 'process',
		description:
			"Records in the books the payment states whose webhooks did not arrive, from Stripe's events and the gateway's transactions",
		workflow: reconciliation,
	},
	{
		template: 'books-data-tables',
		kind: 'booksAdapter',
		description:
			"The books in n8n's own Data Tables: customers, invoices and payments you see and edit in n8n",
		workflow: booksDataTables,
	},
	{
		template: 'books-data-tables-setup',
		kind: 'booksSetup',
		description: 'Makes the Data Tables the Data Tables adapter reads and writes',
		workflow: booksDataTablesSetup,
	},
	{
		template: 'books-rest',
		kind: 'booksAdapter',
		description: 'The books behind a small REST API (docs/books-api.md)',
		workflow: booksRest,
	},
	{
		template: 'books-quickbooks',
		kind: 'booksAdapter',
		description:
			'The books in QuickBooks Online: open invoices, customers, payments linked to their invoice',
		workflow: booksQuickBooks,
	},
	{
		template: 'books-xero',
		kind: 'booksAdapter',
		description: 'The books in Xero: authorised invoices, contacts, payments against the invoice',
		workflow: booksXero,
	},
];

const shipped = (workflow: unknown) => workflow as ShippedWorkflow;

/** Every shipped workflow, processes first, in the order an admin sets them up. */
export const WORKFLOW_TEMPLATES: readonly WorkflowTemplate[] = SHIPPED.map(
	({ template, kind, description, workflow }) => ({
		template,
		kind,
		shippedId: shipped(workflow).id,
		name: shipped(workflow).name,
		description,
	}),
);

/** The node holding a process's values. */
const SETTINGS_NODE = 'Settings';

/**
 * The Settings values that name another shipped workflow by ID: every process calls the books
 * adapter; the payment-status workflow calls the reconciliation to backfill when published again.
 */
export const WORKFLOW_ID_SETTINGS = {
	booksWorkflowId: { requiredInEveryProcess: true },
	reconciliationWorkflowId: { requiredInEveryProcess: false },
} as const;
export type WorkflowIdSetting = keyof typeof WORKFLOW_ID_SETTINGS;

/** The credential types the shipped workflows' nodes use, each with the name they reference. */
export function templateCredentialTypes(): Array<{ type: string; name: string }> {
	const types = new Map<string, string>();
	for (const { workflow } of SHIPPED)
		for (const node of shipped(workflow).nodes)
			for (const [type, reference] of Object.entries(node.credentials ?? {}))
				if (!types.has(type)) types.set(type, reference.name);
	return [...types]
		.map(([type, name]) => ({ type, name }))
		.sort((a, b) => (a.type < b.type ? -1 : 1));
}

export type ImportOptions = {
	/**
	 * the IDs of the workflows the processes call, as created in the admin's n8n (the books
	 * adapter, the reconciliation); empty: as shipped
	 */
	workflowIds?: Partial<Record<WorkflowIdSetting, string>>;
	/** credentials by type: every node's reference of that type points at it */
	credentials?: Record<string, { id: string; name?: string }>;
};

/**
 * The template as n8n's public API creates it: its name, nodes, connections and settings (no
 * ID, no published state, no pinned data, no tags), the IDs of the workflows it calls and the
 * credentials the admin names put in. Deep-copied: the shipped JSON is never changed.
 */
export function workflowForImport(
	template: string,
	options: ImportOptions = {},
): WorkflowForImport {
	const entry = SHIPPED.find((candidate) => candidate.template === template);
	if (!entry)
		throw new CoreInputError(
			'template',
			`no shipped workflow is called "${template}"; choose one of ${SHIPPED.map((t) => t.template).join(', ')}`,
		);
	const { name, nodes, connections, settings } = structuredClone(shipped(entry.workflow));
	for (const node of nodes) {
		if (entry.kind === 'process' && node.name === SETTINGS_NODE)
			setWorkflowIds(node, options.workflowIds ?? {});
		for (const type of Object.keys(node.credentials ?? {})) {
			const chosen = options.credentials?.[type];
			if (chosen && node.credentials)
				node.credentials[type] = {
					id: chosen.id,
					name: chosen.name ?? node.credentials[type].name,
				};
		}
	}
	return { name, nodes, connections, settings };
}

function setWorkflowIds(
	settingsNode: WorkflowNode,
	workflowIds: Partial<Record<WorkflowIdSetting, string>>,
) {
	const assignments =
		(
			settingsNode.parameters?.assignments as {
				assignments?: Array<{ name: string; value: unknown }>;
			}
		)?.assignments ?? [];
	for (const setting of Object.keys(WORKFLOW_ID_SETTINGS) as WorkflowIdSetting[]) {
		const workflowId = workflowIds[setting]?.trim();
		if (!workflowId) continue;
		const assignment = assignments.find((candidate) => candidate.name === setting);
		if (assignment) assignment.value = workflowId;
		else if (WORKFLOW_ID_SETTINGS[setting].requiredInEveryProcess)
			throw new CoreInputError(setting, `the ${SETTINGS_NODE} node has no ${setting} value to set`);
	}
}

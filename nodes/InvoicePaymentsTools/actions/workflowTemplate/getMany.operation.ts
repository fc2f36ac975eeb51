import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { CoreInputError } from '../../../core/errors';
import type { ImportOptions } from '../../../core/templates/workflowTemplates';
import {
	templateCredentialTypes,
	WORKFLOW_TEMPLATES,
	workflowForImport,
} from '../../../core/templates/workflowTemplates';
import { mapItemsInOrder } from '../../../shared/itemRunner';
import { fieldLabels } from '../../../shared/nodeErrors';
import { asData, textParameter } from '../../helpers/parameters';

const templateOptions: INodePropertyOptions[] = WORKFLOW_TEMPLATES.map((template) => ({
	name: template.name,
	value: template.template,
	description: template.description,
}));

const credentialTypeOptions: INodePropertyOptions[] = templateCredentialTypes().map(
	({ type, name }) => ({ name: `${type} (shipped as "${name}")`, value: type }),
);

const properties: INodeProperties[] = [
	{
		displayName: 'Workflows',
		name: 'templates',
		type: 'multiOptions',
		options: templateOptions,
		default: [],
		description:
			'The workflows to get. None chosen: all of them, the processes first, then the books adapters and the Data Tables setup.',
	},
	{
		displayName: 'Books Adapter Workflow ID',
		name: 'booksWorkflowId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 7bQ2mZ9xY1kW4rTe',
		description:
			"The ID of your books adapter workflow: each process's Settings → booksWorkflowId gets it, so the processes call your books. Empty: the shipped ID (invPayBooksRest), which a workflow created in your n8n does not have. Create the adapter first (the n8n node's Workflow → Create) and map the ID it answers here.",
	},
	{
		displayName: 'Reconciliation Workflow ID',
		name: 'reconciliationWorkflowId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 3kT8vN1qR6wZ0pLs',
		description:
			"The ID of your reconciliation workflow: the payment-status workflow's Settings → reconciliationWorkflowId gets it, so that publishing it again backfills the events it missed. Empty: the shipped ID (invPayWf8Reconcile), which a workflow created in your n8n does not have: create the reconciliation before the payment-status workflow and map its ID here.",
	},
	{
		displayName: 'Credentials',
		name: 'credentials',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Credential',
		default: {},
		description:
			'The credentials of yours the workflows use, by type. A type not listed keeps the shipped reference, which you choose in the editor.',
		options: [
			{
				displayName: 'Credential',
				name: 'credential',
				values: [
					{
						displayName: 'Type',
						name: 'type',
						type: 'options',
						options: credentialTypeOptions,
						default: 'stripeInvoicePaymentsApi',
						description: "The credential type the workflows' nodes use",
					},
					{
						displayName: 'Credential ID',
						name: 'id',
						type: 'string',
						default: '',
						placeholder: 'e.g. 4ZxH1Wq9tY3vB2cK',
						description:
							"The ID of your credential of that type (the end of its address in n8n's editor, or the n8n node's Credential → Get Many)",
					},
					{
						displayName: 'Credential Name',
						name: 'name',
						type: 'string',
						default: '',
						description:
							'Its name as n8n shows it; empty keeps the shipped name until n8n reads the ID',
					},
				],
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['workflowTemplate'], operation: ['getMany'] } },
	properties,
);

const labels = fieldLabels(properties, { template: 'Workflows', credentialId: 'Credentials' });

function importOptions(context: IExecuteFunctions, itemIndex: number): ImportOptions {
	const entries = (
		context.getNodeParameter('credentials.credential', itemIndex, []) as Array<{
			type: string;
			id: string;
			name?: string;
		}>
	).map((entry) => ({ type: entry.type, id: String(entry.id ?? '').trim(), name: entry.name }));
	const credentials: NonNullable<ImportOptions['credentials']> = {};
	for (const { type, id, name } of entries) {
		if (id === '')
			throw new CoreInputError(
				'credentialId',
				`The ${type} credential has no ID: enter the ID of your credential, or remove the entry`,
			);
		credentials[type] = { id, ...(name?.trim() ? { name: name.trim() } : {}) };
	}
	return {
		workflowIds: {
			booksWorkflowId: textParameter(context, 'booksWorkflowId', itemIndex),
			reconciliationWorkflowId: textParameter(context, 'reconciliationWorkflowId', itemIndex),
		},
		credentials,
	};
}

/**
 * For each input item, one item per chosen workflow: what it is (template, kind, name,
 * description, the ID it is shipped with) and `workflow`, the body n8n's public API creates
 * (for the n8n node: Workflow Object `{{ JSON.stringify($json.workflow) }}`).
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await mapItemsInOrder(
		this,
		items.length,
		1,
		async (itemIndex) => {
			const chosen = this.getNodeParameter('templates', itemIndex, []) as string[];
			const options = importOptions(this, itemIndex);
			return WORKFLOW_TEMPLATES.filter(
				(template) => chosen.length === 0 || chosen.includes(template.template),
			).map((template) => ({
				json: asData({ ...template, workflow: workflowForImport(template.template, options) }),
				pairedItem: { item: itemIndex },
			}));
		},
		labels,
	);
}

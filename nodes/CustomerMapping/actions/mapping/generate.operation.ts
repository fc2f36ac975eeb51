import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { CoreInputError } from '../../../core/errors';
import { booksCustomerProblems, planMappings } from '../../../core/mapping/generate';
import type {
	GenerateOutcome,
	MappingDecision,
	NameMatching,
	StripeCustomerSummary,
} from '../../../core/mapping/generate';
import { applyMapping } from '../../../core/mapping/manage';
import { listCustomers } from '../../../core/stripe/customers';
import { mapItemsInOrder } from '../../../shared/itemRunner';
import { refuseBadInputUpFront } from '../../helpers/input';
import { booksCustomerIdField, booksCustomerNameField } from '../common.descriptions';
import type { OperationContext } from '../node.type';

const properties: INodeProperties[] = [
	{ ...booksCustomerIdField, description: 'The books customer ID of each input item' },
	{
		...booksCustomerNameField,
		description: 'The books customer name, matched against Stripe customer names',
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		description:
			'Reported with the result to help a person decide ambiguous cases; never used to match',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Dry Run',
				name: 'dryRun',
				type: 'boolean',
				default: false,
				description: 'Whether to only report what would be mapped, writing nothing to Stripe',
			},
			{
				displayName: 'Name Matching',
				name: 'nameMatching',
				type: 'options',
				default: 'exact',
				options: [
					{
						name: 'Exact',
						value: 'exact',
						description: 'Names must be identical, character for character',
					},
					{
						name: 'Trimmed, Case-Insensitive',
						value: 'relaxed',
						description: 'Surrounding spaces and letter case are ignored',
					},
				],
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['mapping'], operation: ['generate'] } },
	properties,
);

/** Output index of each outcome; bad items (with Continue On Fail) join Unmatched. */
const OUTPUT: Record<GenerateOutcome, number> = {
	mapped: 0,
	alreadyMapped: 1,
	unmatched: 2,
	ambiguous: 3,
	invalid: 2,
};

function describeDecision(
	decision: MappingDecision,
	customers: Map<string, StripeCustomerSummary>,
	dryRun: boolean,
): IDataObject {
	const summary = (id: string) => {
		const customer = customers.get(id);
		return { id, name: customer?.name ?? null, email: customer?.email ?? null };
	};
	return {
		booksCustomerId: decision.booksCustomerId,
		name: decision.name,
		email: decision.email,
		outcome: decision.outcome,
		reason: decision.reason,
		message: decision.message,
		stripeCustomerId: decision.stripeCustomerId,
		candidates: decision.candidateIds.map(summary),
		takenStripeCustomerIds: decision.takenIds,
		competingBooksCustomerIds: decision.competingBooksIds,
		dryRun,
		written: decision.outcome === 'mapped' && !dryRun,
	};
}

/**
 * Maps books customers to Stripe customers by name: every Stripe customer is read through the
 * consistent list endpoint, the rule in core/mapping/generate decides, and each decided mapping
 * is one metadata write. Outputs: Mapped, Already Mapped, Unmatched, Ambiguous.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ stripe, settings }: OperationContext,
): Promise<INodeExecutionData[][]> {
	const options = this.getNodeParameter('options', 0, {}) as {
		dryRun?: boolean;
		nameMatching?: NameMatching;
	};
	const dryRun = options.dryRun === true;
	const booksCustomers = items.map((_, itemIndex) => ({
		id: this.getNodeParameter('booksCustomerId', itemIndex, '') as unknown,
		name: this.getNodeParameter('name', itemIndex, '') as unknown,
		email: this.getNodeParameter('email', itemIndex, '') as unknown,
	}));
	refuseBadInputUpFront(
		this,
		booksCustomerProblems(booksCustomers).map(
			(problem) => problem && new CoreInputError(problem.field, problem.message),
		),
	);

	if (items.length === 0) return [[], [], [], []];

	const customers = new Map<string, StripeCustomerSummary>();
	for await (const customer of listCustomers(stripe.transport)) {
		customers.set(customer.id, {
			id: customer.id,
			name: customer.name,
			email: customer.email,
			metadata: customer.metadata,
		});
	}
	const decisions = planMappings({
		booksCustomers,
		stripeCustomers: [...customers.values()],
		metadataKey: settings.mappingMetadataKey,
		matching: options.nameMatching ?? 'exact',
	});

	const results = await mapItemsInOrder(
		this,
		items.length,
		settings.concurrency,
		async (itemIndex) => {
			const decision = decisions[itemIndex];
			if (decision.outcome === 'invalid') {
				throw new CoreInputError(decision.field ?? 'booksCustomerId', decision.message);
			}
			if (decision.outcome === 'mapped' && !dryRun && decision.stripeCustomerId) {
				await applyMapping(
					stripe.transport,
					settings.mappingMetadataKey,
					decision.stripeCustomerId,
					decision.booksCustomerId,
				);
			}
			return [
				{ json: describeDecision(decision, customers, dryRun), pairedItem: { item: itemIndex } },
			];
		},
	);

	const outputs: INodeExecutionData[][] = [[], [], [], []];
	for (const item of results) {
		const itemIndex = (item.pairedItem as { item: number }).item;
		const outcome = item.json.error === undefined ? decisions[itemIndex].outcome : 'invalid';
		outputs[OUTPUT[outcome]].push(item);
	}
	return outputs;
}

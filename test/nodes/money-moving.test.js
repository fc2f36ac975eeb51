// @ts-check
// Operations that move money are marked for people and for AI agents (issue #24, item 4):
// every one carries a notice, an action and a description saying so (and that it cannot be
// undone where so), and in n8n's tool variant of the node a switch, off by default, without
// which an agent's call is refused before any request. See docs/ai-agents.md.
import { makeHandleToolInvocation } from 'n8n-core/dist/execution-engine/node-execution-context/utils/get-input-connection-data';
import { NodeHelpers, NodeOperationError } from 'n8n-workflow';

import { nodeClasses } from '../engine/package-types';
import { router as stripeRouter } from '../../nodes/StripeInvoicePayment/actions/router';
import { router as payments360Router } from '../../nodes/Payments360/actions/router';
import { ALLOW_AGENT_DISPLAY_NAME, ALLOW_AGENT_PARAMETER } from '../../nodes/shared/moneyMoving';
import { moneyMoving as stripeMoneyMoving } from '../../nodes/StripeInvoicePayment/actions/payment/Payment.resource';
import { moneyMoving as payments360MoneyMoving } from '../../nodes/Payments360/actions/transaction/Transaction.resource';

/** What the package's nodes do with money, said here on its own: not read from the code. */
const EXPECTED = {
	stripeInvoicePayment: {
		'payment.cancel': 'irreversible',
		'payment.chargeAutoPay': 'refundable',
		'payment.payInvoice': 'refundable',
		'payment.payInvoicesTogether': 'refundable',
		'payment.refund': 'irreversible',
	},
	payments360: {
		'transaction.charge': 'refundable',
		'transaction.refund': 'irreversible',
		'transaction.void': 'irreversible',
	},
	invoicePaymentsTools: {},
	customerMapping: {},
	autoPayScan: {},
};

// "Auto-pay" names the feature (Compose Auto-Pay Preview moves nothing); any other pay is money.
const MONEY_WORDS = /\b(?<!auto[- ])(pay|charge|refund|cancel|void|capture|payout|transfer)\b/i;
/** camelCase and spaces into words: 'payInvoicesTogether' → 'pay invoices together'. */
const words = (/** @type {string} */ text) => text.replace(/([a-z])([A-Z])/g, '$1 $2');

/** @param {import('n8n-workflow').INodeTypeDescription} description */
function operationsOf(description) {
	/** @type {{ resource: string, option: import('n8n-workflow').INodePropertyOptions }[]} */
	const found = [];
	for (const property of description.properties) {
		if (property.name !== 'operation' || property.type !== 'options') continue;
		const resources = /** @type {string[]} */ (property.displayOptions?.show?.resource ?? ['']);
		for (const option of /** @type {import('n8n-workflow').INodePropertyOptions[]} */ (
			property.options ?? []
		)) {
			for (const resource of resources) found.push({ resource, option });
		}
	}
	return found;
}

const descriptions = nodeClasses.map((NodeClass) => new NodeClass().description);
const byName = (/** @type {string} */ name) => {
	const description = descriptions.find((d) => d.name === name);
	if (!description) throw new Error(`no node ${name}`);
	return description;
};
/** n8n's tool variant of a node, as its loader makes it: the same properties, name + 'Tool'. */
const toolVariant = (/** @type {import('n8n-workflow').INodeTypeDescription} */ d) => ({
	...d,
	name: `${d.name}Tool`,
	displayName: `${d.displayName} Tool`,
});

const moneyCases = Object.entries(EXPECTED).flatMap(([node, operations]) =>
	Object.entries(operations).map(([key, kind]) => {
		const [resource, operation] = key.split('.');
		return { node, resource, operation, irreversible: kind === 'irreversible' };
	}),
);

describe('money-moving operations', () => {
	test.each(Object.keys(EXPECTED))(
		'%s: the operations whose name says pay, charge, refund, cancel or void are exactly the marked ones',
		(node) => {
			const description = byName(node);
			const named = operationsOf(description)
				.filter(({ option }) => MONEY_WORDS.test(`${option.name} ${words(String(option.value))}`))
				.map(({ resource, option }) => `${resource}.${String(option.value)}`)
				.sort();
			expect(named).toEqual(Object.keys(EXPECTED[node]).sort());
			const noticed = description.properties
				.filter((p) => p.type === 'notice' && /moves money/.test(p.displayName))
				.map((p) => `${p.displayOptions?.show?.resource}.${p.displayOptions?.show?.operation}`)
				.sort();
			expect(noticed).toEqual(Object.keys(EXPECTED[node]).sort());
		},
	);

	test('the nodes declare the same operations as moving money as this test does', () => {
		const declared = [...stripeMoneyMoving, ...payments360MoneyMoving].map(
			(op) => `${op.resource}.${op.operation}:${op.irreversible}`,
		);
		expect(declared.sort()).toEqual(
			moneyCases.map((c) => `${c.resource}.${c.operation}:${c.irreversible}`).sort(),
		);
	});

	describe.each(moneyCases)(
		'$node: $operation ($resource)',
		({ node, resource, operation, irreversible }) => {
			const description = byName(node);
			const values = { resource, operation };
			const option = operationsOf(description).find(
				(o) => o.resource === resource && o.option.value === operation,
			)?.option;

			test('a notice shown with it says it moves money, and whether it can be undone', () => {
				const notices = description.properties.filter(
					(p) =>
						p.type === 'notice' &&
						NodeHelpers.displayParameter(values, p, null, description) &&
						/moves money/.test(p.displayName),
				);
				expect(notices).toHaveLength(1);
				const text = notices[0].displayName;
				expect(text).toMatch(/^This operation moves money: it /);
				expect(text).toMatch(irreversible ? /It cannot be undone\./ : /cannot be undone, only/);
				expect(text).toContain(`"${ALLOW_AGENT_DISPLAY_NAME}"`);
				// Shown with no other operation of the node.
				for (const other of operationsOf(description)) {
					if (other.resource === resource && other.option.value === operation) continue;
					const otherValues = { resource: other.resource, operation: other.option.value };
					expect(NodeHelpers.displayParameter(otherValues, notices[0], null, description)).toBe(
						false,
					);
				}
			});

			test('its description and action say so, in words an agent cannot misread', () => {
				expect(option?.description).toMatch(/^Moves money: /);
				expect(option?.action).toMatch(MONEY_WORDS);
				if (irreversible) {
					expect(option?.description).toMatch(/Cannot be undone\.$/);
					expect(option?.action).toMatch(/ irreversibly$/);
				} else {
					expect(option?.action).not.toMatch(/irreversibly/);
				}
				// What an agent reads by default: n8n's automatic tool description is the action.
				const toolNode = /** @type {import('n8n-workflow').INode} */ ({
					id: '1',
					name: 'Tool',
					type: `n8n-nodes-invoice-payments.${node}Tool`,
					typeVersion: 1,
					position: [0, 0],
					parameters: { resource, operation, descriptionType: 'auto' },
				});
				const toolDescription = NodeHelpers.getToolDescriptionForNode(toolNode, {
					description: toolVariant(description),
				});
				expect(toolDescription).toBe(`${option?.action} in ${description.defaults.name}`);
			});

			test('the switch that lets an agent run it is shown in the tool variant only, and is off', () => {
				const switches = (/** @type {import('n8n-workflow').INodeTypeDescription} */ d) =>
					d.properties.filter(
						(p) =>
							p.name === ALLOW_AGENT_PARAMETER && NodeHelpers.displayParameter(values, p, null, d),
					);
				expect(switches(description)).toHaveLength(0);
				const shown = switches(toolVariant(description));
				expect(shown).toHaveLength(1);
				expect(shown[0]).toMatchObject({
					displayName: ALLOW_AGENT_DISPLAY_NAME,
					type: 'boolean',
					default: false,
				});
			});
		},
	);

	test('no switch is shown with an operation that moves no money, even in the tool variant', () => {
		for (const node of ['stripeInvoicePayment', 'payments360']) {
			const tool = toolVariant(byName(node));
			for (const { resource, option } of operationsOf(tool)) {
				if (`${resource}.${option.value}` in EXPECTED[node]) continue;
				const values = { resource, operation: option.value };
				const shown = tool.properties.filter(
					(p) =>
						p.name === ALLOW_AGENT_PARAMETER && NodeHelpers.displayParameter(values, p, null, tool),
				);
				expect(shown).toEqual([]);
			}
		}
	});
});

class PastTheGuard extends Error {}

/**
 * Just enough of n8n's execute context to reach the guard: any parameter but resource,
 * operation and the switch, and any credential, is past it (the guard runs before both).
 * @param {{ type: string, resource: string, operation: string, allow?: boolean }} options
 */
function contextFor({ type, resource, operation, allow }) {
	const node = { id: '1', name: 'Node', type, typeVersion: 1, position: [0, 0], parameters: {} };
	const reached = { credentials: false };
	const context = {
		getInputData: () => [{ json: {} }],
		getNode: () => node,
		getNodeParameter(
			/** @type {string} */ name,
			/** @type {number} */ _i,
			/** @type {unknown} */ fallback,
		) {
			if (name === 'resource') return resource;
			if (name === 'operation') return operation;
			if (name === ALLOW_AGENT_PARAMETER) return allow ?? fallback;
			throw new PastTheGuard(name);
		},
		async getCredentials() {
			reached.credentials = true;
			throw new PastTheGuard('credentials');
		},
	};
	return { context: /** @type {any} */ (context), reached };
}

const routers = {
	stripeInvoicePayment: stripeRouter,
	payments360: payments360Router,
};

describe('an AI agent calling a money-moving tool', () => {
	const toolCases = moneyCases.filter((c) => c.node in routers);

	test.each(toolCases)(
		'$node: $operation ($resource) is refused before any request while the switch is off',
		async ({ node, resource, operation }) => {
			const { context, reached } = contextFor({
				type: `n8n-nodes-invoice-payments.${node}Tool`,
				resource,
				operation,
			});
			const run = routers[node].call(context);
			await expect(run).rejects.toBeInstanceOf(NodeOperationError);
			await expect(run).rejects.toThrow(
				new RegExp(
					`^Refused: this tool moves money \\(it .+\\) and "${ALLOW_AGENT_DISPLAY_NAME}" is off, so nothing was sent$`,
				),
			);
			expect(reached.credentials).toBe(false);
		},
	);

	test.each(toolCases)(
		'$node: $operation ($resource) goes on when the switch is on',
		async ({ node, resource, operation }) => {
			const { context } = contextFor({
				type: `n8n-nodes-invoice-payments.${node}Tool`,
				resource,
				operation,
				allow: true,
			});
			await expect(routers[node].call(context)).rejects.toBeInstanceOf(PastTheGuard);
		},
	);

	test.each(toolCases)(
		'$node: $operation ($resource) is not refused in the node itself (no agent)',
		async ({ node, resource, operation }) => {
			const { context } = contextFor({
				type: `n8n-nodes-invoice-payments.${node}`,
				resource,
				operation,
			});
			await expect(routers[node].call(context)).rejects.toBeInstanceOf(PastTheGuard);
		},
	);

	test('an operation that moves no money runs in the tool variant with the switch off', async () => {
		const { context } = contextFor({
			type: 'n8n-nodes-invoice-payments.stripeInvoicePaymentTool',
			resource: 'payment',
			operation: 'get',
		});
		await expect(stripeRouter.call(context)).rejects.toBeInstanceOf(PastTheGuard);
	});

	test("through n8n-core's own tool invocation, the agent reads the refusal and what a person can do", async () => {
		const StripeNode = nodeClasses.find((C) => new C().description.name === 'stripeInvoicePayment');
		if (!StripeNode) throw new Error('no Stripe node');
		const { context, reached } = contextFor({
			type: 'n8n-nodes-invoice-payments.stripeInvoicePaymentTool',
			resource: 'payment',
			operation: 'refund',
		});
		/** @type {unknown[]} */
		const outputs = [];
		Object.assign(context, {
			addInputData: () => {},
			addOutputData: (
				/** @type {unknown} */ _type,
				/** @type {number} */ _run,
				/** @type {unknown} */ data,
			) => outputs.push(data),
			getExecutionCancelSignal: () => undefined,
			logger: { warn: () => {} },
		});
		const toolNode = context.getNode();
		// Only the run data of the tool node's earlier runs is read (none here).
		const runExecutionData = /** @type {any} */ ({ resultData: { runData: {} } });
		const invoke = makeHandleToolInvocation(
			() => context,
			toolNode,
			new StripeNode(),
			runExecutionData,
		);
		const call = invoke({ amount: '10.00' });
		await expect(call).rejects.toThrow(
			/^Refused: this tool moves money \(it sends money back to the customer's payment method\) and "Allow AI Agent to Move Money" is off, so nothing was sent\n\nDetails: A person must run this operation\./,
		);
		expect(outputs).toHaveLength(1);
		expect(reached.credentials).toBe(false);
	});
});

import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * The operations that move money at a payment provider (charge, refund, cancel, void), marked
 * for people and for AI agents alike. n8n offers every node with `usableAsTool` to AI agents as
 * "<node> Tool" and lets no node hide single operations from agents, so each of these operations
 * carries a notice, an action and a description saying it moves money (and that it cannot be
 * undone where so), and, in the tool variant only, a switch that is off unless a person turns it
 * on: off, the operation refuses an agent's call before any request. See docs/ai-agents.md.
 */
export interface MoneyMovingOperation {
	resource: string;
	operation: string;
	/** What it does with the money, in the words of the notice and the refusal. */
	effect: string;
	/** Whether nothing can take it back (a refund, a cancel, a void); a charge can be refunded. */
	irreversible: boolean;
	/** What can still be done about it, where that is not the default for its kind. */
	undo?: string;
}

/** The name of the tool variant's switch; the display name is the one the docs and errors use. */
export const ALLOW_AGENT_PARAMETER = 'allowAgentToMoveMoney';
export const ALLOW_AGENT_DISPLAY_NAME = 'Allow AI Agent to Move Money';

function noticeText(op: MoneyMovingOperation): string {
	const undo =
		op.undo ??
		(op.irreversible ? 'It cannot be undone.' : 'A charge cannot be undone, only refunded.');
	return `This operation moves money: it ${op.effect}. ${undo} Used as an AI agent's tool, it runs only when "${ALLOW_AGENT_DISPLAY_NAME}" is on.`;
}

/**
 * The notice shown with each money-moving operation of a node, and the tool variant's switch
 * (shown only where n8n shows the node as a tool, the '@tool' display condition).
 */
export function moneyMovingProperties(operations: MoneyMovingOperation[]): INodeProperties[] {
	const notices: INodeProperties[] = operations.map((op) => ({
		displayName: noticeText(op),
		name: 'moneyMovingNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: [op.resource], operation: [op.operation] } },
	}));
	const resources = [...new Set(operations.map((op) => op.resource))];
	const switches: INodeProperties[] = resources.map((resource) => ({
		displayName: ALLOW_AGENT_DISPLAY_NAME,
		name: ALLOW_AGENT_PARAMETER,
		type: 'boolean',
		default: false,
		description:
			'Whether the AI agent calling this tool may run this money-moving operation. Off, the tool refuses every call and sends nothing. Turn it on only when the agent may move money without a person checking each call.',
		displayOptions: {
			show: {
				'@tool': [true],
				resource: [resource],
				operation: operations.filter((op) => op.resource === resource).map((op) => op.operation),
			},
		},
	}));
	return [...notices, ...switches];
}

/** Whether this node runs as n8n's tool variant of a node (its type is "<name>Tool"). */
export function runsAsAgentTool(context: IExecuteFunctions): boolean {
	return context.getNode().type.endsWith('Tool');
}

/**
 * Refuses a money-moving operation called by an AI agent unless the tool node's switch is on,
 * before any provider request. Outside the tool variant, and for other operations, it does nothing.
 */
export function assertAgentMayMoveMoney(
	context: IExecuteFunctions,
	operations: MoneyMovingOperation[],
	resource: string,
	operation: string,
): void {
	const op = operations.find((o) => o.resource === resource && o.operation === operation);
	if (!op || !runsAsAgentTool(context)) return;
	if (context.getNodeParameter(ALLOW_AGENT_PARAMETER, 0, false) === true) return;
	throw new NodeOperationError(
		context.getNode(),
		`Refused: this tool moves money (it ${op.effect}) and "${ALLOW_AGENT_DISPLAY_NAME}" is off, so nothing was sent`,
		{
			description: `A person must run this operation. If the AI agent may move money without a person checking each call, turn on "${ALLOW_AGENT_DISPLAY_NAME}" in this tool node.`,
		},
	);
}

import type { IExecuteFunctions, INodeExecutionData, NodeOperationError } from 'n8n-workflow';

import { toNodeError } from './nodeErrors';

/**
 * Runs `work` for every input item, at most `concurrency` items at a time, and returns the
 * outputs in input order whatever order they finish in. With Continue On Fail a failed item
 * becomes one output item carrying its error (paired to it) and the others go on.
 */
export async function mapItemsInOrder(
	context: IExecuteFunctions,
	itemCount: number,
	concurrency: number,
	work: (itemIndex: number) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const results: INodeExecutionData[][] = new Array(itemCount);
	let next = 0;
	let firstError: Error | undefined;

	const worker = async () => {
		while (next < itemCount && firstError === undefined) {
			const itemIndex = next++;
			try {
				results[itemIndex] = await work(itemIndex);
			} catch (error) {
				const nodeError = toNodeError(context.getNode(), error, itemIndex);
				if (!context.continueOnFail()) {
					firstError ??= nodeError;
					return;
				}
				// `error` on the item lets n8n's "continue (using error output)" route it there.
				results[itemIndex] = [
					{
						json: { error: nodeError.message, itemIndex },
						error: nodeError as NodeOperationError,
						pairedItem: { item: itemIndex },
					},
				];
			}
		}
	};

	const workers = Math.max(1, Math.min(concurrency, itemCount));
	await Promise.all(Array.from({ length: workers }, worker));
	if (firstError) throw firstError;
	return results.flat();
}

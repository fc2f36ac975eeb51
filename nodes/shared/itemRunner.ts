import type { IExecuteFunctions, INodeExecutionData, NodeOperationError } from 'n8n-workflow';

import type { FieldLabels } from './nodeErrors';
import { toNodeError } from './nodeErrors';

type Settled<T> = { ok: true; value: T } | { ok: false; error: Error };

/**
 * Runs `run` for every item, at most `concurrency` at a time. A failure becomes the item's n8n
 * error; without Continue On Fail no item is started after the first failure and the failure of
 * the lowest item index seen is thrown once the items under way have ended.
 */
async function settleItems<T>(
	context: IExecuteFunctions,
	itemCount: number,
	concurrency: number,
	run: (itemIndex: number) => T | Promise<T>,
	labels: FieldLabels | undefined,
): Promise<Array<Settled<T>>> {
	const results: Array<Settled<T>> = new Array(itemCount);
	let next = 0;
	let firstError: Error | undefined;
	let firstErrorIndex = itemCount;

	const worker = async () => {
		while (next < itemCount && firstError === undefined) {
			const itemIndex = next++;
			try {
				results[itemIndex] = { ok: true, value: await run(itemIndex) };
			} catch (error) {
				const nodeError = toNodeError(context.getNode(), error, itemIndex, labels);
				if (!context.continueOnFail()) {
					if (itemIndex < firstErrorIndex) {
						firstError = nodeError;
						firstErrorIndex = itemIndex;
					}
					return;
				}
				results[itemIndex] = { ok: false, error: nodeError };
			}
		}
	};

	const workers = Math.max(1, Math.min(concurrency, itemCount));
	await Promise.all(Array.from({ length: workers }, worker));
	if (firstError) throw firstError;
	return results;
}

/** The output of a failed item with Continue On Fail: one item carrying its error. */
export function errorItem(error: Error, itemIndex: number): INodeExecutionData {
	// `error` on the item lets n8n's "continue (using error output)" route it there.
	return {
		json: { error: error.message, itemIndex },
		error: error as NodeOperationError,
		pairedItem: { item: itemIndex },
	};
}

/**
 * Runs `work` for every input item, at most `concurrency` items at a time, and returns the
 * outputs in input order whatever order they finish in. With Continue On Fail a failed item
 * becomes one output item carrying its error (paired to it) and the others go on. `labels`
 * turn the fields of bad-input errors into the parameter names the user sees.
 */
export async function mapItemsInOrder(
	context: IExecuteFunctions,
	itemCount: number,
	concurrency: number,
	work: (itemIndex: number) => Promise<INodeExecutionData[]>,
	labels?: FieldLabels,
): Promise<INodeExecutionData[]> {
	const settled = await settleItems(context, itemCount, concurrency, work, labels);
	return settled.flatMap((result, itemIndex) =>
		result.ok ? result.value : [errorItem(result.error, itemIndex)],
	);
}

/** What the checks of each item gave: its checked input, or its error. */
export type CheckedItems<T> = Array<Settled<T>>;

function checkedValue<T>(checked: Settled<T>): T {
	if (!checked.ok) throw checked.error;
	return checked.value;
}

/**
 * Checks every item's input before anything is sent for any of them, so a batch never
 * half-fails: without Continue On Fail the first bad item fails the node here, before the first
 * request; with it, a bad item keeps its error and the others go on. Then `checkItemsFurther`
 * (reads a check needs, for all items before any write) and `mapCheckedItems` (the work).
 */
export async function checkItems<T>(
	context: IExecuteFunctions,
	itemCount: number,
	concurrency: number,
	check: (itemIndex: number) => T | Promise<T>,
	labels?: FieldLabels,
): Promise<CheckedItems<T>> {
	return await settleItems(context, itemCount, concurrency, check, labels);
}

/** A further check of the items that passed the ones before (a bad item keeps its error). */
export async function checkItemsFurther<T, U>(
	context: IExecuteFunctions,
	checked: CheckedItems<T>,
	concurrency: number,
	check: (input: T, itemIndex: number) => U | Promise<U>,
	labels?: FieldLabels,
): Promise<CheckedItems<U>> {
	return await settleItems(
		context,
		checked.length,
		concurrency,
		async (itemIndex) => await check(checkedValue(checked[itemIndex]), itemIndex),
		labels,
	);
}

/** `work` for every checked item, as mapItemsInOrder runs it; a bad item's output is its error. */
export async function mapCheckedItems<T>(
	context: IExecuteFunctions,
	checked: CheckedItems<T>,
	concurrency: number,
	work: (input: T, itemIndex: number) => Promise<INodeExecutionData[]>,
	labels?: FieldLabels,
): Promise<INodeExecutionData[]> {
	return await mapItemsInOrder(
		context,
		checked.length,
		concurrency,
		async (itemIndex) => await work(checkedValue(checked[itemIndex]), itemIndex),
		labels,
	);
}

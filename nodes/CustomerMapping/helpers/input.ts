import type { IExecuteFunctions } from 'n8n-workflow';

import { toNodeError } from '../../shared/nodeErrors';

/**
 * Bad input is refused before anything is written: without Continue On Fail the first bad item
 * fails the node here, so no other item has been sent yet. With it, each bad item later becomes
 * its own error item and the others go on.
 */
export function refuseBadInputUpFront(
	context: IExecuteFunctions,
	problems: Array<Error | undefined>,
): void {
	if (context.continueOnFail()) return;
	const itemIndex = problems.findIndex((problem) => problem !== undefined);
	if (itemIndex >= 0) throw toNodeError(context.getNode(), problems[itemIndex], itemIndex);
}

export { textParameter } from '../../shared/parameters';

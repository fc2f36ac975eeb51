import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { Decision } from '../../core/autopay/types';

// Read once, not per item: the test engine runs nodes in a vm context, where each read of a
// global such as Object costs a call into the context's interceptor.
const { assign } = Object;
const { hasOwnProperty } = Object.prototype;

/**
 * A books read that found no invoice, with "Always Output Data" on, hands on n8n's placeholder:
 * one item with no field. That is no invoice; the run still reports (a summary of nothing).
 */
export function withoutEmptyPlaceholder(items: INodeExecutionData[]): INodeExecutionData[] {
	return items.length === 1 && Object.keys(items[0].json).length === 0 && !items[0].binary
		? []
		: items;
}

/**
 * The output json: `{ ...json, autoPay: decision }`. Built with Object.assign because on the V8
 * of Node 20 a property added to a spread copy gives every copy a hidden class of its own (about
 * 350 extra bytes and several times the time per item, and megamorphic reads in n8n's handling of
 * the output); Object.assign copies the same keys in the same order onto one shared shape. It
 * sets where the spread defines, so an own "__proto__" key (JSON.parse makes them) keeps the spread.
 */
export function withDecision(json: IDataObject, decision: Decision): IDataObject {
	if (hasOwnProperty.call(json, '__proto__')) {
		return { ...json, autoPay: decision as unknown as IDataObject };
	}
	const output: IDataObject = assign({}, json);
	output.autoPay = decision as unknown as IDataObject;
	return output;
}

import type { IExecuteFunctions } from 'n8n-workflow';

/** A string parameter of one item, trimmed ('' when empty or not set). */
export function textParameter(context: IExecuteFunctions, name: string, itemIndex: number): string {
	const value = context.getNodeParameter(name, itemIndex, '') as unknown;
	return value === undefined || value === null ? '' : String(value).trim();
}

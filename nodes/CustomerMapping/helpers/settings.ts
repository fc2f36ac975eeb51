import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { BOOKS_CUSTOMER_METADATA_KEY } from '../../core/payments/invoiceMetadata';
import { mappingMetadataKeyProblem } from '../../core/mapping/customerFields';

/** The node-level settings, read once per execution. */
export interface MappingSettings {
	mappingMetadataKey: string;
	concurrency: number;
	requestsPerSecond: number;
}

export function readSettings(context: IExecuteFunctions): MappingSettings {
	const raw = context.getNodeParameter('settings', 0, {}) as Partial<MappingSettings>;
	const mappingMetadataKey = String(raw.mappingMetadataKey || BOOKS_CUSTOMER_METADATA_KEY).trim();
	const problem = mappingMetadataKeyProblem(mappingMetadataKey);
	if (problem) {
		throw new NodeOperationError(
			context.getNode(),
			`Invalid "Mapping Metadata Key" (Options for All Operations): ${problem}`,
			{ description: 'Options for All Operations › Mapping Metadata Key' },
		);
	}
	return {
		mappingMetadataKey,
		concurrency: raw.concurrency && raw.concurrency > 0 ? raw.concurrency : 8,
		requestsPerSecond: raw.requestsPerSecond ?? 0,
	};
}

import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { mappingMetadataKeyProblem } from '../../core/mapping/customerFields';
import { DEFAULT_MAPPING_METADATA_KEY } from '../../core/stripe/customers';

/** The node-level settings, read once per execution. */
export interface MappingSettings {
	mappingMetadataKey: string;
	concurrency: number;
	requestsPerSecond: number;
}

export function readSettings(context: IExecuteFunctions): MappingSettings {
	const raw = context.getNodeParameter('settings', 0, {}) as Partial<MappingSettings>;
	const mappingMetadataKey = String(raw.mappingMetadataKey || DEFAULT_MAPPING_METADATA_KEY).trim();
	const problem = mappingMetadataKeyProblem(mappingMetadataKey);
	if (problem) {
		throw new NodeOperationError(context.getNode(), `Invalid "mappingMetadataKey": ${problem}`, {
			description: 'Settings > Mapping Metadata Key',
		});
	}
	return {
		mappingMetadataKey,
		concurrency: raw.concurrency && raw.concurrency > 0 ? raw.concurrency : 8,
		requestsPerSecond: raw.requestsPerSecond ?? 0,
	};
}

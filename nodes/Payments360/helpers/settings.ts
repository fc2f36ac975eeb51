import type { IExecuteFunctions } from 'n8n-workflow';

/** The node-level settings, read once per execution. */
export interface Gateway360Settings {
	currency: string;
	concurrency: number;
}

export function readSettings(context: IExecuteFunctions): Gateway360Settings {
	const raw = context.getNodeParameter('settings', 0, {}) as Partial<Gateway360Settings>;
	return {
		currency: (raw.currency || 'usd').trim().toLowerCase(),
		concurrency: raw.concurrency && raw.concurrency > 0 ? raw.concurrency : 4,
	};
}

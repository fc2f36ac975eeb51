import { CoreInputError } from '../errors';
import type { CurrencyCaps } from './types';

/** A cap as people type it, "usd=5000, jpy=600000", into { usd: '5000', jpy: '600000' }. */
export function parseCurrencyCaps(
	text: string | undefined,
	field: string,
): CurrencyCaps | undefined {
	if (!text || text.trim() === '') return undefined;
	const caps: CurrencyCaps = {};
	for (const part of text
		.split(/[,;\n]+/)
		.map((p) => p.trim())
		.filter(Boolean)) {
		const match = /^([A-Za-z]{3})\s*[=:]\s*(\S+)$/.exec(part);
		if (!match) {
			throw new CoreInputError(field, `"${part}" is not a currency cap such as "usd=5000"`);
		}
		caps[match[1].toLowerCase()] = match[2];
	}
	return caps;
}

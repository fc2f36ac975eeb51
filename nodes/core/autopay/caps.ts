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

/** One row of a caps list as the editor hands it over: a currency and an amount in major units. */
export interface CurrencyCapRow {
	currency?: unknown;
	amount?: unknown;
}

/**
 * Caps from rows of currency and amount ({ currency: 'usd', amount: 5000 }), into the same shape
 * the typed caps give: `{ usd: 5000 }`, read on by the scan's settings (settings.ts) as any cap
 * is. A row without a currency, or a currency given twice, is refused: which amount was meant
 * cannot be told. No rows: no cap.
 */
export function currencyCapsFromRows(
	rows: readonly CurrencyCapRow[] | undefined,
	field: string,
): CurrencyCaps | undefined {
	if (rows === undefined || rows === null) return undefined;
	if (!Array.isArray(rows)) {
		throw new CoreInputError(
			field,
			'The caps must be a list of rows, each a currency and an amount',
		);
	}
	if (rows.length === 0) return undefined;
	const caps: CurrencyCaps = {};
	rows.forEach((row, index) => {
		const currency = typeof row?.currency === 'string' ? row.currency.trim().toLowerCase() : '';
		if (currency === '') {
			throw new CoreInputError(
				field,
				`Row ${index + 1} has no currency: pick one, or delete the row`,
			);
		}
		if (Object.prototype.hasOwnProperty.call(caps, currency)) {
			throw new CoreInputError(
				field,
				`${currency.toUpperCase()} is given twice: keep one row per currency`,
			);
		}
		const amount = row.amount;
		// n8n fills a row's empty Amount with its default, 0: a cap of 0 is a row left empty
		if (amount === undefined || amount === null || amount === '' || Number(amount) === 0) {
			throw new CoreInputError(
				`${field}.${currency}`,
				`Row ${index + 1} has no amount: enter the largest amount in ${currency.toUpperCase()}, such as 5000`,
			);
		}
		caps[currency] = amount as string | number;
	});
	return caps;
}

import type { IExecuteFunctions } from 'n8n-workflow';

import { assertInvoiceNumber, assertPositiveAmount } from '../../core/gateway360/charge';
import { feeFor, parseFeePercent } from '../../core/money/fee';
import { currencyRules, parseAmount } from '../../core/money/money';
import type { Gateway360Settings } from './settings';

export interface WebInvoice {
	invoiceNumber: string;
	currency: string;
	amountMinor: number;
	feeMinor: number;
}

/** The web invoice an item names: number, amount (more than zero), currency, fee line. */
export function readWebInvoice(
	context: IExecuteFunctions,
	itemIndex: number,
	settings: Gateway360Settings,
): WebInvoice {
	const invoiceNumber = assertInvoiceNumber(
		context.getNodeParameter('invoiceNumber', itemIndex, ''),
	);
	const currency = currencyRules(
		String(context.getNodeParameter('currency', itemIndex, '')).trim() || settings.currency,
	).code;
	const amountMinor = parseAmount(context.getNodeParameter('amount', itemIndex, ''), currency);
	assertPositiveAmount(amountMinor, currency, 'amount');
	const feeRate = parseFeePercent(context.getNodeParameter('feePercent', itemIndex, '0'));
	return { invoiceNumber, currency, amountMinor, feeMinor: feeFor(amountMinor, feeRate, currency) };
}

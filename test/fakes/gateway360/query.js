'use strict';
// @ts-check
/** query.php of the fake gateway: filters as NMI-family gateways take them, XML answers. */
const { fromCents } = require('./store');

function escapeXml(text) {
	return String(text)
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&apos;');
}

const list = (value) =>
	String(value ?? '')
		.split(',')
		.map((part) => part.trim())
		.filter(Boolean);

/** The actions the gateway shows (the fake keeps some only for its own bookkeeping). */
const visibleActions = (t) => t.actions.filter((a) => !a.hidden);

/** The transactions matching a query's fields, oldest first, one page of them. */
function runQuery(store, fields) {
	if (fields.report_type === 'test_mode_status') return null;
	const ids = list(fields.transaction_id);
	const conditions = list(fields.condition);
	const actionTypes = list(fields.action_type);
	const startDate = fields.start_date ?? '';
	const endDate = fields.end_date ?? '';
	let matches = store.list().filter((t) => {
		if (t.unlisted) return false;
		if (ids.length && !ids.includes(t.transactionId)) return false;
		if (fields.order_id !== undefined && t.orderId !== fields.order_id) return false;
		if (conditions.length && !conditions.includes(t.condition)) return false;
		if (actionTypes.length && !visibleActions(t).some((a) => actionTypes.includes(a.actionType)))
			return false;
		// start_date/end_date select by the date the transaction was last modified (its last
		// action), not created: a sale refunded or charged back today is in today's window
		// (Query API, https://docs.nmi.com/reference/query-1).
		const date = visibleActions(t).at(-1)?.date ?? '';
		if (startDate && date < startDate) return false;
		if (endDate && date > endDate) return false;
		return true;
	});
	const limit = fields.result_limit ? Number(fields.result_limit) : 0;
	if (limit > 0) {
		const page = Number(fields.page_number ?? 0);
		matches = matches.slice(page * limit, page * limit + limit);
	}
	return matches;
}

function element(name, value) {
	return value === null || value === undefined || value === ''
		? `<${name}/>`
		: `<${name}>${escapeXml(value)}</${name}>`;
}

/** `<merchant_defined_field id="N">value</merchant_defined_field>`, as the Query API answers them. */
function merchantFieldsXml(t) {
	return Object.entries(t.merchantDefinedFields ?? {})
		.map(
			([number, value]) =>
				`<merchant_defined_field id="${number}">${escapeXml(value)}</merchant_defined_field>`,
		)
		.join('');
}

function transactionXml(t) {
	const actions = visibleActions(t)
		.map(
			(a) =>
				`<action>${element('amount', `${a.negative ? '-' : ''}${fromCents(a.amountCents)}`)}${element('action_type', a.actionType)}${element('date', a.date)}${element('success', a.success ? '1' : '0')}${element('ip_address', '127.0.0.1')}${element('source', 'api')}${element('response_text', a.responseText)}${element('batch_id', '0')}${element('response_code', a.responseCode)}${element('processor_response_code', a.processorResponseCode ?? '')}</action>`,
		)
		.join('');
	const original = t.originalTransactionId
		? element('original_transaction_id', t.originalTransactionId)
		: '';
	return `<transaction>${element('transaction_id', t.transactionId)}${original}${element('partial_payment_id', '')}${element('platform_id', '')}${element('transaction_type', 'cc')}${element('condition', t.condition)}${element('order_id', t.orderId)}${element('authorization_code', t.authorizationCode)}${element('order_description', t.orderDescription)}${element('email', t.email)}${element('cc_number', t.ccNumber)}${element('cc_type', t.ccType)}${element('currency', t.currency)}${element('surcharge', t.surchargeCents === null ? '' : fromCents(t.surchargeCents))}${merchantFieldsXml(t)}${actions}</transaction>`;
}

function queryAnswer(transactions) {
	return `<?xml version="1.0" encoding="UTF-8"?>\n<nm_response>${transactions.map(transactionXml).join('')}</nm_response>\n`;
}

/**
 * The account's test-mode status (query.php with report_type=test_mode_status, Query API,
 * https://docs.nmi.com/reference/query-1): `enabled` while the account runs in test mode.
 */
function testModeAnswer(testMode) {
	return `<?xml version="1.0" encoding="UTF-8"?>\n<nm_response><test_mode_status>${testMode ? 'enabled' : 'disabled'}</test_mode_status></nm_response>\n`;
}

function queryError(message) {
	return `<?xml version="1.0" encoding="UTF-8"?>\n<nm_response><error_response>${escapeXml(message)}</error_response></nm_response>\n`;
}

module.exports = { runQuery, queryAnswer, queryError, testModeAnswer, escapeXml };

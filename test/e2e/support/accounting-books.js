'use strict';
// @ts-check
/**
 * The contract scenario (test/core/books/contract-scenario.js) in the accounting systems' ids,
 * for the QuickBooks Online and Xero adapters (workflows/books/books-quickbooks.json,
 * books-xero.json): the demo books' ids as each local server seeds them (QuickBooks `2001` for
 * `inv-2001`, Xero `guidOf('inv-2001')`), requests mapped there and answers mapped back, and
 * the demo payment ledger (payment records, payment statuses, callers) as rows of the ledger's
 * Data Tables in those ids, from the tables setup workflow's own demo data.
 */
const { readFileSync } = require('node:fs');
const path = require('node:path');

const { guidOf } = require('../../fakes/xero-server');

const SETUP = path.join(__dirname, '../../../workflows/books/books-data-tables-setup.json');

/** Every books id the demo and the scenario name. */
const BOOKS_IDS = [
	...Array.from({ length: 12 }, (_, i) => `inv-${2001 + i}`),
	'inv-9999',
	...Array.from({ length: 5 }, (_, i) => `cust-${1001 + i}`),
	'cust-9999',
	...Array.from({ length: 6 }, (_, i) => `rec-${301 + i}`),
];

/** How each system names a books id (the fakes' seeds: quickBooksSeedFromBooks, xeroSeedFromBooks). */
const SYSTEMS = {
	quickbooks: (id) => id.replace(/^\D+-?/, ''),
	xero: (id) => guidOf(id),
};

/** @param {'quickbooks' | 'xero'} system */
function idsOf(system) {
	const to = new Map(BOOKS_IDS.map((id) => [id, SYSTEMS[system](id)]));
	const back = new Map([...to].map(([books, own]) => [own, books]));
	const map = (value, table) =>
		JSON.parse(
			JSON.stringify(value, (_, v) => (typeof v === 'string' && table.has(v) ? table.get(v) : v)),
		);
	return {
		/** @param {string} id */
		id: (id) => to.get(id) ?? id,
		/** requests in the system's ids */
		toSystem: (value) => map(value, to),
		/** answers in the books ids */
		fromSystem: (value) => map(value, back),
	};
}

/** The tables setup workflow's demo data (its Code node run as n8n runs it), as rows. */
function demoTableRows(today) {
	const setup = JSON.parse(readFileSync(SETUP, 'utf8'));
	const code = setup.nodes.find((n) => n.name === 'The demo data').parameters.jsCode;
	const $ = () => ({ first: () => ({ json: { today } }) });
	return new Function('$', code)($)[0].json;
}

/**
 * The demo ledger in a system's ids: payment records, each invoice's payment status, callers
 * (customers and invoices themselves are the accounting system's).
 * @param {'quickbooks' | 'xero'} system @param {string} today
 */
function demoLedgerRows(system, today) {
	const { id } = idsOf(system);
	const demo = demoTableRows(today);
	const payments = demo.payments.map((row) => {
		const record = { ...JSON.parse(row.record), invoiceId: id(row.invoiceId) };
		return {
			...row,
			recordKey: `${record.invoiceId} ${row.paymentId}`,
			invoiceId: record.invoiceId,
			record: JSON.stringify(record),
		};
	});
	const statuses = demo.invoices
		.filter((row) => row.paymentStatus !== 'unpaid')
		.map((row) => ({ invoiceId: id(row.invoiceId), paymentStatus: row.paymentStatus }));
	const callers = demo.callers.map((row) => ({
		...row,
		customerId: row.customerId === null ? null : id(row.customerId),
	}));
	return { payments, mismatches: [], statuses, customers: [], callers };
}

/**
 * An answer as the contract compares it between adapters: lists of invoices in id order (their
 * order is not the contract's; payment lists are, oldest first).
 */
function sortedInvoices(answers) {
	return JSON.parse(
		JSON.stringify(answers, (key, value) =>
			key === 'invoices' && Array.isArray(value)
				? [...value].sort((a, b) => String(a.id).localeCompare(String(b.id)))
				: value,
		),
	);
}

/**
 * The customer fields each system holds its own way (docs/books-adapters.md, the mapping
 * tables): the local servers seed a customer's email with its accounts address (where both send
 * invoices), and QuickBooks keeps CC addresses per invoice, not per customer.
 */
const OWN_CONTACTS = { quickbooks: ['email', 'accountsCcEmail'], xero: ['email'] };

/**
 * Answers as the contract compares them between adapters: ids in the books' own, lists of
 * invoices in id order (their order is not the contract's; payment lists are, oldest first),
 * without the customer fields the system holds its own way.
 * @param {'quickbooks' | 'xero' | null} system null: an adapter over the books' own ids
 */
function comparableAcross(answers, system) {
	const own = system ? OWN_CONTACTS[system] : [];
	const customer = (c) =>
		c && typeof c === 'object'
			? Object.fromEntries(Object.entries(c).filter(([k]) => !own.includes(k)))
			: c;
	return sortedInvoices(
		JSON.parse(
			JSON.stringify(system ? idsOf(system).fromSystem(answers) : answers, (key, value) => {
				if (key === 'customer') return customer(value);
				if (key === 'customers' && Array.isArray(value)) return value.map(customer);
				return value;
			}),
		),
	);
}

/**
 * Any books id as a system's local server seeds it (quickBooksSeedFromBooks, xeroSeedFromBooks).
 * @param {'quickbooks' | 'xero'} system @param {string} booksId
 */
const systemId = (system, booksId) => SYSTEMS[system](booksId);

module.exports = {
	comparableAcross,
	demoLedgerRows,
	demoTableRows,
	idsOf,
	sortedInvoices,
	systemId,
};

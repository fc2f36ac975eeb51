// @ts-check
// The Auto-Pay Scan's version 2 (issue #24): time zone and currencies from lists, caps and field
// names as rows. Version 1 keeps reading what its stored workflows hold; both feed the same core
// rules, so the same settings decide the same, whichever version holds them.
import { runWorkflow, singleNodeWorkflow } from './harness';
import { startStripe, stripeCredentials } from './stripe-node';
import { AutoPayScan } from '../../nodes/AutoPayScan/AutoPayScan.node';

const AS_OF = '2026-11-23T07:00:00-06:00'; // a Monday morning in Chicago

/** Runs one Auto-Pay Scan node of `typeVersion` on `input`. */
async function runScan(typeVersion, parameters, input) {
	const workflow = singleNodeWorkflow('Node', 'autoPayScan', parameters);
	workflow.nodes[1].typeVersion = typeVersion;
	return await runWorkflow(workflow, { credentials: stripeCredentials(stripe), input });
}

const decisions = (result) => ({
	charge: result.output('Node', 0).map((i) => i.autoPay),
	skipped: result.output('Node', 1).map((i) => i.autoPay),
	summary: result.output('Node', 2),
});

/** Invoices as a books system that names its own fields gives them. */
const input = [
	{ Invoice: { Number: 'X-1' }, Client: 'C-1', Open: '42.00', Due: '2026-11-23', Template: 9 },
	{ Invoice: { Number: 'X-2' }, Client: 'C-2', Open: '60.00', Due: '2026-11-23', Template: 9 },
	{ Invoice: { Number: 'X-3' }, Client: 'C-3', Open: '5000', Due: '2026-11-22', Template: 9 },
	{
		Invoice: { Number: 'X-4' },
		Client: 'C-4',
		Open: '30.00',
		Due: '2026-11-23',
		Template: 9,
		Money: 'GBP',
	},
	{ Invoice: { Number: 'X-5' }, Client: 'C-5', Open: '45.00', Due: '2026-11-24', Template: 9 },
];

/** An invoice in the fields of the default names, due on `dueDate`. */
const plainInvoice = (dueDate) => ({
	id: 'INV-1',
	customerId: 'C-1',
	balance: '10.00',
	currency: 'usd',
	dueDate,
	recurringInvoiceId: 'R-1',
});

const common = {
	takePaymentOn: 'dueDate',
	asOf: AS_OF,
	catchUpDays: 3,
	recurringOnly: true,
	checkStripe: false,
};

/** A version 1 node's parameters as its workflows store them: typed caps, one field each. */
const version1 = {
	...common,
	timeZone: 'America/Chicago',
	fields: {
		id: 'Invoice.Number',
		customerId: 'Client',
		balance: 'Open',
		dueDate: 'Due',
		recurringInvoiceId: 'Template',
		currency: 'Money',
	},
	options: {
		addRunSummary: true,
		defaultCurrency: 'eur',
		maxPerInvoice: 'eur=50, gbp=100',
		maxTotalPerRun: 'eur=100, gbp=20',
	},
};

/** The same settings as version 2 holds them: lists and rows. */
const version2 = {
	...common,
	timeZone: 'America/Chicago',
	invoiceFields: {
		fields: [
			{ invoiceField: 'id', fieldName: 'Invoice.Number' },
			{ invoiceField: 'customerId', fieldName: 'Client' },
			{ invoiceField: 'balance', fieldName: 'Open' },
			{ invoiceField: 'dueDate', fieldName: 'Due' },
			{ invoiceField: 'recurringInvoiceId', fieldName: 'Template' },
			{ invoiceField: 'currency', fieldName: 'Money' },
		],
	},
	options: {
		addRunSummary: true,
		defaultCurrency: 'eur',
		maxPerInvoice: {
			caps: [
				{ currency: 'eur', amount: 50 },
				{ currency: 'gbp', amount: 100 },
			],
		},
		maxTotalPerRun: {
			caps: [
				{ currency: 'eur', amount: 100 },
				{ currency: 'gbp', amount: 20 },
			],
		},
	},
};

let stripe;
beforeAll(async () => {
	stripe = await startStripe();
});
afterAll(async () => {
	await stripe.close();
});

describe('Auto-Pay Scan version 2', () => {
	test('a new node is version 2; version 1 stays loadable', () => {
		const { description } = new AutoPayScan();
		expect(description.version).toEqual([1, 2]);
		expect(description.defaultVersion).toBe(2);
	});

	test("a version 1 node's stored parameters decide as they always did", async () => {
		const { charge, skipped } = decisions(await runScan(1, version1, input));
		expect(charge.map((d) => [d.invoiceId, d.amount, d.currency])).toEqual([
			['X-1', '42.00', 'eur'],
		]);
		expect(skipped.map((d) => [d.invoiceId, d.reason])).toEqual([
			['X-2', 'OVER_CAP'], // 60 EUR over the 50 per invoice
			['X-3', 'OVER_CAP'],
			['X-4', 'OVER_CAP'], // 30 GBP over the run's 20
			['X-5', 'NOT_DUE_YET'],
		]);
	});

	test('version 1: a cap an expression turned into something other than text stops the run, never charges uncapped', async () => {
		const result = await runScan(
			1,
			{ ...version1, options: { ...version1.options, maxPerInvoice: '={{ { usd: 5 } }}' } },
			input,
		);
		expect(result.error?.message).toBe(
			'Item 0: invalid "Max per Invoice": The caps must be text such as usd=5000, eur=4500 (currency=amount, comma-separated)',
		);
	});

	test('version 2 rows hold the same settings and decide the same', async () => {
		const v1 = decisions(await runScan(1, version1, input));
		const v2 = decisions(await runScan(2, version2, input));
		expect(v2).toEqual(v1);
		expect(v2.charge).toHaveLength(1);
	});

	test('a cap row is in the currency itself: 50 EUR is 5000 cents; a run total stops the run', async () => {
		const caps = (perInvoice, total) => ({
			...version2,
			options: {
				defaultCurrency: 'eur',
				maxPerInvoice: { caps: [{ currency: 'eur', amount: perInvoice }] },
				maxTotalPerRun: { caps: [{ currency: 'EUR', amount: total }] },
			},
		});
		const eurInput = input.filter((i) => i.Money === undefined);
		const open = decisions(await runScan(2, caps(60, 102), eurInput));
		expect(open.charge.map((d) => [d.invoiceId, d.amountMinor])).toEqual([
			['X-1', 4200],
			['X-2', 6000],
		]);
		const tight = decisions(await runScan(2, caps(60, 101.99), eurInput));
		expect(tight.charge.map((d) => d.invoiceId)).toEqual(['X-1']);
		expect(tight.skipped.find((d) => d.invoiceId === 'X-2').reason).toBe('OVER_CAP');
	});

	test('no Invoice Fields rows: every value from its default field', async () => {
		const result = await runScan(2, { ...common, timeZone: 'America/Chicago' }, [
			plainInvoice('2026-11-23'),
		]);
		expect(decisions(result).charge.map((d) => [d.invoiceId, d.amount])).toEqual([
			['INV-1', '10.00'],
		]);
	});

	test("the time zone left empty is the workflow's (its settings), as in version 1", async () => {
		const late = plainInvoice('2026-11-24');
		// 2026-11-23T23:30 in Chicago is already the 24th in Berlin
		const params = { ...common, asOf: '2026-11-23T23:30:00-06:00', timeZone: '' };
		const run = async (timezone) => {
			const workflow = singleNodeWorkflow('Node', 'autoPayScan', params);
			workflow.nodes[1].typeVersion = 2;
			workflow.settings = { timezone };
			return decisions(
				await runWorkflow(workflow, { credentials: stripeCredentials(stripe), input: [late] }),
			);
		};
		expect((await run('Europe/Berlin')).charge.map((d) => d.invoiceId)).toEqual(['INV-1']);
		expect((await run('America/Chicago')).skipped.map((d) => d.reason)).toEqual(['NOT_DUE_YET']);
	});

	test.each([
		[
			'a currency given twice',
			{
				options: {
					maxPerInvoice: {
						caps: [
							{ currency: 'usd', amount: 10 },
							{ currency: 'USD', amount: 20 },
						],
					},
				},
			},
			'Item 0: invalid "Max per Invoice": USD is given twice: keep one row per currency',
		],
		[
			// n8n fills an empty Amount with 0
			'a cap row left without an amount',
			{ options: { maxPerInvoice: { caps: [{ currency: 'usd', amount: 0 }] } } },
			'Item 0: invalid "Max per Invoice (usd)": Row 1 has no amount: enter the largest amount in USD, such as 5000',
		],
		[
			'a cap row without a currency',
			{ options: { maxTotalPerRun: { caps: [{ currency: '', amount: 10 }] } } },
			'Item 0: invalid "Max Total per Run": Row 1 has no currency: pick one, or delete the row',
		],
		[
			'a cap with more decimals than its currency has',
			{ options: { maxPerInvoice: { caps: [{ currency: 'jpy', amount: 12.5 }] } } },
			'Item 0: invalid "Max per Invoice (jpy)": Amount "12.5" has more decimals than JPY allows (0)',
		],
		[
			'a currency Stripe does not charge in',
			{ options: { defaultCurrency: 'xyz' } },
			'Item 0: invalid "Default Currency Name or ID": Currency "xyz" is not one Stripe charges in',
		],
		[
			'an invoice field mapped twice',
			{
				invoiceFields: {
					fields: [
						{ invoiceField: 'balance', fieldName: 'Open' },
						{ invoiceField: 'balance', fieldName: 'Due' },
					],
				},
			},
			'Item 0: invalid "Invoice Fields": Balance Due is mapped twice: keep one row for it',
		],
		[
			'an invoice field row without a field name',
			{ invoiceFields: { fields: [{ invoiceField: 'currency', fieldName: ' ' }] } },
			'Item 0: invalid "Invoice Fields": Row 1 (Currency) has no field name: enter the input field that holds it, such as currency',
		],
		[
			'a time zone from an expression that is none',
			{ timeZone: '={{ "Mars/Olympus" }}' },
			'Item 0: invalid "Business Time Zone Name or ID": Time zone "Mars/Olympus" is not an IANA time zone name such as Europe/Berlin',
		],
	])('%s fails before any invoice, naming the parameter', async (_, extra, message) => {
		const result = await runScan(2, { ...common, timeZone: 'America/Chicago', ...extra }, [
			{ id: 'INV-1' },
		]);
		expect(result.error?.message).toBe(message);
		expect(result.error?.name).toBe('NodeOperationError');
	});

	test('the pickers list Stripe currencies and IANA time zones', async () => {
		const { loadOptions } = new AutoPayScan().methods;
		const currencies = await loadOptions.getCurrencies.call(/** @type {any} */ ({}));
		const zones = await loadOptions.getTimeZones.call(/** @type {any} */ ({}));
		expect(currencies.map((c) => c.value)).toEqual(expect.arrayContaining(['usd', 'eur', 'jpy']));
		expect(zones.map((z) => z.value)).toEqual(
			expect.arrayContaining(['UTC', 'America/Chicago', 'Europe/Berlin']),
		);
	});
});

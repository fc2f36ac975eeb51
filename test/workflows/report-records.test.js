// @ts-check
/**
 * The run report and the auto-pay preview take the run's records as input items (Invoice
 * Payments Tools version 2, Records From: Input Items), joined by a Merge node (Append) where the
 * branches meet, not from expressions reaching into other nodes (#24 item 2). Run for real in
 * test/e2e/03-daily-auto-pay.e2e.js, 09-auto-pay-dry-run.e2e.js and 12-nothing-to-charge.e2e.js;
 * what each record is, in test/engine/report-records.engine.test.js.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { PACKAGE_NAME } from '../engine/package-types';

/** @param {string} file */
const read = (file) =>
	JSON.parse(readFileSync(path.join(__dirname, '../../workflows', file), 'utf8'));

/** The nodes wired into each input of `name`, as [input, node, output] sorted by input. */
const intoInputs = (workflow, name) =>
	Object.entries(workflow.connections)
		.flatMap(([from, { main = [] }]) =>
			main.flatMap((links, output) =>
				(links ?? []).filter((l) => l.node === name).map((l) => [l.index, from, output]),
			),
		)
		.sort((a, b) => a[0] - b[0]);

const cases = [
	{
		file: 'daily-auto-pay.json',
		compose: 'Compose run report',
		operation: 'composeRunReport',
		merge: 'Run report: every record',
		inputs: [
			[0, 'Auto-Pay Scan', 2],
			[1, 'Skipped: in the run report', 0],
			[2, 'Charged: to the books', 0],
			[3, 'Not charged: in the run report', 0],
		],
	},
	{
		file: 'auto-pay-dry-run.json',
		compose: 'Compose auto-pay preview',
		operation: 'composeAutoPayPreview',
		merge: 'Preview: every record',
		inputs: [
			[0, 'Auto-Pay Scan: as of tomorrow 06:00', 2],
			[1, 'Would charge', 0],
			[2, 'Would skip', 0],
		],
	},
];

describe.each(cases)('$file', ({ file, compose, operation, merge, inputs }) => {
	const workflow = read(file);
	const node = (/** @type {string} */ name) => workflow.nodes.find((n) => n.name === name);

	test('the report node reads its records from its input items, no list expression left', () => {
		const tools = node(compose);
		expect(tools).toMatchObject({
			type: `${PACKAGE_NAME}.invoicePaymentsTools`,
			typeVersion: 2,
			parameters: { resource: 'email', operation, recordsFrom: 'inputItems' },
		});
		for (const list of ['runSummary', 'payments', 'chargeInvoices', 'skippedInvoices'])
			expect(tools.parameters).not.toHaveProperty(list);
		// what is left reaching into another node is one value of Settings each
		for (const value of Object.values(tools.parameters).flatMap((v) =>
			typeof v === 'object' ? Object.values(v) : [v],
		)) {
			if (typeof value === 'string' && value.includes('$('))
				expect(value).toMatch(/^=\{\{ \$\('Settings'\)\.first\(\)\.json\.\w+ \}\}$/);
		}
	});

	test('one Merge (Append) joins every branch of the run into it, the Run Summary among them', () => {
		expect(node(merge)).toMatchObject({
			type: 'n8n-nodes-base.merge',
			typeVersion: 3.2,
			parameters: { numberInputs: inputs.length },
		});
		// append is the Merge's default mode: any input with items suffices (a run where no
		// charge was made, or every charge failed, still reports)
		expect(node(merge).parameters).not.toHaveProperty('mode');
		expect(intoInputs(workflow, merge)).toEqual(inputs);
		expect(intoInputs(workflow, compose)).toEqual([[0, merge, 0]]);
	});
});

test("the daily run hands the charge node's two outputs to the report through nodes that run only with items", () => {
	const daily = read('daily-auto-pay.json');
	expect(
		daily.connections['Stripe: charge the automatic payment method'].main.map((links) =>
			links.map((l) => l.node),
		),
	).toEqual([['Charged: to the books'], ['Not charged: in the run report']]);
	const charge = daily.nodes.find((n) => n.name === 'Stripe: charge the automatic payment method');
	expect(charge.onError).toBe('continueErrorOutput');
});

test("the web invoice hands the books' recorded payments to the 360 charge as a list, not joined text", () => {
	const web = read('web-invoice-pay-now.json');
	for (const name of [
		'360 Payments: charge the card',
		'360 Payments: charge the card, claiming it in Stripe',
	]) {
		const ids = web.nodes.find((n) => n.name === name).parameters.options.recordedPaymentIds;
		expect(ids).toMatch(/\.map\(\(payment\) => payment\.paymentId\) \}\}$/);
		expect(ids).not.toContain('join(');
	}
});

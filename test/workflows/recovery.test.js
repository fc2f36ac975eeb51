// @ts-check
/**
 * Recovery in the shipped workflows, read as files (docs/recovery.md): the daily auto-pay and its
 * dry run take the retry policy from Settings into the Auto-Pay Scan, the emails and the reports;
 * an invoice whose schedule ended unpaid gets the end action Settings name. Run for real in
 * test/e2e/18-auto-pay-recovery.e2e.js.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { DEFAULT_RETRY_POLICY, DEFAULT_RETRY_SCHEDULE_DAYS } from '../../nodes/core/defaults';
import { DEFAULT_SILENT_FIRST_RETRY } from '../../nodes/core/email/paymentEmails';
import { PACKAGE_NAME } from '../engine/package-types';
import { booksCalls } from './books-calls';

/** @param {string} file */
const read = (file) =>
	JSON.parse(readFileSync(path.join(__dirname, '../../workflows', file), 'utf8'));
const daily = read('daily-auto-pay.json');
const dryRun = read('auto-pay-dry-run.json');
/** @param {any} workflow @param {string} name */
const nodeOf = (workflow, name) => {
	const found = workflow.nodes.find((/** @type {any} */ n) => n.name === name);
	if (!found) throw new Error(`No node ${name} in ${workflow.name}`);
	return found;
};
/** @param {string} name */
const node = (name) => nodeOf(daily, name);
/** @param {string} name @param {number} output @returns {string[]} */
const targets = (name, output) =>
	(daily.connections[name]?.main[output] ?? []).map((/** @type {any} */ link) => link.node);
/** @param {any} workflow */
const settingsOf = (workflow) =>
	Object.fromEntries(
		nodeOf(workflow, 'Settings').parameters.assignments.assignments.map((/** @type {any} */ a) => [
			a.name,
			a.value,
		]),
	);
/** @param {string} field */
const fromSettings = (field) => `={{ $('Settings').first().json.${field} }}`;

/**
 * An expression's body as a function of $json and Settings.
 * @param {string} expression
 * @returns {(json: any, settings: any) => any}
 */
function evaluate(expression) {
	const body = /** @type {RegExpExecArray} */ (/^=\{\{(.*)\}\}$/s.exec(expression))[1];
	const run = new Function('$json', '$', `return ${body}`);
	return (json, settings) =>
		run(json, (/** @type {string} */ name) => {
			if (name !== 'Settings') throw new Error(`unexpected $('${name}')`);
			return { first: () => ({ json: settings }) };
		});
}

test("Settings hold the retry policy, its schedule, the silent first retry and the end action, at the core's defaults", () => {
	expect(settingsOf(daily)).toMatchObject({
		retryPolicy: DEFAULT_RETRY_POLICY,
		retryScheduleDays: DEFAULT_RETRY_SCHEDULE_DAYS.join(', '),
		silentFirstRetry: DEFAULT_SILENT_FIRST_RETRY,
		recoveryEndAction: 'leaveOpen',
		recoveryWebhookUrl: '',
	});
	// the dry run scans with the daily run's policy
	const { retryPolicy, retryScheduleDays } = settingsOf(daily);
	expect(settingsOf(dryRun)).toMatchObject({ retryPolicy, retryScheduleDays });
});

test('the Auto-Pay Scan of both workflows takes the policy and its days from Settings', () => {
	for (const [workflow, name] of [
		[daily, 'Auto-Pay Scan'],
		[dryRun, 'Auto-Pay Scan: as of tomorrow 06:00'],
	]) {
		expect(nodeOf(workflow, name).parameters.options).toMatchObject({
			retryPolicy: fromSettings('retryPolicy'),
			retryScheduleDays: fromSettings('retryScheduleDays'),
		});
	}
});

test('the payment emails follow the policy; the Last Payment Notice leaves by the failure output', () => {
	const compose = node('Compose payment emails');
	expect(compose.type).toBe(`${PACKAGE_NAME}.invoicePaymentsTools`);
	expect(compose.parameters.options).toMatchObject({
		retryPolicy: fromSettings('retryPolicy'),
		retryScheduleDays: fromSettings('retryScheduleDays'),
		silentFirstRetry: fromSettings('silentFirstRetry'),
	});
	expect(targets('Compose payment emails', 1)).toEqual(['Send Payment Failure']);
	// the link the failure emails offer is made for every failed charge, as before
	expect(compose.parameters.updatePaymentMethodUrl).toBe("={{ $json.url ?? '' }}");
});

test('the run report and the preview carry the recovery figures; the report names the end action', () => {
	expect(node('Compose run report').parameters).toMatchObject({
		retryPolicy: fromSettings('retryPolicy'),
		endAction: fromSettings('recoveryEndAction'),
	});
	expect(nodeOf(dryRun, 'Compose auto-pay preview').parameters.retryPolicy).toBe(
		fromSettings('retryPolicy'),
	);
});

test('the payment-status workflow composes a payment email with the recovery settings the daily run uses', () => {
	// whichever records a status first (the run, or the Stripe webhook a moment before it)
	// emails it: both must compose it alike (the silent first retry, the next try's day)
	const status = read('payment-status.json');
	const compose = (/** @type {any} */ workflow) =>
		nodeOf(workflow, 'Compose payment emails').parameters.options;
	expect(compose(status)).toEqual(compose(daily));
	for (const field of ['retryPolicy', 'retryScheduleDays', 'silentFirstRetry'])
		expect([field, settingsOf(status)[field]]).toEqual([field, settingsOf(daily)[field]]);
});

describe('the end action on RETRIES_EXHAUSTED', () => {
	const FILTER = 'Retries exhausted: an end action?';
	const SWITCH = 'Which end action?';
	const filter = node(FILTER);
	const passes = evaluate(filter.parameters.conditions.conditions[0].leftValue);
	const skip = (reason) => ({
		id: 'inv-1',
		autoPay: {
			action: 'skip',
			reason,
			invoiceId: 'inv-1',
			message: 'the retry schedule ended on 2026-12-07',
			recovery: {
				firstFailureDay: '2026-11-23',
				scheduleEndDay: '2026-12-07',
				lastDecline: { paymentId: 'pi_9' },
			},
		},
	});

	test("it follows the scan's skipped invoices: only RETRIES_EXHAUSTED, only when an action is set", () => {
		expect(targets('Auto-Pay Scan', 1)).toContain(FILTER);
		for (const action of ['markInBooks', 'webhook'])
			expect(passes(skip('RETRIES_EXHAUSTED'), { recoveryEndAction: action })).toBe(true);
		expect(passes(skip('RETRIES_EXHAUSTED'), { recoveryEndAction: 'leaveOpen' })).toBe(false);
		for (const reason of ['RETRY_SCHEDULED', 'DO_NOT_RETRY', 'ACTION_REQUIRED', 'NOT_DUE_YET'])
			expect(passes(skip(reason), { recoveryEndAction: 'markInBooks' })).toBe(false);
		expect(targets(FILTER, 0)).toEqual([SWITCH]);
	});

	test('mark in the books: the invoice collection state, through the books adapter', () => {
		const rules = node(SWITCH).parameters.rules.values.map(
			(/** @type {any} */ rule) => rule.conditions.conditions[0],
		);
		expect(rules.map((/** @type {any} */ r) => [r.leftValue, r.rightValue])).toEqual([
			[fromSettings('recoveryEndAction'), 'markInBooks'],
			[fromSettings('recoveryEndAction'), 'webhook'],
		]);
		const calls = booksCalls(daily);
		const [books] = calls.targets(SWITCH, 0);
		expect(books).toMatch(/^Books: /);
		expect(calls.isCall(books)).toBe(true);
		const request = node(`${books}: request`).parameters.jsonOutput;
		expect(JSON.parse(evaluate(request)(skip('RETRIES_EXHAUSTED'), {}))).toEqual({
			operation: 'setInvoiceCollection',
			invoiceId: 'inv-1',
			collection: {
				state: 'retries_exhausted',
				since: '2026-12-07',
				firstFailureDay: '2026-11-23',
				lastPaymentId: 'pi_9',
				message: 'the retry schedule ended on 2026-12-07',
			},
		});
		// marked: nothing more; the books' "no" stops the run, as at every books step
		expect(targets(books, 0)).toEqual([`${books}: done?`]);
		expect(targets(`${books}: done?`, 0)).toEqual([]);
		expect(targets(`${books}: done?`, 1)).toEqual(['Stop: the books refused']);
	});

	test('the webhook: POSTed to the Settings URL, one id per invoice and schedule, the run goes on if it fails', () => {
		const [hook] = targets(SWITCH, 1);
		const { parameters, onError, credentials } = node(hook);
		expect(hook).toMatch(/^Your system: /);
		expect(parameters.method).toBe('POST');
		expect(parameters.url).toBe(fromSettings('recoveryWebhookUrl'));
		expect(credentials).toBeUndefined();
		expect(onError).toBe('continueRegularOutput');
		const body = JSON.parse(evaluate(parameters.jsonBody)(skip('RETRIES_EXHAUSTED'), {}));
		expect(body).toMatchObject({
			type: 'auto_pay.retries_exhausted',
			id: 'invpay-retries-exhausted-inv-1-2026-11-23',
			invoiceId: 'inv-1',
			recovery: { scheduleEndDay: '2026-12-07' },
		});
		const [header] = parameters.headerParameters.parameters;
		expect(header.name).toBe('Idempotency-Key');
		expect(evaluate(header.value)(skip('RETRIES_EXHAUSTED'), {})).toBe(body.id);
	});

	test('a sticky note explains recovery and links docs/recovery.md', () => {
		const notes = daily.nodes
			.filter((/** @type {any} */ n) => n.type === 'n8n-nodes-base.stickyNote')
			.map((/** @type {any} */ n) => n.parameters.content);
		const recovery = notes.find((/** @type {string} */ text) => text.includes('docs/recovery.md'));
		for (const field of [
			'retryPolicy',
			'retryScheduleDays',
			'silentFirstRetry',
			'recoveryEndAction',
			'recoveryWebhookUrl',
		])
			expect([field, recovery.includes(field)]).toEqual([field, true]);
	});
});

describe('the card expiry check (pre-dunning)', () => {
	const check = read('card-expiry-check.json');
	const inCheck = (/** @type {string} */ name) => nodeOf(check, name);
	/** @param {string} name @param {number} [output] @returns {string[]} a books call read as one step */
	const next = (name, output = 0) => booksCalls(check).targets(name, output);

	test('off by default, monthly on day 1, and manual', () => {
		expect(check.active).toBe(false);
		expect(settingsOf(check)).toMatchObject({ preDunning: false, asOf: '' });
		const schedule = check.nodes.find(
			(/** @type {any} */ n) => n.type === 'n8n-nodes-base.scheduleTrigger',
		);
		expect(schedule.parameters.rule.interval).toEqual([
			{ field: 'months', triggerAtDayOfMonth: 1, triggerAtHour: 9 },
		]);
		const gate = inCheck('Pre-dunning on?');
		const on = evaluate(gate.parameters.conditions.conditions[0].leftValue);
		expect([on({}, { preDunning: false }), on({}, { preDunning: true })]).toEqual([false, true]);
		expect(next('Settings')).toEqual(['Pre-dunning on?']);
		expect(next('Pre-dunning on?', 0)).toEqual(['Books: read open recurring invoices']);
		expect(next('Pre-dunning on?', 1)).toEqual([]);
		// the books adapter: the open recurring invoices, then the customers, one call each
		expect(next('Books: read open recurring invoices')).toEqual(['Books: read the customers']);
		expect(next('Books: read the customers')).toEqual(['Customers with an open recurring invoice']);
		const whose = evaluate(
			inCheck(
				'Customers with an open recurring invoice',
			).parameters.conditions.conditions[0].leftValue.replace(
				"$('Books: read open recurring invoices').first().json",
				'$json.answer',
			),
		);
		const answer = { invoices: [{ id: 'i1', customerId: 'c1' }] };
		expect([whose({ id: 'c1', answer }, {}), whose({ id: 'c2', answer }, {})]).toEqual([
			true,
			false,
		]);
	});

	test("each customer's payment days go to Check Card Expiry; only an expiring card gets a link and a notice", () => {
		const stripeCheck = inCheck('Stripe: check the automatic card');
		expect(stripeCheck.parameters).toMatchObject({
			resource: 'paymentMethod',
			operation: 'checkCardExpiry',
			customer: { mode: 'mapping', value: '={{ $json.id }}' },
			asOf: fromSettings('asOf'),
		});
		// the payment days of the customer's invoices, by takePaymentOn
		const body = /** @type {RegExpExecArray} */ (
			/^=\{\{(.*)\}\}$/s.exec(stripeCheck.parameters.paymentDays)
		)[1];
		const invoices = [
			{ customerId: 'c1', dueDate: '2027-01-05', createdAt: '2026-12-20' },
			{ customerId: 'c2', dueDate: '2027-01-09', createdAt: '2026-12-22' },
			{ customerId: 'c1', dueDate: '2027-02-05', createdAt: '2027-01-20' },
		];
		const days = (takePaymentOn) =>
			new Function('$json', '$', `return ${body}`)({ id: 'c1' }, (/** @type {string} */ name) =>
				name === 'Settings'
					? { first: () => ({ json: { takePaymentOn } }) }
					: { first: () => ({ json: { operation: 'listOpenRecurringInvoices', invoices } }) },
			);
		expect(days('dueDate')).toEqual(['2027-01-05', '2027-02-05']);
		expect(days('creationDate')).toEqual(['2026-12-20', '2027-01-20']);

		expect(next('Stripe: check the automatic card')).toEqual([
			'Card expires before the next due day?',
		]);
		const expiring = evaluate(
			inCheck('Card expires before the next due day?').parameters.conditions.conditions[0]
				.leftValue,
		);
		expect(expiring({ expiresBeforeNextDueDay: true }, {})).toBe(true);
		expect(expiring({ expiresBeforeNextDueDay: false }, {})).toBe(false);
		expect(expiring({ error: 'No Stripe customer is mapped' }, {})).toBe(false);
		expect(next('Card expires before the next due day?')).toEqual(['Stripe: add-method link']);
		expect(next('Stripe: add-method link')).toEqual(['Compose card expiry notice']);
		expect(inCheck('Compose card expiry notice').parameters).toMatchObject({
			operation: 'composeCardExpiryNotice',
			updatePaymentMethodUrl: "={{ $json.url ?? '' }}",
		});
		expect(next('Compose card expiry notice', 0)).toEqual(['Send Card Expiry Notice']);
		expect(next('Compose card expiry notice', 1)).toEqual([]);
	});
});

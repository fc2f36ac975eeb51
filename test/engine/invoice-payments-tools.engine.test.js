// @ts-check
/**
 * The Invoice Payments Tools node inside n8n's real WorkflowExecute: parameters given as the
 * bundled workflows give them (expressions over earlier nodes), items routed to the right
 * outputs, pairedItem kept, bad input failing with the item and the field named.
 */
import { createHmac } from 'node:crypto';

import { money } from '../../nodes/core/money/money';
import { runWorkflow, singleNodeWorkflow } from './harness';
import { credentialClasses, nodeClasses, PACKAGE_NAME } from './package-types';

const SECRET = 'engine-test-link-signing-secret-0123456789';
const CREDENTIALS = { invoiceLinkSigningApi: { secret: SECRET, previousSecret: '' } };
const LINK_CREDENTIAL = { invoiceLinkSigningApi: { id: 'links', name: 'Invoice links' } };

const run = (parameters, input, nodeCredentials = {}) =>
	runWorkflow(singleNodeWorkflow('Tools', 'invoicePaymentsTools', parameters, nodeCredentials), {
		input,
		credentials: CREDENTIALS,
	});

const record = (invoiceId, status, extra = {}) => ({
	provider: 'stripe',
	invoiceId,
	paymentId: `pi_${invoiceId}`,
	status,
	amount: money(10000, 'usd'),
	fee: money(0, 'usd'),
	total: money(10000, 'usd'),
	paymentMethod: { label: 'Visa •••• 4242' },
	failure:
		status === 'failed' ? { code: 'card_declined', message: 'Your card was declined.' } : null,
	nextActionUrl: null,
	...extra,
});

test('the package registers the node and its credential', () => {
	expect(nodeClasses.map((C) => new C().description.name)).toContain('invoicePaymentsTools');
	expect(credentialClasses.map((C) => new C().name)).toContain('invoiceLinkSigningApi');
	expect(PACKAGE_NAME).toBe('n8n-nodes-invoice-payments');
});

describe('Email > Compose Payment Emails', () => {
	const parameters = (setting) => ({
		resource: 'email',
		operation: 'composePaymentEmails',
		paymentRecord: '={{ $json.payment }}',
		statusIsNew: '={{ $json.statusChanged }}',
		emailSetting: setting,
		failureAddress: 'team@business.example.com',
		invoiceNumber: '={{ $json.invoice.number }}',
		customerName: 'Acme Plumbing Ltd',
		customerEmail: 'office@acme.example.com',
		accountsEmail: 'ap@acme.example.com',
		accountsCcEmail: 'controller@acme.example.com',
		payingUserEmail: '',
		automaticPaymentMethod: '={{ $json.method }}',
		updatePaymentMethodUrl: '',
		options: { businessName: 'Business Ltd' },
	});
	// What "Books: record the payment" answers, plus the automatic method read from Stripe.
	const answers = [
		{
			payment: record('inv-1', 'succeeded'),
			invoice: { number: 'INV-1' },
			statusChanged: true,
			method: 'Visa •••• 4242',
		},
		{
			payment: record('inv-2', 'failed'),
			invoice: { number: 'INV-2' },
			statusChanged: true,
			method: '',
		},
		{
			payment: record('inv-3', 'succeeded'),
			invoice: { number: 'INV-3' },
			statusChanged: false,
			method: '',
		},
		{
			payment: record('inv-4', 'processing'),
			invoice: { number: 'INV-4' },
			statusChanged: true,
			method: '',
		},
	];

	test('successes and failures: each email on the output of its template, the rest on No Email', async () => {
		const result = await run(parameters('successesAndFailures'), answers);
		expect(result.error).toBeUndefined();
		const [confirmations, failures, none] = [0, 1, 2].map((i) => result.items('Tools', i));
		expect(confirmations.map((i) => [i.json.subject, i.json.to, i.json.cc, i.pairedItem])).toEqual([
			[
				'Payment Confirmation: invoice INV-1',
				'office@acme.example.com',
				'ap@acme.example.com, controller@acme.example.com',
				{ item: 0 },
			],
		]);
		expect(confirmations[0].json.text).toContain('Automatic payment method: Visa •••• 4242');
		expect(failures.map((i) => [i.json.subject, i.json.bcc, i.pairedItem])).toEqual([
			['Payment Failure: invoice INV-2', 'team@business.example.com', { item: 1 }],
		]);
		expect(failures[0].json.text).toContain('Automatic payment method: No automatic payment setup');
		expect(none.map((i) => [i.json.invoiceId, i.json.reason, i.pairedItem])).toEqual([
			['inv-3', 'ALREADY_NOTIFIED', { item: 2 }],
			['inv-4', 'STATUS_NOT_NOTIFIED', { item: 3 }],
		]);
	});

	test('failures only: no confirmation, the failure to the team only', async () => {
		const result = await run(parameters('failuresOnly'), answers);
		expect(result.output('Tools', 0)).toEqual([]);
		expect(result.output('Tools', 1).map((e) => [e.to, e.cc, e.audience])).toEqual([
			['team@business.example.com', '', 'internal'],
		]);
		expect(result.output('Tools', 2).map((e) => e.reason)).toEqual([
			'SUCCESS_EMAILS_OFF',
			'ALREADY_NOTIFIED',
			'STATUS_NOT_NOTIFIED',
		]);
	});

	test('a record that cannot be read fails the node naming the item and the field', async () => {
		const result = await run(parameters('successesAndFailures'), [
			answers[0],
			{ payment: { status: 'succeeded' }, invoice: {} },
		]);
		expect(result.error?.message).toBe(
			'Item 1: invalid "Payment Record": The payment record has no invoiceId',
		);
	});

	test('a locale that is no language tag fails the node naming the item and the option', async () => {
		const result = await run(
			{ ...parameters('successesAndFailures'), options: { locale: '={{ $json.locale }}' } },
			[
				{ ...answers[0], locale: 'de-DE' },
				{ ...answers[0], locale: 'english' },
			],
		);
		expect(result.error?.message).toBe(
			'Item 1: invalid "Locale": "english" is not a language tag: write one such as en-US, de-DE or fr-CH (amounts are shown in its format)',
		);
	});

	test('with Continue On Fail the bad item goes to No Email with its error, the others on', async () => {
		const workflow = singleNodeWorkflow(
			'Tools',
			'invoicePaymentsTools',
			parameters('successesAndFailures'),
		);
		workflow.nodes[1].onError = 'continueRegularOutput';
		const result = await runWorkflow(workflow, {
			input: [{ payment: 'not json', invoice: {} }, answers[0]],
			credentials: CREDENTIALS,
		});
		expect(result.output('Tools', 0).map((e) => e.invoiceId)).toEqual(['inv-1']);
		expect(result.output('Tools', 2)).toEqual([
			{
				send: false,
				error: expect.stringContaining('Item 0: invalid "Payment Record"'),
				itemIndex: 0,
			},
		]);
	});
});

describe('Email > Compose Run Report', () => {
	test('one report over the whole run, skipped items read from their autoPay decision', async () => {
		const result = await run(
			{
				resource: 'email',
				operation: 'composeRunReport',
				reportAddress: 'team@business.example.com',
				runSummary: '={{ $json.summary }}',
				payments: '={{ $json.payments }}',
				skippedInvoices: '={{ $json.skipped }}',
			},
			[
				{
					summary: { scanDay: '2026-11-23', invoices: 3 },
					payments: [record('inv-1', 'succeeded'), record('inv-2', 'failed')],
					skipped: [
						{
							id: 'inv-3',
							autoPay: {
								action: 'skip',
								invoiceId: 'inv-3',
								reason: 'NOT_DUE_YET',
								message: 'Not due yet',
							},
						},
					],
				},
				{ ignored: true },
			],
		);
		const [report] = result.items('Tools');
		expect(report.json).toMatchObject({
			to: 'team@business.example.com',
			subject: 'Auto-pay run 2026-11-23: 1 paid, 1 failed, 1 skipped',
		});
		expect(report.json.text).toContain('- inv-3 - NOT_DUE_YET - Not due yet');
		expect(report.pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
	});
});

describe('Email > Compose Auto-Pay Preview', () => {
	test("one preview of a scan's Charge and Skipped items; nothing charged", async () => {
		const result = await run(
			{
				resource: 'email',
				operation: 'composeAutoPayPreview',
				reportAddress: 'team@business.example.com',
				runSummary: '={{ $json.summary }}',
				chargeInvoices: '={{ $json.charge }}',
				skippedInvoices: '={{ $json.skipped }}',
				options: { businessName: 'Demo Services Ltd' },
			},
			[
				{
					summary: {
						scanDay: '2026-11-24',
						invoices: 2,
						chargeTotals: {
							usd: { currency: 'usd', count: 1, amountMinor: 9900, amount: '99.00' },
						},
					},
					charge: [
						{
							id: 'inv-1',
							autoPay: {
								action: 'charge',
								invoiceId: 'inv-1',
								customerId: 'cust-1',
								amountMinor: 9900,
								currency: 'usd',
								paymentDay: '2026-11-24',
								daysLate: 0,
								paymentMethod: { id: 'pm_1', label: 'Visa •••• 4242' },
							},
						},
					],
					skipped: [
						{
							id: 'inv-2',
							autoPay: {
								action: 'skip',
								invoiceId: 'inv-2',
								reason: 'NOT_DUE_YET',
								message: 'Not due yet',
							},
						},
					],
				},
			],
		);
		const [preview] = result.items('Tools');
		expect(preview.json).toMatchObject({
			to: 'team@business.example.com',
			subject: 'Auto-pay preview for 2026-11-24: 1 to charge ($99.00), 1 skipped',
			counts: { invoices: 2, wouldCharge: 1, skipped: 1 },
		});
		expect(preview.json.text).toContain('- inv-1 - cust-1 - $99.00 - Visa •••• 4242');
		expect(preview.json.text).toContain('- inv-2 - NOT_DUE_YET - Not due yet');
	});

	test('a list that is not a list fails naming the field', async () => {
		const result = await run(
			{
				resource: 'email',
				operation: 'composeAutoPayPreview',
				reportAddress: 'team@business.example.com',
				runSummary: '={{ {} }}',
				chargeInvoices: '={{ { invoiceId: "inv-1" } }}',
			},
			[{}],
		);
		expect(result.error?.message).toBe(
			'Item 0: invalid "Invoices to Charge": Must be a list (a JSON array)',
		);
	});
});

describe('Invoice Link > Sign and Verify', () => {
	const sign = (input) =>
		run(
			{
				resource: 'invoiceLink',
				operation: 'sign',
				invoiceId: '={{ $json.invoiceId }}',
				pageUrl: 'http://127.0.0.1:5678/webhook/web-invoice',
				validForDays: 7,
			},
			input,
			LINK_CREDENTIAL,
		);
	const verify = (queries, credentials = CREDENTIALS) =>
		runWorkflow(
			singleNodeWorkflow(
				'Tools',
				'invoicePaymentsTools',
				{ resource: 'invoiceLink', operation: 'verify' },
				LINK_CREDENTIAL,
			),
			{
				input: queries.map((query) => ({ query })),
				credentials,
			},
		);

	test('a signed link verifies; tampered, expired and missing ones go to Invalid with 401/403', async () => {
		const before = Math.floor(Date.now() / 1000);
		const signed = (await sign([{ invoiceId: 'inv-2004' }])).output('Tools')[0];
		expect(signed.url).toMatch(
			/^http:\/\/127\.0\.0\.1:5678\/webhook\/web-invoice\?invoice=inv-2004&expires=\d+&sig=[\w-]{43}$/,
		);
		expect(signed.expiresAt - before).toBeGreaterThanOrEqual(7 * 86_400);
		expect(signed.expiresAt - before).toBeLessThanOrEqual(7 * 86_400 + 5);
		const query = Object.fromEntries(new URL(signed.url).searchParams);
		const past = before - 10;
		const expiredSig = createHmac('sha256', SECRET)
			.update(`invoice-link.v1\ninv-2004\n${past}`)
			.digest('base64url');

		const result = await verify([
			query,
			{ ...query, invoice: 'inv-2005' },
			{ invoice: 'inv-2004', expires: String(past), sig: expiredSig },
			{},
		]);
		expect(result.items('Tools', 0).map((i) => [i.json, i.pairedItem])).toEqual([
			[
				{
					valid: true,
					invoiceId: 'inv-2004',
					expiresAt: signed.expiresAt,
					expiresAtIso: signed.expiresAtIso,
				},
				{ item: 0 },
			],
		]);
		expect(
			result.items('Tools', 1).map((i) => [i.json.reason, i.json.httpStatus, i.pairedItem]),
		).toEqual([
			['bad_signature', 401, { item: 1 }],
			['expired', 403, { item: 2 }],
			['missing', 401, { item: 3 }],
		]);
	});

	test('the previous secret keeps old links valid while rotating', async () => {
		const signed = (await sign([{ invoiceId: 'inv-1' }])).output('Tools')[0];
		const query = Object.fromEntries(new URL(signed.url).searchParams);
		const rotated = {
			invoiceLinkSigningApi: {
				secret: 'a-brand-new-secret-for-signing-links-999',
				previousSecret: SECRET,
			},
		};
		expect((await verify([query], rotated)).output('Tools', 0)).toHaveLength(1);
		const forgotten = {
			invoiceLinkSigningApi: {
				secret: 'a-brand-new-secret-for-signing-links-999',
				previousSecret: '',
			},
		};
		expect((await verify([query], forgotten)).output('Tools', 1)[0].reason).toBe('bad_signature');
	});

	test('a short secret is a configuration error, not a visitor error', async () => {
		const result = await verify([{}], {
			invoiceLinkSigningApi: { secret: 'short', previousSecret: '' },
		});
		expect(result.error?.message).toMatch(/at least 32 characters/);
	});

	test('the credential test checks the secret itself', async () => {
		const {
			InvoicePaymentsTools,
		} = require('../../nodes/InvoicePaymentsTools/InvoicePaymentsTools.node');
		const { invoiceLinkSecretTest } = new InvoicePaymentsTools().methods.credentialTest;
		const check = (data) =>
			invoiceLinkSecretTest.call(
				// the test reads only the credential it is handed, no helper of n8n's
				/** @type {import('n8n-workflow').ICredentialTestFunctions} */ ({}),
				{ id: '1', name: 'x', type: 'invoiceLinkSigningApi', data },
			);
		await expect(check({ secret: SECRET })).resolves.toMatchObject({ status: 'OK' });
		await expect(check({ secret: 'short' })).resolves.toMatchObject({
			status: 'Error',
			message: expect.stringMatching(/32/),
		});
		await expect(check({ secret: SECRET, previousSecret: SECRET })).resolves.toMatchObject({
			status: 'Error',
		});
	});
});

describe('Payment Request > Authorize and Select Invoices', () => {
	const caller = {
		id: 'portal-501',
		kind: 'portal',
		email: 'pat@acme.example.com',
		active: true,
		customerId: 'cust-1001',
		invoiceAccessLevel: 'customer',
	};

	const now = () => Math.floor(Date.now() / 1000);
	/** Claims as the portal writes them, issued now for ten minutes. */
	const portalClaims = (extra = {}) => ({
		sub: 'portal-501',
		iss: 'https://portal.example.com',
		aud: 'invoice-payments/portal',
		iat: now(),
		exp: now() + 600,
		...extra,
	});
	// Authorize as the bundled workflow gives it: the claims, the books' answer and the body of each item
	const authorizeParams = (extra = {}) => ({
		resource: 'paymentRequest',
		operation: 'authorize',
		tokenKind: '={{ $json.kind ?? "portal" }}',
		tokenClaims: '={{ $json.claims }}',
		portalTokenIssuer: 'https://portal.example.com',
		portalTokenAudience: 'invoice-payments/portal',
		agentTokenIssuer: 'https://agents.example.com',
		agentTokenAudience: 'invoice-payments/agents',
		caller: '={{ $json.who }}',
		request: '={{ $json.body }}',
		...extra,
	});

	test('Authorize routes to Allowed or Refused with the HTTP status to answer', async () => {
		const result = await run(
			authorizeParams(),
			// n8n's expressions refuse a property named "caller" (Function.caller): the books' answer is `who`
			[
				{ claims: portalClaims(), who: caller, body: { payAll: true } },
				{ claims: portalClaims(), who: caller, body: { customerId: 'cust-1002', payAll: true } },
				{ claims: portalClaims(), who: { error: { code: 'not_found' } }, body: { payAll: true } },
				{ claims: portalClaims(), who: caller, body: '{not json' },
				{ claims: portalClaims({ exp: undefined }), who: caller, body: { payAll: true } },
				{
					claims: portalClaims({ aud: 'invoice-payments/agents' }),
					who: caller,
					body: { payAll: true },
				},
				{ claims: portalClaims(), who: { ...caller, active: 'false' }, body: { payAll: true } },
				{
					kind: 'agent',
					claims: portalClaims({
						iss: 'https://agents.example.com',
						aud: 'invoice-payments/agents',
					}),
					who: caller,
					body: { payAll: true },
				},
			],
		);
		expect(result.output('Tools', 0)).toEqual([
			expect.objectContaining({
				ok: true,
				customerId: 'cust-1001',
				invoiceIds: null,
				payingUserEmail: 'pat@acme.example.com',
			}),
		]);
		expect(
			result.items('Tools', 1).map((i) => [i.json.httpStatus, i.json.code, i.pairedItem]),
		).toEqual([
			[403, 'FOREIGN_CUSTOMER', { item: 1 }],
			[403, 'UNKNOWN_CALLER', { item: 2 }],
			[400, 'BAD_REQUEST', { item: 3 }],
			[401, 'INVALID_TOKEN', { item: 4 }],
			[401, 'INVALID_TOKEN', { item: 5 }],
			[403, 'CALLER_INACTIVE', { item: 6 }],
			[403, 'WRONG_TOKEN_KIND', { item: 7 }],
		]);
	});

	test('Authorize without the issuer its token kind needs fails the node naming the parameter', async () => {
		const result = await run(authorizeParams({ portalTokenIssuer: '' }), [
			{ claims: portalClaims(), who: caller, body: { payAll: true } },
		]);
		expect(result.error?.message).toMatch(
			/^Item 0: invalid "Portal Token Issuer": Set the issuer your portal writes into its tokens/,
		);
	});

	const invoices = [
		{
			id: 'inv-1',
			number: 'INV-1',
			customerId: 'cust-1001',
			currency: 'USD',
			balance: '10.00',
			status: 'open',
			paymentStatus: 'unpaid',
			sentToProvider: true,
		},
		{
			id: 'inv-2',
			number: 'INV-2',
			customerId: 'cust-1001',
			currency: 'USD',
			balance: '20.00',
			status: 'open',
			paymentStatus: 'pending',
			sentToProvider: true,
		},
		{
			id: 'inv-3',
			number: 'INV-3',
			customerId: 'cust-1001',
			currency: 'USD',
			balance: '30.00',
			status: 'open',
			paymentStatus: 'unpaid',
			sentToProvider: true,
		},
	];
	/** @param {object[]} [input] */
	const select = (invoiceIds, input = invoices) =>
		run(
			{
				resource: 'paymentRequest',
				operation: 'selectInvoices',
				customerId: 'cust-1001',
				invoiceIds,
			},
			input,
		);

	test('Select Invoices: the input items are the invoices; Pay keeps each invoice paired to its item', async () => {
		const result = await select('null');
		expect(
			result.items('Tools', 0).map((i) => [i.json.invoiceId, i.json.balance, i.pairedItem]),
		).toEqual([
			['inv-1', '10.00', { item: 0 }],
			['inv-3', '30.00', { item: 2 }],
		]);
		expect(result.output('Tools', 0)[0].notIncluded).toEqual([
			expect.objectContaining({ invoiceId: 'inv-2', code: 'PAYMENT_PENDING' }),
		]);
		expect(result.output('Tools', 1)).toEqual([]);
	});

	test('Select Invoices refuses a pending invoice (409) and an empty answer from the books', async () => {
		const pending = await select('["inv-2"]');
		expect(pending.output('Tools', 0)).toEqual([]);
		expect(pending.output('Tools', 1)).toEqual([
			expect.objectContaining({ httpStatus: 409, code: 'PAYMENT_PENDING' }),
		]);
		// n8n's "Always Output Data" turns an empty books answer into one empty item
		const empty = await select('["inv-1"]', [{}]);
		expect(empty.output('Tools', 1)).toEqual([
			expect.objectContaining({ httpStatus: 403, code: 'FOREIGN_INVOICE' }),
		]);
	});

	test('Invoice IDs that are neither a list nor null fail the node', async () => {
		expect((await select('"inv-1"')).error?.message).toMatch(
			/invalid "Invoice IDs": Must be a list of invoice IDs, or null/,
		);
	});
});

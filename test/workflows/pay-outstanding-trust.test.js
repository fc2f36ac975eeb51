// @ts-check
/**
 * Pay outstanding invoices: who the workflow lets pay, read from the shipped file and the local
 * stack's credentials. The portal and the agents' app each sign with their own secret, checked by
 * their own webhook's JWT credential, so the signer decides the kind; the claims go to Authorize
 * with the issuer, audience and lifetime bound of Settings; nothing reaches a payment but through
 * Authorize's Allowed output; and a replayed request is the same payment (one charge).
 * The e2e file 06-pay-invoices runs the same through a real n8n.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { PACKAGE_NAME } from '../engine/package-types';
import { payInvoiceParams, runNode, startStripe } from '../engine/stripe-node';

const workflow = JSON.parse(
	readFileSync(path.join(__dirname, '../../workflows/pay-outstanding-invoices.json'), 'utf8'),
);
const byName = new Map(workflow.nodes.map((node) => [node.name, node]));
const PORTAL = byName.get('Portal: pay invoices');
const AGENTS = byName.get('Agents: pay invoices');
const SETTINGS = byName.get('Settings');
const CHECK = byName.get('Check the caller');
// the nodes that take money or hand out a pay link
const PAYMENTS = workflow.nodes
	.filter((node) => node.type === `${PACKAGE_NAME}.stripeInvoicePayment`)
	.filter((node) => node.parameters.resource === 'payment')
	.map((node) => node.name);
const settings = Object.fromEntries(
	SETTINGS.parameters.assignments.assignments.map((a) => [a.name, a.value]),
);
// the local stack's credentials, as scripts/local-stack/credentials.mjs makes them (an ES module)
const credentials = new Map(
	JSON.parse(
		execFileSync(
			process.execPath,
			[
				'--input-type=module',
				'--eval',
				`import { localStackCredentials } from ${JSON.stringify(path.join(__dirname, '../../scripts/local-stack/credentials.mjs'))};
				console.log(JSON.stringify(localStackCredentials({ stripeUrl: 'http://127.0.0.1:1', smtpPort: 1, booksToken: 't' })));`,
			],
			{ encoding: 'utf8' },
		),
	).map((credential) => [credential.id, credential]),
);

/**
 * The nodes reachable from `from` along the connections, `cut` connections left out.
 * @param {string} from
 * @param {(name: string, output: number) => boolean} [cut]
 */
function reachable(from, cut = () => false) {
	const seen = new Set();
	const next = [from];
	while (next.length) {
		const name = /** @type {string} */ (next.pop());
		if (seen.has(name)) continue;
		seen.add(name);
		(workflow.connections[name]?.main ?? []).forEach((targets, output) => {
			for (const target of targets) if (!cut(name, output)) next.push(target.node);
		});
	}
	return seen;
}

/** An n8n expression `={{ ... }}` evaluated with `scope` standing in for n8n's ($, $json...). */
function evaluate(expression, scope) {
	const body = /** @type {RegExpExecArray} */ (/^=\{\{(.*)\}\}$/s.exec(expression))[1];
	return new Function(...Object.keys(scope), `return (${body});`)(...Object.values(scope));
}

describe('two signers, two webhooks, two secrets', () => {
	test("the portal and the agents' app each post to their own path, checked by their own JWT credential", () => {
		for (const webhook of [PORTAL, AGENTS]) {
			expect(webhook.type).toBe('n8n-nodes-base.webhook');
			expect(webhook.parameters).toMatchObject({
				httpMethod: 'POST',
				authentication: 'jwtAuth',
				responseMode: 'responseNode',
			});
			expect(Object.keys(webhook.credentials)).toEqual(['jwtAuth']);
		}
		expect(PORTAL.parameters.path).toBe('invoice-payments/pay');
		expect(AGENTS.parameters.path).toBe('invoice-payments/agents/pay');
		expect(PORTAL.credentials.jwtAuth.id).not.toBe(AGENTS.credentials.jwtAuth.id);
		expect(PORTAL.webhookId).not.toBe(AGENTS.webhookId);
		// no other way in
		expect(
			workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.webhook').map((n) => n.name),
		).toEqual(['Portal: pay invoices', 'Agents: pay invoices']);
	});

	test('the two credentials the stack imports hold different secrets, with a pinned algorithm that signs', () => {
		const portal = credentials.get(PORTAL.credentials.jwtAuth.id);
		const agents = credentials.get(AGENTS.credentials.jwtAuth.id);
		for (const credential of [portal, agents]) {
			expect(credential.type).toBe('jwtAuth');
			expect(credential.data).toMatchObject({ keyType: 'passphrase', algorithm: 'HS256' });
			// HS256 keys at least as long as the hash (RFC 7518 3.2)
			expect(credential.data.secret.length).toBeGreaterThanOrEqual(32);
		}
		expect(portal.data.secret).not.toBe(agents.data.secret);
	});

	test('the kind given to Authorize is the webhook that received the request, never a claim', () => {
		const ranFrom = (webhook) => (name) => {
			if (!byName.has(name)) throw new Error(`Referenced node "${name}" does not exist`);
			return { isExecuted: name === webhook.name };
		};
		expect(evaluate(CHECK.parameters.tokenKind, { $: ranFrom(PORTAL) })).toBe('portal');
		expect(evaluate(CHECK.parameters.tokenKind, { $: ranFrom(AGENTS) })).toBe('agent');
		expect(CHECK.parameters.tokenKind).not.toMatch(/jwtPayload|body|headers/);
	});
});

describe('Settings: what a token must say', () => {
	test('issuer and audience of each signer, the audiences told apart, the lifetime bound 15 minutes', () => {
		expect(settings).toMatchObject({
			portalTokenIssuer: expect.stringMatching(/^https:\/\//),
			portalTokenAudience: 'invoice-payments/pay',
			agentTokenIssuer: expect.stringMatching(/^https:\/\//),
			agentTokenAudience: 'invoice-payments/agents/pay',
			maxTokenLifetimeMinutes: 15,
		});
		expect(settings.portalTokenIssuer).not.toBe(settings.agentTokenIssuer);
	});

	test('both webhooks meet at Settings, which carries on only the verified claims and the body', () => {
		for (const webhook of [PORTAL, AGENTS])
			expect(workflow.connections[webhook.name].main).toEqual([
				[{ node: 'Settings', type: 'main', index: 0 }],
			]);
		expect(SETTINGS.parameters).toMatchObject({
			includeOtherFields: true,
			include: 'selected',
			includeFields: 'jwtPayload, body',
		});
	});

	test("Authorize gets the verified claims, each setting, the books' caller and the body", () => {
		const fromSettings = (field) => `={{ $('Settings').first().json.${field} }}`;
		expect(CHECK.type).toBe(`${PACKAGE_NAME}.invoicePaymentsTools`);
		expect(CHECK.parameters).toEqual({
			resource: 'paymentRequest',
			operation: 'authorize',
			tokenKind: expect.any(String),
			tokenClaims: "={{ $('Settings').item.json.jwtPayload }}",
			portalTokenIssuer: fromSettings('portalTokenIssuer'),
			portalTokenAudience: fromSettings('portalTokenAudience'),
			agentTokenIssuer: fromSettings('agentTokenIssuer'),
			agentTokenAudience: fromSettings('agentTokenAudience'),
			maxTokenLifetimeMinutes: fromSettings('maxTokenLifetimeMinutes'),
			// the books adapter's answer as it comes (Authorize reads its caller, or its error: a
			// caller the books do not know pays nothing); n8n's expressions may not name `caller`
			caller: '={{ $json }}',
			request: "={{ $('Settings').item.json.body }}",
		});
		// the books are asked about the token's subject, nothing the body says
		expect(byName.get('Books: who is calling: request').parameters.jsonOutput).toContain(
			"operation: 'getCaller', callerId: $('Settings').item.json.jwtPayload.sub ?? ''",
		);
	});
});

describe('refusals', () => {
	test('no payment is reachable from either webhook but through Authorize\u2019s Allowed output', () => {
		expect(PAYMENTS).toEqual([
			'Stripe: pay with the automatic method',
			'Stripe: pay with a saved method',
			'Stripe: pay link',
		]);
		for (const webhook of [PORTAL, AGENTS]) {
			expect([...reachable(webhook.name)]).toEqual(expect.arrayContaining(PAYMENTS));
			const withoutAllowed = reachable(
				webhook.name,
				(from, output) => from === CHECK.name && output === 0,
			);
			for (const payment of PAYMENTS)
				expect([payment, withoutAllowed.has(payment)]).toEqual([payment, false]);
		}
	});

	test('Refused answers the status Authorize chose (401/403) with its code and short reason', () => {
		const [allowed, refused] = workflow.connections[CHECK.name].main;
		expect(allowed.map((c) => c.node)).toEqual(['Books: invoices of the customer: request']);
		expect(refused.map((c) => c.node)).toEqual(['Respond: refused']);
		const respond = byName.get('Respond: refused');
		expect(respond.type).toBe('n8n-nodes-base.respondToWebhook');
		expect(respond.parameters.options.responseCode).toBe('={{ $json.httpStatus }}');
		expect(
			evaluate(respond.parameters.responseBody, {
				$json: {
					ok: false,
					httpStatus: 401,
					code: 'INVALID_TOKEN',
					message: 'The token is not accepted: it has no expiry (exp)',
				},
			}),
		).toBe(
			'{"error":{"code":"INVALID_TOKEN","message":"The token is not accepted: it has no expiry (exp)"}}',
		);
		expect(reachable('Respond: refused')).toEqual(new Set(['Respond: refused']));
	});
});

describe('a replayed request is harmless: the same payment, one charge', () => {
	test('what a payment is made of comes from the books and Settings, never from the token or the moment', () => {
		for (const name of PAYMENTS) {
			const text = JSON.stringify(byName.get(name).parameters);
			expect([name, /jwtPayload|\bjti\b|\biat\b|\$now|\$execution|\bDate\b/.test(text)]).toEqual([
				name,
				false,
			]);
		}
	});

	let stripe;
	beforeAll(async () => {
		stripe = await startStripe();
	});
	afterAll(async () => {
		await stripe.close();
	});

	test('the same request sent twice at once and then again: one charge, the replays name it', async () => {
		const customer = stripe.createCustomer({
			name: 'Replay Ltd',
			metadata: { books_customer_id: 'cust-replay' },
			defaultPaymentMethod: 'pm_card_visa',
		});
		expect(customer.invoice_settings.default_payment_method).toBeTruthy();
		// Pay Invoices Together as the workflow calls it for the portal's "pay these invoices"
		const parameters = payInvoiceParams({
			operation: 'payInvoicesTogether',
			options: { purpose: 'manual' },
		});
		const invoices = ['inv-r1', 'inv-r2'].map((invoiceId) => ({
			invoiceId,
			customerId: 'cust-replay',
			balance: '25.00',
			currency: 'usd',
		}));
		const send = async () =>
			(await runNode(stripe, 'stripeInvoicePayment', parameters, invoices)).output('Node');
		const [first, second] = await Promise.all([send(), send()]);
		const third = await send();
		expect(stripe.ledger.chargesFor('inv-r1')).toBe(1);
		expect(stripe.ledger.chargesFor('inv-r2')).toBe(1);
		const paymentIds = new Set(
			[first, second, third].flatMap((records) => records.map((r) => r.paymentId)),
		);
		expect(paymentIds.size).toBe(1);
		expect(third.every((r) => r.existingPayment === true && r.status === 'succeeded')).toBe(true);
	});
});

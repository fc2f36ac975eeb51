// @ts-check
import {
	authorizePaymentRequest,
	checkPayerToken,
	invoiceGuard,
	MAX_INVOICES_PER_REQUEST,
	selectInvoicesToPay as selectInvoices,
} from '../../../nodes/core/payments/paymentRequest';
import { readFields } from '../../support/fields';

const selectInvoicesToPay = readFields(selectInvoices);

const agent = {
	id: 'agent-7',
	kind: 'agent',
	name: 'Dana Agent',
	email: 'dana@business.example.com',
	active: true,
	customerId: null,
	canReceiveManualStripePayments: true,
};
const portalUser = {
	id: 'portal-501',
	kind: 'portal',
	name: 'Pat Portal',
	email: 'pat@acme.example.com',
	active: true,
	customerId: 'cust-1001',
	invoiceAccessLevel: 'customer',
};

// the moment of the request; tokens are issued a minute before it, for ten minutes
const NOW = 1_760_000_000;
const ACCEPTED = {
	portal: { issuer: 'https://portal.example.com', audience: 'invoice-payments/portal' },
	agent: { issuer: 'https://agents.example.com', audience: 'invoice-payments/agents' },
};
/** A verified token of `kind` for `sub`, as its issuer writes it; `claims` overrides. */
const tokenOf = (kind, sub, claims = {}, rules = {}) => ({
	kind,
	claims: {
		sub,
		iss: ACCEPTED[kind].issuer,
		aud: ACCEPTED[kind].audience,
		iat: NOW - 60,
		exp: NOW + 540,
		jti: 'a1b2c3',
		...claims,
	},
	accepted: ACCEPTED,
	maxLifetimeMinutes: 15,
	nowSeconds: NOW,
	...rules,
});
/** authorizePaymentRequest for the caller the books answered, with the caller's own token. */
const authorize = (
	caller,
	request,
	token = tokenOf(caller?.kind === 'agent' ? 'agent' : 'portal', caller?.id ?? 'x'),
) => readFields(authorizePaymentRequest)({ token, caller, request });

describe('authorize: who may pay for which customer', () => {
	test('an agent with the permission pays for the customer named in the request', () => {
		expect(
			authorize(agent, {
				customerId: 'cust-1002',
				invoiceIds: ['inv-2004'],
				howToPay: 'savedMethod',
				paymentMethodId: 'pm_123',
			}),
		).toEqual({
			ok: true,
			callerId: 'agent-7',
			callerKind: 'agent',
			callerName: 'Dana Agent',
			payingUserEmail: 'dana@business.example.com',
			customerId: 'cust-1002',
			invoiceIds: ['inv-2004'],
			howToPay: 'savedMethod',
			paymentMethodId: 'pm_123',
		});
	});

	test('a portal user pays for their own company, whatever the request names', () => {
		const allowed = authorize(portalUser, { payAll: true, howToPay: 'payLink' });
		expect(allowed).toMatchObject({
			ok: true,
			customerId: 'cust-1001',
			invoiceIds: null,
			howToPay: 'payLink',
			paymentMethodId: null,
		});
		expect(authorize(portalUser, { customerId: 'cust-1001', payAll: 'true' })).toMatchObject({
			ok: true,
			howToPay: 'automatic',
		});
	});

	test.each([
		['no caller (the books do not know the token subject)', null, {}, 403, 'UNKNOWN_CALLER'],
		[
			'a caller without id (the books answered an error)',
			{ error: { code: 'not_found' } },
			{},
			403,
			'UNKNOWN_CALLER',
		],
		[
			'a caller of another kind',
			{ ...agent, kind: 'admin' },
			{ customerId: 'c', payAll: true },
			403,
			'UNKNOWN_CALLER',
		],
		[
			'an agent without the permission',
			{ ...agent, canReceiveManualStripePayments: false },
			{ customerId: 'c', payAll: true },
			403,
			'NOT_PERMITTED',
		],
		[
			'an agent whose permission is not a clear true',
			{ ...agent, canReceiveManualStripePayments: 'yes' },
			{ customerId: 'c', payAll: true },
			403,
			'NOT_PERMITTED',
		],
		['an agent naming no customer', agent, { payAll: true }, 400, 'BAD_REQUEST'],
		[
			'a portal user without invoice access',
			{ ...portalUser, invoiceAccessLevel: 'none' },
			{ payAll: true },
			403,
			'NO_INVOICE_ACCESS',
		],
		[
			'a portal user without a company',
			{ ...portalUser, customerId: null },
			{ payAll: true },
			403,
			'NO_INVOICE_ACCESS',
		],
		[
			'a portal user naming another company',
			portalUser,
			{ customerId: 'cust-1002', payAll: true },
			403,
			'FOREIGN_CUSTOMER',
		],
		['no invoices and no payAll', portalUser, {}, 400, 'BAD_REQUEST'],
		[
			'both invoices and payAll',
			portalUser,
			{ payAll: true, invoiceIds: ['a'] },
			400,
			'BAD_REQUEST',
		],
		['an invoice twice', portalUser, { invoiceIds: ['a', 'a'] }, 400, 'BAD_REQUEST'],
		['an empty invoice id', portalUser, { invoiceIds: ['a', ''] }, 400, 'BAD_REQUEST'],
		[
			'invoice ids that are not text',
			portalUser,
			{ invoiceIds: [{ id: 'a' }] },
			400,
			'BAD_REQUEST',
		],
		[
			'too many invoices',
			portalUser,
			{ invoiceIds: Array.from({ length: MAX_INVOICES_PER_REQUEST + 1 }, (_, i) => `i${i}`) },
			400,
			'BAD_REQUEST',
		],
		['an unknown way to pay', portalUser, { payAll: true, howToPay: 'cash' }, 400, 'BAD_REQUEST'],
		[
			'a saved method without its id',
			portalUser,
			{ payAll: true, howToPay: 'savedMethod' },
			400,
			'BAD_REQUEST',
		],
		[
			'a saved method id that is not one',
			portalUser,
			{ payAll: true, howToPay: 'savedMethod', paymentMethodId: 'card_1' },
			400,
			'BAD_REQUEST',
		],
		['a body that is a list', portalUser, [], 400, 'BAD_REQUEST'],
	])('%s -> %i %s', (_, caller, request, httpStatus, code) => {
		const refusal = authorize(caller, request);
		expect(refusal).toMatchObject({ ok: false, httpStatus, code });
		expect(refusal.message).toBeTruthy();
	});
});

describe('the token: n8n verified its signature; its claims are checked here', () => {
	const pay = { payAll: true };
	test('a token of its issuer, for this service, living at most the bound, is the caller it names', () => {
		expect(checkPayerToken(tokenOf('portal', 'portal-501'))).toEqual({
			ok: true,
			kind: 'portal',
			subject: 'portal-501',
		});
		// several audiences, ours among them (RFC 7519 4.1.3); exactly the bound; a clock a minute ahead
		for (const claims of [
			{ aud: ['https://portal.example.com/api', 'invoice-payments/portal'] },
			{ iat: NOW - 60, exp: NOW - 60 + 15 * 60 },
			{ iat: NOW + 60, exp: NOW + 600 },
		])
			expect(checkPayerToken(tokenOf('portal', 'portal-501', claims))).toMatchObject({ ok: true });
	});

	test.each([
		['no exp: n8n would accept it for ever', { exp: undefined }, 'it has no expiry (exp)'],
		['exp that is not a number', { exp: `${NOW + 60}` }, 'it has no expiry (exp)'],
		['no iat: its lifetime is unknown', { iat: undefined }, 'it has no issue time (iat)'],
		[
			'a lifetime of 15 minutes and a second',
			{ iat: NOW - 60, exp: NOW - 60 + 15 * 60 + 1 },
			'it lives longer than 15 minutes (exp - iat)',
		],
		[
			'a year-long token',
			{ iat: NOW - 60, exp: NOW + 365 * 86400 },
			'it lives longer than 15 minutes (exp - iat)',
		],
		[
			'iat in the future, to pass a long token off as short',
			{ iat: NOW + 3600, exp: NOW + 3600 + 600 },
			'it is issued in the future (iat)',
		],
		['expired (n8n refuses it first)', { iat: NOW - 600, exp: NOW }, 'it has expired (exp)'],
		['no iss', { iss: undefined }, 'it is from another issuer (iss)'],
		['the agents\u2019 issuer', { iss: ACCEPTED.agent.issuer }, 'it is from another issuer (iss)'],
		['no aud', { aud: undefined }, 'it is meant for another service (aud)'],
		[
			'the audience of the agents\u2019 endpoint',
			{ aud: ACCEPTED.agent.audience },
			'it is meant for another service (aud)',
		],
		['audiences without ours', { aud: ['a', 'b'] }, 'it is meant for another service (aud)'],
		['no sub', { sub: undefined }, 'it names no caller (sub)'],
		['a sub that is not text', { sub: 501 }, 'it names no caller (sub)'],
	])('%s: 401 INVALID_TOKEN', (_, claims, reason) => {
		const refusal = authorize(portalUser, pay, tokenOf('portal', 'portal-501', claims));
		expect(refusal).toEqual({
			ok: false,
			httpStatus: 401,
			code: 'INVALID_TOKEN',
			message: `The token is not accepted: ${reason}`,
		});
	});

	test('claims that are not an object: 401', () => {
		// claims of every wrong type, on purpose
		/** @type {any[]} */
		const wrongClaims = [null, undefined, 'sub=portal-501', []];
		for (const claims of wrongClaims)
			expect(
				authorize(portalUser, pay, { ...tokenOf('portal', 'portal-501'), claims }),
			).toMatchObject({ httpStatus: 401, code: 'INVALID_TOKEN' });
	});

	test('the bound is a setting', () => {
		const hourLong = { iat: NOW - 60, exp: NOW + 3540 };
		expect(checkPayerToken(tokenOf('portal', 'p', hourLong))).toMatchObject({ ok: false });
		expect(
			checkPayerToken(tokenOf('portal', 'p', hourLong, { maxLifetimeMinutes: 60 })),
		).toMatchObject({ ok: true });
	});

	test.each([
		[
			'an empty portal issuer',
			{ accepted: { ...ACCEPTED, portal: { ...ACCEPTED.portal, issuer: ' ' } } },
			'portalTokenIssuer',
		],
		[
			'an empty portal audience',
			{ accepted: { ...ACCEPTED, portal: { ...ACCEPTED.portal, audience: '' } } },
			'portalTokenAudience',
		],
		['a lifetime of 0', { maxLifetimeMinutes: 0 }, 'maxTokenLifetimeMinutes'],
		['a lifetime of text', { maxLifetimeMinutes: '15' }, 'maxTokenLifetimeMinutes'],
		['a lifetime over a day', { maxLifetimeMinutes: 24 * 60 + 1 }, 'maxTokenLifetimeMinutes'],
		['no kind', { kind: 'admin' }, 'tokenKind'],
	])('%s is a configuration error naming the setting, not a refusal', (_, rules, field) => {
		expect(() => checkPayerToken(tokenOf('portal', 'p', {}, rules))).toThrow(
			expect.objectContaining({ name: 'CoreInputError', field }),
		);
	});

	test("the agents' settings are not needed to check a portal token", () => {
		const accepted = { ...ACCEPTED, agent: { issuer: '', audience: '' } };
		expect(checkPayerToken(tokenOf('portal', 'p', {}, { accepted }))).toMatchObject({ ok: true });
	});
});

describe('the kind is the signer\u2019s: a token of one kind never acts for a caller of the other', () => {
	const dana = { ...agent, id: 'agent-7' };
	test("a portal token naming an agent (whoever holds the portal's secret) charges nothing", () => {
		expect(
			authorize(dana, { customerId: 'cust-1002', payAll: true }, tokenOf('portal', 'agent-7')),
		).toEqual({
			ok: false,
			httpStatus: 403,
			code: 'WRONG_TOKEN_KIND',
			message: 'A portal token cannot act for an agent',
		});
	});

	test("an agents' app token naming a portal user is refused too", () => {
		expect(authorize(portalUser, { payAll: true }, tokenOf('agent', 'portal-501'))).toMatchObject({
			httpStatus: 403,
			code: 'WRONG_TOKEN_KIND',
		});
	});

	test("a books answer about someone else than the token's subject is no caller", () => {
		expect(authorize(portalUser, { payAll: true }, tokenOf('portal', 'portal-502'))).toMatchObject({
			httpStatus: 403,
			code: 'UNKNOWN_CALLER',
		});
	});
});

describe('active: only a true boolean true is an active caller', () => {
	test.each([
		['false', false],
		['the string "false"', 'false'],
		['the string "true"', 'true'],
		['the string "0"', '0'],
		['0', 0],
		['1', 1],
		['null', null],
		['missing', undefined],
	])('active %s: 403, for agents and portal users alike', (_, active) => {
		for (const [caller, request] of [
			[agent, { customerId: 'cust-1002', payAll: true }],
			[portalUser, { payAll: true }],
		]) {
			expect(authorize({ ...caller, active }, request)).toEqual({
				ok: false,
				httpStatus: 403,
				code: 'CALLER_INACTIVE',
				message: 'Your account is not active',
			});
		}
	});

	test('a caller without the flag at all is refused', () => {
		const { active, ...withoutFlag } = portalUser;
		expect(active).toBe(true);
		expect(authorize(withoutFlag, { payAll: true })).toMatchObject({ code: 'CALLER_INACTIVE' });
	});
});

const invoice = (id, fields = {}) => ({
	id,
	number: id.toUpperCase(),
	customerId: 'cust-1001',
	currency: 'USD',
	total: '100.00',
	balance: '100.00',
	status: 'open',
	paymentStatus: 'unpaid',
	sentToProvider: true,
	...fields,
});

describe("the books adapter's getCaller answer is read as the caller it names", () => {
	const answer = (fields) => ({ operation: 'getCaller', ref: null, error: null, ...fields });
	test('its caller is the caller: allowed as the record itself is', () => {
		const viaAdapter = authorize(
			answer({ caller: portalUser }),
			{ payAll: true },
			tokenOf('portal', portalUser.id),
		);
		expect(viaAdapter).toEqual(authorize(portalUser, { payAll: true }));
		expect(viaAdapter.ok).toBe(true);
	});
	test.each([
		[
			'the books do not know the subject',
			answer({ error: { code: 'not_found', message: 'No caller' } }),
		],
		[
			'an error beside a caller',
			answer({ error: { code: 'not_found', message: 'x' }, caller: portalUser }),
		],
		['an answer without a caller', answer({})],
		['a caller that is not an object', answer({ caller: 'portal-501' })],
	])('%s: refused as an unknown caller', (_, books) => {
		expect(authorize(books, { payAll: true }, tokenOf('portal', portalUser.id))).toMatchObject({
			ok: false,
			httpStatus: 403,
			code: 'UNKNOWN_CALLER',
		});
	});
});

describe('the guards before a payment is opened', () => {
	test.each([
		[{}, null],
		[{ paymentStatus: 'failed' }, null],
		[{ balance: '0.00' }, 'NOTHING_TO_PAY'],
		[{ status: 'paid', balance: '0.00', paymentStatus: 'paid' }, 'NOTHING_TO_PAY'],
		[{ balance: 'n/a' }, 'NOTHING_TO_PAY'],
		[{ status: 'void' }, 'INVOICE_VOID'],
		[{ sentToProvider: false }, 'NOT_SENT_TO_PROVIDER'],
		[{ sentToProvider: 'true' }, 'NOT_SENT_TO_PROVIDER'],
		[{ paymentStatus: 'pending' }, 'PAYMENT_PENDING'],
		[{ paymentStatus: 'action_required' }, 'ACTION_REQUIRED'],
	])('%p -> %s', (fields, code) => {
		const guard = invoiceGuard(invoice('inv-1', fields));
		expect(guard?.code ?? null).toBe(code);
		if (guard) expect(guard.message).toContain('INV-1');
	});

	test('the messages say what is wrong in the words of the seeds', () => {
		expect(invoiceGuard(invoice('inv-1', { sentToProvider: false }))?.message).toBe(
			'Invoice INV-1 was never sent to the payment provider, so it cannot be paid online',
		);
		expect(invoiceGuard(invoice('inv-1', { paymentStatus: 'pending' }))?.message).toBe(
			'A payment for invoice INV-1 is already pending; the invoice shows Pending until it is processed',
		);
	});
});

describe('select: which invoices this request pays', () => {
	const invoices = [
		invoice('inv-1'),
		invoice('inv-2', { balance: '25.50' }),
		invoice('inv-3', { sentToProvider: false }),
		invoice('inv-4', { paymentStatus: 'pending' }),
		invoice('inv-5', { status: 'paid', balance: '0.00', paymentStatus: 'paid' }),
		invoice('inv-9', { customerId: 'cust-1002' }),
		{},
	];

	test('named invoices of the customer', () => {
		expect(
			selectInvoicesToPay({ customerId: 'cust-1001', invoiceIds: ['inv-2', 'inv-1'], invoices }),
		).toEqual({
			ok: true,
			customerId: 'cust-1001',
			currency: 'usd',
			invoices: [
				{
					invoiceId: 'inv-2',
					number: 'INV-2',
					customerId: 'cust-1001',
					currency: 'usd',
					balance: '25.50',
				},
				{
					invoiceId: 'inv-1',
					number: 'INV-1',
					customerId: 'cust-1001',
					currency: 'usd',
					balance: '100.00',
				},
			],
			excluded: [],
		});
	});

	test("another customer's invoice is refused with 403 and the same words as an unknown one", () => {
		const foreign = selectInvoicesToPay({
			customerId: 'cust-1001',
			invoiceIds: ['inv-1', 'inv-9'],
			invoices,
		});
		const unknown = selectInvoicesToPay({
			customerId: 'cust-1001',
			invoiceIds: ['inv-77'],
			invoices,
		});
		expect(foreign).toEqual({
			ok: false,
			httpStatus: 403,
			code: 'FOREIGN_INVOICE',
			message: 'Invoice inv-9 is not one of your invoices',
			invoiceId: 'inv-9',
		});
		expect(unknown).toMatchObject({
			httpStatus: 403,
			code: 'FOREIGN_INVOICE',
			message: 'Invoice inv-77 is not one of your invoices',
		});
	});

	test.each([
		['inv-3', 'NOT_SENT_TO_PROVIDER'],
		['inv-4', 'PAYMENT_PENDING'],
		['inv-5', 'NOTHING_TO_PAY'],
	])('a named invoice that fails a guard (%s) refuses the request: 409 %s', (id, code) => {
		expect(
			selectInvoicesToPay({ customerId: 'cust-1001', invoiceIds: ['inv-1', id], invoices }),
		).toMatchObject({
			ok: false,
			httpStatus: 409,
			code,
			invoiceId: id,
		});
	});

	test('pay all: every payable open invoice; the blocked ones listed with why, paid ones left out', () => {
		const selected = selectInvoicesToPay({ customerId: 'cust-1001', invoiceIds: null, invoices });
		expect(selected.invoices?.map((i) => i.invoiceId)).toEqual(['inv-1', 'inv-2']);
		expect(selected.excluded).toEqual([
			{
				invoiceId: 'inv-3',
				number: 'INV-3',
				code: 'NOT_SENT_TO_PROVIDER',
				message: expect.stringContaining('never sent'),
			},
			{
				invoiceId: 'inv-4',
				number: 'INV-4',
				code: 'PAYMENT_PENDING',
				message: expect.stringContaining('already pending'),
			},
		]);
	});

	test('pay all with nothing payable: 409 with the reasons', () => {
		const refusal = selectInvoicesToPay({
			customerId: 'cust-1001',
			invoiceIds: null,
			invoices: [invoice('inv-4', { paymentStatus: 'pending' })],
		});
		expect(refusal).toMatchObject({ ok: false, httpStatus: 409, code: 'NOTHING_TO_PAY' });
		expect(refusal.message).toContain('already pending');
		expect(
			selectInvoicesToPay({ customerId: 'cust-1001', invoiceIds: null, invoices: [] }),
		).toMatchObject({ httpStatus: 409 });
	});

	test('one payment, one currency', () => {
		const mixed = [invoice('inv-1'), invoice('inv-2', { currency: 'EUR' })];
		expect(
			selectInvoicesToPay({ customerId: 'cust-1001', invoiceIds: null, invoices: mixed }),
		).toMatchObject({
			ok: false,
			httpStatus: 422,
			code: 'MIXED_CURRENCIES',
			message: expect.stringContaining('USD and EUR'),
		});
	});

	test('bad input from the workflow is an error, not a refusal', () => {
		expect(() => selectInvoicesToPay({ customerId: '', invoiceIds: null, invoices })).toThrow(
			/customer ID is required/,
		);
		expect(() =>
			selectInvoicesToPay({
				customerId: 'c',
				invoiceIds: null,
				invoices: /** @type {any} not a list, on purpose */ ('x'),
			}),
		).toThrow(/must be a list/);
	});
});

import { CoreInputError } from '../errors';
import { parseAmount } from '../money/money';
import { HOW_TO_PAY_KINDS, isHowToPayKind } from './paymentInput';
import type { HowToPayKind } from './paymentInput';
import { trimmedText } from '../text';

/**
 * Who may pay what, when an agent or a portal user asks to pay invoices (the seeds: HaloPSA's
 * "Can Receive Manual Stripe Payments" permission for agents and "Invoice Access Level" for
 * portal users; Aptean Pay's guards before a payment is opened).
 *
 * Two steps, each answering an HTTP status the workflow sends back unchanged:
 *   authorizePaymentRequest  the verified token, the caller (as the books know the token's
 *                            subject) and the request -> the customer whose invoices may be
 *                            paid, or a refusal (401 / 400 / 403);
 *   selectInvoicesToPay      that customer's invoices (as the books list them) -> the invoices to
 *                            pay, or a refusal: 403 for an invoice that is not the customer's
 *                            (the answer does not say whether it exists), 409 for the guards
 *                            (no balance, never sent to the provider, a payment pending or
 *                            waiting for the customer, void), 422 for mixed currencies.
 * The caller's identity is never taken from the request body: it is the token's subject, looked
 * up in the books, which own users and permissions (a revoked permission applies at once).
 *
 * The token's signature is n8n's to check (the Webhook node's JWT credential); its kind is the
 * credential that checked it (the portal's and the agents' app sign with different secrets), so
 * the signer decides the kind, never a claim. The claims the signature covers are checked here.
 */

/** Most invoices one request may pay (one payment's metadata holds their lines). */
export const MAX_INVOICES_PER_REQUEST = 50;

export interface Caller {
	id?: unknown;
	kind?: unknown;
	name?: unknown;
	email?: unknown;
	active?: unknown;
	customerId?: unknown;
	canReceiveManualStripePayments?: unknown;
	invoiceAccessLevel?: unknown;
}

export interface PaymentRequestBody {
	customerId?: unknown;
	invoiceIds?: unknown;
	payAll?: unknown;
	howToPay?: unknown;
	paymentMethodId?: unknown;
}

export type RefusalCode =
	| 'BAD_REQUEST'
	| 'INVALID_TOKEN'
	| 'UNKNOWN_CALLER'
	| 'CALLER_INACTIVE'
	| 'WRONG_TOKEN_KIND'
	| 'NOT_PERMITTED'
	| 'NO_INVOICE_ACCESS'
	| 'FOREIGN_CUSTOMER'
	| 'FOREIGN_INVOICE'
	| 'NOTHING_TO_PAY'
	| 'NOT_SENT_TO_PROVIDER'
	| 'PAYMENT_PENDING'
	| 'ACTION_REQUIRED'
	| 'INVOICE_VOID'
	| 'MIXED_CURRENCIES';

export interface Refusal {
	ok: false;
	httpStatus: 400 | 401 | 403 | 409 | 422;
	code: RefusalCode;
	message: string;
	invoiceId?: string;
}

/** Who signed a token: the agents' app (the business's staff) or the customers' portal. */
export type CallerKind = 'agent' | 'portal';

const CALLER_KINDS: CallerKind[] = ['agent', 'portal'];

/** What the tokens of one kind must say: who issued them (`iss`) and for whom (`aud`). */
export interface AcceptedTokens {
	issuer: string;
	audience: string;
}

export interface PayerToken {
	/** the credential that verified the signature (each kind has its own secret), never a claim */
	kind: unknown;
	/** the claims the signature covers (the Webhook node's jwtPayload) */
	claims: unknown;
	accepted: Record<CallerKind, AcceptedTokens>;
	/** the longest a token may live, from its `iat` to its `exp` */
	maxLifetimeMinutes: number;
	/** the moment of the request, Unix seconds */
	nowSeconds: number;
}

/** An issuer's clock may run this far ahead of ours (a token issued "in the future"). */
export const TOKEN_CLOCK_SKEW_SECONDS = 60;

/** How long a token may live unless the workflow's settings say otherwise. */
export const DEFAULT_TOKEN_LIFETIME_MINUTES = 15;

/** The longest lifetime the setting may allow: a day. */
export const MAX_TOKEN_LIFETIME_MINUTES = 24 * 60;

export interface AuthorizedRequest {
	ok: true;
	callerId: string;
	callerKind: CallerKind;
	callerName: string | null;
	/** the paying user, copied on the payment emails */
	payingUserEmail: string | null;
	customerId: string;
	/** null: every outstanding invoice of the customer */
	invoiceIds: string[] | null;
	howToPay: HowToPayKind;
	paymentMethodId: string | null;
}

const textOrEmpty = (value: unknown): string => trimmedText(value) ?? '';

function refusal(
	httpStatus: Refusal['httpStatus'],
	code: RefusalCode,
	message: string,
	invoiceId?: string,
): Refusal {
	return { ok: false, httpStatus, code, message, ...(invoiceId ? { invoiceId } : {}) };
}

function readInvoiceIds(request: PaymentRequestBody): string[] | null | Refusal {
	const payAll = request.payAll === true || request.payAll === 'true';
	const ids = request.invoiceIds;
	if (payAll) {
		if (ids !== undefined && ids !== null && !(Array.isArray(ids) && ids.length === 0)) {
			return refusal(400, 'BAD_REQUEST', 'Send either "invoiceIds" or "payAll": true, not both');
		}
		return null;
	}
	if (!Array.isArray(ids) || ids.length === 0) {
		return refusal(
			400,
			'BAD_REQUEST',
			'Name the invoices to pay in "invoiceIds", or send "payAll": true',
		);
	}
	if (ids.length > MAX_INVOICES_PER_REQUEST) {
		return refusal(
			400,
			'BAD_REQUEST',
			`At most ${MAX_INVOICES_PER_REQUEST} invoices can be paid at once`,
		);
	}
	const list = ids.map(textOrEmpty);
	if (list.some((id) => id === '' || id.length > 100)) {
		return refusal(400, 'BAD_REQUEST', '"invoiceIds" must be invoice IDs (non-empty text)');
	}
	if (new Set(list).size !== list.length) {
		return refusal(400, 'BAD_REQUEST', 'An invoice appears twice in "invoiceIds"');
	}
	return list;
}

function invalidToken(reason: string): Refusal {
	return refusal(401, 'INVALID_TOKEN', `The token is not accepted: ${reason}`);
}

const isNumber = (value: unknown): value is number =>
	typeof value === 'number' && Number.isFinite(value);

/**
 * The claims of a token whose signature n8n has verified. n8n refuses a token past its `exp`,
 * but accepts one without `exp` (valid for ever), of any lifetime, for any audience and issuer:
 * those are refused here (401). Returns the token's subject, the books' caller id.
 */
export function checkPayerToken(
	token: PayerToken,
): { ok: true; kind: CallerKind; subject: string } | Refusal {
	const kind = token.kind as CallerKind;
	if (!CALLER_KINDS.includes(kind)) {
		throw new CoreInputError('tokenKind', `Must be one of ${CALLER_KINDS.join(', ')}`);
	}
	const accepted = token.accepted[kind];
	for (const [claim, value] of [
		['Issuer', accepted.issuer],
		['Audience', accepted.audience],
	] as const) {
		if (textOrEmpty(value) === '') {
			throw new CoreInputError(
				`${kind}Token${claim}`,
				`Set the ${claim.toLowerCase()} your ${kind === 'agent' ? "agents' app" : 'portal'} writes into its tokens`,
			);
		}
	}
	const maxLifetime = token.maxLifetimeMinutes;
	if (!isNumber(maxLifetime) || maxLifetime <= 0 || maxLifetime > MAX_TOKEN_LIFETIME_MINUTES) {
		throw new CoreInputError(
			'maxTokenLifetimeMinutes',
			`Must be a number of minutes above 0 and at most ${MAX_TOKEN_LIFETIME_MINUTES}`,
		);
	}
	const claims = token.claims;
	if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) {
		return invalidToken('it carries no claims');
	}
	const { sub, iss, aud, exp, iat } = claims as Record<string, unknown>;
	const subject = textOrEmpty(sub);
	if (typeof sub !== 'string' || subject === '') return invalidToken('it names no caller (sub)');
	if (iss !== textOrEmpty(accepted.issuer)) return invalidToken('it is from another issuer (iss)');
	// RFC 7519 4.1.3: one audience as a string, or several as a list
	const audiences = Array.isArray(aud) ? aud : [aud];
	if (!audiences.includes(textOrEmpty(accepted.audience))) {
		return invalidToken('it is meant for another service (aud)');
	}
	if (!isNumber(exp)) return invalidToken('it has no expiry (exp)');
	if (!isNumber(iat)) return invalidToken('it has no issue time (iat)');
	if (iat > token.nowSeconds + TOKEN_CLOCK_SKEW_SECONDS) {
		return invalidToken('it is issued in the future (iat)');
	}
	if (exp - iat > maxLifetime * 60) {
		return invalidToken(`it lives longer than ${maxLifetime} minutes (exp - iat)`);
	}
	if (exp <= token.nowSeconds) return invalidToken('it has expired (exp)');
	return { ok: true, kind, subject };
}

/**
 * The caller the books answered for the token's subject: from the books adapter's `getCaller`
 * answer (docs/books-api.md) its `caller`, or no caller when the books said no; any other object
 * is the caller itself (a books API answering with the record). The workflow hands the whole
 * answer in because n8n's expressions refuse to name a property `caller` (their sandbox treats
 * it as Function.caller).
 */
export function callerOfBooksAnswer(answer: unknown): Caller {
	if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) return {};
	const fields = answer as Record<string, unknown>;
	if (fields.operation !== 'getCaller') return fields as Caller;
	const caller = fields.caller;
	if (fields.error != null || caller === null || typeof caller !== 'object') return {};
	return caller as Caller;
}

/** Step 1: the caller may pay for this customer, in this way. */
export function authorizePaymentRequest(input: {
	token: PayerToken;
	/** the caller's record, or the books adapter's getCaller answer (callerOfBooksAnswer) */
	caller: unknown;
	request: PaymentRequestBody | null | undefined;
}): AuthorizedRequest | Refusal {
	const token = checkPayerToken(input.token);
	if (!token.ok) return token;
	const caller = callerOfBooksAnswer(input.caller);
	const request = input.request ?? {};
	const callerId = textOrEmpty(caller.id);
	const kind = caller.kind;
	// the books answered for the token's subject, about a kind of caller that may pay
	if (callerId !== token.subject || (kind !== 'agent' && kind !== 'portal')) {
		return refusal(403, 'UNKNOWN_CALLER', 'Your account is not allowed to take payments here');
	}
	// only a clear true: "false", 0, null or a missing flag is not an active account
	if (caller.active !== true) {
		return refusal(403, 'CALLER_INACTIVE', 'Your account is not active');
	}
	if (kind !== token.kind) {
		return refusal(
			403,
			'WRONG_TOKEN_KIND',
			token.kind === 'portal'
				? 'A portal token cannot act for an agent'
				: "An agents' app token cannot act for a portal user",
		);
	}
	if (typeof request !== 'object' || Array.isArray(request)) {
		return refusal(400, 'BAD_REQUEST', 'Send the payment request as a JSON object');
	}
	const howToPay = textOrEmpty(request.howToPay) || 'automatic';
	if (!isHowToPayKind(howToPay)) {
		return refusal(400, 'BAD_REQUEST', `"howToPay" must be one of ${HOW_TO_PAY_KINDS.join(', ')}`);
	}
	const paymentMethodId = textOrEmpty(request.paymentMethodId);
	if (howToPay === 'savedMethod' && !/^pm_[A-Za-z0-9_]+$/.test(paymentMethodId)) {
		return refusal(400, 'BAD_REQUEST', '"savedMethod" needs "paymentMethodId" (pm_...)');
	}
	const invoiceIds = readInvoiceIds(request);
	if (invoiceIds !== null && !Array.isArray(invoiceIds)) return invoiceIds;

	const requestedCustomer = textOrEmpty(request.customerId);
	let customerId: string;
	if (kind === 'agent') {
		if (caller.canReceiveManualStripePayments !== true) {
			return refusal(
				403,
				'NOT_PERMITTED',
				'You do not have the "Can Receive Manual Stripe Payments" permission',
			);
		}
		if (requestedCustomer === '') {
			return refusal(400, 'BAD_REQUEST', 'Name the customer in "customerId"');
		}
		customerId = requestedCustomer;
	} else {
		const own = textOrEmpty(caller.customerId);
		if (own === '' || caller.invoiceAccessLevel !== 'customer') {
			return refusal(403, 'NO_INVOICE_ACCESS', 'Your portal account may not pay invoices');
		}
		if (requestedCustomer !== '' && requestedCustomer !== own) {
			return refusal(403, 'FOREIGN_CUSTOMER', 'You may only pay the invoices of your own company');
		}
		customerId = own;
	}
	const email = textOrEmpty(caller.email);
	return {
		ok: true,
		callerId,
		callerKind: kind,
		callerName: textOrEmpty(caller.name) || null,
		payingUserEmail: email || null,
		customerId,
		invoiceIds,
		howToPay,
		paymentMethodId: howToPay === 'savedMethod' ? paymentMethodId : null,
	};
}

/** A books invoice as the demo contract lists it (docs/books-api.md). */
export interface BooksInvoice {
	id?: unknown;
	number?: unknown;
	customerId?: unknown;
	currency?: unknown;
	balance?: unknown;
	status?: unknown;
	paymentStatus?: unknown;
	sentToProvider?: unknown;
}

export interface SelectedInvoice {
	invoiceId: string;
	number: string;
	customerId: string;
	currency: string;
	balance: string;
}

export interface ExcludedInvoice {
	invoiceId: string;
	number: string;
	code: RefusalCode;
	message: string;
}

export interface SelectedInvoices {
	ok: true;
	customerId: string;
	currency: string;
	invoices: SelectedInvoice[];
	/** outstanding invoices a "pay all" request leaves out, each with why */
	excluded: ExcludedInvoice[];
}

/** Why an invoice of the customer cannot be paid online now (Aptean's guards), or null. */
export function invoiceGuard(invoice: BooksInvoice): { code: RefusalCode; message: string } | null {
	const number = textOrEmpty(invoice.number) || textOrEmpty(invoice.id);
	if (invoice.status === 'void') {
		return { code: 'INVOICE_VOID', message: `Invoice ${number} is void` };
	}
	let balanceMinor = 0;
	try {
		balanceMinor = parseAmount(invoice.balance, textOrEmpty(invoice.currency), 'balance');
	} catch (error) {
		// An unreadable balance is no balance to pay, with the reason kept.
		return {
			code: 'NOTHING_TO_PAY',
			message: `Invoice ${number} has no payable balance (${(error as Error).message})`,
		};
	}
	if (balanceMinor <= 0 || invoice.status === 'paid' || invoice.paymentStatus === 'paid') {
		return { code: 'NOTHING_TO_PAY', message: `Invoice ${number} has no balance to pay` };
	}
	if (invoice.sentToProvider !== true) {
		return {
			code: 'NOT_SENT_TO_PROVIDER',
			message: `Invoice ${number} was never sent to the payment provider, so it cannot be paid online`,
		};
	}
	if (invoice.paymentStatus === 'pending') {
		return {
			code: 'PAYMENT_PENDING',
			message: `A payment for invoice ${number} is already pending; the invoice shows Pending until it is processed`,
		};
	}
	if (invoice.paymentStatus === 'action_required') {
		return {
			code: 'ACTION_REQUIRED',
			message: `A payment for invoice ${number} is waiting for the customer to confirm it with the bank`,
		};
	}
	return null;
}

function toPay(invoice: BooksInvoice): SelectedInvoice {
	return {
		invoiceId: textOrEmpty(invoice.id),
		number: textOrEmpty(invoice.number) || textOrEmpty(invoice.id),
		customerId: textOrEmpty(invoice.customerId),
		currency: textOrEmpty(invoice.currency).toLowerCase(),
		balance: textOrEmpty(invoice.balance) || String(invoice.balance),
	};
}

/** Step 2: of the customer's invoices, the ones this request pays (all pass the guards). */
export function selectInvoicesToPay(input: {
	customerId: string;
	/** null: every outstanding invoice */
	invoiceIds: string[] | null;
	/** the books' invoices of the customer; entries without an id are ignored */
	invoices: BooksInvoice[];
}): SelectedInvoices | Refusal {
	const customerId = textOrEmpty(input.customerId);
	if (customerId === '') throw new CoreInputError('customerId', 'A customer ID is required');
	if (!Array.isArray(input.invoices)) {
		throw new CoreInputError('invoices', 'The invoices must be a list');
	}
	// Only the customer's own invoices are candidates, whatever else the list holds.
	const own = input.invoices.filter(
		(invoice) =>
			invoice && textOrEmpty(invoice.id) !== '' && textOrEmpty(invoice.customerId) === customerId,
	);
	const byId = new Map(own.map((invoice) => [textOrEmpty(invoice.id), invoice]));

	let chosen: BooksInvoice[];
	const excluded: ExcludedInvoice[] = [];
	if (input.invoiceIds === null) {
		chosen = [];
		for (const invoice of own) {
			if (invoice.status !== 'open') continue;
			const guard = invoiceGuard(invoice);
			if (guard === null) chosen.push(invoice);
			else if (guard.code !== 'NOTHING_TO_PAY' && guard.code !== 'INVOICE_VOID') {
				excluded.push({
					invoiceId: textOrEmpty(invoice.id),
					number: toPay(invoice).number,
					...guard,
				});
			}
		}
		if (chosen.length === 0) {
			const why = excluded.length ? ` (${excluded.map((e) => e.message).join('; ')})` : '';
			return refusal(
				409,
				'NOTHING_TO_PAY',
				`There are no outstanding invoices to pay online${why}`,
			);
		}
	} else {
		chosen = [];
		for (const invoiceId of input.invoiceIds) {
			const invoice = byId.get(invoiceId);
			if (!invoice) {
				return refusal(
					403,
					'FOREIGN_INVOICE',
					`Invoice ${invoiceId} is not one of your invoices`,
					invoiceId,
				);
			}
			const guard = invoiceGuard(invoice);
			if (guard) return refusal(409, guard.code, guard.message, invoiceId);
			chosen.push(invoice);
		}
	}
	const invoices = chosen.map(toPay);
	const currencies = [...new Set(invoices.map((invoice) => invoice.currency))];
	if (currencies.length > 1) {
		return refusal(
			422,
			'MIXED_CURRENCIES',
			`One payment has one currency; these invoices are in ${currencies.map((c) => c.toUpperCase()).join(' and ')}: pay them separately`,
		);
	}
	return { ok: true, customerId, currency: currencies[0], invoices, excluded };
}

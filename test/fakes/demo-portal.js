'use strict';
// @ts-check
/**
 * The demo customer portal of the local stack (`npm start`, README "The first ten minutes"): the
 * books' side, not the package. Plain server-rendered HTML, no dependencies.
 *
 *   - a portal user signs in (one of the demo books' callers), sees the customer's invoices with
 *     the processing fee, pays one or all through the shipped "Pay outstanding invoices"
 *     workflow's portal webhook (a JWT signed with the portal's secret), adds or changes the
 *     automatic payment method (a Stripe Checkout setup page: the add-method link; Stripe's
 *     customer portal page), opens the web invoice's Pay Now page, and sees each invoice move to
 *     Pending, then Paid (the page refreshes itself while a payment is under way);
 *   - an agent signs in and takes a manual payment for any customer (the agents' webhook, a JWT
 *     of the agents' app).
 *
 *   const portal = await startPortal({ port: 0, feePercent: '3', deps });
 *   portal.url; await portal.close();
 *
 * `deps` is what the portal talks to (n8nDeps() builds the real ones):
 *   books(requests) → answers            the books adapter, one call (docs/books-api.md)
 *   pay(kind, callerId, body) → {status, json}   the pay workflow's webhook, as that caller
 *   automaticMethod(stripeCustomerId) → label | null
 *   addMethodLink(stripeCustomerId, booksCustomerId, returnUrl) → url
 *   methodPortalLink(stripeCustomerId, returnUrl) → url
 *   webInvoiceLink(invoiceId) → url      the books asking the web-invoice workflow for a link
 *   mailbox() → messages                 (optional) the SMTP sink's mails, shown at /mailbox: the
 *                                        demo's mailbox, for reading the emails the tour sends
 */
const http = require('node:http');
const { createHmac, randomBytes, randomUUID, timingSafeEqual } = require('node:crypto');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');

/**
 * The package's own money rules: from the installed package when INVOICE_PAYMENTS_PACKAGE_DIR
 * names it (`npm start` does: its copy does not change under a rebuild of the work tree), else the
 * source (jest compiles it), else the build (`npm run build`).
 */
function loadCore(module) {
	const installed = process.env.INVOICE_PAYMENTS_PACKAGE_DIR;
	const candidates = [
		...(installed ? [path.join(installed, 'dist', module)] : []),
		path.join(ROOT, module),
		path.join(ROOT, 'dist', module),
	];
	for (const candidate of candidates) {
		try {
			return require(candidate);
		} catch (error) {
			if (error?.code !== 'MODULE_NOT_FOUND') throw error;
		}
	}
	throw new Error(`The demo portal uses ${module}; run "npm run build" first`);
}
const { feeFor, parseFeePercent, formatFeePercent } = loadCore('nodes/core/money/fee');
const { parseAmount, formatMoney } = loadCore('nodes/core/money/money');
const { paymentMethodLabel } = loadCore('nodes/core/payments/paymentMethodLabel');

/** The people of the demo books who may sign in (test/fakes/books-api.js, the Data Tables demo). */
const DEMO_USERS = [
	{ id: 'portal-501', name: 'Pat Portal', of: 'Acme Plumbing Ltd' },
	{ id: 'portal-502', name: 'Sam Portal', of: 'Brightside Dental' },
	{ id: 'portal-503', name: 'Robin Portal', of: 'Brightside Dental (no invoice access)' },
	{ id: 'agent-7', name: 'Dana Agent', of: 'agent: takes manual payments' },
	{ id: 'agent-8', name: 'Lee Agent', of: 'agent: without the permission' },
];

const STATUS_WORDS = {
	unpaid: 'Open',
	pending: 'Pending',
	action_required: 'Action required',
	failed: 'Payment failed',
	paid: 'Paid',
	partially_paid: 'Partly paid',
	refunded: 'Refunded',
};

const COOKIE = 'demo_portal';

function escapeHtml(text) {
	return String(text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body, { refresh = false, user = null } = {}) {
	const who = user
		? `<form method="post" action="/sign-out" class="who">Signed in as <b>${escapeHtml(user.name)}</b> <button type="submit">Sign out</button></form>`
		: '';
	return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>${
		refresh ? '<meta http-equiv="refresh" content="3">' : ''
	}<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:64rem;color:#222}
table{border-collapse:collapse;width:100%}th,td{padding:.4rem .6rem;border-bottom:1px solid #ddd;text-align:left}
td{white-space:nowrap}td:last-child{white-space:normal}td.num,th.num{text-align:right}.notice{background:#eef7ee;border:1px solid #9c9;padding:.6rem}
.error{background:#fbeaea;border:1px solid #d99;padding:.6rem}.who{float:right}
.status-paid{color:#070}.status-failed,.status-action_required{color:#b00}.status-pending{color:#a60}
form.inline{display:inline}button{margin:.1rem}
</style></head><body>${who}<h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function parseForm(text) {
	/** @type {Record<string, string | string[]>} */
	const fields = {};
	for (const [key, value] of new URLSearchParams(text)) {
		const had = fields[key];
		if (had === undefined) fields[key] = value;
		else fields[key] = Array.isArray(had) ? [...had, value] : [had, value];
	}
	return fields;
}

const list = (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function readBody(req) {
	return new Promise((resolve, reject) => {
		let text = '';
		req.setEncoding('utf8');
		req.on('data', (chunk) => {
			text += chunk;
			if (text.length > 64 * 1024) req.destroy(new Error('body too large'));
		});
		req.on('end', () => resolve(text));
		req.on('error', reject);
	});
}

/**
 * @param {{ feePercent?: string, deps: any, secret?: Buffer }} options
 */
function createPortal({ feePercent = '0', deps, secret = randomBytes(32) }) {
	const feeRate = parseFeePercent(feePercent);

	const sign = (value) => createHmac('sha256', secret).update(value).digest('base64url');
	function sessionCookie(callerId) {
		return `${COOKIE}=${encodeURIComponent(`${callerId}.${sign(callerId)}`)}; Path=/; HttpOnly; SameSite=Lax`;
	}
	/** The signed-in caller id, or null (a cookie not signed by this portal counts for nothing). */
	function signedIn(req) {
		const cookie = (req.headers.cookie ?? '')
			.split(';')
			.map((part) => part.trim())
			.find((part) => part.startsWith(`${COOKIE}=`));
		if (!cookie) return null;
		const value = decodeURIComponent(cookie.slice(COOKIE.length + 1));
		const dot = value.lastIndexOf('.');
		if (dot < 1) return null;
		const id = value.slice(0, dot);
		const given = Buffer.from(value.slice(dot + 1));
		const expected = Buffer.from(sign(id));
		return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
	}

	async function booksOne(request) {
		const [answer] = await deps.books([request]);
		if (!answer) throw new Error(`the books gave no answer to ${request.operation}`);
		return answer;
	}

	async function callerOf(req) {
		const id = signedIn(req);
		if (!id) return null;
		const answer = await booksOne({ operation: 'getCaller', callerId: id });
		return answer.error ? null : answer.caller;
	}

	/**
	 * Payment pages a person was sent to (a pay link), by caller: the invoices on it, and when the
	 * person came back from it paid (Stripe sends them to paymentDoneUrl only then). From then
	 * until the books have the payment (Stripe's event → the payment-status workflow → the books),
	 * those invoices show Pending, for ten minutes at most.
	 * @type {Map<string, { customerId: string, invoiceIds: string[], paidAt: number | null }>}
	 */
	const payPages = new Map();
	const PENDING_AT_MOST_MS = 10 * 60_000;
	function confirming(callerId) {
		const sent = payPages.get(callerId);
		return sent?.paidAt && Date.now() - sent.paidAt < PENDING_AT_MOST_MS
			? new Set(sent.invoiceIds)
			: new Set();
	}
	function sentToPayPage(callerId, customerId, json, asked) {
		const invoiceIds = Array.isArray(json?.invoices)
			? json.invoices.map((i) => i.invoiceId)
			: asked;
		payPages.set(callerId, { customerId, invoiceIds, paidAt: null });
	}

	/** An invoice as the portal shows it: the amount owed, the fee on it, the total. */
	function priced(invoice, paidOnPage = new Set()) {
		const currency = String(invoice.currency).toLowerCase();
		const balance = parseAmount(invoice.balance, currency);
		const open = invoice.status === 'open' && balance > 0;
		// an open invoice: what is owed now and the fee paying it online adds; else its total
		const owed = open ? balance : parseAmount(invoice.total, currency);
		const fee = open ? feeFor(balance, feeRate, currency) : 0;
		return {
			...invoice,
			balanceText: formatMoney(owed, currency),
			feeText: open ? formatMoney(fee, currency) : '',
			totalText: open ? formatMoney(balance + fee, currency) : '',
			// paid on a payment page, the books not told yet: on its way
			statusKey:
				invoice.status === 'paid'
					? 'paid'
					: open && paidOnPage.has(invoice.id)
						? 'pending'
						: invoice.paymentStatus,
			open,
		};
	}

	async function customerView(customerId, paidOnPage = new Set()) {
		const [customerAnswer, invoicesAnswer] = await deps.books([
			{ operation: 'getCustomer', customerId },
			{ operation: 'listCustomerInvoices', customerId, statuses: ['open', 'paid'] },
		]);
		if (customerAnswer.error) throw new Error(`the books: ${customerAnswer.error.message}`);
		const customer = customerAnswer.customer;
		const invoices = (invoicesAnswer.invoices ?? [])
			.map((invoice) => priced(invoice, paidOnPage))
			.sort((a, b) => Number(b.open) - Number(a.open) || a.number.localeCompare(b.number));
		const method = customer.stripeCustomerId
			? await deps.automaticMethod(customer.stripeCustomerId)
			: null;
		return { customer, invoices, method };
	}

	function invoiceTable(invoices, { selectable, payOne, webInvoice }) {
		const rows = invoices
			.map((invoice) => {
				const status = STATUS_WORDS[invoice.statusKey] ?? invoice.statusKey;
				const actions = [];
				// a payment under way: nothing to pay until it ends
				const payable = invoice.open && invoice.statusKey !== 'pending';
				if (payable && payOne)
					actions.push(
						`<form method="post" action="${payOne}" class="inline"><input type="hidden" name="invoiceId" value="${escapeHtml(invoice.id)}"><button type="submit" name="pay" value="${escapeHtml(invoice.id)}">Pay ${escapeHtml(invoice.number)}</button></form>`,
					);
				if (payable && webInvoice)
					actions.push(
						`<form method="post" action="/web-invoice" class="inline"><input type="hidden" name="invoiceId" value="${escapeHtml(invoice.id)}"><button type="submit">Web invoice (Pay Now)</button></form>`,
					);
				return `<tr data-invoice="${escapeHtml(invoice.id)}">${
					selectable
						? `<td>${payable ? `<input type="checkbox" name="invoiceIds" value="${escapeHtml(invoice.id)}" form="take-payment">` : ''}</td>`
						: ''
				}<td>${escapeHtml(invoice.number)}</td><td>${escapeHtml(invoice.dueDate)}</td><td class="num">${escapeHtml(invoice.balanceText)}</td><td class="num">${escapeHtml(invoice.feeText)}</td><td class="num">${escapeHtml(invoice.totalText)}</td><td class="status status-${escapeHtml(invoice.statusKey)}">${escapeHtml(status)}</td><td>${actions.join(' ')}</td></tr>`;
			})
			.join('');
		return `<table><thead><tr>${selectable ? '<th></th>' : ''}<th>Invoice</th><th>Due</th><th class="num">Amount due</th><th class="num">Processing fee (${escapeHtml(formatFeePercent(feeRate))})</th><th class="num">Total</th><th>Status</th><th></th></tr></thead><tbody>${rows || '<tr><td colspan="8">No invoices.</td></tr>'}</tbody></table>`;
	}

	function notices(url) {
		const notice = url.searchParams.get('notice');
		const error = url.searchParams.get('error');
		return `${notice ? `<p class="notice" role="status">${escapeHtml(notice)}</p>` : ''}${
			error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''
		}`;
	}

	const under = (invoices) => invoices.some((i) => ['pending'].includes(i.statusKey));

	async function customerPage(req, url, caller, extraNotice) {
		if (!caller.customerId || caller.invoiceAccessLevel !== 'customer') {
			return html(
				200,
				page(
					'Your invoices',
					`${notices(url)}<p class="error">Your account may not see or pay this company's invoices. Ask your administrator.</p>`,
					{ user: caller },
				),
			);
		}
		const { customer, invoices, method } = await customerView(
			caller.customerId,
			confirming(caller.id),
		);
		const methodText = customer.stripeCustomerId
			? (method ?? 'No automatic payment setup')
			: 'Not set up for online payments yet (the customer mapping sync has not mapped this company)';
		const methodActions = customer.stripeCustomerId
			? `<form method="post" action="/payment-method/add" class="inline"><button type="submit">Add a payment method</button></form>${
					method
						? ` <form method="post" action="/payment-method/change" class="inline"><button type="submit">Change the automatic payment method</button></form>`
						: ''
				}`
			: '';
		const open = invoices.filter((i) => i.open);
		const payAll = open.length
			? `<form method="post" action="/pay" class="inline"><input type="hidden" name="all" value="1"><button type="submit">Pay all open invoices</button></form>${
					method
						? ` <form method="post" action="/pay" class="inline"><input type="hidden" name="all" value="1"><input type="hidden" name="howToPay" value="payLink"><button type="submit">Pay all with another card</button></form>`
						: ''
				}`
			: '';
		const how = method
			? `<p>Pay buttons charge the automatic payment method <b>${escapeHtml(method)}</b>.</p>`
			: customer.stripeCustomerId
				? '<p>Pay buttons open a secure payment page (no automatic payment method yet).</p>'
				: '';
		return html(
			200,
			page(
				`Invoices of ${customer.name}`,
				`${extraNotice ? `<p class="notice" role="status">${escapeHtml(extraNotice)}</p>` : ''}${notices(url)}
<h2>Automatic payment method</h2><p id="automatic-method">${escapeHtml(methodText)}</p><p>${methodActions}</p>
<h2>Invoices</h2>${how}${invoiceTable(invoices, { selectable: false, payOne: customer.stripeCustomerId ? '/pay' : null, webInvoice: true })}<p>${customer.stripeCustomerId ? payAll : ''}</p>`,
				{ refresh: under(invoices), user: caller },
			),
		);
	}

	/** What the pay workflow answered, in a sentence for the person who asked. */
	function payOutcome({ status, json }, numbers = {}) {
		if (status === 200 && json?.payLink) return { redirect: json.payLink };
		if (status === 200 && Array.isArray(json?.payments)) {
			const byStatus = {};
			for (const payment of json.payments) {
				const word = payment.status === 'succeeded' ? 'paid' : payment.status.replace(/_/g, ' ');
				(byStatus[word] ??= []).push(numbers[payment.invoiceId] ?? payment.invoiceId);
			}
			const said = Object.entries(byStatus)
				.map(([word, numbers]) => `${numbers.join(', ')}: ${word}`)
				.join('; ');
			const failure = json.payments.find((p) => p.failure)?.failure?.message;
			const left = (json.notIncluded ?? [])
				.map(
					(n) =>
						`${numbers[n.invoiceId] ?? n.invoiceId} (${n.message ?? n.reason ?? 'not payable'})`,
				)
				.join(', ');
			return {
				notice: `${said}${failure ? ` (${failure})` : ''}${left ? `. Not included: ${left}` : ''}`,
			};
		}
		const message =
			json?.error?.message ?? (typeof json === 'string' ? json : `HTTP ${status}`) ?? 'refused';
		return { error: `Not paid: ${message}` };
	}

	function backTo(base, outcome) {
		if (outcome.redirect) return redirect(outcome.redirect);
		const key = outcome.error ? 'error' : 'notice';
		return redirect(`${base}?${key}=${encodeURIComponent(outcome.error ?? outcome.notice)}`);
	}

	async function agentPage(url, caller) {
		const customers = (await booksOne({ operation: 'listCustomers' })).customers ?? [];
		const chosen = url.searchParams.get('customer');
		let body = `${notices(url)}<form method="get" action="/agent"><label>Customer <select name="customer">${customers
			.map(
				(c) =>
					`<option value="${escapeHtml(c.id)}"${c.id === chosen ? ' selected' : ''}>${escapeHtml(c.name)}</option>`,
			)
			.join('')}</select></label> <button type="submit">Show invoices</button></form>`;
		let refresh = false;
		if (chosen) {
			const { customer, invoices, method } = await customerView(chosen, confirming(caller.id));
			refresh = under(invoices);
			body += `<h2>${escapeHtml(customer.name)}</h2><p>Automatic payment method: <b>${escapeHtml(
				customer.stripeCustomerId
					? (method ?? 'No automatic payment setup')
					: 'not mapped to Stripe',
			)}</b></p>${invoiceTable(invoices, { selectable: true, payOne: null, webInvoice: false })}
<form method="post" action="/agent/pay" id="take-payment"><input type="hidden" name="customerId" value="${escapeHtml(customer.id)}">
<label><input type="radio" name="howToPay" value="payLink" checked> Card over the phone (opens a payment page)</label>
<label><input type="radio" name="howToPay" value="automatic"> Charge the automatic payment method</label>
<button type="submit">Take payment</button></form>`;
		}
		return html(200, page('Agent: take a manual payment', body, { refresh, user: caller }));
	}

	async function route(req, res) {
		const url = new URL(req.url ?? '/', 'http://portal.invalid');
		const method = req.method ?? 'GET';
		const form = method === 'POST' ? parseForm(await readBody(req)) : {};
		const origin = `http://${req.headers.host}`;

		if (method === 'GET' && url.pathname === '/') {
			const users = DEMO_USERS.map(
				(u) =>
					`<li><form method="post" action="/sign-in" class="inline"><input type="hidden" name="callerId" value="${u.id}"><button type="submit">Sign in as ${escapeHtml(u.name)}</button></form> ${escapeHtml(u.of)}</li>`,
			).join('');
			return html(
				200,
				page(
					'Demo Services: customer portal',
					`${notices(url)}<p>The demo books' people (no passwords in this demo).</p><ul>${users}</ul>${
						deps.mailbox
							? '<p><a href="/mailbox">The demo mailbox</a>: every email the workflows sent.</p>'
							: ''
					}`,
				),
			);
		}
		if (method === 'POST' && url.pathname === '/sign-in') {
			const callerId = String(form.callerId ?? '');
			const answer = callerId
				? await booksOne({ operation: 'getCaller', callerId })
				: { error: { message: 'no user' } };
			if (answer.error || answer.caller.active !== true)
				return redirect(`/?error=${encodeURIComponent(`No active user ${callerId} in the books`)}`);
			return redirect(answer.caller.kind === 'agent' ? '/agent' : '/invoices', {
				'Set-Cookie': sessionCookie(callerId),
			});
		}
		if (method === 'GET' && url.pathname === '/mailbox' && deps.mailbox) {
			const messages = [...(await deps.mailbox())].reverse();
			const items = messages
				.map(
					(m) =>
						`<tr data-mail="${escapeHtml(m.id)}"><td>${escapeHtml(m.receivedAt?.slice(11, 19))}</td><td><a href="/mailbox/${encodeURIComponent(m.id)}">${escapeHtml(m.subject)}</a></td><td>${escapeHtml(m.to)}</td></tr>`,
				)
				.join('');
			return html(
				200,
				page(
					'Demo mailbox: every email the workflows sent',
					`<table><thead><tr><th>Received</th><th>Subject</th><th>To</th></tr></thead><tbody>${items || '<tr><td colspan="3">No email yet.</td></tr>'}</tbody></table>`,
					{ refresh: false },
				),
			);
		}
		const mailId = /^\/mailbox\/([^/]+)$/.exec(url.pathname)?.[1];
		if (method === 'GET' && mailId && deps.mailbox) {
			const message = (await deps.mailbox()).find((m) => m.id === decodeURIComponent(mailId));
			if (!message)
				return html(404, page('No such email', '<p><a href="/mailbox">Mailbox</a></p>'));
			const envelope = [
				['From', message.from],
				['To', message.to],
				['Cc', message.cc],
				['Subject', message.subject],
			]
				.filter(([, value]) => value)
				.map(([name, value]) => `<tr><th>${name}</th><td>${escapeHtml(value)}</td></tr>`)
				.join('');
			// the email's own HTML in a sandboxed frame (no scripts, no forms), else its text
			const content = message.html
				? `<iframe sandbox="allow-same-origin" title="email" style="width:100%;height:34rem;border:1px solid #ddd" srcdoc="${escapeHtml(message.html)}"></iframe>`
				: `<pre>${escapeHtml(message.text)}</pre>`;
			return html(
				200,
				page(
					message.subject ?? '(no subject)',
					`<p><a href="/mailbox">← Mailbox</a></p><table>${envelope}</table>${content}`,
				),
			);
		}
		if (method === 'POST' && url.pathname === '/sign-out') {
			return redirect('/', { 'Set-Cookie': `${COOKIE}=; Path=/; Max-Age=0` });
		}

		const caller = await callerOf(req);
		if (!caller) return redirect('/?error=Please%20sign%20in');

		if (caller.kind === 'agent') {
			if (method === 'GET' && url.pathname === '/agent') return agentPage(url, caller);
			if (method === 'POST' && url.pathname === '/agent/pay') {
				const customerId = String(form.customerId ?? '');
				const invoiceIds = list(form.invoiceIds);
				const back = `/agent?customer=${encodeURIComponent(customerId)}`;
				if (!invoiceIds.length)
					return redirect(`${back}&error=${encodeURIComponent('Choose the invoices to pay')}`);
				const { invoices } = await customerView(customerId);
				const numbers = Object.fromEntries(invoices.map((i) => [i.id, i.number]));
				const answer = await deps.pay('agent', caller.id, {
					customerId,
					invoiceIds,
					howToPay: form.howToPay === 'automatic' ? 'automatic' : 'payLink',
				});
				const outcome = payOutcome(answer, numbers);
				if (outcome.redirect) {
					sentToPayPage(caller.id, customerId, answer.json, invoiceIds);
					return redirect(outcome.redirect);
				}
				const key = outcome.error ? 'error' : 'notice';
				return redirect(`${back}&${key}=${encodeURIComponent(outcome.error ?? outcome.notice)}`);
			}
			if (method === 'GET' && url.pathname === '/invoices/paid') {
				// back from the payment page the agent took the card on
				const sent = payPages.get(caller.id);
				if (!sent) return redirect('/agent');
				sent.paidAt = Date.now();
				return redirect(
					`/agent?customer=${encodeURIComponent(sent.customerId)}&notice=${encodeURIComponent("Paid on the payment page: waiting for Stripe's confirmation")}`,
				);
			}
			return redirect('/agent');
		}

		// a portal user
		if (method === 'GET' && url.pathname === '/invoices') return customerPage(req, url, caller);
		if (method === 'GET' && url.pathname === '/invoices/paid') {
			const sent = payPages.get(caller.id);
			if (sent) sent.paidAt = Date.now();
			return customerPage(req, url, caller, 'Thank you: your payment is being confirmed.');
		}
		if (method === 'GET' && url.pathname === '/payment-method-added')
			return customerPage(req, url, caller, 'Your payment method is saved.');
		if (method === 'GET' && url.pathname === '/payment-method-changed')
			return customerPage(req, url, caller, 'Your automatic payment method is updated.');
		if (!caller.customerId || caller.invoiceAccessLevel !== 'customer')
			return redirect('/invoices');
		if (method === 'POST' && url.pathname === '/pay') {
			const { method: automatic, invoices } = await customerView(caller.customerId);
			const howToPay = automatic && form.howToPay !== 'payLink' ? 'automatic' : 'payLink';
			const body = form.all
				? { payAll: true, howToPay }
				: { invoiceIds: [String(form.invoiceId ?? '')], howToPay };
			const numbers = Object.fromEntries(invoices.map((i) => [i.id, i.number]));
			const answer = await deps.pay('portal', caller.id, body);
			const outcome = payOutcome(answer, numbers);
			if (outcome.redirect)
				sentToPayPage(
					caller.id,
					caller.customerId,
					answer.json,
					body.invoiceIds ?? invoices.filter((i) => i.open).map((i) => i.id),
				);
			return backTo('/invoices', outcome);
		}
		const customer = (await booksOne({ operation: 'getCustomer', customerId: caller.customerId }))
			.customer;
		if (method === 'POST' && url.pathname === '/payment-method/add' && customer?.stripeCustomerId) {
			return redirect(
				await deps.addMethodLink(
					customer.stripeCustomerId,
					customer.id,
					`${origin}/payment-method-added`,
				),
			);
		}
		if (
			method === 'POST' &&
			url.pathname === '/payment-method/change' &&
			customer?.stripeCustomerId
		) {
			return redirect(
				await deps.methodPortalLink(customer.stripeCustomerId, `${origin}/payment-method-changed`),
			);
		}
		if (method === 'POST' && url.pathname === '/web-invoice') {
			const invoiceId = String(form.invoiceId ?? '');
			const mine = (
				await booksOne({ operation: 'listCustomerInvoices', customerId: caller.customerId })
			).invoices?.some((i) => i.id === invoiceId);
			if (!mine) return redirect(`/invoices?error=${encodeURIComponent('No such invoice')}`);
			return redirect(await deps.webInvoiceLink(invoiceId));
		}
		return html(404, page('Not found', '<p><a href="/invoices">Your invoices</a></p>'));
	}

	function html(status, text, headers = {}) {
		return { status, headers: { 'Content-Type': 'text/html; charset=utf-8', ...headers }, text };
	}
	function redirect(location, headers = {}) {
		return { status: 303, headers: { Location: location, ...headers }, text: '' };
	}

	async function handle(req, res) {
		let answer;
		try {
			answer = await route(req, res);
		} catch (error) {
			answer = html(
				502,
				page('Something went wrong', `<p class="error">${escapeHtml(error.message)}</p>`),
			);
		}
		res.writeHead(answer.status, answer.headers);
		res.end(answer.text);
	}

	return { handle };
}

/**
 * @param {{ port?: number, host?: string, feePercent?: string, deps: any }} options
 */
async function startPortal({ port = 0, host = '127.0.0.1', feePercent, deps }) {
	const portal = createPortal({ feePercent, deps });
	const server = http.createServer((req, res) => {
		portal.handle(req, res);
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => resolve(undefined));
	});
	const address = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		url: `http://${host}:${address.port}`,
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve(undefined));
				server.closeAllConnections();
			}),
	};
}

/** An HS256 JWT (the portal's and the agents' app's tokens: docs/workflows.md "Who may pay what"). */
function signJwt(claims, secret) {
	const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
	const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
	return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

/**
 * The real dependencies: the n8n webhooks of the shipped workflows and the Stripe API.
 * @param {{ n8nUrl: string, stripeUrl: string, stripeSecretKey: string, booksWebhookKey: string,
 *   booksPath: string, portalJwtSecret: string, agentJwtSecret: string, mailboxUrl?: string }} options
 */
function n8nDeps(options) {
	const n8n = options.n8nUrl.replace(/\/+$/, '');
	const stripeBase = options.stripeUrl.replace(/\/+$/, '');
	async function post(url, body, headers) {
		const res = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body: JSON.stringify(body),
			signal: AbortSignal.timeout(60_000),
		});
		const text = await res.text();
		let json;
		try {
			json = text ? JSON.parse(text) : null;
		} catch {
			json = text;
		}
		return { status: res.status, json };
	}
	async function stripe(method, route, params) {
		const res = await fetch(`${stripeBase}/v1${route}`, {
			method,
			headers: {
				authorization: `Bearer ${options.stripeSecretKey}`,
				'content-type': 'application/x-www-form-urlencoded',
			},
			body: params ? new URLSearchParams(params).toString() : undefined,
			signal: AbortSignal.timeout(15_000),
		});
		const json = await res.json();
		if (!res.ok) throw new Error(`Stripe ${method} ${route}: ${json.error?.message ?? res.status}`);
		return json;
	}
	const bookKey = { 'X-Books-Webhook-Key': options.booksWebhookKey };
	const signers = {
		portal: {
			secret: options.portalJwtSecret,
			iss: 'https://portal.demo-services.example.com',
			aud: 'invoice-payments/pay',
		},
		agent: {
			secret: options.agentJwtSecret,
			iss: 'https://agents.demo-services.example.com',
			aud: 'invoice-payments/agents/pay',
		},
	};
	return {
		async books(requests) {
			const { status, json } = await post(
				`${n8n}/webhook/${options.booksPath}`,
				{ requests },
				bookKey,
			);
			if (status !== 200 || !Array.isArray(json?.answers))
				throw new Error(
					`the books (n8n webhook ${options.booksPath}): HTTP ${status} ${JSON.stringify(json).slice(0, 200)}`,
				);
			return json.answers;
		},
		async pay(kind, callerId, body) {
			const signer = signers[kind];
			const now = Math.floor(Date.now() / 1000);
			const token = signJwt(
				{
					sub: callerId,
					iss: signer.iss,
					aud: signer.aud,
					iat: now,
					exp: now + 600,
					jti: randomUUID(),
				},
				signer.secret,
			);
			return post(`${n8n}/webhook/${signer.aud}`, body, { authorization: `Bearer ${token}` });
		},
		async automaticMethod(stripeCustomerId) {
			const customer = await stripe(
				'GET',
				`/customers/${encodeURIComponent(stripeCustomerId)}?expand[]=invoice_settings.default_payment_method`,
			);
			const pm = customer.invoice_settings?.default_payment_method;
			return pm && typeof pm === 'object' ? paymentMethodLabel(pm) : null;
		},
		async addMethodLink(stripeCustomerId, booksCustomerId, returnUrl) {
			// as the package's add-method link (Stripe Invoice Payment → Payment Method → Create Add
			// Link): a setup page whose method the payment-status workflow makes automatic
			const session = await stripe('POST', '/checkout/sessions', {
				mode: 'setup',
				customer: stripeCustomerId,
				currency: 'usd',
				success_url: returnUrl,
				'metadata[make_automatic]': 'true',
				'metadata[books_customer_id]': booksCustomerId,
				'setup_intent_data[metadata][make_automatic]': 'true',
				'setup_intent_data[metadata][books_customer_id]': booksCustomerId,
			});
			return session.url;
		},
		async methodPortalLink(stripeCustomerId, returnUrl) {
			const session = await stripe('POST', '/billing_portal/sessions', {
				customer: stripeCustomerId,
				return_url: returnUrl,
			});
			return session.url;
		},
		async mailbox() {
			if (!options.mailboxUrl) return [];
			const res = await fetch(options.mailboxUrl, { signal: AbortSignal.timeout(10_000) });
			if (!res.ok) throw new Error(`the mailbox: HTTP ${res.status}`);
			return res.json();
		},
		async webInvoiceLink(invoiceId) {
			const { status, json } = await post(
				`${n8n}/webhook/invoice-payments/web-invoice/link`,
				{ invoiceId },
				bookKey,
			);
			if (status !== 200 || !json?.url)
				throw new Error(`web invoice link: HTTP ${status} ${JSON.stringify(json).slice(0, 200)}`);
			return json.url;
		},
	};
}

module.exports = { DEMO_USERS, createPortal, startPortal, n8nDeps, signJwt };

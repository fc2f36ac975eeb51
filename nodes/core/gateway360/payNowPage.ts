import { readLocale } from '../locale';
import { escapeHtml } from '../email/html';
import { CoreInputError } from '../errors';
import { formatAmount, formatMoney } from '../money/money';
import { assertEmail, assertInvoiceNumber, assertPositiveAmount } from './charge';
import { checkTokenKey } from './connection';
import { PAGE_CSS, PAGE_HTML, PAGE_JS } from './payNowPage/assets.generated';

/**
 * The "Pay Now" page of one web invoice.
 *
 * The card fields are the gateway's own (Collect.js, loaded from the gateway with the public
 * token key, draws them in its own frames): card data goes from the browser to the gateway
 * only. What the page posts to `postUrl` (the workflow's webhook) is the payment token and the
 * invoice it is for, as a form (`application/x-www-form-urlencoded`, a CORS "simple" request,
 * which also works from the sandboxed, opaque-origin document n8n serves HTML webhook answers
 * as):
 *   payment_token, invoice_number, amount (decimal, before fee), fee, total, currency,
 *   customer_email, card_number (masked, e.g. 411111******1111), card_type, card_category
 *   (Collect.js's credit, debit, prepaid or unknown: what Charge Token's Card Category takes)
 * The webhook's answer is read as JSON: a payment record (or a list of them, as "Respond to
 * Webhook" with all items sends): `status` succeeded / processing -> paid; failed -> the
 * `failure.message` is shown and Pay Now may be clicked again; `refused` (the invoice is paid
 * or being paid another way) -> its `failure.message`, as the workflow wrote it for the
 * customer; anything else -> a generic error and retry. The charging workflow must take the
 * amount from its books, not from the post: the page is in the customer's hands.
 *
 * The page is three files people edit, payNowPage/page.html, page.css and page.js; the build
 * embeds them in payNowPage/assets.generated.ts (gulpfile.js), and this module fills the HTML.
 * page.js is the same for every page: what it posts comes from the page's JSON config element.
 */

export interface PayNowPageInput {
	invoiceNumber: string;
	amountMinor: number;
	feeMinor: number;
	currency: string;
	customerEmail?: string | null;
	/** the public tokenization key */
	tokenKey: string;
	/** set by the shell, which compares the keys: a security key is never put in a page */
	tokenKeyIsSecurityKey?: boolean;
	/** `{gateway}/token/Collect.js` */
	collectJsUrl: string;
	/** where the token is posted: the Pay Now workflow's webhook (absolute URL) */
	postUrl: string;
	/** shown above the invoice, e.g. the business name */
	heading?: string | null;
	locale?: string;
}

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

export function assertPostUrl(value: unknown, field = 'postUrl'): string {
	const text = typeof value === 'string' ? value.trim() : '';
	const url = URL.canParse(text) ? new URL(text) : null;
	if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
		throw new CoreInputError(
			field,
			`"${text.slice(0, 100)}" is not an absolute http(s) URL (use the production URL of the Pay Now workflow's webhook)`,
		);
	}
	if (url.protocol === 'http:' && !LOOPBACK_HOST.test(url.hostname)) {
		throw new CoreInputError(field, 'The post URL must use https (a payment page posts to it)');
	}
	if (url.username || url.password) {
		throw new CoreInputError(field, 'The post URL must not contain user information');
	}
	return url.toString();
}

/** JSON that is safe inside a <script> element (no "</script>", no "<!--", no U+2028/9). */
function scriptJson(value: unknown): string {
	return JSON.stringify(value)
		.replace(/</g, '\\u003c')
		.replace(/>/g, '\\u003e')
		.replace(/&/g, '\\u0026')
		.replace(/\u2028/g, '\\u2028')
		.replace(/\u2029/g, '\\u2029');
}

/**
 * The page's template (page.html) filled in one pass: `{{name}}` with the text escaped for HTML,
 * `{{{name}}}` with markup as it stands (the page's own CSS and JS, fragments built here of
 * escaped values). A value is never read for placeholders of its own.
 */
function fillTemplate(
	template: string,
	values: { text: Record<string, string>; markup: Record<string, string> },
): string {
	return template.replace(/\{\{\{(\w+)\}\}\}|\{\{(\w+)\}\}/g, (placeholder, markup, text) => {
		const value = markup !== undefined ? values.markup[markup] : values.text[text];
		if (value === undefined) throw new Error(`The Pay Now page has no value for ${placeholder}`);
		return markup !== undefined ? value : escapeHtml(value);
	});
}

export function payNowPage(input: PayNowPageInput): string {
	const invoiceNumber = assertInvoiceNumber(input.invoiceNumber);
	assertPositiveAmount(input.amountMinor, input.currency, 'amount');
	const email = assertEmail(input.customerEmail);
	const tokenCheck = checkTokenKey(input.tokenKey, input.tokenKeyIsSecurityKey === true);
	if (!tokenCheck.ok) throw new CoreInputError('tokenKey', tokenCheck.message);
	const postUrl = assertPostUrl(input.postUrl);
	const locale = readLocale(input.locale, 'locale');
	const { currency } = input;
	const totalMinor = input.amountMinor + input.feeMinor;
	const shown = (minor: number) => formatMoney(minor, currency, locale);

	const config = {
		invoiceNumber,
		amount: formatAmount(input.amountMinor, currency),
		fee: formatAmount(input.feeMinor, currency),
		total: formatAmount(totalMinor, currency),
		currency: currency.toUpperCase(),
		customerEmail: email ?? '',
		postUrl,
		// what the success message shows when the card carried no surcharge (debit, prepaid)
		paidWithoutFee: input.feeMinor > 0 ? shown(input.amountMinor) : null,
	};
	const readonlyRow = (id: string, label: string, value: string) =>
		`<div class="row"><label for="${id}">${escapeHtml(label)}</label><input id="${id}" name="${id}" type="text" value="${escapeHtml(value)}" readonly tabindex="-1"></div>`;
	// A 360 Payments fee is a surcharge, charged on credit cards only (charge.ts,
	// surchargeAllowed); the card's category is known only once it is tokenized, so the page
	// shows both totals before.
	const amountRows =
		input.feeMinor > 0
			? readonlyRow('invoice-amount', 'Invoice amount', shown(input.amountMinor)) +
				readonlyRow('processing-fee', 'Processing fee (credit cards only)', shown(input.feeMinor)) +
				readonlyRow('amount', 'Total with a credit card', shown(totalMinor)) +
				readonlyRow('amount-debit', 'Total with a debit or prepaid card', shown(input.amountMinor))
			: readonlyRow('amount', 'Amount', shown(totalMinor));
	const heading = input.heading?.trim()
		? `<p class="heading">${escapeHtml(input.heading.trim())}</p>`
		: '';

	return fillTemplate(PAGE_HTML, {
		text: {
			lang: locale.split('-')[0] || 'en',
			invoiceNumber,
			collectJsUrl: input.collectJsUrl,
			tokenKey: input.tokenKey.trim(),
			total: shown(totalMinor),
		},
		markup: {
			css: PAGE_CSS,
			script: PAGE_JS,
			config: scriptJson(config),
			heading,
			invoiceNumberRow: readonlyRow('invoice-number', 'Invoice number', invoiceNumber),
			amountRows,
			emailRow: email ? readonlyRow('customer-email', 'Email', email) : '',
		},
	});
}

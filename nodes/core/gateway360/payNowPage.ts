import { CoreInputError } from '../errors';
import { formatAmount, formatMoney } from '../money';
import { assertEmail, assertInvoiceNumber, assertPositiveAmount } from './charge';
import { checkTokenKey } from './connection';

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
 *   customer_email, card_number (masked, e.g. 411111******1111), card_type
 * The webhook's answer is read as JSON: a payment record (or a list of them, as "Respond to
 * Webhook" with all items sends): `status` succeeded / processing -> paid; failed -> the
 * `failure.message` is shown and Pay Now may be clicked again; `refused` (the invoice is paid
 * or being paid another way) -> its `failure.message`, as the workflow wrote it for the
 * customer; anything else -> a generic error and retry. The charging workflow must take the amount from its books, not from the
 * post: the page is in the customer's hands.
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

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
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

export function payNowPage(input: PayNowPageInput): string {
	const invoiceNumber = assertInvoiceNumber(input.invoiceNumber);
	assertPositiveAmount(input.amountMinor, input.currency, 'amount');
	const email = assertEmail(input.customerEmail);
	const tokenCheck = checkTokenKey(input.tokenKey, input.tokenKeyIsSecurityKey === true);
	if (!tokenCheck.ok) throw new CoreInputError('tokenKey', tokenCheck.message);
	const postUrl = assertPostUrl(input.postUrl);
	const locale = input.locale ?? 'en-US';
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
	};
	const readonlyRow = (id: string, label: string, value: string) =>
		`<div class="row"><label for="${id}">${escapeHtml(label)}</label><input id="${id}" name="${id}" type="text" value="${escapeHtml(value)}" readonly tabindex="-1"></div>`;
	const feeRows =
		input.feeMinor > 0
			? readonlyRow('invoice-amount', 'Invoice amount', shown(input.amountMinor)) +
				readonlyRow('processing-fee', 'Processing fee', shown(input.feeMinor))
			: '';
	const heading = input.heading?.trim() ? `<p class="heading">${escapeHtml(input.heading.trim())}</p>` : '';

	return `<!DOCTYPE html>
<html lang="${escapeHtml(locale.split('-')[0] || 'en')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Pay invoice ${escapeHtml(invoiceNumber)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f5f6f8;color:#1d2433;margin:0}
main{max-width:28rem;margin:2rem auto;background:#fff;border-radius:8px;padding:1.5rem 1.75rem;box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:1.35rem;margin:0 0 1rem}.heading{color:#5b6475;margin:0 0 .25rem}
.row{display:flex;flex-direction:column;margin-bottom:.85rem}label,.label{font-size:.85rem;color:#5b6475;margin-bottom:.25rem}
input[readonly]{border:0;background:#f0f2f5;border-radius:4px;padding:.5rem .6rem;font-size:1rem;color:#1d2433}
.card-field{min-height:2.6rem;border:1px solid #c9ced8;border-radius:4px;padding:0 .25rem}
.card-row{display:flex;gap:.75rem}.card-row>.row{flex:1}
#pay-error{background:#fdecec;color:#9b1c1c;border-radius:4px;padding:.6rem .75rem}
button{width:100%;padding:.8rem;font-size:1.05rem;border:0;border-radius:4px;background:#1f6feb;color:#fff;cursor:pointer}
button[disabled]{background:#8aa9d6;cursor:default}
#pay-success{text-align:center}
</style>
<script src="${escapeHtml(input.collectJsUrl)}" data-tokenization-key="${escapeHtml(input.tokenKey.trim())}" data-variant="inline"></script>
</head>
<body>
<main>
${heading}<h1>Pay invoice ${escapeHtml(invoiceNumber)}</h1>
<form id="pay-now-form" novalidate onsubmit="return false">
${readonlyRow('invoice-number', 'Invoice number', invoiceNumber)}
${feeRows}${readonlyRow('amount', input.feeMinor > 0 ? 'Total' : 'Amount', shown(totalMinor))}
${email ? readonlyRow('customer-email', 'Email', email) : ''}
<div class="row"><span class="label">Card number</span><div id="ccnumber" class="card-field"></div></div>
<div class="card-row">
<div class="row"><span class="label">Expiry (MM/YY)</span><div id="ccexp" class="card-field"></div></div>
<div class="row"><span class="label">Security code</span><div id="cvv" class="card-field"></div></div>
</div>
<p id="pay-error" role="alert" hidden></p>
<button type="button" id="pay-button">Pay Now</button>
</form>
<section id="pay-success" role="status" hidden>
<h2>Payment received</h2>
<p>Invoice <strong>${escapeHtml(invoiceNumber)}</strong> is paid: <strong>${escapeHtml(shown(totalMinor))}</strong>.</p>
<p id="pay-reference"></p>
</section>
</main>
<script>
(function () {
	var config = ${scriptJson(config)};
	var form = document.getElementById('pay-now-form');
	var button = document.getElementById('pay-button');
	var errorBox = document.getElementById('pay-error');
	var busy = false;

	function showError(message) {
		errorBox.textContent = message;
		errorBox.hidden = false;
		busy = false;
		button.disabled = false;
		button.textContent = 'Pay Now';
	}

	function showPaid(record) {
		form.hidden = true;
		var reference = document.getElementById('pay-reference');
		if (record && record.paymentId) reference.textContent = 'Reference: ' + record.paymentId;
		if (record && record.status === 'processing') {
			reference.textContent += ' (the payment is being processed)';
		}
		document.getElementById('pay-success').hidden = false;
	}

	function readAnswer(status, text) {
		var answer = null;
		try { answer = JSON.parse(text); } catch (e) { answer = null; }
		var record = Array.isArray(answer) ? answer[0] : answer;
		if (record && (record.status === 'succeeded' || record.status === 'processing')) {
			showPaid(record);
		} else if (record && record.status === 'failed') {
			showError((record.failure && record.failure.message ? record.failure.message + '. ' : 'The payment was declined. ') + 'Check the card details or use another card, then press Pay Now again.');
		} else if (record && record.status === 'refused' && record.failure && record.failure.message) {
			showError(record.failure.message);
		} else {
			showError('The payment could not be completed (' + status + '). Please press Pay Now to try again; you will not be charged twice for this invoice.');
		}
	}

	function postToken(response) {
		var card = response.card || {};
		var fields = {
			payment_token: response.token,
			invoice_number: config.invoiceNumber,
			amount: config.amount,
			fee: config.fee,
			total: config.total,
			currency: config.currency,
			customer_email: config.customerEmail,
			card_number: card.number || '',
			card_type: card.type || ''
		};
		var body = Object.keys(fields).map(function (name) {
			return encodeURIComponent(name) + '=' + encodeURIComponent(fields[name] == null ? '' : fields[name]);
		}).join('&');
		fetch(config.postUrl, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: body,
			credentials: 'omit'
		}).then(function (answer) {
			return answer.text().then(function (text) { readAnswer(answer.status, text); });
		}).catch(function () {
			showError('The connection was interrupted before the payment was confirmed. Please press Pay Now to try again; you will not be charged twice for this invoice.');
		});
	}

	if (!window.CollectJS) {
		button.disabled = true;
		errorBox.textContent = 'The card form could not be loaded. Please reload the page.';
		errorBox.hidden = false;
		return;
	}

	window.CollectJS.configure({
		variant: 'inline',
		fields: {
			ccnumber: { selector: '#ccnumber', title: 'Card number', placeholder: '0000 0000 0000 0000' },
			ccexp: { selector: '#ccexp', title: 'Expiry', placeholder: 'MM / YY' },
			cvv: { selector: '#cvv', title: 'Security code', placeholder: 'CVV' }
		},
		timeoutDuration: 20000,
		timeoutCallback: function () {
			showError('The card form did not answer in time. Please press Pay Now to try again.');
		},
		validationCallback: function (field, valid, message) {
			if (!valid && busy) showError(message || ('Please check the ' + field + ' field.'));
		},
		callback: postToken
	});

	button.addEventListener('click', function () {
		if (busy) return;
		busy = true;
		errorBox.hidden = true;
		button.disabled = true;
		button.textContent = 'Processing…';
		window.CollectJS.startPaymentRequest();
	});
})();
</script>
</body>
</html>
`;
}

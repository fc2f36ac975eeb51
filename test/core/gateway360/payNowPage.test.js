// @ts-check
import { escapeHtml } from '../../../nodes/core/email/html';
import { CoreInputError } from '../../../nodes/core/errors';
import { assertPostUrl, payNowPage } from '../../../nodes/core/gateway360/payNowPage';

const TOKEN_KEY = 'pubkey-abc123-def456-ghi789';

describe('payNowPage', () => {
	const base = {
		invoiceNumber: 'INV-1042',
		amountMinor: 125000,
		feeMinor: 0,
		currency: 'usd',
		customerEmail: 'payer@example.com',
		tokenKey: TOKEN_KEY,
		collectJsUrl: 'https://secure.gateway.test/token/Collect.js',
		postUrl: 'https://n8n.example.com/webhook/pay-now/charge',
	};

	test('shows the invoice read-only, loads Collect.js with the token key, posts to the webhook', () => {
		const html = payNowPage(base);
		expect(html).toContain(
			'<script src="https://secure.gateway.test/token/Collect.js" data-tokenization-key="pubkey-abc123-def456-ghi789" data-variant="inline"></script>',
		);
		expect(html).toMatch(
			/<input id="invoice-number" name="invoice-number" type="text" value="INV-1042" readonly/,
		);
		expect(html).toMatch(
			/<input id="amount" name="amount" type="text" value="\$1,250.00" readonly/,
		);
		expect(html).toMatch(/<input id="customer-email" [^>]*value="payer@example.com" readonly/);
		expect(html).toContain('<button type="button" id="pay-button">Pay Now</button>');
		expect(html).toContain('"postUrl":"https://n8n.example.com/webhook/pay-now/charge"');
		expect(html).toContain('<p id="pay-error" role="alert" hidden></p>');
		// Card fields are Collect.js's own frames: the page has no input of its own for them.
		expect(html).not.toMatch(/<input[^>]*(ccnumber|cvv|ccexp)/);
		expect(html).toMatch(/<div id="ccnumber" class="card-field"><\/div>/);
	});

	test('a processing fee is a credit-card surcharge: both totals shown before the card is known', () => {
		const html = payNowPage({ ...base, feeMinor: 3625 });
		expect(html).toMatch(/id="invoice-amount"[^>]*value="\$1,250.00"/);
		expect(html).toMatch(
			/<label for="processing-fee">Processing fee \(credit cards only\)<\/label><input id="processing-fee"[^>]*value="\$36.25"/,
		);
		expect(html).toMatch(
			/<label for="amount">Total with a credit card<\/label><input id="amount"[^>]*value="\$1,286.25"/,
		);
		expect(html).toMatch(
			/<label for="amount-debit">Total with a debit or prepaid card<\/label><input id="amount-debit"[^>]*value="\$1,250.00"/,
		);
		expect(html).toContain('"amount":"1250.00","fee":"36.25","total":"1286.25","currency":"USD"');
		// paid without the surcharge (a debit card): the success message says what was taken
		expect(html).toContain('"paidWithoutFee":"$1,250.00"');
	});

	test('no fee: one amount, nothing said of cards', () => {
		const html = payNowPage(base);
		expect(html).toMatch(
			/<label for="amount">Amount<\/label><input id="amount"[^>]*value="\$1,250.00"/,
		);
		expect(html).not.toContain('credit card');
		expect(html).toContain('"paidWithoutFee":null');
	});

	test('everything from outside is escaped for HTML and for the script', () => {
		const html = payNowPage({
			...base,
			invoiceNumber: 'INV-<b>"1"</b>&\'',
			heading: '<script>alert(1)</script>',
		});
		expect(html).not.toContain('<b>');
		expect(html).not.toContain('<script>alert(1)</script>');
		expect(html).toContain('INV-&lt;b&gt;&quot;1&quot;&lt;/b&gt;&amp;&#39;');
		expect(html).toContain('"invoiceNumber":"INV-\\u003cb\\u003e\\"1\\"\\u003c/b\\u003e\\u0026\'"');
		expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
	});

	test.each([
		[{ amountMinor: 0 }, 'amount'],
		[{ amountMinor: -1 }, 'amount'],
		[{ invoiceNumber: '' }, 'invoiceNumber'],
		[{ tokenKey: '' }, 'tokenKey'],
		[{ tokenKeyIsSecurityKey: true }, 'tokenKey'],
		[{ postUrl: '/webhook/relative' }, 'postUrl'],
		[{ postUrl: 'http://n8n.example.com/webhook/x' }, 'postUrl'],
		[{ postUrl: 'javascript:alert(1)' }, 'postUrl'],
		[{ customerEmail: 'not-an-email' }, 'customerEmail'],
	])('refuses %p by field', (change, field) => {
		let failure;
		try {
			payNowPage({ ...base, ...change });
		} catch (error) {
			failure = error;
		}
		expect(failure).toBeInstanceOf(CoreInputError);
		expect(failure.field).toBe(field);
	});

	test('posting to a local n8n over http is allowed', () => {
		expect(assertPostUrl('http://127.0.0.1:5678/webhook/pay')).toBe(
			'http://127.0.0.1:5678/webhook/pay',
		);
	});
});

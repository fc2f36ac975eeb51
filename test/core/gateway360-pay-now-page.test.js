/**
 * The Pay Now page as the customer's browser receives it, byte for byte, in its variants (a fee
 * or none, a heading, another locale, no email, hostile values). What the page does in a real
 * browser is test/browser/pay-now.browser.test.js.
 */
import { payNowPage } from '../../nodes/core/gateway360/payNowPage';

const base = {
	invoiceNumber: 'INV-1042',
	amountMinor: 125000,
	feeMinor: 0,
	currency: 'usd',
	customerEmail: 'payer@example.com',
	tokenKey: 'pubkey-abc123-def456-ghi789',
	collectJsUrl: 'https://secure.gateway.test/token/Collect.js',
	postUrl: 'https://n8n.example.com/webhook/pay-now/charge',
};

const pages = {
	'one invoice, no fee': base,
	'a processing fee and a heading': { ...base, feeMinor: 3625, heading: '  Acme Services Ltd  ' },
	'euros in German, no customer email': {
		...base,
		currency: 'EUR',
		amountMinor: 8000,
		feeMinor: 240,
		customerEmail: null,
		locale: 'de-DE',
	},
	'hostile values': {
		...base,
		invoiceNumber: 'INV-<b>"1"</b>&\'',
		heading: '<script>alert(1)</script>',
		postUrl: 'https://n8n.example.com/webhook/pay?x=</script><!--&y=\u2028',
	},
};

test.each(Object.keys(pages))('the page: %s', (name) => {
	expect(payNowPage(pages[name])).toMatchSnapshot();
});

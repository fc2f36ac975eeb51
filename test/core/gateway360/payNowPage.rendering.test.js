// @ts-check
/**
 * The Pay Now page as the customer's browser receives it, byte for byte, in its variants (a fee
 * or none, a heading, another locale, no email, hostile values), and the assets it is made of
 * (nodes/core/gateway360/payNowPage/page.html, page.css, page.js, embedded by the build). What
 * the page does in a real browser is test/browser/pay-now.browser.test.js.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { payNowPage } from '../../../nodes/core/gateway360/payNowPage';
import {
	PAGE_CSS,
	PAGE_HTML,
	PAGE_JS,
} from '../../../nodes/core/gateway360/payNowPage/assets.generated';

const ASSETS = join(__dirname, '../../../nodes/core/gateway360/payNowPage');

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

test('the embedded assets are the asset files as they stand (else: npx gulp build:payNowPage)', () => {
	const asset = (name) => readFileSync(join(ASSETS, name), 'utf8');
	expect(PAGE_HTML).toBe(asset('page.html'));
	expect(PAGE_CSS).toBe(asset('page.css'));
	expect(PAGE_JS).toBe(asset('page.js'));
});

test('every placeholder is filled once, and a value that looks like one is shown as written', () => {
	const html = payNowPage({ ...base, feeMinor: 100, heading: '{{{script}}} {{tokenKey}}' });
	expect(html).toContain('<p class="heading">{{{script}}} {{tokenKey}}</p>');
	expect(html.split(PAGE_JS)).toHaveLength(2);
	expect(html.split(PAGE_CSS)).toHaveLength(2);
	expect(html.replace('{{{script}}} {{tokenKey}}', '')).not.toMatch(/\{\{/);
});

test('the script reads back exactly what the page was made for, whatever it holds', () => {
	const hostile = pages['hostile values'];
	const html = payNowPage(hostile);
	const element = /** @type {RegExpExecArray} */ (
		/<script type="application\/json" id="pay-now-config">(.*?)<\/script>/s.exec(html)
	);
	expect(JSON.parse(element[1])).toEqual({
		invoiceNumber: hostile.invoiceNumber,
		amount: '1250.00',
		fee: '0.00',
		total: '1250.00',
		currency: 'USD',
		customerEmail: 'payer@example.com',
		postUrl: new URL(hostile.postUrl.trim()).toString(),
		paidWithoutFee: null,
	});
	// Only the page's own two scripts: the config's text cannot end its element early.
	expect(html.match(/<\/script/g)).toHaveLength(3);
});

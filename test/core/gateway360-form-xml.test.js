import { CoreInputError } from '../../nodes/core/errors';
import { Gateway360ApiError, redactGatewaySecrets } from '../../nodes/core/gateway360/errors';
import { encodeGatewayForm, parseGatewayForm } from '../../nodes/core/gateway360/form';
import { childElements, childText, parseXml } from '../../nodes/core/gateway360/xml';

describe('encodeGatewayForm', () => {
	test('encodes in order, leaves out undefined, percent-encodes values', () => {
		expect(
			encodeGatewayForm({ type: 'sale', amount: '10.00', skipped: undefined, orderid: 'INV 1&2=3', email: 'a+b@x.io' }),
		).toBe('type=sale&amount=10.00&orderid=INV%201%262%3D3&email=a%2Bb%40x.io');
	});

	test('refuses the security key: only the credential adds it', () => {
		expect(() => encodeGatewayForm({ security_key: 'x' })).toThrow(CoreInputError);
	});

	test.each([['Bad-Name'], ['1type'], ['']])('refuses the field name %p', (name) => {
		expect(() => encodeGatewayForm({ [name]: 'x' })).toThrow(CoreInputError);
	});

	test.each([['line\nbreak'], ['nul\u0000'], ['lone \ud800 surrogate']])('refuses the value %p', (value) => {
		expect(() => encodeGatewayForm({ orderid: value })).toThrow(/characters the gateway cannot take/);
	});

	test('round-trips any printable text through parseGatewayForm', () => {
		const samples = ['plain', 'ünïcødé €', 'a+b c&d=e%f', '🙂 emoji', "quote's \"double\""];
		for (const value of samples) {
			expect(parseGatewayForm(encodeGatewayForm({ responsetext: value })).responsetext).toBe(value);
		}
	});
});

describe('parseGatewayForm', () => {
	test('reads an NMI answer, + as space, empty values', () => {
		expect(
			parseGatewayForm('response=2&responsetext=DECLINE+Card&authcode=&transactionid=7000000001&response_code=200\n'),
		).toEqual({ response: '2', responsetext: 'DECLINE Card', authcode: '', transactionid: '7000000001', response_code: '200' });
	});

	test.each([
		['', /empty body/],
		['response=1&response=2', /"response" twice/],
		['=value', /value without a name/],
		['responsetext=%ZZ', /malformed % escape/],
		['responsetext=%E2%82', /not UTF-8/],
		['responsetext=%C0%AF', /not UTF-8/],
		['responsetext=%ED%A0%80', /not UTF-8/],
	])('refuses %p', (body, message) => {
		expect(() => parseGatewayForm(body)).toThrow(message);
		expect(() => parseGatewayForm(body)).toThrow(Gateway360ApiError);
	});
});

describe('parseXml', () => {
	const answer = `<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment -->
<nm_response>
	<transaction>
		<transaction_id>7000000001</transaction_id>
		<order_id>INV &amp; Co &lt;1&gt; &#233;&#x20AC;</order_id>
		<email/>
		<order_description><![CDATA[<b>not markup</b>]]></order_description>
		<action><amount>10.00</amount></action>
		<action><amount>2.50</amount></action>
	</transaction>
</nm_response>`;

	test('reads elements, entities, CDATA, empty elements', () => {
		const root = parseXml(answer);
		expect(root.name).toBe('nm_response');
		const [transaction] = childElements(root, 'transaction');
		expect(childText(transaction, 'transaction_id')).toBe('7000000001');
		expect(childText(transaction, 'order_id')).toBe('INV & Co <1> é€');
		expect(childText(transaction, 'email')).toBeNull();
		expect(childText(transaction, 'missing')).toBeNull();
		expect(childText(transaction, 'order_description')).toBe('<b>not markup</b>');
		expect(childElements(transaction, 'action').map((a) => childText(a, 'amount'))).toEqual(['10.00', '2.50']);
	});

	test('reads attributes and a byte order mark', () => {
		const root = parseXml('\ufeff<a x="1" y=\'&quot;2&quot;\'><b/></a>');
		expect(root.attributes).toEqual({ x: '1', y: '"2"' });
		expect(root.children).toHaveLength(1);
	});

	test('a field present twice is refused rather than guessed', () => {
		const root = parseXml('<t><id>1</id><id>2</id></t>');
		expect(() => childText(root, 'id')).toThrow(/<id> twice/);
	});

	test.each([
		['<a><b></a></b>', /closes <b>/],
		['<a>', /never closed/],
		['<a></a><b></b>', /content after the root/],
		['text only', /no root element/],
		['<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', /DOCTYPE/],
		['<a>&unknown;</a>', /unknown entity/],
		['<a>&amp</a>', /unterminated entity/],
		['<a>&#0;</a>', /invalid character/],
		['<a x=1></a>', /unquoted attribute/],
		['<a x="1" x="2"></a>', /attribute "x" twice/],
		['<a><?pi x?></a>', /does not accept/],
		['<a><!-- x -- y --></a>', /"--" inside a comment/],
		['<a><![CDATA[open</a>', /unterminated CDATA/],
		[`${'<a>'.repeat(40)}${'</a>'.repeat(40)}`, /nested too deeply/],
	])('refuses %p', (xml, message) => {
		expect(() => parseXml(xml)).toThrow(message);
		expect(() => parseXml(xml)).toThrow(Gateway360ApiError);
	});
});

describe('redactGatewaySecrets', () => {
	test('removes security_key fields and the given secrets, plain or URL-encoded', () => {
		const secret = 'sec/ret+key 1234';
		const text = `posted security_key=abc123&type=sale; key ${secret}; encoded ${encodeURIComponent(secret)}`;
		const out = redactGatewaySecrets(text, [secret, 'short']);
		expect(out).not.toContain('abc123');
		expect(out).not.toContain(secret);
		expect(out).not.toContain(encodeURIComponent(secret));
		expect(out).toBe('posted security_key=[redacted]&type=sale; key [redacted]; encoded [redacted]');
	});
});

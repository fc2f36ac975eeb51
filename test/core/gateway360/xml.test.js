// @ts-check
import { Gateway360ApiError } from '../../../nodes/core/gateway360/errors';
import { childElements, childText, parseXml } from '../../../nodes/core/gateway360/xml';

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
		expect(childElements(transaction, 'action').map((a) => childText(a, 'amount'))).toEqual([
			'10.00',
			'2.50',
		]);
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

// @ts-check
import { CoreInputError } from '../../../nodes/core/errors';
import { Gateway360ApiError } from '../../../nodes/core/gateway360/errors';
import { encodeGatewayForm, parseGatewayForm } from '../../../nodes/core/gateway360/form';

describe('encodeGatewayForm', () => {
	test('encodes in order, leaves out undefined, percent-encodes values', () => {
		expect(
			encodeGatewayForm({
				type: 'sale',
				amount: '10.00',
				skipped: undefined,
				orderid: 'INV 1&2=3',
				email: 'a+b@x.io',
			}),
		).toBe('type=sale&amount=10.00&orderid=INV%201%262%3D3&email=a%2Bb%40x.io');
	});

	test('refuses the security key: only the credential adds it', () => {
		expect(() => encodeGatewayForm({ security_key: 'x' })).toThrow(CoreInputError);
	});

	test.each([['Bad-Name'], ['1type'], ['']])('refuses the field name %p', (name) => {
		expect(() => encodeGatewayForm({ [name]: 'x' })).toThrow(CoreInputError);
	});

	test.each([['line\nbreak'], ['nul\u0000'], ['lone \ud800 surrogate']])(
		'refuses the value %p',
		(value) => {
			expect(() => encodeGatewayForm({ orderid: value })).toThrow(
				/characters the gateway cannot take/,
			);
		},
	);

	test('round-trips any printable text through parseGatewayForm', () => {
		const samples = ['plain', 'ünïcødé €', 'a+b c&d=e%f', '🙂 emoji', 'quote\'s "double"'];
		for (const value of samples) {
			expect(parseGatewayForm(encodeGatewayForm({ responsetext: value })).responsetext).toBe(value);
		}
	});
});

describe('parseGatewayForm', () => {
	test('reads an NMI answer, + as space, empty values', () => {
		expect(
			parseGatewayForm(
				'response=2&responsetext=DECLINE+Card&authcode=&transactionid=7000000001&response_code=200\n',
			),
		).toEqual({
			response: '2',
			responsetext: 'DECLINE Card',
			authcode: '',
			transactionid: '7000000001',
			response_code: '200',
		});
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

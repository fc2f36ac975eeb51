// @ts-check
import {
	customerMatchesText,
	customerSearchQuery,
	searchString,
	stripeDashboardUrl,
} from '../../../nodes/core/stripe/search';

describe('searchString', () => {
	test.each([
		['Acme', "'Acme'"],
		["O'Brien", "'O\\'Brien'"],
		['back\\slash', "'back\\\\slash'"],
		["\\'", "'\\\\\\''"],
		['', "''"],
	])('%s -> %s', (value, quoted) => {
		expect(searchString(value)).toBe(quoted);
	});
});

describe('customerSearchQuery', () => {
	test('name or email containing the trimmed text', () => {
		expect(customerSearchQuery('  acme ')).toBe("name~'acme' OR email~'acme'");
		expect(customerSearchQuery("O'Br")).toBe("name~'O\\'Br' OR email~'O\\'Br'");
	});

	test('fewer than three characters cannot use ~: null', () => {
		expect(customerSearchQuery('ab')).toBeNull();
		expect(customerSearchQuery('  a  ')).toBeNull();
		expect(customerSearchQuery('')).toBeNull();
		expect(customerSearchQuery('abc')).not.toBeNull();
	});
});

describe('customerMatchesText', () => {
	test('name or email, ignoring case; a missing field matches nothing', () => {
		expect(customerMatchesText({ name: 'Acme Plumbing', email: null }, 'ac')).toBe(true);
		expect(customerMatchesText({ name: null, email: 'AP@ZETA.example' }, ' ze ')).toBe(true);
		expect(customerMatchesText({ name: 'Acme', email: 'ap@acme.example' }, 'zz')).toBe(false);
		expect(customerMatchesText({}, 'a')).toBe(false);
	});
});

describe('stripeDashboardUrl', () => {
	test('test mode pages live under /test/', () => {
		expect(stripeDashboardUrl(false, 'customers/cus_1')).toBe(
			'https://dashboard.stripe.com/test/customers/cus_1',
		);
		expect(stripeDashboardUrl(true, '/customers/cus_1')).toBe(
			'https://dashboard.stripe.com/customers/cus_1',
		);
	});
});

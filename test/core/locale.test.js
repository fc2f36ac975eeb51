// @ts-check
import { DEFAULT_LOCALE } from '../../nodes/core/defaults';
import { isCoreInputError } from '../../nodes/core/errors';
import { readLocale } from '../../nodes/core/locale';

describe('readLocale', () => {
	test.each([
		['en-US', 'en-US'],
		['de-DE', 'de-DE'],
		[' fr-ch ', 'fr-CH'],
		['zh-Hant-TW', 'zh-Hant-TW'],
		['ja', 'ja'],
	])('%j is the tag %s', (value, tag) => {
		expect(readLocale(value, 'locale')).toBe(tag);
	});

	test.each([undefined, null, ''])('%j is the default, %s', (value) => {
		expect(readLocale(value, 'locale')).toBe(DEFAULT_LOCALE);
	});

	test.each([
		['english', '"english" is not a language tag'],
		['en_US!', '"en_US!" is not a language tag'],
		['en-US\r\nBcc: x@example.com', 'is not a language tag'],
		['   ', '"   " is not a language tag'],
		['x'.repeat(200), 'is not a language tag'],
		[42, 'number is not a language tag'],
		[{ tag: 'en-US' }, 'object is not a language tag'],
	])('%j is refused, naming the field and how to fix it', (value, said) => {
		let caught;
		try {
			readLocale(value, 'locale');
		} catch (error) {
			caught = error;
		}
		expect(isCoreInputError(caught)).toBe(true);
		const error = /** @type {import('../../nodes/core/errors').CoreInputError} */ (caught);
		expect(error.field).toBe('locale');
		expect(error.message).toContain(said);
		expect(error.message).toContain('such as en-US');
		expect(error.message.length).toBeLessThan(160);
	});
});

/**
 * The locale amounts and dates are shown in: a BCP 47 language tag as Intl takes it (en-US,
 * de-DE, fr-CH). Read once where it enters, so a bad tag is the user's input error naming the
 * field, not Intl's RangeError from deep inside a template.
 */
import { DEFAULT_LOCALE } from './defaults';
import { CoreInputError } from './errors';

/** Longer than any real tag (language-script-region-variant), short enough to quote in an error. */
const MAX_TAG_LENGTH = 35;

/** The tag, canonical (en-us -> en-US); empty or missing -> DEFAULT_LOCALE. */
export function readLocale(value: unknown, field: string): string {
	if (value === undefined || value === null || value === '') return DEFAULT_LOCALE;
	const tag = typeof value === 'string' ? value.trim() : '';
	let canonical: string | undefined;
	if (tag !== '' && tag.length <= MAX_TAG_LENGTH) {
		try {
			[canonical] = Intl.getCanonicalLocales(tag);
			// well-formed is not enough: Intl shows an unknown language ("english") in its default
			if (Intl.NumberFormat.supportedLocalesOf(canonical).length === 0) canonical = undefined;
		} catch {
			canonical = undefined; // Intl's RangeError: not a tag; said below in the user's words
		}
	}
	if (canonical === undefined) {
		const shown =
			typeof value === 'string' ? JSON.stringify(value.slice(0, MAX_TAG_LENGTH)) : typeof value;
		throw new CoreInputError(
			field,
			`${shown} is not a language tag: write one such as en-US, de-DE or fr-CH (amounts are shown in its format)`,
		);
	}
	return canonical;
}

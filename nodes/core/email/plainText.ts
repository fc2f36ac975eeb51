/**
 * Values from outside (the books, the payment record, the caller) made safe for an email's
 * text: one line each, and only http(s) links.
 */

/** One-line text: no line breaks, so a value cannot add lines (or headers) of its own. */
export function oneLine(value: string | null | undefined, fallback: string): string {
	const text = typeof value === 'string' ? value.replace(/[\r\n]+/g, ' ').trim() : '';
	return text === '' ? fallback : text;
}

/** Only http(s) links go into an email; anything else is dropped rather than shown. */
export function safeUrl(value: string | null | undefined): string | null {
	if (typeof value !== 'string' || value.trim() === '') return null;
	const text = value.trim();
	return /^https?:\/\/[^\s"'<>]+$/i.test(text) ? text : null;
}

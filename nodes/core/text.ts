/** A value as text the way records and requests are read: a string with something in it, trimmed, or null. */
export function trimmedText(value: unknown): string | null {
	if (typeof value !== 'string') return null;
	const text = value.trim();
	return text === '' ? null : text;
}

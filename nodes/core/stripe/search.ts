/**
 * Stripe's search query language (customers): quoted values, and the substring operator `~`,
 * which Stripe refuses for fewer than three characters.
 */

export const MIN_SUBSTRING_SEARCH_LENGTH = 3;

/** A value as a quoted string of the query language: backslashes and quotes escaped. */
export function searchString(value: string): string {
	return `'${value.replace(/[\\']/g, (character) => `\\${character}`)}'`;
}

/**
 * The customer picker's query: name or email containing the text. `null` when the text is too
 * short for `~`: the picker then filters a listed page itself (customerMatchesText).
 */
export function customerSearchQuery(text: string): string | null {
	const wanted = text.trim();
	if (wanted.length < MIN_SUBSTRING_SEARCH_LENGTH) return null;
	const value = searchString(wanted);
	return `name~${value} OR email~${value}`;
}

/** Whether a customer's name or email contains the text, ignoring case. */
export function customerMatchesText(
	customer: { name?: string | null; email?: string | null },
	text: string,
): boolean {
	const wanted = text.trim().toLowerCase();
	return [customer.name, customer.email].some(
		(field) => typeof field === 'string' && field.toLowerCase().includes(wanted),
	);
}

/** A page of the Stripe Dashboard, in test or live mode as the key is. */
export function stripeDashboardUrl(livemode: boolean, path: string): string {
	return `https://dashboard.stripe.com/${livemode ? '' : 'test/'}${path.replace(/^\/+/, '')}`;
}

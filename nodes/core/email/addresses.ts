import { CoreInputError } from '../errors';

/**
 * Email addresses: what counts as one address, lists of them as the books write them, the
 * failure (and report) address setting, and who receives a customer email.
 */

/** Who the customer is and who paid, from the books (and the caller, when a person paid). */
export interface EmailContact {
	customerName?: string | null;
	customerEmail?: string | null;
	accountsEmail?: string | null;
	/** one or more addresses, separated by commas or semicolons */
	accountsCcEmail?: string | null;
	payingUserEmail?: string | null;
}

// Deliberately plain: the books and mail servers differ; this refuses what is clearly not one
// address (spaces, several @, display names, lists), not every RFC 5322 oddity.
const EMAIL = /^[^\s@<>(),;:"'\\[\]]+@[^\s@<>(),;:"'\\[\]]+\.[^\s@<>(),;:"'\\[\]]+$/;

export function isEmailAddress(value: string): boolean {
	return value.length <= 254 && EMAIL.test(value);
}

/** The failure address setting: empty is allowed (none), anything else must be one address. */
export function parseFailureAddress(value: unknown, field = 'failureAddress'): string | null {
	const text = typeof value === 'string' ? value.trim() : '';
	if (text === '') return null;
	if (!isEmailAddress(text)) {
		throw new CoreInputError(field, `"${text.slice(0, 80)}" is not one email address`);
	}
	return text;
}

/** Splits "a@x.com, b@y.com; c@z.com" into addresses; what is not an address is reported. */
export function splitAddresses(value: unknown): { addresses: string[]; ignored: string[] } {
	const addresses: string[] = [];
	const ignored: string[] = [];
	if (typeof value !== 'string') return { addresses, ignored };
	for (const part of value.split(/[,;]/)) {
		const address = part.trim();
		if (address === '') continue;
		(isEmailAddress(address) ? addresses : ignored).push(address);
	}
	return { addresses, ignored };
}

export interface Recipients {
	to: string | null;
	cc: string[];
	bcc: string[];
	ignored: string[];
}

/**
 * Who receives a customer email: To = customer email, else accounts email; CC = accounts email,
 * accounts CC list, paying user; case-insensitively unique, To never repeated. `options.bcc`
 * (the failure address) is added as BCC unless it already receives the email.
 */
export function customerRecipients(
	contact: EmailContact,
	options: { bcc?: string | null } = {},
): Recipients {
	const ignored: string[] = [];
	const take = (value: unknown): string[] => {
		const { addresses, ignored: bad } = splitAddresses(value);
		ignored.push(...bad);
		return addresses;
	};
	const customer = take(contact.customerEmail);
	const accounts = take(contact.accountsEmail);
	const accountsCc = take(contact.accountsCcEmail);
	const payingUser = take(contact.payingUserEmail);

	const to = customer[0] ?? accounts[0] ?? null;
	const seen = new Set<string>(to ? [to.toLowerCase()] : []);
	const unique = (list: string[]) =>
		list.filter((address) => {
			const key = address.toLowerCase();
			if (seen.has(key)) return false;
			seen.add(key);
			return true;
		});
	const cc = to ? unique([...customer.slice(1), ...accounts, ...accountsCc, ...payingUser]) : [];
	const bcc = to && options.bcc ? unique([options.bcc]) : [];
	return { to, cc, bcc, ignored };
}

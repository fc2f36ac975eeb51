/** The subset of a Stripe PaymentMethod a label is made from. */
export interface PaymentMethodLike {
	id?: string;
	type: string;
	card?: { brand?: string | null; last4?: string | null; display_brand?: string | null } | null;
	us_bank_account?: { last4?: string | null; bank_name?: string | null } | null;
	sepa_debit?: { last4?: string | null } | null;
	bacs_debit?: { last4?: string | null } | null;
	au_becs_debit?: { last4?: string | null } | null;
	acss_debit?: { last4?: string | null } | null;
	link?: { email?: string | null } | null;
}

const BRANDS: Record<string, string> = {
	visa: 'Visa',
	mastercard: 'Mastercard',
	amex: 'American Express',
	discover: 'Discover',
	diners: 'Diners Club',
	jcb: 'JCB',
	unionpay: 'UnionPay',
	cartes_bancaires: 'Cartes Bancaires',
	eftpos_au: 'eftpos',
	interac: 'Interac',
};

const TYPE_NAMES: Record<string, string> = {
	us_bank_account: 'US bank account',
	sepa_debit: 'SEPA Direct Debit',
	bacs_debit: 'Bacs Direct Debit',
	au_becs_debit: 'BECS Direct Debit',
	acss_debit: 'Pre-authorized debit',
	link: 'Link',
};

/** The text the seeds show for `$-PAYMENTMETHOD` when no automatic method is set. */
export const NO_AUTOMATIC_PAYMENT = 'No automatic payment setup';

/** "Visa •••• 4242", "US bank account •••• 6789", for records, lists and emails. */
export function paymentMethodLabel(method: PaymentMethodLike | null | undefined): string {
	if (!method) return NO_AUTOMATIC_PAYMENT;
	if (method.type === 'card' && method.card) {
		const brandKey = method.card.display_brand ?? method.card.brand ?? '';
		const brand = BRANDS[brandKey] ?? (brandKey ? brandKey.replace(/_/g, ' ') : 'Card');
		return method.card.last4 ? `${brand} •••• ${method.card.last4}` : brand;
	}
	if (method.type === 'link') {
		return method.link?.email ? `Link (${method.link.email})` : 'Link';
	}
	const details = (method as unknown as Record<string, { last4?: string | null } | undefined>)[
		method.type
	];
	const name = TYPE_NAMES[method.type] ?? method.type.replace(/_/g, ' ');
	return details?.last4 ? `${name} •••• ${details.last4}` : name;
}

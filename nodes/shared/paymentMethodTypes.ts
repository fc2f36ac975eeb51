/** Stripe payment method types an ops team can allow (the seeds' "types to import"), sorted by name. */
export const PAYMENT_METHOD_TYPE_OPTIONS = [
	{ name: 'ACSS Debit (Canada)', value: 'acss_debit' },
	{ name: 'Bacs Direct Debit (UK)', value: 'bacs_debit' },
	{ name: 'BECS Direct Debit (Australia)', value: 'au_becs_debit' },
	{ name: 'Card', value: 'card' },
	{ name: 'Link', value: 'link' },
	{ name: 'SEPA Direct Debit', value: 'sepa_debit' },
	{ name: 'US Bank Account (ACH)', value: 'us_bank_account' },
];

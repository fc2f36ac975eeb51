'use strict';
// @ts-check
/**
 * Test cards of the fake gateway. Any other number that passes the Luhn check approves, as an
 * NMI-family gateway in test mode does; a number that fails it is refused by Collect.js.
 */

const TEST_CARDS = {
	4111111111111111: { outcome: 'approve' },
	5431111111111111: { outcome: 'approve' },
	341111111111111: { outcome: 'approve' },
	6011601160116611: { outcome: 'approve' },
	4000000000000002: { outcome: 'decline', responseCode: '200', responseText: 'DECLINE' },
	4000000000009995: { outcome: 'decline', responseCode: '202', responseText: 'Insufficient funds' },
	4000000000000069: { outcome: 'decline', responseCode: '223', responseText: 'Expired card' },
	4000000000000119: {
		outcome: 'error',
		responseCode: '400',
		responseText: 'Transaction error returned by processor',
	},
};

function luhnValid(number) {
	if (!/^\d{12,19}$/.test(number)) return false;
	let sum = 0;
	for (let i = 0; i < number.length; i++) {
		let digit = Number(number[number.length - 1 - i]);
		if (i % 2 === 1) {
			digit *= 2;
			if (digit > 9) digit -= 9;
		}
		sum += digit;
	}
	return sum % 10 === 0;
}

function cardType(number) {
	if (/^4/.test(number)) return 'visa';
	if (/^(5[1-5]|2[2-7])/.test(number)) return 'mastercard';
	if (/^3[47]/.test(number)) return 'amex';
	if (/^6(011|5)/.test(number)) return 'discover';
	return 'unknown';
}

/**
 * Collect.js's card category by BIN lookup (Card Type Detection,
 * https://docs.nmi.com/docs/collectjs-card-type-detection): credit, debit, prepaid or unknown.
 * The fake's debit and prepaid test cards are these; other valid numbers are credit cards.
 */
const CARD_CATEGORIES = {
	4000056655665556: 'debit',
	5200828282828210: 'debit',
	4111111111111129: 'prepaid',
};

function cardCategory(number) {
	return CARD_CATEGORIES[number] ?? 'credit';
}

/** Collect.js's masking: first six and last four, e.g. 411111******1111. */
function maskedNumber(number) {
	return `${number.slice(0, 6)}${'*'.repeat(number.length - 10)}${number.slice(-4)}`;
}

/** The query API's masking: first digit and last four, e.g. 4xxxxxxxxxxx1111. */
function queryMaskedNumber(number) {
	return `${number[0]}${'x'.repeat(number.length - 5)}${number.slice(-4)}`;
}

function outcomeOf(number) {
	return TEST_CARDS[number] ?? { outcome: 'approve' };
}

/** Errors per field for what the card form collected, or [] when it can be tokenized. */
function validateCard({ ccnumber = '', ccexp = '', cvv = '' }, now = new Date()) {
	const errors = [];
	const number = ccnumber.replace(/[\s-]/g, '');
	if (!luhnValid(number)) errors.push({ field: 'ccnumber', message: 'Card number is invalid' });
	const exp = /^(\d{2})\s*\/?\s*(\d{2})$/.exec(ccexp.trim());
	if (!exp || Number(exp[1]) < 1 || Number(exp[1]) > 12) {
		errors.push({ field: 'ccexp', message: 'Expiration date is invalid' });
	} else {
		const year = 2000 + Number(exp[2]);
		const month = Number(exp[1]);
		const current = now.getUTCFullYear() * 12 + now.getUTCMonth() + 1;
		if (year * 12 + month < current) errors.push({ field: 'ccexp', message: 'Card is expired' });
	}
	if (cvv !== '' && !/^\d{3,4}$/.test(cvv.trim())) {
		errors.push({ field: 'cvv', message: 'CVV is invalid' });
	}
	return errors;
}

module.exports = {
	TEST_CARDS,
	luhnValid,
	cardType,
	cardCategory,
	maskedNumber,
	queryMaskedNumber,
	outcomeOf,
	validateCard,
};

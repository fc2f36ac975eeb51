'use strict';
// @ts-check
/**
 * The fake gateway's state: payment tokens (single-use), transactions with their actions, and
 * the ledger of approved sales per order id.
 */
const { randomBytes, randomInt } = require('node:crypto');
const { cardCategory, cardType, maskedNumber, queryMaskedNumber } = require('./cards');

/** YYYYMMDDhhmmss in UTC, the gateway's date format. */
function gatewayDate(date = new Date()) {
	return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** Decimal string -> cents (the fake keeps money in minor units of 2-decimal currencies). */
function toCents(amount) {
	const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(String(amount ?? '').trim());
	if (!match) return null;
	return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

function fromCents(cents) {
	return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/**
 * The merchant-defined fields of a transact.php form, by number: NMI-family gateways keep up to
 * 20 (`merchant_defined_field_1` .. `_20`) with the transaction and return them from query.php
 * (Payment API variables, https://secure.nmi.com/merchants/resources/integration/integration_portal.php#transaction_variables;
 * Query API, https://docs.nmi.com/reference/query). Empty values are not kept.
 */
function merchantDefinedFields(fields) {
	const kept = {};
	for (let number = 1; number <= 20; number++) {
		const value = fields[`merchant_defined_field_${number}`];
		if (value !== undefined && value !== '') kept[number] = String(value);
	}
	return kept;
}

class Store {
	constructor() {
		this.tokens = new Map();
		this.transactions = new Map();
		this.nextId = 7_000_000_001;
	}

	/** A payment token for a card, as Collect.js gets one. */
	createToken(card) {
		const hex = randomBytes(16).toString('hex');
		const token = `${hex.slice(0, 8)}-${hex.slice(8, 14)}-${hex.slice(14, 20)}-${hex.slice(20, 32)}`;
		const number = card.ccnumber.replace(/[\s-]/g, '');
		const exp = String(card.ccexp ?? '').replace(/\D/g, '');
		this.tokens.set(token, { number, exp, used: false });
		return {
			token,
			card: {
				number: maskedNumber(number),
				bin: number.slice(0, 6),
				exp,
				hash: randomBytes(16).toString('hex'),
				type: cardType(number),
				category: cardCategory(number),
			},
		};
	}

	/** The token's card, marking the token used; or why it cannot be used. */
	spendToken(token) {
		const entry = this.tokens.get(token);
		if (!entry) return { error: 'Invalid payment token' };
		if (entry.used) return { error: 'Payment token already used' };
		entry.used = true;
		return { card: entry };
	}

	newTransaction(fields) {
		const transaction = {
			transactionId: String(this.nextId++),
			orderId: fields.orderId ?? '',
			orderDescription: fields.orderDescription ?? '',
			email: fields.email ?? '',
			currency: fields.currency ?? 'USD',
			surchargeCents: fields.surchargeCents ?? null,
			merchantDefinedFields: fields.merchantDefinedFields ?? {},
			condition: fields.condition,
			authorizationCode: fields.authorizationCode ?? '',
			ccNumber: fields.card ? queryMaskedNumber(fields.card.number) : '',
			ccType: fields.card ? cardType(fields.card.number) : '',
			actions: [],
		};
		this.transactions.set(transaction.transactionId, transaction);
		return transaction;
	}

	addAction(transaction, action) {
		const entry = { date: gatewayDate(), processorResponseCode: '', ...action };
		transaction.actions.push(entry);
		return entry;
	}

	authCode() {
		return String(randomInt(100000, 999999));
	}

	list() {
		return [...this.transactions.values()];
	}

	/** Approved sales and auths, each with what happened to it since. */
	sales() {
		return this.list()
			.filter((t) => ['sale', 'auth'].includes(t.actions[0]?.actionType) && t.actions[0].success)
			.map((t) => ({
				transactionId: t.transactionId,
				orderId: t.orderId,
				type: t.actions[0].actionType,
				amount: fromCents(t.actions[0].amountCents),
				// a sale takes the money at once, an auth only when captured
				captured:
					t.actions[0].actionType === 'sale' ||
					t.actions.some((a) => a.actionType === 'capture' && a.success),
				currency: t.currency,
				condition: t.condition,
				voided: t.condition === 'canceled',
				refunded: fromCents(
					t.actions
						.filter((a) => a.actionType === 'refund' && a.success)
						.reduce((sum, a) => sum + a.amountCents, 0),
				),
			}));
	}
}

module.exports = { Store, gatewayDate, toCents, fromCents, merchantDefinedFields };

// @ts-check
'use strict';
/**
 * Builders for the objects the fake answers with. Every top-level key of Stripe's own sample
 * object (shared/stripe/fixtures3.json) and every required key of the stripe@23 types is present,
 * with `null` where Stripe answers null for an object in that state.
 */
const { newId, nowSeconds, randomToken } = require('./store');

const NULL_ADDRESS = Object.freeze({
	city: null,
	country: null,
	line1: null,
	line2: null,
	postal_code: null,
	state: null,
});

function address(raw) {
	if (!raw || typeof raw !== 'object') return null;
	const out = { ...NULL_ADDRESS };
	for (const key of Object.keys(out)) if (typeof raw[key] === 'string') out[key] = raw[key];
	return out;
}

/** @param {Record<string, any>} fields */
function customer({ name, email, description, phone, metadata, address: addr, created }) {
	return {
		id: newId('cus_'),
		object: 'customer',
		address: address(addr),
		balance: 0,
		created: created ?? nowSeconds(),
		currency: null,
		customer_account: null,
		default_source: null,
		delinquent: false,
		description: description ?? null,
		discount: null,
		email: email ?? null,
		invoice_prefix: randomToken(8).toUpperCase(),
		invoice_settings: {
			custom_fields: null,
			default_payment_method: null,
			footer: null,
			rendering_options: null,
		},
		livemode: false,
		metadata: metadata ?? {},
		name: name ?? null,
		next_invoice_sequence: 1,
		phone: phone ?? null,
		preferred_locales: [],
		shipping: null,
		tax_exempt: 'none',
		test_clock: null,
	};
}

function deletedCustomer(id) {
	return { id, object: 'customer', deleted: true };
}

function billingDetails() {
	return { address: { ...NULL_ADDRESS }, email: null, name: null, phone: null, tax_id: null };
}

/** A payment method from a catalogue entry (see payment-methods.js). */
function paymentMethod(entry, { customer = null, metadata = {} } = {}) {
	const pm = {
		id: newId('pm_'),
		object: 'payment_method',
		allow_redisplay: 'unspecified',
		billing_details: billingDetails(),
		created: nowSeconds(),
		customer,
		customer_account: null,
		livemode: false,
		metadata,
		type: entry.type,
	};
	if (entry.type === 'card') {
		pm.card = {
			brand: entry.brand,
			checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
			country: entry.country,
			display_brand: entry.brand === 'amex' ? 'american_express' : entry.brand,
			exp_month: 12,
			exp_year: new Date().getUTCFullYear() + 3,
			fingerprint: entry.fingerprint,
			funding: entry.funding,
			generated_from: null,
			last4: entry.last4,
			networks: { available: [entry.brand], preferred: null },
			regulated_status: 'unregulated',
			three_d_secure_usage: { supported: true },
			wallet: null,
		};
	} else {
		pm.us_bank_account = {
			account_holder_type: 'individual',
			account_type: 'checking',
			bank_name: 'STRIPE TEST BANK',
			financial_connections_account: null,
			fingerprint: entry.fingerprint,
			last4: entry.last4,
			networks: { preferred: 'ach', supported: ['ach'] },
			routing_number: '110000000',
			status_details: null,
		};
	}
	return pm;
}

function paymentIntent(p) {
	const id = newId('pi_');
	return {
		id,
		object: 'payment_intent',
		allowed_payment_method_types: p.allowedTypes ?? null,
		amount: p.amount,
		amount_capturable: 0,
		amount_details: { tip: {} },
		amount_received: 0,
		application: null,
		application_fee_amount: null,
		automatic_payment_methods: p.automatic ?? null,
		canceled_at: null,
		cancellation_reason: null,
		capture_method: 'automatic_async',
		client_secret: `${id}_secret_${randomToken(25)}`,
		confirmation_method: 'automatic',
		created: p.created ?? nowSeconds(),
		currency: p.currency,
		customer: p.customer ?? null,
		customer_account: null,
		description: p.description ?? null,
		excluded_payment_method_types: null,
		last_payment_error: null,
		latest_charge: /** @type {string | null} */ (null),
		livemode: false,
		managed_payments: null,
		metadata: p.metadata ?? {},
		next_action: /** @type {Record<string, any> | null} */ (null),
		on_behalf_of: null,
		payment_method: p.paymentMethod ?? null,
		payment_method_configuration_details: p.automatic
			? { id: 'pmc_1FakeDefaultConfig000', parent: null }
			: null,
		payment_method_options: {
			card: {
				installments: null,
				mandate_options: null,
				network: null,
				request_three_d_secure: 'automatic',
			},
		},
		payment_method_types: p.types,
		payment_record: null,
		processing: null,
		receipt_email: p.receiptEmail ?? null,
		review: null,
		setup_future_usage: p.setupFutureUsage ?? null,
		shipping: null,
		source: null,
		statement_descriptor: null,
		statement_descriptor_suffix: p.statementDescriptorSuffix ?? null,
		status: p.paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
		transfer_data: null,
		transfer_group: null,
	};
}

function paymentMethodDetails(pm) {
	if (pm.type === 'card') {
		const { brand, checks, country, exp_month, exp_year, fingerprint, funding, last4 } = pm.card;
		return {
			card: {
				amount_authorized: null,
				brand,
				checks,
				country,
				exp_month,
				exp_year,
				fingerprint,
				funding,
				last4,
				network: brand,
				network_token: { used: false },
				three_d_secure: null,
				wallet: null,
			},
			type: 'card',
		};
	}
	const { account_holder_type, account_type, bank_name, fingerprint, last4, routing_number } =
		pm.us_bank_account;
	return {
		type: 'us_bank_account',
		us_bank_account: {
			account_holder_type,
			account_type,
			bank_name,
			fingerprint,
			last4,
			routing_number,
		},
	};
}

const OUTCOMES = {
	succeeded: {
		network_status: 'approved_by_network',
		reason: null,
		risk_level: 'normal',
		risk_score: 32,
		seller_message: 'Payment complete.',
		type: 'authorized',
	},
	pending: {
		network_status: 'approved_by_network',
		reason: null,
		risk_level: 'not_assessed',
		seller_message: 'Payment is pending.',
		type: 'authorized',
	},
};

function charge(pi, pm, status, failure) {
	const id = newId('ch_');
	return {
		id,
		object: 'charge',
		amount: pi.amount,
		amount_captured: status === 'succeeded' ? pi.amount : 0,
		amount_refunded: 0,
		application: null,
		application_fee: null,
		application_fee_amount: null,
		balance_transaction: status === 'succeeded' ? newId('txn_') : null,
		billing_details: pm.billing_details,
		calculated_statement_descriptor: 'FAKE STRIPE',
		captured: status === 'succeeded',
		created: nowSeconds(),
		currency: pi.currency,
		customer: pi.customer,
		description: pi.description,
		disputed: false,
		failure_balance_transaction: null,
		failure_code: failure ? failure.code : null,
		failure_message: failure ? failure.message : null,
		fraud_details: {},
		livemode: false,
		metadata: { ...pi.metadata },
		on_behalf_of: null,
		outcome: failure
			? {
					network_status: 'declined_by_network',
					reason: failure.decline_code ?? failure.code,
					risk_level: 'normal',
					risk_score: 40,
					seller_message: 'The bank did not return any further details with this decline.',
					type: 'issuer_declined',
				}
			: OUTCOMES[status],
		paid: status === 'succeeded',
		payment_intent: pi.id,
		payment_method: pm.id,
		payment_method_details: paymentMethodDetails(pm),
		receipt_email: pi.receipt_email,
		receipt_number: null,
		receipt_url: status === 'succeeded' ? `https://pay.stripe.com/receipts/fake/${id}` : null,
		refunded: false,
		refunds: null,
		review: null,
		shipping: null,
		source: null,
		source_transfer: null,
		statement_descriptor: null,
		statement_descriptor_suffix: null,
		status,
		transfer_data: null,
		transfer_group: null,
	};
}

function refund(pi, ch, { amount, reason, metadata }) {
	const card = ch.payment_method_details.type === 'card';
	return {
		id: newId('re_'),
		object: 'refund',
		amount,
		balance_transaction: newId('txn_'),
		charge: ch.id,
		created: nowSeconds(),
		currency: ch.currency,
		customer: ch.customer,
		customer_account: null,
		destination_details: card
			? {
					card: {
						reference_status: 'pending',
						reference_type: 'acquirer_reference_number',
						type: 'refund',
					},
					type: 'card',
				}
			: { type: 'us_bank_transfer', us_bank_transfer: { reference: null, reference_status: null } },
		metadata: metadata ?? {},
		payment_intent: pi.id,
		payment_method: ch.payment_method,
		reason: reason ?? null,
		receipt_number: null,
		source_transfer_reversal: null,
		status: 'succeeded',
		transfer_reversal: null,
	};
}

function setupIntent(p) {
	const id = newId('seti_');
	return {
		id,
		object: 'setup_intent',
		allowed_payment_method_types: p.allowedTypes ?? null,
		application: null,
		automatic_payment_methods: p.automatic ?? null,
		cancellation_reason: null,
		client_secret: `${id}_secret_${randomToken(32)}`,
		created: nowSeconds(),
		customer: p.customer ?? null,
		customer_account: null,
		description: p.description ?? null,
		excluded_payment_method_types: null,
		flow_directions: null,
		last_setup_error: null,
		latest_attempt: null,
		livemode: false,
		mandate: null,
		metadata: p.metadata ?? {},
		next_action: null,
		on_behalf_of: null,
		payment_method: p.paymentMethod ?? null,
		payment_method_configuration_details: p.automatic
			? { id: 'pmc_1FakeDefaultConfig000', parent: null }
			: null,
		payment_method_options: {
			card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' },
		},
		payment_method_types: p.types,
		single_use_mandate: null,
		status: p.paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
		usage: p.usage ?? 'off_session',
	};
}

function checkoutSession(p) {
	const id = newId('cs_test_');
	const created = nowSeconds();
	const payment = p.mode === 'payment';
	return {
		id,
		object: 'checkout.session',
		adaptive_pricing: payment ? { enabled: false } : null,
		after_expiration: null,
		allow_promotion_codes: null,
		allowed_payment_method_types: p.allowedTypes ?? null,
		amount_subtotal: payment ? p.amountTotal : null,
		amount_total: payment ? p.amountTotal : null,
		automatic_tax: { enabled: false, liability: null, provider: null, status: null },
		billing_address_collection: null,
		cancel_url: p.cancelUrl ?? null,
		client_reference_id: p.clientReferenceId ?? null,
		client_secret: null,
		collected_information: null,
		consent: null,
		consent_collection: null,
		created,
		currency: p.currency ?? null,
		currency_conversion: null,
		custom_fields: [],
		custom_text: {
			after_submit: null,
			shipping_address: null,
			submit: null,
			terms_of_service_acceptance: null,
		},
		customer: p.customer ?? null,
		customer_account: null,
		customer_creation: p.customer ? null : p.customerCreation,
		customer_details: null,
		customer_email: p.customerEmail ?? null,
		discounts: [],
		expires_at: p.expiresAt ?? created + 24 * 3600,
		integration_identifier: null,
		invoice: null,
		invoice_creation: payment
			? {
					enabled: false,
					invoice_data: {
						account_tax_ids: null,
						custom_fields: null,
						description: null,
						footer: null,
						issuer: null,
						metadata: {},
						rendering_options: null,
					},
				}
			: null,
		livemode: false,
		locale: null,
		managed_payments: null,
		metadata: p.metadata ?? {},
		mode: p.mode,
		origin_context: null,
		payment_intent: null,
		payment_link: null,
		payment_method_collection: 'always',
		payment_method_configuration_details: null,
		payment_method_options: { card: { request_three_d_secure: 'automatic' } },
		payment_method_types: p.types,
		payment_status: payment ? 'unpaid' : 'no_payment_required',
		permissions: null,
		phone_number_collection: { enabled: false },
		recovered_from: null,
		saved_payment_method_options: null,
		setup_intent: null,
		shipping_address_collection: null,
		shipping_cost: null,
		shipping_options: [],
		status: 'open',
		submit_type: null,
		subscription: null,
		success_url: p.successUrl ?? null,
		total_details: payment ? { amount_discount: 0, amount_shipping: 0, amount_tax: 0 } : null,
		ui_mode: 'hosted',
		url: `${p.baseUrl}/checkout/${id}`,
		wallet_options: null,
	};
}

function portalSession(p) {
	const id = newId('bps_');
	return {
		id,
		object: 'billing_portal.session',
		configuration: 'bpc_1FakeDefaultPortalConfig',
		created: nowSeconds(),
		customer: p.customer,
		customer_account: null,
		flow: p.flow,
		livemode: false,
		locale: p.locale ?? null,
		on_behalf_of: null,
		return_url: p.returnUrl ?? null,
		url: `${p.baseUrl}/billing_portal/${id}`,
	};
}

function webhookEndpoint(p) {
	return {
		id: newId('we_'),
		object: 'webhook_endpoint',
		api_version: p.apiVersion ?? null,
		application: null,
		created: nowSeconds(),
		description: p.description ?? null,
		enabled_events: p.enabledEvents,
		livemode: false,
		metadata: p.metadata ?? {},
		status: 'enabled',
		url: p.url,
	};
}

function event(type, object, { apiVersion, previous, request, pendingWebhooks }) {
	const data = { object };
	if (previous) data.previous_attributes = previous;
	return {
		id: newId('evt_'),
		object: 'event',
		api_version: apiVersion,
		created: nowSeconds(),
		data,
		livemode: false,
		pending_webhooks: pendingWebhooks,
		request: request ?? { id: null, idempotency_key: null },
		type,
	};
}

module.exports = {
	address,
	customer,
	deletedCustomer,
	paymentMethod,
	paymentIntent,
	charge,
	refund,
	setupIntent,
	checkoutSession,
	portalSession,
	webhookEndpoint,
	event,
};

// @ts-check
'use strict';
/**
 * Tiny HTML stand-ins for Stripe's hosted pages (Checkout, customer portal, 3D Secure), so a
 * browser or an HTTP client in an end-to-end test can finish a flow: each page posts a form back.
 */
const { StripeApiError } = require('./errors');
const { CATALOG } = require('./payment-methods');
const { formatMoney } = require('./params');
const { authenticatePaymentIntent } = require('./payments');
const {
	authenticateSetupIntent,
	completeCheckoutSession,
	completePortalSession,
} = require('./sessions');

function escapeHtml(text) {
	return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
	return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function methodPicker() {
	const options = Object.keys(CATALOG)
		.map((id) => `<option value="${id}">${id}</option>`)
		.join('');
	return `<label>Payment method <select name="payment_method">${options}</select></label>`;
}

function form(action, inner, button) {
	return `<form method="post" action="${escapeHtml(action)}">${inner}<button type="submit">${escapeHtml(button)}</button></form>`;
}

/**
 * @returns {{status, headers?, html}|null} null when the path is not one of the pages
 */
function handlePage(fake, method, pathname, fields) {
	const match = /^\/(checkout|billing_portal|3ds)\/([^/]+)$/.exec(pathname);
	if (!match) return null;
	const [, kind, id] = match;
	try {
		if (kind === 'checkout') return checkoutPage(fake, method, id, fields);
		if (kind === 'billing_portal') return portalPage(fake, method, id, fields);
		return authenticationPage(fake, method, id, fields);
	} catch (error) {
		if (error instanceof StripeApiError) {
			return { status: error.status, html: page('Error', `<p>${escapeHtml(error.message)}</p>`) };
		}
		throw error;
	}
}

function redirect(location, title) {
	return location
		? { status: 303, headers: { Location: location }, html: page(title, '') }
		: { status: 200, html: page(title, '') };
}

function checkoutPage(fake, method, id, fields) {
	const session = fake.store.require('checkout.session', id);
	if (method === 'POST') {
		const result = completeCheckoutSession(fake, id, { paymentMethod: fields.payment_method });
		if (result.error) {
			return {
				status: 402,
				html: page('Payment failed', `<p>${escapeHtml(result.error.message)}</p>`),
			};
		}
		return redirect(
			session.success_url && session.success_url.replace('{CHECKOUT_SESSION_ID}', id),
			'Thank you',
		);
	}
	const what =
		session.mode === 'payment'
			? `Pay ${escapeHtml(formatMoney(session.amount_total, session.currency))} ${escapeHtml(session.currency)}`
			: 'Save a payment method';
	return {
		status: 200,
		html: page(
			`Fake Checkout: ${what}`,
			`<p>Status: ${escapeHtml(session.status)}</p>${form(`/checkout/${id}`, methodPicker(), what)}`,
		),
	};
}

function portalPage(fake, method, id, fields) {
	const session = fake.store.require('billing_portal.session', id);
	if (method === 'POST') {
		completePortalSession(fake, id, { paymentMethod: fields.payment_method });
		const after = session.flow && session.flow.after_completion.redirect;
		return redirect(after ? after.return_url : session.return_url, 'Payment method updated');
	}
	return {
		status: 200,
		html: page(
			'Fake customer portal: update payment method',
			form(`/billing_portal/${id}`, methodPicker(), 'Save'),
		),
	};
}

function authenticationPage(fake, method, id, fields) {
	const intent = id.startsWith('seti_')
		? fake.store.require('setup_intent', id)
		: fake.store.require('payment_intent', id);
	if (method === 'POST') {
		const succeeded = fields.result !== 'fail';
		const returnUrl = intent.next_action?.redirect_to_url?.return_url;
		if (intent.object === 'setup_intent') authenticateSetupIntent(fake, intent, succeeded);
		else authenticatePaymentIntent(fake, intent, succeeded);
		return redirect(returnUrl, succeeded ? 'Authenticated' : 'Authentication failed');
	}
	const choice = `<label><input type="radio" name="result" value="succeed" checked> Complete</label><label><input type="radio" name="result" value="fail"> Fail</label>`;
	return { status: 200, html: page('Fake 3D Secure', form(`/3ds/${id}`, choice, 'Submit')) };
}

module.exports = { handlePage };

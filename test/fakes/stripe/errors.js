// @ts-check
'use strict';
/** Stripe's error answers: `{error: {type, code, decline_code, message, param, ...}}`. */

class StripeApiError extends Error {
	/**
	 * @param {number} status HTTP status
	 * @param {Record<string, any>} fields the `error` object's fields (type, code, param, ...)
	 * @param {{committed?: boolean}} [opts] `committed`: the endpoint ran, so Stripe keeps the answer for the
	 *   idempotency key (card errors); validation errors are not kept.
	 */
	constructor(status, fields, { committed = false } = {}) {
		super(fields.message);
		this.status = status;
		this.fields = fields;
		this.committed = committed;
	}

	/** @param {string} [requestId] */
	body(requestId) {
		const error = { ...this.fields };
		for (const key of Object.keys(error)) if (error[key] === undefined) delete error[key];
		if (requestId && (this.status === 400 || this.status === 402 || this.status === 404)) {
			error.request_log_url = `https://dashboard.stripe.com/test/logs/${requestId}`;
		}
		return { error };
	}
}

/**
 * @param {string} message
 * @param {{param?: string, code?: string, status?: number}} [opts]
 */
function invalidRequest(message, { param, code, status = 400 } = {}) {
	return new StripeApiError(status, { type: 'invalid_request_error', code, param, message });
}

function missingParam(param) {
	return invalidRequest(`Missing required param: ${param}.`, { param, code: 'parameter_missing' });
}

/**
 * @param {string} resource
 * @param {string} id
 * @param {string} [param]
 */
function noSuch(resource, id, param) {
	return invalidRequest(`No such ${resource}: '${id}'`, {
		param,
		code: 'resource_missing',
		status: param ? 400 : 404,
	});
}

function unexpectedState(message, code = 'payment_intent_unexpected_state') {
	return invalidRequest(message, { code });
}

/** @param {Record<string, any>} fields */
function cardError(fields) {
	return new StripeApiError(402, { type: 'card_error', ...fields }, { committed: true });
}

module.exports = {
	StripeApiError,
	invalidRequest,
	missingParam,
	noSuch,
	unexpectedState,
	cardError,
};

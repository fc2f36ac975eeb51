'use strict';
// @ts-check
/**
 * The fake Collect.js: the same surface as the gateway family's inline Collect.js
 * (`CollectJS.configure({ variant: 'inline', fields: { ccnumber, ccexp, cvv: { selector } },
 * callback, validationCallback, timeoutCallback, timeoutDuration, fieldsAvailableCallback })`,
 * `CollectJS.startPaymentRequest()`), read from `<script src=".../token/Collect.js"
 * data-tokenization-key="...">`.
 *
 * Each card field is an iframe served by the gateway (/token/field). On a payment request the
 * page asks each frame to send its own value straight to the gateway (/token/api/field); the
 * page then asks the gateway for a token for that session (/token/api/tokenize). The card data
 * never passes through the page, which only ever holds the token and the masked number. Every
 * message between frames carries the session id only, so the page works from the opaque
 * origin of a sandboxed document (n8n serves webhook HTML with a CSP sandbox), and the
 * gateway's /token/api/* endpoints answer with `Access-Control-Allow-Origin: *`.
 */
const { escapeXml: escapeHtml } = require('./query');

const COLLECT_JS = `/* Fake Collect.js (local test gateway) */
(function () {
	'use strict';
	var script = document.currentScript;
	var tokenKey = (script && script.getAttribute('data-tokenization-key')) || '';
	var base = script ? script.src.replace(/\\/token\\/Collect\\.js(?:[?#].*)?$/, '') : '';
	var FIELDS = ['ccnumber', 'ccexp', 'cvv'];
	var config = null;
	var frames = {};
	var pending = null;
	var session = (function () {
		var bytes = new Uint8Array(16);
		window.crypto.getRandomValues(bytes);
		return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? '0' : '') + b.toString(16); }).join('');
	})();

	function form(fields) {
		return Object.keys(fields).map(function (name) {
			return encodeURIComponent(name) + '=' + encodeURIComponent(fields[name]);
		}).join('&');
	}

	function frameName(source) {
		for (var name in frames) if (frames[name].contentWindow === source) return name;
		return null;
	}

	function configure(options) {
		config = options || {};
		var fields = config.fields || {};
		var loaded = 0;
		var expected = 0;
		FIELDS.forEach(function (name) {
			var spec = fields[name];
			var host = spec && spec.selector ? document.querySelector(spec.selector) : null;
			if (!host) return;
			expected++;
			var frame = document.createElement('iframe');
			frame.id = 'CollectJS' + name;
			frame.title = spec.title || name;
			frame.src = base + '/token/field?' + form({
				field: name,
				session: session,
				placeholder: spec.placeholder || '',
				title: spec.title || name
			});
			frame.setAttribute('frameborder', '0');
			frame.style.cssText = 'width:100%;height:2.5rem;border:0;display:block';
			frame.addEventListener('load', function () {
				loaded++;
				if (loaded === expected && typeof config.fieldsAvailableCallback === 'function') {
					config.fieldsAvailableCallback();
				}
			});
			host.innerHTML = '';
			host.appendChild(frame);
			frames[name] = frame;
		});
	}

	function finish() {
		var request = pending;
		pending = null;
		if (request) clearTimeout(request.timer);
		return request;
	}

	function timedOut() {
		finish();
		if (typeof config.timeoutCallback === 'function') config.timeoutCallback();
	}

	function tokenize() {
		fetch(base + '/token/api/tokenize', {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: form({ key: tokenKey, session: session }),
			credentials: 'omit'
		}).then(function (answer) {
			return answer.json().then(function (body) { return { status: answer.status, body: body }; });
		}).then(function (answer) {
			if (!finish()) return;
			if (answer.status === 200) {
				config.callback({
					tokenType: 'inline',
					token: answer.body.token,
					card: answer.body.card,
					check: { name: null, account: null, hash: null, aba: null },
					wallet: { cardDetails: null, cardNetwork: null, email: null, billingInfo: {}, shippingInfo: {} }
				});
			} else if (answer.status === 422 && typeof config.validationCallback === 'function') {
				answer.body.errors.forEach(function (error) {
					config.validationCallback(error.field, false, error.message);
				});
			} else {
				console.error('[Collect.js] ' + (answer.body && answer.body.error ? answer.body.error : 'HTTP ' + answer.status));
				if (typeof config.timeoutCallback === 'function') config.timeoutCallback();
			}
		}).catch(timedOut);
	}

	window.addEventListener('message', function (event) {
		var data = event.data;
		if (!data || data.collectjs !== session || !pending) return;
		var name = frameName(event.source);
		if (!name || data.type !== 'stored') return;
		pending.stored[name] = true;
		if (Object.keys(frames).every(function (n) { return pending.stored[n]; })) tokenize();
	});

	function startPaymentRequest() {
		if (!config) throw new Error('CollectJS.configure must be called before startPaymentRequest');
		if (pending) return;
		pending = { stored: {}, timer: setTimeout(timedOut, config.timeoutDuration || 30000) };
		Object.keys(frames).forEach(function (name) {
			frames[name].contentWindow.postMessage({ collectjs: session, type: 'collect' }, '*');
		});
	}

	window.CollectJS = { configure: configure, startPaymentRequest: startPaymentRequest };
})();
`;

const AUTOCOMPLETE = { ccnumber: 'cc-number', ccexp: 'cc-exp', cvv: 'cc-csc' };

/** The document of one card-field frame. */
function fieldPage({ field, placeholder, title }) {
	return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title || field)}</title>
<style>html,body{margin:0}input{box-sizing:border-box;width:100%;height:2.5rem;border:0;padding:0 .5rem;font-size:1rem;outline:none}</style>
</head><body>
<input id="field" name="${escapeHtml(field)}" type="text" inputmode="numeric" autocomplete="${AUTOCOMPLETE[field] ?? 'off'}" aria-label="${escapeHtml(title || field)}" placeholder="${escapeHtml(placeholder || '')}">
<script>
(function () {
	var params = new URLSearchParams(location.search);
	var session = params.get('session');
	var field = params.get('field');
	var input = document.getElementById('field');
	window.addEventListener('message', function (event) {
		var data = event.data;
		if (event.source !== window.parent || !data || data.collectjs !== session || data.type !== 'collect') return;
		var body = 'session=' + encodeURIComponent(session) + '&field=' + encodeURIComponent(field) + '&value=' + encodeURIComponent(input.value);
		fetch('/token/api/field', {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: body,
			credentials: 'omit'
		}).then(function (answer) {
			window.parent.postMessage({ collectjs: session, type: 'stored', ok: answer.ok }, '*');
		}, function () {
			window.parent.postMessage({ collectjs: session, type: 'stored', ok: false }, '*');
		});
	});
})();
</script>
</body></html>
`;
}

module.exports = { COLLECT_JS, fieldPage };

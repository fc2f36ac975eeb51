(function () {
	var config = JSON.parse(document.getElementById('pay-now-config').textContent);
	var form = document.getElementById('pay-now-form');
	var button = document.getElementById('pay-button');
	var errorBox = document.getElementById('pay-error');
	var busy = false;

	function showError(message) {
		errorBox.textContent = message;
		errorBox.hidden = false;
		busy = false;
		button.disabled = false;
		button.textContent = 'Pay Now';
	}

	function showPaid(record) {
		form.hidden = true;
		// a debit or prepaid card carries no surcharge: say what was taken
		if (config.paidWithoutFee && record && record.fee && record.fee.minor === 0) {
			document.getElementById('pay-total').textContent = config.paidWithoutFee;
		}
		var reference = document.getElementById('pay-reference');
		if (record && record.paymentId) reference.textContent = 'Reference: ' + record.paymentId;
		if (record && record.status === 'processing') {
			reference.textContent += ' (the payment is being processed)';
		}
		document.getElementById('pay-success').hidden = false;
	}

	function readAnswer(status, text) {
		var answer = null;
		try { answer = JSON.parse(text); } catch (e) { answer = null; }
		var record = Array.isArray(answer) ? answer[0] : answer;
		if (record && (record.status === 'succeeded' || record.status === 'processing')) {
			showPaid(record);
		} else if (record && record.status === 'failed') {
			showError((record.failure && record.failure.message ? record.failure.message + '. ' : 'The payment was declined. ') + 'Check the card details or use another card, then press Pay Now again.');
		} else if (record && record.status === 'refused' && record.failure && record.failure.message) {
			showError(record.failure.message);
		} else {
			showError('The payment could not be completed (' + status + '). Please press Pay Now to try again; you will not be charged twice for this invoice.');
		}
	}

	function postToken(response) {
		var card = response.card || {};
		var fields = {
			payment_token: response.token,
			invoice_number: config.invoiceNumber,
			amount: config.amount,
			fee: config.fee,
			total: config.total,
			currency: config.currency,
			customer_email: config.customerEmail,
			card_number: card.number || '',
			card_type: card.type || '',
			// credit, debit, prepaid or unknown (Collect.js Card Type Detection): surcharge credit only
			card_category: card.category || ''
		};
		var body = Object.keys(fields).map(function (name) {
			return encodeURIComponent(name) + '=' + encodeURIComponent(fields[name] == null ? '' : fields[name]);
		}).join('&');
		fetch(config.postUrl, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: body,
			credentials: 'omit'
		}).then(function (answer) {
			return answer.text().then(function (text) { readAnswer(answer.status, text); });
		}).catch(function () {
			showError('The connection was interrupted before the payment was confirmed. Please press Pay Now to try again; you will not be charged twice for this invoice.');
		});
	}

	if (!window.CollectJS) {
		button.disabled = true;
		errorBox.textContent = 'The card form could not be loaded. Please reload the page.';
		errorBox.hidden = false;
		return;
	}

	window.CollectJS.configure({
		variant: 'inline',
		fields: {
			ccnumber: { selector: '#ccnumber', title: 'Card number', placeholder: '0000 0000 0000 0000' },
			ccexp: { selector: '#ccexp', title: 'Expiry', placeholder: 'MM / YY' },
			cvv: { selector: '#cvv', title: 'Security code', placeholder: 'CVV' }
		},
		timeoutDuration: 20000,
		timeoutCallback: function () {
			showError('The card form did not answer in time. Please press Pay Now to try again.');
		},
		validationCallback: function (field, valid, message) {
			if (!valid && busy) showError(message || ('Please check the ' + field + ' field.'));
		},
		callback: postToken
	});

	button.addEventListener('click', function () {
		if (busy) return;
		busy = true;
		errorBox.hidden = true;
		button.disabled = true;
		button.textContent = 'Processing…';
		window.CollectJS.startPaymentRequest();
	});
})();

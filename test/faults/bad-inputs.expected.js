// @ts-check
// Exact messages of the bad-input corpus (bad-inputs.cases.js), as `Error name: message`.
// ${...} stands for ids the set-up makes on the local Stripe server.
module.exports = {
	'pay: balance not a decimal':
		'NodeOperationError: Item 0: invalid "Invoice Balance": Amount "12,50" is not a decimal number such as "125.00"',
	'pay: negative balance':
		'NodeOperationError: Item 0: invalid "Invoice Balance": Amount "-10.00" is negative',
	'pay: zero':
		'NodeOperationError: Item 0: invalid "Invoice Balance": Amount 0.00 for invoice BAD-1 must be more than zero',
	'pay: below the USD minimum':
		'NodeOperationError: Item 0: invalid "Invoice Balance": Amount 0.49 USD is below Stripe\'s minimum charge of 0.50 USD',
	'pay: above eight digits':
		'NodeOperationError: Item 0: invalid "Invoice Balance": Amount 1000000.00 USD is above Stripe\'s maximum of 999999.99 USD (eight digits)',
	'pay: JPY with decimals':
		'NodeOperationError: Item 0: invalid "Invoice Balance": Amount "1250.5" has more decimals than JPY allows (0)',
	'pay: JPY below its minimum':
		'NodeOperationError: Item 0: invalid "Invoice Balance": Amount 49 JPY is below Stripe\'s minimum charge of 50 JPY',
	'pay: KWD with four decimals':
		'NodeOperationError: Item 0: invalid "Invoice Balance": Amount "5.1234" has more decimals than KWD allows (3)',
	'pay: unknown currency':
		'NodeOperationError: Item 0: invalid "Currency Name or ID": Currency "abc" is not one Stripe charges in',
	'pay: currency of the wrong shape':
		'NodeOperationError: Item 0: invalid "Currency Name or ID": Currency "dollars" is not one Stripe charges in',
	'pay: fee above 100':
		'NodeOperationError: Item 0: invalid "Processing Fee (%)": Fee percentage "100.01" is above 100',
	'pay: fee with five decimals':
		'NodeOperationError: Item 0: invalid "Processing Fee (%)": Fee percentage "2.12345" has more than 4 decimals',
	'pay: negative fee':
		'NodeOperationError: Item 0: invalid "Processing Fee (%)": Fee percentage "-1" is not a number from 0 to 100',
	'pay: fee not a number':
		'NodeOperationError: Item 0: invalid "Processing Fee (%)": Fee percentage "two" is not a number from 0 to 100',
	'pay: partial amount without the option':
		'NodeOperationError: Item 0: invalid "Amount": Amount 40.00 for invoice BAD-1 is not its balance 100.00: only full payments are allowed (pay the balance, or allow partial payment)',
	'pay: amount above the balance':
		'NodeOperationError: Item 0: invalid "Amount": Amount 140.00 for invoice BAD-1 is more than its balance 100.00',
	'pay: missing invoice id':
		'NodeOperationError: Item 0: invalid "Invoice ID": An invoice ID is required: map the ID of the invoice in the books',
	'pay: invoice id with a comma':
		'NodeOperationError: Item 0: invalid "Invoice ID": Invoice id "A,B" cannot be stored in Stripe metadata (empty, over 200 characters, or containing "," or "/")',
	'pay: books customer not mapped':
		'NodeOperationError: Item 0: invalid "Customer": Books customer NOBODY is not mapped to a Stripe customer (metadata "books_customer_id")',
	'pay: missing customer': 'NodeOperationError: Item 0: invalid "Customer": A customer is required',
	'pay: Stripe customer id of the wrong shape':
		'NodeOperationError: Item 0: invalid "Customer": "customer-7" is not a Stripe customer ID (cus_...)',
	'pay: a literal Stripe customer id of the wrong shape (n8n refuses to start)':
		"WorkflowHasIssuesError: The 'Node' node has issues:\n- Not a Stripe customer ID (cus_...)",
	'pay: Stripe customer that does not exist':
		'NodeOperationError: Item 0: invalid "Customer": Stripe customer cus_doesNotExist does not exist',
	'pay: deleted Stripe customer':
		'NodeOperationError: Item 0: invalid "Customer": Stripe customer ${deletedId} has been deleted',
	'pay: no automatic payment method':
		'NodeOperationError: Item 0: invalid "How to Pay": Customer ${noMethodStripeId} has no automatic payment method (No automatic payment setup)',
	'pay: saved method id of the wrong shape':
		'NodeOperationError: Item 0: invalid "Payment Method ID": "card_123" is not a Stripe payment method ID (pm_...)',
	'pay: saved method that does not exist':
		'NodeOperationError: Item 0: invalid "Payment Method ID": Payment method pm_doesNotExist does not exist',
	'pay: saved method of another customer':
		'NodeOperationError: Item 0: invalid "Payment Method ID": Payment method ${foreignMethod} is not attached to customer ${mappedStripeId}',
	'pay: saved method of a type not imported':
		'NodeOperationError: Item 0: invalid "Payment Method ID": Payment method ${bankMethod} is of type "us_bank_account", which is not allowed here (allowed: card)',
	'together: mixed currencies':
		'NodeOperationError: Item 1: invalid "Currency Name or ID": Invoice T2 is in EUR, invoice T1 in USD; one payment has one currency',
	'together: mixed customers':
		'NodeOperationError: Item 1: invalid "Customer": Invoice T2 belongs to another customer than invoice T1; one payment covers one customer',
	'together: the same invoice twice':
		'NodeOperationError: Item 1: invalid "Invoice ID": Invoice T1 appears twice in this payment',
	'together: a bad balance in the batch':
		'NodeOperationError: Item 1: invalid "Invoice Balance": Amount "x" is not a decimal number such as "125.00"',
	'get: payment id of the wrong shape':
		'NodeOperationError: Item 0: invalid "Payment ID": "ch_1" is not a Stripe PaymentIntent ID (pi_...)',
	'get: invoice id missing':
		'WorkflowHasIssuesError: The \'Node\' node has issues:\n- Parameter "Invoice ID" is required.',
	'refund: payment id of the wrong shape':
		'NodeOperationError: Item 0: invalid "Payment ID": "pay_1" is not a Stripe PaymentIntent ID (pi_...)',
	'refund: a payment not succeeded':
		'NodeOperationError: Item 0: invalid "Payment ID": Payment ${waitingPayment} is requires_payment_method: only succeeded payments can be refunded',
	'refund: more than was paid':
		'NodeOperationError: Item 0: invalid "Amount": Cannot refund 500.00 USD of payment ${paidPayment}: 10.00 is left to refund',
	'refund: amount not a decimal':
		'NodeOperationError: Item 0: invalid "Amount": Amount "all" is not a decimal number such as "125.00"',
	'cancel: a succeeded payment':
		'NodeOperationError: Item 0: invalid "Payment ID": Payment ${paidPayment} is succeeded and cannot be canceled',
	'set automatic: method of another customer':
		'NodeOperationError: Item 0: invalid "Payment Method ID": Payment method ${foreignMethod} is not attached to customer ${mappedStripeId}',
	'fee: amount missing':
		'WorkflowHasIssuesError: The \'Node\' node has issues:\n- Parameter "Amount" is required.',
	'fee: amount with too many decimals':
		'NodeOperationError: Item 0: invalid "Amount": Amount "10.001" has more decimals than USD allows (2)',
	'fee: percentage with a sign':
		'NodeOperationError: Item 0: invalid "Processing Fee (%)": Fee percentage "3%" is not a number from 0 to 100',
	'scan: unknown time zone':
		'NodeOperationError: Item 0: invalid "Business Time Zone": Time zone "Europe/Atlantis" is not an IANA time zone name such as Europe/Berlin',
	'scan: as-of that is not a date':
		'NodeOperationError: Item 0: invalid "As Of": "yesterday-ish" is not a date: use YYYY-MM-DD, an ISO 8601 timestamp or epoch milliseconds',
	'scan: cap that is not "currency=amount"':
		'NodeOperationError: Item 0: invalid "Max per Invoice": "five thousand" is not a currency cap such as "usd=5000"',
	'scan: cap in an unknown currency':
		'NodeOperationError: Item 0: invalid "Max Total per Run": Currency "xyz" is not one Stripe charges in',
	'scan: cap with too many decimals':
		'NodeOperationError: Item 0: invalid "Max per Invoice (usd)": Amount "10.001" has more decimals than USD allows (2)',
	'mapping generate: missing id':
		'NodeOperationError: Item 0: invalid "Books Customer ID": A books customer ID is required',
	'mapping generate: missing name':
		'NodeOperationError: Item 0: invalid "Name": Books customer M-1 has no name',
	'mapping generate: the same books id twice':
		'NodeOperationError: Item 0: invalid "Books Customer ID": Books customer M-1 appears more than once in the input (items 0, 1)',
	'mapping get: missing id':
		'NodeOperationError: Item 0: invalid "Books Customer ID": A books customer ID is required',
	'mapping set: Stripe customer that does not exist':
		'NodeOperationError: Item 0: invalid "Stripe Customer": Stripe customer cus_missing does not exist',
	'mapping set: deleted Stripe customer':
		'NodeOperationError: Item 0: invalid "Stripe Customer": Stripe customer ${deletedId} has been deleted',
	'mapping set: Stripe customer already mapped to another books id':
		'NodeOperationError: Item 0: invalid "Stripe Customer": Stripe customer ${mappedStripeId} is already mapped to books customer BAD-C; delete that mapping first (Mapping → Delete)',
	'mapping set: books id already on another Stripe customer':
		'NodeOperationError: Item 0: invalid "Books Customer ID": Books customer BAD-C is already mapped to Stripe customer ${mappedStripeId}; delete that mapping first (Mapping → Delete)',
	'sync: missing name':
		'NodeOperationError: Item 0: invalid "Name": Books customer S-1 has no name',
	'sync: email that is not an email':
		'NodeOperationError: Item 0: invalid "Email": "not-an-email" is not an email address',
	'sync: accounts CC with a bad address':
		'NodeOperationError: Item 0: invalid "Accounts CC Email": "nope" is not an email address',
};

type NodeMap = {
	booksLedger: 'applyPaymentRecord';
	email:
		| 'composeAutoPayPreview'
		| 'composeCardExpiryNotice'
		| 'composePaymentEmails'
		| 'composePaymentMismatchNotice'
		| 'composeRunReport';
	invoiceLink: 'sign' | 'verify';
	paymentRecord: 'matchInvoice';
	paymentRequest: 'authorize' | 'selectInvoices';
	workflowTemplate: 'getMany';
};

export type InvoicePaymentsToolsType = {
	[resource in keyof NodeMap]: { resource: resource; operation: NodeMap[resource] };
}[keyof NodeMap];

type NodeMap = {
	email: 'composeAutoPayPreview' | 'composePaymentEmails' | 'composeRunReport';
	invoiceLink: 'sign' | 'verify';
	paymentRequest: 'authorize' | 'selectInvoices';
};

export type InvoicePaymentsToolsType = {
	[resource in keyof NodeMap]: { resource: resource; operation: NodeMap[resource] };
}[keyof NodeMap];

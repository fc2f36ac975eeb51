import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { linkSecrets } from '../helpers/linkSecrets';
import * as booksLedger from './booksLedger/BooksLedger.resource';
import * as email from './email/Email.resource';
import * as invoiceLink from './invoiceLink/InvoiceLink.resource';
import type { InvoicePaymentsToolsType } from './node.type';
import * as paymentRecord from './paymentRecord/PaymentRecord.resource';
import * as paymentRequest from './paymentRequest/PaymentRequest.resource';
import * as workflowTemplate from './workflowTemplate/WorkflowTemplate.resource';

/** Each operation returns all of its outputs (see OUTPUTS in the node). */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const { resource, operation } = {
		resource: this.getNodeParameter('resource', 0),
		operation: this.getNodeParameter('operation', 0),
	} as InvoicePaymentsToolsType;

	switch (resource) {
		case 'booksLedger':
			return [await booksLedger.applyPaymentRecord.execute.call(this, items)];
		case 'email':
			if (operation === 'composePaymentEmails')
				return await email.composePaymentEmails.execute.call(this, items);
			if (operation === 'composeCardExpiryNotice')
				return await email.composeCardExpiryNotice.execute.call(this, items);
			if (operation === 'composePaymentMismatchNotice')
				return await email.composePaymentMismatchNotice.execute.call(this, items);
			return operation === 'composeAutoPayPreview'
				? [await email.composeAutoPayPreview.execute.call(this, items)]
				: [await email.composeRunReport.execute.call(this, items)];
		case 'invoiceLink': {
			const secrets = await linkSecrets(this);
			return operation === 'sign'
				? [await invoiceLink.sign.execute.call(this, items, secrets)]
				: await invoiceLink.verify.execute.call(this, items, secrets);
		}
		case 'paymentRecord':
			return await paymentRecord.matchInvoice.execute.call(this, items);
		case 'paymentRequest':
			return operation === 'authorize'
				? await paymentRequest.authorize.execute.call(this, items)
				: await paymentRequest.selectInvoices.execute.call(this, items);
		case 'workflowTemplate':
			return [await workflowTemplate.getMany.execute.call(this, items)];
		default:
			throw new NodeOperationError(
				this.getNode(),
				`The resource "${resource as string}" is not supported`,
			);
	}
}

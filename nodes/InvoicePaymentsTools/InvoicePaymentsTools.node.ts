import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as booksLedger from './actions/booksLedger/BooksLedger.resource';
import * as email from './actions/email/Email.resource';
import * as invoiceLink from './actions/invoiceLink/InvoiceLink.resource';
import * as paymentRecord from './actions/paymentRecord/PaymentRecord.resource';
import * as paymentRequest from './actions/paymentRequest/PaymentRequest.resource';
import { router } from './actions/router';
import * as workflowTemplate from './actions/workflowTemplate/WorkflowTemplate.resource';
import { invoiceLinkSecretTest } from './helpers/linkSecrets';
import { registerNodeLabels } from '../shared/nodeErrors';

const main = (displayName: string) =>
	`{"type":"${NodeConnectionTypes.Main}","displayName":"${displayName}"}`;

/**
 * Outputs follow the operation, as n8n's Switch node computes its own: the payment emails by
 * template, the mismatch notice, link, match and payment-request verdicts by outcome; the
 * others have one.
 */
const OUTPUTS =
	`={{$parameter.operation === "composePaymentEmails" ? [${main('Payment Confirmation')},${main('Payment Failure')},${main('No Email')}] : $parameter.operation === "composeCardExpiryNotice" ? [${main('Card Expiry Notice')},${main('No Notice')}] : $parameter.operation === "composePaymentMismatchNotice" ? [${main('Payment Mismatch Notice')},${main('No Email')}] : $parameter.operation === "matchInvoice" ? [${main('Matches')},${main('Mismatch')}] : $parameter.operation === "verify" ? [${main('Valid')},${main('Invalid')}] : $parameter.operation === "authorize" ? [${main('Allowed')},${main('Refused')}] : $parameter.operation === "selectInvoices" ? [${main('Pay')},${main('Refused')}] : [{"type":"${NodeConnectionTypes.Main}"}]}}` as const;

export class InvoicePaymentsTools implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Invoice Payments Tools',
		name: 'invoicePaymentsTools',
		icon: {
			light: 'file:../../icons/invoicePayments.svg',
			dark: 'file:../../icons/invoicePayments.dark.svg',
		},
		group: ['transform'],
		// Version 2: the run report and the auto-pay preview read their records from their input
		// items by default (Records From); version 1 reads the lists in its parameters, as its
		// stored workflows do.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			"The rules around a payment: payment emails and run reports, signed web invoice links, who may pay which invoices, whether a payment matches its invoice, the books' ledger rules for a payment record, and the package's workflows to create in n8n",
		defaults: { name: 'Invoice Payments Tools' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: OUTPUTS,
		credentials: [
			{
				name: 'invoiceLinkSigningApi',
				required: true,
				testedBy: 'invoiceLinkSecretTest',
				displayOptions: { show: { resource: ['invoiceLink'] } },
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Books Ledger', value: 'booksLedger' },
					{ name: 'Email', value: 'email' },
					{ name: 'Invoice Link', value: 'invoiceLink' },
					{ name: 'Payment Record', value: 'paymentRecord' },
					{ name: 'Payment Request', value: 'paymentRequest' },
					{ name: 'Workflow Template', value: 'workflowTemplate' },
				],
				default: 'email',
			},
			...booksLedger.description,
			...email.description,
			...invoiceLink.description,
			...paymentRecord.description,
			...paymentRequest.description,
			...workflowTemplate.description,
		],
	};

	constructor() {
		// Errors of any operation name a parameter by its display name.
		registerNodeLabels(this.description);
	}

	methods = {
		credentialTest: { invoiceLinkSecretTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { composePaymentEmail, EMAIL_TEMPLATES } from '../../../core/email/paymentEmails';
import type { EmailSetting, RecoveryEmailPolicy } from '../../../core/email/paymentEmails';
import type { EmailPaymentRecord } from '../../../core/email/record';
import { fieldLabels, toNodeError } from '../../../shared/nodeErrors';
import { asData, jsonParameter, textParameter } from '../../helpers/parameters';
import { businessNameOption, localeOption } from '../../../shared/presentationOptions';
import {
	retryPolicyProperty,
	retryScheduleDaysProperty,
	silentFirstRetryProperty,
} from './recoveryProperties';

/** Who a customer email goes to: the customer's name and addresses from the books. */
export const customerContactProperties: INodeProperties[] = [
	{
		displayName: 'Customer Name',
		name: 'customerName',
		type: 'string',
		default: '',
		description: 'How the emails greet the customer; empty greets "customer"',
	},
	{
		displayName: 'Customer Email',
		name: 'customerEmail',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		description: "The email's To; the accounts email when empty",
	},
	{
		displayName: 'Accounts Email',
		name: 'accountsEmail',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		description: "The customer's accounts address, copied (CC)",
	},
	{
		displayName: 'Accounts CC Email',
		name: 'accountsCcEmail',
		type: 'string',
		default: '',
		placeholder: 'e.g. finance@acme.com, controller@acme.com',
		description: 'One or more addresses, copied (CC)',
	},
];

/** What people see for the invoice in an email's subject and text. */
export const invoiceNumberProperty: INodeProperties = {
	displayName: 'Invoice Number',
	name: 'invoiceNumber',
	type: 'string',
	default: '',
	placeholder: 'e.g. INV-2001',
	description: "What people see for the invoice; empty uses the record's invoice ID",
};

const properties: INodeProperties[] = [
	{
		displayName: 'Payment Record',
		name: 'paymentRecord',
		type: 'json',
		required: true,
		default: '={{ $json }}',
		description:
			'The payment record, as the payment nodes output it or the books store it (invoiceId, paymentId, status, amount, fee, total, paymentMethod, failure, nextActionUrl)',
	},
	{
		displayName: 'Status Is New',
		name: 'statusIsNew',
		type: 'boolean',
		default: true,
		description:
			"Whether the books did not know this status of the payment yet (their answer's statusChanged). Off sends nothing, so each status is emailed once even when a run and a webhook both report it.",
	},
	{
		displayName: 'Email Setting',
		name: 'emailSetting',
		type: 'options',
		default: 'successesAndFailures',
		options: [
			{
				name: 'Failures Only',
				value: 'failuresOnly',
				description: 'No confirmations; each failure is an internal notice to the failure address',
			},
			{
				name: 'Successes and Failures',
				value: 'successesAndFailures',
				description: 'Confirmations and failures go to the customer',
			},
			{
				name: 'Stripe Receipts Instead of Our Confirmation',
				value: 'stripeReceipts',
				description:
					'Stripe emails its receipt for Stripe payments (set Use Stripe Receipt Emails on the payment node); failures go to the customer',
			},
		],
	},
	{
		displayName: 'Failure Address',
		name: 'failureAddress',
		type: 'string',
		placeholder: 'e.g. accounts@yourbusiness.com',
		default: '',
		description:
			'Internal failure notices go here (Failures Only, or a customer without an address); customer failure emails are copied here as BCC',
	},
	invoiceNumberProperty,
	...customerContactProperties,
	{
		displayName: 'Paying User Email',
		name: 'payingUserEmail',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		description: 'The person who paid (an agent or a portal user), copied (CC)',
	},
	{
		displayName: 'Automatic Payment Method',
		name: 'automaticPaymentMethod',
		type: 'string',
		default: '',
		placeholder: 'e.g. Visa •••• 4242',
		description:
			'The customer\'s automatic payment method, shown on every email; empty shows "No automatic payment setup"',
	},
	{
		displayName: 'Update Payment Method URL',
		name: 'updatePaymentMethodUrl',
		type: 'string',
		default: '',
		description:
			'Offered in failure emails (an add-method link obeying the add-method policy); empty offers none',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			businessNameOption,
			localeOption,
			{
				...retryPolicyProperty,
				description:
					"Whether the Auto-Pay Scan retries failed charges by its schedule (its option of the same name): a failed auto-pay charge's email then says what failed in plain words and when the next automatic try is (or that none follows), and the last try is announced before it is made",
			},
			retryScheduleDaysProperty,
			silentFirstRetryProperty,
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['email'], operation: ['composePaymentEmails'] } },
	properties,
);

const labels = fieldLabels(properties);

/** Output of each outcome: the two templates, then the records that get no email. */
const CONFIRMATION = 0;
const FAILURE = 1;
const NO_EMAIL = 2;

/**
 * One payment record per item -> at most one email (to, cc, bcc, subject, text, html) on the
 * output of its template, for n8n's Send Email node; a record that gets none goes to No Email
 * with the reason. With Continue On Fail a bad item goes to No Email carrying its error.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const outputs: INodeExecutionData[][] = [[], [], []];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const options = this.getNodeParameter('options', itemIndex, {}) as {
				businessName?: string;
				locale?: string;
			} & RecoveryEmailPolicy;
			const outcome = composePaymentEmail({
				record: jsonParameter(this, 'paymentRecord', itemIndex, 'object') as EmailPaymentRecord,
				statusIsNew: this.getNodeParameter('statusIsNew', itemIndex, true) as boolean,
				settings: {
					setting: this.getNodeParameter('emailSetting', itemIndex) as EmailSetting,
					failureAddress: textParameter(this, 'failureAddress', itemIndex),
					businessName: options.businessName,
					locale: options.locale,
				},
				contact: {
					customerName: textParameter(this, 'customerName', itemIndex),
					customerEmail: textParameter(this, 'customerEmail', itemIndex),
					accountsEmail: textParameter(this, 'accountsEmail', itemIndex),
					accountsCcEmail: textParameter(this, 'accountsCcEmail', itemIndex),
					payingUserEmail: textParameter(this, 'payingUserEmail', itemIndex),
				},
				invoiceNumber: textParameter(this, 'invoiceNumber', itemIndex),
				automaticPaymentMethod: textParameter(this, 'automaticPaymentMethod', itemIndex),
				updatePaymentMethodUrl: textParameter(this, 'updatePaymentMethodUrl', itemIndex),
				recoveryPolicy: options.retryPolicy
					? {
							retryPolicy: true,
							retryScheduleDays: options.retryScheduleDays,
							silentFirstRetry: options.silentFirstRetry,
						}
					: null,
			});
			const output = !outcome.send
				? NO_EMAIL
				: outcome.template === EMAIL_TEMPLATES.confirmation
					? CONFIRMATION
					: FAILURE;
			outputs[output].push({ json: asData(outcome), pairedItem: { item: itemIndex } });
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex, labels);
			if (!this.continueOnFail()) throw nodeError;
			outputs[NO_EMAIL].push({
				json: { send: false, error: nodeError.message, itemIndex },
				pairedItem: { item: itemIndex },
			});
		}
	}
	return outputs;
}

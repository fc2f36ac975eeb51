import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_RETRY_SCHEDULE_DAYS } from '../../../core/defaults';

/**
 * The retry policy's parameters the email operations share (docs/recovery.md): set them as the
 * daily run's Auto-Pay Scan has them, from the same Settings.
 */
export const retryPolicyProperty: INodeProperties = {
	displayName: 'Retry Failed Charges by Schedule',
	name: 'retryPolicy',
	type: 'boolean',
	default: false,
	description:
		"Whether the Auto-Pay Scan retries failed charges by its schedule (its option of the same name): the failed charges' words, the next try and the recovery figures follow it",
};

export const retryScheduleDaysProperty: INodeProperties = {
	displayName: 'Retry Days After the First Failure',
	name: 'retryScheduleDays',
	type: 'string',
	default: DEFAULT_RETRY_SCHEDULE_DAYS.join(', '),
	placeholder: 'e.g. 1, 3, 5, 7, 10, 14',
	description:
		"The Auto-Pay Scan's schedule (its option of the same name): the day of a first failure's retry. Whole days separated by commas, or a list from an expression.",
};

export const silentFirstRetryProperty: INodeProperties = {
	displayName: 'Silent First Retry',
	name: 'silentFirstRetry',
	type: 'boolean',
	// DEFAULT_SILENT_FIRST_RETRY (paymentEmails.ts): the lint asks for a literal
	default: true,
	description:
		'Whether the first failure of an invoice that the schedule retries sends the customer nothing: they hear only if the retry fails too (the run report still shows it)',
};

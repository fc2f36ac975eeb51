import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_LOCALE } from '../core/defaults';

/**
 * The options that shape what people read (emails, reports, the Pay Now page), described once so
 * every node offers them alike; each node puts them in its own Options collection.
 */

export const localeOption: INodeProperties = {
	displayName: 'Locale',
	name: 'locale',
	type: 'string',
	default: DEFAULT_LOCALE,
	placeholder: 'e.g. de-DE',
	description:
		'The language tag amounts are written in, e.g. en-US shows $1,250.00 and de-DE shows 1.250,00 $',
};

export const businessNameOption: INodeProperties = {
	displayName: 'Business Name',
	name: 'businessName',
	type: 'string',
	default: '',
	description: 'Signs the emails',
};

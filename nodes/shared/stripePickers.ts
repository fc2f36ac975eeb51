import type {
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeListSearchResult,
	INodeProperties,
} from 'n8n-workflow';

import { DEFAULT_IMPORTED_PAYMENT_METHOD_TYPES } from '../core/defaults';
import { BOOKS_CUSTOMER_METADATA_KEY } from '../core/payments/invoiceMetadata';
import { stripeIdPattern } from '../core/stripe/ids';
import { paymentMethodPickerPage, paymentPickerPage, pickerCustomer } from '../core/stripe/pickers';
import { stripeDashboardUrl } from '../core/stripe/search';
import { createStripeClient } from './stripeClient';

/**
 * The payment method and payment pickers (resource locators) of the Stripe node from version 2,
 * and their "From list" searches. Version 1 keeps its plain ID fields: what a workflow stored
 * reads as it always did.
 */

type LocatorBase = Pick<INodeProperties, 'displayName' | 'name' | 'description'> &
	Partial<INodeProperties>;

/** A Stripe object picked "From list" (the list search named) or entered by ID (its prefix). */
function stripeLocator(
	base: LocatorBase,
	{ search, prefix, noun }: { search: string; prefix: string; noun: string },
): INodeProperties {
	return {
		required: true,
		...base,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: `Select a ${noun}...`,
				typeOptions: { searchListMethod: search, searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: `e.g. ${prefix}_1Nq...`,
				validation: [
					{
						type: 'regex',
						properties: {
							regex: stripeIdPattern(prefix),
							errorMessage: `Not a Stripe ${noun} ID: it starts with ${prefix}_`,
						},
					},
				],
			},
		],
	};
}

/** A payment method: "From list" (the chosen customer's saved methods) or by ID. */
export function paymentMethodLocator(base: LocatorBase): INodeProperties {
	return stripeLocator(base, {
		search: 'searchPaymentMethods',
		prefix: 'pm',
		noun: 'payment method',
	});
}

/** A payment (PaymentIntent): "From list" (the account's recent payments) or by ID. */
export function paymentLocator(base: LocatorBase): INodeProperties {
	return stripeLocator(base, { search: 'searchPayments', prefix: 'pi', noun: 'payment' });
}

/** Where a parameter shows: version 1 only, or from version 2 on. */
const VERSION_1 = [1];
const FROM_VERSION_2 = [{ _cnd: { gte: 2 } }];

function shownIn(property: INodeProperties, versions: unknown[]): INodeProperties {
	return {
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...property.displayOptions?.show, '@version': versions },
		} as INodeProperties['displayOptions'],
	};
}

/**
 * One parameter as version 1 stores it (a string) and as version 2 does (a resource locator),
 * under the same name: each version shows its own, and idParameter reads either.
 */
export function byVersion(version1: INodeProperties, version2: INodeProperties): INodeProperties[] {
	return [shownIn(version1, VERSION_1), shownIn(version2, FROM_VERSION_2)];
}

/**
 * The value of an ID parameter that is a resource locator from version 2 and a string before:
 * the locator's value, or the string as it was stored.
 */
export function idParameter(context: IExecuteFunctions, name: string, itemIndex: number): unknown {
	return context.getNodeParameter(name, itemIndex, '', { extractValue: true });
}

interface PickerSettings {
	importedPaymentMethodTypes?: string[];
	mappingMetadataKey?: string;
}

/** The `methods.listSearch` of the payment method and payment pickers. */
export const stripePickerListSearch = {
	async searchPaymentMethods(
		this: ILoadOptionsFunctions,
		filter?: string,
		paginationToken?: string,
	): Promise<INodeListSearchResult> {
		const customer = pickerCustomer(this.getCurrentNodeParameter('customer'));
		const settings = (this.getCurrentNodeParameter('settings') ?? {}) as PickerSettings;
		const { transport } = await createStripeClient.call(this);
		const { entries, next } = await paymentMethodPickerPage(transport, customer, {
			text: filter ?? '',
			pageToken: paginationToken,
			types: settings.importedPaymentMethodTypes?.length
				? settings.importedPaymentMethodTypes
				: DEFAULT_IMPORTED_PAYMENT_METHOD_TYPES,
			mappingMetadataKey: settings.mappingMetadataKey || BOOKS_CUSTOMER_METADATA_KEY,
		});
		return { results: entries, paginationToken: next };
	},

	async searchPayments(
		this: ILoadOptionsFunctions,
		filter?: string,
		paginationToken?: string,
	): Promise<INodeListSearchResult> {
		const { transport, livemode } = await createStripeClient.call(this);
		const { entries, next } = await paymentPickerPage(transport, {
			text: filter ?? '',
			pageToken: paginationToken,
		});
		return {
			results: entries.map(({ name, value, dashboardPath }) => ({
				name,
				value,
				url: stripeDashboardUrl(livemode, dashboardPath),
			})),
			paginationToken: next,
		};
	},
};

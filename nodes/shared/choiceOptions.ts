import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { currencyChoices, timeZoneChoices } from '../core/choices';

/**
 * The `methods.loadOptions` of every node with a currency or time zone picker (the lists are the
 * core's, nodes/core/choices.ts). Parameters keep storing a string, so an expression still works
 * and a workflow stored before the pickers reads the same.
 */
export const choiceLoadOptions = {
	/** Stripe's currencies: "USD: US Dollar" storing "usd". */
	async getCurrencies(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		return currencyChoices();
	},
	/** The same, after an empty choice: the node's default currency (Options for All Operations). */
	async getCurrenciesOrDefault(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		return [{ name: "The Node's Default Currency", value: '' }, ...currencyChoices()];
	},
	/** IANA time zones after an empty choice: the workflow's time zone (its settings). */
	async getTimeZones(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		return [{ name: "The Workflow's Time Zone", value: '' }, ...timeZoneChoices()];
	},
};

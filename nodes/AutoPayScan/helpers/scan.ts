import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { createScan } from '../../core/autopay/eligibility';
import type { InvoiceReading } from '../../core/autopay/reading';
import type { CustomerFacts } from '../../core/autopay/types';
import { fieldLabels, toNodeError } from '../../shared/nodeErrors';
import { propertiesOfVersion } from '../description';
import { createStripeClient } from '../../shared/stripeClient';
import { readCustomerFacts } from './customerFacts';
import type { ScanOptions } from './interfaces';
import { invoiceFieldsReader } from './invoiceFields';
import { withDecision, withoutEmptyPlaceholder } from './output';
import { factsSettingsFromOptions, scanSettingsFromParameters } from './settings';

/**
 * The run: every item decided by the core scan, in input order, onto the Charge or the Skipped
 * output, each a copy of its item with `autoPay` (the decision) added; the run summary on the
 * third output when asked for. Bad settings fail before any item, naming item 0.
 */
export async function scanInvoices(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const input = this.getInputData();
	const items = withoutEmptyPlaceholder(input);
	const options = this.getNodeParameter('options', 0, {}) as ScanOptions;
	const checkStripe = this.getNodeParameter('checkStripe', 0, false) as boolean;
	// typed here: tests type-check this file with noImplicitAny off (tsconfig.test.json)
	let scan: ReturnType<typeof createScan>;
	let fieldNames;
	let catchUpDays;
	try {
		const settings = scanSettingsFromParameters(this, options, checkStripe);
		fieldNames = settings.fieldNames;
		catchUpDays = settings.catchUpDays ?? 0;
		scan = createScan(settings);
	} catch (error) {
		const node = this.getNode();
		throw toNodeError(node, error, 0, fieldLabels(propertiesOfVersion(node.typeVersion)));
	}
	const fieldsOf = invoiceFieldsReader(fieldNames);

	// Check Stripe: every item is read first, so what Stripe knows is read before any invoice is
	// decided, once for the run, and only for customers with an invoice still in the running
	// (none: no request at all). Each reading then serves its decision.
	let readings: InvoiceReading[] | undefined;
	let factsByCustomer: Map<string, CustomerFacts> | undefined;
	if (checkStripe) {
		const { transport } = await createStripeClient.call(this);
		readings = items.map((item) => scan.read(fieldsOf(item.json)));
		const inTheRunning = new Set<string>();
		for (const reading of readings) {
			if (scan.needsCustomerFacts(reading)) inTheRunning.add(reading.customerId);
		}
		factsByCustomer = await readCustomerFacts(
			transport,
			factsSettingsFromOptions(options, catchUpDays),
			inTheRunning,
		);
	}

	const charge: INodeExecutionData[] = [];
	const skipped: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const json = items[itemIndex].json;
		const reading = readings?.[itemIndex];
		const customerId = reading?.customerId;
		const facts = customerId === undefined ? undefined : factsByCustomer?.get(customerId);
		const decision = scan.classify(reading ?? fieldsOf(json), facts);
		(decision.action === 'charge' ? charge : skipped).push({
			json: withDecision(json, decision),
			pairedItem: { item: itemIndex },
		});
	}
	const summary: INodeExecutionData[] = options.addRunSummary
		? [
				{
					json: scan.summary() as unknown as IDataObject,
					pairedItem: input.map((_, item) => ({ item })),
				},
			]
		: [];
	return [charge, skipped, summary];
}

import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { NormalisedWebhook } from '../../../core/webhooks/paymentStatusEvent';
import { isMissingPaymentIntent } from '../../../core/webhooks/stripeEvent';
import {
	cursorAfterSweep,
	cursorWithinRetention,
	normaliseReadEvent,
	parseEventCursor,
	readStripeEventsSince,
	sweepOpenInvoices,
} from '../../../core/webhooks/stripeEventsRead';
import type { StripeEventCursor } from '../../../core/webhooks/stripeEventsRead';
import { fieldLabels, toNodeError } from '../../../shared/nodeErrors';
import type { OperationContext } from '../node.type';

const properties: INodeProperties[] = [
	{
		displayName: 'Cursor',
		name: 'cursor',
		type: 'json',
		default: '',
		placeholder: '={{ $json.cursor }}',
		description:
			'Where the last run stopped: the "cursor" of its last output item (kind reconciliation_cursor). Empty, or older than the 30 days Stripe keeps events: the open invoices are swept instead.',
	},
	{
		displayName: 'Open Invoice ID',
		name: 'invoiceId',
		type: 'string',
		default: '={{ $json.id }}',
		description:
			"For the sweep: the books' ID of each input item's open invoice. Items without one are skipped.",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Max Events',
				name: 'maxEvents',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 10000 },
				default: 1000,
				description:
					'Most events read in one run, oldest first; the cursor stops at the last one and the next run goes on',
			},
			{
				displayName: 'Only Undelivered',
				name: 'onlyUndelivered',
				type: 'boolean',
				default: false,
				description:
					"Whether to read only events a webhook endpoint failed to receive (Stripe's delivery_success=false). Off: every event, also those sent while no endpoint of yours existed.",
			},
			{
				displayName: 'Sweep Lookback Days',
				name: 'sweepLookbackDays',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 730 },
				default: 90,
				description: 'How far back the sweep reads the PaymentIntents and Checkout Sessions',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['event'], operation: ['getManySince'] } },
	properties,
);

const labels = fieldLabels(properties);

interface Options {
	maxEvents?: number;
	onlyUndelivered?: boolean;
	sweepLookbackDays?: number;
}

const DAY_SECONDS = 24 * 60 * 60;

/**
 * Payment states webhooks did not bring, as the webhook path's records: Stripe's events since
 * the cursor (nodes/core/webhooks/stripeEventsRead.ts), each payment re-read, one item per
 * invoice, each payment state once; or, without a cursor Stripe can still answer, a sweep of the
 * input items' open invoices. The last item (kind `reconciliation_cursor`) says what was read and
 * carries the cursor to keep for the next run, also when nothing was found.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ stripe }: OperationContext,
): Promise<INodeExecutionData[]> {
	const nowSeconds = Math.floor(Date.now() / 1000);
	let cursor: StripeEventCursor | null;
	const options = this.getNodeParameter('options', 0, {}) as Options;
	try {
		cursor = parseEventCursor(this.getNodeParameter('cursor', 0, ''));
	} catch (error) {
		throw toNodeError(this.getNode(), error, 0, labels);
	}
	const out: INodeExecutionData[] = [];
	const emittedStates = new Set<string>();
	const ignored: Record<string, number> = {};
	const countIgnored = (reason: string | null) => {
		const key = reason ?? 'unknown';
		ignored[key] = (ignored[key] ?? 0) + 1;
	};
	const emit = (result: NormalisedWebhook, itemIndex: number) => {
		if (result.events.length === 0) return countIgnored(result.ignored);
		// Each payment state once, as the trigger emits it (refund.created and charge.refunded...).
		if (result.stateKey !== null) {
			if (emittedStates.has(result.stateKey)) return countIgnored('duplicate_state');
			emittedStates.add(result.stateKey);
		}
		for (const record of result.events) {
			out.push({ json: record as unknown as IDataObject, pairedItem: { item: itemIndex } });
		}
	};

	const stored = cursor;
	let summary: IDataObject;
	if (cursorWithinRetention(cursor, nowSeconds)) {
		const read = await readStripeEventsSince(stripe.transport, cursor, {
			maxEvents: options.maxEvents ?? 1000,
			onlyUndelivered: options.onlyUndelivered === true,
		});
		for (const event of read.events) {
			let result: NormalisedWebhook;
			try {
				result = await normaliseReadEvent(stripe.transport, event);
			} catch (error) {
				if (!isMissingPaymentIntent(error)) throw toNodeError(this.getNode(), error, 0, labels);
				countIgnored('payment_not_found');
				continue;
			}
			emit(result, 0);
		}
		summary = {
			mode: 'events',
			cursor: { ...read.nextCursor },
			eventsRead: read.events.length,
			complete: read.complete,
		};
	} else {
		const invoiceItem = new Map<string, number>();
		items.forEach((_, itemIndex) => {
			const id = String(this.getNodeParameter('invoiceId', itemIndex, '') ?? '').trim();
			if (id !== '' && !invoiceItem.has(id)) invoiceItem.set(id, itemIndex);
		});
		if (invoiceItem.size === 0) {
			// Nothing to sweep was handed in: say so, and keep the cursor where it is.
			out.push({
				json: {
					kind: 'reconciliation_cursor',
					provider: 'stripe',
					mode: 'sweep_needed',
					cursor: stored === null ? null : { ...stored },
					records: 0,
					ignored: {},
				},
				pairedItem: { item: 0 },
			});
			return out;
		}
		const lookbackDays = options.sweepLookbackDays ?? 90;
		const swept = await sweepOpenInvoices(
			stripe.transport,
			new Set(invoiceItem.keys()),
			nowSeconds - lookbackDays * DAY_SECONDS,
		).catch((error: unknown) => {
			throw toNodeError(this.getNode(), error, 0, labels);
		});
		for (const payment of swept) {
			for (const record of payment.records) {
				out.push({
					json: record as unknown as IDataObject,
					pairedItem: { item: invoiceItem.get(record.invoiceId) ?? 0 },
				});
			}
			if (payment.records.length === 0) countIgnored(payment.ignored);
		}
		summary = {
			mode: 'sweep',
			cursor: { ...cursorAfterSweep(nowSeconds) },
			previousCursor: stored === null ? null : { ...stored },
			invoicesSwept: invoiceItem.size,
			paymentsFound: swept.length,
			complete: true,
		};
	}
	out.push({
		json: {
			kind: 'reconciliation_cursor',
			provider: 'stripe',
			...summary,
			records: out.length,
			ignored,
		},
		pairedItem: { item: 0 },
	});
	return out;
}

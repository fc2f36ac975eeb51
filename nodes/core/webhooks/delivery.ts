import { isCoreInputError } from '../errors';
import type { Gateway360Transport } from '../gateway360/transport';
import type { StripePaymentIntentLike } from '../stripe/paymentIntentRecords';
import type { StripeTransport } from '../stripe/transport';
import type { EventDeduplicator } from './eventDeduplicator';
import {
	currentGatewayTransaction,
	gateway360EventTransactionId,
	isGateway360ChargebackBatch,
	normaliseGateway360ChargebacksNow,
	normaliseGateway360Event,
	parseGateway360Event,
} from './gateway360Event';
import { GATEWAY360_SIGNATURE_HEADER, verifyGateway360Signature } from './gateway360Signature';
import type { TriggerEvent } from './paymentMethodChange';
import type { IgnoredReason, NormalisedWebhook } from './paymentStatusEvent';
import { ignore } from './paymentStatusEvent';
import type { StripeCustomerLike, StripeEventLike } from './stripeEvent';
import {
	isMissingPaymentIntent,
	normaliseStripeEvent,
	parseStripeEvent,
	stripeEventCustomerId,
	stripeEventPaymentIntentId,
	stripeEventRefusal,
} from './stripeEvent';
import type { HeaderValue, RawBody } from './stripeSignature';
import { STRIPE_SIGNATURE_HEADER, verifyStripeSignature } from './stripeSignature';

/**
 * One webhook delivery, from the request to the answer, without n8n: the trigger hands in the
 * request and what only it can reach (the signing secrets, the provider's transport, its memory
 * of events) and turns the answer into n8n's response (`handleStripeDelivery`,
 * `handleGateway360Delivery`).
 *
 * The steps, in this order: verify the signature -> parse the body -> (Stripe) is the event for
 * this trigger at all (its key's mode, the selected types) -> deduplicate by event id -> re-read
 * the payment from the provider ("Re-read payment"; for an event that may change a customer's
 * automatic payment method, the Stripe customer) -> normalise (stripeEvent.ts,
 * gateway360Event.ts) -> emit each payment state (and each automatic method) once -> one item
 * per invoice on the output of its status family, a change of automatic method on Payment Method
 * Changed (paymentMethodChange.ts).
 *
 * The answers, one table (DELIVERY_ANSWERS): the provider retries a delivery on any answer but
 * a 2xx (Stripe for up to three days), so 200 is given to everything that will never be
 * processed differently, and 500 only to what a later delivery can fix.
 *
 *   outcome            status  body                                       when
 *   emitted            200     none (n8n answers as the execution starts)  items on the outputs
 *   duplicate          200     { received, duplicate }                     event id seen before
 *   duplicateState     200     { received, duplicateState }                payment state emitted before
 *   ignored            200     { received, ignored: reason }               nothing to emit (IgnoredReason),
 *                                                                          incl. 'payment_not_found': the
 *                                                                          re-read found no such payment
 *                                                                          (Stripe's 404, acknowledged);
 *                                                                          'customer_not_found' alike
 *   invalid_signature  401     { error, reason }                           no secret, or the signature fails
 *   malformed          400     { error, reason }                           signed, but not JSON / not an event
 *   unreadable         400     { error, reason, eventId }                  signed and parsed, but what it
 *                                                                          names cannot be read as a payment
 *                                                                          (a normaliser's CoreInputError):
 *                                                                          no redelivery will read better
 *   secret_unreadable  500     { error, reason }                           the sealed endpoint secret no
 *                                                                          longer opens (the Stripe key was
 *                                                                          rolled): retried until activated
 *   retry              500     { error, eventId }                          the re-read failed (5xx, no
 *                                                                          connection, timeout): retried
 *
 * Memory: an event id is remembered from deduplication on, and forgotten again when the answer
 * is not a 200 (retry, unreadable), so a redelivery is processed rather than taken for a replay.
 * Nothing before deduplication is remembered. A state key is remembered once emitted.
 *
 * `log`: what the trigger writes to n8n's log (never a secret): a debug line for what is
 * ignored, a warning for a signed event naming a payment the account does not have (a leaked
 * secret, or an endpoint shared by several accounts) or one that cannot be read, an error for a
 * secret that no longer opens.
 */

export type DeliveryOutcome =
	| 'emitted'
	| 'duplicate'
	| 'duplicateState'
	| 'ignored'
	| 'invalid_signature'
	| 'malformed'
	| 'unreadable'
	| 'secret_unreadable'
	| 'retry';

/** Status and body per outcome (see the module comment); `emitted` has no body of its own. */
export const DELIVERY_ANSWERS: Readonly<
	Record<DeliveryOutcome, { status: 200 | 400 | 401 | 500; body: Record<string, unknown> | null }>
> = {
	emitted: { status: 200, body: null },
	duplicate: { status: 200, body: { received: true, duplicate: true } },
	duplicateState: { status: 200, body: { received: true, duplicateState: true } },
	ignored: { status: 200, body: { received: true } },
	invalid_signature: { status: 401, body: { error: 'invalid signature' } },
	malformed: { status: 400, body: { error: 'malformed event' } },
	unreadable: { status: 400, body: { error: 'malformed event', reason: 'unreadable_event' } },
	secret_unreadable: {
		status: 500,
		body: { error: 'cannot verify events now', reason: 'secret_unreadable' },
	},
	retry: { status: 500, body: { error: 'could not process the event now' } },
};

export interface DeliveryAnswer {
	outcome: DeliveryOutcome;
	status: number;
	/** the response body; null when n8n answers (`emitted`) */
	body: Record<string, unknown> | null;
	/** one item per invoice, or the change of automatic method (`emitted`), else [] */
	events: TriggerEvent[];
	log: { level: 'debug' | 'warn' | 'error'; message: string } | null;
}

export interface DeliveryRequest {
	/** the body exactly as received: signatures are over these bytes */
	rawBody: RawBody;
	/** header names in lower case, as Node gives them */
	headers: Record<string, HeaderValue>;
}

/** The trigger's memory in this process; `states` null: "Emit Each Payment State Once" off. */
export interface DeliveryMemory {
	events: EventDeduplicator;
	states: EventDeduplicator | null;
}

function answer(
	outcome: DeliveryOutcome,
	details: Record<string, unknown> = {},
	log: DeliveryAnswer['log'] = null,
): DeliveryAnswer {
	const { status, body } = DELIVERY_ANSWERS[outcome];
	return { outcome, status, body: body && { ...body, ...details }, events: [], log };
}

function ignored(event: { id: string; type: string }, reason: IgnoredReason): DeliveryAnswer {
	// Signed, yet naming a payment or customer the account does not have: worth a warning.
	const level =
		reason === 'payment_not_found' || reason === 'customer_not_found' ? 'warn' : 'debug';
	return answer(
		'ignored',
		{ ignored: reason },
		{ level, message: `ignored event ${event.id} (${event.type}): ${reason}` },
	);
}

/** What each provider's steps give the shared part of the delivery. */
interface ProviderSteps<E> {
	identify(event: E): { id: string; type: string };
	/** an event not for this trigger (before anything is read or remembered); null: take it */
	refusal(event: E): IgnoredReason | null;
	/** re-read (when asked) and normalise; throws what the re-read or the body throws */
	normalise(event: E): Promise<NormalisedWebhook>;
	/**
	 * Why nothing is emitted when the re-read's error says the provider has no such object
	 * ('payment_not_found', 'customer_not_found'); null: another failure
	 */
	missingObject(event: E, error: unknown): IgnoredReason | null;
}

/** From a signed and parsed event on: refuse, deduplicate, normalise, answer. */
async function deliverEvent<E>(
	event: E,
	steps: ProviderSteps<E>,
	memory: DeliveryMemory,
): Promise<DeliveryAnswer> {
	const named = steps.identify(event);
	const refusal = steps.refusal(event);
	if (refusal) return ignored(named, refusal);
	if (memory.events.seen(named.id)) return answer('duplicate');
	let result: NormalisedWebhook;
	try {
		result = await steps.normalise(event);
	} catch (error) {
		// It never will be processed: acknowledged, so the provider stops retrying.
		const missing = steps.missingObject(event, error);
		if (missing) return ignored(named, missing);
		// Not processed: the provider's next delivery must count as new.
		memory.events.forget(named.id);
		if (isCoreInputError(error)) {
			return answer(
				'unreadable',
				{ eventId: named.id },
				{
					level: 'warn',
					message: `could not read event ${named.id} (${named.type}): ${error.message}`,
				},
			);
		}
		return answer('retry', { eventId: named.id });
	}
	const change = result.methodChange ?? null;
	if (result.events.length === 0 && !change) {
		return ignored(named, result.ignored as IgnoredReason);
	}
	// A payment state and an automatic method are each emitted once, apart (one event may tell both).
	const emittedBefore = (key: string | null) => key !== null && memory.states?.seen(key) === true;
	const events: TriggerEvent[] = [
		...(result.events.length > 0 && !emittedBefore(result.stateKey) ? result.events : []),
		...(change && !emittedBefore(change.stateKey) ? [change.event] : []),
	];
	if (events.length === 0) return answer('duplicateState');
	return { ...answer('emitted'), events };
}

export interface StripeDelivery {
	/** the endpoint's signing secrets; 'unreadable' when a sealed one no longer opens */
	signingSecrets(): Promise<string[] | 'unreadable'>;
	toleranceSeconds: number;
	nowSeconds: number;
	/** the account, asked only for a request whose signature holds */
	account(): Promise<{ transport: StripeTransport; livemode: boolean }>;
	/** the event types the trigger takes */
	events: readonly string[];
	rereadPayment: boolean;
}

/** One Stripe delivery (the module comment gives the steps and the answers). */
export async function handleStripeDelivery(
	request: DeliveryRequest,
	stripe: StripeDelivery,
	memory: DeliveryMemory,
): Promise<DeliveryAnswer> {
	const secrets = await stripe.signingSecrets();
	if (secrets === 'unreadable') {
		// Our fault, not the sender's: 500, so Stripe delivers again once the workflow is
		// activated anew (which makes a new endpoint) or the former key is back.
		return answer(
			'secret_unreadable',
			{},
			{
				level: 'error',
				message:
					"cannot open its Stripe endpoint's signing secret: the credential's Stripe key is not the one it was sealed with. Deactivate and activate the workflow: the trigger then makes a new endpoint in Stripe.",
			},
		);
	}
	// Never accept an event that cannot be verified (the hole in n8n's own Stripe Trigger).
	if (secrets.length === 0) return answer('invalid_signature', { reason: 'no_secret' });
	const verdict = verifyStripeSignature({
		rawBody: request.rawBody,
		header: request.headers[STRIPE_SIGNATURE_HEADER],
		secrets,
		toleranceSeconds: stripe.toleranceSeconds,
		nowSeconds: stripe.nowSeconds,
	});
	if (!verdict.ok) return answer('invalid_signature', { reason: verdict.reason });
	const parsed = parseStripeEvent(request.rawBody);
	if (!parsed.ok) return answer('malformed', { reason: parsed.reason });
	const { transport, livemode } = await stripe.account();
	return await deliverEvent(
		parsed.event,
		{
			identify: (event) => event,
			refusal: (event) => stripeEventRefusal(event, { livemode, events: stripe.events }),
			normalise: async (event) =>
				await normaliseStripeEventNow(transport, event, stripe.rereadPayment),
			// Stripe answers 404 resource_missing alike for a PaymentIntent and a customer.
			missingObject(event, error) {
				if (!isMissingPaymentIntent(error)) return null;
				return stripe.rereadPayment && stripeEventCustomerId(event)
					? 'customer_not_found'
					: 'payment_not_found';
			},
		},
		memory,
	);
}

/**
 * One Stripe event normalised as the webhook path does it: with `reread`, the payment (or the
 * customer of an automatic-method change) is read from Stripe first ("Re-read payment"), so an
 * old event reports the payment's present state. The one owner of that step: the trigger's
 * deliveries, its backfill and the reconciliation's events read all call it. Throws what the
 * re-read throws (`isMissingPaymentIntent` tells Stripe's 404).
 */
export async function normaliseStripeEventNow(
	transport: StripeTransport,
	event: StripeEventLike,
	reread: boolean,
): Promise<NormalisedWebhook> {
	const customerId = reread ? stripeEventCustomerId(event) : null;
	if (customerId) {
		return normaliseStripeEvent(event, null, await currentCustomer(transport, customerId));
	}
	const intentId = reread ? stripeEventPaymentIntentId(event) : null;
	if (!intentId) return normaliseStripeEvent(event);
	const current = await transport.request<StripePaymentIntentLike>(
		'GET',
		`/v1/payment_intents/${intentId}`,
		{
			// The charge carries the refunds: what a payment keeps is read with it.
			params: { expand: ['payment_method', 'latest_charge'] },
		},
	);
	return normaliseStripeEvent(event, current);
}

/** A customer as Stripe has it now, its automatic method expanded (for its label). */
async function currentCustomer(
	transport: StripeTransport,
	customerId: string,
): Promise<StripeCustomerLike> {
	return await transport.request<StripeCustomerLike>('GET', `/v1/customers/${customerId}`, {
		params: { expand: ['invoice_settings.default_payment_method'] },
	});
}

export interface Gateway360Delivery {
	signingKey(): Promise<string>;
	/** the gateway, asked only to re-read a transaction */
	transport(): Promise<Gateway360Transport>;
	rereadPayment: boolean;
}

/** One 360 Payments delivery (the module comment gives the steps and the answers). */
export async function handleGateway360Delivery(
	request: DeliveryRequest,
	gateway: Gateway360Delivery,
	memory: DeliveryMemory,
): Promise<DeliveryAnswer> {
	const signingKey = await gateway.signingKey();
	if (signingKey === '') return answer('invalid_signature', { reason: 'no_secret' });
	const verdict = verifyGateway360Signature({
		rawBody: request.rawBody,
		header: request.headers[GATEWAY360_SIGNATURE_HEADER],
		signingKey,
	});
	if (!verdict.ok) return answer('invalid_signature', { reason: verdict.reason });
	const parsed = parseGateway360Event(request.rawBody);
	if (!parsed.ok) return answer('malformed', { reason: parsed.reason });
	return await deliverEvent(
		parsed.event,
		{
			identify: (event) => ({ id: event.event_id, type: event.event_type }),
			refusal: () => null,
			async normalise(event) {
				if (isGateway360ChargebackBatch(event)) {
					return await normaliseGateway360ChargebacksNow(
						async () => await gateway.transport(),
						event,
						gateway.rereadPayment,
					);
				}
				const transactionId = gateway.rereadPayment ? gateway360EventTransactionId(event) : null;
				if (!transactionId) return normaliseGateway360Event(event);
				const current = await currentGatewayTransaction(await gateway.transport(), transactionId);
				if (!current) return ignore('payment_not_found');
				return normaliseGateway360Event(event, { currentTransaction: current });
			},
			missingObject: () => null,
		},
		memory,
	);
}

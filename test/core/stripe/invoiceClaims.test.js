// @ts-check
import { encodeInvoiceMetadata } from '../../../nodes/core/payments/invoiceMetadata';
import { judgeClaim } from '../../../nodes/core/stripe/invoiceClaims';
import { readFields } from '../../support/fields';
import {
	CLAIM_STALE_AFTER_SECONDS,
	findBlockingPayment,
	isOpenClaim,
	isReleasedClaim,
} from '../../../nodes/core/stripe/paymentGuards';

const T = 1_790_000_000;

/**
 * A PaymentIntent with only the fields the claim rules read (any: Stripe's type names every field).
 * @returns {any}
 */
function payment(id, status, ids, extra = {}) {
	return {
		id,
		object: 'payment_intent',
		status,
		created: T,
		amount: 5000,
		currency: 'usd',
		customer: 'cus_1',
		last_payment_error: null,
		latest_charge: null,
		metadata: encodeInvoiceMetadata(
			ids.map((invoiceId) => ({ invoiceId, amountMinor: 5000, feeMinor: 0 })),
		),
		...extra,
	};
}

/** @returns {any} */
function claim(id, ids, extra = {}) {
	const made = payment(id, 'requires_confirmation', ids, extra);
	return { ...made, metadata: { ...made.metadata, invoice_claim: 'charge' } };
}

const own = claim('pi_m', ['INV-1']);

describe('judgeClaim: what a claim does after its read', () => {
	test.each([
		['no one else', [own], 'win', []],
		[
			'a succeeded payment of the invoice',
			[own, payment('pi_p', 'succeeded', ['INV-1'])],
			'blocked',
			undefined,
		],
		[
			'a payment being processed',
			[own, payment('pi_p', 'processing', ['INV-1'])],
			'blocked',
			undefined,
		],
		[
			'a payment waiting for the customer',
			[own, payment('pi_p', 'requires_action', ['INV-1'])],
			'blocked',
			undefined,
		],
		[
			'a fully refunded payment',
			[
				own,
				payment('pi_p', 'succeeded', ['INV-1'], {
					latest_charge: { amount_captured: 5000, amount_refunded: 5000, refunded: true },
				}),
			],
			'win',
			[],
		],
		[
			'a declined payment',
			[
				own,
				payment('pi_p', 'requires_payment_method', ['INV-1'], {
					last_payment_error: { code: 'card_declined' },
				}),
			],
			'win',
			[],
		],
		['an earlier claim', [own, claim('pi_e', ['INV-1'], { created: T - 1 })], 'defer', ['pi_e']],
		[
			'a claim of the same second with a smaller id',
			[own, claim('pi_a', ['INV-1'])],
			'defer',
			['pi_a'],
		],
		[
			'a claim of the same second with a larger id',
			[own, claim('pi_z', ['INV-1'])],
			'win',
			['pi_z'],
		],
		['a later claim', [own, claim('pi_l', ['INV-1'], { created: T + 1 })], 'win', ['pi_l']],
		[
			'a stale earlier claim (its maker gone)',
			[
				claim('pi_m', ['INV-1'], { created: T + CLAIM_STALE_AFTER_SECONDS }),
				claim('pi_e', ['INV-1']),
			],
			'win',
			['pi_e'],
		],
		[
			'a combined claim overlapping one invoice',
			[own, claim('pi_e', ['INV-9', 'INV-1'], { created: T - 1 })],
			'defer',
			['pi_e'],
		],
		['a claim of other invoices', [own, claim('pi_e', ['INV-2'], { created: T - 1 })], 'win', []],
		[
			'a released claim',
			[
				own,
				{
					...claim('pi_e', ['INV-1'], { created: T - 1 }),
					status: 'canceled',
					cancellation_reason: 'duplicate',
				},
			],
			'win',
			[],
		],
	])('%s: %s', (_, intents, kind, rivals) => {
		const verdict = readFields(judgeClaim)(own, intents, [], ['INV-1']);
		expect(verdict.kind).toBe(kind);
		if (rivals) expect(verdict.rivals?.map((r) => r.id)).toEqual(rivals);
	});

	test('its own claim decided since (a re-run): reported as it is', () => {
		const confirmed = { ...own, status: 'succeeded' };
		expect(judgeClaim(own, [confirmed], [], ['INV-1'])).toEqual({
			kind: 'own-decided',
			own: confirmed,
		});
	});

	test('an open pay link handed out blocks; one made for a claim not turned into it does not', () => {
		/** A Checkout Session with only the fields read (any: Stripe's type names every field). @returns {any} */
		const link = (claimId) => ({
			id: 'cs_1',
			object: 'checkout.session',
			mode: 'payment',
			status: 'open',
			expires_at: T + 3600,
			metadata: {
				...encodeInvoiceMetadata([{ invoiceId: 'INV-1', amountMinor: 5000, feeMinor: 0 }]),
				...(claimId ? { claim_id: claimId } : {}),
			},
		});
		expect(judgeClaim(own, [own], [link(null)], ['INV-1']).kind).toBe('blocked');
		const rival = claim('pi_z', ['INV-1']);
		expect(judgeClaim(own, [own, rival], [link('pi_z')], ['INV-1'])).toMatchObject({
			kind: 'win',
			rivals: [{ id: 'pi_z' }],
		});
	});
});

describe('claims as states', () => {
	test.each([
		['made, not confirmed', claim('pi_1', ['INV-1']), true, false],
		[
			'a pay-link claim',
			{ ...claim('pi_1', ['INV-1']), status: 'requires_payment_method' },
			true,
			false,
		],
		[
			'confirmed and declined',
			{
				...claim('pi_1', ['INV-1']),
				status: 'requires_payment_method',
				last_payment_error: { code: 'card_declined' },
			},
			false,
			false,
		],
		[
			'given up before any charge',
			{ ...claim('pi_1', ['INV-1']), status: 'canceled' },
			false,
			true,
		],
		[
			'canceled after a charge attempt',
			{ ...claim('pi_1', ['INV-1']), status: 'canceled', latest_charge: 'ch_1' },
			false,
			false,
		],
		['not a claim', payment('pi_1', 'requires_confirmation', ['INV-1']), false, false],
	])('%s: open %s, released %s', (_, intent, open, released) => {
		expect([isOpenClaim(intent), isReleasedClaim(intent)]).toEqual([open, released]);
	});
});

describe("a 360 Payments claim turned into the gateway's charge (kind gateway360)", () => {
	const gateway360 = (id, ids, extra = {}) => {
		const made = claim(id, ids, extra);
		return { ...made, metadata: { ...made.metadata, invoice_claim: 'gateway360' } };
	};
	const turned = (id, ids) => ({
		...gateway360(id, ids),
		status: 'canceled',
		cancellation_reason: 'abandoned',
	});

	test('holds its invoices: ALREADY_PAID, named as paid through 360 Payments', () => {
		expect(findBlockingPayment([turned('pi_g', ['INV-1'])], ['INV-1'], [])).toMatchObject({
			reason: 'ALREADY_PAID',
			intent: { id: 'pi_g' },
			invoiceIds: ['INV-1'],
			what: 'was paid through 360 Payments (claim pi_g)',
		});
		// every Stripe path's claim gives way to it
		expect(judgeClaim(own, [own, turned('pi_g', ['INV-1'])], [], ['INV-1'])).toMatchObject({
			kind: 'blocked',
			blocking: { reason: 'ALREADY_PAID' },
		});
		// a combined payment learns which of its invoices it holds
		expect(findBlockingPayment([turned('pi_g', ['INV-1'])], ['INV-2', 'INV-1'], [])).toMatchObject({
			invoiceIds: ['INV-1'],
		});
		expect(findBlockingPayment([turned('pi_g', ['INV-1'])], ['INV-2'], [])).toBeUndefined();
	});

	test.each([
		[
			'open (not decided yet): a rival, ordered by the protocol',
			gateway360('pi_g', ['INV-1'], { created: T - 1 }),
			'defer',
		],
		[
			'lost (canceled as duplicate): nothing',
			{
				...gateway360('pi_g', ['INV-1'], { created: T - 1 }),
				status: 'canceled',
				cancellation_reason: 'duplicate',
			},
			'win',
		],
		// a pay-link claim turned holds its invoices through its page, not by itself
		[
			'a pay-link claim turned, without its page: nothing',
			{
				...claim('pi_g', ['INV-1'], { created: T - 1 }),
				metadata: { ...claim('pi_g', ['INV-1']).metadata, invoice_claim: 'pay_link' },
				status: 'canceled',
				cancellation_reason: 'abandoned',
			},
			'win',
		],
	])('%s', (_, other, kind) => {
		expect(findBlockingPayment([other], ['INV-1'], [])).toBeUndefined();
		expect(judgeClaim(own, [own, other], [], ['INV-1']).kind).toBe(kind);
	});

	test('it took no charge in Stripe: a released claim, whose cancellation the webhook ignores', () => {
		expect([
			isOpenClaim(turned('pi_g', ['INV-1'])),
			isReleasedClaim(turned('pi_g', ['INV-1'])),
		]).toEqual([false, true]);
	});
});

// @ts-check
import {
	composeAutoPayPreview,
	composePaymentEmail as composePaymentEmailOutcome,
	composePaymentMismatchNotice as composePaymentMismatchOutcome,
	composeRunReport,
	customerRecipients,
	decidePaymentEmail,
	isEmailAddress,
	parseEmailSetting,
	splitAddresses,
} from '../../nodes/core/email';
import { money } from '../../nodes/core/money/money';
import { readFields } from '../support/fields';

/** @typedef {import('../../nodes/core/email').EmailPaymentRecord} EmailPaymentRecord */
/** @typedef {import('../../nodes/core/payments/paymentRecord').PaymentStatus} PaymentStatus */
/** @typedef {import('../../nodes/core/email/paymentEmails').EmailSetting} EmailSetting */

const composePaymentEmail = readFields(composePaymentEmailOutcome);
const composePaymentMismatchNotice = readFields(composePaymentMismatchOutcome);

/**
 * @param {Record<string, unknown>} [overrides] a payment record's fields (a status outside
 *   PaymentStatus only where a test refuses it)
 * @returns {EmailPaymentRecord & { amount: import('../../nodes/core/money/money').MoneyValue }}
 */
const record = (overrides = {}) =>
	/** @type {any} */ ({
		provider: 'stripe',
		invoiceId: 'inv-2001',
		paymentId: 'pi_123',
		status: 'succeeded',
		amount: money(25000, 'usd'),
		fee: money(725, 'usd'),
		total: money(25725, 'usd'),
		paymentMethod: { id: 'pm_1', label: 'Visa •••• 4242' },
		failure: null,
		nextActionUrl: null,
		...overrides,
	});

const contact = {
	customerName: 'Acme Plumbing Ltd',
	customerEmail: 'office@acme.example.com',
	accountsEmail: 'ap@acme.example.com',
	accountsCcEmail: 'controller@acme.example.com, CFO@acme.example.com',
	payingUserEmail: 'pat@acme.example.com',
};

const settings = (setting, extra = {}) => ({
	setting,
	failureAddress: 'payments-team@business.example.com',
	businessName: 'Business Ltd',
	...extra,
});

describe('which email a payment record gets', () => {
	test.each(
		/** @type {Array<[PaymentStatus, EmailSetting, string, object]>} */ ([
			// status, setting, provider, expected
			[
				'succeeded',
				'successesAndFailures',
				'stripe',
				{ kind: 'confirmation', audience: 'customer' },
			],
			['succeeded', 'failuresOnly', 'stripe', { reason: 'SUCCESS_EMAILS_OFF' }],
			['succeeded', 'stripeReceipts', 'stripe', { reason: 'STRIPE_RECEIPT' }],
			// Stripe sends no receipt for a 360 Payments payment: ours goes out
			['succeeded', 'stripeReceipts', 'gateway360', { kind: 'confirmation', audience: 'customer' }],
			['failed', 'successesAndFailures', 'stripe', { kind: 'failure', audience: 'customer' }],
			['failed', 'stripeReceipts', 'stripe', { kind: 'failure', audience: 'customer' }],
			['failed', 'failuresOnly', 'stripe', { kind: 'failure', audience: 'internal' }],
			[
				'requires_action',
				'successesAndFailures',
				'stripe',
				{ kind: 'failure', audience: 'customer' },
			],
			['requires_action', 'failuresOnly', 'stripe', { kind: 'failure', audience: 'internal' }],
			['processing', 'successesAndFailures', 'stripe', { reason: 'STATUS_NOT_NOTIFIED' }],
			['pending', 'successesAndFailures', 'stripe', { reason: 'STATUS_NOT_NOTIFIED' }],
			['canceled', 'successesAndFailures', 'stripe', { reason: 'STATUS_NOT_NOTIFIED' }],
			['refunded', 'successesAndFailures', 'stripe', { reason: 'STATUS_NOT_NOTIFIED' }],
			['refunded', 'successesAndFailures', 'gateway360', { reason: 'STATUS_NOT_NOTIFIED' }],
		]),
	)('%s under %s (%s)', (status, setting, provider, expected) => {
		expect(decidePaymentEmail({ status, provider }, setting)).toEqual(expected);
	});

	test('an off-session decline asking for authentication is announced by its requires-action record, not twice', () => {
		/** @type {Parameters<typeof decidePaymentEmail>[0]} */
		const asked = {
			status: 'failed',
			provider: 'stripe',
			failure: { code: 'authentication_required' },
		};
		/** @type {EmailSetting[]} */
		const allSettings = ['failuresOnly', 'successesAndFailures', 'stripeReceipts'];
		for (const setting of allSettings) {
			expect(decidePaymentEmail(asked, setting)).toEqual({ reason: 'AUTHENTICATION_REQUESTED' });
		}
		const declined = { ...asked, failure: { code: 'card_declined' } };
		expect(decidePaymentEmail(declined, 'successesAndFailures')).toEqual({
			kind: 'failure',
			audience: 'customer',
		});
	});

	test('a status the books already had sends nothing, whatever it is', () => {
		/** @type {PaymentStatus[]} */
		const statuses = ['succeeded', 'failed', 'requires_action'];
		for (const status of statuses) {
			expect(
				decidePaymentEmail({ status, provider: 'stripe' }, 'successesAndFailures', false),
			).toEqual({
				reason: 'ALREADY_NOTIFIED',
			});
		}
	});

	test('an unknown setting is refused, naming the field', () => {
		expect(() => parseEmailSetting('always')).toThrow(
			/must be one of failuresOnly, successesAndFailures, stripeReceipts/,
		);
		expect(() => parseEmailSetting('always')).toThrow(
			expect.objectContaining({ field: 'emailSetting' }),
		);
		expect(parseEmailSetting(' stripeReceipts ')).toBe('stripeReceipts');
	});
});

describe('recipients', () => {
	test('To the customer; CC accounts, accounts CC list and the paying user', () => {
		expect(customerRecipients(contact)).toEqual({
			to: 'office@acme.example.com',
			cc: [
				'ap@acme.example.com',
				'controller@acme.example.com',
				'CFO@acme.example.com',
				'pat@acme.example.com',
			],
			bcc: [],
			ignored: [],
		});
	});

	test('duplicates are dropped case-insensitively and To is never repeated in CC or BCC', () => {
		const recipients = customerRecipients(
			{
				customerEmail: 'Office@Acme.example.com',
				accountsEmail: 'office@acme.example.com',
				accountsCcEmail: 'AP@acme.example.com; ap@acme.example.com, office@ACME.example.com',
				payingUserEmail: 'ap@ACME.example.com',
			},
			{ bcc: 'OFFICE@acme.example.com' },
		);
		expect(recipients).toEqual({
			to: 'Office@Acme.example.com',
			cc: ['AP@acme.example.com'],
			bcc: [],
			ignored: [],
		});
	});

	test('no customer email: the accounts email is To, and not CC', () => {
		expect(
			customerRecipients({ accountsEmail: 'ap@x.example.com', accountsCcEmail: 'b@x.example.com' }),
		).toEqual({
			to: 'ap@x.example.com',
			cc: ['b@x.example.com'],
			bcc: [],
			ignored: [],
		});
	});

	test('what is not an address is left out and reported', () => {
		const recipients = customerRecipients({
			customerEmail: 'office@x.example.com',
			accountsCcEmail: 'not an address, Name <a@x.example.com>, ok@x.example.com',
		});
		expect(recipients.cc).toEqual(['ok@x.example.com']);
		expect(recipients.ignored).toEqual(['not an address', 'Name <a@x.example.com>']);
	});

	test.each([
		['a@b.co', true],
		['first.last+tag@sub.example.com', true],
		['a@b', false],
		['a b@c.com', false],
		['a@@c.com', false],
		['a@c.com\r\nBcc: x@y.com', false],
		['', false],
	])('isEmailAddress(%p) is %p', (value, expected) => {
		expect(isEmailAddress(value)).toBe(expected);
	});

	test('splitAddresses takes commas and semicolons', () => {
		expect(splitAddresses(' a@x.com ;b@x.com,, ').addresses).toEqual(['a@x.com', 'b@x.com']);
		expect(splitAddresses(null)).toEqual({ addresses: [], ignored: [] });
	});
});

describe('Payment Confirmation', () => {
	const email = composePaymentEmail({
		record: record(),
		contact,
		settings: settings('successesAndFailures'),
		invoiceNumber: 'INV-2001',
		automaticPaymentMethod: 'Visa •••• 4242',
	});

	test('addressed to the customer with the accounts addresses and the payer copied', () => {
		expect(email).toMatchObject({
			send: true,
			kind: 'confirmation',
			template: 'Payment Confirmation',
			audience: 'customer',
			to: 'office@acme.example.com',
			cc: 'ap@acme.example.com, controller@acme.example.com, CFO@acme.example.com, pat@acme.example.com',
			bcc: '',
			subject: 'Payment Confirmation: invoice INV-2001',
			invoiceId: 'inv-2001',
			paymentId: 'pi_123',
			status: 'succeeded',
		});
	});

	test('amount, fee and total, the method used and the automatic payment method line', () => {
		expect(email.text).toBe(
			[
				'Dear Acme Plumbing Ltd,',
				'',
				'Thank you: we received your payment of $257.25 for invoice INV-2001.',
				'',
				'Invoice: INV-2001',
				'Invoice amount: $250.00',
				'Processing fee: $7.25',
				'Total paid: $257.25',
				'Payment method: Visa •••• 4242',
				'Reference: pi_123',
				'Automatic payment method: Visa •••• 4242',
				'',
				'Business Ltd',
			].join('\n'),
		);
		expect(email.html).toContain('<th align="left">Total paid</th><td>$257.25</td>');
	});

	test('no fee: no fee line; no automatic method: "No automatic payment setup"', () => {
		const plain = composePaymentEmail({
			record: record({ fee: money(0, 'usd'), total: money(25000, 'usd') }),
			contact,
			settings: settings('successesAndFailures'),
		});
		expect(plain.text).not.toContain('Processing fee');
		expect(plain.text).toContain('Total paid: $250.00');
		expect(plain.text).toContain('Automatic payment method: No automatic payment setup');
		expect(plain.subject).toBe('Payment Confirmation: invoice inv-2001');
	});

	test('amounts as the books store them (decimal strings) and zero-decimal currencies', () => {
		const jpy = composePaymentEmail({
			record: record({ amount: { amount: '15000', currency: 'jpy' }, fee: null, total: null }),
			contact,
			settings: settings('successesAndFailures'),
		});
		expect(jpy.text).toContain('Total paid: ¥15,000');
		expect(jpy.text).not.toContain('Processing fee');
	});

	test('a total the record does not carry is its amount plus its fee, in its currency', () => {
		const noTotal = composePaymentEmail({
			record: record({
				amount: { amount: '12.345', currency: 'kwd' },
				fee: { amount: '0.360', currency: 'KWD' },
				total: null,
			}),
			contact,
			settings: settings('successesAndFailures'),
		});
		expect(noTotal.text).toMatch(/Total paid: KWD\s12\.705/); // Intl puts a no-break space after the code
	});

	test.each([
		['fee', { fee: money(725, 'eur') }, 'EUR'],
		['total', { total: money(25725, 'jpy') }, 'JPY'],
	])(
		'a %s in another currency than the amount is not a record: refused, naming it',
		(field, lines, code) => {
			expect(() =>
				composePaymentEmailOutcome({
					record: record(lines),
					contact,
					settings: settings('successesAndFailures'),
				}),
			).toThrow(
				expect.objectContaining({
					field,
					message: `The payment record's ${field} is in ${code}, its amount in USD: every sum of one record is in one currency`,
				}),
			);
		},
	);

	test('values from the books cannot inject HTML or extra lines', () => {
		const hostile = composePaymentEmail({
			record: record(),
			contact: { ...contact, customerName: '<script>x</script>\r\nBcc: evil@x.com' },
			settings: settings('successesAndFailures'),
			invoiceNumber: 'INV-1\nSubject: hi',
		});
		expect(hostile.html).not.toContain('<script>');
		expect(hostile.html).toContain('&lt;script&gt;');
		expect(hostile.subject).toBe('Payment Confirmation: invoice INV-1 Subject: hi');
		expect(/** @type {string} */ (hostile.text).split('\n')[0]).toBe(
			'Dear <script>x</script> Bcc: evil@x.com,',
		);
	});
});

describe('Payment Failure', () => {
	const declined = record({
		status: 'failed',
		failure: {
			code: 'card_declined',
			declineCode: 'generic_decline',
			message: 'Your card was declined.',
		},
	});

	test('to the customer, with the reason, the update link, and BCC to the failure address', () => {
		const email = composePaymentEmail({
			record: declined,
			contact,
			settings: settings('successesAndFailures'),
			invoiceNumber: 'INV-2001',
			automaticPaymentMethod: '',
			updatePaymentMethodUrl: 'https://checkout.example.com/c/cs_1',
		});
		expect(email).toMatchObject({
			send: true,
			kind: 'failure',
			template: 'Payment Failure',
			audience: 'customer',
			to: 'office@acme.example.com',
			bcc: 'payments-team@business.example.com',
			subject: 'Payment Failure: invoice INV-2001',
		});
		expect(email.text).toContain('We could not take your payment of $257.25 for invoice INV-2001.');
		expect(email.text).toContain('Reason: Your card was declined.');
		expect(email.text).toContain('Automatic payment method: No automatic payment setup');
		expect(email.text).toContain('Update your payment method: https://checkout.example.com/c/cs_1');
		expect(email.html).toContain(
			'<a href="https://checkout.example.com/c/cs_1">Update your payment method</a>',
		);
	});

	test('failures only: an internal notice to the failure address, nobody copied', () => {
		const email = composePaymentEmail({
			record: declined,
			contact,
			settings: settings('failuresOnly'),
			invoiceNumber: 'INV-2001',
		});
		expect(email).toMatchObject({
			audience: 'internal',
			to: 'payments-team@business.example.com',
			cc: '',
			bcc: '',
			subject: 'Payment Failure: invoice INV-2001 (Acme Plumbing Ltd)',
		});
		expect(email.text).toMatch(
			/^Hello,\n\nThe payment of \$257\.25 for invoice INV-2001 of Acme Plumbing Ltd did not go through\./,
		);
	});

	test('requires action: the link to complete the payment, only for http(s) URLs', () => {
		const email = composePaymentEmail({
			record: record({
				status: 'requires_action',
				nextActionUrl: 'https://stripe.example.com/3ds/pi_1',
			}),
			contact,
			settings: settings('successesAndFailures'),
		});
		expect(email.text).toContain(
			'Reason: Your bank needs you to confirm this payment before it can be taken',
		);
		expect(email.text).toContain('Complete the payment: https://stripe.example.com/3ds/pi_1');
		const scripted = composePaymentEmail({
			record: record({ status: 'requires_action', nextActionUrl: 'javascript:alert(1)' }),
			contact,
			settings: settings('successesAndFailures'),
		});
		expect(scripted.text).not.toContain('javascript:');
		expect(scripted.text).not.toContain('Complete the payment');
	});

	test('no customer address: the failure goes to the failure address; a confirmation goes nowhere', () => {
		const failure = composePaymentEmail({
			record: declined,
			contact: {},
			settings: settings('successesAndFailures'),
		});
		expect(failure).toMatchObject({
			send: true,
			audience: 'internal',
			to: 'payments-team@business.example.com',
		});
		const confirmation = composePaymentEmail({
			record: record(),
			contact: {},
			settings: settings('successesAndFailures'),
		});
		expect(confirmation).toMatchObject({ send: false, reason: 'NO_RECIPIENT' });
		const nobody = composePaymentEmail({
			record: declined,
			contact: {},
			settings: settings('failuresOnly', { failureAddress: '' }),
		});
		expect(nobody).toMatchObject({ send: false, reason: 'NO_RECIPIENT' });
	});

	test('a failure address that is not one address is a settings error', () => {
		expect(() =>
			composePaymentEmail({
				record: declined,
				contact,
				settings: settings('failuresOnly', { failureAddress: 'a@x.com, b@x.com' }),
			}),
		).toThrow(expect.objectContaining({ field: 'failureAddress' }));
	});
});

describe('no email', () => {
	test.each([
		['succeeded', 'failuresOnly', true, 'SUCCESS_EMAILS_OFF'],
		['succeeded', 'stripeReceipts', true, 'STRIPE_RECEIPT'],
		['processing', 'successesAndFailures', true, 'STATUS_NOT_NOTIFIED'],
		['succeeded', 'successesAndFailures', false, 'ALREADY_NOTIFIED'],
	])(
		'%s / %s / new %p -> %s, with the record identified',
		(status, setting, statusIsNew, reason) => {
			const outcome = composePaymentEmail({
				record: record({ status }),
				contact,
				settings: settings(setting),
				statusIsNew,
			});
			expect(outcome).toMatchObject({
				send: false,
				reason,
				invoiceId: 'inv-2001',
				paymentId: 'pi_123',
				status,
			});
			expect(outcome.message).toBeTruthy();
		},
	);

	test('a record without invoice or with an unknown status is refused', () => {
		expect(() =>
			composePaymentEmail({
				record: record({ invoiceId: '' }),
				contact,
				settings: settings('failuresOnly'),
			}),
		).toThrow(/no invoiceId/);
		expect(() =>
			composePaymentEmail({
				record: record({ status: 'paid' }),
				contact,
				settings: settings('failuresOnly'),
			}),
		).toThrow(/status "paid"/);
	});
});

describe('run report', () => {
	test('counts and lists payments and skipped invoices', () => {
		const report = composeRunReport({
			to: 'payments-team@business.example.com',
			summary: {
				scanDay: '2026-11-23',
				timeZone: 'America/Chicago',
				invoices: 5,
				charged: 3,
				skipped: 2,
			},
			payments: [
				{ invoiceId: 'inv-1', status: 'succeeded', total: money(1000, 'usd') },
				{
					invoiceId: 'inv-2',
					status: 'failed',
					total: money(2000, 'usd'),
					failure: { message: 'Your card was declined.' },
				},
				{ invoiceId: 'inv-3', error: 'Stripe: connection lost' },
			],
			skipped: [
				{ invoiceId: 'inv-4', reason: 'PAYMENT_PENDING', message: 'A payment is pending' },
				{ invoiceId: 'inv-5', reason: 'NOT_DUE_YET', message: 'Due on 2026-11-30' },
			],
		});
		expect(report.subject).toBe('Auto-pay run 2026-11-23: 1 paid, 2 failed, 2 skipped');
		expect(report.counts).toEqual({
			invoices: 5,
			charged: 3,
			succeeded: 1,
			failed: 2,
			other: 0,
			skipped: 2,
		});
		expect(report.text).toContain('- inv-2 - failed - $20.00 - Your card was declined.');
		expect(report.text).toContain('- inv-3 - error - Stripe: connection lost');
		expect(report.text).toContain('- inv-4 - PAYMENT_PENDING - A payment is pending');
		expect(report.html).toContain('<li>inv-5 - NOT_DUE_YET - Due on 2026-11-30</li>');
	});

	test('an empty run still reports, and a report needs an address', () => {
		const report = composeRunReport({
			to: 'a@x.example.com',
			summary: null,
			payments: [],
			skipped: [],
		});
		expect(report.text).toContain('Payments:\n- none');
		expect(() => composeRunReport({ to: '', summary: null, payments: [], skipped: [] })).toThrow(
			/report address is required/,
		);
	});
});

describe('auto-pay preview (dry run)', () => {
	const summary = {
		scanDay: '2026-11-24',
		timeZone: 'America/Chicago',
		invoices: 4,
		charged: 2,
		skipped: 2,
		chargeTotals: {
			eur: { currency: 'eur', count: 1, amountMinor: 8000, amount: '80.00' },
			usd: { currency: 'usd', count: 1, amountMinor: 125000, amount: '1250.00' },
		},
	};
	const charges = [
		{
			invoiceId: 'inv-1',
			customerId: 'cust-1',
			amountMinor: 125000,
			currency: 'usd',
			paymentDay: '2026-11-24',
			daysLate: 0,
			paymentMethod: { id: 'pm_1', label: 'Visa •••• 4242' },
		},
		{
			invoiceId: 'inv-2',
			customerId: 'cust-2',
			amountMinor: 8000,
			currency: 'eur',
			paymentDay: '2026-11-22',
			daysLate: 2,
		},
	];
	const skipped = [
		{ invoiceId: 'inv-3', reason: 'NOT_DUE_YET', message: 'Due on 2026-11-30' },
		{ invoiceId: 'inv-4', reason: 'PAYMENT_PENDING', message: 'A payment is pending' },
	];

	test('lists what the run would charge, with totals per currency, and says nothing was charged', () => {
		const preview = composeAutoPayPreview({
			to: 'payments-team@business.example.com',
			summary,
			charges,
			skipped,
			businessName: 'Demo Services Ltd',
		});
		expect(preview.subject).toBe(
			'Auto-pay preview for 2026-11-24: 2 to charge (€80.00, $1,250.00), 2 skipped',
		);
		expect(preview.counts).toEqual({ invoices: 4, wouldCharge: 2, skipped: 2 });
		expect(preview.totals).toEqual(['€80.00', '$1,250.00']);
		expect(preview.text).toContain('Nothing has been charged.');
		expect(preview.text).toContain('- inv-1 - cust-1 - $1,250.00 - Visa •••• 4242');
		expect(preview.text).toContain('- inv-2 - cust-2 - €80.00 - payable since 2026-11-22');
		expect(preview.text).toContain('- inv-3 - NOT_DUE_YET - Due on 2026-11-30');
		expect(preview.text.endsWith('Demo Services Ltd')).toBe(true);
		expect(preview.html).toContain('<li>inv-4 - PAYMENT_PENDING - A payment is pending</li>');
	});

	test('values cannot add lines or markup; an empty preview still reads', () => {
		const preview = composeAutoPayPreview({
			to: 'a@x.example.com',
			summary: null,
			charges: [
				{
					invoiceId: 'inv-9\nBcc: x@evil.example.com',
					customerId: '<b>c</b>',
					amountMinor: 100,
					currency: 'zzz',
				},
			],
			skipped: [],
		});
		expect(preview.text).toContain('- inv-9 Bcc: x@evil.example.com - <b>c</b> - ?');
		expect(preview.html).toContain('&lt;b&gt;c&lt;/b&gt;');
		expect(preview.subject).toBe('Auto-pay preview for the next run: 1 to charge, 0 skipped');
		const empty = composeAutoPayPreview({
			to: 'a@x.example.com',
			summary: null,
			charges: [],
			skipped: [],
		});
		expect(empty.text).toContain('To charge:\n- none');
		expect(() =>
			composeAutoPayPreview({ to: 'not-an-address', summary: null, charges: [], skipped: [] }),
		).toThrow(
			expect.objectContaining({
				field: 'reportAddress',
				message: '"not-an-address" is not one email address',
			}),
		);
	});
});

describe('Payment Mismatch notice', () => {
	/** A $1 payment of another customer naming Acme's invoice, as the match check found it. */
	const mismatch = (overrides = {}) => ({
		record: record({
			amount: money(100, 'usd'),
			fee: money(3, 'usd'),
			total: money(103, 'usd'),
			customer: { booksId: 'cust-1002', providerId: 'cus_B' },
		}),
		reasons: [
			{
				code: 'CUSTOMER_MISMATCH',
				message:
					"The payment is of books customer cust-1002, not of the invoice's customer cust-1001",
			},
			{
				code: 'AMOUNT_MISMATCH',
				message: "It pays $1.00, less than the invoice's balance $250.00",
			},
		],
		invoiceNumber: 'INV-2001',
		customerName: 'Acme Plumbing Ltd',
		failureAddress: 'payments-team@business.example.com',
		businessName: 'Business Ltd',
		...overrides,
	});

	test('to the failure address only, saying what the payment is, why it does not match and what to do', () => {
		const notice = composePaymentMismatchNotice(mismatch());
		expect(notice).toMatchObject({
			send: true,
			template: 'Payment Mismatch',
			audience: 'internal',
			to: 'payments-team@business.example.com',
			cc: '',
			bcc: '',
			subject: 'Payment Mismatch: invoice INV-2001 (Acme Plumbing Ltd)',
			invoiceId: 'inv-2001',
			paymentId: 'pi_123',
			status: 'succeeded',
		});
		expect(notice.text).toBe(
			[
				'A payment of $1.03 names invoice INV-2001 of Acme Plumbing Ltd but does not match it. It is kept in the books as a mismatch and does not pay the invoice.',
				'',
				'Invoice: INV-2001',
				'Payment: pi_123 (succeeded)',
				'Provider: Stripe',
				'Invoice amount: $1.00',
				'Processing fee: $0.03',
				'Total: $1.03',
				'Payment method: Visa •••• 4242',
				'Paid by: books customer cust-1002, Stripe customer cus_B',
				'',
				'Why:',
				"- The payment is of books customer cust-1002, not of the invoice's customer cust-1001",
				"- It pays $1.00, less than the invoice's balance $250.00",
				'',
				'Look the payment up at the payment provider. If it does pay this invoice, record it in the books by hand; if not, refund it.',
				'',
				'Business Ltd',
			].join('\n'),
		);
		expect(notice.html).toContain(
			'<li>The payment is of books customer cust-1002, not of the invoice&#39;s customer cust-1001</li>',
		);
	});

	test('a payment naming no customer says so; a 360 Payments vault customer is named as such', () => {
		const anonymous = composePaymentMismatchNotice(
			mismatch({ record: record({ customer: { booksId: null, providerId: null } }) }),
		);
		expect(anonymous.text).toContain('Paid by: no customer named');
		const gateway = composePaymentMismatchNotice(
			mismatch({
				record: record({ provider: 'gateway360', customer: { booksId: null, providerId: 'v-9' } }),
			}),
		);
		expect(gateway.text).toContain('Provider: 360 Payments');
		expect(gateway.text).toContain('Paid by: 360 Payments customer v-9');
	});

	test('each status of the payment is told once; without a failure address nobody is', () => {
		expect(composePaymentMismatchNotice(mismatch({ statusIsNew: false }))).toMatchObject({
			send: false,
			reason: 'ALREADY_NOTIFIED',
			invoiceId: 'inv-2001',
		});
		const none = composePaymentMismatchNotice(mismatch({ failureAddress: '' }));
		expect(none).toMatchObject({ send: false, reason: 'NO_FAILURE_ADDRESS' });
		expect(none.message).toMatch(/kept in the books/);
		expect(() => composePaymentMismatchNotice(mismatch({ failureAddress: 'a, b' }))).toThrow(
			expect.objectContaining({ field: 'failureAddress' }),
		);
	});

	test('what the payment says about itself cannot add lines, headers or markup', () => {
		const notice = composePaymentMismatchNotice(
			mismatch({
				record: record({
					paymentId: 'pi_9\nBcc: x@evil.example.com',
					customer: { booksId: '<b>cust</b>', providerId: null },
				}),
				invoiceNumber: 'INV-1\r\nBcc: x@evil.example.com',
				reasons: [
					{ code: 'NO_CUSTOMER', message: 'line one\nline two' },
					{ code: 'LINES_MISMATCH' },
				],
			}),
		);
		expect(notice.subject).toBe(
			'Payment Mismatch: invoice INV-1 Bcc: x@evil.example.com (Acme Plumbing Ltd)',
		);
		expect(notice.text).toContain('Payment: pi_9 Bcc: x@evil.example.com (succeeded)');
		expect(notice.text).toContain('- line one line two\n- LINES_MISMATCH\n');
		expect(notice.html).toContain('books customer &lt;b&gt;cust&lt;/b&gt;');
		expect(notice.html).not.toContain('<b>cust');
	});
});

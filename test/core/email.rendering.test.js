// @ts-check
/**
 * Every email the package composes, byte for byte: subject, text and HTML of each template in
 * its variants (fee or none, customer or internal, action links, other currencies and locales,
 * hostile values). The snapshots were written by the composer before it was split into
 * nodes/core/email/; a change to what people receive shows here as a snapshot diff.
 */
import {
	composeAutoPayPreview,
	composePaymentEmail,
	composePaymentMismatchNotice,
	composeRunReport,
} from '../../nodes/core/email';
import { money } from '../../nodes/core/money/money';

const record = (overrides = {}) => ({
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

const declined = {
	code: 'card_declined',
	declineCode: 'insufficient_funds',
	message: 'Your card has insufficient funds.',
};

const paymentEmails = {
	'confirmation with a fee': {
		record: record(),
		contact,
		settings: settings('successesAndFailures'),
		invoiceNumber: 'INV-2001',
		automaticPaymentMethod: 'Visa •••• 4242',
	},
	'confirmation without a fee, no automatic method, no business name': {
		record: record({ fee: null, total: money(25000, 'usd'), paymentMethod: null, paymentId: null }),
		contact: { customerEmail: 'office@acme.example.com' },
		settings: { setting: 'successesAndFailures' },
	},
	'confirmation of a 360 Payments payment in JPY under Stripe receipts, German locale': {
		record: record({
			provider: 'gateway360',
			amount: { amount: '15000', currency: 'jpy' },
			fee: { minor: 450, currency: 'jpy' },
			total: null,
		}),
		contact,
		settings: settings('stripeReceipts', { locale: 'de-DE' }),
		invoiceNumber: 'INV-3001',
	},
	'failure to the customer with an update link': {
		record: record({ status: 'failed', failure: declined }),
		contact,
		settings: settings('successesAndFailures'),
		invoiceNumber: 'INV-2001',
		updatePaymentMethodUrl: 'https://checkout.example.com/c/cs_1',
	},
	'failure as an internal notice (failures only)': {
		record: record({ status: 'failed', failure: declined }),
		contact,
		settings: settings('failuresOnly'),
		invoiceNumber: 'INV-2001',
		updatePaymentMethodUrl: 'https://checkout.example.com/c/cs_1',
	},
	'failure with no customer address falls back to the team': {
		record: record({ status: 'failed', failure: { message: null } }),
		contact: { customerName: 'Walk-in' },
		settings: settings('successesAndFailures'),
	},
	'requires action with the page to complete the payment': {
		record: record({
			status: 'requires_action',
			nextActionUrl: 'https://stripe.example.com/3ds/pi_1',
		}),
		contact,
		settings: settings('successesAndFailures'),
		invoiceNumber: 'INV-2001',
		updatePaymentMethodUrl: 'https://checkout.example.com/c/cs_1',
	},
	'hostile values: markup, line breaks, a script link': {
		record: record({
			status: 'requires_action',
			paymentId: 'pi_1\r\nBcc: x@evil.example.com',
			nextActionUrl: 'javascript:alert(1)',
			paymentMethod: { label: '<img src=x onerror=alert(1)>' },
		}),
		contact: { ...contact, customerName: '<script>x</script>\nBcc: evil@x.com' },
		settings: settings('successesAndFailures', { businessName: 'Tom & Jerry "Ltd"' }),
		invoiceNumber: "INV-1'\nSubject: hi",
		automaticPaymentMethod: '<b>card</b>',
		updatePaymentMethodUrl: 'https://checkout.example.com/c/"><script>',
	},
};

test.each(Object.keys(paymentEmails))('payment email: %s', (name) => {
	expect(composePaymentEmail(paymentEmails[name])).toMatchSnapshot();
});

const runReports = {
	'a mixed run': {
		to: 'payments-team@business.example.com',
		summary: { scanDay: '2026-11-23', timeZone: 'America/Chicago', invoices: 6 },
		payments: [
			{ invoiceId: 'inv-1', status: 'succeeded', total: money(1000, 'usd') },
			{
				invoiceId: 'inv-2',
				status: 'failed',
				total: money(2000, 'usd'),
				failure: { message: 'Your card was declined.' },
			},
			{ invoiceId: 'inv-3', error: 'Stripe: connection lost' },
			{
				invoiceId: 'inv-6',
				status: 'succeeded',
				total: { amount: '50', currency: 'eur' },
				existingPayment: true,
			},
			{ invoiceId: 'inv-7', status: 'processing', total: { amount: '1.5', currency: 'zzz' } },
		],
		skipped: [
			{ invoiceId: 'inv-4', reason: 'PAYMENT_PENDING', message: 'A payment is pending' },
			{ invoiceId: 'inv-5', reason: 'NOT_DUE_YET', message: 'Due on 2026-11-30' },
		],
		businessName: 'Business Ltd',
		locale: 'en-GB',
	},
	'an empty run': { to: 'a@x.example.com', summary: null, payments: [], skipped: [] },
	'hostile values': {
		to: 'a@x.example.com',
		summary: { scanDay: '2026-11-23\nBcc: x@evil.example.com', timeZone: '<b>tz</b>' },
		payments: [{ invoiceId: '<i>inv</i>\r\n', status: 'failed', failure: { message: 'a\nb & c' } }],
		skipped: [{ invoiceId: null, reason: '<script>', message: '"quoted"' }],
		businessName: 'Tom & Jerry\nLtd',
	},
};

test.each(Object.keys(runReports))('run report: %s', (name) => {
	expect(composeRunReport(runReports[name])).toMatchSnapshot();
});

const previews = {
	'two charges in two currencies': {
		to: 'payments-team@business.example.com',
		summary: {
			scanDay: '2026-11-24',
			timeZone: 'America/Chicago',
			invoices: 4,
			chargeTotals: {
				eur: { currency: 'eur', amountMinor: 8000 },
				usd: { currency: 'usd', amountMinor: 125000 },
			},
		},
		charges: [
			{
				invoiceId: 'inv-1',
				customerId: 'cust-1',
				amountMinor: 125000,
				currency: 'usd',
				paymentDay: '2026-11-24',
				daysLate: 0,
				paymentMethod: { label: 'Visa •••• 4242' },
			},
			{
				invoiceId: 'inv-2',
				customerId: 'cust-2',
				amountMinor: 8000,
				currency: 'eur',
				paymentDay: '2026-11-22',
				daysLate: 2,
			},
		],
		skipped: [{ invoiceId: 'inv-3', reason: 'NOT_DUE_YET', message: 'Due on 2026-11-30' }],
		businessName: 'Demo Services Ltd',
	},
	'an empty preview': { to: 'a@x.example.com', summary: null, charges: [], skipped: [] },
	'hostile values and an unknown currency': {
		to: 'a@x.example.com',
		summary: null,
		charges: [
			{
				invoiceId: 'inv-9\nBcc: x@evil.example.com',
				customerId: '<b>c</b>',
				amountMinor: 100,
				currency: 'zzz',
				daysLate: 1,
				paymentDay: null,
			},
		],
		skipped: [],
	},
};

test.each(Object.keys(previews))('auto-pay preview: %s', (name) => {
	expect(composeAutoPayPreview(previews[name])).toMatchSnapshot();
});

const mismatch = (overrides = {}) => ({
	record: record({
		amount: money(100, 'usd'),
		fee: money(3, 'usd'),
		total: money(103, 'usd'),
		customer: { booksId: 'cust-1002', providerId: 'cus_B' },
	}),
	reasons: [
		{ code: 'CUSTOMER_MISMATCH', message: 'The payment is of books customer cust-1002' },
		{ code: 'AMOUNT_MISMATCH', message: "It pays $1.00, less than the invoice's balance $250.00" },
	],
	invoiceNumber: 'INV-2001',
	customerName: 'Acme Plumbing Ltd',
	failureAddress: 'payments-team@business.example.com',
	businessName: 'Business Ltd',
	...overrides,
});

const mismatchNotices = {
	'a Stripe payment of another customer': mismatch(),
	'a 360 Payments payment naming no books customer, no fee': mismatch({
		record: record({
			provider: 'gateway360',
			fee: null,
			total: null,
			paymentMethod: null,
			customer: { booksId: null, providerId: 'v-9' },
		}),
		customerName: null,
		businessName: null,
		locale: 'fr-FR',
	}),
	'hostile values': mismatch({
		record: record({
			provider: 'other<b>',
			paymentId: 'pi_9\nBcc: x@evil.example.com',
			customer: { booksId: '<b>cust</b>', providerId: 'cus_&' },
		}),
		invoiceNumber: 'INV-1\r\nBcc: x@evil.example.com',
		reasons: [
			{ code: 'NO_CUSTOMER', message: 'line one\nline two' },
			{ code: 'LINES_MISMATCH' },
			{},
		],
	}),
};

test.each(Object.keys(mismatchNotices))('payment mismatch notice: %s', (name) => {
	expect(composePaymentMismatchNotice(mismatchNotices[name])).toMatchSnapshot();
});

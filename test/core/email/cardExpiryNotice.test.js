// @ts-check
import { composeCardExpiryNotice as composeOutcome } from '../../../nodes/core/email';
import { readFields } from '../../support/fields';

const composeCardExpiryNotice = readFields(composeOutcome);

const contact = {
	customerName: 'Acme Plumbing Ltd',
	customerEmail: 'office@acme.example.com',
	accountsEmail: 'ap@acme.example.com',
	accountsCcEmail: '',
	payingUserEmail: '',
};
const expiring = {
	label: 'Visa •••• 4242',
	goodThrough: '2026-12-31',
	nextDueDay: '2027-01-05',
	expiresBeforeNextDueDay: true,
};

test('the notice: which card, good through when, due when, and the link, to the customer', () => {
	const notice = composeCardExpiryNotice({
		check: expiring,
		contact,
		updatePaymentMethodUrl: 'https://pay.example.com/add/cs_1',
		businessName: 'Business Ltd',
	});
	expect(notice).toMatchObject({
		send: true,
		template: 'Card Expiry Notice',
		to: 'office@acme.example.com',
		cc: 'ap@acme.example.com',
		subject: 'Card Expiry Notice: Visa •••• 4242 expires before your next payment',
	});
	expect(notice.text).toContain('Good through: Thursday, December 31, 2026');
	expect(notice.text).toContain('Next payment due: Tuesday, January 5, 2027');
	expect(notice.text).toContain('Update your payment method: https://pay.example.com/add/cs_1');
	expect(notice.text).toMatch(/Business Ltd$/);
	expect(notice.html).toContain('<a href="https://pay.example.com/add/cs_1">');
});

test('no notice when the card is good on the due day, nothing is due, or nobody can receive it', () => {
	for (const check of [
		{ ...expiring, expiresBeforeNextDueDay: false },
		{ ...expiring, nextDueDay: null },
	])
		expect(composeCardExpiryNotice({ check, contact })).toMatchObject({
			send: false,
			reason: 'CARD_GOOD_ON_DUE_DAY',
		});
	expect(
		composeCardExpiryNotice({
			check: expiring,
			contact: { ...contact, customerEmail: 'not an address', accountsEmail: '' },
		}),
	).toMatchObject({ send: false, reason: 'NO_RECIPIENT', ignoredAddresses: ['not an address'] });
});

test('a link that is not http(s) is left out, never shown', () => {
	const notice = composeCardExpiryNotice({
		check: expiring,
		contact,
		updatePaymentMethodUrl: 'javascript:alert(1)',
	});
	expect(notice.text).not.toContain('javascript');
	expect(notice.text).not.toContain('with the link below');
});

// @ts-check
import { currencyChoices, isTimeZone, timeZoneChoices } from '../../nodes/core/choices';
import { currencyRules, supportedCurrencies } from '../../nodes/core/money/money';
import { BusinessCalendar } from '../../nodes/core/autopay/dates';

describe('currency choices', () => {
	test('one choice per currency the money rules take, storing the lowercase code', () => {
		const choices = currencyChoices();
		expect(choices.map((choice) => choice.value)).toEqual(supportedCurrencies());
		for (const { value } of choices) expect(currencyRules(value).code).toBe(value);
	});

	test('named for people: code and English name', () => {
		const byValue = new Map(currencyChoices().map((choice) => [choice.value, choice.name]));
		expect(byValue.get('usd')).toBe('USD: US Dollar');
		expect(byValue.get('eur')).toBe('EUR: Euro');
		expect(byValue.get('jpy')).toBe('JPY: Japanese Yen');
	});

	test('an unknown locale falls back to codes rather than failing', () => {
		expect(currencyChoices('not a locale !!').find((c) => c.value === 'usd')?.name).toBe('USD');
	});
});

describe('time zone choices', () => {
	test('UTC first, then IANA zones by name, each stored by its IANA name', () => {
		const choices = timeZoneChoices();
		expect(choices[0]).toEqual({ name: 'UTC', value: 'UTC' });
		const values = choices.map((choice) => choice.value);
		expect(values).toEqual(expect.arrayContaining(['America/Chicago', 'Europe/Berlin']));
		expect(values.length).toBeGreaterThan(300);
		expect(new Set(values).size).toBe(values.length);
		const rest = values.slice(1);
		expect(rest).toEqual([...rest].sort());
		expect(choices.find((c) => c.value === 'America/New_York')?.name).toBe('America/New York');
	});

	test("IANA's current names are listed beside the older ones ICU lists (a zone n8n's own list offers is found)", () => {
		const values = timeZoneChoices().map((choice) => choice.value);
		expect(values).toEqual(
			expect.arrayContaining(['Asia/Kolkata', 'Asia/Calcutta', 'Europe/Kyiv', 'Etc/UTC']),
		);
	});

	test('every listed zone is one the business calendar accepts', () => {
		for (const { value } of timeZoneChoices()) {
			expect(() => new BusinessCalendar(value)).not.toThrow();
		}
	});

	test('isTimeZone refuses what is not a zone', () => {
		expect(isTimeZone('Europe/Berlin')).toBe(true);
		expect(isTimeZone('Mars/Olympus')).toBe(false);
	});
});

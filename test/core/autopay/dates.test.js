// @ts-check
import { DateTime } from 'luxon';

import {
	BusinessCalendar,
	businessDate,
	epochDay,
	formatEpochDay,
} from '../../../nodes/core/autopay/dates';
import { CoreInputError } from '../../../nodes/core/errors';
import { randomInt, seededRandom } from '../../support/random';

function inputError(fn) {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(CoreInputError);
		return error;
	}
	throw new Error('expected a CoreInputError');
}

describe('epoch days', () => {
	test('round-trip with the proleptic Gregorian calendar JavaScript uses, 1900 to 2100', () => {
		const first = epochDay(1900, 1, 1);
		const last = epochDay(2100, 12, 31);
		expect(last - first).toBe(73_413);
		const wrong = [];
		for (let day = first; day <= last; day += 1) {
			const text = new Date(day * 86_400_000).toISOString().slice(0, 10);
			const [y, m, d] = text.split('-').map(Number);
			if (formatEpochDay(day) !== text || epochDay(y, m, d) !== day) wrong.push(text);
		}
		expect(wrong).toEqual([]);
	});

	test.each([
		[1970, 1, 1, 0],
		[2000, 3, 1, 11_017],
		[2028, 2, 29, 21_243],
		[2028, 3, 1, 21_244],
	])('%i-%i-%i is day %i', (y, m, d, expected) => {
		expect(epochDay(y, m, d)).toBe(expected);
	});
});

// [description, value, time zone, expected business day]
// One case per line: these tables read as tables.
// prettier-ignore
/** @type {Array<[string, Parameters<BusinessCalendar['dateOf']>[0], string, string]>} */
const DAYS = [
	// date-only: the day as written, in any zone
	['date-only in New York', '2026-03-08', 'America/New_York', '2026-03-08'],
	['date-only in Auckland', '2026-03-08', 'Pacific/Auckland', '2026-03-08'],
	['date-only leap day 2028', '2028-02-29', 'Europe/Berlin', '2028-02-29'],
	['date-only with surrounding spaces', ' 2026-01-31 ', 'UTC', '2026-01-31'],
	// America/New_York, spring forward on 2026-03-08 at 02:00 EST (07:00Z)
	['NY: 04:30Z on the DST day is still the evening before', '2026-03-08T04:30:00Z', 'America/New_York', '2026-03-07'],
	['NY: 05:30Z is 00:30 EST on the DST day', '2026-03-08T05:30:00Z', 'America/New_York', '2026-03-08'],
	['NY: day after spring forward, 00:30 EDT (EST would say the day before)', '2026-03-09T04:30:00Z', 'America/New_York', '2026-03-09'],
	['NY: 23:59:59 EDT on the DST day', '2026-03-09T03:59:59Z', 'America/New_York', '2026-03-08'],
	['NY: wall time 02:30 skipped by the gap keeps its day', '2026-03-08T02:30:00', 'America/New_York', '2026-03-08'],
	// America/New_York, fall back on 2026-11-01 at 02:00 EDT (06:00Z)
	['NY: 00:30 EDT on the fall-back day (04:30Z)', '2026-11-01T04:30:00Z', 'America/New_York', '2026-11-01'],
	['NY: first 01:30 (EDT)', '2026-11-01T05:30:00Z', 'America/New_York', '2026-11-01'],
	['NY: second 01:30 (EST)', '2026-11-01T06:30:00Z', 'America/New_York', '2026-11-01'],
	['NY: 23:30 EST on the fall-back day is already the next day in UTC', '2026-11-02T04:30:00Z', 'America/New_York', '2026-11-01'],
	['NY: ambiguous wall time 01:30 without offset', '2026-11-01T01:30:00', 'America/New_York', '2026-11-01'],
	// Europe/Berlin, spring forward 2026-03-29 at 01:00Z, fall back 2026-10-25 at 01:00Z
	['Berlin: 00:30 CET on the DST day is still the day before in UTC', '2026-03-28T23:30:00Z', 'Europe/Berlin', '2026-03-29'],
	['Berlin: same instant written with its +01:00 offset', '2026-03-29T00:30:00+01:00', 'Europe/Berlin', '2026-03-29'],
	['Berlin: 00:30 CEST the day after (CET would say the day before)', '2026-03-29T22:30:00Z', 'Europe/Berlin', '2026-03-30'],
	['Berlin: 23:59:59 CEST on the DST day', '2026-03-29T21:59:59Z', 'Europe/Berlin', '2026-03-29'],
	['Berlin: 00:30 CEST on the fall-back day', '2026-10-24T22:30:00Z', 'Europe/Berlin', '2026-10-25'],
	['Berlin: 23:30 CET on the fall-back day (CEST would say the next day)', '2026-10-25T22:30:00Z', 'Europe/Berlin', '2026-10-25'],
	['Berlin: 00:30 CET the day after the fall back', '2026-10-25T23:30:00Z', 'Europe/Berlin', '2026-10-26'],
	['Berlin: wall time 02:30 skipped by the gap keeps its day', '2026-03-29T02:30:00', 'Europe/Berlin', '2026-03-29'],
	// Pacific/Auckland (+13 in summer, +12 in winter; DST ends 2026-04-05 03:00 NZDT)
	['Auckland: 11:30Z is 00:30 the next day', '2026-11-22T11:30:00Z', 'Pacific/Auckland', '2026-11-23'],
	['Auckland: 10:59:59Z is 23:59:59 the same day', '2026-11-22T10:59:59Z', 'Pacific/Auckland', '2026-11-22'],
	['Auckland: 00:30 NZDT on the fall-back day', '2026-04-04T11:30:00Z', 'Pacific/Auckland', '2026-04-05'],
	['Auckland: 23:30 NZST on the fall-back day (NZDT would say the next day)', '2026-04-05T11:30:00Z', 'Pacific/Auckland', '2026-04-05'],
	// Asia/Kolkata, +05:30 all year
	['Kolkata: 18:29:59Z is 23:59:59 IST', '2026-11-22T18:29:59Z', 'Asia/Kolkata', '2026-11-22'],
	['Kolkata: 18:30Z is midnight IST', '2026-11-22T18:30:00Z', 'Asia/Kolkata', '2026-11-23'],
	['Kolkata midnight with +05:30, judged in UTC', '2026-11-23T00:00:00+05:30', 'UTC', '2026-11-22'],
	['Kolkata midnight with +0530 (no colon), judged in Kolkata', '2026-11-23T00:00:00+0530', 'Asia/Kolkata', '2026-11-23'],
	['nanosecond fraction is cut, not rounded into the next day', '2026-11-22T18:29:59.999999999Z', 'Asia/Kolkata', '2026-11-22'],
	// month ends and leap days
	['Jan 31 late evening in New York is Feb 1 in UTC', '2026-01-31T23:30:00-05:00', 'America/New_York', '2026-01-31'],
	['the same instant judged in Berlin is Feb 1', '2026-01-31T23:30:00-05:00', 'Europe/Berlin', '2026-02-01'],
	['Feb 1 04:30Z is still Jan 31 in New York', '2026-02-01T04:30:00Z', 'America/New_York', '2026-01-31'],
	['leap day evening in UTC is Mar 1 in Auckland', '2028-02-29T23:30:00Z', 'Pacific/Auckland', '2028-03-01'],
	['Feb 28 2028 evening in New York is the leap day in Berlin', '2028-02-28T23:30:00-05:00', 'Europe/Berlin', '2028-02-29'],
	['Feb 28 2027 evening in New York is Mar 1 in Berlin (no leap day)', '2027-02-28T23:30:00-05:00', 'Europe/Berlin', '2027-03-01'],
	// other spellings
	['offset +hh only', '2026-11-23T01:00:00+02', 'UTC', '2026-11-22'],
	['lowercase t and z', '2026-11-22t23:30:00z', 'Europe/Berlin', '2026-11-23'],
	['space separator, no offset', '2026-11-23 23:59:59', 'Pacific/Auckland', '2026-11-23'],
	['minutes only, with offset', '2026-11-23T23:30-05:00', 'America/New_York', '2026-11-23'],
	['comma fraction', '2026-11-22T23:30:00,5Z', 'Europe/Berlin', '2026-11-23'],
	// epoch milliseconds
	['epoch ms number', Date.UTC(2026, 2, 8, 4, 30), 'America/New_York', '2026-03-07'],
	['epoch ms digit string', String(Date.UTC(2026, 2, 8, 4, 30)), 'America/New_York', '2026-03-07'],
	['epoch ms number after local midnight', Date.UTC(2026, 10, 22, 18, 30), 'Asia/Kolkata', '2026-11-23'],
	// objects
	['Date object', new Date('2026-11-02T04:30:00Z'), 'America/New_York', '2026-11-01'],
	['luxon DateTime (n8n expressions)', DateTime.fromISO('2026-11-22T18:30:00Z'), 'Asia/Kolkata', '2026-11-23'],
];

describe('BusinessCalendar.dayOf', () => {
	test.each(DAYS)('%s', (_, value, zone, expected) => {
		expect(new BusinessCalendar(zone).dateOf(value, 'dueDate')).toBe(expected);
	});

	const notADate = (text) =>
		`"${text}" is not a date: use YYYY-MM-DD, an ISO 8601 timestamp or epoch milliseconds`;
	const notRealDate = (text) => `"${text}" is not a real calendar date`;
	const notMillis = (shown) =>
		`${shown} is not a timestamp in epoch milliseconds (Unix seconds and YYYYMMDD numbers are not accepted)`;
	const notOfType = (type) =>
		`A value of type ${type} is not a date: use YYYY-MM-DD, an ISO 8601 timestamp or epoch milliseconds`;

	// [value, message]
	test.each([
		['2026-02-30', notRealDate('2026-02-30')],
		['2027-02-29', notRealDate('2027-02-29')],
		['2026-04-31', notRealDate('2026-04-31')],
		['2026-13-01', notRealDate('2026-13-01')],
		['2026-00-10', notRealDate('2026-00-10')],
		['2026-02-30T10:00:00Z', notRealDate('2026-02-30T10:00:00Z')],
		['tomorrow', notADate('tomorrow')],
		['', 'A date is required'],
		['   ', 'A date is required'],
		[null, 'A date is required'],
		[undefined, 'A date is required'],
		['2026-3-8', notADate('2026-3-8')],
		['2026/11/23', notADate('2026/11/23')],
		['23.11.2026', notADate('23.11.2026')],
		['Nov 23 2026', notADate('Nov 23 2026')],
		['2026-11-23Z', notADate('2026-11-23Z')],
		['2026-11-23T10', notADate('2026-11-23T10')],
		['2026-11-23T10:00:00.Z', notADate('2026-11-23T10:00:00.Z')],
		['2026-11-23T10:00:00 Z', notADate('2026-11-23T10:00:00 Z')],
		['2026-11-23T10:00:00+5', notADate('2026-11-23T10:00:00+5')],
		['2026-11-23T10:00:00+05:', notADate('2026-11-23T10:00:00+05:')],
		['2026-11-23T24:00:00Z', '"2026-11-23T24:00:00Z" has no such time of day'],
		['2026-11-23T10:60:00', '"2026-11-23T10:60:00" has no such time of day'],
		['2026-11-23T10:00:00+24:00', '"2026-11-23T10:00:00+24:00" has no such UTC offset'],
		[1_795_392_000, notMillis('1795392000')],
		['20261123', notMillis('"20261123"')],
		[-5, notMillis('-5')],
		[Number.NaN, notMillis('NaN')],
		[Number.POSITIVE_INFINITY, notMillis('Infinity')],
		[new Date('not a date'), 'The date object holds an invalid date'],
		[DateTime.fromISO('2026-02-30'), 'The date object holds an invalid date'],
		[true, notOfType('boolean')],
		[{}, notOfType('object')],
	])('%p is refused, naming the field', (value, message) => {
		const error = inputError(() => new BusinessCalendar('Europe/Berlin').dayOf(value, 'DueDate'));
		expect(error.field).toBe('DueDate');
		expect(error.message).toBe(message);
	});

	test('time zones must be IANA names', () => {
		for (const zone of ['Mars/Olympus', '', '+01:00', 42, undefined]) {
			const error = inputError(() => new BusinessCalendar(zone));
			expect(error.field).toBe('timeZone');
			expect(error.message).toMatch(/is not an IANA time zone name/);
		}
		expect(new BusinessCalendar(' Asia/Kolkata ').timeZone).toBe('Asia/Kolkata');
	});

	test('businessDate reads one value', () => {
		expect(businessDate('2026-11-22T18:30:00Z', 'Asia/Kolkata')).toBe('2026-11-23');
		expect(inputError(() => businessDate('soon', 'UTC', 'asOf')).field).toBe('asOf');
	});
});

// Zones with DST, half- and quarter-hour offsets, a midnight DST switch (Santiago, Beirut),
// a 30-minute DST change (Lord Howe) and a skipped calendar day (Apia, 2011-12-30).
const ZONES = [
	'America/New_York',
	'Europe/Berlin',
	'Pacific/Auckland',
	'Asia/Kolkata',
	'Australia/Lord_Howe',
	'Pacific/Chatham',
	'America/St_Johns',
	'America/Santiago',
	'Asia/Beirut',
	'Pacific/Apia',
	'UTC',
];

describe('instants agree with luxon in every zone', () => {
	test.each(ZONES)('%s: every hour of 2026 and 2028 plus random instants 2000-2040', (zone) => {
		const calendar = new BusinessCalendar(zone);
		const random = seededRandom(zone.length * 7919);
		const instants = [];
		for (const year of [2026, 2028]) {
			const start = Date.UTC(year, 0, 1);
			const end = Date.UTC(year + 1, 0, 1);
			for (let ms = start; ms < end; ms += 3_600_000) {
				instants.push(ms + randomInt(random, 0, 3_599_999), ms);
			}
		}
		const from = Date.UTC(2000, 0, 1);
		const to = Date.UTC(2040, 0, 1);
		for (let i = 0; i < 2000; i += 1) instants.push(from + Math.floor(random() * (to - from)));
		instants.push(Date.UTC(2011, 11, 30, 9, 59, 59, 999), Date.UTC(2011, 11, 30, 10));
		for (const ms of instants) {
			const expected = DateTime.fromMillis(ms, { zone }).toISODate();
			const actual = formatEpochDay(calendar.dayOfInstant(ms));
			if (actual !== expected)
				throw new Error(`${zone} ${new Date(ms).toISOString()}: ${actual} != ${expected}`);
		}
		expect(instants.length).toBeGreaterThan(17_000);
	});

	test('ISO strings with any offset agree with luxon', () => {
		const random = seededRandom(20261123);
		for (let i = 0; i < 3000; i += 1) {
			const zone = ZONES[randomInt(random, 0, ZONES.length - 1)];
			const ms = Date.UTC(2026, 0, 1) + Math.floor(random() * 365 * 86_400_000);
			const offset = randomInt(random, -48, 56) * 15;
			const text = /** @type {string} */ (
				DateTime.fromMillis(ms, { zone: 'UTC' })
					.setZone(
						`UTC${offset < 0 ? '-' : '+'}${Math.floor(Math.abs(offset) / 60)}:${String(Math.abs(offset) % 60).padStart(2, '0')}`,
					)
					.toISO()
			);
			const expected = DateTime.fromISO(text).setZone(zone).toISODate();
			expect([text, zone, new BusinessCalendar(zone).dateOf(text, 'd')]).toEqual([
				text,
				zone,
				expected,
			]);
		}
	});
});

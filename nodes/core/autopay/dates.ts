/**
 * Calendar days in the business time zone, for the auto-pay scan.
 *
 * Every date an invoice carries is reduced to one calendar day in the business zone, held as an
 * "epoch day" (whole days since 1970-01-01), so rules compare integers and never instants:
 *
 * - `'YYYY-MM-DD'`: that calendar day, as written (a due date has no time of day).
 * - ISO 8601 with `Z` or an offset (`+hh:mm`, `+hhmm`, `+hh`): that instant, converted to the day
 *   it falls on in the business zone.
 * - ISO 8601 without an offset (`T` or space between date and time): a wall-clock time in the
 *   business zone, so the day is its date part (a time skipped by a DST gap still names its day).
 * - epoch milliseconds, as a number or a string of digits: that instant. Fewer than 12 digits is
 *   refused: such values are Unix seconds or YYYYMMDD, and reading them as milliseconds would put
 *   the invoice in January 1970.
 * - a Date, or anything with `toMillis()` (a luxon DateTime, as n8n expressions produce): that
 *   instant.
 *
 * Anything else (impossible days such as 2026-02-30, words, empty values) throws a
 * CoreInputError naming the field, so a bad date is never mistaken for "not due".
 *
 * Instants are converted with the zone's UTC offset looked up through luxon once per UTC day
 * (binary-searching the exact switch instant on the two DST days of a year), so a million
 * invoices cost a handful of luxon calls, and the answer equals luxon's own
 * `DateTime.fromMillis(ms, { zone }).toISODate()`.
 */
import { IANAZone } from 'luxon';

import { CoreInputError } from '../errors';
import { Memo } from '../memo';

export const MS_PER_DAY = 86_400_000;

// 10^11 ms is 1973-03-03; the largest instant a JavaScript Date holds is 8.64e15 ms.
const MIN_EPOCH_MS = 1e11;
const MAX_EPOCH_MS = 8.64e15;

const DIGITS = /^\d+$/;

const DASH = 45;
const COLON = 58;
const DOT = 46;
const COMMA = 44;
const SPACE = 32;
const PLUS = 43;
const UPPER_T = 84;
const LOWER_T = 116;
const UPPER_Z = 90;
const LOWER_Z = 122;

const FORMATS = 'use YYYY-MM-DD, an ISO 8601 timestamp or epoch milliseconds';

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days-from-civil, exact). */
export function epochDay(year: number, month: number, day: number): number {
	const y = month <= 2 ? year - 1 : year;
	const era = Math.floor(y / 400);
	const yearOfEra = y - era * 400;
	const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
	const dayOfEra =
		yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
	return era * 146_097 + dayOfEra - 719_468;
}

/** The 'YYYY-MM-DD' of an epoch day (Hinnant's civil-from-days). */
export function formatEpochDay(days: number): string {
	const z = days + 719_468;
	const era = Math.floor(z / 146_097);
	const dayOfEra = z - era * 146_097;
	const yearOfEra = Math.floor(
		(dayOfEra -
			Math.floor(dayOfEra / 1460) +
			Math.floor(dayOfEra / 36_524) -
			Math.floor(dayOfEra / 146_096)) /
			365,
	);
	const dayOfYear =
		dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
	const mp = Math.floor((5 * dayOfYear + 2) / 153);
	const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
	const month = mp < 10 ? mp + 3 : mp - 9;
	const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
	return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

export function daysInMonth(year: number, month: number): number {
	if (month === 2) {
		const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
		return leap ? 29 : 28;
	}
	return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Digits at [start, start + length) as a number, or -1 when any is not a digit. */
function digitsAt(text: string, start: number, length: number): number {
	let value = 0;
	for (let i = start; i < start + length; i++) {
		const code = text.charCodeAt(i);
		if (!isDigit(code)) return -1;
		value = value * 10 + code - 48;
	}
	return value;
}

// charCodeAt past the end is NaN, which is no digit.
function isDigit(code: number): boolean {
	return code >= 48 && code <= 57;
}

function notADate(text: string, field: string): CoreInputError {
	return new CoreInputError(field, `"${text}" is not a date: ${FORMATS}`);
}

/** Minutes east of UTC of the suffix at `position`: Z, +hh:mm, +hhmm or +hh. */
function offsetAt(text: string, position: number, field: string): number {
	const sign = text.charCodeAt(position);
	const rest = text.length - position - 1;
	if (sign === UPPER_Z || sign === LOWER_Z) {
		if (rest === 0) return 0;
		throw notADate(text, field);
	}
	if (sign !== PLUS && sign !== DASH) throw notADate(text, field);
	const hours = digitsAt(text, position + 1, 2);
	let minutes: number;
	if (rest === 2) minutes = 0;
	else if (rest === 4) minutes = digitsAt(text, position + 3, 2);
	else if (rest === 5 && text.charCodeAt(position + 3) === COLON) {
		minutes = digitsAt(text, position + 4, 2);
	} else throw notADate(text, field);
	if (hours < 0 || minutes < 0) throw notADate(text, field);
	if (hours > 23 || minutes > 59) {
		throw new CoreInputError(field, `"${text}" has no such UTC offset`);
	}
	return (sign === DASH ? -1 : 1) * (hours * 60 + minutes);
}

/** The UTC offset of the zone over one UTC day: `before` until `switchAt`, `after` from it. */
interface UtcDayOffsets {
	switchAt: number;
	beforeMs: number;
	afterMs: number;
}

/** Reads invoice dates as calendar days in one business time zone. One per scan run. */
export class BusinessCalendar {
	readonly timeZone: string;

	private readonly zone: IANAZone;

	private readonly offsets = new Map<number, UtcDayOffsets>();

	// The invoices of a run share few date strings: each one is read once.
	private readonly textDays = new Memo<string, number>();

	// Invoices of one run cluster on few days: the last UTC day answers most lookups.
	private lastUtcDay = NaN;

	private lastOffsets: UtcDayOffsets = { switchAt: Infinity, beforeMs: 0, afterMs: 0 };

	constructor(timeZone: unknown, field = 'timeZone') {
		if (typeof timeZone !== 'string' || !IANAZone.isValidZone(timeZone.trim())) {
			throw new CoreInputError(
				field,
				`Time zone "${String(timeZone)}" is not an IANA time zone name such as Europe/Berlin`,
			);
		}
		this.timeZone = timeZone.trim();
		this.zone = IANAZone.create(this.timeZone);
	}

	/** The calendar day (epoch day) in the business zone on which an instant falls. */
	dayOfInstant(epochMs: number): number {
		const utcDay = Math.floor(epochMs / MS_PER_DAY);
		let offsets = this.lastOffsets;
		if (utcDay !== this.lastUtcDay) {
			const known = this.offsets.get(utcDay);
			if (known === undefined) {
				offsets = this.utcDayOffsets(utcDay);
				this.offsets.set(utcDay, offsets);
			} else offsets = known;
			this.lastUtcDay = utcDay;
			this.lastOffsets = offsets;
		}
		const offsetMs = epochMs < offsets.switchAt ? offsets.beforeMs : offsets.afterMs;
		return Math.floor((epochMs + offsetMs) / MS_PER_DAY);
	}

	/**
	 * The calendar day (epoch day) of an invoice date value in the business zone.
	 * Throws CoreInputError naming `field` when the value is missing or not a real date.
	 */
	dayOf(value: unknown, field: string): number {
		if (typeof value === 'string') {
			return this.textDays.get(value) ?? this.textDays.set(value, this.dayOfText(value, field));
		}
		if (typeof value === 'number')
			return this.dayOfInstant(epochMillis(value, String(value), field));
		if (value === undefined || value === null)
			throw new CoreInputError(field, 'A date is required');
		if (value instanceof Date) return this.dayOfInstant(objectMillis(value.getTime(), field));
		const toMillis = (value as { toMillis?: unknown }).toMillis;
		if (typeof value === 'object' && typeof toMillis === 'function') {
			const millis: unknown = toMillis.call(value);
			if (typeof millis === 'number') return this.dayOfInstant(objectMillis(millis, field));
		}
		throw new CoreInputError(field, `A value of type ${typeof value} is not a date: ${FORMATS}`);
	}

	/** `dayOf` as 'YYYY-MM-DD'. */
	dateOf(value: unknown, field: string): string {
		return formatEpochDay(this.dayOf(value, field));
	}

	private dayOfText(raw: string, field: string): number {
		const text = raw.trim();
		if (text === '') throw new CoreInputError(field, 'A date is required');
		if (DIGITS.test(text)) return this.dayOfInstant(epochMillis(Number(text), `"${text}"`, field));
		if (text.length === 10 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45) {
			return calendarDay(
				digitsAt(text, 0, 4),
				digitsAt(text, 5, 2),
				digitsAt(text, 8, 2),
				text,
				field,
			);
		}
		return this.dayOfTimestamp(text, field);
	}

	// Hand-written instead of a regular expression: this runs once per invoice, and scanning the
	// characters in place allocates nothing.
	private dayOfTimestamp(text: string, field: string): number {
		const length = text.length;
		const separator = text.charCodeAt(10);
		if (
			length < 16 ||
			text.charCodeAt(4) !== DASH ||
			text.charCodeAt(7) !== DASH ||
			(separator !== UPPER_T && separator !== LOWER_T && separator !== SPACE) ||
			text.charCodeAt(13) !== COLON
		) {
			throw notADate(text, field);
		}
		const hour = digitsAt(text, 11, 2);
		const minute = digitsAt(text, 14, 2);
		let second = 0;
		let millis = 0;
		let position = 16;
		if (text.charCodeAt(position) === COLON) {
			second = digitsAt(text, position + 1, 2);
			position += 3;
			const mark = text.charCodeAt(position);
			if (mark === DOT || mark === COMMA) {
				const fractionStart = position + 1;
				position = fractionStart;
				while (isDigit(text.charCodeAt(position))) position += 1;
				const fractionDigits = position - fractionStart;
				if (fractionDigits === 0) throw notADate(text, field);
				// Only milliseconds matter for the day; further digits are cut, never rounded up.
				const kept = Math.min(fractionDigits, 3);
				millis = digitsAt(text, fractionStart, kept) * 10 ** (3 - kept);
			}
		}
		if (hour < 0 || minute < 0 || second < 0) throw notADate(text, field);
		const day = calendarDay(
			digitsAt(text, 0, 4),
			digitsAt(text, 5, 2),
			digitsAt(text, 8, 2),
			text,
			field,
		);
		if (hour > 23 || minute > 59 || second > 59) {
			throw new CoreInputError(field, `"${text}" has no such time of day`);
		}
		if (position === length) return day;
		const offsetMinutes = offsetAt(text, position, field);
		return this.dayOfInstant(
			day * MS_PER_DAY +
				hour * 3_600_000 +
				minute * 60_000 +
				second * 1000 +
				millis -
				offsetMinutes * 60_000,
		);
	}

	private offsetMsAt(epochMs: number): number {
		return this.zone.offset(epochMs) * 60_000;
	}

	// A zone changes its offset at most once within any 24 hours, so comparing both ends of the
	// UTC day finds the change, and bisection pins it to the millisecond.
	private utcDayOffsets(utcDay: number): UtcDayOffsets {
		const start = utcDay * MS_PER_DAY;
		const end = start + MS_PER_DAY - 1;
		const beforeMs = this.offsetMsAt(start);
		const afterMs = this.offsetMsAt(end);
		if (beforeMs === afterMs) return { switchAt: Infinity, beforeMs, afterMs };
		let low = start;
		let high = end;
		while (high - low > 1) {
			const middle = Math.floor((low + high) / 2);
			if (this.offsetMsAt(middle) === beforeMs) low = middle;
			else high = middle;
		}
		return { switchAt: high, beforeMs, afterMs };
	}
}

function calendarDay(
	year: number,
	month: number,
	day: number,
	text: string,
	field: string,
): number {
	if (year < 0 || month < 0 || day < 0) throw notADate(text, field);
	if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
		throw new CoreInputError(field, `"${text}" is not a real calendar date`);
	}
	return epochDay(year, month, day);
}

function objectMillis(millis: number, field: string): number {
	if (!Number.isFinite(millis) || Math.abs(millis) > MAX_EPOCH_MS) {
		throw new CoreInputError(field, 'The date object holds an invalid date');
	}
	return millis;
}

function epochMillis(value: number, shown: string, field: string): number {
	if (!Number.isFinite(value) || value < MIN_EPOCH_MS || value > MAX_EPOCH_MS) {
		throw new CoreInputError(
			field,
			`${shown} is not a timestamp in epoch milliseconds (Unix seconds and YYYYMMDD numbers are not accepted)`,
		);
	}
	return Math.floor(value);
}

/** One date as 'YYYY-MM-DD' in a time zone; for single values (a scan builds one calendar). */
export function businessDate(value: unknown, timeZone: string, field = 'date'): string {
	return new BusinessCalendar(timeZone).dateOf(value, field);
}

/**
 * The lists behind the editor's currency and time zone pickers: one owner for every node.
 * Values are what the parameters have always stored (a lowercase currency code, an IANA zone
 * name), so a picker changes nothing a workflow stores; names are for people.
 */
import { supportedCurrencies } from './money/money';

export interface Choice {
	/** what the editor shows */
	name: string;
	/** what the parameter stores */
	value: string;
}

/** Stripe's currencies (the money rules' own list): "USD: US Dollar" storing "usd", by code. */
export function currencyChoices(locale = 'en'): Choice[] {
	const names = currencyNames(locale);
	return supportedCurrencies().map((code) => {
		const upper = code.toUpperCase();
		const name = names?.of(upper);
		return { name: name && name !== upper ? `${upper}: ${name}` : upper, value: code };
	});
}

function currencyNames(locale: string): Intl.DisplayNames | undefined {
	try {
		return new Intl.DisplayNames([locale], { type: 'currency' });
	} catch {
		return undefined; // a runtime without display names: the codes alone
	}
}

/**
 * IANA's current names of zones that ICU (so Intl.supportedValuesOf, Node 20 and 24) lists only
 * under an older name (Asia/Calcutta, Europe/Kiev, ...): the tz database's `backward` file
 * (https://data.iana.org/time-zones/tzdb/backward) names each old link and its current zone.
 * n8n's own time zone list (workflow settings, moment-timezone) has the current names, so a
 * workflow set to one of them must find it here too.
 */
const CURRENT_IANA_NAMES = [
	'America/Argentina/Buenos_Aires',
	'America/Argentina/Catamarca',
	'America/Argentina/Cordoba',
	'America/Argentina/Jujuy',
	'America/Argentina/Mendoza',
	'America/Atikokan',
	'America/Indiana/Indianapolis',
	'America/Kentucky/Louisville',
	'America/Nuuk',
	'Asia/Ho_Chi_Minh',
	'Asia/Kathmandu',
	'Asia/Kolkata',
	'Asia/Yangon',
	'Atlantic/Faroe',
	'Etc/UTC',
	'Europe/Kyiv',
	'Pacific/Chuuk',
	'Pacific/Kanton',
	'Pacific/Pohnpei',
];

/** The zone every list starts with: Intl's list leaves it out, yet it is a valid IANA name. */
const UTC = 'UTC';

/**
 * IANA time zones as the runtime knows them (Intl.supportedValuesOf), UTC first, then by name.
 * Only zones the runtime can compute with are listed, so every choice is one the date rules take.
 */
export function timeZoneChoices(): Choice[] {
	const listed = new Set(runtimeTimeZones());
	const current = CURRENT_IANA_NAMES.filter((zone) => !listed.has(zone));
	const zones = [...listed, ...current].filter((zone) => zone !== UTC && isTimeZone(zone));
	zones.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	return [UTC, ...zones].map((zone) => ({ name: zone.replace(/_/g, ' '), value: zone }));
}

function runtimeTimeZones(): string[] {
	// Typed in lib es2022.intl, which this package does not compile against; present since Node 18.
	const intl = Intl as unknown as { supportedValuesOf?: (key: 'timeZone') => string[] };
	return typeof intl.supportedValuesOf === 'function'
		? [...intl.supportedValuesOf('timeZone')]
		: [];
}

/** Whether Intl computes dates in the zone (what the business calendar needs). */
export function isTimeZone(zone: string): boolean {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}

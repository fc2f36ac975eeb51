import { CoreInputError } from '../errors';

/**
 * Remembers webhook event ids so a redelivered event starts no second execution.
 *
 * Providers deliver at least once and retry for days (Stripe: up to 3 days), so an id is kept
 * for `ttlMs` (default 72 h) counted from its FIRST delivery, and at most `maxEntries` ids are
 * kept (default 10,000): past that the id first seen longest ago is dropped. Eviction is by first
 * sight, not by last use: a retry belongs to its first delivery's window, and a flood of replays
 * of one id must not keep it (and its memory) alive forever. Every operation is O(1) amortised:
 * ids sit in a ring in first-seen order, so the oldest and the expired are dropped from its head.
 *
 * API:
 *   createEventDeduplicator({ maxEntries = 10000, ttlMs = 72h, now: () => epoch ms })
 *     .seen(id)   marks the id and tells whether it was already marked (first time false)
 *     .forget(id) unmarks it: call when handling failed after `seen`, so the provider's retry
 *                 is processed instead of being taken for a replay
 *     .size()     ids currently kept (never more than maxEntries)
 *   DEFAULT_DEDUP_MAX_ENTRIES, DEFAULT_DEDUP_TTL_MS
 *
 * Ids are compared as given: one deduplicator per provider endpoint (Stripe `evt_...` ids and
 * 360 Payments `event_id`s are separate namespaces). The clock is handed in by the caller.
 * Memory is per process: with several webhook processes (n8n queue mode) a replay reaching
 * another process is not caught here, which is why "Re-read payment" keeps the state truthful.
 */

export const DEFAULT_DEDUP_MAX_ENTRIES = 10_000;
export const DEFAULT_DEDUP_TTL_MS = 72 * 60 * 60 * 1000;

export interface EventDeduplicator {
	seen(id: string): boolean;
	forget(id: string): void;
	size(): number;
}

export function createEventDeduplicator(options: {
	maxEntries?: number;
	ttlMs?: number;
	now: () => number;
}): EventDeduplicator {
	const maxEntries = options.maxEntries ?? DEFAULT_DEDUP_MAX_ENTRIES;
	const ttlMs = options.ttlMs ?? DEFAULT_DEDUP_TTL_MS;
	if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
		throw new CoreInputError(
			'maxEntries',
			'The number of remembered events must be a whole number of at least 1',
		);
	}
	if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
		throw new CoreInputError(
			'ttlMs',
			'How long events are remembered must be a positive number of milliseconds',
		);
	}
	if (typeof options.now !== 'function') {
		throw new CoreInputError('now', 'A clock function is required');
	}
	const now = options.now;
	// A ring of (id, first seen) in first-seen order, entry n at slot n % maxEntries, and a Map
	// from id to its entry number. Dropping the oldest is O(1); a Map alone is not, since V8
	// walks over the holes deleted entries leave at its front.
	const ids: (string | undefined)[] = [];
	const times: number[] = [];
	const entryById = new Map<string, number>();
	let oldest = 0;
	let next = 0;
	const slot = (entry: number) => entry % maxEntries;

	const dropOldest = () => {
		const index = slot(oldest);
		const id = ids[index] as string;
		// The id may have been forgotten, or seen anew in a later entry since.
		if (entryById.get(id) === oldest) entryById.delete(id);
		ids[index] = undefined;
		oldest++;
	};

	return {
		seen(id: string): boolean {
			if (typeof id !== 'string' || id === '') {
				throw new CoreInputError('eventId', 'An event id is required to detect replays');
			}
			const time = now();
			while (oldest < next && time - times[slot(oldest)] >= ttlMs) dropOldest();
			const entry = entryById.get(id);
			// A clock set back can leave an expired entry behind a fresher one: check each hit.
			if (entry !== undefined && time - times[slot(entry)] < ttlMs) return true;
			if (next - oldest === maxEntries) dropOldest();
			ids[slot(next)] = id;
			times[slot(next)] = time;
			entryById.set(id, next);
			next++;
			return false;
		},
		forget(id: string): void {
			// Its ring entry stays until it is the oldest; the Map no longer points to it.
			entryById.delete(id);
		},
		size(): number {
			return entryById.size;
		},
	};
}

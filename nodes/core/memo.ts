/** How many values one memo holds: plenty for what repeats, bounded for what does not. */
export const MEMO_LIMIT = 10_000;

/**
 * A map that stops growing at `limit` entries. A scan of a million invoices meets the same
 * dates, status words and currencies again and again; it works each one out once and looks it
 * up after that, without holding on to a million one-off values.
 *
 * ```ts
 * return memo.get(key) ?? memo.set(key, workOut(key));
 * ```
 */
export class Memo<K, V> {
	private readonly values = new Map<K, V>();

	constructor(private readonly limit = MEMO_LIMIT) {}

	get(key: K): V | undefined {
		return this.values.get(key);
	}

	/** Remembers `value` while there is room, and returns it either way. */
	set(key: K, value: V): V {
		if (this.values.size < this.limit) this.values.set(key, value);
		return value;
	}
}

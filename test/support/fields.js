// @ts-check
// A union the core returns (an email or none, a charge or a skip), read field by field in a test:
// every member's fields at once, those of the other members typed undefined. Only types change:
// each test still asserts which member it got.

/**
 * @template T
 * @typedef {T extends unknown ? keyof T : never} AllKeys
 */

/**
 * @template T
 * @typedef {{ [K in AllKeys<T>]: T extends unknown ? (K extends keyof T ? T[K] : undefined) : never }} Fields
 */

/**
 * The same function, its result typed as Fields.
 * @template {unknown[]} A
 * @template R
 * @param {(...args: A) => R} fn
 * @returns {(...args: A) => Fields<R>}
 */
export function readFields(fn) {
	return /** @type {any} */ (fn);
}

// Ordering of ids (device ids, load ids) that must not depend on a locale: by UTF-16 code unit, as
// JavaScript's `<` compares strings. `localeCompare` would be locale-dependent and, in a running gateway,
// would load ICU's collation data (~2 MB of RSS; docs/performance.md "Memory") for a sort of ASCII ids.

/** A comparator for Array.prototype.sort: -1, 0 or 1 by UTF-16 code unit order. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

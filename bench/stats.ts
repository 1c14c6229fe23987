// The statistics the benches report, defined once: the median (the mean of the two middle values for an even
// count) and the nearest-rank percentile. Both give NaN for no measurements.

const ascending = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = ascending(xs);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The nearest-rank `p`th percentile (0 < p <= 100): the smallest value with at least p % of them at or below it. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = ascending(xs);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}

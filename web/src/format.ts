// Numbers and durations on the board, as the printed report writes them (gateway/report/format.ts; the
// browser cannot load that module, so these two small rules are kept the same here).

/** `value` with `digits` decimals, or the dash. */
export function fixed(x: number | null | undefined, digits = 1): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '—';
}

/** Seconds as `h:mm:ss` (or `m:ss` under an hour); the dash for none. */
export function duration(seconds: number | null | undefined): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return `${h > 0 ? `${h}:${String(m).padStart(2, '0')}` : String(m)}:${String(r).padStart(2, '0')}`;
}
